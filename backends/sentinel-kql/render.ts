/**
 * IR to a Kusto `where` predicate. Every quirk below cites the Microsoft documentation page it
 * comes from (see NOTES.md for the collected facts).
 *
 * The rule's IR is lowered leaf by leaf with its polarity (`lowerLeaves`) into the shared working
 * tree, whose leaves are rendered Kusto text; then the tree is printed. Approximations and
 * refusals go through one `Lowering` reporter per rule, with the reasons below.
 */
import { canonicalNumber } from '../../src/ir/number.js';
import { assertNever } from '../../src/diagnostics.js';
import { withOp } from '../../src/ir/sigma-string.js';
import { placeOf } from '../../src/ir/origin.js';
import type {
  BooleanMatch,
  CidrMatch,
  CompareMatch,
  FieldRefMatch,
  Match,
  Node,
  NumberMatch,
  NumberValue,
  RegexMatch,
  SigmaString,
  StringMatch,
  TimeMatch,
} from '../../src/ir/types.js';
import type { Lowering } from '../../src/lowering/approximate.js';
import { keywordNumberAsText } from '../../src/lowering/passes.js';
import { regexFeatures, sigmaToRegex, unsupportedRe2Escape } from '../../src/regex/index.js';
import { FALSE, TRUE, leaf, lowerLeaves, or, type Tree } from '../../src/lowering/tree.js';
import { kustoMember, kustoName, kustoString } from './literal.js';

/**
 * Stable reasons of the Sentinel backend's diagnostics (`Diagnostic.reason`).
 * Approximations (a Kusto string column reads a missing value as "", "The string data type"):
 * - `string-exists`: Sigma `*` or `|exists` on a string column (present and missing are not told apart);
 * - `string-missing`: `null` or `|exists: false` on a string column;
 * - `string-empty`: an empty value `''` on a string column;
 * - `string-fieldref`: `|fieldref` with a string side (a missing field compares as "").
 * Approximations of the table (index.ts):
 * - `logsource-widens`: the table holds other sources' rows that no filter tells apart;
 * - `logsource-partial`: the rule's category or service has no mapping, the whole table is searched.
 * Refusals (`unsupported-construct`):
 * - `regex`: a regex feature Kusto's RE2 engine lacks;
 * - `placeholder`: a placeholder inside a larger value or under an operator;
 * - `translated-field`: a field whose values are translated for the table, in a comparison
 *   other than a value match (or with a placeholder);
 * - `translated-value`: none of the rule's values of such a field is one the table records;
 * - `number`: a number Kusto has no literal for (infinite).
 */
export type SentinelReason =
  | 'string-exists'
  | 'string-missing'
  | 'string-empty'
  | 'string-fieldref'
  | 'logsource-widens'
  | 'logsource-partial'
  | 'regex'
  | 'placeholder'
  | 'translated-field'
  | 'translated-value'
  | 'number';

/** The Kusto type an operand expression yields. `unknown`: a column of a table without a schema. */
export type OperandType = 'string' | 'number' | 'bool' | 'datetime' | 'dynamic' | 'other' | 'unknown';

export interface Operand {
  readonly expr: string;
  readonly type: OperandType;
}

/** Where a rule's fields live: the table's columns (null = no schema known) and special columns. */
export interface TableContext {
  readonly table: string;
  readonly columns: Readonly<Record<string, string>> | null;
  /** String columns holding Windows event XML (`<Data Name="F">v</Data>`): `Col.F` reads one value. */
  readonly xmlColumns: ReadonlySet<string>;
  /** What field-less values (Sigma keywords) search: `*` (all columns) or one column. */
  readonly keywords: string;
  /** Values for `query_expression_placeholders`: placeholder name -> template with `{field}`. */
  readonly placeholderExpressions: Readonly<Record<string, string>>;
  /** Strict mode: an unknown field is an error, not a warning. */
  readonly strict: boolean;
  /** Sigma fields rebuilt from columns: field -> Kusto expression (computed once with `| extend`). */
  readonly derived: Readonly<Record<string, string>>;
  /** Sigma fields with a closed value set: field -> the column and the column values of each Sigma value. */
  readonly enums: Readonly<Record<string, EnumField>>;
}

