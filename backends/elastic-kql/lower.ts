/**
 * IR -> KQL tree, with every gap between Sigma and KQL decided here (docs/elastic.md). Each
 * match is lowered knowing its polarity (the kit's `lowerLeaves`): an approximation widens a
 * match that is not negated and narrows one under `not` (dropping a value is the narrowest), so
 * the query as a whole only ever matches more events than the rule. Every approximation and
 * every construct KQL cannot express is reported through the rule's `Lowering`.
 */
import { domainSplitTree } from './domain-split.js';
import { widenedField } from './widen.js';
import { canonicalNumber } from '../../src/ir/number.js';
import ipaddr from 'ipaddr.js';
import { assertNever } from '../../src/diagnostics.js';
import type {
  CidrMatch,
  Match,
  Node,
  NumberValue,
  StringMatch,
  SigmaString,
  StringOp,
} from '../../src/ir/types.js';
import { withOp } from '../../src/ir/sigma-string.js';
import type { Lowering } from '../../src/lowering/approximate.js';
import { ipv4CidrToPrefixes } from '../../src/lowering/cidr.js';
import { regexFeatures, regexAsString } from '../../src/regex/index.js';
import { lowerLeaves } from '../../src/lowering/tree.js';
import {
  exactTokens,
  hasCase,
  MAX_VARIANTS,
  spell,
  subsetTokens,
  supersetTokens,
  tokens,
  variantCount,
  whitespaceToAny,
  type Token,
} from './case.js';
import { phrase, phraseChar, unquotedChar, wildcardValue, WHITESPACE } from './escape.js';
import { caselessField, fieldClass, mainIndexesLonger, type FieldClass, type Schema } from './fields.js';
import { and, FALSE, not, or, TRUE } from '../../src/lowering/tree.js';
import { is, range, type K, type KqlLeaf } from './tree.js';

/** How case-insensitive matching on keyword fields is handled (`--set case=...`). */
export type CaseMode = 'widen' | 'caseless';

/** Stable reasons of approximations (a diagnostic's `reason`, counted by the corpus report). */
export type Reason =
  | 'case'
  | 'one-char-wildcard'
  | 'wildcard-whitespace'
  | 'regex'
  | 'cidr'
  | 'text-field'
  | 'field-type'
  | 'fieldref'
  | 'time'
  | 'field-less'
  | 'long-value';

/** Stable reasons of unsupported constructs that are not also reasons of approximations. */
export type UnsupportedReason = 'placeholder' | 'degenerate';

export interface LowerEnv {
  readonly caseMode: CaseMode;
  /** The rule's reporter: every approximation and unsupported construct goes through it. */
  readonly lowering: Lowering<Reason | UnsupportedReason>;
  /**
   * Fields whose values the data source writes as lowercase constants (data/pipelines.json
   * `lowercaseFields`, in force while a built-in ECS entry is chosen): a case-insensitive value is
   * matched exactly by its lowercase form.
   */
  readonly lowercase?: ReadonlySet<string>;
  /**
   * Target field -> domain field, where the source's "DOMAIN\name" value is stored split on the
   * backslash (Sysmon User -> user.domain + user.name): a Sigma value is matched against the pair.
   */
  readonly domainSplit?: Readonly<Record<string, string>>;
  /** Target field -> why a match on it is wider than the rule (data/pipelines.json `widenFields`). */
  readonly widen?: Readonly<Record<string, string>>;
  /** Whose field types apply (fields.ts): ECS by default, Elastic Defend's under `elastic-defend`. */
  readonly schema?: Schema;
}

/**
 * An approximation is degenerate when one of its widened alternatives is unanchored (begins and
 * ends with `*`) with at most this many other characters (`*`, `*4*`, `*-c*`, `*a*b*`): it matches
 * (nearly) every event of its log source, so the match is refused instead (`unsupported`, reason
 * `degenerate`), with -t eql as the way out. Only a widening (not under `not`) can be degenerate.
 */
export const DEGENERATE = 2;

