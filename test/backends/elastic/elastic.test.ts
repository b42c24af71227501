/**
 * The Elastic KQL backend: table-driven tests per IR construct and modifier, every query parsed
 * with Kibana's grammar (@cybernetex/kbn-es-query, 7.x: see for7x), a KQL evaluator over the parsed
 * AST used against the reference evaluator (exact: same answer; approximate: never misses an
 * event the rule matches), escape-safety properties, and the detection-rule output against the
 * Kibana rule schema.
 */
import { readFileSync } from 'node:fs';
import { fromKueryExpression } from '@cybernetex/kbn-es-query';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { ASCII_FOLD_EXTRAS, caseClass, caseClassByScan } from '../../../backends/elastic-kql/case.js';
import { threatOf } from '../../../backends/elastic-kql/formats.js';
import type { Reason } from '../../../backends/elastic-kql/lower.js';
import type { RuleResult } from '../../../src/backend.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { DiagnosticSink, formatDiagnostic } from '../../../src/diagnostics.js';
import { compileRule } from '../../../src/evaluate/index.js';
import type { Node } from '../../../src/ir/types.js';
import type { SigmaRule } from '../../../src/rule/types.js';
import { CASES, caseRule, type Event } from '../../cases/cases.js';
import { diagnostics as caseDiagnostics, expected } from '../../cases/expected.elastic.js';
import { evalKql as evalKqlDoc } from '../../support/eval-kql.js';
import {
  for7x,
  kqlFieldValues,
  kqlToDsl,
  parseKql,
  WILDCARD_SYMBOL,
  type KueryNode,
} from '../../support/kql.js';
import { convertWith } from '../../support/convert.js';

/* ------------------------------------------------------------------ helpers */

function values(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.flatMap(values) : [v];
}

/**
 * KQL semantics on `keyword` fields (what the tests assume for fields of unknown type): a
 * literal equals the whole value, case-sensitively; a wildcard value matches the whole value;
 * `f: *` is "exists"; a field-less term tests every field.
 */
function evalKql(n: KueryNode, e: Event): boolean {
  const args = n.arguments ?? [];
  switch (n.function) {
    case 'and':
      return args.every((a) => evalKql(a, e));
    case 'or':
      return args.some((a) => evalKql(a, e));
    case 'not':
      return !evalKql(args[0], e);
    case 'range': {
      const [f, named] = args;
      const bound = Number((named.value as KueryNode).value);
      return values(e[String(f.value)]).some((v) => {
        const x = Number(v);
        return named.name === 'gt'
          ? x > bound
          : named.name === 'gte'
            ? x >= bound
            : named.name === 'lt'
              ? x < bound
              : x <= bound;
      });
    }
    case 'is': {
      const [f, v] = args;
      const fields = f.value === null ? Object.keys(e) : [String(f.value)];
      let test: (x: unknown) => boolean;
      if (v.type === 'wildcard') {
        const segs = String(v.value).split(WILDCARD_SYMBOL);
        if (segs.every((s) => s === '')) test = () => true;
        else {
          if (segs.some((s) => /\s/.test(s)))
            throw new Error('whitespace in a wildcard value: ' + String(v.value));
          const re = new RegExp(
            '^' + segs.map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('[\\s\\S]*') + '$',
            'u',
          );
          test = (x) => re.test(String(x));
        }
      } else {
        const want = v.value;
        // A `true`/`false` literal assumes a boolean field, which holds only true and false.
        test =
          typeof want === 'boolean'
            ? (x) => String(x).toLowerCase() === String(want)
            : (x) => x === want || String(x) === String(want);
      }
      return fields.some((name) => values(e[name]).some(test));
    }
    default:
      throw new Error('unexpected KQL node ' + JSON.stringify(n));
  }
}

function kqlMatches(query: string, e: Event): boolean {
  return evalKql(fromKueryExpression(for7x(query)) as KueryNode, e);
}

/** Every produced query must parse and convert to Elasticsearch DSL; leaves have fields where expected. */
function checkQuery(q: string): void {
  const p = parseKql(for7x(q));
  if (!p.ok) throw new Error(`does not parse: ${q}\n${p.error}`);
  expect(() => kqlToDsl(for7x(q))).not.toThrow();
}

const HEAD =
  'title: t\nid: 00000000-0000-4000-8000-000000000001\nstatus: test\nlogsource:\n  product: windows\n  category: process_creation\n';

function convertText(
  text: string,
  opts: { pipelines?: string[]; settings?: Record<string, string> } = {},
): RuleResult {
  return convertWith(elasticBackend, text, { pipelines: opts.pipelines, settings: opts.settings ?? {} });
}

function convertDetection(
  detection: string,
  opts: { pipelines?: string[]; settings?: Record<string, string> } = {},
): RuleResult {
  return convertText(
    HEAD + 'detection:\n' + detection.replace(/^\n/, '').trimEnd() + '\nlevel: high\n',
    opts,
  );
}

function irOf(text: string): Node {
  const r = loadRuleFromText(text, 'r.yml');
  if (!r.ir) throw new Error('no IR');
  return r.ir;
}

/** Random case changes of every string in an event (the rule, case-insensitive, still matches). */
function recase(e: Event, seed: number): Event {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) % 2 === 0;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e))
    out[k] =
      typeof v === 'string' ? [...v].map((c) => (rnd() ? c.toUpperCase() : c.toLowerCase())).join('') : v;
  return out;
}

/* ------------------------------------------------------------------ the case table */