export interface EnumField {
  readonly column: string;
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly table: string;
  /** The field has values beyond those listed, which the column does not tell apart (refused). */
  readonly open?: boolean;
}

/** A leaf of the working tree: a rendered predicate. */
interface Rendered {
  readonly text: string;
  /** Precedence class: `or` needs parentheses inside `and`. */
  readonly prec: 'atom' | 'and' | 'or';
}

const atom = (text: string): Rendered => ({ text, prec: 'atom' });
const atomLeaf = (text: string): Tree<Rendered> => leaf(atom(text));

/**
 * What a leaf becomes once the rule is refused (reported through `Lowering.unsupported`): the
 * rule gets no query, so any constant serves; the remaining leaves are not lowered.
 */
const REFUSED: Tree<Rendered> = FALSE;

function kindOfType(t: string): OperandType {
  switch (t.toLowerCase()) {
    case 'string':
      return 'string';
    case 'int':
    case 'long':
    case 'real':
    case 'double':
    case 'decimal':
      return 'number';
    case 'bool':
    case 'boolean':
      return 'bool';
    case 'datetime':
      return 'datetime';
    case 'dynamic':
      return 'dynamic';
    default:
      return 'other';
  }
}

export class KustoRenderer {
  private readonly reported = new Set<string>();
  /** Set by the first refusal: the rule is lost, so the remaining leaves are not lowered (one error). */
  private refused = false;
  /** `| extend` columns the predicate uses: name -> expression, in first-use order. */
  readonly extends = new Map<string, string>();
  constructor(
    private readonly ctx: TableContext,
    private readonly lowering: Lowering<SentinelReason>,
  ) {}

  /** The predicate for a tree, or null when a construct is unsupported (reported). */
  render(node: Node): string | null {
    const tree = lowerLeaves(node, (m, negated) => (this.refused ? REFUSED : this.match(m, negated)));
    return this.refused ? null : print(tree).text;
  }

  /** Reports a construct Kusto cannot express; the rule gets no query. */
  private refuse(m: Match, message: string, reason: SentinelReason): null {
    this.lowering.unsupported(m, message, reason);
    this.refused = true;
    return null;
  }

  // ---- fields ----