/** Budget of patterns for one match's case superset. */
const SUPERSET_BUDGET = 256;

function where(m: Match): string {
  return m.field === null ? 'a keyword' : `field '${m.field}'`;
}

/** The rule's IR as a KQL tree, each match lowered with its polarity (not yet simplified). */
export function lowerNode(n: Node, env: LowerEnv): K {
  return lowerLeaves(n, (m, negated) => lowerMatch(m, env, negated));
}

/** Where KQL cannot test a match: widen to "the field exists" or, under `not`, narrow to nothing. */
function giveUp(
  m: Match & { field: string },
  env: LowerEnv,
  negated: boolean,
  reason: Reason,
  what: string,
): K {
  if (!negated) return degenerateExists(m, env, what);
  return env.lowering.bound(
    m,
    negated,
    reason,
    negated
      ? `${what}; under 'not' the test is dropped (the negated part matches nothing, so the query matches more events)`
      : `${what}; the query tests only that ${where(m)} exists (matches more events)`,
    { wider: is(m.field, ['*']), narrower: FALSE },
  );
}

/**
 * A widening to "the field exists" (or "both fields exist") matches (nearly) every event of its
 * log source: degenerate (see DEGENERATE), refused with the EQL way out.
 */
function degenerateExists(m: Match, env: LowerEnv, what: string): K {
  env.lowering.unsupported(
    m,
    `${what}; the only KQL approximation, a test that ${where(m)} exists, would match (nearly) every event: convert this rule with -t eql (on a keyword field), or map the field to one that KQL can test`,
    'degenerate',
  );
  return FALSE;
}

function lowerMatch(m: Match, env: LowerEnv, negated: boolean): K {
  const dropped = widenedField<KqlLeaf>(m, env.widen, env.lowering, negated);
  if (dropped) return dropped;
  switch (m.kind) {
    case 'string':
      return lowerString(m, env, negated);
    case 'regex': {
      // A regex with an exact wildcard form arrives as that string match (the shared pass,
      // `capabilities.regexAsWildcard`); the form is taken here too for a caller that skips the
      // passes. An inexact form (its '*' also matches newlines) is a widening: not under `not`.
      const form = regexAsString(m);
      if (form && (form.exact || !negated)) {
        if (!form.exact)
          env.lowering.report(
            m,
            'regex',
            `regex /${m.pattern}/ on ${where(m)} became a wildcard match whose '*' also matches newlines (matches more events)`,
            'wider',
          );
        return lowerString(form.match, env, negated);
      }
      if (negated)
        return env.lowering.drop(
          m,
          negated,
          'regex',
          `KQL has no regular expressions: regex /${m.pattern}/ on ${where(m)} under 'not' is dropped (the query matches more events)`,
        );
      const f = regexFeatures(m.pattern);
      env.lowering.unsupported(
        m,
        `KQL has no regular expressions and /${m.pattern}/ on ${where(m)} has no wildcard equivalent` +
          (f.lookaround || f.backreference ? ' (it uses lookaround or backreferences)' : '') +
          ': use an EQL or Lucene (regexp query) rule for it',
        'regex',
      );
      return FALSE;
    }
    case 'cidr':
      return lowerCidr(m, env, negated);
    case 'number':
      return lowerNumber(m, env, negated);
    case 'boolean': {
      const cls = fieldClass(m.field, env.schema);
      // A boolean field holds true/false: `field: true` is exact.
      if (cls === 'boolean') return is(m.field, [String(m.value)]);
      // A Sigma boolean also matches the text "true"/"false" in any case (Sysmon writes "true",
      // other sources "True"): every case spelling, as phrases. A JSON boolean in a keyword field
      // is indexed as the text "true"/"false", which the lowercase phrase matches.
      if (cls === 'keyword' || cls === 'unknown')
        return is(
          m.field,
          asciiCaseSpellings(String(m.value)).map((v) => '"' + v + '"'),
        );
      return giveUp(m, env, negated, 'field-type', `'${m.field}' is not a boolean or keyword field`);
    }
    case 'compare': {
      const cls = fieldClass(m.field, env.schema);
      // A KQL range is a numeric comparison only on a numeric field: on a keyword field (the
      // type Beats/Agent templates give strings, and what an untyped field is taken to be)
      // Elasticsearch compares the terms as text ("10" < "5"), so the range would miss events.
      if (cls === 'numeric') {
        const op = ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as const)[m.op];
        return range(m.field, op, String(m.value.value));
      }
      return giveUp(
        m,
        env,
        negated,
        'field-type',
        cls === 'unknown'
          ? `'${m.field}' has no known numeric type: on keyword-mapped data a KQL range compares as text ("10" < "5"), not as a number`
          : `'${m.field}' is a ${cls} field: a KQL range would compare as ${cls === 'keyword' ? 'text' : cls}, not as a number`,
      );
    }
    case 'exists':
      // `field: *` is an exists query: any indexed value, the empty string included (Kibana guide, KQL).
      return m.exists ? is(m.field, ['*']) : not(is(m.field, ['*']));
    case 'null':
      // Elasticsearch does not index null, so "absent or null" is "not exists".
      return not(is(m.field, ['*']));
    case 'fieldref':
      if (!negated)
        return degenerateExists(m, env, `KQL cannot compare two fields ('${m.field}' ${m.op} '${m.other}')`);
      return env.lowering.bound(
        m,
        negated,
        'fieldref',
        negated
          ? `KQL cannot compare two fields ('${m.field}' with '${m.other}'): under 'not' the comparison is dropped (the query matches more events)`
          : `KQL cannot compare two fields: '${m.field}' ${m.op} '${m.other}' became "both fields exist" (matches more events)`,
        { wider: and([is(m.field, ['*']), is(m.other, ['*'])]), narrower: FALSE },
      );
    case 'time':
      return giveUp(m, env, negated, 'time', `KQL cannot extract the ${m.unit} of '${m.field}'`);
    default:
      return assertNever(m);
  }
}

