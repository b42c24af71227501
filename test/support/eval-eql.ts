/**
 * An EQL interpreter for the tests: evaluates a single-event EQL query (parsed by eql-grammar.ts)
 * against a flat document, with Elasticsearch's semantics as Elastic documents them. It throws an
 * Error naming any construct it does not model; it never guesses.
 * - `fieldTypes`: field -> Elasticsearch type (keyword, wildcard, long, ip, boolean, ...);
 *   default keyword. A keyword field indexes a number or boolean as its text.
 * - `:`, `like~`, `in~`: case-insensitive as Elasticsearch's `case_insensitive` term and wildcard
 *   queries are (AutomatonQueries.toCaseInsensitiveChar: each query character matches itself and
 *   its one other case, Character.toUpperCase/toLowerCase).
 * - `*` any run of characters, `?` one character (EQL syntax reference, Wildcards).
 * - `regex`/`regex~`: Lucene regular expressions, anchored; `regex~` folds ASCII letters only
 *   (RegExp.ASCII_CASE_INSENSITIVE). Reserved optional operators (# @ & < > ~) must be escaped.
 * - `field == null` is "missing or null", `!= null` "has a value" (syntax reference).
 * - A comparison on a missing field is false; `not` is the complement (the query runs as Query DSL,
 *   where `not` is a bool must_not).
 * - `process where ...` also needs `event.category` to equal `process`.
 *
 * Sequences (`evalEqlSearch`), as Elasticsearch runs them: EQL syntax reference "Sequences",
 * "`with maxspan` keywords", "`by` keyword", "How sequence queries handle matches"
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html), and the
 * matcher, elastic/elasticsearch x-pack/plugin/eql/src/main/java/org/elasticsearch/xpack/eql/execution/
 * sequence/SequenceMatcher.java (`match`, `exceedsMaxSpan`), OrdinalGroup.java (`trimBefore`),
 * search/Ordinal.java (`compareTo`):
 * - events are taken in ordinal order: the timestamp, then `_shard_doc` (the implicit tiebreaker);
 *   here the document's position in the input stands for `_shard_doc`;
 * - a hit of the first term starts a pending sequence; a hit of term k takes, among the pending
 *   sequences of term k-1 with the same join key, the latest whose last event is strictly before
 *   it, and drops it and every older one; then it is rejected when its time minus the sequence's
 *   first event's time exceeds maxspan (`to.delta(from) > maxSpanInNanos`: equal is inside);
 * - join keys: the `sequence by` fields, then the term's own `by` fields; an event without one
 *   of them (missing or null) joins nothing (non-optional keys are non-null since
 *   elastic/elasticsearch#79677);
 * - the result is every completed sequence (no `size` limit); `until` is not modelled (throws).
 */
import ipaddr from 'ipaddr.js';
import { parseEql, parseEqlStatement, type Cond, type EqlQuery, type Literal } from './eql-grammar.js';

type Doc = Record<string, unknown>;

function cps(s: string): string[] {
  return [...s];
}

/** The other case of one character, as Elasticsearch's case-insensitive queries take it. */
function otherCase(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  const alt = lower !== c ? lower : upper;
  return [...alt].length === 1 ? alt : c;
}

function charEq(p: string, v: string, caseless: boolean): boolean {
  return p === v || (caseless && otherCase(p) === v);
}

/** Wildcard match of code points: `*` any run, `?` one (dynamic programming, no backtracking blow-up). */
export function wildcardMatch(pattern: string, value: string, caseless: boolean, wild = true): boolean {
  const p = cps(pattern);
  const v = cps(value);
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const pc of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    if (wild && pc === '*') {
      let seen = false;
      for (let j = 0; j <= v.length; j++) {
        seen = seen || row[j];
        next[j] = seen;
      }
    } else
      for (let j = 1; j <= v.length; j++)
        next[j] = row[j - 1] && ((wild && pc === '?') || charEq(pc, v[j - 1], caseless));
    row = next;
  }
  return row[v.length];
}

