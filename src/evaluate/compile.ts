/**
 * The reference evaluator: the executable definition of what a rule's IR matches. A rule is
 * compiled once (regexes translated, strings folded, networks parsed) into a tree of tests, then
 * applied to each event. The semantics, node by node, are in docs/testing-rules.md.
 */
import ipaddr from 'ipaddr.js';
import { assertNever, DiagnosticSink, type Diagnostic } from '../diagnostics.js';
import { parseSigmaString, withOp } from '../ir/sigma-string.js';
import type { Node, NumberValue, Part, SigmaString, StringOp, TimeUnit } from '../ir/types.js';
import { flattenEvent, scalarValues, type FlatEvent, type Json, type JsonObject } from './events.js';
import { fold } from './fold.js';
import { deeperThan, TOO_DEEP } from '../ir/depth.js';
import { canonicalNumber } from '../ir/number.js';
import { placeOf } from '../ir/origin.js';
import { translateRegex } from '../regex/index.js';

/** An event prepared for evaluation: flattened once, with a cache of case folds. */
export class PreparedEvent {
  readonly fields: FlatEvent;
  private readonly folds = new Map<string, string>();
  private scalars?: Json[];
  constructor(readonly raw: JsonObject) {
    this.fields = flattenEvent(raw);
  }
  get(field: string): Json | undefined {
    return this.fields.get(field);
  }
  /** The case fold of a value text, cached for the event. */
  fold(s: string): string {
    let f = this.folds.get(s);
    if (f === undefined) {
      f = fold(s);
      this.folds.set(s, f);
    }
    return f;
  }
  /** Every scalar value anywhere in the event, for keyword matches. */
  keywords(): Json[] {
    return (this.scalars ??= scalarValues(this.raw));
  }
  /**
   * Every scalar value's text joined by NUL (folded unless `cased`): a needle without NUL is in
   * one of the values exactly when it is in this text.
   */
  keywordText(cased: boolean): string {
    if (cased) return (this.joined ??= this.keywords().map(String).join('\0'));
    return (this.joinedFolded ??= fold(this.keywordText(true)));
  }
  private joined?: string;
  private joinedFolded?: string;
}

export type EventInput = JsonObject | PreparedEvent;

export function prepareEvent(event: EventInput): PreparedEvent {
  return event instanceof PreparedEvent ? event : new PreparedEvent(event);
}

export type Test = (e: PreparedEvent) => boolean;

/** A compiled IR node: its test and its compiled children, for explanations. */
export interface CompiledNode {
  readonly node: Node;
  readonly test: Test;
  readonly children: readonly CompiledNode[];
}

export interface CompileOptions {
  /** Values of `%name%` placeholders left by `|expand` (each value a Sigma string, ORed). */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  /** The rule file, for diagnostic positions. */
  readonly file?: string;
}

/** A compiled rule: call it with an event. */
export interface CompiledRule {
  (event: EventInput): boolean;
  readonly root: CompiledNode;
  /** Problems met while compiling (a regex that cannot be translated, an unresolved placeholder). */
  readonly diagnostics: readonly Diagnostic[];
  /** False when a diagnostic is an error: some match node never matches because it could not be compiled. */
  readonly exact: boolean;
}

/** The texts a value stands for: strings as they are, numbers and booleans as JSON writes them. */
function anyText(v: Json | undefined, fn: (s: string) => boolean): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return fn(v);
  if (typeof v === 'number' || typeof v === 'boolean') return fn(String(v));
  if (Array.isArray(v)) {
    for (const x of v) if (anyText(x, fn)) return true;
  }
  return false;
}

/** Applies `fn` to a field's value, or to every scalar of the event for a keyword (`field: null`). */
function anyValue(e: PreparedEvent, field: string | null, fn: (v: Json | undefined) => boolean): boolean {
  if (field !== null) return fn(e.get(field));
  for (const v of e.keywords()) if (fn(v)) return true;
  return false;
}

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A decimal number from an event value (number, or a string of decimal digits), else undefined. */
export function numberOf(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DECIMAL.test(v)) return Number(v);
  return undefined;
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

const ANY: unique symbol = Symbol('any');
const ONE: unique symbol = Symbol('one');
/** A Sigma string as texts (already folded unless cased) and wildcards. */
type WildcardPattern = ReadonlyArray<string | typeof ANY | typeof ONE>;

