/**
 * A Kusto (KQL) interpreter for one row, for tests: parses the query with Microsoft's parser
 * (`@kusto/language-service-next`, loaded as in test/support/kusto.ts) and evaluates every
 * construct the Sentinel renderer emits against one row. Anything else throws an Error naming the
 * construct (never a silent false).
 *
 *   evalKusto('T | where A =~ "x"', { A: 'X' }, { A: 'string' })  // true
 *
 * Semantics (Microsoft Learn, "Kusto Query Language" reference pages):
 * - `where` keeps a row only when the predicate is true; null is dropped ("where operator").
 * - Null: `==` with one null operand is false, `!=` true; ordering comparisons, `in`, functions
 *   of null are null; `not(null)` is null; `and`/`or` are three-valued ("Null values").
 * - A string is never null: a string column absent from the row reads as "" ("The string data
 *   type": "the string data type doesn't support null values"; isnull("") is false, isempty("") true).
 * - `==`/`!=`/`in`/`!in` case-sensitive; `=~`/`!~`/`in~`/`!in~` case-insensitive ("String operators").
 * - `contains`/`startswith`/`endswith` case-insensitive substring/prefix/suffix; `_cs` forms
 *   case-sensitive; `has` matches a whole term (maximal runs of alphanumeric characters).
 * - `matches regex`: RE2, case-sensitive, unanchored (a partial match is enough) ("matches regex operator").
 * - `ipv4_is_in_range`/`ipv4_is_in_any_range`/`ipv6_is_in_range`/`ipv6_is_in_any_range`: null
 *   when the address or range does not parse.
 * - `tostring(null)` is ""; `toreal`/`tolong` of text that is not a number is null.
 * - `replace_regex(text, re, rewrite)`: RE2, every match; `\N` in the rewrite is group N, `\\` a backslash.
 * - Comparing a string with a number is an error in Kusto ("Cannot compare values of types
 *   string and long"): it throws here too.
 *
 * Tabular queries over several tables (`evalKustoTable`, for correlation queries): `let`,
 * `materialize()` (computed once), `union` of parenthesized subqueries (default kind outer;
 * https://learn.microsoft.com/kusto/query/union-operator), `where`, `extend`, `project`,
 * `sort by e asc|desc, ...` (nulls first in asc; stable here), `serialize` and `row_number()`
 * only on a serialized row set (sort's output, kept through where/extend/project; 1 for the
 * first row, https://learn.microsoft.com/kusto/query/row-number-function), `join kind=inner ... on cols`
 * (every pair of rows with equal keys; a right column whose name the left has gets the suffix
 * `1`; https://learn.microsoft.com/kusto/query/join-inner), `summarize` with `count()`,
 * `count_distinct()`, `sum()`, `avg()`, `min()`, `max()` (null values ignored) `by` columns (the
 * by columns come first; no row in, no row out; https://learn.microsoft.com/kusto/query/summarize-operator),
 * timespan literals in d/h/m/s, datetime +/- timespan, datetime - datetime, and `between (a .. b)`
 * (inclusive at both ends; https://learn.microsoft.com/kusto/query/between-operator).
 */
import { createRequire } from 'node:module';
import { RE2JS } from 're2js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type V =
  string | number | boolean | null | Date | Span | readonly unknown[] | { readonly [k: string]: unknown };

/** A Kusto timespan value (milliseconds). */
class Span {
  constructor(readonly ms: number) {}
}

let K: any = null;
let kindNames: Map<number, string> | null = null;

function kusto(): any {
  if (K) return K;
  const require = createRequire(import.meta.url);
  require('@kusto/language-service-next/bridge.min.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  K = (globalThis as any).Kusto.Language;
  kindNames = new Map();
  const SK = K.Syntax.SyntaxKind;
  for (const n of Object.keys(SK)) if (typeof SK[n] === 'number') kindNames.set(SK[n], n);
  return K;
}

const kind = (n: any): string => kindNames!.get(n.Kind) ?? String(n.Kind);

/** The non-token, non-list children of a node (lists flattened, separators dropped). */
function kids(n: any): any[] {
  const out: any[] = [];
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (!c || c.IsToken) continue;
    const k = kind(c);
    if (k === 'List' || k === 'SeparatedElement') out.push(...kids(c));
    else out.push(c);
  }
  return out;
}

function tokens(n: any): any[] {
  const out: any[] = [];
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (c?.IsToken && c.Text !== '') out.push(c);
  }
  return out;
}

class Row {
  constructor(
    readonly values: Map<string, V>,
    readonly types: Record<string, string>,
  ) {}
}

