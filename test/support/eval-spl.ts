/**
 * A small SPL interpreter for tests: does a query emitted by the Splunk backend keep an event?
 * It reads the token stream of test/support/spl.ts and evaluates, on one flat event (field ->
 * string | number | boolean | null; an absent key is a missing field):
 *
 * - the base search (Search Manual, "Boolean expressions with logical operators": NOT, then OR,
 *   then AND, in that order of binding; a space is an implicit AND; "The operators must be
 *   capitalized"): `field=value` (case-insensitive whole-value match, `*` the only wildcard:
 *   Search Manual "Wildcards"), `field!=value`, `field<n` ..., `field IN (v, ...)`, `*`, bare
 *   terms against `_raw` (segmented, see `bareTerm`). A value in CIDR notation is a subnet test
 *   (Search Reference "search": "supports IPv4 and IPv6 addresses and subnets that use CIDR
 *   notation"). A missing field: `field=*` and `field=x` are false, `NOT field=x` is true,
 *   `field!=x` is false (Search Manual "Difference between != and NOT": "Events that do not have
 *   a value in the field are not included in the results" for `!=`; NOT "includes events that do
 *   not have a value in the field").
 * - `| where <eval expression>` (Search Reference "where", "Evaluation functions"): AND binds
 *   before OR; three-valued logic (a function of a missing field is null; where keeps only
 *   true); `match` (PCRE, unanchored, through the evaluator's PCRE-to-JavaScript translation),
 *   `like` (`%`, `_`), `cidrmatch`, `isnull`, `isnotnull`, `lower`, `len`, `substr`, `replace`,
 *   `true()`, `false()`, `==`/`=`, `!=`, `<`, `<=`, `>`, `>=`, string literals in double quotes,
 *   field names bare or in single quotes, numbers.
 * - `| table` and `| search` (the same language as the base search).
 *
 * Anything else (macros, subsearches, TERM(), CASE(), other commands or functions) throws an
 * Error naming the construct: it never silently answers false.
 */
import { parseCidr } from '../../src/ir/cidr.js';
import { parseAddress } from '../../src/evaluate/compile.js';
import { translateRegex } from '../../src/evaluate/index.js';
import { tokenizeSpl, type SplToken } from './spl.js';

type Event = Record<string, unknown>;
type Value = string | number | boolean | null;

/** The text of an event value as Splunk holds it (booleans as `true`/`false`); null when missing. */
function fieldText(event: Event, name: string): string | null {
  if (!Object.hasOwn(event, name)) return null;
  const v = event[name];
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`eval-spl: field ${name} holds a ${typeof v}, not a scalar`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A search-command value: `*` wildcards, case-insensitive, whole value. */
function wildcardTest(pattern: string): (text: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('[\\s\\S]*')}$`, 'iu');
  return (t) => re.test(t);
}

function inNetwork(text: string, cidr: string): boolean {
  const n = parseCidr(cidr);
  if (!n.ok) throw new Error(`eval-spl: bad CIDR ${cidr}`);
  const a = parseAddress(text.trim());
  if (!a || a.version !== n.network.version) return false;
  let bits = n.network.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a.bytes[i] & mask) !== n.network.bytes[i]) return false;
  }
  return true;
}

const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\/\d{1,3}$/;

/** Does the search term `field=value` hold for this field text? */
function valueMatches(text: string, value: string): boolean {
  if (CIDR.test(value) && parseCidr(value).ok) return inNetwork(text, value);
  return wildcardTest(value)(text);
}

function asNumber(s: string): number | null {
  if (!/^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function compare(a: string | number, b: string | number, op: string): boolean {
  const x = typeof a === 'number' ? a : asNumber(a);
  const y = typeof b === 'number' ? b : asNumber(b);
  const [l, r] = x !== null && y !== null ? [x, y] : [String(a), String(b)];
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    default:
      throw new Error(`eval-spl: comparison ${op}`);
  }
}

/** Major breakers of Splunk's default segmentation (segmenters.conf), simplified. */
const MAJOR = /[\s[\]<>(){}|!;,'"*&?+]+/u;
const MINOR = /[/:=@.\-$#%\\_]+/u;

/**
 * A bare term against `_raw`: it matches when some major segment of the raw text, or (for a
 * term without minor breakers) some minor segment, matches it (case-insensitive, `*` wildcard).
 * Search Manual "Event segmentation and searching". An event without `_raw` cannot be judged.
 */
function bareTerm(event: Event, term: string): boolean {
  if (term === '*') return true;
  const raw = fieldText(event, '_raw');
  if (raw === null) throw new Error(`eval-spl: bare term ${JSON.stringify(term)} needs the event's _raw`);
  const test = wildcardTest(term);
  const majors = raw.split(MAJOR).filter(Boolean);
  if (majors.some(test)) return true;
  if (MINOR.test(term)) return false;
  return majors.some((m) => m.split(MINOR).filter(Boolean).some(test));
}