/** Every ASCII upper/lower spelling of a word (`true` -> 16 spellings), the word itself first. */
function asciiCaseSpellings(word: string): string[] {
  let out = [''];
  for (const c of word) {
    const forms = c.toLowerCase() === c.toUpperCase() ? [c] : [c.toLowerCase(), c.toUpperCase()];
    out = out.flatMap((o) => forms.map((f) => o + f));
  }
  return out;
}

function numberText(n: NumberValue): string {
  // A Sigma number matches the text of its canonical spelling (src/ir/number.ts), which a term
  // query on a keyword field compares ("must exactly match the field value, including whitespace":
  // https://www.elastic.co/guide/en/elasticsearch/reference/7.8/query-dsl-term-query.html); a
  // numeric field holds the parsed number (https://www.elastic.co/docs/reference/elasticsearch/mapping-reference/coerce).
  // An unquoted number goes through JS Number() in KQL: printed bare when that keeps the
  // spelling (`4688`), quoted otherwise (`"1000000000000000000000"`).
  const c = canonicalNumber(n);
  return String(Number(c)) === c ? c : `"${c}"`;
}

function lowerNumber(m: Extract<Match, { kind: 'number' }>, env: LowerEnv, negated: boolean): K {
  const cls = m.field === null ? 'unknown' : fieldClass(m.field, env.schema);
  if (cls === 'numeric' || cls === 'keyword' || cls === 'unknown') {
    const values = m.values.map(numberText);
    if (m.field === null) {
      // As for a field-less string: the default-field search is no superset under `not`.
      const dropped = fieldLess(m, env, negated);
      if (dropped) return dropped;
    }
    return is(m.field, values);
  }
  return giveUp(
    m as Match & { field: string },
    env,
    negated,
    'field-type',
    `'${m.field}' is a ${cls} field and cannot equal a number`,
  );
}

