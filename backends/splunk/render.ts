/**
 * One rule to one SPL query: a base search (what the index can answer: the exact terms, plus a
 * sound over-approximation of the rest) and, when needed, a `| where` with the exact test of
 * what the base search could not say. See docs/splunk.md ("Base search and where").
 */
import type { ConvertContext } from '../../src/backend.js';
import { assertNever } from '../../src/diagnostics.js';
import { toSigmaText } from '../../src/ir/sigma-string.js';
import type { Match } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { regexFeatures } from '../../src/regex/index.js';
import {
  FALSE,
  and,
  everyLeaf,
  fold,
  fromIR,
  leaf,
  mapLeaves,
  not,
  type Tree,
} from '../../src/lowering/tree.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from '../../src/pipeline/types.js';
import { targetList, targetOf } from '../../src/settings.js';
import { stateMap } from '../../src/pipeline/state.js';
import {
  narrow,
  searchExact,
  searchTerm,
  splitValues,
  whereExact,
  whereExpr,
  widen,
  type PlaceholderExprs,
} from './leaves.js';
import { isSafeFieldName, splString, tableFieldName } from './spl.js';
import { SETTINGS } from './settings.js';

/**
 * Why the Splunk backend approximated or refused part of a rule (Diagnostic.reason; stable, tools
 * count and match on them):
 * - `time-part`: a timestamp part (`|minute`, `|hour`, ...) has no SPL form for an unknown time
 *   format; dropped.
 * - `keyword-anchor`: a keyword `|startswith` / `|endswith` is searched anywhere in _raw.
 * - `keyword-regex-anchor`: an anchored keyword regex has no form on _raw; dropped.
 * - `placeholder`: a placeholder inside a value (not a whole `eq` value) cannot be a macro.
 * - `where-macro`: a macro placeholder has no eval form inside `| where`; dropped there.
 * - `field-name` (unsupported): a field name that cannot be written safely.
 * - `constant-condition` (unsupported): nothing left to search for after approximation.
 * - `data-model` (unsupported): what a CIM data model search (`-f data-model`, tstats) cannot say.
 */
export type SplunkReason =
  | 'time-part'
  | 'keyword-anchor'
  | 'keyword-regex-anchor'
  | 'placeholder'
  | 'where-macro'
  | 'field-name'
  | 'constant-condition'
  | 'data-model';

type SplTree = Tree<Match>;

function fieldsOf(m: Match): string[] {
  if (m.kind === 'fieldref') return [m.field, m.other];
  return m.field === null ? [] : [m.field];
}

function describe(m: Match): string {
  const f = m.field ?? 'keyword';
  switch (m.kind) {
    case 'string':
      return `${f}|${m.op}${m.cased ? '|cased' : ''} ${m.values.map((v) => `'${toSigmaText(v)}'`).join(', ')}`;
    case 'time':
      return `${f}|${m.unit}`;
    case 'regex':
    case 'number':
    case 'compare':
    case 'cidr':
    case 'boolean':
    case 'exists':
    case 'null':
    case 'fieldref':
      return `${f} (${m.kind})`;
    default:
      return assertNever(m);
  }
}

/** What became of a leaf approximated by its search bound, in the message's words. */
function replaced(t: SplTree, negated: boolean): string {
  if (t.kind === 'const') return negated ? 'dropped from the negation (narrowed)' : 'dropped (widened)';
  return `replaced by ${negated ? 'the narrower' : 'the wider'} search term`;
}

/** The message of an approximation: the match, why, and what became of it. */
function message(m: Match, why: string, what: string): string {
  return `${describe(m)}: ${why}; ${what}: the query may match more events than the rule`;
}

/**
 * The conjuncts of the condition, with `not` pushed through `or` (De Morgan) and a negated
 * multi-value match split into its search-exact values and the rest, so that each part lands
 * where it can be said exactly.
 */
function conjuncts(t: SplTree, negated: boolean, out: SplTree[]): void {
  if (t.kind === 'not') return conjuncts(t.child, !negated, out);
  if ((t.kind === 'and' && !negated) || (t.kind === 'or' && negated)) {
    for (const c of t.children) conjuncts(c, negated, out);
    return;
  }
  if (t.kind === 'leaf' && negated) {
    const parts = splitValues(t.leaf);
    if (parts) {
      for (const p of parts) out.push(not(leaf(p)));
      return;
    }
  }
  out.push(negated ? not(t) : t);
}

