/**
 * A seeded, deterministic mutation fuzzer over real rules (product principle 2: never abort a
 * batch). `mutants(texts, count, seed)` derives rule texts from real ones by mutations at the YAML
 * tree level (values of another type, modifier chains, conditions, field names, log sources,
 * correlation and filter documents, collections) and at the text level (lines deleted, duplicated
 * or re-indented, bytes inserted, truncation). `fuzzTargets()` prepares every target with every
 * output format and every built-in pipeline (and the defaults); `checkMutant` runs one mutant
 * through all of them, as the batch run converts a file (src/run.ts: linked documents, the
 * format's checks and text), plus `check` (src/check) and `test` (the reference evaluator), and
 * returns the problems: a thrown exception, an `internal-error` diagnostic, an unlabelled result,
 * or output that differs between two runs of the same input.
 */
import { CORE_SCHEMA, dump, loadAll } from 'js-yaml';
import type { ConvertOptions } from '../../src/backend.js';
import { checkAcross, checkRule } from '../../src/check/check.js';
import {
  convertCorrelationLoaded,
  convertLoaded,
  loadRulesFromText,
  type LoadedRule,
} from '../../src/convert.js';
import { link } from '../../src/correlation/link.js';
import { buildCorrelation } from '../../src/correlation/build.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import { evaluateCorrelation } from '../../src/evaluate/correlation.js';
import { compileRule } from '../../src/evaluate/index.js';
import type { JsonObject } from '../../src/evaluate/events.js';
import { convertForTargets, prepare, finalOutput, type PreparedTarget } from '../../src/prepare.js';
import { loadBackend, targetNames } from '../../backends/index.js';

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (mulberry32): the same seed gives the same mutants on every machine.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutation material

export const MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'cased', 'base64', 'base64offset', 'wide', 'utf16le',
  'utf16be', 'utf16', 'windash', 'expand', 're', 'i', 'm', 's', 'ignorecase', 'multiline', 'dotall',
  'cidr', 'lt', 'lte', 'gt', 'gte', 'exists', 'fieldref', 'minute', 'hour', 'day', 'week', 'month',
  'year', 'neq', 'unknownmod', '',
]; // prettier-ignore

/** Modifier chains in odd combinations and orders. */
const ODD_CHAINS = [
  're|cased|contains', 'cidr|all', 'expand', 'base64offset|endswith', 'windash|re', 'fieldref|exists',
  'gt', 'exists', 'all|all', 'contains|contains', 're|re', 'cidr|contains', 'base64|base64offset',
  'wide|base64offset|contains', 'utf16|re', 'fieldref|contains|all', 'lt|cased', 'minute|gt', 'year',
  'expand|contains|all', 'windash|contains|all', 'cased|windash', 'exists|all', 're|i|m|s', 're|x',
  'fieldref|endswith|cased', 'cidr|re', 'base64|cidr', 'gte|lte', 'all', 'startswith|endswith',
]; // prettier-ignore

const LONE = String.fromCharCode(0xd800);

/** Values of every type and shape. */
function oddValue(rng: Rng): unknown {
  const vs: Array<() => unknown> = [
    () => null,
    () => rng.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, NaN, Infinity]),
    () => rng.pick([true, false]),
    () => [],
    () => [null, 1, 'x', [], {}],
    () => ({}),
    () => ({ a: 1, 'b|contains': ['x'] }),
    () => '',
    () => 'x'.repeat(rng.pick([1000, 20000, 60000])),
    () => '*'.repeat(rng.int(40) + 1),
    () => '?'.repeat(rng.int(10) + 1),
    () => '\\'.repeat(rng.int(10) + 1),
    () => rng.pick(['\\*', '*\\', '\\\\*', 'a\\?b', '*\\\\', '\\']),
    () => 'ü\u0130\u212a\u00df日本\u{1F600}',
    () => '\u0000\u0001\u0007\u001b[31m\r\n\t',
    () => `a${LONE}b`,
    () => String.fromCharCode(0xdc00) + '*',
    () => rng.pick(['%foo%', '%', '%%', '${x}', '{{x}}', '"', "'", '`', '|', 'OR', 'not', '(', ')']),
    () => rng.pick(['10.0.0.0/8', '::/0', '1.2.3.4/33', 'fe80::/10', 'not-a-net', '300.1.1.1/8', '/8']),
    () => rng.pick(['(a', 'a)', '[', '(?<n>x)', '(?i)x', '\\', 'a{1000000}', '(a*)*b', '\\p{L}', '(?=x)']),
    () => rng.pick(['2024-01-01', '1 of them', 'all of them', 'sel and', 'not', '']),
  ];
  return rng.pick(vs)();
}