class Tokens {
  private i = 0;
  constructor(private readonly t: readonly SplToken[]) {}
  peek(k = 0): SplToken | undefined {
    return this.t[this.i + k];
  }
  next(): SplToken {
    const t = this.t[this.i++];
    if (!t) throw new Error('eval-spl: unexpected end of query');
    return t;
  }
  done(): boolean {
    return this.i >= this.t.length;
  }
  isWord(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.type === 'word' && t.value === v;
  }
  expect(type: SplToken['type']): SplToken {
    const t = this.next();
    if (t.type !== type) throw new Error(`eval-spl: expected ${type}, found ${describe(t)}`);
    return t;
  }
}

function describe(t: SplToken | undefined): string {
  if (!t) return 'the end';
  return 'value' in t ? `${t.type} ${JSON.stringify(t.value)}` : t.type;
}

// ---------------------------------------------------------------------------------------------
// The search command

type Pred = (e: Event) => boolean;

const COMPARE_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function searchValue(ts: Tokens): string {
  const t = ts.next();
  if (t.type === 'string') return t.value;
  if (t.type === 'word') {
    if (/^(?:TERM|CASE)$/i.test(t.value) && ts.peek()?.type === 'lparen')
      throw new Error(`eval-spl: ${t.value}() is not supported`);
    return t.value;
  }
  throw new Error(`eval-spl: a search value cannot be ${describe(t)}`);
}

/** AND of OR groups (search binds OR before AND). */
function searchAnd(ts: Tokens, stop: (t: SplToken | undefined) => boolean): Pred {
  const parts: Pred[] = [];
  while (!stop(ts.peek())) {
    if (ts.isWord('AND')) {
      ts.next();
      continue;
    }
    parts.push(searchOr(ts));
  }
  if (parts.length === 0) throw new Error('eval-spl: empty search expression');
  return (e) => parts.every((p) => p(e));
}

function searchOr(ts: Tokens): Pred {
  const parts = [searchNot(ts)];
  while (ts.isWord('OR')) {
    ts.next();
    parts.push(searchNot(ts));
  }
  return parts.length === 1 ? parts[0] : (e) => parts.some((p) => p(e));
}

function searchNot(ts: Tokens): Pred {
  if (ts.isWord('NOT')) {
    ts.next();
    const p = searchNot(ts);
    return (e) => !p(e);
  }
  return searchPrimary(ts);
}

function searchPrimary(ts: Tokens): Pred {
  const t = ts.peek();
  if (!t) throw new Error('eval-spl: unexpected end of search');
  if (t.type === 'lparen') {
    ts.next();
    const p = searchAnd(ts, (x) => x?.type === 'rparen' || x === undefined);
    ts.expect('rparen');
    return p;
  }
  if (t.type === 'macro') throw new Error(`eval-spl: macro \`${t.value}\` cannot be evaluated`);
  if (t.type === 'lbracket') throw new Error('eval-spl: subsearches are not supported');
  if (t.type === 'string') {
    ts.next();
    return (e) => bareTerm(e, t.value);
  }
  if (t.type !== 'word') throw new Error(`eval-spl: unexpected ${describe(t)} in search`);
  if (['AND', 'OR', 'NOT', 'IN', 'XOR'].includes(t.value))
    throw new Error(`eval-spl: operator ${t.value} out of place`);
  ts.next();
  const field = t.value;
  const op = ts.peek();
  if (op?.type === 'op' && COMPARE_OPS.has(op.value)) {
    ts.next();
    const value = searchValue(ts);
    return fieldTerm(field, op.value, value);
  }
  if (ts.isWord('IN')) {
    ts.next();
    ts.expect('lparen');
    const values: string[] = [];
    for (;;) {
      if (ts.peek()?.type === 'macro') throw new Error(`eval-spl: macro inside IN cannot be evaluated`);
      values.push(searchValue(ts));
      const sep = ts.next();
      if (sep.type === 'rparen') break;
      if (!(sep.type === 'op' && sep.value === ','))
        throw new Error(`eval-spl: expected , in IN, found ${describe(sep)}`);
    }
    return (e) => {
      const v = fieldText(e, field);
      return v !== null && values.some((x) => valueMatches(v, x));
    };
  }
  return (e) => bareTerm(e, field);
}

