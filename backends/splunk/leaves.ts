/**
 * One match at a time: can the search command say it exactly, what is its widest sound search
 * form (positive) or narrowest one (under `not`), and what is its exact `| where` expression.
 */
import { assertNever } from '../../src/diagnostics.js';
import { addedBy } from '../../src/ir/origin.js';
import { networkText } from '../../src/ir/cidr.js';
import { canonicalNumber } from '../../src/ir/number.js';
import { withOp } from '../../src/ir/sigma-string.js';
import type { Match, NumberValue, Part, SigmaString, StringMatch } from '../../src/ir/types.js';
import { regexAsString, sigmaToRegex } from '../../src/regex/index.js';
import { evalFieldName, pcreSafe, searchFieldName, searchSafeText, splString } from './spl.js';
import { FALSE, TRUE, leaf, type Tree } from '../../src/lowering/tree.js';

/**
 * The search-term name of a match's field, or null. A match a pipeline added (`add_condition`
 * marks it `addedBy`) is trusted to use directive names such as `index`.
 */
function sf(m: Match): string | null {
  return m.field === null ? null : searchFieldName(m.field, addedBy(m) !== undefined);
}

/** Query-expression templates a pipeline set for placeholders (`{field}` left to fill). */
export type PlaceholderExprs = Readonly<Record<string, string>>;

/** Numbers the search command compares as written (no sign, exponent or leading zeros to reinterpret). */
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** A value that is exactly one placeholder, under `eq`: the only placement a macro can take. */
function solePlaceholder(v: SigmaString, op: StringMatch['op']): string | null {
  return op === 'eq' && v.length === 1 && v[0].kind === 'placeholder' ? v[0].name : null;
}

/**
 * Text the search command reads as a subnet, not as text: an IPv4 or IPv6 network in CIDR
 * notation (Search Reference "search": "The search command supports IPv4 and IPv6 addresses and
 * subnets that use CIDR notation"; NOTES 1.5). Tested without the value's leading and trailing
 * `*`, whose effect on the reading is not documented (the safe side).
 */