  /** The operand for a field name as it arrives after the pipelines; null when refused (reported). */
  private operand(field: string, m: Match): Operand | null {
    const derived = this.ctx.derived[field];
    if (derived !== undefined) {
      // Computed once per row with `| extend` ("extend operator"), named for the Sigma field
      // unless the table has a column of that name.
      let name = field;
      while (this.ctx.columns && Object.prototype.hasOwnProperty.call(this.ctx.columns, name))
        name = 'Sigma_' + name;
      if (!this.extends.has(name)) this.extends.set(name, derived);
      return { expr: kustoName(name), type: 'string' };
    }
    if (this.ctx.enums[field] !== undefined)
      return this.refuse(
        m,
        `field '${field}' takes only the values of ${this.ctx.enums[field].table} and cannot be used in this comparison`,
        'translated-field',
      );
    const cols = this.ctx.columns;
    if (!cols) {
      // A table sigmantic has no schema for (a custom `_CL` table): Kusto refuses a query naming a
      // column the table lacks ("Failed to resolve scalar expression"), so the name is unverified.
      const key = `unverified:${field}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.lowering.sink.warning(
          'unverified-field',
          `field '${field}': the columns of ${this.ctx.table} are not known to sigmantic; the query runs only if the table has a column '${field}'`,
          placeOf(m),
        );
      }
      return { expr: kustoName(field), type: 'unknown' };
    }
    const t = cols[field];
    if (t !== undefined) return { expr: kustoName(field), type: kindOfType(t) };
    const dot = field.indexOf('.');
    if (dot > 0) {
      const col = field.slice(0, dot);
      const path = field.slice(dot + 1);
      const ct = cols[col];
      if (ct !== undefined && path !== '') {
        if (this.ctx.xmlColumns.has(col)) {
          // SecurityEvent.EventData is XML text: extract() returns "" when the element is missing.
          const re = `<Data Name="${path.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}">([^<]*)</Data>`;
          return { expr: `extract(${kustoString(re)}, 1, ${kustoName(col)})`, type: 'string' };
        }
        const members = path.split('.').map(kustoMember).join('');
        if (ct === 'dynamic') return { expr: kustoName(col) + members, type: 'dynamic' };
        // JSON held in a string column must be parsed first ("parse_json()").
        if (ct === 'string') return { expr: `parse_json(${kustoName(col)})${members}`, type: 'dynamic' };
      }
    }
    const key = `unmapped:${field}`;
    if (!this.reported.has(key)) {
      this.reported.add(key);
      // A name that is not a column does not bind: the query would not run, so it is refused
      // (a mapping error, not a construct: the rule goes on being lowered, and gets no query).
      this.lowering.sink.error(
        'unmapped-field',
        `field '${field}' is not a column of ${this.ctx.table}: the query would not run (map the field with a pipeline, or name a table that has it)`,
        placeOf(m),
      );
    }
    return { expr: kustoName(field), type: 'unknown' };
  }

  /** The operand as a string expression. */
  private str(o: Operand): string {
    // tostring(null) is "": callers that must tell a missing typed value guard it with isnotnull().
    return o.type === 'string' || o.type === 'unknown' ? o.expr : `tostring(${o.expr})`;
  }

  /**
   * The operand a match's string side reads: its field, or for a keyword (field null) the keyword
   * column; `null` for a keyword that searches all columns (`*`). `false` when refused (reported).
   */
  private stringOperand(field: string | null, m: Match): Operand | null | false {
    // `where * contains "x"` tests every column ("where operator": `* has "cow"` searches all columns).
    const f = field ?? (this.ctx.keywords === '*' ? null : this.ctx.keywords);
    if (f === null) return null;
    return this.operand(f, m) ?? false;
  }

  // ---- leaves ----

  /** One IR match, with its polarity (`negated`: under an odd number of `not`s), as a tree. */
  private match(m: Match, negated: boolean): Tree<Rendered> {
    if (m.field !== null && this.ctx.enums[m.field] !== undefined)
      return this.enumMatch(m, this.ctx.enums[m.field]);
    switch (m.kind) {
      case 'string':
        return this.string(m, negated);
      case 'regex':
        return this.regex(m);
      case 'cidr':
        return this.cidr(m, negated);
      case 'number':
        return this.number(m, negated);
      case 'boolean':
        return this.boolean(m);
      case 'compare':
        return this.compare(m, negated);
      case 'exists':
        return this.presence(m.field, m, m.exists, negated);
      case 'null':
        return this.presence(m.field, m, false, negated);
      case 'fieldref':
        return this.fieldref(m, negated);
      case 'time':
        return this.time(m, negated);
      default:
        return assertNever(m);
    }
  }

  /**
   * A predicate that can be null (a function of a null value, an ordering comparison) guarded
   * under `not`: `where` drops a row whose predicate is null, and not(null) is null ("null
   * values": only == and != yield false/true for a null operand), so a missing value must read
   * as false before it is negated.
   */
  private guard(pred: string, neg: boolean): string {
    return neg ? `coalesce(${pred}, false)` : pred;
  }

  /**
   * A field with a closed set of Sigma values, each stored as other values of a column: the rule's
   * values are matched against the Sigma values (with the rule's operator, wildcards and case), and
   * the column is compared with what those are stored as. Exact: the set is closed.
   */
  private enumMatch(m: Match, e: EnumField): Tree<Rendered> {
    const keys = Object.keys(e.values);
    /** One test per value of the rule (ORed). */
    let tests: Array<(k: string) => boolean>;
    switch (m.kind) {
      case 'string': {
        if (m.values.some((v) => v.some((p) => p.kind === 'placeholder'))) {
          this.refuse(
            m,
            `placeholder in '${m.field}': its values are translated for ${e.table}`,
            'translated-field',
          );
          return REFUSED;
        }
        let res: RegExp[];
        try {
          res = m.values.map((v) => {
            const r = new RegExp(
              sigmaToRegex(v, m.op, { cased: m.cased, dialect: 'js' }),
              m.cased ? 'u' : 'iu',
            );
            r.test(''); // V8 compiles a RegExp at its first use: refused here, not later.
            return r;
          });
        } catch {
          // V8 refuses the RegExp of a value of tens of thousands of characters ("Stack overflow"
          // compiling it under `iu`): which stored values it matches cannot be decided.
          this.refuse(
            m,
            `a value of '${m.field}' is too long to match against the values ${e.table} stores`,
            'translated-value',
          );
          return REFUSED;
        }
        tests = res.map((r) => (k: string) => r.test(k));
        break;
      }
      case 'boolean':
        // A YAML boolean matches the text true/false in any case (the shared boolean contract).
        tests = [(k) => k.toLowerCase() === String(m.value)];
        break;
      case 'number':
        tests = m.values.map((v) => (k: string) => canonicalNumber(v) === k);
        break;
      case 'regex':
      case 'cidr':
      case 'compare':
      case 'exists':
      case 'null':
      case 'fieldref':
      case 'time':
        this.refuse(
          m,
          `'${m.kind}' on '${m.field}': its values are translated for ${e.table} and only value matches are`,
          'translated-field',
        );
        return REFUSED;
      default:
        return assertNever(m);
    }
    // An open set: the column holds no value of its own for the field's other values (ASIM's
    // EventSubType for an unlisted LogonType), so a rule value that names none of the listed ones
    // cannot be tested: refused, never dropped.
    // A pattern (contains, wildcards) may also match an unlisted value: refused too.
    const pattern =
      m.kind === 'string' && (m.op !== 'eq' || m.values.some((v) => v.some((p) => p.kind !== 'text')));
    const lost = e.open ? tests.filter((t) => !keys.some(t)) : [];
    if (lost.length > 0 || (e.open === true && pattern)) {
      this.refuse(
        m,
        `a value of '${m.field}' in the rule has no value of its own in ${e.column} of ${e.table} (listed: ${keys.join(', ')})`,
        'translated-value',
      );
      return REFUSED;
    }
    const hit = keys.filter((k) => tests.some((t) => t(k)));
    if (hit.length === 0) {
      this.refuse(
        m,
        `no value of '${m.field}' in the rule is one ${e.table} records (known: ${keys.join(', ')})`,
        'translated-value',
      );
      return REFUSED;
    }
    const stored = [...new Set(hit.flatMap((k) => e.values[k]))].sort();
    const o = this.operandOfColumn(e.column, m);
    if (!o) return REFUSED;
    const col = this.str(o);
    return atomLeaf(
      stored.length === 1
        ? `${col} == ${kustoString(stored[0])}`
        : `${col} in (${stored.map((v) => kustoString(v)).join(', ')})`,
    );
  }

  private operandOfColumn(column: string, m: Match): Operand | null {
    const t = this.ctx.columns?.[column];
    if (t === undefined) return this.operand(column, m);
    return { expr: kustoName(column), type: kindOfType(t) };
  }

  /** isnotempty/isempty for strings ("isempty()": an empty string and a missing one are alike), isnotnull/isnull otherwise. */
  private presence(field: string, m: Match, present: boolean, neg: boolean): Tree<Rendered> {
    const o = this.operand(field, m);
    if (!o) return REFUSED;
    if (present) return this.present(o, m, neg);
    if (!stringLike(o)) return atomLeaf(`isnull(${o.expr})`);
    // Widening: isempty() also takes a present empty string. Narrowing under `not`: isnull() is
    // exact on a dynamic value and false for a string (a string is never null).
    return this.lowering.bound(m, neg, 'string-missing', emptyOrMissing(o, neg, 'missing'), {
      wider: atomLeaf(`isempty(${o.expr})`),
      narrower: atomLeaf(`isnull(${o.expr})`),
    });
  }

  /**
   * "The field is present, with any value (the empty string included)": Sigma `*` and `|exists`.
   * Exact on dynamic and typed values (`isnotnull`). A string column reads a missing value as ""
   * ("isempty()": empty and null strings are alike), so present-but-empty and missing cannot be
   * told apart: the widening form `isnotnull()` (every row: a string is never null) is used, or
   * under `not` the narrowing `isnotempty()`, and the rule is labelled approximate. A column of
   * unknown type may be a string: the same.
   */
  private present(o: Operand, m: Match, neg: boolean): Tree<Rendered> {
    if (!stringLike(o)) return atomLeaf(`isnotnull(${o.expr})`);
    return this.lowering.bound(
      m,
      neg,
      'string-exists',
      neg
        ? `'${o.expr}' present (any value) under 'not' is written isnotempty(): Kusto reads a missing string as "", so a present empty value is not told from a missing one; the query may match more events than the rule`
        : `'${o.expr}' present (any value) is written isnotnull(), true for every row: Kusto reads a missing string as "", so a missing value is not told from an empty one; the query may match more events than the rule`,
      { wider: atomLeaf(`isnotnull(${o.expr})`), narrower: atomLeaf(`isnotempty(${o.expr})`) },
    );
  }

  private string(m: StringMatch, neg: boolean): Tree<Rendered> {
    const o = this.stringOperand(m.field, m);
    if (o === false) return REFUSED;
    const side = o === null ? '*' : this.str(o);
    const eqs: string[] = [];
    // The values' predicates, in order; the plain equalities form one `in~` list, at the place of the first.
    const out: Tree<Rendered>[] = [];
    let eqAt = -1;
    for (const v of m.values) {
      const r = this.stringValue(side, o, v, m, neg);
      if (r === null) return REFUSED;
      if ('eq' in r) {
        if (eqAt < 0) {
          eqAt = out.length;
          out.push(REFUSED); // replaced below
        }
        eqs.push(r.eq);
      } else out.push(r);
    }
    if (eqAt >= 0) {
      // `in~` / `in`: case-insensitive / case-sensitive membership ("in~ operator", "in operator").
      out[eqAt] = atomLeaf(
        eqs.length === 1
          ? `${side} ${m.cased ? '==' : '=~'} ${eqs[0]}`
          : `${side} ${m.cased ? 'in' : 'in~'} (${eqs.join(', ')})`,
      );
    }
    return out.length === 1 ? out[0] : or(out);
  }

  /**
   * One value: either a plain equality (its literal, for an `in~` list) or a whole predicate;
   * null when refused (reported). `o`: the side's operand, null for all columns (`*`).
   */
  private stringValue(
    side: string,
    o: Operand | null,
    v: SigmaString,
    m: StringMatch,
    neg: boolean,
  ): { readonly eq: string } | Tree<Rendered> | null {
    const ph = v.find((p) => p.kind === 'placeholder');
    if (ph) {
      const p = this.placeholder(side, v, m);
      return p === null ? null : atomLeaf(p);
    }
    const s = withOp(v, m.op);
    const lead = s[0]?.kind === 'any';
    const trail = s.length > (lead ? 1 : 0) && s[s.length - 1]?.kind === 'any';
    const inner = s.slice(lead ? 1 : 0, trail ? s.length - 1 : s.length);
    const cs = m.cased ? '_cs' : '';
    if (inner.every((p) => p.kind === 'text')) {
      const text = inner.map((p) => (p.kind === 'text' ? p.text : '')).join('');
      if (text === '') {
        if (lead || trail) {
          // `*` matches any value of a present field, the empty string included; every row has
          // some column.
          if (o === null) return TRUE;
          return this.present(o, m, neg);
        }
        // An empty value: a present, empty field. In a string column empty and missing are one:
        // `== ""` widens (a missing value too); under `not` the narrowing form is false (no row
        // is surely present-and-empty).
        if (o && o.type === 'dynamic') return atomLeaf(`isnotnull(${o.expr}) and ${side} == ""`);
        if (o && stringLike(o)) {
          this.lowering.report(
            m,
            'string-empty',
            emptyOrMissing(o, neg, 'empty'),
            neg ? 'narrower' : 'wider',
          );
          if (neg) return FALSE;
        }
        return { eq: '""' };
      }
      const lit = kustoString(text);
      if (lead && trail) return atomLeaf(`${side} contains${cs} ${lit}`);
      if (trail) return atomLeaf(`${side} startswith${cs} ${lit}`);
      if (lead) return atomLeaf(`${side} endswith${cs} ${lit}`);
      return { eq: lit };
    }
    // Inner `*` or `?`: an anchored RE2 regex ("matches regex operator": RE2, case-sensitive unless (?i)).
    const re = sigmaToRegex(v, m.op, { cased: m.cased, dialect: 're2' });
    return atomLeaf(`${side} matches regex ${kustoString(re)}`);
  }

  /** `%name%` left by `|expand`: a query_expression_placeholders template, or a watchlist. */
  private placeholder(side: string, v: SigmaString, m: StringMatch): string | null {
    if (v.length === 1 && v[0].kind === 'placeholder' && m.op === 'eq' && side !== '*') {
      const name = v[0].name;
      const tpl = this.ctx.placeholderExpressions[name];
      if (tpl !== undefined) return tpl.split('{field}').join(side);
      // Sentinel watchlists: `_GetWatchlist('alias')` returns the rows, `SearchKey` the key column.
      return `${side} ${m.cased ? 'in' : 'in~'} (_GetWatchlist(${kustoString(name)}) | project SearchKey)`;
    }
    return this.refuse(
      m,
      `placeholder in '${m.field ?? 'keyword'}' is part of a larger value or under '${m.op}': only a whole-value placeholder maps to a watchlist; supply values with a value_placeholders pipeline`,
      'placeholder',
    );
  }

  private regex(m: RegexMatch): Tree<Rendered> {
    const f = regexFeatures(m.pattern);
    const bad = f.lookaround
      ? 'lookaround'
      : f.backreference
        ? 'a backreference'
        : f.possessive
          ? 'a possessive quantifier'
          : f.atomic
            ? 'an atomic group'
            : unsupportedRe2Escape(m.pattern);
    // "matches regex operator": Kusto regexes are RE2, which has no lookaround or backreferences.
    if (bad) {
      this.refuse(m, `regular expression uses ${bad}, which Kusto's RE2 engine does not support`, 'regex');
      return REFUSED;
    }
    const o = this.stringOperand(m.field, m);
    if (o === false) return REFUSED;
    const flags = (m.flags.i ? 'i' : '') + (m.flags.m ? 'm' : '') + (m.flags.s ? 's' : '');
    const re = (flags ? `(?${flags})` : '') + m.pattern;
    return atomLeaf(`${o === null ? '*' : this.str(o)} matches regex ${kustoString(re)}`);
  }