/** Reads a row: flattened `Col.key` entries of a dynamic column become one object. */
function rowOf(row: Record<string, unknown>, columns: Record<string, string> | undefined): Row {
  const values = new Map<string, V>();
  const types: Record<string, string> = { ...(columns ?? {}) };
  for (const [k, v] of Object.entries(row)) {
    const dot = k.indexOf('.');
    if (dot > 0 && !(k in types) && types[k.slice(0, dot)]?.toLowerCase() === 'dynamic') {
      const col = k.slice(0, dot);
      const obj = (values.get(col) as Record<string, unknown> | undefined) ?? {};
      setPath(obj, k.slice(dot + 1).split('.'), v);
      values.set(col, obj);
      continue;
    }
    let val = v as V;
    if (types[k]?.toLowerCase() === 'dynamic' && typeof v === 'string') {
      try {
        val = JSON.parse(v) as V;
      } catch {
        val = v;
      }
    }
    values.set(k, val);
  }
  return new Row(values, types);
}

function setPath(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let o = obj;
  for (const p of path.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[path[path.length - 1]] = v;
}

export function evalKusto(
  query: string,
  row: Record<string, unknown>,
  columns?: Record<string, string>,
): boolean {
  const r = rowOf(row, columns);
  return pipe(parsedQuery(query), r);
}

/** The last query parsed (the semantic checks evaluate one query on hundreds of rows). */
let lastParsed: { readonly query: string; readonly tree: any } | undefined;

/** The tabular expression of a one-statement query; throws on a syntax error. */
function parsedQuery(query: string): any {
  if (lastParsed?.query === query) return lastParsed.tree;
  const Kn = kusto();
  const code = Kn.KustoCode.Parse(query);
  const diags = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === 'Error') throw new Error(`Kusto syntax error: ${d.Message}`);
  }
  const stmts = kids(code.Syntax);
  if (stmts.length !== 1 || kind(stmts[0]) !== 'ExpressionStatement')
    throw new Error('evalKusto: expected one query statement');
  const tree = kids(stmts[0])[0];
  lastParsed = { query, tree };
  return tree;
}

/** Runs the tabular pipe on one row: true when the row comes out of the last operator. */
function pipe(n: any, r: Row): boolean {
  const k = kind(n);
  if (k === 'NameReference') return true; // the table
  if (k !== 'PipeExpression') throw new Error(`evalKusto: unsupported tabular expression ${k}`);
  const [src, op] = kids(n);
  if (!pipe(src, r)) return false;
  switch (kind(op)) {
    case 'FilterOperator': {
      const pred = kids(op).filter((c) => kind(c) !== 'List');
      return evaluate(pred[pred.length - 1], r) === true;
    }
    case 'ExtendOperator': {
      for (const e of kids(op)) {
        if (kind(e) !== 'SimpleNamedExpression') throw new Error(`evalKusto: extend of ${kind(e)}`);
        const [decl, expr] = kids(e);
        const name = nameOf(decl);
        const v = evaluate(expr, r);
        r.values.set(name, v);
        r.types[name] =
          typeof v === 'string' ? 'string' : v === null ? (r.types[name] ?? 'dynamic') : 'dynamic';
      }
      return true;
    }
    default:
      throw new Error(`evalKusto: unsupported query operator ${kind(op)}`);
  }
}

function nameOf(n: any): string {
  const k = kind(n);
  if (k === 'NameReference' || k === 'NameDeclaration') return nameOf(n.GetChild(0));
  if (k === 'TokenName') return String(n.GetChild(0).Text);
  if (k === 'BracketedName') {
    const lit = kids(n)[0];
    return String(stringLiteral(lit));
  }
  throw new Error(`evalKusto: unsupported name ${k}`);
}

function allTokens(n: any, out: any[] = []): any[] {
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (!c) continue;
    if (c.IsToken) out.push(c);
    else allTokens(c, out);
  }
  return out;
}

/** A string literal's value; adjacent literals are concatenated ("The string data type"). */
function stringLiteral(n: any): string {
  return allTokens(n)
    .filter((t) => kindNames!.get(t.Kind) === 'StringLiteralToken')
    .map((t) => String(t.Value ?? ''))
    .join('');
}

function column(name: string, r: Row): V {
  if (r.values.has(name)) {
    const v = r.values.get(name);
    return v === undefined ? null : v;
  }
  const t = r.types[name];
  if (t === undefined && Object.keys(r.types).length > 0 && !r.values.has(name))
    throw new Error(`evalKusto: '${name}' is not a column of the table`);
  // "The string data type": a string is never null; a missing string value reads as "".
  return t?.toLowerCase() === 'string' ? '' : null;
}

const isStr = (v: V): v is string => typeof v === 'string';
const isNum = (v: V): v is number => typeof v === 'number';

/** tostring(): "" for null, JSON for dynamic arrays/objects. */
function toStr(v: V): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().replace('Z', '0000Z');
  return JSON.stringify(v);
}

