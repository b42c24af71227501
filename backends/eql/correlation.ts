/**
 * Sigma correlation rules as EQL sequences (docs/correlation.md, section "EQL"): `temporal_ordered`
 * and `temporal` become
 *
 *     sequence by <group-by fields> with maxspan=<timespan> [<rule 1>] [<rule 2>] ...
 *
 * What Elasticsearch does with such a query, and why it is the reference evaluator's meaning
 * (src/evaluate/correlation.ts), from the EQL syntax reference [S]
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html, elastic/elasticsearch
 * docs/reference/eql/syntax.asciidoc) and the matcher itself [M] (elastic/elasticsearch
 * x-pack/plugin/eql/.../execution/sequence/SequenceMatcher.java, OrdinalGroup.java, search/Ordinal.java):
 * - maxspan: "All events in a matching sequence must occur within this duration, starting at the
 *   first event's timestamp" [S]; rejected only when `to.delta(from) > maxSpanInNanos` [M]: both
 *   ends included, as the evaluator's window.
 * - Order: events are ordered by timestamp, then the tiebreaker, then `_shard_doc` (Ordinal: the
 *   implicit tiebreaker of the point in time) [M]; a stage takes an event strictly after the
 *   previous stage's (`o.compareTo(ordinal) < 0`) [M]. Events with equal timestamps therefore keep
 *   the store's order, which is what the evaluator's "input order" stands for. One document is
 *   one ordinal: it cannot fill two stages, whereas the evaluator counts an event that two rules
 *   match as two occurrences (a chain may pass through it). Where two adjacent rules may match one
 *   event (not proven disjoint below), further queries merge them into one stage (`(r1) and
 *   (r2)`), so every chain the evaluator accepts is found by one of the queries.
 * - Which events form the sequence: a state machine per `by` value; a stage's event takes the
 *   latest pending sequence of the previous stage and drops the older ones [S "How sequence
 *   queries handle matches", M `trimBefore`]. The latest start is the best one for maxspan, so a
 *   sequence is found whenever a chain fits the span; a run of several chains ending in one window
 *   may be reported as one sequence (the evaluator reports a match at each chain's end).
 * - `by`: a join key must be non-null unless written `?field` (elastic/elasticsearch#79677, 2021):
 *   an event without a group-by field joins no sequence, as an
 *   occurrence without one forms no group. No `until` is written (Sigma has no expiry event).
 */
import type { CorrelationContext } from '../../src/backend.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import { holds, type CorrelatedRule, type Correlation } from '../../src/ir/correlation.js';
import { withOp } from '../../src/ir/sigma-string.js';
import type { Node, SigmaString } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { targetString } from '../../src/settings.js';
import { eqlField } from './escape.js';
import { eqlQuery } from './render.js';

/**
 * Stable reasons of the EQL correlation diagnostics.
 * - `sequence-type`: a count, sum or average (EQL has no aggregation);
 * - `sequence-condition`: a condition no set of sequences says exactly;
 * - `sequence-chain`: a correlation over another correlation;
 * - `sequence-count`: more queries than MAX_QUERIES would be needed;
 * - `sequence-join` (wider): one event filling two stages whose rules name the group-by differently.
 */
export type EqlCorrelationReason =
  'sequence-type' | 'sequence-condition' | 'sequence-chain' | 'sequence-count' | 'sequence-join';

/** The most queries one correlation may become (orders of `temporal`, merged stages). */
export const MAX_QUERIES = 32;

/**
 * ECS fields that hold arrays ("normalization: array", ECS field reference, event.category and
 * event.type): one event may hold several values, so two tests of them prove nothing disjoint.
 */
const ARRAY_FIELDS: ReadonlySet<string> = new Set(['event.category', 'event.type']);

/** A duration in EQL's time units (Elasticsearch API conventions, "Time units": d, h, m, s). */
export function eqlDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/* --------------------------------------------------------------- disjoint rules */

type Tok = { readonly t: 'c'; readonly c: string } | { readonly t: '*' } | { readonly t: '?' };

function tokens(s: SigmaString): Tok[] {
  const out: Tok[] = [];
  for (const p of s)
    if (p.kind === 'text') for (const c of p.text) out.push({ t: 'c', c });
    else if (p.kind === 'any') out.push({ t: '*' });
    else if (p.kind === 'one') out.push({ t: '?' });
  return out;
}