  private cidr(m: CidrMatch, neg: boolean): Tree<Rendered> {
    const o = this.operand(m.field, m);
    if (!o) return REFUSED;
    const s = this.str(o);
    const parts: string[] = [];
    for (const v of [4, 6] as const) {
      const nets = m.networks
        .filter((n) => n.version === v)
        .map((n) => kustoString(`${n.address}/${n.prefix}`));
      if (nets.length === 0) continue;
      // "ipv4_is_in_range()" / "ipv6_is_in_any_range()": null when the value is not an address of that family.
      const call =
        nets.length === 1
          ? `ipv${v}_is_in_range(${s}, ${nets[0]})`
          : `ipv${v}_is_in_any_range(${s}, ${nets.join(', ')})`;
      parts.push(this.guard(call, neg));
    }
    return parts.length === 1 ? atomLeaf(parts[0]) : leaf({ text: parts.join(' or '), prec: 'or' });
  }

  /** A number's Kusto literal; null when refused (reported). */
  private numberLiteral(n: NumberValue, m: Match): string | null {
    // Kusto has no literal for an infinite or NaN real: never print `Infinity`.
    if (!Number.isFinite(n.value))
      return this.refuse(m, `number '${n.text}' is not a finite number`, 'number');
    return /^-?\d+(\.\d+)?$/.test(n.text) ? n.text.replace(/^(-?)0+(?=\d)/, '$1') : String(n.value);
  }