function numText(n: number): string {
  return Number.isInteger(n) ? String(n) : String(n);
}

function toNum(v: V, integral: boolean): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return integral ? Math.trunc(v) : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
    const n = Number(s);
    if (!Number.isFinite(n)) return null;
    return integral ? Math.trunc(n) : n;
  }
  return null;
}

/** A value as the string side of a string operator: strings, and dynamic scalars as text. */
function strSide(v: V, what: string): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'object') return toStr(v);
  throw new Error(`evalKusto: ${what} on a ${typeof v}`);
}

const lower = (s: string) => s.toLowerCase();

/** `has`: the needle occurs as whole terms (bounded by non-alphanumeric characters). */
function hasTerm(hay: string, needle: string, cs: boolean): boolean {
  const h = cs ? hay : lower(hay);
  const n = cs ? needle : lower(needle);
  if (n === '') return true;
  const alnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const before = alnum(h[i - 1]) && alnum(n[0]);
    const after = alnum(h[i + n.length]) && alnum(n[n.length - 1]);
    if (!before && !after) return true;
  }
  return false;
}

function equal(a: V, b: V, ci: boolean): boolean | null {
  if (a === null || b === null) return null;
  if ((isStr(a) && isNum(b)) || (isNum(a) && isStr(b)))
    throw new Error(
      `evalKusto: Cannot compare values of types string and number (${JSON.stringify(a)}, ${JSON.stringify(b)})`,
    );
  if (isStr(a) && isStr(b)) return ci ? lower(a) === lower(b) : a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    if (typeof a === typeof b) return a === b;
    if (isStr(a) || isStr(b)) {
      // dynamic/string vs bool: compared as text is not what Kusto does; refuse.
      throw new Error(`evalKusto: Cannot compare values of types string and bool`);
    }
    return toNum(a, false) === toNum(b, false);
  }
  if (isNum(a) && isNum(b)) return a === b;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}

function order(a: V, b: V): number | null {
  if (a === null || b === null) return null;
  if (a instanceof Span && b instanceof Span) return a.ms - b.ms;
  if (a instanceof Span || b instanceof Span) bad('comparison of a timespan with another type');
  if (isNum(a) && isNum(b)) return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (isStr(a) && isStr(b)) return a < b ? -1 : a > b ? 1 : 0;
  if ((isStr(a) && isNum(b)) || (isNum(a) && isStr(b)))
    throw new Error(`evalKusto: the ordering operator is not defined for string and number`);
  const x = toNum(a, false);
  const y = toNum(b, false);
  return x === null || y === null ? null : x - y;
}

const not = (v: V): V =>
  v === null ? null : v === true ? false : v === false ? true : bad('not() of a non-bool');
function bad(msg: string): never {
  throw new Error(`evalKusto: ${msg}`);
}