const CIDR_LIKE = /^(?:\d{1,3}(?:\.\d{1,3}){0,3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)\/\d{1,3}$/;

function cidrLike(v: SigmaString): boolean {
  let s = '';
  for (const p of v) s += p.kind === 'text' ? p.text : '*';
  return CIDR_LIKE.test(s.replace(/^\*+|\*+$/g, ''));
}

/** A value the search command matches exactly: `*` wildcards only, no literal `*`, no control characters, not read as a subnet. */
function searchExactValue(v: SigmaString, op: StringMatch['op']): boolean {
  if (op === 'eq' && v.length === 0) return false; // `f=""`: empty values are not documented
  if (cidrLike(v)) return false; // `f="10.0.0.0/8"` would be a subnet match, not this text
  return v.every((p) => {
    switch (p.kind) {
      case 'text':
        // No escape for a literal `*` in a search term (Search Manual "Backslashes").
        return !p.text.includes('*') && searchSafeText(p.text);
      case 'any':
        return true;
      case 'one': // no single-character wildcard in search terms (Search Manual "Wildcards")
      case 'placeholder':
        return false;
      default:
        return assertNever(p);
    }
  });
}

export function searchExact(m: Match): boolean {
  switch (m.kind) {
    case 'string':
      // Bare terms match segmented index terms, not substrings (Search Manual "Event segmentation").
      if (m.field === null || !sf(m) || m.cased) return false;
      return m.values.every((v) => solePlaceholder(v, m.op) !== null || searchExactValue(v, m.op));
    case 'number':
      return m.field !== null && !!sf(m) && m.values.every((n) => PLAIN_NUMBER.test(numberText(n)));
    case 'compare':
      return !!sf(m) && PLAIN_NUMBER.test(numberText(m.value));
    case 'cidr': // "The search command supports IPv4 and IPv6 addresses and subnets that use CIDR notation."
    case 'boolean':
    case 'exists':
    case 'null':
      return !!sf(m);
    case 'regex':
    case 'fieldref':
    case 'time':
      return false;
    default:
      return assertNever(m);
  }
}

/** The search text of a value: Sigma `*` is SPL `*`; everything else literal. */
function searchValue(v: SigmaString): string {
  let s = '';
  for (const p of v) s += p.kind === 'text' ? p.text : '*';
  return splString(s.replace(/\*{2,}/g, '*'));
}

/**
 * A number as the search command and eval write it: the canonical decimal spelling, the only text
 * a Sigma number matches (src/ir/number.ts). `f=4688` compares the field's text, with wildcards
 * (`status=4*` matches 404: https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/search-command/search-command-examples).
 */
function numberText(n: NumberValue): string {
  return canonicalNumber(n);
}

/** The search term of a match that `searchExact` accepts. */
export function searchTerm(m: Match, placeholders: PlaceholderExprs): string {
  switch (m.kind) {
    case 'string': {
      const f = sf(m)!;
      const plain: string[] = [];
      const terms: string[] = [];
      for (const v0 of m.values) {
        const name = solePlaceholder(v0, m.op);
        if (name === null) plain.push(searchValue(withOp(v0, m.op)));
        else if (placeholders[name] !== undefined)
          terms.push(`(${placeholders[name].replaceAll('{field}', f)})`);
        // A macro expands before parsing ("Use search macros in searches"): it must hold a comma-separated list of quoted values.
        else terms.push(`${f} IN (\`${name}\`)`);
      }
      // `IN` must be upper-case and takes wildcards (Splunk blog "Smooth operator").
      if (plain.length === 1) terms.unshift(`${f}=${plain[0]}`);
      else if (plain.length > 1) terms.unshift(`${f} IN (${plain.join(', ')})`);
      return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
    }
    case 'number': {
      const f = sf(m)!;
      return m.values.length === 1
        ? `${f}=${numberText(m.values[0])}`
        : `${f} IN (${m.values.map(numberText).join(', ')})`;
    }
    case 'compare': {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[m.op];
      return `${sf(m)!}${op}${numberText(m.value)}`;
    }
    case 'cidr': {
      // CIDR values are never put in `IN` (NOTES 1.2: only plain `field="net"` is documented as a range).
      const f = sf(m)!;
      const terms = m.networks.map((n) => `${f}=${splString(networkText(n))}`);
      return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
    }
    case 'boolean':
      return `${sf(m)!}=${splString(String(m.value))}`;
    case 'exists':
      return m.exists ? `${sf(m)!}=*` : `NOT ${sf(m)!}=*`;
    case 'null':
      // `NOT f=*` keeps events without the field ("Difference between != and NOT").
      return `NOT ${sf(m)!}=*`;
    case 'regex':
    case 'fieldref':
    case 'time':
      throw new Error(`${m.kind} has no search term`);
    default:
      return assertNever(m);
  }
}

/** A value widened to the search command's language: `?`, literal `*`, control characters and placeholders become `*`. */
function widenValue(v: SigmaString): SigmaString {
  const out: Part[] = [];
  const any: Part = { kind: 'any' };
  for (const p of v) {
    if (p.kind === 'text') {
      // eslint-disable-next-line no-control-regex -- control characters are what is matched
      const pieces = p.text.split(/[*\x00-\x1f\x7f]/);
      pieces.forEach((t, i) => {
        if (i > 0) out.push(any);
        if (t) out.push({ kind: 'text', text: t });
      });
    } else if (p.kind === 'any' || p.kind === 'one' || p.kind === 'placeholder') out.push(any);
  }
  // A subnet-like text (`10.0.0.0/8`) widens to `10.0.0.0*8`, which search reads as text.
  if (cidrLike(out))
    return out.flatMap((p) =>
      p.kind === 'text'
        ? p.text
            .split('/')
            .flatMap((t, i): Part[] => [
              ...(i > 0 ? [any] : []),
              ...(t ? [{ kind: 'text' as const, text: t }] : []),
            ])
        : [p],
    );
  return out;
}

/**
 * The widest sound search form of a match (a superset of its events), for the base search when
 * the match is not under `not`. TRUE when nothing better is sound.
 */
export function widen(m: Match): Tree<Match> {
  if (searchExact(m)) return leaf(m);
  switch (m.kind) {
    case 'string': {
      if (m.field === null || !sf(m)) return TRUE;
      const values: SigmaString[] = [];
      for (const v of m.values) {
        if (solePlaceholder(v, m.op) !== null) {
          values.push(v);
          continue;
        }
        const w = widenValue(v);
        if (m.op === 'eq' && w.length === 0) return TRUE; // `f=""` cannot be said: no sound narrowing of OR
        values.push(w);
      }
      return leaf({ ...m, values, cased: false });
    }
    case 'regex': {
      // A regex that is a wildcard match, or a wider one (`.` without `s` does not match a newline; `*` does).
      const s = regexAsString(m);
      return s ? widen(s.match) : TRUE;
    }
    // Not search-exact: a directive-named field, a number search would reinterpret, or no search form at all.
    case 'number':
    case 'compare':
    case 'cidr':
    case 'boolean':
    case 'exists':
    case 'null':
    case 'fieldref':
    case 'time':
      return TRUE;
    default:
      return assertNever(m);
  }
}

/** The narrowest sound search form (a subset of its events), for a match under `not`. FALSE when nothing is sound. */
export function narrow(m: Match): Tree<Match> {
  if (searchExact(m)) return leaf(m);
  if (m.kind === 'string' && m.field !== null && sf(m) && !m.cased) {
    const values = m.values.filter((v) => solePlaceholder(v, m.op) !== null || searchExactValue(v, m.op));
    return values.length ? leaf({ ...m, values }) : FALSE;
  }
  return FALSE;
}

/** Splits a multi-value string match into its search-exact values and the rest (null if one side is empty). */
export function splitValues(m: Match): [Match, Match] | null {
  if (m.kind !== 'string' || m.values.length < 2 || m.field === null || !sf(m) || m.cased) return null;
  const yes = m.values.filter((v) => solePlaceholder(v, m.op) !== null || searchExactValue(v, m.op));
  if (yes.length === 0 || yes.length === m.values.length) return null;
  const no = m.values.filter((v) => !yes.includes(v));
  return [
    { ...m, values: yes },
    { ...m, values: no },
  ];
}

/** The PCRE of a string match's values, ORed: `(?i)` unless cased; anchors from the op (sigmaToRegex). */
export function stringRegex(m: StringMatch): string {
  const alts = m.values.map((v) => sigmaToRegex(v, m.op, { cased: true }));
  const body = alts.length === 1 ? alts[0] : `(?:${alts.join('|')})`;
  // eval is case-sensitive (Search Reference "where"): Sigma's case-insensitive default is an inline (?i).
  return (m.cased ? '' : '(?i)') + body;
}

/** The PCRE of a `|re` match, with its flags inline. */
export function regexPattern(m: Extract<Match, { kind: 'regex' }>): string {
  const flags = (m.flags.i ? 'i' : '') + (m.flags.m ? 'm' : '') + (m.flags.s ? 's' : '');
  return (flags ? `(?${flags})` : '') + pcreSafe(m.pattern);
}

/** True when the match has an exact `| where` form. */
export function whereExact(m: Match): boolean {
  switch (m.kind) {
    case 'string':
      return m.values.every((v) => v.every((p) => p.kind !== 'placeholder'));
    case 'time':
      return false;
    case 'regex':
    case 'number':
    case 'compare':
    case 'cidr':
    case 'boolean':
    case 'exists':
    case 'null':
    case 'fieldref':
      return true;
    default:
      return assertNever(m);
  }
}

/**
 * The exact eval expression of a match, `negated` for the match under an odd number of `not`s.
 * A function of a missing field is null and `where` drops null: a negated test is guarded with
 * `isnull(f) OR NOT ...` so that events without the field pass, as Sigma says they do.
 */
export function whereExpr(m: Match, negated: boolean): string {
  const f = m.field === null ? '_raw' : evalFieldName(m.field);
  const guard = (test: string): string =>
    negated ? (m.field === null ? not(test) : `(isnull(${f}) OR ${not(test)})`) : test;
  switch (m.kind) {
    case 'string':
      // match() is unanchored PCRE ("Quick Reference for eval functions"); anchors come from the op.
      return guard(`match(${f}, ${splString(stringRegex(m))})`);
    case 'regex':
      return guard(`match(${f}, ${splString(regexPattern(m))})`);
    case 'cidr': {
      const t = m.networks.map((n) => `cidrmatch(${splString(networkText(n))}, ${f})`);
      return guard(t.length === 1 ? t[0] : `(${t.join(' OR ')})`);
    }
    case 'number': {
      // Not `f==4688`: eval compares a numeric-looking text as a number ("04688", "4688.0" and,
      // read by eval, " 4688" equal 4688), and a Sigma number matches only its canonical text.
      const values = m.values.map((n): SigmaString => [{ kind: 'text', text: numberText(n) }]);
      const re = stringRegex({ kind: 'string', field: m.field, op: 'eq', values, cased: true });
      return guard(`match(${f}, ${splString(re)})`);
    }
    case 'compare': {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[m.op];
      return guard(`${f}${op}${numberText(m.value)}`);
    }
    case 'boolean':
      return guard(`lower(${f})==${splString(String(m.value))}`);
    case 'exists':
      return m.exists !== negated ? `isnotnull(${f})` : `isnull(${f})`;
    case 'null':
      return negated ? `isnotnull(${f})` : `isnull(${f})`;
    case 'fieldref': {
      const o = evalFieldName(m.other);
      const [a, b] = m.cased ? [f, o] : [`lower(${f})`, `lower(${o})`];
      let t: string;
      const op = m.op;
      switch (op) {
        case 'eq':
          t = `${a}==${b}`;
          break;
        case 'startswith':
          t = `substr(${a}, 1, len(${o}))==${b}`;
          break;
        case 'endswith':
          t = `(len(${f})>=len(${o}) AND substr(${a}, len(${f})-len(${o})+1)==${b})`;
          break;
        case 'contains':
          // The other value as a literal regex: PCRE reads `\` before any non-alphanumeric character as that character.
          t = `match(${a}, replace(${b}, ${splString('([^A-Za-z0-9])')}, ${splString('\\\\\\1')}))`;
          break;
        default:
          return assertNever(op);
      }
      return negated ? `(isnull(${f}) OR isnull(${o}) OR ${not(t)})` : t;
    }
    case 'time':
      throw new Error('time has no where form');
    default:
      return assertNever(m);
  }
}

/** `NOT` over an eval test; comparisons get parentheses (eval: NOT binds before comparisons is not documented). */
function not(test: string): string {
  return /^(?:match|cidrmatch)\(/.test(test) || test.startsWith('(') ? `NOT ${test}` : `NOT (${test})`;
}