/** A single `f=v` term, which `NOT` takes without parentheses. */
const SIMPLE_TERM = /^[A-Za-z_][\w.]*=(?:"(?:[^"\\]|\\.)*"|\*|[-\d.]+)$/;

/** True when the whole text is one parenthesised group (strings skipped). */
function wrapped(s: string): boolean {
  if (!s.startsWith('(')) return false;
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i === s.length - 1;
  }
  return false;
}

/** Search text of a tree whose leaves are all search-exact. Parentheses wherever AND and OR meet: search evaluates OR before AND. */
export function renderSearch(t: SplTree, ph: PlaceholderExprs, parent: 'top' | 'and' | 'or' | 'not'): string {
  switch (t.kind) {
    case 'const':
      return t.value ? '*' : 'NOT *';
    case 'leaf': {
      const s = searchTerm(t.leaf, ph);
      // "The NOT operator only applies to the term immediately following NOT": group anything but a plain f=v term.
      return parent === 'not' && !SIMPLE_TERM.test(s) && !wrapped(s) ? `(${s})` : s;
    }
    case 'not':
      return `NOT ${renderSearch(t.child, ph, 'not')}`;
    case 'and': {
      const s = t.children.map((c) => renderSearch(c, ph, 'and')).join(' ');
      return parent === 'top' ? s : `(${s})`;
    }
    case 'or':
      return `(${t.children.map((c) => renderSearch(c, ph, 'or')).join(' OR ')})`;
    default:
      return assertNever(t);
  }
}

/** Eval text of a tree, in negation normal form. Parentheses wherever AND and OR meet (where: AND before OR). */
export function renderWhere(t: SplTree, negated: boolean, parent: 'top' | 'and' | 'or'): string {
  switch (t.kind) {
    case 'const':
      return t.value !== negated ? 'true()' : 'false()';
    case 'leaf':
      return whereExpr(t.leaf, negated);
    case 'not':
      return renderWhere(t.child, !negated, parent);
    case 'and':
    case 'or': {
      const kind = (t.kind === 'and') !== negated ? 'and' : 'or';
      const s = t.children.map((c) => renderWhere(c, negated, kind)).join(kind === 'and' ? ' AND ' : ' OR ');
      return parent === 'top' || parent === kind ? s : `(${s})`;
    }
    default:
      return assertNever(t);
  }
}

/** The sound over-approximation of a tree by search-exact leaves: wider when positive, narrower under `not`. */
function overApprox(t: SplTree): SplTree {
  return fold(mapLeaves(t, (m, negated) => (negated ? narrow(m) : widen(m))));
}

/** A rule split for SPL: the base search's tree and the exact residual conjuncts for `| where`. */
export interface SplPlan {
  readonly base: SplTree;
  readonly residual: readonly SplTree[];
  readonly ph: PlaceholderExprs;
  readonly lowering: Lowering<SplunkReason>;
}

export function renderRule(ctx: ConvertContext): string | null {
  const target = targetOf(ctx, SETTINGS);
  if (!target) return null;
  const plan = planRule(ctx);
  if (!plan) return null;
  const { base: tree, residual, ph } = plan;

  // 4. Assemble: [index] base [| where ...] [| table ...]. The query always starts with a search.
  const terms: string[] = [];
  // `--set index=` beats the pipeline's `index` state (a string or a list), which beats none.
  const idx = (targetList(target, 'index') ?? []).map((s) => `index=${splString(s)}`);
  if (idx.length) terms.push(idx.length === 1 ? idx[0] : `(${idx.join(' OR ')})`);
  if (tree.kind !== 'const') terms.push(renderSearch(tree, ph, 'top'));
  else if (!tree.value) terms.push('NOT *');
  if (terms.length === 0) terms.push('*');
  let q = terms.join(' ');
  if (residual.length) q += ` | where ${renderWhere(fold(and([...residual])), false, 'top')}`;
  if (ctx.rule.fields.length)
    q += ` | table ${ctx.rule.fields.filter(isSafeFieldName).map(tableFieldName).join(', ')}`;
  return q;
}