function fieldTerm(field: string, op: string, value: string): Pred {
  if (/^(?:earliest|latest)$/i.test(field))
    throw new Error(`eval-spl: ${field}= is a time modifier, not a field test`);
  return (e) => {
    const v = fieldText(e, field);
    if (v === null) return false; // `f=*`, `f=x`, `f!=x` all need a value
    switch (op) {
      case '=':
        return valueMatches(v, value);
      case '!=':
        return !valueMatches(v, value);
      default: {
        const n = asNumber(value);
        if (n === null) throw new Error(`eval-spl: ${field}${op}${value}: not a number`);
        return compare(v, n, op);
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// eval expressions (| where)

type Expr = (e: Event) => Value;

function truth(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  throw new Error(`eval-spl: ${JSON.stringify(v)} used as a boolean`);
}

function evalOr(ts: Tokens): Expr {
  const parts = [evalAnd(ts)];
  while (ts.isWord('OR')) {
    ts.next();
    parts.push(evalAnd(ts));
  }
  if (parts.length === 1) return parts[0];
  return (e) => {
    let unknown = false;
    for (const p of parts) {
      const t = truth(p(e));
      if (t === true) return true;
      if (t === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

function evalAnd(ts: Tokens): Expr {
  const parts = [evalNot(ts)];
  while (ts.isWord('AND')) {
    ts.next();
    parts.push(evalNot(ts));
  }
  if (parts.length === 1) return parts[0];
  return (e) => {
    let unknown = false;
    for (const p of parts) {
      const t = truth(p(e));
      if (t === false) return false;
      if (t === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

function evalNot(ts: Tokens): Expr {
  if (ts.isWord('NOT')) {
    ts.next();
    const p = evalNot(ts);
    return (e) => {
      const t = truth(p(e));
      return t === null ? null : !t;
    };
  }
  return evalCompare(ts);
}

/** `a - b`, `a + b` on numbers (Search Reference "eval", arithmetic operators); written with spaces. */
function evalAdditive(ts: Tokens): Expr {
  let left = evalPrimary(ts);
  while (ts.isWord('-') || ts.isWord('+')) {
    const op = (ts.next() as { value: string }).value;
    const l = left;
    const r = evalPrimary(ts);
    left = (e) => {
      const a = l(e);
      const b = r(e);
      if (a === null || b === null) return null;
      const x = typeof a === 'number' ? a : asNumber(String(a));
      const y = typeof b === 'number' ? b : asNumber(String(b));
      if (x === null || y === null) throw new Error(`eval-spl: ${op} on text is not modelled`);
      return op === '-' ? x - y : x + y;
    };
  }
  return left;
}

function evalCompare(ts: Tokens): Expr {
  const left = evalAdditive(ts);
  const op = ts.peek();
  if (op?.type !== 'op' || op.value === ',') return left;
  ts.next();
  const right = evalAdditive(ts);
  return (e) => {
    const a = left(e);
    const b = right(e);
    if (a === null || b === null) return null;
    if (typeof a === 'boolean' || typeof b === 'boolean') throw new Error('eval-spl: comparing booleans');
    switch (op.value) {
      case '=':
      case '==':
      case '!=': {
        const x = typeof a === 'number' ? a : asNumber(a);
        const y = typeof b === 'number' ? b : asNumber(b);
        const eq = x !== null && y !== null ? x === y : String(a) === String(b);
        return op.value === '!=' ? !eq : eq;
      }
      default:
        return compare(a, b, op.value);
    }
  };
}

function text(v: Value, what: string): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') throw new Error(`eval-spl: ${what} of a boolean`);
  return String(v);
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  match([s, re]) {
    const t = text(s, 'match');
    if (t === null) return null;
    const r = translateRegex(String(re), { i: false, m: false, s: false });
    if (!r.ok) throw new Error(`eval-spl: regex ${String(re)}: ${r.reason}`);
    return r.regexp.test(t);
  },
  like([s, pat]) {
    const t = text(s, 'like');
    if (t === null) return null;
    const re = String(pat)
      .split('')
      .map((c) => (c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : escapeRe(c)))
      .join('');
    return new RegExp(`^${re}$`, 'u').test(t);
  },
  cidrmatch([cidr, ip]) {
    const t = text(ip, 'cidrmatch');
    if (t === null) return null;
    return inNetwork(t, String(cidr));
  },
  isnull: ([v]) => v === null,
  isnotnull: ([v]) => v !== null,
  lower([v]) {
    const t = text(v, 'lower');
    return t === null ? null : t.toLowerCase();
  },
  len([v]) {
    const t = text(v, 'len');
    return t === null ? null : [...t].length;
  },
  substr([v, start, length]) {
    const t = text(v, 'substr');
    if (t === null || start === null || length === null) return null;
    const cps = [...t];
    const from = Number(start) >= 1 ? Number(start) - 1 : Math.max(0, cps.length + Number(start));
    return cps.slice(from, length === undefined ? undefined : from + Number(length)).join('');
  },
  replace([v, re, rep]) {
    const t = text(v, 'replace');
    if (t === null) return null;
    const r = translateRegex(String(re), { i: false, m: false, s: false });
    if (!r.ok) throw new Error(`eval-spl: regex ${String(re)}: ${r.reason}`);
    // PCRE replacement: `\N` is group N, `\\` a backslash.
    const js = String(rep).replace(/\\(\d)|\\\\|\$/g, (m, d: string | undefined) =>
      d !== undefined ? `$${d}` : m === '$' ? '$$' : '\\',
    );
    return t.replace(new RegExp(r.regexp.source, r.regexp.flags + 'g'), js);
  },
  true: () => true,
  false: () => false,
  // Search Reference "Comparison and Conditional functions": if(<predicate>,<true>,<false>),
  // case(<predicate>,<value>,...) (the first true predicate; none: null), null().
  if([c, a, b]) {
    return truth(c) === true ? a : b;
  },
  case(args) {
    if (args.length % 2 !== 0) throw new Error('eval-spl: case() takes pairs');
    for (let i = 0; i < args.length; i += 2) if (truth(args[i]) === true) return args[i + 1];
    return null;
  },
  null: () => null,
  // nullif(X, Y): null when X equals Y, else X (Search Reference, Comparison and Conditional functions).
  nullif: ([a, b]) => (a !== null && b !== null && String(a) === String(b) ? null : a),
};

function evalPrimary(ts: Tokens): Expr {
  const t = ts.next();
  switch (t.type) {
    case 'lparen': {
      const e = evalOr(ts);
      ts.expect('rparen');
      return e;
    }
    case 'string': {
      const v = t.value;
      if (/\\[^\\"|]/.test(t.raw.slice(1, -1).replace(/\\[\\"|]/g, '')))
        throw new Error(`eval-spl: string ${t.raw} holds an escape the lexer keeps as written`);
      return () => v;
    }
    case 'quotedField': {
      const name = t.value;
      return (e) => fieldText(e, name);
    }
    case 'word': {
      if (ts.peek()?.type === 'lparen') {
        const fn = FUNCTIONS[t.value];
        if (!fn || !Object.hasOwn(FUNCTIONS, t.value))
          throw new Error(`eval-spl: eval function ${t.value}() is not supported`);
        ts.next();
        const args: Expr[] = [];
        if (ts.peek()?.type !== 'rparen')
          for (;;) {
            args.push(evalOr(ts));
            const sep = ts.next();
            if (sep.type === 'rparen') break;
            if (!(sep.type === 'op' && sep.value === ','))
              throw new Error(`eval-spl: expected , found ${describe(sep)}`);
          }
        else ts.next();
        return (e) => fn(args.map((a) => a(e)));
      }
      const n = asNumber(t.value);
      if (n !== null && /^[-+]?[\d.]/.test(t.value)) return () => n;
      if (['AND', 'OR', 'NOT', 'XOR', 'LIKE', 'IN'].includes(t.value.toUpperCase()))
        throw new Error(`eval-spl: operator ${t.value} out of place`);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.value))
        throw new Error(`eval-spl: ${t.value} is not a bare field name in eval`);
      const name = t.value;
      return (e) => fieldText(e, name);
    }
    default:
      throw new Error(`eval-spl: unexpected ${describe(t)} in eval expression`);
  }
}

// ---------------------------------------------------------------------------------------------

/** Splits the tokens at top-level pipes. */
function commands(tokens: readonly SplToken[]): SplToken[][] {
  const out: SplToken[][] = [[]];
  for (const t of tokens) {
    if (t.type === 'comment') continue;
    if (t.type === 'lbracket') throw new Error('eval-spl: subsearches are not supported');
    if (t.type === 'pipe') out.push([]);
    else out[out.length - 1].push(t);
  }
  return out;
}

/** True when the SPL query keeps the event (see the file comment for what is understood). */
export function evalSpl(query: string, event: Record<string, unknown>): boolean {
  const [base, ...rest] = commands(tokenizeSpl(query));
  const stages: Pred[] = [];
  const search = (toks: SplToken[]): Pred => {
    const ts = new Tokens(toks);
    const p = searchAnd(ts, (t) => t === undefined);
    return p;
  };
  if (base.length === 0 && rest[0]?.[0]?.type === 'word' && rest[0][0].value === 'tstats')
    return evalTstats(rest, event);
  if (base.length === 0) throw new Error('eval-spl: a query that does not start with a search');
  stages.push(search(base));
  for (const cmd of rest) {
    const name = cmd[0];
    if (name?.type !== 'word') throw new Error(`eval-spl: a pipe not followed by a command`);
    const body = cmd.slice(1);
    if (name.value === 'where') {
      const ts = new Tokens(body);
      const e = evalOr(ts);
      if (!ts.done()) throw new Error(`eval-spl: trailing ${describe(ts.peek())} after where expression`);
      stages.push((ev) => truth(e(ev)) === true);
    } else if (name.value === 'search') stages.push(search(body));
    else if (name.value === 'table') continue;
    else throw new Error(`eval-spl: command ${name.value} is not supported`);
  }
  return stages.every((s) => s(event));
}

// ---------------------------------------------------------------------------------------------
// Searches over several events (correlation searches): a result set flows through the commands.

type Row = Record<string, unknown>;

/** Splits tokens at top-level pipes (brackets nest). */
function topCommands(tokens: readonly SplToken[]): SplToken[][] {
  const out: SplToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === 'comment') continue;
    if (t.type === 'lbracket') depth++;
    if (t.type === 'rbracket') depth--;
    if (depth < 0) throw new Error('eval-spl: unbalanced ]');
    if (t.type === 'pipe' && depth === 0) out.push([]);
    else out[out.length - 1].push(t);
  }
  if (depth !== 0) throw new Error('eval-spl: unbalanced [');
  return out;
}

/** A row's value as eval reads it. */
function rowValue(row: Row, name: string): Value {
  return fieldText(row, name);
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return asNumber(v);
  return null;
}

/** `eval a=<expr>, b=<expr>`: each assignment in turn (a null value removes the field). */
function evalCommand(body: SplToken[]): (row: Row) => Row {
  const ts = new Tokens(body);
  const assigns: Array<[string, Expr]> = [];
  for (;;) {
    const name = ts.next();
    if (name.type !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.value))
      throw new Error(`eval-spl: eval target ${describe(name)} is not modelled`);
    const eq = ts.next();
    if (!(eq.type === 'op' && eq.value === '='))
      throw new Error(`eval-spl: eval expects =, found ${describe(eq)}`);
    assigns.push([name.value, evalOr(ts)]);
    if (ts.done()) break;
    const sep = ts.next();
    if (!(sep.type === 'op' && sep.value === ','))
      throw new Error(`eval-spl: eval expects , found ${describe(sep)}`);
  }
  return (row) => {
    const out = { ...row };
    for (const [name, e] of assigns) {
      const v = e(out);
      if (v === null) delete out[name];
      else out[name] = v;
    }
    return out;
  };
}

interface Agg {
  readonly fn: 'count' | 'dc' | 'sum' | 'avg' | 'max';
  readonly field?: string;
  readonly as: string;
}

function aggregate(a: Agg, rows: readonly Row[]): Value {
  if (a.fn === 'count') return rows.length;
  const vals = rows.map((r) => rowValue(r, a.field!)).filter((v): v is string => v !== null);
  if (a.fn === 'dc') return new Set(vals).size;
  // Numeric functions use the values that are numbers (Search Reference "Statistical and charting functions").
  const nums = vals.map((v) => asNumber(v)).filter((n): n is number => n !== null);
  if (nums.length === 0) return null;
  if (a.fn === 'max') return Math.max(...nums);
  const sum = nums.reduce((x, y) => x + y, 0);
  return a.fn === 'sum' ? sum : sum / nums.length;
}

/**
 * `streamstats [time_window=<N>s] [current=t|f] <agg> [as <name>] ... [by <fields>]`: for each
 * row, the aggregate of the earlier rows of its group (and itself unless current=f) whose _time is
 * at least its _time - N (Search Reference "streamstats"; the window needs ascending _time here,
 * which the correlation searches make with `sort 0 _time`). A by-field missing from a row is not
 * modelled (the searches drop such rows first).
 */
function streamstats(body: SplToken[], rows: Row[]): Row[] {
  const ts = new Tokens(body);
  let window: number | undefined;
  let current = true;
  const aggs: Agg[] = [];
  const by: string[] = [];
  while (!ts.done()) {
    const t = ts.next();
    if (t.type !== 'word') throw new Error(`eval-spl: streamstats: unexpected ${describe(t)}`);
    if (ts.peek()?.type === 'op' && (ts.peek() as { value: string }).value === '=') {
      ts.next();
      const v = ts.next();
      if (v.type !== 'word') throw new Error(`eval-spl: streamstats ${t.value}= ${describe(v)}`);
      if (t.value === 'time_window') {
        const m = /^(\d+)s$/.exec(v.value);
        if (!m) throw new Error(`eval-spl: time_window=${v.value} is not modelled (only <N>s)`);
        window = Number(m[1]);
      } else if (t.value === 'current') {
        if (!['t', 'f', 'true', 'false'].includes(v.value)) throw new Error(`eval-spl: current=${v.value}`);
        current = v.value.startsWith('t');
      } else throw new Error(`eval-spl: streamstats option ${t.value} is not modelled`);
      continue;
    }
    if (t.value === 'by') {
      while (!ts.done()) {
        const f = ts.next();
        if (f.type !== 'word') throw new Error(`eval-spl: streamstats by ${describe(f)}`);
        by.push(f.value);
      }
      break;
    }
    if (!['count', 'dc', 'sum', 'avg', 'max'].includes(t.value))
      throw new Error(`eval-spl: streamstats function ${t.value} is not modelled`);
    let field: string | undefined;
    if (ts.peek()?.type === 'lparen') {
      ts.next();
      const f = ts.next();
      if (f.type !== 'word' && f.type !== 'quotedField')
        throw new Error(`eval-spl: ${t.value}(${describe(f)})`);
      field = f.value;
      ts.expect('rparen');
    } else if (t.value !== 'count') throw new Error(`eval-spl: ${t.value} needs a field`);
    let as = field === undefined ? t.value : `${t.value}(${field})`;
    if (ts.isWord('as') || ts.isWord('AS')) {
      ts.next();
      const n = ts.next();
      if (n.type !== 'word') throw new Error(`eval-spl: as ${describe(n)}`);
      as = n.value;
    }
    aggs.push({ fn: t.value as Agg['fn'], field, as });
  }
  if (aggs.length === 0) throw new Error('eval-spl: streamstats without a function');
  const groups = new Map<string, Row[]>();
  let last = -Infinity;
  return rows.map((row) => {
    const key = by.map((f) => {
      const v = rowValue(row, f);
      if (v === null) throw new Error(`eval-spl: streamstats by ${f} on a row without it is not modelled`);
      return v;
    });
    const time = num(row._time);
    if (window !== undefined) {
      if (time === null) throw new Error('eval-spl: time_window on a row without a numeric _time');
      if (time < last) throw new Error('eval-spl: time_window over rows not in ascending _time');
      last = time;
    }
    const k = JSON.stringify(key);
    const seen = groups.get(k) ?? [];
    groups.set(k, seen);
    const inWindow = (r: Row) => window === undefined || num(r._time)! >= time! - window;
    const win = [...seen.filter(inWindow), ...(current ? [row] : [])];
    const out = { ...row };
    for (const a of aggs) {
      const v = aggregate(a, win);
      if (v === null) delete out[a.as];
      else out[a.as] = v;
    }
    seen.push(row);
    return out;
  });
}

/** Applies one command (after the first) to a result set. */
function applyCommand(cmd: SplToken[], rows: Row[]): Row[] {
  const name = cmd[0];
  if (name?.type !== 'word') throw new Error('eval-spl: a pipe not followed by a command');
  const body = cmd.slice(1);
  switch (name.value) {
    case 'where': {
      const ts = new Tokens(body);
      const e = evalOr(ts);
      if (!ts.done()) throw new Error(`eval-spl: trailing ${describe(ts.peek())} after where expression`);
      return rows.filter((r) => truth(e(r)) === true);
    }
    case 'search': {
      const p = searchAnd(new Tokens(body), (t) => t === undefined);
      return rows.filter((r) => p(r));
    }
    case 'eval':
      return rows.map(evalCommand(body));
    case 'sort': {
      // Only `sort 0 _time` (ascending, every result); a stable sort.
      if (!(
        body.length === 2 &&
        body[0].type === 'word' &&
        body[0].value === '0' &&
        body[1].type === 'word' &&
        body[1].value === '_time'
      ))
        throw new Error('eval-spl: only `sort 0 _time` is modelled');
      return rows
        .map((r, i) => ({ r, i, t: num(r._time) }))
        .map((x) => {
          if (x.t === null) throw new Error('eval-spl: sort on a row without a numeric _time');
          return x;
        })
        .sort((a, b) => a.t! - b.t! || a.i - b.i)
        .map((x) => x.r);
    }
    case 'streamstats':
      return streamstats(body, rows);
    case 'table':
      return rows;
    default:
      throw new Error(`eval-spl: command ${name.value} is not modelled over several events`);
  }
}

/** Rows of a subsearch `[search <base> | <commands>]` over the events. */
function subsearch(tokens: SplToken[], events: readonly Row[]): Row[][] {
  const [first, ...rest] = topCommands(tokens);
  if (!(first[0]?.type === 'word' && first[0].value === 'search'))
    throw new Error('eval-spl: a subsearch that does not start with search');
  const p = searchAnd(new Tokens(first.slice(1)), (t) => t === undefined);
  // Per event (so that multisearch can keep input order): [] or [the row].
  return events.map((e) => {
    let rows: Row[] = p(e) ? [{ ...e }] : [];
    for (const cmd of rest) rows = applyCommand(cmd, rows);
    return rows;
  });
}

/**
 * The results of an SPL search over several events (in the order given): a base search, or
 * `| multisearch [search ...] ...` (each event once per subsearch that keeps it, in event order,
 * then subsearch order), followed by where, search, eval, sort 0 _time, streamstats, table.
 * Throws on anything else.
 */
export function evalSplSearch(query: string, events: readonly Record<string, unknown>[]): Row[] {
  const cmds = topCommands(tokenizeSpl(query));
  let rows: Row[];
  let rest: SplToken[][];
  if (cmds[0].length === 0) {
    const ms = cmds[1] ?? [];
    if (!(ms[0]?.type === 'word' && ms[0].value === 'multisearch'))
      throw new Error('eval-spl: a leading pipe that is not multisearch');
    const subs: SplToken[][] = [];
    let depth = 0;
    let cur: SplToken[] = [];
    for (const t of ms.slice(1)) {
      if (t.type === 'lbracket' && depth++ === 0) {
        cur = [];
        continue;
      }
      if (t.type === 'rbracket' && --depth === 0) {
        subs.push(cur);
        continue;
      }
      if (depth === 0) throw new Error(`eval-spl: multisearch: ${describe(t)} outside a subsearch`);
      cur.push(t);
    }
    if (subs.length < 2) throw new Error('eval-spl: multisearch needs two subsearches');
    const per = subs.map((s) => subsearch(s, events));
    rows = events.flatMap((_, i) => per.flatMap((p) => p[i]));
    rest = cmds.slice(2);
  } else {
    const [base, ...others] = cmds;
    rows = subsearch([{ type: 'word', value: 'search' }, ...base], events).flat();
    rest = others;
  }
  for (const cmd of rest) rows = applyCommand(cmd, rows);
  return rows;
}

/** A token's text (none for pipes and brackets). */
function val(t: SplToken | undefined): string {
  return t && 'value' in t && t.value !== null && t.value !== undefined ? String(t.value) : '';
}

// --- tstats over a data model (the data-model format, backends/splunk/data-model.ts) ------------

/**
 * `| tstats [summariesonly=..] [allow_old_summaries=..] [fillnull_value=".."] count
 * [min(_time) as a] [max(_time) as b] from datamodel=<m>.<d> [where <search>] by <fields>`, then
 * `rename <p>.* as *`, `eval f=<expr>, ...`, `where`, `search`, `table`. The event is one row of
 * the data model under tstats' field names (`Processes.process_name`): the `where` search runs on
 * it (search semantics: Search Reference, tstats, `WHERE <search-query>`); the row is kept when it
 * matches, and becomes a group of its `by` fields. A `by` field the row lacks drops the row unless
 * `fillnull_value` is given, which fills it (Search Reference, tstats, fillnull_value). The later
 * commands see only the grouped fields (and the aggregates). Anything else throws.
 */
function evalTstats(cmds: SplToken[][], event: Record<string, unknown>): boolean {
  const [head, ...rest] = cmds;
  const ts = new Tokens(head.slice(1));
  let fill: string | null = null;
  const word = (v: string) => ts.peek()?.type === 'word' && val(ts.peek()) === v;
  for (;;) {
    const t = ts.peek();
    if (t?.type !== 'word' || ts.peek(1)?.type !== 'op' || val(ts.peek(1)) !== '=') break;
    if (val(t) === 'from') break;
    ts.next();
    ts.next();
    const v = ts.next();
    if (val(t) === 'fillnull_value') fill = val(v);
    else if (val(t) === 'summariesonly' || val(t) === 'allow_old_summaries') {
      if (!['true', 'false', 't', 'f'].includes(val(v)))
        throw new Error(`eval-spl: tstats ${val(t)}=${val(v)}`);
    } else throw new Error(`eval-spl: tstats option ${val(t)} is not supported`);
  }
  const aggregates: string[] = [];
  if (!word('count')) throw new Error(`eval-spl: tstats needs count first, found ${describe(ts.peek())}`);
  ts.next();
  aggregates.push('count');
  while (word('min') || word('max')) {
    ts.next();
    ts.expect('lparen');
    if (val(ts.next()) !== '_time') throw new Error('eval-spl: tstats min/max of a field other than _time');
    ts.expect('rparen');
    if (!word('as')) throw new Error('eval-spl: tstats min/max without as');
    ts.next();
    aggregates.push(val(ts.next()));
  }
  if (!word('from'))
    throw new Error(`eval-spl: tstats without from datamodel=, found ${describe(ts.peek())}`);
  ts.next();
  if (!word('datamodel')) throw new Error('eval-spl: tstats from something other than a data model');
  ts.next();
  ts.expect('op');
  const dm = ts.next();
  if (dm.type !== 'word' || !/^\w+\.\w+$/.test(val(dm)))
    throw new Error(`eval-spl: data model ${describe(dm)}`);
  let keep = true;
  if (word('where')) {
    ts.next();
    keep = searchAnd(ts, (t) => t === undefined || (t.type === 'word' && t.value === 'by'))(event);
  }
  const by: string[] = [];
  if (word('by')) {
    ts.next();
    while (!ts.done()) {
      const f = ts.next();
      if (f.type !== 'word') throw new Error(`eval-spl: tstats by ${describe(f)}`);
      by.push(val(f));
    }
  }
  if (!ts.done()) throw new Error(`eval-spl: trailing ${describe(ts.peek())} in tstats`);
  if (!keep) return false;
  let row: Record<string, unknown> = { count: 1 };
  for (const a of aggregates.slice(1)) row[a] = event._time ?? 0;
  for (const f of by) {
    const v = fieldText(event, f);
    if (v === null && fill === null) return false;
    row[f] = v ?? fill;
  }
  for (const cmd of rest) {
    const name = cmd[0];
    if (name?.type !== 'word') throw new Error('eval-spl: a pipe not followed by a command');
    const cmdName = val(name);
    const body = new Tokens(cmd.slice(1));
    if (cmdName === 'rename') {
      const from = val(body.next());
      if (!/^as$/i.test(val(body.next()))) throw new Error('eval-spl: rename without as');
      const to = val(body.next());
      if (!body.done() || !from.endsWith('.*') || to !== '*')
        throw new Error(`eval-spl: rename ${from} as ${to} is not supported (only <prefix>.* as *)`);
      const prefix = from.slice(0, -1);
      row = Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, v]),
      );
    } else if (cmdName === 'eval') {
      const next: Record<string, unknown> = { ...row };
      for (;;) {
        const f = body.next();
        if (f.type !== 'word' || !/^[A-Za-z_]\w*$/.test(val(f)))
          throw new Error(`eval-spl: eval target ${describe(f)}`);
        const eq = body.next();
        if (eq.type !== 'op' || val(eq) !== '=') throw new Error(`eval-spl: eval without =`);
        next[val(f)] = evalOr(body)(row);
        if (body.done()) break;
        const sep = body.next();
        if (sep.type !== 'op' || val(sep) !== ',')
          throw new Error(`eval-spl: expected , in eval, found ${describe(sep)}`);
      }
      row = next;
    } else if (cmdName === 'where') {
      const e = evalOr(body);
      if (!body.done()) throw new Error(`eval-spl: trailing ${describe(body.peek())} after where expression`);
      if (truth(e(row)) !== true) return false;
    } else if (cmdName === 'search') {
      if (!searchAnd(body, (t) => t === undefined)(row)) return false;
    } else if (cmdName !== 'table')
      throw new Error(`eval-spl: command ${cmdName} is not supported after tstats`);
  }
  return true;
}