/** Whether two characters may be equal (caseless: either case; any non-ASCII letter may fold to the other). */
function mayEqual(a: string, b: string, cased: boolean): boolean {
  if (a === b) return true;
  if (cased) return false;
  if (a.codePointAt(0)! > 0x7f || b.codePointAt(0)! > 0x7f) return true;
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether some text matches both patterns (`*` any run, `?` one character): a search over position pairs. */
export function mayIntersect(p: SigmaString, q: SigmaString, cased: boolean): boolean {
  const a = tokens(p);
  const b = tokens(q);
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const w = b.length + 1;
  while (stack.length) {
    const [i, j] = stack.pop()!;
    if (seen.has(i * w + j)) continue;
    seen.add(i * w + j);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    if (x?.t === '*') stack.push([i + 1, j]);
    if (y?.t === '*') stack.push([i, j + 1]);
    if (x === undefined || y === undefined) continue;
    const same = x.t !== 'c' || y.t !== 'c' || mayEqual(x.c, y.c, cased);
    if (same) stack.push([x.t === '*' ? i : i + 1, y.t === '*' ? j : j + 1]);
  }
  return false;
}

function conjuncts(n: Node): Node[] {
  return n.kind === 'and' ? n.children.flatMap(conjuncts) : [n];
}

/**
 * Whether no event can match both rules (sound, not complete): both require a value of one
 * (scalar) field, and no value satisfies both requirements.
 */
export function disjoint(a: Node, b: Node): boolean {
  for (const x of conjuncts(a))
    for (const y of conjuncts(b)) {
      if (x.kind === 'string' && y.kind === 'string' && x.field !== null && x.field === y.field) {
        if (ARRAY_FIELDS.has(x.field)) continue;
        const px = x.values.map((v) => withOp(v, x.op));
        const py = y.values.map((v) => withOp(v, y.op));
        const placeholder = [...px, ...py].some((v) => v.some((part) => part.kind === 'placeholder'));
        if (placeholder) continue;
        const cased = x.cased && y.cased;
        if (px.every((u) => py.every((v) => !mayIntersect(u, v, cased)))) return true;
      }
      if (x.kind === 'number' && y.kind === 'number' && x.field !== null && x.field === y.field) {
        if (ARRAY_FIELDS.has(x.field)) continue;
        const ys = new Set(y.values.map((v) => v.value));
        if (x.values.every((v) => !ys.has(v.value))) return true;
      }
    }
  return false;
}

/* --------------------------------------------------------------- the queries */

/** One referenced rule as EQL: its query with the category lifted, and its bare condition. */
interface RuleEql {
  /** `process where ...` (or `any where ...`). */
  readonly query: string;
  readonly category: string;
  readonly condition: string;
  /** The condition without the category lifted (for a stage that several rules share). */
  readonly plain: string;
  /** The group-by fields as this rule names them. */
  readonly keys: readonly string[];
}

function split(q: string): { category: string; condition: string } {
  const i = q.indexOf(' where ');
  return { category: q.slice(0, i), condition: q.slice(i + ' where '.length) };
}

/** The orders of rules (by index) whose chains the condition asks for, or a refusal. */
function ordersOf(c: Correlation): number[][] | string {
  const n = c.rules.length;
  const accepted = Array.from({ length: n + 1 }, (_, v) => holds(c.condition.bounds, v));
  const text = c.condition.bounds.map((b) => `${b.op} ${b.value}`).join(' and ');
  const m = accepted.findIndex((x, v) => v > 0 && x);
  if (m < 0) return `the condition ${text} holds for no number of rules from 1 to ${n}: it never matches`;
  if (c.type === 'temporal_ordered') {
    // The evaluator's value at an occurrence of rule k is k (a chain of rules 1..k ends there) or 0.
    if (accepted[0])
      return `the condition ${text} holds for 0, i.e. at every occurrence that ends no chain: a sequence cannot say that no chain ends at an event`;
    return [Array.from({ length: m }, (_, i) => i)];
  }
  // temporal: the value is the number of distinct rules in the window (at least the occurrence's own).
  for (let v = m; v <= n; v++)
    if (!accepted[v])
      return `the condition ${text} holds for ${m} rules but not for ${v}: a sequence cannot say that the other rules are absent from the window`;
  const out: number[][] = [];
  const pick = (prefix: number[]) => {
    if (prefix.length === m) return void out.push(prefix);
    for (let r = 0; r < n; r++) if (!prefix.includes(r)) pick([...prefix, r]);
  };
  pick([]);
  return out;
}

/**
 * Each order as blocks of rules (a block: the rules one event fills): every way of merging
 * adjacent rules that may match the same event. Deduplicated, in a stable order.
 */
function blocksOf(orders: readonly number[][], overlap: (a: number, b: number) => boolean): number[][][] {
  const out: number[][][] = [];
  const seen = new Set<string>();
  for (const order of orders) {
    const mergeable = order.slice(1).map((r, i) => overlap(order[i], r));
    const free = mergeable.flatMap((ok, i) => (ok ? [i] : []));
    for (let mask = 0; mask < 1 << free.length; mask++) {
      const merged = new Set(free.filter((_, k) => mask & (1 << k)));
      const blocks: number[][] = [[order[0]]];
      for (let i = 1; i < order.length; i++)
        if (merged.has(i - 1)) blocks[blocks.length - 1].push(order[i]);
        else blocks.push([order[i]]);
      // One event fills a block: the rules of a block form a set (temporal: any order within it).
      const key = JSON.stringify(blocks.map((b) => [...b].sort((x, y) => x - y)));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(blocks);
      if (out.length > MAX_QUERIES) return out;
    }
  }
  return out;
}

/**
 * The EQL queries of a temporal or temporal_ordered correlation (several when one query cannot
 * find every chain: orders of `temporal`, rules that may match one event), or [] with the reason
 * reported. `liftCategory`: write each stage as `<event.category> where` (else `any where`).
 */
export function eqlSequences(c: Correlation, sink: DiagnosticSink, liftCategory: boolean): string[] {
  const low = new Lowering<EqlCorrelationReason>(sink);
  const at = c.rule.pos;
  const nested = c.rules.find((r): r is Correlation => r.kind === 'correlation');
  if (nested) {
    low.unsupported(
      at,
      `a correlation over another correlation ('${nested.rule.name ?? nested.rule.id ?? nested.rule.title}'): the stages of an EQL sequence are events, not the matches of another correlation`,
      'sequence-chain',
    );
    return [];
  }
  if (c.type !== 'temporal' && c.type !== 'temporal_ordered') {
    low.unsupported(
      at,
      `${c.type}: EQL has no aggregation (Elasticsearch EQL supports no count pipe: EQL syntax reference, "Differences from Endgame EQL syntax")`,
      'sequence-type',
    );
    return [];
  }
  const orders = ordersOf(c);
  if (typeof orders === 'string') {
    low.unsupported(at, `${c.type}: ${orders}`, 'sequence-condition');
    return [];
  }
  const rules = c.rules as readonly CorrelatedRule[];
  // Each rule lowered once; its approximations are the correlation's.
  const eql: RuleEql[] = [];
  for (const [i, r] of rules.entries()) {
    const q = eqlQuery(r.ir, r.state, sink, liftCategory);
    if (q === undefined) return [];
    const plain = liftCategory ? eqlQuery(r.ir, r.state, new DiagnosticSink(sink.file), false) : q;
    if (plain === undefined) return [];
    eql.push({
      query: q,
      ...split(q),
      plain: split(plain).condition,
      keys: c.groupBy.map((g) => g.perRule[i]),
    });
  }
  const overlaps = new Map<string, boolean>();
  const overlap = (a: number, b: number): boolean => {
    const k = `${Math.min(a, b)},${Math.max(a, b)}`;
    if (!overlaps.has(k)) overlaps.set(k, !disjoint(rules[a].ir, rules[b].ir));
    return overlaps.get(k)!;
  };
  const all = blocksOf(orders, overlap);
  if (all.length > MAX_QUERIES) {
    low.unsupported(
      at,
      `${c.type} over ${rules.length} rules needs more than ${MAX_QUERIES} EQL queries (one per order of the rules and per way rules that may match one event share a stage)`,
      'sequence-count',
    );
    return [];
  }
  const keyList = (keys: readonly string[]) => keys.map(eqlField).join(', ');
  const sameKeys = eql.every((e) => e.keys.join('\0') === eql[0].keys.join('\0'));
  const span = eqlDuration(c.timespanSeconds);
  return all.map((blocks) => {
    const stages = blocks.map((block) => {
      const keys = eql[block[0]].keys;
      // A block's other rules name the group-by differently: EQL cannot compare two fields, so
      // the stage joins on the first rule's names and only requires the others to exist (wider).
      const extra: string[] = [];
      for (const r of block.slice(1))
        eql[r].keys.forEach((k, i) => {
          if (k === keys[i]) return;
          extra.push(`${eqlField(k)} != null`);
          low.report(
            at,
            'sequence-join',
            `an event that rules '${rules[block[0]].ref}' and '${rules[r].ref}' both match fills one stage; its group-by '${c.groupBy[i].name}' is ${keys[i]} in one and ${k} in the other, which EQL cannot compare: the stage joins on ${keys[i]} and requires only that ${k} exists (matches more events)`,
            'wider',
          );
        });
      const text =
        block.length === 1 && extra.length === 0
          ? eql[block[0]].query
          : `any where ${[...block.map((r) => `(${eql[r].plain})`), ...extra].join(' and ')}`;
      return { text, keys };
    });
    if (stages.length === 1) {
      // One event fills every stage: a plain query, with the group-by fields present.
      const { category, condition } = split(stages[0].text);
      const present = stages[0].keys.map((k) => `${eqlField(k)} != null`);
      return present.length
        ? `${category} where (${condition}) and ${present.join(' and ')}`
        : stages[0].text;
    }
    const by = sameKeys && stages.every((s) => s.keys.join('\0') === eql[0].keys.join('\0'));
    const head = `sequence${by && eql[0].keys.length ? ` by ${keyList(eql[0].keys)}` : ''} with maxspan=${span}`;
    const body = stages.map((s) => `[${s.text}]${!by && s.keys.length ? ` by ${keyList(s.keys)}` : ''}`);
    return `${head} ${body.join(' ')}`;
  });
}

/** The `eql` target's correlations (backends/eql/index.ts). */
export function convertEqlCorrelation(ctx: CorrelationContext): string[] {
  const lift = ctx.target ? targetString(ctx.target, 'category') !== 'any' : true;
  return eqlSequences(ctx.correlation, ctx.sink, lift);
}