describe('cases: expected KQL, parsed by Kibana, checked against the reference evaluator', () => {
  test.each(Object.entries(CASES))('%s', (name, c) => {
    const text = caseRule(name, c);
    const r = convertText(text);
    const want = expected[name as keyof typeof expected];
    expect({ status: r.status, query: r.queries[0] }).toEqual({ status: want.status, query: want.query });
    expect(r.diagnostics.map((d) => [d.code, d.reason, d.direction].filter((x) => x !== undefined))).toEqual(
      caseDiagnostics[name as keyof typeof caseDiagnostics] ?? [],
    );
    if (r.queries.length === 0) return;
    const q = r.queries[0];
    checkQuery(q);
    const rule = compileRule(irOf(text));
    const events = [...c.match, ...c.noMatch];
    const n = events.length;
    for (let i = 0; i < n; i++) events.push(recase(events[i], i + 1));
    for (const e of events.slice(0, 64)) {
      const sigma = rule(e);
      const kql = kqlMatches(q, e);
      if (r.status === 'exact') expect({ e, kql }).toEqual({ e, kql: sigma });
      // An approximation may match more events than the rule, never fewer.
      else if (sigma) expect({ e, kql }).toEqual({ e, kql: true });
    }
  });
});

/* ------------------------------------------------------------------ constructs, modifiers, field types */

interface Row {
  readonly name: string;
  readonly detection: string;
  readonly query?: string;
  readonly status: 'exact' | 'approximate' | 'unsupported';
  readonly pipelines?: string[];
  readonly settings?: Record<string, string>;
  /** A substring of some diagnostic message. */
  readonly message?: string;
}

const sel = (body: string, condition = 'sel') => `  sel:\n${body}\n  condition: ${condition}`;