/** Control characters other than TAB, LF, CR (which KQL escapes): NUL from |wide, ... */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Reports a field-less match (a keyword) searched through Kibana's default fields: wider when
 * positive; under `not` the default-field search is no superset of the keyword match, so it is
 * dropped (the query matches more events) and the constant is returned. Null: go on lowering.
 */
function fieldLess(m: Match, env: LowerEnv, negated: boolean): K | null {
  if (negated)
    return env.lowering.drop(
      m,
      negated,
      'field-less',
      `${fieldLessMessage}: under 'not' the keyword is dropped (the query matches more events)`,
    );
  env.lowering.report(m, 'field-less', fieldLessMessage, 'wider');
  return null;
}

const fieldLessMessage =
  "a keyword (field-less) term: Kibana matches it against the index's default fields (index.query.default_field), analysed text fields by token";

/* ---------------------------------------------------------------- strings */

/** The Sigma string with its op folded in, as KQL segments; null when it holds a placeholder. */
function toPattern(s: SigmaString, op: StringOp): { segs: string[]; one: boolean } | null {
  const segs: string[] = [''];
  let one = false;
  for (const p of withOp(s, op)) {
    switch (p.kind) {
      case 'text':
        segs[segs.length - 1] += p.text;
        break;
      case 'one':
      case 'any':
        // `?` is widened to `*` here; callers decide whether that is allowed (`one`).
        if (p.kind === 'one') one = true;
        if (!(segs.length > 1 && segs[segs.length - 1] === '')) segs.push('');
        break;
      case 'placeholder':
        return null;
      default:
        return assertNever(p);
    }
  }
  return { segs, one };
}

function lowerString(m: StringMatch, env: LowerEnv, negated: boolean, split = true): K {
  const cls: FieldClass = m.field === null ? 'unknown' : fieldClass(m.field, env.schema);
  if (m.field === null) {
    const dropped = fieldLess(m, env, negated);
    if (dropped) return dropped;
    const byWord = fieldLessByWord(m, env);
    if (byWord) return byWord;
  }
  if (split && m.field !== null && env.domainSplit && Object.hasOwn(env.domainSplit, m.field)) {
    // A value the source wrote as "DOMAIN\name" and the integration stores split on the backslash.
    const domain = env.domainSplit[m.field];
    const lower = (part: StringMatch) => lowerString(part, env, negated, false);
    return domainSplitTree(m, m.field, domain, lower, () => not(is(domain, ['*'])));
  }
  for (const v of m.values)
    for (const p of v)
      if (p.kind === 'text' && CONTROL.test(p.text)) {
        env.lowering.unsupported(
          m,
          `a value of ${where(m)} holds a control character (U+${p.text.match(CONTROL)![0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, e.g. from |wide): KQL has no escape for it and Elasticsearch stores decoded text`,
          'field-type',
        );
        return FALSE;
      }
  const pats: { segs: string[]; one: boolean }[] = [];
  for (const v of m.values) {
    const p = toPattern(v, m.op);
    if (!p) {
      env.lowering.unsupported(
        m,
        `an unresolved placeholder in ${where(m)}: give it a value with a pipeline`,
        'placeholder',
      );
      return FALSE;
    }
    pats.push(p);
  }
  switch (cls) {
    case 'keyword':
    case 'unknown':
      return keywordString(m, pats, env, negated);
    case 'text':
      return textString(m as StringMatch & { field: string }, pats, env, negated);
    case 'ip':
      return ipString(m as StringMatch & { field: string }, pats, env, negated);
    case 'numeric':
    case 'boolean':
    case 'date':
    case 'other': {
      const f = m as StringMatch & { field: string };
      const ok =
        cls === 'numeric'
          ? (s: string) => /^-?[0-9]+(\.[0-9]+)?$/.test(s)
          : cls === 'boolean'
            ? (s: string) => s === 'true' || s === 'false'
            : () => false;
      if (pats.every((p) => p.segs.length === 1 && ok(p.segs[0])))
        return is(
          f.field,
          pats.map((p) => p.segs[0]),
        );
      return giveUp(
        f,
        env,
        negated,
        'field-type',
        `'${f.field}' is a ${cls} field: KQL cannot match it as text`,
      );
    }
    default:
      return assertNever(cls);
  }
}

