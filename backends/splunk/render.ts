/**
 * One rule to one SPL query: a base search (what the index can answer: the exact terms, plus a
 * sound over-approximation of the rest) and, when needed, a `| where` with the exact test of
 * what the base search could not say. See docs/splunk.md ("Base search and where").
 */
import type { ConvertContext } from '../../src/backend.js';
import { assertNever } from '../../src/diagnostics.js';
import { toSigmaText } from '../../src/ir/sigma-string.js';
import type { Match } from '../../src/ir/types.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from '../../src/pipeline/types.js';
import { checkStateSettings, settingList } from '../../src/settings.js';
import { stateMap } from '../../src/pipeline/state.js';
import { regexAsString, regexFeatures } from '../../src/lowering/regex.js';
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
import { FALSE, everyLeaf, fold, fromIR, leaf, mapLeaves, type Tree } from './tree.js';

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
    default:
      return `${f} (${m.kind})`;
  }
}

/**
 * Regexes that are exactly a wildcard match, and keyword numbers, become string matches (then
 * often search terms).
 */
function asStringLeaf(m: Match): Tree {
  if (m.kind === 'regex') {
    const s = regexAsString(m);
    if (s && s.exact) return leaf(s.match);
  }
  if (m.kind === 'number' && m.field === null)
    return leaf({
      kind: 'string',
      field: null,
      op: 'contains',
      values: m.values.map((n) => [{ kind: 'text' as const, text: n.text }]),
      cased: false,
      origin: m.origin,
    });
  return leaf(m);
}

/**
 * The conjuncts of the condition, with `not` pushed through `or` (De Morgan) and a negated
 * multi-value match split into its search-exact values and the rest, so that each part lands
 * where it can be said exactly.
 */