function oddName(rng: Rng): string {
  return rng.pick([
    '', '.', 'a.b.c', 'a b', '|', '||', '|contains', 'x|', ' ', 'x'.repeat(5000), 'ü', `f${LONE}`,
    '\u0000', 'and', 'or', 'not', 'of', 'them', '1', 'all', '*', 'sel*', '_raw', 'a|b|c|d', '-', '"q"',
    'CommandLine|', 'Image|re|', '@timestamp', 'a[0]', '$x', 'keywords',
  ]); // prettier-ignore
}

function oddCondition(rng: Rng, names: readonly string[]): string {
  const n = names.length ? rng.pick(names) : 'selection';
  const deep = (k: number) => '('.repeat(k) + n + ')'.repeat(k);
  const nots = (k: number) => 'not '.repeat(k) + n;
  return rng.pick([
    'unknown_identifier', '1 of', 'all of them', '1 of them', 'all of nothing*', `${n} and`, `(${n}`,
    `${n})`, '()', '', 'and', 'not', 'of', 'them', `${n} or or ${n}`, deep(rng.pick([50, 300, 3000])),
    nots(rng.pick([2, 500, 5000])), `${n} | count() > 5`, `${n} | near x`, '1 of sel*', 'all of *',
    `2 of them`, `${n} and not ${n}`, `${n} and ${n} and ${n}`, 'x'.repeat(3000), `1 of ${n}*`, 'them',
    `${n} ${n}`, `not (${n} or 1 of them)`, '* of them', `all of ${n}`, 'any of them', `${n}\u0000`,
  ]); // prettier-ignore
}

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (x: Json): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every [container, key] in a tree, depth first. */
function slots(
  root: Json,
  out: Array<[Obj | Json[], string | number]> = [],
): Array<[Obj | Json[], string | number]> {
  if (Array.isArray(root))
    root.forEach((v, i) => {
      out.push([root, i]);
      slots(v, out);
    });
  else if (isObj(root))
    for (const k of Object.keys(root)) {
      out.push([root, k]);
      slots(root[k], out);
    }
  return out;
}

