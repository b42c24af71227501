/**
 * A precise grammar check for the single-event EQL queries sigmantic writes, from Elastic's EQL
 * syntax reference (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html,
 * source: elastic/elasticsearch docs/reference/eql/syntax.asciidoc) and function reference
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-function-ref.html, cidrMatch).
 * No EQL parser exists on npm. It parses into an AST (read by eval-eql.ts) and throws an Error
 * naming what it rejects. What the reference says, rule by rule:
 * - "EQL queries require an event category and a matching condition. The `where` keyword connects
 *   them": `event_category where condition`; `any` matches any category; a category with special
 *   characters is quoted ("" or """).
 * - Field names: identifiers joined by dots; "Use enclosing backticks to escape field names that
 *   contain a hyphen, a space, start with a numeral"; "double backticks" escape a backtick.
 * - Comparison operators `< <= == : != >= >`; "`=` is not supported"; "You cannot chain
 *   comparisons"; "You also cannot compare a field to another field".
 * - Pattern keywords `like like~ regex regex~` (a string or a list); lookups `in in~ not in
 *   not in~` (a list), `:` (a string or a list).
 * - Logical operators `and or not`; `true` as a condition.
 * - Strings "are enclosed in double quotes"; "Strings enclosed in single quotes are not supported";
 *   escapes `\n \r \t \\ \"` and `\u{XXXXXXXX}` ("2-8 characters"); "You cannot use an escaped
 *   single quote"; raw strings in `"""` "cannot contain three consecutive double quotes".
 * Sequences (syntax reference "Sequences", "`with maxspan` keywords", "`by` keyword", "`until`
 * keyword"; the parser's grammar, elastic/elasticsearch x-pack/plugin/eql/src/main/antlr/EqlBase.g4:
 * `SEQUENCE (by=joinKeys sequenceParams? | sequenceParams disallowed=joinKeys?)? sequenceTerm
 * sequenceTerm+ (UNTIL sequenceTerm)?`, `sequenceParams: WITH (MAXSPAN ASGN timeUnit)`,
 * `sequenceTerm: subquery (by=joinKeys)?`, `subquery: LB eventFilter RB`, `joinKeys: BY expression
 * (COMMA expression)*`): at least two bracketed event queries; `by` fields after `sequence` (shared)
 * and after each term; `with maxspan=<number><unit>` after the shared `by` only (a `by` after it is
 * "disallowed"); units of the API conventions' time units (d, h, m, s, ms, micros, nanos).
 */

export type Literal = string | number | boolean | null;

export type Cond =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'and' | 'or'; readonly left: Cond; readonly right: Cond }
  | { readonly kind: 'not'; readonly child: Cond }
  | {
      readonly kind: 'compare';
      readonly field: string;
      readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=';
      readonly value: Literal;
    }
  | {
      readonly kind: 'pattern';
      readonly field: string;
      readonly op: ':' | 'like' | 'like~' | 'regex' | 'regex~' | 'in' | 'in~';
      readonly negated: boolean;
      readonly values: readonly Literal[];
    }
  | { readonly kind: 'cidr'; readonly field: string; readonly networks: readonly string[] };

export interface EqlQuery {
  /** The event category, or null for `any`. */
  readonly category: string | null;
  readonly condition: Cond;
}

/** One bracketed term of a sequence with its own `by` fields. */
export interface SequenceTerm {
  readonly query: EqlQuery;
  readonly by: readonly string[];
}

export interface EqlSequence {
  readonly kind: 'sequence';
  /** The `sequence by` fields (shared by every term, before each term's own). */
  readonly by: readonly string[];
  /** `with maxspan=`, in seconds (absent: no limit). */
  readonly maxspanSeconds?: number;
  readonly terms: readonly SequenceTerm[];
  readonly until?: SequenceTerm;
}