/** A Lucene regular expression as an anchored JavaScript one (throws on what it does not model). */
export function luceneToJs(pattern: string, caseless: boolean): RegExp {
  const p = cps(pattern);
  let out = '';
  const lit = (c: string) => {
    const esc = c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    if (caseless && /[A-Za-z]/.test(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`;
    return esc;
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= p.length) throw new Error('Lucene regex: trailing backslash');
      out += lit(p[++i]);
      continue;
    }
    if (c === '"') throw new Error('Lucene regex: quoted string (not modelled)');
    if ('#@&<>~'.includes(c)) throw new Error(`Lucene regex: optional operator ${c} (not modelled)`);
    if (c === '.') {
      out += '[^]';
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let body = '';
      if (p[j] === '^') {
        body += '^';
        j++;
      }
      const members: string[] = [];
      for (; j < p.length && p[j] !== ']'; j++) {
        let a = p[j];
        if (a === '\\') a = p[++j];
        if (a === undefined) throw new Error('Lucene regex: unterminated class');
        if (p[j + 1] === '-' && p[j + 2] !== undefined && p[j + 2] !== ']') {
          let b = p[j + 2];
          j += 2;
          if (b === '\\') b = p[++j];
          members.push(`${esc1(a)}-${esc1(b)}`);
          if (caseless) members.push(...caseRanges(a, b));
        } else {
          members.push(esc1(a));
          if (caseless && /[A-Za-z]/.test(a))
            members.push(esc1(a === a.toLowerCase() ? a.toUpperCase() : a.toLowerCase()));
        }
      }
      if (p[j] !== ']') throw new Error('Lucene regex: unterminated class');
      if (members.length === 0) throw new Error('Lucene regex: empty class');
      out += `[${body}${members.join('')}]`;
      i = j;
      continue;
    }
    if ('()|*+?'.includes(c)) {
      out += c;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i).join(''));
      if (!m) throw new Error('Lucene regex: bad repetition');
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    out += lit(c);
  }
  return new RegExp(`^(?:${out})$`, 'u');
}

function esc1(c: string): string {
  return c.replace(/[\\\]^-]/g, '\\$&');
}

/** The other-case ASCII sub-ranges of a range (for `regex~`). */
function caseRanges(a: string, b: string): string[] {
  const lo = a.codePointAt(0)!;
  const hi = b.codePointAt(0)!;
  const out: string[] = [];
  const part = (from: number, to: number, shift: number) => {
    const l = Math.max(lo, from);
    const h = Math.min(hi, to);
    if (l <= h) out.push(`${esc1(String.fromCodePoint(l + shift))}-${esc1(String.fromCodePoint(h + shift))}`);
  };
  part(0x61, 0x7a, -32);
  part(0x41, 0x5a, 32);
  return out;
}

function typeOf(field: string, types?: Record<string, string>): string {
  return types?.[field] ?? 'keyword';
}

const KEYWORDISH = new Set(['keyword', 'wildcard', 'constant_keyword']);
const NUMERIC = new Set([
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
]);

/** The field's value as Elasticsearch indexed it (text for keyword fields), or undefined. */
function valueOf(doc: Doc, field: string, type: string): string | number | boolean | undefined {
  if (!Object.hasOwn(doc, field)) return undefined;
  const v = doc[field];
  if (v === null || v === undefined) return undefined;
  if (KEYWORDISH.has(type)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`eval-eql: value of ${field} is not a scalar`);
  }
  if (NUMERIC.has(type)) {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'boolean')
    return v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
  if (type === 'ip') return typeof v === 'string' ? v : undefined;
  throw new Error(`eval-eql: field type ${type} not modelled`);
}

function evalCond(c: Cond, doc: Doc, types?: Record<string, string>): boolean {
  switch (c.kind) {
    case 'const':
      return c.value;
    case 'and':
      return evalCond(c.left, doc, types) && evalCond(c.right, doc, types);
    case 'or':
      return evalCond(c.left, doc, types) || evalCond(c.right, doc, types);
    case 'not':
      return !evalCond(c.child, doc, types);
    case 'compare': {
      const type = typeOf(c.field, types);
      const v = valueOf(doc, c.field, type);
      if (c.value === null) {
        if (c.op === '==') return v === undefined;
        if (c.op === '!=') return v !== undefined;
        throw new Error(`eval-eql: ${c.op} null`);
      }
      if (v === undefined) return c.op === '!=';
      if (typeof c.value !== typeof v)
        throw new Error(`eval-eql: ${typeof c.value} compared with a ${type} field (${c.field})`);
      switch (c.op) {
        case '==':
          return v === c.value;
        case '!=':
          return v !== c.value;
        case '<':
          return v < c.value;
        case '<=':
          return v <= c.value;
        case '>':
          return v > c.value;
        case '>=':
          return v >= c.value;
      }
      throw new Error('eval-eql: unknown comparison');
    }
    case 'pattern': {
      const type = typeOf(c.field, types);
      const v = valueOf(doc, c.field, type);
      let hit: boolean;
      if (v === undefined) hit = false;
      else if (c.op === 'in' || c.op === 'in~') {
        hit = c.values.some((x) => {
          if (typeof x === 'string' && typeof v === 'string')
            return wildcardMatch(x, v, c.op === 'in~', false);
          if (typeof x !== typeof v) throw new Error(`eval-eql: in with a ${typeof x} on a ${type} field`);
          return x === v;
        });
      } else {
        if (typeof v !== 'string' || !KEYWORDISH.has(type))
          throw new Error(`eval-eql: ${c.op} on a ${type} field (${c.field})`);
        hit = c.values.some((x) => {
          if (typeof x !== 'string') throw new Error(`eval-eql: ${c.op} with a non-string`);
          if (c.op === ':' || c.op === 'like' || c.op === 'like~')
            return wildcardMatch(x, v, c.op !== 'like');
          return luceneToJs(x, c.op === 'regex~').test(v);
        });
      }
      return c.negated ? !hit : hit;
    }
    case 'cidr': {
      const type = typeOf(c.field, types);
      if (type !== 'ip') throw new Error(`eval-eql: cidrMatch on a ${type} field (only ip is supported)`);
      const v = valueOf(doc, c.field, type);
      if (typeof v !== 'string' || !ipaddr.isValid(v)) return false;
      const addr = ipaddr.parse(v);
      return c.networks.some((n) => {
        const [net, bits] = ipaddr.parseCIDR(n);
        const a =
          addr.kind() === net.kind()
            ? addr
            : addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
              ? (addr as ipaddr.IPv6).toIPv4Address()
              : null;
        return a !== null && a.kind() === net.kind() && a.match(net, bits);
      });
    }
    default:
      throw new Error(`eval-eql: unknown condition ${JSON.stringify(c satisfies never)}`);
  }
}

function evalQuery(q: EqlQuery, doc: Doc, fieldTypes?: Record<string, string>): boolean {
  if (q.category !== null) {
    const cat = doc['event.category'];
    if (cat !== q.category) return false;
  }
  return evalCond(q.condition, doc, fieldTypes);
}

export function evalEql(
  query: string,
  doc: Record<string, unknown>,
  fieldTypes?: Record<string, string>,
): boolean {
  return evalQuery(parseEql(query), doc, fieldTypes);
}

/** One result of an EQL search: the matching documents (one, or one per sequence term) and the join key. */
export interface EqlHit {
  /** Indices into the documents, in sequence order. */
  readonly docs: readonly number[];
  /** The join key's values as text (empty for an event query or a sequence without `by`). */
  readonly key: readonly string[];
}

/** A timestamp in seconds: a number, or an ISO 8601 text. */
function seconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  return undefined;
}

/**
 * Runs an EQL search (an event query or a sequence) over documents in input order (the store's
 * order among equal timestamps). Event query: each matching document. Sequence: each completed
 * sequence, as the state machine of the header finds them.
 */
export function evalEqlSearch(
  query: string,
  docs: readonly Record<string, unknown>[],
  fieldTypes?: Record<string, string>,
  timeField = '@timestamp',
): EqlHit[] {
  const statement = parseEqlStatement(query);
  if (!('kind' in statement))
    return docs.flatMap((d, i) => (evalQuery(statement, d, fieldTypes) ? [{ docs: [i], key: [] }] : []));
  const seq = statement;
  if (seq.until) throw new Error('eval-eql: sequence until is not modelled');
  const order = docs
    .map((d, i) => ({ i, t: seconds(d[timeField]) }))
    .filter((x): x is { i: number; t: number } => x.t !== undefined)
    .sort((a, b) => a.t - b.t || a.i - b.i);
  interface Pending {
    readonly docs: number[];
    readonly start: number;
    /** Position of the last event in `order` (the ordinal). */
    readonly pos: number;
  }
  const n = seq.terms.length;
  const pending: Map<string, Pending[]>[] = seq.terms.map(() => new Map());
  const out: EqlHit[] = [];
  order.forEach(({ i, t }, pos) => {
    const doc = docs[i];
    for (let s = n - 1; s >= 0; s--) {
      const term = seq.terms[s];
      if (!evalQuery(term.query, doc, fieldTypes)) continue;
      const key: string[] = [];
      let joins = true;
      for (const f of [...seq.by, ...term.by]) {
        const v = valueOf(doc, f, typeOf(f, fieldTypes));
        if (v === undefined) joins = false;
        else key.push(String(v));
      }
      if (!joins) continue;
      const k = JSON.stringify(key);
      if (s === 0) {
        const list = pending[0].get(k) ?? [];
        pending[0].set(k, list);
        list.push({ docs: [i], start: t, pos });
        continue;
      }
      const list = pending[s - 1].get(k);
      if (!list) continue;
      let j = -1;
      for (let x = 0; x < list.length && list[x].pos < pos; x++) j = x;
      if (j < 0) continue;
      const taken = list[j];
      list.splice(0, j + 1);
      if (seq.maxspanSeconds !== undefined && t - taken.start > seq.maxspanSeconds) continue;
      const next: Pending = { docs: [...taken.docs, i], start: taken.start, pos };
      if (s === n - 1) out.push({ docs: next.docs, key });
      else {
        const into = pending[s].get(k) ?? [];
        pending[s].set(k, into);
        into.push(next);
      }
    }
  });
  return out;
}

export type { Literal };