  /** The literals of a list of numbers; null when one is refused (reported). */
  private numberLiterals(values: readonly NumberValue[], m: Match): string[] | null {
    const out: string[] = [];
    for (const v of values) {
      const lit = this.numberLiteral(v, m);
      if (lit === null) return null;
      out.push(lit);
    }
    return out;
  }

  private number(m: NumberMatch, neg: boolean): Tree<Rendered> {
    // A field-less number is a keyword: its text anywhere. The backend's `keywordNumbersAsText`
    // capability rewrites it so before lowering (convert.ts, and retarget in index.ts); a renderer
    // used on its own, as tests do, gets the same rewrite here.
    if (m.field === null) return this.string(keywordNumberAsText(m) as StringMatch, neg);
    const o = this.operand(m.field, m);
    if (!o) return REFUSED;
    const lits = this.numberLiterals(m.values, m); // refuses a non-finite number (reported)
    if (!lits) return REFUSED;
    if (o.type !== 'number') {
      // A Sigma number matches a text only as its canonical spelling (src/ir/number.ts), which
      // tolong() does not keep: it converts any text it reads as a number, null otherwise
      // (https://learn.microsoft.com/en-us/kusto/query/tolong-function). A string column compares
      // the text; any other column its text: tostring() of a long or real is its spelling, of a
      // dynamic string the string, of a bool or datetime never digits, and of null ""
      // (https://learn.microsoft.com/en-us/kusto/query/tostring-function), so the test is never
      // null and needs no guard under not.
      const lhs = o.type === 'string' ? o.expr : `tostring(${o.expr})`;
      const texts = m.values.map((v) => kustoString(canonicalNumber(v)));
      return atomLeaf(texts.length === 1 ? `${lhs} == ${texts[0]}` : `${lhs} in (${texts.join(', ')})`);
    }
    const lhs = o.expr;
    // "null values": `==` with one null operand is false, so a missing value is safe under not.
    if (lits.length === 1) return atomLeaf(`${lhs} == ${lits[0]}`);
    return atomLeaf(this.guard(`${lhs} in (${lits.join(', ')})`, neg));
  }