/** Characters the standard analyzer never separates (letters, digits, `_`). */
const WORD_RUN = /[\p{L}\p{N}_]+/gu;

/**
 * A field-less keyword (not negated) is searched in the index's default fields, keyword and
 * analysed text alike. On a text field a wildcard term is matched against single tokens, so
 * `*foo*bar*` misses "foo bar" (tokens `foo`, `bar`). A run of letters, digits and `_` of the
 * value always lies inside one token of any text that contains the value, and inside any keyword
 * value containing it: each value becomes "every run, as `*run*`" (wider than the value on both
 * field kinds). A value that is one run, alone or between `*`, keeps its own form (null here).
 * A value without any run cannot be found in a text field at all and widens to match-all.
 */
function fieldLessByWord(m: StringMatch, env: LowerEnv): K | null {
  const forms = m.values.map((v) => withOp(v, m.op));
  const oneRun = (ps: SigmaString): boolean => {
    const inner = ps.filter((p, i) => !(p.kind === 'any' && (i === 0 || i === ps.length - 1)));
    return inner.length === 1 && inner[0].kind === 'text' && /^[\p{L}\p{N}_]+$/u.test(inner[0].text);
  };
  if (forms.every(oneRun)) return null;
  const alts: K[] = [];
  let none = false;
  for (const ps of forms) {
    const runs: string[] = [];
    for (const p of ps) if (p.kind === 'text') for (const r of p.text.matchAll(WORD_RUN)) runs.push(r[0]);
    if (runs.length === 0) {
      none = true;
      alts.push(TRUE);
      continue;
    }
    alts.push(
      and(
        runs.map((r) =>
          keywordString(
            { kind: 'string', field: null, op: 'eq', values: [], cased: m.cased, origin: m.origin },
            [{ segs: ['', r, ''], one: false }],
            env,
            false,
          ),
        ),
      ),
    );
  }
  env.lowering.report(
    m,
    'field-less',
    `an analysed text field matches a wildcard term token by token, so a keyword value with separators became "each of its words occurs"${none ? ' (a value without letters or digits matches every event)' : ''} (matches more events)`,
    'wider',
  );
  return or(alts);
}

/**
 * A match on a keyword-like field (or a field of unknown type). `long` is set for the branch that
 * stands in for a caseless sub-field on values it does not index (longer than 1,024 characters):
 * that branch matches the main field, and its approximations are reported as `long-value`.
 */