/** Steps 1-3 of a rule's SPL (see renderRule): refusals, approximations, the split. */
export function planRule(ctx: ConvertContext): SplPlan | null {
  const { sink } = ctx;
  const ph: PlaceholderExprs = stateMap(ctx.state, QUERY_EXPRESSION_PLACEHOLDERS);
  const lowering = new Lowering<SplunkReason>(sink);
  const ir = fromIR(ctx.ir);

  // 1. Field names that cannot be written safely: refuse the rule (never risk an injection).
  let bad: string | undefined;
  everyLeaf(ir, (m) => {
    bad ??= fieldsOf(m).find((f) => !isSafeFieldName(f));
    return true;
  });
  if (bad !== undefined) {
    lowering.unsupported(
      undefined,
      `field name ${JSON.stringify(bad)} cannot be written safely in SPL`,
      'field-name',
    );
    return null;
  }

  // A leaf replaced by its search bound: the wider search form, the narrower one under `not`.
  const searchBound = (m: Match, negated: boolean, reason: SplunkReason, why: string): SplTree => {
    const bounds = { wider: widen(m), narrower: narrow(m) };
    const what = replaced(negated ? bounds.narrower : bounds.wider, negated);
    return lowering.bound(m, negated, reason, message(m, why, what), bounds);
  };
  // A leaf with no usable form: every event, or none under `not`.
  const drop = (m: Match, negated: boolean, reason: SplunkReason, why: string): SplTree =>
    lowering.drop(m, negated, reason, message(m, why, replaced(FALSE, negated)));

  // 2. Approximate what has no exact SPL at all (time parts; placeholders other than a whole `eq` value).
  // Regexes that are exactly a wildcard match and keyword numbers came here as string matches
  // (the backend's capabilities: src/lowering/passes.ts).
  const tree = fold(
    mapLeaves(ir, (m, negated): SplTree => {
      if (m.kind === 'time')
        return drop(
          m,
          negated,
          'time-part',
          `the '${m.unit}' part of a timestamp has no exact SPL form for an unknown time format`,
        );
      // A keyword is tested on _raw, the whole event: anchoring it to where _raw starts or ends would test
      // less than "some value starts/ends with" (the reference evaluator's reading); searching anywhere widens
      // the leaf. Under `not` the leaf must narrow instead, and no narrower form exists: it is dropped there.
      if (m.kind === 'string' && m.field === null && m.op !== 'contains') {
        const why =
          "a keyword is searched in the raw event text (_raw), where a value's start or end is not marked";
        if (negated) return drop(m, negated, 'keyword-anchor', why);
        lowering.report(m, 'keyword-anchor', message(m, why, 'searched anywhere in it'), 'wider');
        return leaf({ ...m, op: 'contains' });
      }
      if (m.kind === 'regex' && m.field === null && regexFeatures(m.pattern).anchored)
        return drop(
          m,
          negated,
          'keyword-regex-anchor',
          'an anchored keyword regex has no form on the raw event text (_raw)',
        );
      if (!whereExact(m) && !searchExact(m))
        return searchBound(
          m,
          negated,
          'placeholder',
          'a placeholder inside a value cannot be a macro (a macro can only stand for a whole list of values)',
        );
      return leaf(m);
    }),
  );
  if (tree.kind === 'const') {
    lowering.unsupported(
      undefined,
      `after approximation the condition is always ${tree.value}: nothing left to search for`,
      'constant-condition',
    );
    return null;
  }

  // 3. Split: search-exact conjuncts stay in the base search only; the others are over-approximated there and tested exactly in `| where`.
  const parts: SplTree[] = [];
  conjuncts(tree, false, parts);
  const base: SplTree[] = [];
  const residual: SplTree[] = [];
  for (const c of parts) {
    if (everyLeaf(c, searchExact)) {
      base.push(c);
      continue;
    }
    base.push(overApprox(c));
    // A macro placeholder (search-exact, so it stays in the base search) has no eval form: dropped from `| where`.
    const exact = everyLeaf(c, whereExact)
      ? c
      : fold(
          mapLeaves(c, (m, negated) =>
            whereExact(m)
              ? leaf(m)
              : drop(m, negated, 'where-macro', 'a macro placeholder has no eval form inside `| where`'),
          ),
        );
    if (exact.kind !== 'const') residual.push(exact);
    else if (!exact.value) residual.push(FALSE);
  }
  return { base: fold(and(base)), residual, ph, lowering };
}