  private boolean(m: BooleanMatch): Tree<Rendered> {
    const o = this.operand(m.field, m);
    if (!o) return REFUSED;
    if (o.type === 'bool') return atomLeaf(`${o.expr} == ${m.value}`);
    return atomLeaf(`${this.str(o)} =~ ${kustoString(String(m.value))}`);
  }

  private compare(m: CompareMatch, neg: boolean): Tree<Rendered> {
    const o = this.operand(m.field, m);
    if (!o) return REFUSED;
    // A column of unknown type may be a string, which `>` does not accept (KS106): toreal() binds on any type.
    const lhs = o.type === 'number' ? o.expr : `toreal(${o.expr})`;
    const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[m.op];
    const lit = this.numberLiteral(m.value, m);
    if (lit === null) return REFUSED;
    return atomLeaf(this.guard(`${lhs} ${op} ${lit}`, neg));
  }

  /**
   * Sigma compares two fields only when both are present. A typed column that is missing is null,
   * guarded with isnotnull() (exact); a string column reads a missing value as "" ("The string data
   * type"), so two missing fields compare equal and `contains ""` is always true: labelled, the
   * bare comparison widens; under `not` the string sides are guarded with isnotempty(), which
   * narrows (so that the whole query still widens).
   */
  private fieldref(m: FieldRefMatch, neg: boolean): Tree<Rendered> {
    const oa = this.operand(m.field, m);
    if (!oa) return REFUSED;
    const ob = this.operand(m.other, m);
    if (!ob) return REFUSED;
    const a = this.str(oa);
    const b = this.str(ob);
    const cs = m.cased ? '_cs' : '';
    let cmp: string;
    switch (m.op) {
      case 'eq':
        cmp = `${a} ${m.cased ? '==' : '=~'} ${b}`;
        break;
      case 'contains':
      case 'startswith':
      case 'endswith':
        cmp = `${a} ${m.op}${cs} ${b}`;
        break;
      default:
        return assertNever(m.op);
    }
    const guarded = (guards: readonly string[]): Tree<Rendered> =>
      guards.length ? leaf({ text: [...guards, cmp].join(' and '), prec: 'and' }) : atomLeaf(cmp);
    // Exact: a typed side that is missing is null, and isnotnull() drops it.
    const typed = guarded([oa, ob].filter((o) => !stringLike(o)).map((o) => `isnotnull(${o.expr})`));
    const stringy = [oa, ob].filter(stringLike).map((o) => o.expr);
    if (stringy.length === 0) return typed;
    // The narrower form also drops the missing string sides with isnotempty() (and the present
    // empty ones, which Kusto cannot tell apart).
    const narrower = guarded(
      [oa, ob].map((o) => (stringLike(o) ? `isnotempty(${o.expr})` : `isnotnull(${o.expr})`)),
    );
    return this.lowering.bound(
      m,
      neg,
      'string-fieldref',
      `'${m.field}' compared with field '${m.other}': Kusto reads a missing string as "" (${stringy.map((x) => `'${x}'`).join(', ')}), so a missing field is compared as an empty one; ${neg ? "under 'not' the comparison is narrowed" : 'the comparison is widened'} (the query may match more events than the rule)`,
      { wider: typed, narrower },
    );
  }