/**
 * More `*` than this in one pattern and it is matched without RegExp: V8's backtracking over
 * `[^]*a[^]*a...` grows with the power of the number of `*` on a text that fails (a fuzzed value
 * of 30,000 `*?` took minutes); the glob match below stays within text x pattern steps.
 */
const REGEX_STARS = 8;

/**
 * The ORed wildcard patterns as one RegExp (`sources`, their regex forms), or, where V8 refuses
 * that RegExp (a value of tens of thousands of characters: "Regular expression too large", or
 * "Stack overflow" while compiling it), a matcher without RegExp (`shapes`, the same patterns).
 * `globs` are patterns with many `*`, always matched without RegExp.
 */
function wildcardTester(
  sources: readonly string[],
  shapes: readonly WildcardPattern[],
  globs: readonly WildcardPattern[],
): { test(s: string): boolean } {
  const glob = globs.map(globMatcher);
  const many = (s: string) => glob.some((g) => g(s));
  if (sources.length === 0) return { test: many };
  try {
    const re = new RegExp(`^(?:${sources.join('|')})$`, 'u');
    re.test(''); // V8 compiles a RegExp at its first use: refused here, not later.
    return glob.length ? { test: (s) => re.test(s) || many(s) } : re;
  } catch {
    const all = shapes.map(globMatcher);
    return { test: (s) => all.some((g) => g(s)) || many(s) };
  }
}

/**
 * Whether a whole text matches a wildcard pattern (`*` any run of code points, `?` one code
 * point), as the RegExp `^...$` with `[^]*` and `[^]` under the `u` flag would: the greedy
 * two-pointer glob match with backtracking to the last `*` (linear space, no recursion, at most
 * text x pattern steps).
 */
function globMatcher(pattern: WildcardPattern): (text: string) => boolean {
  const p: Array<string | typeof ANY | typeof ONE> = [];
  for (const x of pattern)
    if (typeof x === 'string') p.push(...x);
    else p.push(x);
  return (text) => {
    const t = [...text];
    let i = 0;
    let j = 0;
    let star = -1;
    let mark = 0;
    while (j < t.length) {
      if (i < p.length && (p[i] === ONE || p[i] === t[j])) {
        i++;
        j++;
      } else if (i < p.length && p[i] === ANY) {
        star = i++;
        mark = j;
      } else if (star >= 0) {
        i = star + 1;
        j = ++mark;
      } else return false;
    }
    while (i < p.length && p[i] === ANY) i++;
    return i === p.length;
  };
}

/** A matcher of one text (already folded unless cased) against ORed Sigma strings with an op. */
function stringTester(
  values: readonly SigmaString[],
  op: StringOp,
  cased: boolean,
): { test: (s: string) => boolean; containsOnly: boolean } {
  const norm = (t: string) => (cased ? t : fold(t));
  const eq = new Set<string>();
  const contains: string[] = [];
  const starts: string[] = [];
  const ends: string[] = [];
  const patterns: string[] = [];
  const shapes: WildcardPattern[] = [];
  const globs: WildcardPattern[] = [];
  let all = false;
  for (const v of values) {
    const p = withOp(v, op);
    const texts = p.filter((x) => x.kind === 'text').map((x) => norm((x as { text: string }).text));
    const shape = p.map((x) => (x.kind === 'text' ? 't' : x.kind === 'any' ? '*' : '?')).join('');
    if (shape === '' || shape === 't') eq.add(texts[0] ?? '');
    else if (shape === '*') all = true;
    else if (shape === '*t*') contains.push(texts[0]);
    else if (shape === 't*') starts.push(texts[0]);
    else if (shape === '*t') ends.push(texts[0]);
    else {
      // A run of wildcards with k `?` and a `*` is "k or more code points": one `[^]{k,}` (and k
      // ONE then one ANY), so adjacent wildcards give the matchers nothing to backtrack over.
      const shapeOf: Array<string | typeof ANY | typeof ONE> = [];
      let src = '';
      let stars = 0;
      for (let i = 0; i < p.length;) {
        const part = p[i];
        if (part.kind === 'text') {
          src += escapeRegex(norm(part.text));
          shapeOf.push(norm(part.text));
          i++;
          continue;
        }
        let ones = 0;
        let any = false;
        for (; i < p.length && p[i].kind !== 'text'; i++)
          if (p[i].kind === 'any') any = true;
          else ones++;
        for (let k = 0; k < ones; k++) shapeOf.push(ONE);
        if (any) {
          shapeOf.push(ANY);
          stars++;
          src += ones ? `[^]{${ones},}` : '[^]*';
        } else src += ones === 1 ? '[^]' : `[^]{${ones}}`;
      }
      if (stars > REGEX_STARS) globs.push(shapeOf);
      else {
        patterns.push(src);
        shapes.push(shapeOf);
      }
    }
  }
  if (all) return { test: () => true, containsOnly: false };
  const re = patterns.length || globs.length ? wildcardTester(patterns, shapes, globs) : undefined;
  const has = needles(contains, 'contains');
  const pre = needles(starts, 'startswith');
  const post = needles(ends, 'endswith');
  const containsOnly =
    eq.size + starts.length + ends.length + patterns.length + globs.length === 0 &&
    !contains.some((c) => c.includes('\0'));
  return {
    test: (s) => eq.has(s) || has(s) || pre(s) || post(s) || (re !== undefined && re.test(s)),
    containsOnly,
  };
}

