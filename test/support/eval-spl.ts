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

function evalCompare(ts: Tokens): Expr {
  const left = evalPrimary(ts);
  const op = ts.peek();
  if (op?.type !== 'op' || op.value === ',') return left;
  ts.next();
  const right = evalPrimary(ts);
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