  private time(m: TimeMatch, neg: boolean): Tree<Rendered> {
    const o = this.operand(m.field, m);
    if (!o) return REFUSED;
    const dt = o.type === 'datetime' ? o.expr : `todatetime(${o.expr})`;
    // "datetime_part()": week_of_year is the ISO 8601 week number.
    const part = {
      minute: 'Minute',
      hour: 'Hour',
      day: 'Day',
      week: 'week_of_year',
      month: 'Month',
      year: 'Year',
    }[m.unit];
    const lhs = `datetime_part(${kustoString(part)}, ${dt})`;
    const lits = this.numberLiterals(m.values, m);
    if (!lits) return REFUSED;
    const pred = lits.length === 1 ? `${lhs} == ${lits[0]}` : `${lhs} in (${lits.join(', ')})`;
    return atomLeaf(this.guard(pred, neg));
  }
}

/**
 * The message for a test of an empty or a missing value on a string column: Sigma tells a missing
 * field from a present empty one; a Kusto string column does not (a missing value reads as "",
 * "The string data type"). The test widens (also the other case), or under `not` narrows
 * (neither), so that the whole query widens.
 */
function emptyOrMissing(o: Operand, neg: boolean, what: 'empty' | 'missing'): string {
  const other = what === 'empty' ? 'missing' : 'present but empty';
  return `'${o.expr}' ${what === 'empty' ? 'empty' : 'missing'}: Kusto reads a missing string as "", so a ${other} value cannot be told apart; ${neg ? `under 'not' the test matches no row (narrowing, so the whole query` : `the test also matches a ${other} value (the query`} may match more events than the rule)`;
}

/**
 * Prints the working tree. Constants are printed as `true` / `false`, not folded away: folding
 * would change the text of queries where an approximated leaf became a constant
 * (`not(isnull(X) or false)`), and the output is kept byte-identical.
 */
function print(t: Tree<Rendered>): Rendered {
  switch (t.kind) {
    case 'const':
      return atom(String(t.value));
    case 'leaf':
      return t.leaf;
    case 'not':
      return atom(`not(${print(t.child).text})`);
    case 'and':
    case 'or': {
      const parts = t.children.map(print);
      if (parts.length === 1) return parts[0];
      return joinBalanced(
        parts.map((p) => (t.kind === 'and' && p.prec === 'or' ? `(${p.text})` : p.text)),
        t.kind,
      );
    }
    default:
      return assertNever(t);
  }
}

/**
 * Joins operands with `and`/`or`. Kusto's analyzer gives up on deeply nested syntax (KS245 "Query
 * syntax depth exceeds maximum safe limit" for a chain of ~1,000 `or`s), so long chains are
 * grouped in parenthesised blocks (same meaning: and/or are associative).
 */
const CHAIN = 64;
function joinBalanced(parts: readonly string[], op: 'and' | 'or'): Rendered {
  let level = [...parts];
  while (level.length > CHAIN) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += CHAIN) {
      const chunk = level.slice(i, i + CHAIN);
      next.push(chunk.length === 1 ? chunk[0] : `(${chunk.join(` ${op} `)})`);
    }
    level = next;
  }
  return { text: level.join(` ${op} `), prec: op };
}

/** A string column, or one of unknown type (which may be a string): a missing value reads as "". */
function stringLike(o: Operand): boolean {
  return o.type === 'string' || o.type === 'unknown';
}