const KEY = 8;

/** A hash of the KEY UTF-16 units at `i` (no string allocated; collisions are checked). */
function keyAt(s: string, i: number): number {
  let h = 0;
  for (let k = i; k < i + KEY; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h;
}

function linear(list: readonly string[], op: 'contains' | 'startswith' | 'endswith'): (s: string) => boolean {
  if (list.length === 0) return () => false;
  if (op === 'contains') return (s) => list.some((n) => s.includes(n));
  if (op === 'startswith') return (s) => list.some((n) => s.startsWith(n));
  return (s) => list.some((n) => s.endsWith(n));
}

/**
 * A matcher of many literal needles (contains, startswith or endswith). Long lists (hash lists
 * have thousands) are indexed by a hash of their first (last, for endswith) KEY UTF-16 units, so
 * a text is scanned once instead of once per needle; shorter needles are tried one by one.
 */
function needles(
  list: readonly string[],
  op: 'contains' | 'startswith' | 'endswith',
): (s: string) => boolean {
  if (list.length <= 8) return linear(list, op);
  const short = list.filter((n) => n.length < KEY);
  const index = new Map<number, string[]>();
  for (const n of list) {
    if (n.length < KEY) continue;
    const k = keyAt(n, op === 'endswith' ? n.length - KEY : 0);
    const bucket = index.get(k);
    if (bucket) bucket.push(n);
    else index.set(k, [n]);
  }
  const slow = linear(short, op);
  const at = (s: string, i: number, test: (n: string) => boolean): boolean => {
    const bucket = index.get(keyAt(s, i));
    if (bucket) for (const n of bucket) if (test(n)) return true;
    return false;
  };
  if (op === 'startswith') return (s) => slow(s) || (s.length >= KEY && at(s, 0, (n) => s.startsWith(n)));
  if (op === 'endswith')
    return (s) => slow(s) || (s.length >= KEY && at(s, s.length - KEY, (n) => s.endsWith(n)));
  return (s) => {
    if (slow(s)) return true;
    for (let i = 0; i + KEY <= s.length; i++) {
      const bucket = index.get(keyAt(s, i));
      if (bucket) for (const n of bucket) if (s.startsWith(n, i)) return true;
    }
    return false;
  };
}

const MAX_EXPANSION = 10_000;

/** Replaces placeholder parts by their values (each a Sigma string); undefined when one is unknown. */
function expandPlaceholders(
  s: SigmaString,
  placeholders: Readonly<Record<string, readonly string[]>> | undefined,
  missing: Set<string>,
): SigmaString[] {
  // Without placeholders the string is its own expansion (copying it part by part was quadratic
  // in its length: a fuzzed value of 60,000 wildcards took minutes).
  if (!s.some((part) => part.kind === 'placeholder')) return [s];
  let acc: Part[][] = [[]];
  for (const part of s) {
    if (part.kind !== 'placeholder') {
      for (const a of acc) a.push(part);
      continue;
    }
    const vals = placeholders?.[part.name];
    if (!vals || vals.length === 0) {
      missing.add(part.name);
      return [];
    }
    acc = acc.flatMap((a) => vals.map((v) => [...a, ...parseSigmaString(v)]));
    if (acc.length > MAX_EXPANSION) {
      missing.add(part.name);
      return [];
    }
  }
  return acc;
}

function timestampOf(v: Json | undefined): Date | undefined {
  if (typeof v === 'number') return new Date(Math.abs(v) >= 1e11 ? v : v * 1000);
  if (typeof v !== 'string') return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      v.trim(),
    );
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  const tz = m[8];
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** ISO 8601 week number (1-53) in UTC. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

export function timePart(d: Date, unit: TimeUnit): number {
  switch (unit) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    default:
      return assertNever(unit);
  }
}