function keywordString(
  m: StringMatch,
  pats0: { segs: string[]; one: boolean }[],
  env: LowerEnv,
  negated: boolean,
  long?: string,
): K {
  let pats = pats0;
  let field = m.field;
  let caseMode: CaseMode | 'cased' = m.cased ? 'cased' : env.caseMode;
  if (
    !m.cased &&
    field !== null &&
    env.lowercase?.has(field) &&
    pats.every((p) => p.segs.every((s) => /^[\x20-\x7e]*$/.test(s)))
  ) {
    // The source writes only lowercase ASCII here: the lowercase form is the one spelling that matches.
    caseMode = 'cased';
    pats = pats.map((p) => ({ ...p, segs: p.segs.map((s) => s.toLowerCase()) }));
  }
  // A value longer than 1,024 characters is not indexed in a caseless sub-field (ignore_above);
  // where the main field indexes it (Defend's wildcard-typed command lines), the caseless match
  // gets a second branch on the main field for exactly those values (`not <caseless>: *`).
  let longBranch: K | null = null;
  if (caseMode === 'widen' && field !== null && long === undefined) {
    const sub = caselessField(field, env.schema);
    if (sub && !mainIndexesLonger(field, env.schema)) caseMode = 'caseless';
    else if (sub) {
      // Few case variants: the main field, every variant listed, is exact for values of any length.
      const fewVariants = pats.every(
        (p) => !hasCase(p.segs) || variantCount(exactTokens(tokens(p.segs))) <= MAX_VARIANTS,
      );
      if (!fewVariants) {
        caseMode = 'caseless';
        longBranch = and([not(is(sub, ['*'])), keywordString(m, pats, env, negated, sub)]);
      }
    }
  }
  if (caseMode === 'caseless') {
    if (field === null) caseMode = 'widen';
    else field = caselessField(field, env.schema) ?? `${field}.caseless`;
  }
  const expand = Math.max(0, Math.min(3, Math.floor(Math.log2(SUPERSET_BUDGET / Math.max(1, pats.length)))));
  const out: string[] = [];
  const reasons = new Set<string>();
  const isSpace = (c: string) => WHITESPACE.test(c);
  /** The widened alternatives that are unanchored with at most two other characters (see DEGENERATE). */
  const degenerate: string[] = [];
  for (const { segs, one } of pats) {
    if (one) {
      if (negated) {
        reasons.add('one-neg');
        continue;
      }
      reasons.add('one');
    }
    let widened = one;
    const written = caseMode === 'caseless' ? segs.map((s) => s.toLowerCase()) : segs;
    const noCase = caseMode !== 'widen' || !hasCase(segs);
    if (noCase && written.length === 1) {
      // No case variants and no wildcard: the phrase, spelled from the text (the loop below
      // would give the same string from one token per character, most of this function's time).
      out.push(phrase(written[0]));
      continue;
    }
    if (noCase && !written.some((s) => WHITESPACE.test(s))) {
      // No case variants, no whitespace: the wildcard value from the segments (as below).
      const v = plainWildcard(written);
      if (
        widened &&
        !negated &&
        written[0] === '' &&
        written[written.length - 1] === '' &&
        codePoints(written) <= DEGENERATE
      )
        degenerate.push(v);
      out.push(v);
      continue;
    }
    const base = tokens(written);
    let lists: Token[][];
    if (noCase) lists = [base];
    else {
      const exact = exactTokens(base);
      if (variantCount(exact) <= MAX_VARIANTS) lists = [exact];
      else if (negated) {
        reasons.add('case-neg');
        lists = subsetTokens(base);
      } else {
        reasons.add('case');
        widened = true;
        lists = [supersetTokens(base, expand)];
      }
    }
    for (let toks of lists) {
      if (toks.includes(null)) {
        if (toks.some((t) => t !== null && isSpace(t[0]))) {
          if (negated) {
            reasons.add('ws-neg');
            continue;
          }
          reasons.add('ws');
          widened = true;
          toks = whitespaceToAny(toks, isSpace);
        }
        const spelled = spell(toks, unquotedChar, '*');
        if (
          widened &&
          !negated &&
          toks[0] === null &&
          toks[toks.length - 1] === null &&
          toks.filter((t) => t !== null).length <= DEGENERATE
        )
          degenerate.push(spelled[0]);
        out.push(...spelled);
      } else for (const v of spell(toks, phraseChar, '')) out.push('"' + v + '"');
    }
  }
  const w = where(m);
  if (degenerate.length && long !== undefined) {
    // The long-value branch widened to (nearly) anything: it stands for "a value too long for
    // the caseless sub-field", which only events with such values match.
    env.lowering.report(
      m,
      'long-value',
      `values of more than 1,024 characters are not indexed in '${long}': for them ${w} is tested only as present (matches more events)`,
      'wider',
    );
    return is(m.field, ['*']);
  }
  if (degenerate.length) {
    env.lowering.unsupported(
      m,
      `the KQL approximation of ${w} would match (nearly) every event: its alternative '${degenerate[0]}' is an unanchored pattern with at most ${DEGENERATE} characters besides '*' (KQL compares keyword values case-sensitively, has no '?' and splits wildcard values at whitespace); convert this rule with -t eql, whose ':' and 'like~' compare case-insensitively`,
      'degenerate',
    );
    return FALSE;
  }
  const scope =
    long === undefined ? '' : `for values of more than 1,024 characters (not indexed in '${long}'), `;
  const report = (reason: Reason, message: string, direction: 'wider' | 'narrower') =>
    env.lowering.report(m, long === undefined ? reason : 'long-value', scope + message, direction);
  if (reasons.has('one'))
    report(
      'one-char-wildcard',
      `KQL has no single-character wildcard: '?' in ${w} became '*' (matches more events)`,
      'wider',
    );
  if (reasons.has('one-neg'))
    report(
      'one-char-wildcard',
      `KQL has no single-character wildcard: under 'not', values of ${w} with '?' are dropped (the query matches more events)`,
      'narrower',
    );
  if (reasons.has('case'))
    report(
      'case',
      `KQL compares keyword values case-sensitively: ${w} matches every case variant of the first ${expand} letters and any text in place of later letters (matches more events)`,
      'wider',
    );
  if (reasons.has('case-neg'))
    report(
      'case',
      `KQL compares keyword values case-sensitively: under 'not', ${w} is excluded only as written, in lowercase and in uppercase (the query matches more events)`,
      'narrower',
    );
  if (reasons.has('ws'))
    report(
      'wildcard-whitespace',
      `Kibana splits wildcard values at whitespace (Kibana #23001): whitespace in ${w} became '*' (matches more events)`,
      'wider',
    );
  if (reasons.has('ws-neg'))
    report(
      'wildcard-whitespace',
      `Kibana splits wildcard values at whitespace (Kibana #23001): under 'not', wildcard values of ${w} with whitespace are dropped (the query matches more events)`,
      'narrower',
    );
  const main = out.length === 0 ? FALSE : is(field, out);
  return longBranch ? or([main, longBranch]) : main;
}