const ROWS: Row[] = [
  // Strings on keyword fields (no pipeline: unknown types are keyword).
  {
    name: 'no letters: exact phrase',
    detection: sel("    Port: '4444'"),
    query: 'Port: "4444"',
    status: 'exact',
  },
  { name: 'cased eq', detection: sel("    F|cased: 'Ab C'"), query: 'F: "Ab C"', status: 'exact' },
  {
    name: 'cased startswith',
    detection: sel("    F|startswith|cased: 'Ab('"),
    query: 'F: Ab\\(*',
    status: 'exact',
  },
  {
    name: 'cased with whitespace in a wildcard value',
    detection: sel("    F|contains|cased: 'ab cd'"),
    query: 'F: *ab*cd*',
    status: 'approximate',
    message: '#23001',
  },
  {
    name: 'two letters: 4 exact variants',
    detection: sel("    F: 'ab'"),
    query: 'F: ("ab" or "aB" or "Ab" or "AB")',
    status: 'exact',
  },
  {
    name: 'all specials escaped',
    detection: sel("    F|endswith|cased: '\\\\():<>\"{}'"),
    query: 'F: *\\\\\\(\\)\\:\\<\\>\\"\\{\\}',
    status: 'exact',
  },
  // Values without case variants are spelled from their segments (keywordString's plain path),
  // the same strings as the per-character tokens: runs of '*' collapse, the degenerate limit
  // counts code points (an astral character is one).
  {
    name: 'plain wildcard value: a run of * is one *',
    detection: sel("    F|cased: 'a**b*'"),
    query: 'F: a*b*',
    status: 'exact',
  },
  {
    name: 'plain wildcard value: two astral characters and ? are degenerate',
    detection: sel("    F|contains|cased: '\u{1D4B3}\u{1D4B4}?'"),
    status: 'unsupported',
    message: 'at most 2 characters',
  },
  {
    name: 'plain wildcard value: three code points and ? are not degenerate',
    detection: sel("    F|contains|cased: '\u{1D4B3}\u{1D4B4}z?'"),
    query: 'F: *\u{1D4B3}\u{1D4B4}z*',
    status: 'approximate',
    message: 'single-character wildcard',
  },
  {
    name: 'phrase escapes backslash, quote, control chars',
    detection: sel('    F|cased: "a\\\\\\"b\\tc\\nd"'),
    query: 'F: "a\\\\\\"b\\tc\\nd"',
    status: 'exact',
  },
  {
    name: 'keyword words stay values',
    detection: sel("    F|cased:\n      - 'and'\n      - 'x or y'\n      - 'not'"),
    query: 'F: ("and" or "x or y" or "not")',
    status: 'exact',
  },
  {
    name: 'number-like text stays text',
    detection: sel("    F:\n      - '0x42'\n      - '1e3'"),
    query: 'F: ("0x42" or "0X42" or "1e3" or "1E3")',
    status: 'exact',
  },
  {
    name: 'contains empty string is exists',
    detection: sel("    F|contains: ''"),
    query: 'F: *',
    status: 'exact',
  },
  {
    name: '? under not is dropped',
    detection: "  sel:\n    A: '1'\n  f:\n    B: '1?'\n  condition: sel and not f",
    query: 'A: "1"',
    status: 'approximate',
    message: "under 'not'",
  },
  {
    name: 'everything dropped: match-all is unsupported',
    detection: "  f:\n    B: '1?'\n  condition: not f",
    status: 'unsupported',
    message: 'matches every event',
  },
  {
    name: 'case under not: as written, lower, upper',
    detection: "  sel:\n    A: '1'\n  f:\n    B: 'Hello'\n  condition: sel and not f",
    query: 'A: "1" and not B: ("Hello" or "hello" or "HELLO")',
    status: 'approximate',
  },
  {
    name: 'caseless setting',
    detection: sel("    Image|endswith: '\\CMD.exe'"),
    settings: { case: 'caseless' },
    query: 'Image.caseless: *\\\\cmd.exe',
    status: 'exact',
  },
  {
    name: 'unknown case setting',
    detection: sel("    A: '1'"),
    settings: { case: 'nope' },
    status: 'unsupported',
    message: 'case=nope',
  },
  {
    name: 'placeholder left',
    detection: sel("    A|expand: '%x%'"),
    status: 'unsupported',
    message: 'placeholder',
  },
  {
    name: 'more clauses than max-clauses',
    detection: sel("    A:\n      - '1'\n      - '2'\n      - '3'\n      - '4'"),
    settings: { 'max-clauses': '3' },
    status: 'unsupported',
    message: 'max_clause_count',
  },
  // Numbers, booleans, null, exists, compare.
  { name: 'number', detection: sel('    A: 42'), query: 'A: 42', status: 'exact' },
  {
    name: 'float number printed canonically',
    detection: sel('    A: 1.50'),
    query: 'A: 1.5',
    status: 'exact',
  },
  {
    name: 'boolean false on an untyped field: every case spelling of the text',
    detection: sel('    A: false'),
    query:
      'A: ("false" or "falsE" or "falSe" or "falSE" or "faLse" or "faLsE" or "faLSe" or "faLSE" or "fAlse" or "fAlsE" or "fAlSe" or "fAlSE" or "fALse" or "fALsE" or "fALSe" or "fALSE" or "False" or "FalsE" or "FalSe" or "FalSE" or "FaLse" or "FaLsE" or "FaLSe" or "FaLSE" or "FAlse" or "FAlsE" or "FAlSe" or "FAlSE" or "FALse" or "FALsE" or "FALSe" or "FALSE")',
    status: 'exact',
  },
  { name: 'null', detection: sel('    A: null'), query: 'not A: *', status: 'exact' },
  { name: 'exists', detection: sel('    A|exists: true'), query: 'A: *', status: 'exact' },
  {
    name: 'gte lt on ECS numeric (long) fields: exact ranges',
    detection: sel('    destination.port|gte: 1\n    process.pid|lt: 2'),
    query: 'destination.port >= 1 and process.pid < 2',
    status: 'exact',
  },
  {
    // Regression: an untyped field was rendered `A > 5` labelled exact; on keyword-mapped data
    // Elasticsearch compares the range as text ("10" > "5" is false), so the query missed events.
    // Its only KQL form, "A exists", matches (nearly) every event: degenerate, refused.
    name: 'gt on an untyped field: only "exists" would do, degenerate: unsupported',
    detection: sel('    A|gt: 5'),
    status: 'unsupported',
    message: 'no known numeric type',
  },
  {
    name: 'gt on an untyped field under not: the test is dropped (narrowed)',
    detection: "  sel:\n    B: '1'\n  f:\n    A|gt: 5\n  condition: sel and not f",
    query: 'B: "1"',
    status: 'approximate',
    message: "under 'not'",
  },
  {
    name: 'gt on an ECS keyword field: only "exists" would do, degenerate: unsupported',
    detection: sel('    process.name|gt: 5'),
    status: 'unsupported',
    message: '-t eql',
  },
  {
    name: 'a number on an ECS keyword field (winlog.event_id) is a term: exact',
    detection: sel('    winlog.event_id: 4688'),
    query: 'winlog.event_id: 4688',
    status: 'exact',
  },
  {
    name: 'a number on an ECS long field: exact',
    detection: sel('    process.pid: 4'),
    query: 'process.pid: 4',
    status: 'exact',
  },
  {
    name: 'time modifier: only "exists" would do, degenerate: unsupported',
    detection: sel('    T|hour: 3'),
    status: 'unsupported',
    message: 'hour',
  },
  {
    name: 'time modifier under not',
    detection: "  sel:\n    A: '1'\n  f:\n    T|hour: 3\n  condition: sel and not f",
    query: 'A: "1"',
    status: 'approximate',
  },
  {
    name: 'fieldref under not',
    detection: "  sel:\n    A: '1'\n  f:\n    B|fieldref: C\n  condition: sel and not f",
    query: 'A: "1"',
    status: 'approximate',
  },
  // Regex.
  { name: 'regex as contains', detection: sel("    A|re: 'ab'"), query: 'A: *ab*', status: 'exact' },
  {
    name: 'regex with dot: wildcard widens',
    detection: sel("    A|re: '^1.2$'"),
    query: 'A: 1*2',
    status: 'approximate',
    message: 'regex',
  },
  {
    name: 'regex under not, no wildcard form',
    detection: "  sel:\n    A: '1'\n  f:\n    B|re: '[0-9]+'\n  condition: sel and not f",
    query: 'A: "1"',
    status: 'approximate',
    message: 'no regular expressions',
  },
  {
    name: 'regex positive, no wildcard form',
    detection: sel("    B|re: '[0-9]+'"),
    status: 'unsupported',
    message: 'EQL or Lucene',
  },
  // CIDR.
  {
    name: 'cidr /32 on keyword',
    detection: sel("    A|cidr: '1.2.3.4/32'"),
    query: 'A: "1.2.3.4"',
    status: 'exact',
  },
  {
    name: 'cidr /0 on keyword: any value (wider)',
    detection: sel("    A|cidr: '0.0.0.0/0'"),
    query: 'A: *',
    status: 'approximate',
    message: 'not an ip field',
  },
  {
    name: 'cidr on keyword: text prefixes widen',
    detection: sel("    A|cidr: '10.0.0.0/8'"),
    query: 'A: 10.*',
    status: 'approximate',
    message: '10.example.org',
  },
  {
    name: 'cidr on keyword under not: text prefixes dropped, exact addresses kept',
    detection:
      "  sel:\n    A: '1'\n  f:\n    B|cidr:\n      - '10.0.0.0/8'\n      - '1.2.3.4/32'\n  condition: sel and not f",
    query: 'A: "1" and not B: "1.2.3.4"',
    status: 'approximate',
    message: "under 'not'",
  },
  {
    name: '|wide values (NUL characters) are refused',
    detection: sel("    A|wide: 'ab'"),
    status: 'unsupported',
    message: 'control character',
  },
  {
    name: 'field-less keyword under not is dropped',
    detection: "  sel:\n    A: '1'\n  keywords:\n    - 'x4'\n  condition: sel and not keywords",
    query: 'A: "1"',
    status: 'approximate',
    message: "under 'not' the keyword is dropped",
  },
  {
    name: 'IPv6 cidr under not on keyword',
    detection: "  sel:\n    A: '1'\n  f:\n    B|cidr: '::1/128'\n  condition: sel and not f",
    query: 'A: "1"',
    status: 'approximate',
  },
  // Keywords.
  {
    name: 'field-less keyword',
    detection: "  keywords:\n    - '4444'\n  condition: keywords",
    query: '*4444*',
    status: 'approximate',
    message: 'field-less',
  },
  // ECS pipeline: typed fields.
  {
    name: 'ecs: process_creation, Image mapped, conditions added',
    detection: sel("    Image|endswith: '\\x.exe'"),
    pipelines: ['ecs'],
    query:
      'event.category: "process" and event.type: "start" and process.executable: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE)',
    status: 'exact',
  },
  {
    name: 'ecs: unmapped Sysmon field falls back to winlog.event_data',
    detection: sel("    IntegrityLevel: 'System'"),
    pipelines: ['ecs'],
    status: 'approximate',
    query:
      'event.category: "process" and event.type: "start" and winlog.event_data.IntegrityLevel: ("Sys*" or "SyS*" or "Syſ*" or "SYs*" or "SYS*" or "SYſ*" or "sys*" or "syS*" or "syſ*" or "sYs*" or "sYS*" or "sYſ*" or "ſys*" or "ſyS*" or "ſyſ*" or "ſYs*" or "ſYS*" or "ſYſ*")'.replace(
        /"([^"]*\*)"/g,
        '$1',
      ),
  },
  {
    name: 'ecs: unsupported field',
    detection: sel("    Hashes|contains: 'MD5='"),
    pipelines: ['ecs'],
    status: 'unsupported',
    message: 'Hashes',
  },
];