function regex(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(`evalKusto: invalid RE2 regex ${JSON.stringify(pattern)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function evaluate(n: any, r: Row): V {
  const k = kind(n);
  switch (k) {
    case 'ParenthesizedExpression':
      return evaluate(kids(n)[0], r);
    case 'NameReference':
      return column(nameOf(n), r);
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return stringLiteral(n);
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression': {
      const t = String(tokens(n)[0].Text);
      const v = Number(t.replace(/^(long|int|real)\((.*)\)$/, '$2'));
      if (!Number.isFinite(v)) bad(`number literal ${t}`);
      return v;
    }
    case 'BooleanLiteralExpression':
      return String(tokens(n)[0].Text).toLowerCase() === 'true';
    case 'NullLiteralExpression':
      return null;
    case 'DynamicExpression': {
      const inner = kids(n)[0];
      return evaluate(inner, r);
    }
    case 'UnaryMinusExpression': {
      const v = evaluate(kids(n)[0], r);
      return v === null ? null : isNum(v) ? -v : bad('unary minus of a non-number');
    }
    case 'PathExpression': {
      const [obj, member] = kids(n);
      return member_(evaluate(obj, r), nameOf(member));
    }
    case 'ElementExpression': {
      const [obj, br] = kids(n);
      const key = evaluate(kids(br)[0], r);
      return member_(evaluate(obj, r), key);
    }
    case 'AndExpression': {
      const [a, b] = kids(n);
      const x = evaluate(a, r);
      if (x === false) return false;
      const y = evaluate(b, r);
      if (y === false) return false;
      if (x === null || y === null) return null;
      return x === true && y === true ? true : bad('and of non-bool operands');
    }
    case 'OrExpression': {
      const [a, b] = kids(n);
      const x = evaluate(a, r);
      if (x === true) return true;
      const y = evaluate(b, r);
      if (y === true) return true;
      if (x === null || y === null) return null;
      return x === false && y === false ? false : bad('or of non-bool operands');
    }
    case 'FunctionCallExpression':
      return call(n, r);
    case 'TimespanLiteralExpression':
      return timespanLiteral(String(tokens(n)[0].Text));
    case 'BetweenExpression': {
      const [x, couple] = kids(n);
      const [lo, hi] = kids(couple);
      const v = evaluate(x, r);
      const a = order(v, evaluate(lo, r));
      const b = order(v, evaluate(hi, r));
      return a === null || b === null ? null : a >= 0 && b <= 0;
    }
    default:
      break;
  }
  const ch = kids(n);
  const toks = tokens(n);
  if (ch.length === 2 && toks.length === 1) return binary(String(toks[0].Text), ch[0], ch[1], r);
  throw new Error(`evalKusto: unsupported expression ${k}: ${String(n.ToString?.() ?? '')}`);
}

function member_(obj: V, key: V): V {
  if (obj === null || key === null) return null;
  if (Array.isArray(obj)) return isNum(key) ? ((obj[key] as V) ?? null) : null;
  if (typeof obj === 'object' && !(obj instanceof Date)) {
    const o = obj as Record<string, unknown>;
    return Object.prototype.hasOwnProperty.call(o, String(key)) ? ((o[String(key)] as V) ?? null) : null;
  }
  return null;
}

function listValues(n: any, r: Row): V[] {
  if (kind(n) !== 'ExpressionList') bad(`'in' over ${kind(n)} (only a literal list is evaluated)`);
  return kids(n).map((c) => evaluate(c, r));
}

function binary(op: string, a: any, b: any, r: Row): V {
  const lop = op.toLowerCase();
  if (/^!?in~?$/.test(lop)) {
    const x = evaluate(a, r);
    const list = listValues(b, r);
    const ci = lop.endsWith('~');
    if (x === null) return lop.startsWith('!') ? true : null;
    const hit = list.some((y) => equal(x, y, ci) === true);
    return lop.startsWith('!') ? !hit : hit;
  }
  const star = kind(a) === 'StarExpression';
  if (star) {
    // `* op x`: any column of the row ("where operator": `where * has "x"` searches every column).
    const values = [...r.values.values()];
    return values.some((v) => v !== null && binaryValues(lop, toStr(v), evaluate(b, r)) === true);
  }
  return binaryValues(lop, evaluate(a, r), evaluate(b, r));
}

function binaryValues(op: string, x: V, y: V): V {
  switch (op) {
    case '+':
    case '-':
      return arithmetic(op, x, y);
    case '==':
      return x === null || y === null ? false : equal(x, y, false);
    case '!=':
      return x === null || y === null ? true : !equal(x, y, false);
    case '=~':
      return x === null || y === null ? false : equal(x, y, true);
    case '!~':
      return x === null || y === null ? true : !equal(x, y, true);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = order(x, y);
      if (c === null) return null;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    default:
      break;
  }
  const neg = op.startsWith('!');
  const base = neg ? op.slice(1) : op;
  const s = strSide(x, op);
  const t = strSide(y, op);
  if (s === null || t === null) return neg ? true : false;
  let res: boolean;
  switch (base) {
    case 'contains':
      res = lower(s).includes(lower(t));
      break;
    case 'contains_cs':
      res = s.includes(t);
      break;
    case 'startswith':
      res = lower(s).startsWith(lower(t));
      break;
    case 'startswith_cs':
      res = s.startsWith(t);
      break;
    case 'endswith':
      res = lower(s).endsWith(lower(t));
      break;
    case 'endswith_cs':
      res = s.endsWith(t);
      break;
    case 'has':
      res = hasTerm(s, t, false);
      break;
    case 'has_cs':
      res = hasTerm(s, t, true);
      break;
    case 'matches regex':
      if (neg) bad('!matches regex');
      res = regex(t).matcher(s).find();
      break;
    default:
      throw new Error(`evalKusto: unsupported operator '${op}'`);
  }
  return neg ? !res : res;
}

function call(n: any, r: Row): V {
  const [fn, argList] = kids(n);
  const name = nameOf(fn).toLowerCase();
  const args = kids(argList);
  const ev = (i: number) => evaluate(args[i], r);
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) bad(`${name}() with ${args.length} arguments`);
  };
  switch (name) {
    case 'not':
      arity(1);
      return not(ev(0));
    case 'isempty': {
      arity(1);
      const v = ev(0);
      return v === null || v === '';
    }
    case 'isnotempty': {
      arity(1);
      const v = ev(0);
      return !(v === null || v === '');
    }
    case 'isnull':
      arity(1);
      return ev(0) === null;
    case 'isnotnull':
      arity(1);
      return ev(0) !== null;
    case 'tostring':
      arity(1);
      return toStr(ev(0));
    case 'tolower':
      arity(1);
      return lower(toStr(ev(0)));
    case 'toupper':
      arity(1);
      return toStr(ev(0)).toUpperCase();
    case 'toreal':
    case 'todouble':
      arity(1);
      return toNum(ev(0), false);
    case 'tolong':
    case 'toint':
      arity(1);
      return toNum(ev(0), true);
    case 'strlen':
      arity(1);
      return [...toStr(ev(0))].length;
    case 'strcat':
      return args.map((_, i) => toStr(ev(i))).join('');
    case 'coalesce': {
      for (let i = 0; i < args.length; i++) {
        const v = ev(i);
        if (v !== null && v !== '') return v;
      }
      return args.length ? (typeof ev(0) === 'string' ? '' : null) : null;
    }
    case 'iff':
    case 'iif':
      arity(3);
      return ev(0) === true ? ev(1) : ev(2);
    case 'case': {
      if (args.length < 3 || args.length % 2 === 0) bad('case() needs pairs and an else value');
      for (let i = 0; i + 1 < args.length; i += 2) if (ev(i) === true) return ev(i + 1);
      return ev(args.length - 1);
    }
    case 'substring': {
      arity(2, 3);
      const s = [...toStr(ev(0))];
      const start = Math.max(0, toNum(ev(1), true) ?? 0);
      const len = args.length === 3 ? (toNum(ev(2), true) ?? s.length) : s.length;
      return s.slice(start, start + len).join('');
    }
    case 'parse_json':
    case 'todynamic': {
      arity(1);
      const v = ev(0);
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v) as V;
      } catch {
        return v;
      }
    }
    case 'extract': {
      arity(3);
      const re = toStr(ev(0));
      const group = toNum(ev(1), true) ?? 0;
      const m = regex(re).matcher(toStr(ev(2)));
      return m.find() ? (m.group(group) ?? '') : '';
    }
    case 'replace_regex':
      arity(3);
      return replaceRegex(toStr(ev(0)), toStr(ev(1)), toStr(ev(2)));
    case 'replace_string':
      arity(3);
      return toStr(ev(0))
        .split(toStr(ev(1)))
        .join(toStr(ev(2)));
    case 'tohex': {
      arity(1, 2);
      const v = toNum(ev(0), true);
      if (v === null) return null;
      // Negative values print as their 64-bit two's complement.
      const h = (v >= 0 ? BigInt(v) : BigInt(v) & 0xffffffffffffffffn).toString(16);
      const min = args.length === 2 ? (toNum(ev(1), true) ?? 0) : 0;
      return h.padStart(min, '0');
    }
    case 'binary_and': {
      arity(2);
      const a = toNum(ev(0), true);
      const b = toNum(ev(1), true);
      return a === null || b === null ? null : Number(BigInt.asIntN(64, BigInt(a) & BigInt(b)));
    }
    case 'binary_shift_right': {
      arity(2);
      const a = toNum(ev(0), true);
      const b = toNum(ev(1), true);
      return a === null || b === null ? null : Number(BigInt.asIntN(64, BigInt(a)) >> BigInt(b));
    }
    case 'ipv4_is_in_range':
      arity(2);
      return ipv4InRange(ev(0), ev(1));
    case 'ipv4_is_in_any_range':
      return anyRange(
        args.slice(1).map((_, i) => ev(i + 1)),
        (range) => ipv4InRange(ev(0), range),
      );
    case 'ipv6_is_in_range':
      arity(2);
      return ipv6InRange(ev(0), ev(1));
    case 'ipv6_is_in_any_range':
      return anyRange(
        args.slice(1).map((_, i) => ev(i + 1)),
        (range) => ipv6InRange(ev(0), range),
      );
    case 'todatetime': {
      arity(1);
      const v = ev(0);
      if (v instanceof Date) return v;
      if (typeof v !== 'string' || v === '') return null;
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? null : d;
    }
    case 'datetime_part': {
      arity(2);
      const part = lower(toStr(ev(0)));
      const d = ev(1);
      if (!(d instanceof Date)) return d === null ? null : bad('datetime_part of a non-datetime');
      switch (part) {
        case 'minute':
          return d.getUTCMinutes();
        case 'hour':
          return d.getUTCHours();
        case 'day':
          return d.getUTCDate();
        case 'month':
          return d.getUTCMonth() + 1;
        case 'year':
          return d.getUTCFullYear();
        case 'week_of_year': {
          const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
          const day = t.getUTCDay() || 7;
          t.setUTCDate(t.getUTCDate() + 4 - day);
          const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
          return Math.ceil(((t.getTime() - y0.getTime()) / 86400000 + 1) / 7);
        }
        default:
          return bad(`datetime_part("${part}")`);
      }
    }
    default:
      throw new Error(`evalKusto: unsupported function ${name}()`);
  }
}

function anyRange(ranges: V[], test: (r: V) => V): V {
  const flat = ranges.flatMap((x) => (Array.isArray(x) ? (x as V[]) : [x]));
  let sawNull = false;
  for (const range of flat) {
    const v = test(range);
    if (v === true) return true;
    if (v === null) sawNull = true;
  }
  return sawNull ? null : false;
}

/** RE2 replace of every match; the rewrite's `\N` is group N and `\\` a backslash ("replace_regex()"). */
function replaceRegex(text: string, re: string, rewrite: string): string {
  const m = regex(re).matcher(text);
  let out = '';
  let last = 0;
  let pos = 0;
  while (pos <= text.length && m.find(pos)) {
    out += text.slice(last, m.start());
    out += rewrite.replace(/\\(\\|\d)/g, (_, g: string) => (g === '\\' ? '\\' : (m.group(Number(g)) ?? '')));
    last = m.end();
    pos = m.end() === m.start() ? m.end() + 1 : m.end();
  }
  return out + text.slice(last);
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function ipv4InRange(addr: V, range: V): V {
  if (typeof addr !== 'string' || typeof range !== 'string') return null;
  const a = ipv4(addr);
  const [net, pre] = range.split('/');
  const b = ipv4(net);
  const p = pre === undefined ? 32 : Number(pre);
  if (a === null || b === null || !Number.isInteger(p) || p < 0 || p > 32) return null;
  if (p === 0) return true;
  const mask = (0xffffffff << (32 - p)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv6(s: string): bigint | null {
  let t = s.trim();
  if (t === '' || /[^0-9a-fA-F:.]/.test(t)) return null;
  const v4 = ipv4(t);
  if (v4 !== null) return (0xffffn << 32n) | BigInt(v4);
  const tail4 = /:(\d{1,3}(\.\d{1,3}){3})$/.exec(t);
  if (tail4) {
    const x = ipv4(tail4[1]);
    if (x === null) return null;
    t = t.slice(0, -tail4[1].length) + ((x >>> 16) & 0xffff).toString(16) + ':' + (x & 0xffff).toString(16);
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

function ipv6InRange(addr: V, range: V): V {
  if (typeof addr !== 'string' || typeof range !== 'string') return null;
  const a = ipv6(addr);
  const [net, pre] = range.split('/');
  const b = ipv6(net);
  const p = pre === undefined ? 128 : Number(pre);
  if (a === null || b === null || !Number.isInteger(p) || p < 0 || p > 128) return null;
  const shift = BigInt(128 - p);
  return a >> shift === b >> shift;
}

/** A timespan literal: a number and one of the units d, h, m, s ("The timespan data type"). */
function timespanLiteral(text: string): Span {
  const m = /^(\d+(?:\.\d+)?)(d|h|m|s)$/.exec(text);
  if (!m) bad(`timespan literal ${text}`);
  const unit = { d: 86400000, h: 3600000, m: 60000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's'];
  return new Span(Number(m[1]) * unit);
}

/** `+` and `-` on numbers, datetimes and timespans (null in, null out). */
function arithmetic(op: '+' | '-', x: V, y: V): V {
  if (x === null || y === null) return null;
  const sign = op === '+' ? 1 : -1;
  if (isNum(x) && isNum(y)) return x + sign * y;
  if (x instanceof Date && y instanceof Span) return new Date(x.getTime() + sign * y.ms);
  if (x instanceof Span && y instanceof Span) return new Span(x.ms + sign * y.ms);
  if (op === '-' && x instanceof Date && y instanceof Date) return new Span(x.getTime() - y.getTime());
  return bad(`${op} on ${typeof x} and ${typeof y}`);
}

/** One table of `evalKustoTable`: its schema and its rows (flat records, as for evalKusto). */
export interface KustoTable {
  readonly columns: Record<string, string>;
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * Runs a tabular query (`let` statements, then one query) over named tables and returns the
 * rows it outputs (datetimes as Date, timespans as { ms }). Datetime columns given as text are
 * read as ISO 8601 instants. Throws on any operator or parameter it does not model.
 */
export function evalKustoTable(query: string, tables: Record<string, KustoTable>): Record<string, unknown>[] {
  const Kn = kusto();
  const code = Kn.KustoCode.Parse(query);
  const diags = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === 'Error') throw new Error(`Kusto syntax error: ${d.Message}`);
  }
  const env = new Map<string, Row[]>();
  let out: Row[] | null = null;
  for (const st of kids(code.Syntax)) {
    const k = kind(st);
    if (k === 'LetStatement') {
      const [decl, expr] = kids(st);
      env.set(nameOf(decl), tabular(expr, env, tables));
    } else if (k === 'ExpressionStatement') {
      if (out) bad('more than one query statement');
      out = tabular(kids(st)[0], env, tables);
    } else bad(`statement ${k}`);
  }
  if (!out) bad('no query statement');
  return out.map((r) =>
    Object.fromEntries([...r.values].map(([k, v]) => [k, v instanceof Span ? { ms: v.ms } : v])),
  );
}

function tableRows(t: KustoTable): Row[] {
  return t.rows.map((row) => {
    const r = rowOf(row, t.columns);
    for (const [c, ty] of Object.entries(t.columns)) {
      const v = r.values.get(c);
      if (ty.toLowerCase() === 'datetime' && typeof v === 'string') {
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) bad(`datetime ${v}`);
        r.values.set(c, d);
      }
    }
    return r;
  });
}

const typeOfValue = (v: V, old?: string): string =>
  typeof v === 'string'
    ? 'string'
    : v instanceof Date
      ? 'datetime'
      : v === null
        ? (old ?? 'dynamic')
        : 'dynamic';

function tabular(n: any, env: Map<string, Row[]>, tables: Record<string, KustoTable>): Row[] {
  const k = kind(n);
  switch (k) {
    case 'NameReference': {
      const name = nameOf(n);
      const bound = env.get(name);
      if (bound) return bound;
      if (!Object.prototype.hasOwnProperty.call(tables, name)) bad(`unknown table ${name}`);
      return tableRows(tables[name]);
    }
    case 'ParenthesizedExpression':
      return tabular(kids(n)[0], env, tables);
    case 'MaterializeExpression':
      // materialize(): the value of the expression, computed once for the query.
      return tabular(kids(n)[0], env, tables);
    case 'UnionOperator': {
      const parts = kids(n);
      if (parts.some((p) => kind(p) === 'NamedParameter')) bad('union parameters');
      return parts.flatMap((p) => tabular(p, env, tables));
    }
    case 'PipeExpression': {
      const [src, op] = kids(n);
      return operator(op, tabular(src, env, tables), env, tables);
    }
    default:
      return bad(`unsupported tabular expression ${k}`);
  }
}

/** Row sets in a defined order (the output of sort, serialize and of operators that keep it). */
const SERIALIZED = new WeakSet<Row[]>();

function operator(op: any, rows: Row[], env: Map<string, Row[]>, tables: Record<string, KustoTable>): Row[] {
  const k = kind(op);
  switch (k) {
    case 'FilterOperator': {
      const pred = kids(op).filter((c) => kind(c) !== 'List');
      return keepOrder(
        rows,
        rows.filter((r) => evaluate(pred[pred.length - 1], r) === true),
      );
    }
    case 'ExtendOperator':
    case 'ProjectOperator':
    case 'SerializeOperator': {
      const mapped = rows.map((r, i) => {
        const values = k === 'ProjectOperator' ? new Map<string, V>() : new Map(r.values);
        const types: Record<string, string> = k === 'ProjectOperator' ? {} : { ...r.types };
        for (const e of kids(op)) {
          const ek = kind(e);
          if (ek === 'NameReference' && k === 'ProjectOperator') {
            const name = nameOf(e);
            values.set(name, column(name, r));
            types[name] = r.types[name] ?? typeOfValue(column(name, r));
            continue;
          }
          if (ek !== 'SimpleNamedExpression') bad(`${k} of ${ek}`);
          const [decl, expr] = kids(e);
          const name = nameOf(decl);
          let v: V;
          const rowNumber = kind(expr) === 'FunctionCallExpression' && nameOf(kids(expr)[0]) === 'row_number';
          if (rowNumber) {
            // row_number() needs a serialized row set ("serialize operator": sort's output is one).
            if (k !== 'SerializeOperator' && !SERIALIZED.has(rows))
              bad('row_number() on a row set that is not serialized');
            if (kids(kids(expr)[1]).length > 0) bad('row_number() with arguments');
            v = i + 1;
          } else if (k === 'SerializeOperator') bad('serialize with an expression other than row_number()');
          else v = evaluate(expr, r);
          values.set(name, v);
          types[name] = typeOfValue(v, types[name]);
        }
        return new Row(values, types);
      });
      return k === 'SerializeOperator' ? (SERIALIZED.add(mapped), mapped) : keepOrder(rows, mapped);
    }
    case 'JoinOperator': {
      const parts = kids(op);
      let right: Row[] | null = null;
      let keys: string[] = [];
      let inner = false;
      for (const p of parts) {
        const pk = kind(p);
        if (pk === 'NamedParameter') {
          const text = String(p.ToString()).replace(/\s+/g, '');
          if (text !== 'kind=inner') bad(`join parameter ${text}`);
          inner = true;
        } else if (pk === 'JoinOnClause') {
          keys = kids(p).map((c) => (kind(c) === 'NameReference' ? nameOf(c) : bad(`join on ${kind(c)}`)));
        } else right = tabular(p, env, tables);
      }
      // The default kind is innerunique (left keys deduplicated): only kind=inner is modelled.
      if (!inner) bad('join without kind=inner');
      if (!right || keys.length === 0) bad('join without a right side or keys');
      const out: Row[] = [];
      for (const l of rows)
        for (const r of right) {
          if (!keys.every((key) => equal(column(key, l), column(key, r), false) === true)) continue;
          const values = new Map(l.values);
          const types = { ...l.types };
          for (const [c, v] of r.values) {
            const name = values.has(c) ? `${c}1` : c;
            values.set(name, v);
            types[name] = r.types[c] ?? typeOfValue(v);
          }
          out.push(new Row(values, types));
        }
      return out;
    }
    case 'SummarizeOperator':
      return summarize(op, rows);
    case 'SortOperator': {
      // "sort operator": asc puts nulls first, desc last; this sort is stable (Kusto's is not
      // documented as stable: tests give no ties that matter).
      const keys = kids(op).map((e) => {
        if (kind(e) !== 'OrderedExpression') bad(`sort by ${kind(e)}`);
        const [expr, ordering] = kids(e);
        const dir = ordering ? String(ordering.ToString()).trim().toLowerCase() : 'desc';
        if (dir !== 'asc' && dir !== 'desc') bad(`sort ordering ${dir}`);
        return { expr, asc: dir === 'asc' };
      });
      const out = rows
        .map((r, i) => ({ r, i, v: keys.map((key) => evaluate(key.expr, r)) }))
        .sort((x, y) => {
          for (const [j, key] of keys.entries()) {
            const a = x.v[j];
            const b = y.v[j];
            if (a === null || b === null) {
              if (a === b) continue;
              return (a === null) === key.asc ? -1 : 1;
            }
            const c = order(a, b)!;
            if (c !== 0) return key.asc ? c : -c;
          }
          return x.i - y.i;
        })
        .map((x) => x.r);
      SERIALIZED.add(out);
      return out;
    }
    default:
      return bad(`unsupported query operator ${k}`);
  }
}

/** where, extend and project keep a serialized row set serialized ("serialize operator"). */
function keepOrder(from: Row[], to: Row[]): Row[] {
  if (SERIALIZED.has(from)) SERIALIZED.add(to);
  return to;
}

const keyText = (v: V): string => (v instanceof Date ? `d:${v.toISOString()}` : JSON.stringify(v));

function summarize(op: any, rows: Row[]): Row[] {
  const parts = kids(op);
  const byClause = parts.find((p) => kind(p) === 'SummarizeByClause');
  const aggs = parts.filter((p) => kind(p) === 'SimpleNamedExpression');
  if (parts.some((p) => !['SummarizeByClause', 'SimpleNamedExpression'].includes(kind(p))))
    bad('summarize with an unnamed aggregate or a parameter');
  const by = byClause
    ? kids(byClause).map((c) => (kind(c) === 'NameReference' ? nameOf(c) : bad(`summarize by ${kind(c)}`)))
    : [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = by.map((b) => keyText(column(b, r))).join('\u0000');
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  if (by.length === 0 && groups.size === 0) groups.set('', []);
  const out: Row[] = [];
  for (const g of groups.values()) {
    const values = new Map<string, V>();
    const types: Record<string, string> = {};
    for (const b of by) {
      values.set(b, column(b, g[0]));
      types[b] = g[0].types[b] ?? 'dynamic';
    }
    for (const a of aggs) {
      const [decl, expr] = kids(a);
      if (kind(expr) !== 'FunctionCallExpression') bad(`aggregate ${kind(expr)}`);
      const [fn, argList] = kids(expr);
      const name = nameOf(fn);
      const args = kids(argList);
      const vals = (): V[] => {
        if (args.length !== 1) bad(`${name}() with ${args.length} arguments`);
        return g.map((r) => evaluate(args[0], r)).filter((v) => v !== null);
      };
      let v: V;
      switch (name) {
        case 'count':
          if (args.length !== 0) bad('count() with arguments');
          v = g.length;
          break;
        case 'count_distinct':
          v = new Set(vals().map(keyText)).size;
          break;
        case 'sum':
        case 'avg': {
          const xs = vals().map((x) => (isNum(x) ? x : bad(`${name}() of a non-number`)));
          const total = xs.reduce((p, q) => p + q, 0);
          v = name === 'sum' ? total : xs.length === 0 ? null : total / xs.length;
          break;
        }
        case 'min':
        case 'max': {
          const xs = vals();
          v = xs.length === 0 ? null : xs.reduce((p, q) => (order(q, p)! < 0 === (name === 'min') ? q : p));
          break;
        }
        default:
          bad(`unsupported aggregate ${name}()`);
      }
      const an = nameOf(decl);
      values.set(an, v);
      types[an] = typeOfValue(v);
    }
    out.push(new Row(values, types));
  }
  return out;
}