/** Seconds per time unit (Elasticsearch API conventions, "Time units"). */
const TIME_UNITS: Readonly<Record<string, number>> = {
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  micros: 1e-6,
  nanos: 1e-9,
};

type Tok =
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'id'; v: string; at: number } // plain identifier or keyword
  | { t: 'qid'; v: string; at: number } // backtick-quoted identifier
  | { t: 'op'; v: string; at: number };

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'where',
  'in',
  'like',
  'regex',
  'true',
  'false',
  'null',
  'any',
  'sequence',
  'sample',
  'join',
  'by',
  'with',
  'until',
  'of',
  'maxspan',
]);

function fail(msg: string, at: number): never {
  throw new Error(`EQL grammar: ${msg} at ${at}`);
}

function lexString(q: string, i: number): [string, number] {
  if (q.startsWith('"""', i)) {
    const end = q.indexOf('"""', i + 3);
    if (end < 0) fail('unterminated raw string', i);
    // A raw string cannot contain three double quotes; a fourth right after the closing ones would
    // be a stray string start, which the lexer rejects on the next token.
    return [q.slice(i + 3, end), end + 3];
  }
  let s = '';
  let j = i + 1;
  for (;;) {
    if (j >= q.length) fail('unterminated string', i);
    const c = q[j];
    if (c === '"') return [s, j + 1];
    if (c === '\n' || c === '\r') fail('a line break inside a string', j);
    if (c === '\\') {
      const n = q[j + 1];
      if (n === 'n') s += '\n';
      else if (n === 'r') s += '\r';
      else if (n === 't') s += '\t';
      else if (n === '\\') s += '\\';
      else if (n === '"') s += '"';
      else if (n === 'u') {
        const m = /^\{([0-9A-Fa-f]{2,8})\}/.exec(q.slice(j + 2));
        if (!m) fail('a \\u escape needs 2-8 hex digits in braces', j);
        const cp = parseInt(m[1], 16);
        if (cp > 0x10ffff) fail('a \\u escape beyond U+10FFFF', j);
        s += String.fromCodePoint(cp);
        j += 2 + m[0].length;
        continue;
      } else fail(`the escape \\${n ?? ''} (only \\n \\r \\t \\\\ \\" \\u{...})`, j);
      j += 2;
      continue;
    }
    s += c;
    j++;
  }
}

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      const [v, j] = lexString(q, i);
      out.push({ t: 'str', v, at: i });
      i = j;
      continue;
    }
    if (c === "'") fail('single-quoted strings are not supported', i);
    if (c === '`') {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= q.length) fail('unterminated quoted field name', i);
        if (q[j] === '`') {
          if (q[j + 1] === '`') {
            v += '`';
            j += 2;
            continue;
          }
          break;
        }
        v += q[j++];
      }
      if (v === '') fail('an empty quoted field name', i);
      out.push({ t: 'qid', v, at: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(q.slice(i));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1].t === 'op')) {
      out.push({ t: 'num', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_@][A-Za-z0-9_@]*~?/.exec(q.slice(i));
    if (id) {
      let v = id[0];
      // `~` only ends the keywords in~, like~, regex~.
      if (v.endsWith('~') && !['in~', 'like~', 'regex~'].includes(v.toLowerCase()))
        fail(`a stray ~ after ${v.slice(0, -1)}`, i);
      if (v.endsWith('~')) v = v.toLowerCase();
      out.push({ t: 'id', v, at: i });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|:|\(|\)|,|\.|\[|\])/.exec(q.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0], at: i });
      i += op[0].length;
      continue;
    }
    // `=` only assigns maxspan (EqlBase.g4 ASGN in sequenceParams).
    const prev = out[out.length - 1];
    if (c === '=' && prev?.t === 'id' && prev.v.toLowerCase() === 'maxspan') {
      out.push({ t: 'op', v: '=', at: i });
      i++;
      continue;
    }
    if (c === '=') fail('`=` is not supported (use == or :)', i);
    fail(`unexpected character ${JSON.stringify(c)}`, i);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) fail('unexpected end of query', Infinity);
    return t;
  }
  isKw(t: Tok | undefined, kw: string): boolean {
    return t !== undefined && t.t === 'id' && t.v.toLowerCase() === kw;
  }
  isOp(t: Tok | undefined, op: string): boolean {
    return t !== undefined && t.t === 'op' && t.v === op;
  }
  expectOp(op: string): void {
    const t = this.next();
    if (!this.isOp(t, op)) fail(`expected ${op}`, t.at);
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }

  query(): EqlQuery {
    const q = this.event();
    if (!this.done()) fail('unexpected text after the condition', this.peek()!.at);
    return q;
  }
  sequence(): EqlSequence {
    if (!this.isKw(this.next(), 'sequence')) fail('expected sequence', 0);
    let by: string[] = [];
    let maxspanSeconds: number | undefined;
    if (this.isKw(this.peek(), 'by')) by = this.joinKeys();
    if (this.isKw(this.peek(), 'with')) {
      this.next();
      if (!this.isKw(this.next(), 'maxspan')) fail('expected maxspan after with', this.toks[this.i - 1].at);
      this.expectOp('=');
      const n = this.next();
      if (n.t !== 'num' || n.v < 0) fail('maxspan needs a number', n.at);
      // A unit is always written here (the grammar makes it optional; what a bare number means is not documented).
      const u = this.next();
      if (u.t !== 'id' || !Object.hasOwn(TIME_UNITS, u.v))
        fail('maxspan needs a time unit (d, h, m, s, ms, micros, nanos)', u.at);
      maxspanSeconds = n.v * TIME_UNITS[u.v];
      if (this.isKw(this.peek(), 'by')) fail('`by` after `with maxspan` is disallowed', this.peek()!.at);
    }
    const terms: SequenceTerm[] = [];
    while (this.isOp(this.peek(), '[')) terms.push(this.term());
    if (terms.length < 2) fail('a sequence needs at least two terms', this.peek()?.at ?? Infinity);
    let until: SequenceTerm | undefined;
    if (this.isKw(this.peek(), 'until')) {
      this.next();
      until = this.term();
    }
    if (!this.done()) fail('unexpected text after the sequence', this.peek()!.at);
    const lengths = new Set(terms.map((t) => t.by.length));
    if (lengths.size > 1) fail('every term of a sequence needs as many join keys', 0);
    return { kind: 'sequence', by, maxspanSeconds, terms, until };
  }
  term(): SequenceTerm {
    this.expectOp('[');
    const query = this.event();
    this.expectOp(']');
    return { query, by: this.isKw(this.peek(), 'by') ? this.joinKeys() : [] };
  }
  joinKeys(): string[] {
    this.next();
    const out = [this.field()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      out.push(this.field());
    }
    return out;
  }
  event(): EqlQuery {
    const t = this.next();
    let category: string | null;
    if (t.t === 'str') category = t.v;
    else if (t.t === 'id' && !KEYWORDS.has(t.v.toLowerCase()) && !t.v.endsWith('~')) category = t.v;
    else if (this.isKw(t, 'any')) category = null;
    else fail('expected an event category', t.at);
    if (!this.isKw(this.next(), 'where')) fail('expected where', this.toks[this.i - 1].at);
    const condition = this.or();
    return { category, condition };
  }
  or(): Cond {
    let left = this.and();
    while (this.isKw(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }
  and(): Cond {
    let left = this.not();
    while (this.isKw(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }
  not(): Cond {
    if (this.isKw(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', child: this.not() };
    }
    return this.primary();
  }
  primary(): Cond {
    const t = this.peek();
    if (!t) fail('unexpected end of query', Infinity);
    if (this.isOp(t, '(')) {
      this.next();
      const c = this.or();
      this.expectOp(')');
      return c;
    }
    if (this.isKw(t, 'true') || this.isKw(t, 'false')) {
      this.next();
      return { kind: 'const', value: String(t.v).toLowerCase() === 'true' };
    }
    if (t.t === 'id' && t.v === 'cidrMatch' && this.isOp(this.peek(1), '(')) {
      this.next();
      this.next();
      const field = this.field();
      const networks: string[] = [];
      while (this.isOp(this.peek(), ',')) {
        this.next();
        const s = this.next();
        if (s.t !== 'str') fail('cidrMatch takes CIDR strings', s.at);
        networks.push(s.v);
      }
      if (networks.length === 0) fail('cidrMatch needs a CIDR block', t.at);
      this.expectOp(')');
      return { kind: 'cidr', field, networks };
    }
    const field = this.field();
    const op = this.next();
    let cond: Cond;
    if (op.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(op.v)) {
      cond = { kind: 'compare', field, op: op.v as '==', value: this.literal() };
    } else if (
      this.isOp(op, ':') ||
      this.isKw(op, 'like') ||
      this.isKw(op, 'like~') ||
      this.isKw(op, 'regex') ||
      this.isKw(op, 'regex~')
    ) {
      const name = (op.t === 'op' ? ':' : String(op.v).toLowerCase()) as ':';
      const values = this.isOp(this.peek(), '(') ? this.list() : [this.literal()];
      for (const v of values) if (typeof v !== 'string') fail(`${name} compares strings only`, op.at);
      cond = { kind: 'pattern', field, op: name, negated: false, values };
    } else if (
      this.isKw(op, 'in') ||
      this.isKw(op, 'in~') ||
      (this.isKw(op, 'not') && (this.isKw(this.peek(), 'in') || this.isKw(this.peek(), 'in~')))
    ) {
      const negated = this.isKw(op, 'not');
      const kw = negated ? String(this.next().v).toLowerCase() : String(op.v).toLowerCase();
      if (!this.isOp(this.peek(), '(')) fail(`${kw} needs a parenthesised list`, op.at);
      cond = { kind: 'pattern', field, op: kw as 'in', negated, values: this.list() };
    } else fail(`expected a comparison after ${field}`, op.at);
    const after = this.peek();
    if (after && after.t === 'op' && ['==', '!=', '<', '<=', '>', '>=', ':'].includes(after.v))
      fail('comparisons cannot be chained', after.at);
    return cond;
  }
  list(): Literal[] {
    this.expectOp('(');
    const out = [this.literal()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      out.push(this.literal());
    }
    this.expectOp(')');
    return out;
  }
  literal(): Literal {
    const t = this.next();
    if (t.t === 'str' || t.t === 'num') return t.v;
    if (this.isKw(t, 'true')) return true;
    if (this.isKw(t, 'false')) return false;
    if (this.isKw(t, 'null')) return null;
    if (t.t === 'id' || t.t === 'qid') fail('a field cannot be compared with another field', t.at);
    return fail('expected a value', t.at);
  }
  field(): string {
    const parts: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.t === 'qid') parts.push(t.v);
      else if (t.t === 'id' && !KEYWORDS.has(t.v.toLowerCase()) && !t.v.endsWith('~') && !/^\d/.test(t.v))
        parts.push(t.v);
      else fail('expected a field name', t.at);
      if (!this.isOp(this.peek(), '.')) break;
      this.next();
    }
    return parts.join('.');
  }
}

/** Parses one single-event EQL query (`category where condition`); throws on anything else. */
export function parseEql(query: string): EqlQuery {
  return new Parser(lex(query)).query();
}

/** Parses a single-event query or a `sequence`; throws on anything else. */
export function parseEqlStatement(query: string): EqlQuery | EqlSequence {
  const toks = lex(query);
  const first = toks[0];
  if (first?.t === 'id' && first.v.toLowerCase() === 'sequence') return new Parser(toks).sequence();
  return new Parser(toks).query();
}