describe('constructs and modifiers', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const r = convertDetection(row.detection, { pipelines: row.pipelines, settings: row.settings });
    expect({ status: r.status, query: r.queries[0] }).toEqual({ status: row.status, query: row.query });
    if (row.message) expect(r.diagnostics.map((d) => d.message).join('\n')).toContain(row.message);
    for (const q of r.queries) checkQuery(q);
  });
});

/* ------------------------------------------------------------------ reasons and directions */

/**
 * Every approximation reason, with a selection body that needs it: lowered as the rule's only
 * selection (the approximation widens) and under `not` next to an exact selection (it narrows the
 * negated part). A `Record` over `Reason`, so a new reason is a compile error until it has a row.
 */
const REASONS: Readonly<
  Record<
    Reason,
    {
      readonly body: string;
      readonly pipelines?: string[];
      readonly logsource?: string;
      readonly sel?: string;
    }
  >
> = {
  case: { body: "    B: 'Hello World'" },
  'one-char-wildcard': { body: "    B: '1?'" },
  'wildcard-whitespace': { body: "    B|contains|cased: 'ab cd'" },
  regex: { body: "    B|re: '^1.2$'" },
  cidr: { body: "    B|cidr:\n      - '10.0.0.0/8'\n      - '::1/128'" },
  // ECS `message` is match_only_text, an analysed text field.
  'text-field': { body: "    message|cased: 'foo bar baz'" },
  'field-type': { body: '    B|gt: 5' },
  fieldref: { body: '    B|fieldref: C' },
  time: { body: '    B|hour: 3' },
  'field-less': { body: "    - 'x4'" },
  // Defend's process.command_line is a wildcard field whose .caseless sub-field indexes values up
  // to 1,024 characters: longer ones are matched on the main field, case-widened.
  'long-value': {
    body: "    CommandLine|contains: 'powershell'",
    pipelines: ['elastic-defend'],
    sel: '    ProcessId: 1',
  },
};

/** Reasons whose only widening is "the field exists" (degenerate when not negated). */
const EXISTS_ONLY: ReadonlySet<string> = new Set(['field-type', 'time', 'fieldref']);