type ParsedAddress = { bytes: number[]; version: 4 | 6 };

/** A text IP address (dotted-quad IPv4, or IPv6 possibly with a zone), else undefined. */
export function parseAddress(s: string): ParsedAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return { bytes: ipaddr.IPv4.parse(s).toByteArray(), version: 4 };
  if (s.includes(':') && ipaddr.IPv6.isValid(s))
    return { bytes: ipaddr.IPv6.parse(s).toByteArray(), version: 6 };
  return undefined;
}

function inNetwork(
  a: ParsedAddress,
  n: { version: 4 | 6; prefix: number; bytes: readonly number[] },
): boolean {
  if (a.version !== n.version) return false;
  let bits = n.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a.bytes[i] & mask) !== n.bytes[i]) return false;
  }
  return true;
}

/**
 * A Sigma number matches a numeric value equal to it, or a text that is its canonical decimal
 * spelling (src/ir/number.ts): `4688` matches 4688 and "4688", not "04688", "4688.0" or " 4688".
 */
function numberTester(values: readonly NumberValue[]): (v: Json | undefined) => boolean {
  const nums = new Set(values.map((n) => n.value));
  const texts = new Set(values.map(canonicalNumber));
  const one = (v: Json | undefined): boolean => {
    if (typeof v === 'number') return nums.has(v);
    if (typeof v === 'string') return texts.has(v);
    if (Array.isArray(v)) return v.some(one);
    return false;
  };
  return one;
}

function isNull(v: Json | undefined): boolean {
  if (v === undefined || v === null) return true;
  return Array.isArray(v) && v.every(isNull);
}

function fieldrefTest(op: StringOp, a: string, b: string): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'contains':
      return a.includes(b);
    case 'startswith':
      return a.startsWith(b);
    case 'endswith':
      return a.endsWith(b);
    default:
      return assertNever(op);
  }
}

/**
 * A rough cost of evaluating a node: a missing field or a set lookup is cheap, a long list of
 * substrings, a regex or a keyword (every value of the event) is not.
 */
function cost(node: Node): number {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.reduce((a, c) => a + cost(c), 0);
    case 'not':
      return cost(node.child);
    case 'string':
      return (node.field === null ? 100 : 1) * (node.op === 'eq' ? 2 : 1 + node.values.length);
    case 'regex':
      return node.field === null ? 1000 : 50;
    case 'number':
      return node.field === null ? 100 : 1;
    case 'fieldref':
    case 'time':
      return 20;
    case 'cidr':
      return 10;
    case 'boolean':
    case 'compare':
    case 'exists':
    case 'null':
      return 1;
    default:
      return assertNever(node);
  }
}

/**
 * The children's tests, cheapest first. `and` and `or` have no side effects, so the order does
 * not change the result, only how soon it is known. Explanations keep the rule's order.
 */
