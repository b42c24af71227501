/**
 * `sigmantic test`: rules applied to event files, and rule test files (expectations of which
 * events each rule must and must not match). The format is documented in docs/testing-rules.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import type { LoadedRule } from '../convert.js';
import type { Diagnostic } from '../diagnostics.js';
import { compileRule, prepareEvent, type CompiledRule, type PreparedEvent } from './compile.js';
import { readEvents, type JsonObject } from './events.js';
import { explainer, renderExplanation } from './explain.js';

/** One event and where it comes from. */
export interface SourcedEvent {
  readonly file: string;
  readonly index: number;
  readonly event: PreparedEvent;
}

export interface EventMatch {
  readonly file: string;
  readonly index: number;
}

export type EventsResult = { ok: true; events: SourcedEvent[] } | { ok: false; message: string };

const EVENT_FILE = /\.(?:json|jsonl|ndjson)$/i;

/** Event files of a path: the file itself, or the .json/.jsonl/.ndjson files under a directory (sorted). */
export function eventFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && EVENT_FILE.test(e.name)) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** Reads the events of one file; `label` names the file in results. */
export function loadEventFile(path: string, label = path): EventsResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      ok: false,
      message: `${label}: ${e instanceof Error ? e.message.replace(/^\w+: /, '') : String(e)}`,
    };
  }
  const r = readEvents(text);
  if (!r.ok) return { ok: false, message: `${label}:${r.line}:${r.column}: ${r.message}` };
  return {
    ok: true,
    events: r.events.map((event, index) => ({ file: label, index, event: prepareEvent(event) })),
  };
}

/** What a test expects of its events. */
export type Expectation =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'count'; count: number };

export interface TestCase {
  readonly name: string;
  /** The test file and the test's position in it. */
  readonly source: string;
  /** Event files (resolved paths) and inline events. */
  readonly files: readonly string[];
  readonly inline: readonly JsonObject[];
  readonly expect: Expectation;
}

export interface RuleTests {
  /** The rule: a resolved path, or an id to find among the loaded rules. */
  readonly rule: { path: string } | { id: string };
  readonly tests: readonly TestCase[];
}

export type TestFileResult = { ok: true; rules: RuleTests[] } | { ok: false; message: string };

export const TEST_FILE = /(?:\.test\.ya?ml|(?:^|[\\/])sigmantic-tests\.ya?ml)$/i;

/** Whether a path names a test file rather than a rule. */
export function isTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