describe('approximations: reason and direction on the diagnostic', () => {
  const approximations = (r: RuleResult) => r.diagnostics.filter((d) => d.code === 'approximation');

  test.each(Object.entries(REASONS))(
    '%s: wider as the only selection (or degenerate), narrower under not',
    (reason, row) => {
      const opts = { pipelines: row.pipelines };
      const positive = convertDetection(`  f:\n${row.body}\n  condition: f`, opts);
      const negated = convertDetection(
        `  sel:\n${row.sel ?? "    A: '1'"}\n  f:\n${row.body}\n  condition: sel and not f`,
        opts,
      );
      // Where the only wider form is "the field exists", the positive match is degenerate: refused.
      if (EXISTS_ONLY.has(reason)) {
        expect(positive.status).toBe('unsupported');
        expect(positive.diagnostics.map((d) => d.reason)).toEqual(['degenerate']);
      }
      for (const [r, direction] of [
        [positive, 'wider'],
        [negated, 'narrower'],
      ] as const) {
        if (r === positive && EXISTS_ONLY.has(reason)) continue;
        expect(r.status).toBe('approximate');
        const found = approximations(r);
        expect(found.map((d) => d.reason)).toContain(reason);
        // Every approximation of the part carries its polarity's direction, and a reason.
        for (const d of found) {
          expect({ reason: d.reason, direction: d.direction }).toEqual({
            reason: expect.any(String),
            direction,
          });
          expect(d.message).not.toMatch(/^\[/);
          expect(formatDiagnostic(d)).toContain(`warning approximation [${d.reason}]: ${d.message}`);
        }
      }
    },
  );

  test('a field the ECS entry declares wider (widenFields): field-type, wider; under not dropped, narrower', () => {
    const head =
      'title: t\nid: 00000000-0000-4000-8000-000000000004\nstatus: test\nlogsource:\n  product: linux\n  service: auditd\ndetection:\n';
    const det = (cond: string) =>
      `  sel:\n    type: EXECVE\n  f:\n    a1: '-c'\n  condition: ${cond}\nlevel: low\n`;
    const widened = (r: RuleResult) =>
      approximations(r)
        .filter((d) => d.message.includes('process.args array'))
        .map((d) => [d.reason, d.direction]);
    expect(widened(convertText(head + det('sel and f'), { pipelines: ['ecs'] }))).toEqual([
      ['field-type', 'wider'],
    ]);
    expect(widened(convertText(head + det('sel and not f'), { pipelines: ['ecs'] }))).toEqual([
      ['field-type', 'narrower'],
    ]);
  });

  test('one report per distinct approximation: a match lowered twice reports once per polarity', () => {
    // The condition copies selection f into two branches: two lowerings of one match.
    const sels = "  f:\n    B: '1?'\n  g:\n    C: '2'\n";
    const reports = (cond: string) =>
      approximations(convertDetection(`${sels}  condition: ${cond}`)).map((d) => [
        d.reason,
        d.direction,
        d.line,
      ]);
    expect(reports('(f and g) or (f and not g)')).toEqual([['one-char-wildcard', 'wider', 9]]);
    expect(reports('(f and g) or not f')).toEqual([
      ['one-char-wildcard', 'wider', 9],
      ['one-char-wildcard', 'narrower', 9],
    ]);
  });

  test('a field-less number (an IR from a library caller) under not is dropped, like a keyword string', () => {
    // Rule files give keywords as strings; a number keyword only comes from a built IR.
    const kw: Node = { kind: 'number', field: null, values: [{ value: 4688, text: '4688' }] };
    const a: Node = {
      kind: 'string',
      field: 'A',
      op: 'eq',
      values: [[{ kind: 'text', text: '1' }]],
      cased: true,
    };
    const run = (ir: Node) => {
      const sink = new DiagnosticSink('r.yml');
      const q = elasticBackend.convert({ rule: {} as SigmaRule, ir, state: {}, sink, options: {} });
      return { q, d: sink.list.map((d) => [d.reason, d.direction]) };
    };
    expect(run({ kind: 'and', children: [a, kw] })).toEqual({
      q: ['A: "1" and 4688'],
      d: [['field-less', 'wider']],
    });
    // Before: `A: "1" and not 4688`, which excludes events the rule keeps (a text field token 4688).
    expect(run({ kind: 'and', children: [a, { kind: 'not', child: kw }] })).toEqual({
      q: ['A: "1"'],
      d: [['field-less', 'narrower']],
    });
  });

  test.each([
    ['regex', "    B|re: '[0-9]+'"],
    ['placeholder', "    B|expand: '%x%'"],
    ['field-type', "    B|wide: 'ab'"],
  ])('unsupported construct with reason %s', (reason, body) => {
    const r = convertDetection(`  f:\n${body}\n  condition: f`);
    expect(r.status).toBe('unsupported');
    expect(
      r.diagnostics.filter((d) => d.code === 'unsupported-construct').map((d) => [d.reason, d.direction]),
    ).toEqual([[reason, undefined]]);
  });
});

/* ------------------------------------------------------------------ ECS field types */

const NET =
  'title: t\nid: 00000000-0000-4000-8000-000000000003\nstatus: test\nlogsource:\n  product: windows\n  category: network_connection\ndetection:\n';

describe('typed fields through the ECS pipeline', () => {
  const conv = (head: string, det: string) =>
    convertText(head + det + '\nlevel: low\n', { pipelines: ['ecs'] });

  test('a range on a field holding numbers as keyword text never misses (regression)', () => {
    // Before: `A > 5`, labelled exact, which Elasticsearch compares as text on a keyword field.
    // Now refused: the only sound KQL form ("A exists") is degenerate.
    const r = convertDetection(sel('    A|gt: 5'), {});
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics.map((d) => d.reason)).toContain('degenerate');
    // On a long field the range is exact.
    const p = convertDetection(sel('    process.pid|gt: 5'), {});
    expect(p.status).toBe('exact');
    expect(evalKqlDoc(p.queries[0], { 'process.pid': 10 }, { 'process.pid': 'long' })).toBe(true);
    expect(evalKqlDoc(p.queries[0], { 'process.pid': 5 }, { 'process.pid': 'long' })).toBe(false);
  });

  test('a field-less keyword with separators never misses on an analysed text field (regression)', () => {
    // Before: `*foo*bar*` (and `*cmd.exe*/c*`), which a text field matches token by token: missed.
    const types = { message: 'text', 'process.name': 'keyword' };
    for (const [kw, doc] of [
      ['foo bar', { message: 'xfoo barx' }],
      ['cmd.exe /c whoami', { message: 'C:\\Windows\\cmd.exe /c whoami /all' }],
      ['Invoke-Mimikatz', { message: 'IEX (Invoke-Mimikatz -DumpCreds)' }],
      ['foo bar', { 'process.name': 'afoo barb' }],
      ['a*b c', { message: 'a x b c' }],
    ] as const) {
      const r = convertDetection(`  keywords:\n    - '${kw}'\n  condition: keywords`, {});
      expect(r.status).toBe('approximate');
      expect({ kw, q: r.queries[0], fires: evalKqlDoc(r.queries[0], doc, types) }).toMatchObject({
        fires: true,
      });
    }
    // A single word keeps its form.
    const one = convertDetection("  keywords:\n    - '4444'\n  condition: keywords", {});
    expect(one.queries[0]).toBe('*4444*');
    expect(evalKqlDoc(one.queries[0], { message: 'port 4444 open' }, types)).toBe(true);
    expect(evalKqlDoc(one.queries[0], { message: 'port 80 open' }, types)).toBe(false);
  });

  test('ip field: native CIDR, IPv4 bare, IPv6 quoted; exact', () => {
    const r = conv(
      NET,
      "  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n      - 'fe80::/10'\n  condition: sel",
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('destination.ip: (10.0.0.0/8 or "fe80::/10")');
    checkQuery(r.queries[0]);
  });

  test('ip field: startswith of whole octets becomes a CIDR, other text patterns widen to exists', () => {
    const r = conv(NET, "  sel:\n    DestinationIp|startswith: '192.168.'\n  condition: sel");
    expect(r.queries[0]).toContain('destination.ip: 192.168.0.0/16');
    expect(r.status).not.toBe('approximate');
    const r2 = conv(NET, "  sel:\n    DestinationIp|contains: '.1'\n  condition: sel");
    expect(r2.status).toBe('unsupported');
    expect(r2.diagnostics.map((d) => d.reason)).toContain('degenerate');
  });

  test('numeric field: numeric text is exact, a wildcard widens', () => {
    const r = conv(NET, "  sel:\n    DestinationPort: '443'\n  condition: sel");
    expect(r.queries[0]).toContain('destination.port: 443');
    expect(r.status).not.toBe('unsupported');
    const r2 = conv(NET, "  sel:\n    DestinationPort|startswith: '44'\n  condition: sel");
    expect(r2.status).toBe('unsupported');
    expect(r2.diagnostics.map((d) => d.message).join()).toContain('numeric field');
  });

  test('the seed rule converts, with the IPv4 and IPv6 CIDRs native on source.ip', () => {
    // The repository's copy of the corpus rule: the test needs nothing beside the clone.
    const text = readFileSync(
      'rules/windows/win_smbserver_connectivity_unsigned_and_unencrypted_share_connection.yml',
      'utf8',
    );
    for (const pipelines of [[], ['ecs']]) {
      const r = convertText(text, { pipelines });
      expect(r.queries).toHaveLength(1);
      checkQuery(r.queries[0]);
      // `?` wildcards in 0200????7F widen; under `not`, nothing narrows wrongly.
      expect(r.status).toBe('approximate');
    }
    // Under `not 1 of filter_main_*`: `0200????7F` (a `?`), the IPv6 networks and the IPv4 text
    // prefixes (`127.*` also matches `127.example.org`) on a keyword field are dropped (narrowing
    // the negated part, so the query matches more events).
    const plain = convertText(text).queries[0];
    expect(plain).not.toContain('0200');
    expect(plain).not.toContain('127.*');
    expect(plain).toContain('not ClientAddress: (');
  });
});

/* ------------------------------------------------------------------ escape safety */

const SETTINGS = { numRuns: 300 };

describe('escape safety: the parsed field and value are the intended ones', () => {
  const match = (field: string, op: 'eq' | 'contains', value: string): Node => ({
    kind: 'string',
    field,
    op,
    values: [value ? [{ kind: 'text', text: value }] : []],
    cased: true,
  });
  const run = (ir: Node) => {
    const sink = {
      list: [] as unknown[],
      hasErrors: false,
      error() {},
      warning() {},
      info() {},
      report() {},
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return elasticBackend.convert({ rule: {} as any, ir, state: {}, sink: sink as any, options: {} });
  };

  /** Text without the control characters the backend refuses (see the next test). */
  // eslint-disable-next-line no-control-regex
  const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
  const text = () => fc.string({ unit: 'binary' }).filter(noControl);

  /**
   * Field names built from what KQL treats specially: whitespace, dots, dashes, quotes, colons,
   * parentheses, braces, the keywords and literals, `*`, backslashes, escapes, and unicode.
   */
  const fieldNames = fc.oneof(
    fc
      .array(
        fc.constantFrom(
          ' ',
          '.',
          '-',
          '"',
          ':',
          '(',
          ')',
          '{',
          '}',
          '<',
          '>',
          '=',
          '*',
          '?',
          '\\',
          '\\n',
          '\\*',
          'and',
          'or',
          'not',
          'AND',
          'true',
          'false',
          'null',
          'a',
          'B',
          '_',
          '@',
          '/',
          '0',
          '42',
          'é',
          '€',
          '\u00a0',
          '\u3000',
          '𝒳',
          '\t',
          'x.y',
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((a) => a.join('')),
    fc.string({ unit: 'binary', minLength: 1 }).filter(noControl),
  );

  /** Every leaf's field is a plain literal (never a wildcard field pattern) equal to `field`. */
  const fieldsOf = (q: string): unknown[] => {
    const out: unknown[] = [];
    const walk = (n: { type?: string; function?: string; arguments?: unknown[] }): void => {
      if (n.function === 'is' || n.function === 'range') {
        const f = n.arguments![0] as { type: string; value: unknown };
        out.push(f.type === 'literal' ? f.value : { wildcardField: f.value });
      } else for (const a of n.arguments ?? []) walk(a as typeof n);
    };
    walk(fromKueryExpression(for7x(q)) as typeof walk extends (n: infer N) => void ? N : never);
    return out;
  };

  test('phrases: any field name and any value stay one field and one value', () => {
    fc.assert(
      fc.property(text(), fieldNames, (value, field) => {
        const [q] = run(match(field, 'eq', value));
        const leaves = kqlFieldValues(for7x(q));
        expect(leaves).toHaveLength(1);
        expect(leaves[0]).toMatchObject({ field, value, phrase: true, wildcard: false });
        expect(fieldsOf(q)).toEqual([field]);
      }),
      SETTINGS,
    );
  });

  test('any field name with wildcard values, numbers, ranges and exists stays one field name', () => {
    fc.assert(
      fc.property(fieldNames, text(), (field, value) => {
        // Fewer than 3 characters besides whitespace: the widened contains is degenerate (refused).
        fc.pre([...value.replace(/\s/g, '')].length > 2);
        const irs: Node[] = [
          match(field, 'contains', value),
          { kind: 'number', field, values: [{ value: 42, text: '42' }] },
          { kind: 'compare', field, op: 'gte', value: { value: 1, text: '1' } },
          { kind: 'exists', field, exists: true },
          { kind: 'boolean', field, value: true },
        ];
        for (const ir of irs) {
          const [q] = run(ir);
          // A range on a field of unknown type has only the degenerate "exists" form: refused.
          if (ir.kind === 'compare') {
            expect(q).toBeUndefined();
            continue;
          }
          const fields = fieldsOf(q);
          expect(fields.length).toBeGreaterThan(0);
          for (const f of fields) expect(f).toBe(field);
        }
      }),
      SETTINGS,
    );
  });

  test('control characters (|wide NULs) are refused, never written into a query', () => {
    fc.assert(
      fc.property(text(), fc.integer({ min: 0, max: 0x1f }), text(), (a, c, b) => {
        fc.pre(c !== 9 && c !== 10 && c !== 13);
        expect(run(match('f', 'eq', a + String.fromCharCode(c) + b))).toEqual([]);
      }),
      SETTINGS,
    );
  });

  test('wildcard values: any string without whitespace', () => {
    fc.assert(
      fc.property(
        text().filter((s) => !/\s/.test(s)),
        (value) => {
          const [q] = run(match('f', 'contains', value));
          const leaves = kqlFieldValues(for7x(q));
          expect(leaves).toHaveLength(1);
          if (value === '')
            expect(leaves[0]).toMatchObject({ field: 'f', wildcard: true, segments: ['', ''] });
          else expect(leaves[0]).toMatchObject({ field: 'f', wildcard: true, segments: ['', value, ''] });
        },
      ),
      SETTINGS,
    );
  });

  test('wildcard values with whitespace: whitespace becomes a wildcard, nothing leaks', () => {
    fc.assert(
      fc.property(text(), (value) => {
        // Fewer than 3 characters besides whitespace: the widened contains is degenerate (refused).
        fc.pre([...value.replace(/\s/g, '')].length > 2);
        const [q] = run(match('f', 'contains', value));
        const leaves = kqlFieldValues(for7x(q));
        expect(leaves).toHaveLength(1);
        expect(leaves[0].field).toBe('f');
        expect(leaves[0].segments.filter(Boolean)).toEqual(value.split(/\s+/).filter(Boolean));
      }),
      SETTINGS,
    );
  });

  test('case variants of arbitrary text keep field and values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), (value) => {
        const ir: Node = {
          kind: 'string',
          field: 'f',
          op: 'eq',
          values: [[{ kind: 'text', text: value }]],
          cased: false,
        };
        const [q] = run(ir);
        const leaves = kqlFieldValues(for7x(q));
        for (const l of leaves) expect(l.field).toBe('f');
        // The value as written is always one of the alternatives (exact or superset).
        expect(
          leaves.some((l) =>
            l.wildcard
              ? new RegExp(
                  '^' +
                    l.segments.map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('[\\s\\S]*') +
                    '$',
                ).test(value)
              : l.value === value,
          ),
        ).toBe(true);
      }),
      SETTINGS,
    );
  });
});