/** `spell(tokens(segs), unquotedChar, '*')` for segments without case variants: runs of `*` collapse. */
function plainWildcard(segs: readonly string[]): string {
  let v = '';
  let star = false;
  for (let i = 0; i < segs.length; i++) {
    if (i > 0 && !star) {
      v += '*';
      star = true;
    }
    if (segs[i] !== '') {
      v += wildcardValue([segs[i]]);
      star = false;
    }
  }
  return v;
}

/** The number of code points (the tokens a pattern's characters make). */
function codePoints(segs: readonly string[]): number {
  let n = 0;
  for (const s of segs) for (let i = 0; i < s.length; i++) if (!isTrailSurrogate(s, i)) n++;
  return n;
}

function isTrailSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (
    c >= 0xdc00 && c <= 0xdfff && i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff
  );
}

/**
 * An analysed text field (text, match_only_text) matches by token: a phrase matches where its
 * token sequence occurs. A whitespace-delimited chunk of the value tokenises the same way inside
 * any event value containing it, so a phrase of the whole chunks is a superset of the match.
 */
function textString(
  m: StringMatch & { field: string },
  pats: { segs: string[]; one: boolean }[],
  env: LowerEnv,
  negated: boolean,
): K {
  if (negated)
    return env.lowering.drop(
      m,
      negated,
      'text-field',
      `'${m.field}' is an analysed text field, matched by token: under 'not' the test is dropped (the query matches more events)`,
    );
  const alts: K[] = [];
  for (const { segs } of pats) {
    const chunks: string[] = [];
    segs.forEach((seg, i) => {
      let s = seg;
      const openLeft = i > 0;
      const openRight = i < segs.length - 1;
      if (openLeft) {
        const k = s.search(WHITESPACE);
        s = k < 0 ? '' : s.slice(k);
      }
      if (openRight) {
        let k = s.length - 1;
        while (k >= 0 && !WHITESPACE.test(s[k])) k--;
        s = k < 0 ? '' : s.slice(0, k);
      }
      s = s.trim();
      if (s) chunks.push(s);
    });
    if (chunks.length === 0)
      return giveUp(
        m,
        env,
        negated,
        'text-field',
        `'${m.field}' is an analysed text field and a value has no whole word to match`,
      );
    alts.push(is(m.field, chunks.map(phrase), 'and'));
  }
  env.lowering.report(
    m,
    'text-field',
    `'${m.field}' is an analysed text field: it is matched by token, case-insensitively, on the whole words of each value (matches more events)`,
    'wider',
  );
  return or(alts);
}