function byCost(children: readonly CompiledNode[]): Test[] {
  return children
    .map((c, i) => ({ c, i, k: cost(c.node) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c.test);
}

/** Compiles an IR tree. Problems go to `sink`; a node that cannot be compiled never matches. */
export function compileNode(node: Node, sink: DiagnosticSink, options: CompileOptions = {}): CompiledNode {
  const leaf = (test: Test): CompiledNode => ({ node, test, children: [] });
  const place = placeOf(node);
  const at = place ? { line: place.line, column: place.column } : undefined;
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = node.children.map((c) => compileNode(c, sink, options));
      const tests = byCost(children);
      // Cheapest child first; the first false (and) or true (or) decides.
      const test: Test =
        node.kind === 'and'
          ? (e) => {
              for (const t of tests) if (!t(e)) return false;
              return true;
            }
          : (e) => {
              for (const t of tests) if (t(e)) return true;
              return false;
            };
      return { node, children, test };
    }
    case 'not': {
      const child = compileNode(node.child, sink, options);
      const t = child.test;
      return { node, children: [child], test: (e) => !t(e) };
    }
    case 'string': {
      const missing = new Set<string>();
      const values = node.values.flatMap((v) => expandPlaceholders(v, options.placeholders, missing));
      for (const name of missing)
        sink.error(
          'unresolved-placeholder',
          `placeholder '%${name}%' has no value; its values never match`,
          at,
        );
      if (values.length === 0) return leaf(() => false);
      const { test: match, containsOnly } = stringTester(values, node.op, node.cased);
      const { field, cased } = node;
      // Keywords of substrings: one scan of all the event's values joined.
      if (field === null && containsOnly) return leaf((e) => match(e.keywordText(cased)));
      return leaf((e) => anyValue(e, field, (v) => anyText(v, cased ? match : (s) => match(e.fold(s)))));
    }
    case 'regex': {
      const r = translateRegex(node.pattern, node.flags);
      if (!r.ok) {
        sink.error(
          'invalid-regex',
          `regular expression '${node.pattern}' cannot be evaluated: ${r.reason}`,
          at,
        );
        return leaf(() => false);
      }
      const re = r.regexp;
      const field = node.field;
      return leaf((e) => anyValue(e, field, (v) => anyText(v, (s) => re.test(s))));
    }
    case 'cidr': {
      const nets = node.networks;
      const field = node.field;
      return leaf((e) =>
        anyText(e.get(field), (s) => {
          const a = parseAddress(s);
          return a !== undefined && nets.some((n) => inNetwork(a, n));
        }),
      );
    }
    case 'number': {
      const t = numberTester(node.values);
      const field = node.field;
      return leaf((e) => anyValue(e, field, t));
    }
    case 'boolean': {
      const want = node.value;
      const field = node.field;
      const one = (v: Json | undefined): boolean =>
        v === want ||
        (typeof v === 'string' && v.toLowerCase() === String(want)) ||
        (Array.isArray(v) && v.some(one));
      return leaf((e) => one(e.get(field)));
    }
    case 'compare': {
      const { op, field } = node;
      const x = node.value.value;
      const cmp = (n: number): boolean =>
        op === 'lt' ? n < x : op === 'lte' ? n <= x : op === 'gt' ? n > x : n >= x;
      const one = (v: Json | undefined): boolean => {
        if (Array.isArray(v)) return v.some(one);
        const n = numberOf(v);
        return n !== undefined && cmp(n);
      };
      return leaf((e) => one(e.get(field)));
    }
    case 'exists': {
      const { field, exists } = node;
      return leaf((e) => !isNull(e.get(field)) === exists);
    }
    case 'null': {
      const field = node.field;
      return leaf((e) => isNull(e.get(field)));
    }
    case 'fieldref': {
      const { field, other, op, cased } = node;
      return leaf((e) => {
        const norm = (s: string) => (cased ? s : e.fold(s));
        return anyText(e.get(field), (a) => anyText(e.get(other), (b) => fieldrefTest(op, norm(a), norm(b))));
      });
    }
    case 'time': {
      const { field, unit } = node;
      const want = new Set(node.values.map((n) => n.value));
      const one = (v: Json | undefined): boolean => {
        if (Array.isArray(v)) return v.some(one);
        const d = timestampOf(v);
        return d !== undefined && want.has(timePart(d, unit));
      };
      return leaf((e) => one(e.get(field)));
    }
    default:
      return assertNever(node);
  }
}

/** Compiles a rule's IR once; the result is a predicate over events (raw JSON objects or prepared). */
export function compileRule(ir: Node, options: CompileOptions = {}): CompiledRule {
  const sink = new DiagnosticSink(options.file);
  // The build refuses deeper rules; an IR made by other means gets the same limit, not a crash.
  const tooDeep = deeperThan(ir);
  if (tooDeep) sink.error('too-deep', `${TOO_DEEP}; it never matches`);
  const root: CompiledNode = tooDeep
    ? { node: ir, test: () => false, children: [] }
    : compileNode(ir, sink, options);
  const test = root.test;
  const fn = ((event: EventInput) => test(prepareEvent(event))) as CompiledRule;
  Object.defineProperties(fn, {
    root: { value: root },
    diagnostics: { value: sink.list },
    exact: { value: !sink.hasErrors },
  });
  return fn;
}