function conjuncts(t: Tree, negated: boolean, out: Tree[]): void {
  if (t.kind === 'not') return conjuncts(t.child, !negated, out);
  if ((t.kind === 'and' && !negated) || (t.kind === 'or' && negated)) {
    for (const c of t.children) conjuncts(c, negated, out);
    return;
  }
  if (t.kind === 'leaf' && negated) {
    const parts = splitValues(t.m);
    if (parts) {
      for (const p of parts) out.push({ kind: 'not', child: leaf(p) });
      return;
    }
  }
  out.push(negated ? { kind: 'not', child: t } : t);
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
function renderSearch(t: Tree, ph: PlaceholderExprs, parent: 'top' | 'and' | 'or' | 'not'): string {
  switch (t.kind) {
    case 'const':
      return t.value ? '*' : 'NOT *';
    case 'leaf': {
      const s = searchTerm(t.m, ph);
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
function renderWhere(t: Tree, negated: boolean, parent: 'top' | 'and' | 'or'): string {
  switch (t.kind) {
    case 'const':
      return t.value !== negated ? 'true()' : 'false()';
    case 'leaf':
      return whereExpr(t.m, negated);
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
function overApprox(t: Tree): Tree {
  return fold(mapLeaves(t, (m, negated) => (negated ? narrow(m) : widen(m))));
}

export function renderRule(ctx: ConvertContext): string | null {
  const { sink, rule } = ctx;
  if (!checkStateSettings(SETTINGS, ctx.options, ctx.state, sink)) return null;
  const ph: PlaceholderExprs = stateMap(ctx.state, QUERY_EXPRESSION_PLACEHOLDERS);

  // 1. Field names that cannot be written safely: refuse the rule (never risk an injection).
  let bad: string | undefined;
  everyLeaf(fromIR(ctx.ir), (m) => {
    bad ??= fieldsOf(m).find((f) => !isSafeFieldName(f));
    return true;
  });
  if (bad !== undefined) {
    sink.error('unsupported-construct', `field name ${JSON.stringify(bad)} cannot be written safely in SPL`);
    return null;
  }

  // 2. Approximate what has no exact SPL at all (time parts; placeholders other than a whole `eq` value).
  const approx = (m: Match, negated: boolean, why: string): Tree => {
    const t = negated ? narrow(m) : widen(m);
    const what =
      t.kind === 'const'
        ? negated
          ? 'dropped from the negation (narrowed)'
          : 'dropped (widened)'
        : `replaced by ${negated ? 'the narrower' : 'the wider'} search term`;
    sink.warning(
      'approximation',
      `${describe(m)}: ${why}; ${what}: the query may match more events than the rule`,
      m.origin,
    );
    return t;
  };
  let tree = fold(
    mapLeaves(fromIR(ctx.ir), (m, negated) => {
      const t = asStringLeaf(m);
      if (t.kind !== 'leaf') return t;
      const lm = t.m;
      if (lm.kind === 'time')
        return approx(
          lm,
          negated,
          `the '${lm.unit}' part of a timestamp has no exact SPL form for an unknown time format`,
        );
      // A keyword is tested on _raw, the whole event: anchoring it to where _raw starts or ends would test
      // less than "some value starts/ends with" (the reference evaluator's reading); searching anywhere widens.
      if (lm.kind === 'string' && lm.field === null && lm.op !== 'contains') {
        sink.warning(
          'approximation',
          `${describe(lm)}: a keyword is searched in the raw event text (_raw), where a value's start or end is not marked; searched anywhere in it${negated ? ' (under not: narrowed)' : ''}: the query may match more events than the rule`,
          lm.origin,
        );
        return leaf({ ...lm, op: 'contains' });
      }
      if (lm.kind === 'regex' && lm.field === null && regexFeatures(lm.pattern).anchored)
        return approx(lm, negated, 'an anchored keyword regex has no form on the raw event text (_raw)');
      if (!whereExact(lm) && !searchExact(lm))
        return approx(
          lm,
          negated,
          'a placeholder inside a value cannot be a macro (a macro can only stand for a whole list of values)',
        );
      return t;
    }),
  );
  if (tree.kind === 'const') {
    sink.error(
      'unsupported-construct',
      `after approximation the condition is always ${tree.value}: nothing left to search for`,
    );
    return null;
  }

  // 3. Split: search-exact conjuncts stay in the base search only; the others are over-approximated there and tested exactly in `| where`.
  const parts: Tree[] = [];
  conjuncts(tree, false, parts);
  const base: Tree[] = [];
  const residual: Tree[] = [];
  for (const c of parts) {
    if (everyLeaf(c, searchExact)) base.push(c);
    else {
      // A macro placeholder has no eval form: approximate it inside a residual conjunct.
      const exact = everyLeaf(c, whereExact)
        ? c
        : fold(
            mapLeaves(c, (m, negated) =>
              whereExact(m)
                ? leaf(m)
                : approx(m, negated, 'a macro placeholder has no eval form inside `| where`'),
            ),
          );
      base.push(overApprox(exact));
      if (exact.kind !== 'const') residual.push(exact);
      else if (!exact.value) residual.push(FALSE);
    }
  }
  tree = fold({ kind: 'and', children: base });

  // 4. Assemble: [index] base [| where ...] [| table ...]. The query always starts with a search.
  const terms: string[] = [];
  // `--set index=` beats the pipeline's `index` state (a string or a list), which beats none.
  const idx = (settingList(SETTINGS, 'index', ctx.options, ctx.state) ?? []).map(
    (s) => `index=${splString(s)}`,
  );
  if (idx.length) terms.push(idx.length === 1 ? idx[0] : `(${idx.join(' OR ')})`);
  if (tree.kind !== 'const') terms.push(renderSearch(tree, ph, 'top'));
  else if (!tree.value) terms.push('NOT *');
  if (terms.length === 0) terms.push('*');
  let q = terms.join(' ');
  if (residual.length)
    q += ` | where ${renderWhere(fold({ kind: 'and', children: residual }), false, 'top')}`;
  if (rule.fields.length)
    q += ` | table ${rule.fields.filter(isSafeFieldName).map(tableFieldName).join(', ')}`;
  return q;
}