/** An `ip` field answers exact addresses and CIDR ranges, nothing textual. */
function ipString(
  m: StringMatch & { field: string },
  pats: { segs: string[]; one: boolean }[],
  env: LowerEnv,
  negated: boolean,
): K {
  const out: string[] = [];
  for (const { segs } of pats) {
    if (
      segs.length === 1 &&
      ipaddr.isValid(segs[0]) &&
      (!ipaddr.IPv4.isIPv4(segs[0]) || ipaddr.IPv4.isValidFourPartDecimal(segs[0]))
    ) {
      out.push(phrase(segs[0]));
      continue;
    }
    const pre =
      segs.length === 2 && segs[1] === ''
        ? /^((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){1,3}$/.exec(segs[0])
        : null;
    if (pre) {
      const octets = segs[0].slice(0, -1).split('.');
      const bits = octets.length * 8;
      while (octets.length < 4) octets.push('0');
      out.push(`${octets.join('.')}/${bits}`);
      continue;
    }
    return giveUp(
      m,
      env,
      negated,
      'field-type',
      `'${m.field}' is an ip field: it matches addresses and CIDR ranges, not text patterns`,
    );
  }
  return is(m.field, out);
}

function lowerCidr(m: CidrMatch, env: LowerEnv, negated: boolean): K {
  const cls = fieldClass(m.field, env.schema);
  if (cls === 'ip') {
    // A term query on an ip field accepts CIDR notation (Elasticsearch reference, IP field type);
    // IPv6 must be quoted because ':' is special in KQL.
    return is(
      m.field,
      m.networks.map((n) =>
        n.version === 4 ? `${n.address}/${n.prefix}` : phrase(`${n.address}/${n.prefix}`),
      ),
    );
  }
  if (cls !== 'keyword' && cls !== 'unknown')
    return giveUp(m, env, negated, 'field-type', `'${m.field}' is a ${cls} field and cannot hold an address`);
  const out: string[] = [];
  let v6 = false;
  let prefixes = false;
  for (const n of m.networks) {
    if (n.version === 4) {
      for (const p of ipv4CidrToPrefixes(n)) {
        if (p.op === 'eq') out.push(phrase(p.text));
        else {
          // A text prefix (`10.*`) also matches `10.0.0.1:443` or `10.example.org`: wider than
          // the network, so kept only where widening is allowed.
          prefixes = true;
          if (!negated) out.push(wildcardValue([p.text, '']));
        }
      }
    } else v6 = true;
  }
  const direction = negated ? 'narrower' : 'wider';
  if (prefixes)
    env.lowering.report(
      m,
      'cidr',
      negated
        ? `'${m.field}' is not an ip field: under 'not', its IPv4 networks that need a text prefix are dropped (the query matches more events)`
        : `'${m.field}' is not an ip field: its IPv4 networks became text prefixes such as '10.*', which also match text like '10.0.0.1:443' or '10.example.org' (matches more events)`,
      direction,
    );
  if (v6) {
    if (negated) {
      env.lowering.report(
        m,
        'cidr',
        `'${m.field}' is not an ip field and IPv6 text has many forms: under 'not', its IPv6 networks are dropped (the query matches more events)`,
        direction,
      );
    } else {
      // Every textual IPv6 address holds a ':'.
      env.lowering.report(
        m,
        'cidr',
        `'${m.field}' is not an ip field and IPv6 text has many forms: its IPv6 networks became "holds a ':'" (matches more events)`,
        direction,
      );
      out.push(wildcardValue(['', ':', '']));
    }
  }
  return out.length ? is(m.field, out) : FALSE;
}