/* ------------------------------------------------------------------ case classes */

test('the cased blocks cover every code point with case (so exact variant lists are complete)', () => {
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (c.toUpperCase() !== c || c.toLowerCase() !== c) {
      const cls = caseClass(c);
      const up = c.toUpperCase();
      if (
        [...up].length === 1 &&
        up !== c &&
        up.toLowerCase() === c.toLowerCase() &&
        [...up.toLowerCase()].length === 1
      )
        expect(cls).toContain(up);
    }
  }
});

test('ASCII case classes without the scan equal the scan (ASCII_FOLD_EXTRAS is complete)', () => {
  for (let cp = 0; cp < 128; cp++) {
    const c = String.fromCharCode(cp);
    expect([c, caseClass(c)]).toEqual([c, caseClassByScan(c)]);
  }
  expect(caseClass('k')).toEqual(['k', 'K', '\u212a']);
  expect(Object.keys(ASCII_FOLD_EXTRAS).sort()).toEqual(['i', 'k', 's']);
});

/* ------------------------------------------------------------------ detection rules */

describe('detection-rule format', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../support/kibana-rule.schema.json', import.meta.url), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  test('one valid NDJSON object per query, with ATT&CK threat', () => {
    const text =
      HEAD +
      "description: d\nauthor: A, B\nreferences:\n  - https://x\nfalsepositives:\n  - admins\nlicense: DRL-1.1\ntags:\n  - attack.execution\n  - attack.t1059.001\n  - attack.t1218\ndetection:\n  sel:\n    Image: '1'\n  condition: sel\nlevel: high\n";
    const r = convertText(text, { pipelines: ['ecs'] });
    const out = elasticBackend.formats['detection-rule'].rule(r, {});
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const obj = JSON.parse(lines[0]);
    expect(validate(obj)).toBe(true);
    expect(obj).toMatchObject({
      rule_id: '00000000-0000-4000-8000-000000000001',
      name: 't',
      description: 'd',
      severity: 'high',
      risk_score: 73,
      language: 'kuery',
      type: 'query',
      author: ['A', 'B'],
      license: 'DRL-1.1',
      references: ['https://x'],
      false_positives: ['admins'],
      index: ['logs-endpoint.events.process-*', 'winlogbeat-*', 'logs-windows.sysmon_operational-*'],
    });
    expect(obj.threat[0].tactic).toEqual({
      id: 'TA0002',
      name: 'Execution',
      reference: 'https://attack.mitre.org/tactics/TA0002/',
    });
    expect(obj.threat[0].technique[0].id).toBe('T1059');
    expect(obj.threat[0].technique[0].subtechnique[0].id).toBe('T1059.001');
  });

  test('threat: a technique outside the rule tactics goes under its own tactic', () => {
    const t = threatOf(['attack.t1003.001']);
    expect(t[0].tactic.id).toBe('TA0006');
    expect(t[0].technique?.[0].subtechnique?.[0].reference).toBe(
      'https://attack.mitre.org/techniques/T1003/001/',
    );
  });

  test('default format: one query per line', () => {
    const r = convertDetection(sel("    A: '1'"));
    expect(elasticBackend.formats.default.rule(r, {})).toBe('A: "1"\n');
  });
});