/** The test file beside a rule (`x.yml` -> `x.test.yml`), if it exists. */
export function besideTestFile(rulePath: string): string | undefined {
  const m = /^(.*)\.(ya?ml)$/i.exec(rulePath);
  if (!m) return undefined;
  for (const ext of [m[2], m[2] === 'yml' ? 'yaml' : 'yml']) {
    const p = `${m[1]}.test.${ext}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a test file: `<rule>.test.yml` (tests of the rule beside it) or `sigmantic-tests.yml`. */
export function loadTestFile(path: string): TestFileResult {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(path, 'utf8'));
  } catch (e) {
    return { ok: false, message: `${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  const dir = dirname(path);
  const bad = (msg: string): TestFileResult => ({ ok: false, message: `${path}: ${msg}` });
  if (!isMap(doc)) return bad('a test file must be a mapping');
  const entries: Array<{ rule: unknown; tests: unknown; where: string }> = [];
  if ('rules' in doc) {
    if (!Array.isArray(doc.rules)) return bad("'rules' must be a list");
    doc.rules.forEach((r, i) => {
      entries.push({
        rule: isMap(r) ? r.rule : undefined,
        tests: isMap(r) ? r.tests : undefined,
        where: `rules[${i}]`,
      });
    });
  } else {
    let rule: unknown = doc.rule;
    if (rule === undefined) {
      const m = /^(.*)\.test\.ya?ml$/i.exec(path);
      if (!m) return bad("give 'rule:' (a path or an id), or name the file <rule>.test.yml");
      const candidates = [`${m[1]}.yml`, `${m[1]}.yaml`].filter((p) => existsSync(p));
      if (candidates.length === 0) return bad(`no rule ${basename(m[1])}.yml beside the test file`);
      rule = candidates[0];
      entries.push({ rule: resolve(rule as string), tests: doc.tests, where: '' });
    } else entries.push({ rule, tests: doc.tests, where: '' });
  }
  const rules: RuleTests[] = [];
  for (const e of entries) {
    const at = e.where ? `${e.where}: ` : '';
    if (typeof e.rule !== 'string' || e.rule === '') return bad(`${at}'rule' must be a rule path or id`);
    const looksId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(e.rule);
    const rule = looksId ? { id: e.rule } : { path: isAbsolute(e.rule) ? e.rule : resolve(dir, e.rule) };
    if (!Array.isArray(e.tests) || e.tests.length === 0) return bad(`${at}'tests' must be a non-empty list`);
    const tests: TestCase[] = [];
    for (let i = 0; i < e.tests.length; i++) {
      const t: unknown = e.tests[i];
      const where = `${at}tests[${i}]`;
      if (!isMap(t)) return bad(`${where} must be a mapping`);
      const files: string[] = [];
      const ev = t.events;
      for (const f of ev === undefined ? [] : Array.isArray(ev) ? ev : [ev]) {
        if (typeof f !== 'string') return bad(`${where}: 'events' must be a path or a list of paths`);
        files.push(isAbsolute(f) ? f : resolve(dir, f));
      }
      const inline = t.inline === undefined ? [] : t.inline;
      if (!Array.isArray(inline) || !inline.every(isMap))
        return bad(`${where}: 'inline' must be a list of events (mappings)`);
      if (files.length === 0 && inline.length === 0)
        return bad(`${where}: give 'events' (files) or 'inline' (events)`);
      const m = t.match ?? 'all';
      let expect: Expectation;
      if (m === 'all' || m === true) expect = { kind: 'all' };
      else if (m === 'none' || m === false) expect = { kind: 'none' };
      else if (Array.isArray(m) && m.every((x) => Number.isInteger(x) && x >= 0))
        expect = { kind: 'indexes', indexes: m as number[] };
      else if (isMap(m) && Number.isInteger(m.count) && (m.count as number) >= 0)
        expect = { kind: 'count', count: m.count as number };
      else return bad(`${where}: 'match' must be all, none, a list of event indexes, or {count: n}`);
      const name = typeof t.name === 'string' ? t.name : `test ${i + 1}`;
      tests.push({
        name,
        source: `${path}${where ? ` ${where}` : ` tests[${i}]`}`,
        files,
        inline: inline as JsonObject[],
        expect,
      });
    }
    rules.push({ rule, tests });
  }
  return { ok: true, rules };
}

/** One event whose result differs from the expectation. */
export interface EventFailure {
  readonly file: string;
  readonly index: number;
  readonly expected: boolean;
  readonly matched: boolean;
  /** The explanation, as text lines. */
  readonly explanation: readonly string[];
}

export interface TestResult {
  readonly rule: string;
  readonly id: string | null;
  readonly test: string;
  readonly source: string;
  readonly passed: boolean;
  readonly expected: string;
  readonly matches: readonly EventMatch[];
  readonly events: number;
  /** Why the test failed: per event, or a problem such as an unreadable file. */
  readonly failures: readonly EventFailure[];
  readonly errors: readonly string[];
}

function describeExpectation(x: Expectation): string {
  switch (x.kind) {
    case 'all':
      return 'every event matches';
    case 'none':
      return 'no event matches';
    case 'indexes':
      return `exactly events [${x.indexes.join(', ')}] match`;
    case 'count':
      return x.count === 1 ? 'exactly 1 event matches' : `exactly ${x.count} events match`;
  }
}

/** A compiled rule ready for tests. */
export interface TestableRule {
  readonly loaded: LoadedRule;
  readonly compiled?: CompiledRule;
  readonly diagnostics: readonly Diagnostic[];
}

export function prepareRule(loaded: LoadedRule): TestableRule {
  if (!loaded.ir) return { loaded, diagnostics: loaded.diagnostics };
  const compiled = compileRule(loaded.ir, { file: loaded.path });
  return { loaded, compiled, diagnostics: [...loaded.diagnostics, ...compiled.diagnostics] };
}

/** Runs one test case of a rule. */
export function runTest(
  rule: TestableRule,
  test: TestCase,
  loadFile: (path: string) => EventsResult = loadEventFile,
): TestResult {
  const base = {
    rule: rule.loaded.path,
    id: rule.loaded.rule?.id ?? null,
    test: test.name,
    source: test.source,
    expected: describeExpectation(test.expect),
  };
  const errors: string[] = [];
  const events: SourcedEvent[] = [];
  for (const f of test.files) {
    const r = loadFile(f);
    if (r.ok) events.push(...r.events);
    else errors.push(r.message);
  }
  test.inline.forEach((event, index) =>
    events.push({ file: `${test.source} inline`, index, event: prepareEvent(event) }),
  );
  if (!rule.compiled)
    errors.push('the rule did not build: ' + rule.diagnostics.map((d) => d.message).join('; '));
  else if (!rule.compiled.exact)
    errors.push(
      'the rule cannot be evaluated exactly: ' + rule.compiled.diagnostics.map((d) => d.message).join('; '),
    );
  if (!rule.compiled)
    return { ...base, passed: false, matches: [], events: events.length, failures: [], errors };
  const compiled = rule.compiled;
  const results = events.map((e) => compiled(e.event));
  const matches = events.filter((_, i) => results[i]).map((e) => ({ file: e.file, index: e.index }));
  const x = test.expect;
  const want = (i: number): boolean | undefined =>
    x.kind === 'all'
      ? true
      : x.kind === 'none'
        ? false
        : x.kind === 'indexes'
          ? x.indexes.includes(i)
          : undefined;
  const failures: EventFailure[] = [];
  const explain = explainer(compiled, rule.loaded.rule);
  let countOk = true;
  if (x.kind === 'count') {
    countOk = matches.length === x.count;
    if (!countOk) errors.push(`${matches.length} of ${events.length} events matched; expected ${x.count}`);
  } else {
    if (x.kind === 'indexes')
      for (const i of x.indexes)
        if (i >= events.length) errors.push(`event index ${i} is out of range (${events.length} events)`);
    events.forEach((e, i) => {
      const expected = want(i)!;
      if (expected !== results[i])
        failures.push({
          file: e.file,
          index: e.index,
          expected,
          matched: results[i],
          explanation: renderExplanation(explain(e.event)),
        });
    });
  }
  if (events.length === 0) errors.push('the test has no events');
  return {
    ...base,
    passed: errors.length === 0 && failures.length === 0 && countOk,
    matches,
    events: events.length,
    failures,
    errors,
  };
}