/** The detection's selection mappings (and mappings inside lists of them). */
function selectionMaps(doc: Obj): Obj[] {
  const det = doc.detection;
  if (!isObj(det)) return [];
  const out: Obj[] = [];
  for (const [k, v] of Object.entries(det)) {
    if (k === 'condition') continue;
    if (isObj(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (isObj(x)) out.push(x);
  }
  return out;
}

/** Renames a key of a mapping in place, keeping its position. */
function renameKey(o: Obj, from: string, to: string): void {
  const entries = Object.entries(o).map(([k, v]) => [k === from ? to : k, v] as const);
  for (const k of Object.keys(o)) delete o[k];
  for (const [k, v] of entries) o[k] = v;
}

const CORRELATION_TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile', 'bogus']; // prettier-ignore

function correlationDoc(rng: Rng, refs: readonly string[]): Obj {
  const ref = () =>
    rng.chance(0.7) && refs.length ? rng.pick(refs) : rng.pick(['nope', '', 'x'.repeat(300)]);
  const corr: Obj = {
    type: rng.pick(CORRELATION_TYPES),
    rules: rng.pick([[ref()], [ref(), ref()], ref(), null, [], [1, {}], {}]),
    timespan: rng.pick(['5m', '1h', '0s', 'x', 5, null, '999999999d', '1y']),
    'group-by': rng.pick([['User'], [], 'User', null, [1, null], ['', '|']]),
    condition: rng.pick([{ gte: 5 }, { gt: 'x' }, { field: 'User', gte: 2 }, { eq: null }, 5, null, {}, { lt: 1, gt: 10 }, { gte: 1e308 }]),
  }; // prettier-ignore
  if (rng.chance(0.3)) corr.generate = rng.pick([true, false, 'yes', null]);
  if (rng.chance(0.3)) corr.aliases = rng.pick([{ a: { x: 'y' } }, null, [], { a: 5 }]);
  if (rng.chance(0.2)) delete corr[rng.pick(Object.keys(corr))];
  return {
    title: 'corr',
    id: rng.pick(['c0000000-0000-4000-8000-000000000000', 5, null]),
    correlation: corr,
  };
}

function filterDoc(rng: Rng, refs: readonly string[]): Obj {
  const ref = () => (rng.chance(0.7) && refs.length ? rng.pick(refs) : rng.pick(['nope', '', 7]));
  return {
    title: 'filter',
    logsource: rng.pick([{ product: 'windows' }, {}, null, 'x', { product: ['a', 'b'] }]),
    filter: {
      rules: rng.pick([[ref()], ref(), null, [], {}]),
      selection: rng.pick([{ User: 'x' }, { 'User|re': '(' }, null, [], 'x', { '': null }]),
      condition: rng.pick(['not selection', 'selection', 'nope', '', null, 5]),
    },
  };
}

const MUTATIONS: Array<(docs: Obj[], rng: Rng) => void> = [
  // a value replaced by another type
  (docs, rng) => {
    const s = slots(rng.pick(docs));
    if (!s.length) return;
    const [c, k] = rng.pick(s);
    (c as Record<string | number, Json>)[k] = oddValue(rng);
  },
  // a detection value replaced (most mutants should reach the conversion)
  (docs, rng) => {
    const maps = selectionMaps(rng.pick(docs));
    if (!maps.length) return;
    const m = rng.pick(maps);
    const keys = Object.keys(m);
    if (keys.length) m[rng.pick(keys)] = rng.chance(0.5) ? oddValue(rng) : [oddValue(rng), oddValue(rng)];
  },
  // modifiers added, removed, duplicated, replaced by odd chains
  (docs, rng) => {
    const maps = selectionMaps(rng.pick(docs));
    if (!maps.length) return;
    const m = rng.pick(maps);
    const keys = Object.keys(m);
    if (!keys.length) return;
    const key = rng.pick(keys);
    const [field, ...mods] = key.split('|');
    let next: string[];
    switch (rng.int(5)) {
      case 0:
        next = [...mods, rng.pick(MODIFIERS)];
        break;
      case 1:
        next = mods.slice(0, Math.max(0, mods.length - 1));
        break;
      case 2:
        next = [...mods, ...mods];
        break;
      case 3:
        next = [rng.pick(MODIFIERS), ...mods].reverse();
        break;
      default:
        next = rng.pick(ODD_CHAINS).split('|');
    }
    renameKey(m, key, [field, ...next].join('|'));
    if (rng.chance(0.3)) m[[field, ...next].join('|')] = oddValue(rng);
  },
  // the condition broken
  (docs, rng) => {
    const doc = rng.pick(docs);
    const det = doc.detection;
    if (!isObj(det)) return;
    const names = Object.keys(det).filter((k) => k !== 'condition');
    det.condition = rng.chance(0.8) ? oddCondition(rng, names) : [oddCondition(rng, names), oddValue(rng)];
  },
  // keywords as selection names, selections removed (conditions that name nothing)
  (docs, rng) => {
    const det = rng.pick(docs).detection;
    if (!isObj(det)) return;
    const names = Object.keys(det).filter((k) => k !== 'condition');
    if (!names.length) return;
    const n = rng.pick(names);
    if (rng.chance(0.5)) delete det[n];
    else renameKey(det, n, oddName(rng));
  },
  // odd field names
  (docs, rng) => {
    const maps = selectionMaps(rng.pick(docs));
    if (!maps.length) return;
    const m = rng.pick(maps);
    const keys = Object.keys(m);
    if (keys.length)
      renameKey(m, rng.pick(keys), oddName(rng) + (rng.chance(0.3) ? '|' + rng.pick(MODIFIERS) : ''));
  },
  // log source variants
  (docs, rng) => {
    const doc = rng.pick(docs);
    doc.logsource = rng.pick([
      {}, null, 'windows', [], { product: 'nope' }, { product: ['windows', 'linux'] }, { category: null },
      { product: 'windows', category: 'process_creation', service: 'security' }, { product: 5 },
      { product: 'windows', service: 'sysmon', definition: { x: 1 } }, { product: 'linux', category: 'file_event' },
      { product: 'aws', service: 'cloudtrail' }, { category: 'webserver' }, { product: 'windows', category: 'dns_query' },
      { product: '', category: '' }, { custom: 'x' }, { product: 'Windows', category: 'Process_Creation' },
    ]); // prettier-ignore
  },
  // a key removed
  (docs, rng) => {
    const doc = rng.pick(docs);
    const keys = Object.keys(doc);
    if (keys.length) delete doc[rng.pick(keys)];
  },
  // a correlation or filter document added (a collection mixing kinds), or a document duplicated
  (docs, rng) => {
    const refs = docs
      .flatMap((d) => [d.id, d.name, d.title])
      .filter((x): x is string => typeof x === 'string');
    const r = rng.int(4);
    if (r === 0) docs.push(correlationDoc(rng, refs));
    else if (r === 1) docs.push(filterDoc(rng, refs));
    else if (r === 2) docs.push(JSON.parse(JSON.stringify(rng.pick(docs))) as Obj);
    else
      docs.unshift(
        rng.pick([{ action: 'global', detection: { x: 1 } }, {}, { title: 'only' }, { correlation: null }]),
      );
    if (rng.chance(0.5)) docs[docs.length - 1].name = rng.pick(refs.length ? refs : ['n']);
  },
  // rule-level fields of another type
  (docs, rng) => {
    const doc = rng.pick(docs);
    const k = rng.pick(['id', 'title', 'tags', 'level', 'status', 'date', 'fields', 'falsepositives', 'name', 'related', 'taxonomy', 'scope']); // prettier-ignore
    doc[k] = oddValue(rng);
  },
  // a selection replaced by a keyword list, or the detection by something else
  (docs, rng) => {
    const doc = rng.pick(docs);
    const det = doc.detection;
    if (!isObj(det)) {
      doc.detection = { sel: oddValue(rng), condition: 'sel' };
      return;
    }
    const names = Object.keys(det).filter((k) => k !== 'condition');
    const n = names.length ? rng.pick(names) : 'sel';
    det[n] = rng.pick([
      [oddValue(rng), oddValue(rng)],
      oddValue(rng),
      [{ a: oddValue(rng) }, 'kw'],
      { '': '' },
    ]);
  },
];

/** Text-level mutations. */
const TEXT_MUTATIONS: Array<(t: string, rng: Rng) => string> = [
  (t, rng) => {
    const ls = t.split('\n');
    ls.splice(rng.int(ls.length), 1);
    return ls.join('\n');
  },
  (t, rng) => {
    const ls = t.split('\n');
    const i = rng.int(ls.length);
    ls.splice(i, 0, ls[i]);
    return ls.join('\n');
  },
  (t, rng) => {
    const ls = t.split('\n');
    const i = rng.int(ls.length);
    ls[i] = rng.pick(['', ' ', '  ', '\t', '    ']) + ls[i];
    return ls.join('\n');
  },
  (t, rng) => {
    const i = rng.int(t.length + 1);
    const ins = rng.pick(['*', '?', '\\', '|', ':', '- ', '\n', '"', "'", '{', '[', '&a', '*a', '!!binary ', '\u0000', '\ufeff', LONE, '#', '%', '---\n', '...\n', '<<: ']); // prettier-ignore
    return t.slice(0, i) + ins + t.slice(i);
  },
  (t, rng) => t.slice(0, rng.int(t.length + 1)),
  (t, rng) => t.replace(/\|[a-z0-9]+/g, () => '|' + rng.pick(MODIFIERS)),
  (t) => t.replace(/condition: .*/, 'condition: ' + 'not '.repeat(3000) + 'x'),
  (t) => `${t}\n---\n${t}`,
  (t) => t.replace(/\r?\n/g, '\r\n'),
  (t, rng) => `${t}\n---\n${rng.pick(['correlation: 5', 'filter: []', 'title: x\ncorrelation:\n  type: event_count\n', 'null', '[]', '7', '---'])}\n`, // prettier-ignore
];

/** One mutant of a rule text: one to three tree mutations (mostly one), or one text mutation. */
export function mutate(text: string, rng: Rng): string {
  if (rng.chance(0.25)) return rng.pick(TEXT_MUTATIONS)(text, rng);
  let docs: Obj[];
  try {
    docs = (loadAll(text, undefined, { schema: CORE_SCHEMA }) as Json[]).filter(isObj);
  } catch {
    return rng.pick(TEXT_MUTATIONS)(text, rng);
  }
  if (!docs.length) return rng.pick(TEXT_MUTATIONS)(text, rng);
  const n = rng.chance(0.6) ? 1 : rng.chance(0.7) ? 2 : 3;
  for (let i = 0; i < n; i++) rng.pick(MUTATIONS)(docs, rng);
  try {
    return docs.map((d) => dump(d, { lineWidth: -1, noRefs: true, schema: CORE_SCHEMA })).join('---\n');
  } catch {
    // js-yaml refuses some values (NaN keys, ...): JSON is YAML too.
    return docs.map((d) => JSON.stringify(d)).join('\n---\n');
  }
}

/** `count` mutants, round-robin over the texts, from one seed. */
export function mutants(texts: readonly string[], count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(mutate(texts[i % texts.length], rng));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running a mutant

/** Every target with each output format and each built-in pipeline (and its defaults). */
export async function fuzzTargets(): Promise<PreparedTarget[]> {
  const out: PreparedTarget[] = [];
  for (const target of targetNames()) {
    const backend = (await loadBackend(target))!;
    const pipelineChoices: Array<string[] | undefined> = [
      undefined,
      ...Object.keys(backend.pipelines).map((p) => [p]),
    ];
    for (const format of Object.keys(backend.formats))
      for (const pipelines of pipelineChoices) {
        const p = await prepare(target, { format, pipelines });
        out.push({ ...p, target });
      }
  }
  return out;
}

/** The name of a prepared target, for counts and messages. */
export const targetLabel = (p: PreparedTarget): string =>
  `${p.target}/${p.options.format ?? 'default'}/${p.options.pipelines?.join('+') ?? 'defaults'}`;

const LABELS = new Set(['exact', 'approximate', 'unsupported', 'error']);

/** The output of one mutant for one prepared target, as a batch run writes it (and the labels). */
function convertAll(text: string, p: PreparedTarget): string {
  const files = loadRulesFromText(text, 'mutant.yml');
  const linked = link(files.rules);
  const o: ConvertOptions = p.options;
  let output = p.format.header?.(o) ?? '';
  const summaries: unknown[] = [];
  const queries: string[] = [];
  for (const d of linked.documents) {
    const [r] = convertForTargets(d, [p], o, undefined, (l, pt, opts) =>
      l.correlation
        ? convertCorrelationLoaded(l, linked.index, pt.backend, pt.pipelines, opts)
        : convertLoaded(l, pt.backend, pt.pipelines, opts),
    );
    summaries.push(r.summary);
    if (r.text === null) continue;
    if (p.finalized) queries.push(...(JSON.parse(r.text) as string[]));
    else output += r.text;
  }
  if (p.finalized) output += finalOutput(p, queries);
  output += p.format.footer?.(o) ?? '';
  return JSON.stringify([output, summaries]);
}

export interface Problem {
  readonly where: string;
  readonly what: string;
}

/** The problems with one mutant across `prepared` (empty: it passed). */
export function checkMutant(text: string, prepared: readonly PreparedTarget[]): Problem[] {
  const problems: Problem[] = [];
  const guard = (where: string, fn: () => string): string | undefined => {
    try {
      const s = fn();
      if (s.includes('internal-error')) {
        const m = /"code":"internal-error","message":"((?:[^"\\]|\\.)*)"/.exec(s);
        problems.push({ where, what: `internal-error: ${(m ? m[1] : s).slice(0, 300)}` });
      }
      return s;
    } catch (e) {
      problems.push({ where, what: `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
      return undefined;
    }
  };
  for (const p of prepared) {
    const where = targetLabel(p);
    const a = guard(where, () => convertAll(text, p));
    if (a === undefined) continue;
    const [, summaries] = JSON.parse(a) as [string, Array<{ status: string }>];
    for (const s of summaries)
      if (!LABELS.has(s.status))
        problems.push({ where, what: `unlabelled result: ${JSON.stringify(s.status)}` });
    const b = guard(where, () => convertAll(text, p));
    if (b !== undefined && a !== b) problems.push({ where, what: 'output differs between two runs' });
  }
  // `check`: every document, then the checks across documents.
  guard('check', () => {
    const docs = loadRulesFromText(text, 'mutant.yml').rules;
    return JSON.stringify([...docs.map((d) => checkRule(d)), checkAcross(docs)]);
  });
  // `test`: the reference evaluator on a few events, and correlations over them.
  guard('test', () => {
    const linked = link(loadRulesFromText(text, 'mutant.yml').rules);
    const out: unknown[] = [];
    for (const d of linked.documents) out.push(testDocument(d, linked));
    return JSON.stringify(out);
  });
  return problems;
}

const EVENTS: JsonObject[] = [
  {},
  { CommandLine: 'whoami /all', Image: 'C:\\Windows\\System32\\whoami.exe', User: 'a', '@timestamp': '2024-01-01T00:00:00Z' },
  { _raw: 'x', Message: null, EventID: 4624, DestinationIp: '10.1.2.3', User: 'b', '@timestamp': '2024-01-01T00:01:00Z' },
]; // prettier-ignore

function testDocument(d: LoadedRule, linked: ReturnType<typeof link>): unknown {
  if (d.correlation && d.rule) {
    const sink = new DiagnosticSink(d.path);
    const c = buildCorrelation(
      { rule: d.rule, correlation: d.correlation },
      linked.index,
      { pipelines: [], passes: (ir) => ir },
      sink,
    );
    if (!c || sink.hasErrors) return sink.list;
    return evaluateCorrelation(c, EVENTS, { timeField: '@timestamp' });
  }
  if (!d.ir) return d.diagnostics;
  const compiled = compileRule(d.ir, { file: d.path });
  return [compiled.diagnostics, EVENTS.map((e) => compiled(e))];
}