/* ------------------------------------------------------------------ Sysmon User, stored split */

describe('Sysmon User ("DOMAIN\\name") against user.domain + user.name as the integration stores them', () => {
  // elastic/integrations packages/windows/data_stream/sysmon_operational/elasticsearch/ingest_pipeline/default.yml:
  // `split` winlog.event_data.User on "\" into user.domain / user.name (only when there are two
  // parts, empty values not set); event_data.User removed.
  const stored = (user: string): Record<string, unknown> => {
    const parts = user.split('\\');
    if (parts.length !== 2 || parts[1] === '') return {};
    return {
      'event.category': 'process',
      'event.type': 'start',
      ...(parts[0] ? { 'user.domain': parts[0] } : {}),
      'user.name': parts[1],
    };
  };
  const conv = (det: string) => convertDetection(det, { pipelines: ['ecs'] });

  test.each([
    ["User|contains: 'AUTHORI'", 'NT AUTHORITY\\SYSTEM', true],
    ["User: 'NT AUTHORITY\\SYSTEM'", 'NT AUTHORITY\\SYSTEM', true],
    ["User: 'nt authority\\system'", 'NT AUTHORITY\\SYSTEM', true],
    ["User: 'SYSTEM'", 'NT AUTHORITY\\SYSTEM', false],
    ["User|endswith: '\\SYSTEM'", 'NT AUTHORITY\\SYSTEM', true],
    ["User|startswith: 'NT AUTHORITY\\'", 'NT AUTHORITY\\LOCAL SERVICE', true],
    ["User|contains: 'SYSTEM'", '\\SYSTEM', true],
    ["User|contains: 'a\\b\\c'", 'a\\b', false],
  ])('%s on %s -> %s', (sel0, user, fire) => {
    const r = conv(sel('    ' + sel0));
    // A value no split User can match makes a rule that never matches: refused, never a query.
    if (!fire && r.queries.length === 0) {
      expect(r.diagnostics.map((d) => d.message).join()).toContain('can never match');
      return;
    }
    expect(r.queries).toHaveLength(1);
    expect(r.queries[0]).not.toContain('winlog.event_data.User');
    const types = {
      'user.name': 'keyword',
      'user.domain': 'keyword',
      'event.category': 'keyword',
      'event.type': 'keyword',
    };
    expect(evalKqlDoc(r.queries[0], stored(user), types)).toBe(fire);
  });

  test('property: the split match agrees with the rule on the composite value (|cased: exact)', () => {
    const piece = fc.constantFrom('NT', ' ', 'AUTH', 'ORITY', '\\', 'SYS', 'TEM', 'a', 'x');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('NT', 'AU', 'TH', 'a', ' '), { minLength: 0, maxLength: 3 }),
        fc.array(fc.constantFrom('SYS', 'TEM', 'x', 'a'), { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(piece, fc.constant('*'), fc.constant('?')), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', '|contains', '|startswith', '|endswith'),
        (dom, name, pat, mod) => {
          const user = dom.join('') + '\\' + name.join('');
          const value = pat.join('');
          const det = sel(`    User${mod}|cased: '${value.replace(/'/g, "''")}'`);
          const r = conv(det);
          const rule = compileRule(irOf(HEAD + 'detection:\n' + det + '\nlevel: low\n'));
          const sigma = rule({ User: user });
          // A widening that is degenerate (an unanchored pattern of at most two characters) is refused.
          if (r.diagnostics.some((d) => d.reason === 'degenerate')) return;
          if (r.queries.length === 0) {
            expect(sigma).toBe(false);
            return;
          }
          const types = {
            'user.name': 'keyword',
            'user.domain': 'keyword',
            'event.category': 'keyword',
            'event.type': 'keyword',
          };
          const kql = evalKqlDoc(r.queries[0], stored(user), types);
          if (r.status === 'exact')
            expect({ user, value, mod, kql }).toEqual({ user, value, mod, kql: sigma });
          else if (sigma) expect({ user, value, mod, kql }).toEqual({ user, value, mod, kql: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});
