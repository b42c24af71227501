/**
 * Sigma correlation rules (src/ir/correlation.ts) as one Kusto query: the referenced rules'
 * queries (rendered by the rule renderer over their IR, each tagged `sigma_rule = "<ref>"`) in a
 * `union`, then the aggregation over sliding windows. See docs/correlation.md.
 *
 * Semantics (the reference evaluator's, src/evaluate/correlation.ts; docs/correlation.md). An
 * occurrence is a pair (event, referenced rule): the union gives one row per rule an event
 * matches. The occurrences are put in time order, ties in the order of the rules, and numbered
 * once (`materialize()`, https://learn.microsoft.com/kusto/query/materialize-function; `sort by`,
 * https://learn.microsoft.com/kusto/query/sort-operator, whose output is serialized so
 * `row_number()` numbers it, https://learn.microsoft.com/kusto/query/row-number-function). The
 * window of an occurrence o is a sliding one: the occurrences of o's group at or before o whose
 * time is at least time(o) - timespan. The correlation fires when the condition holds for the
 * window of some occurrence. No `bin()` (a tumbling window misses pairs across a boundary).
 * - The windows are a self-join on the group keys ("join operator", kind=inner: every pair of
 *   matching rows, https://learn.microsoft.com/kusto/query/join-inner-operator) kept by the order
 *   and the time, aggregated per occurrence with `summarize`
 *   (https://learn.microsoft.com/kusto/query/summarize-operator).
 * - Distinct counts use `count_distinct()` (exact; `dcount()` is an estimate,
 *   https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function,
 *   https://learn.microsoft.com/kusto/query/dcount-aggfunction).
 * - temporal_ordered: from each occurrence of the first rule, a chain of joins takes the first
 *   occurrence of the next rule after the previous step and within the timespan of the first
 *   (`min()` of the order per start); the earliest choice is optimal, so the chain exists iff a
 *   sequence does.
 * - Order of occurrences with the same timestamp: Kusto's sort order among events (the
 *   evaluator's is the input order, which the vendor's data does not keep); only conditions that
 *   are not monotone (lt, lte, eq, neq, value_avg) can tell the two apart. For temporal_ordered
 *   ties are in the order of the rules, which accepts every sequence an input order could.
 * - `union` of parenthesized subqueries (https://learn.microsoft.com/kusto/query/union-operator);
 *   each subquery projects the same typed columns, so the union has no `_string`/`_long` splits.
 */
import { referencedRuleContext, type ConvertContext, type CorrelationContext } from '../../src/backend.js';
import { holds, type Bound, type Correlation, type CorrelatedRule } from '../../src/ir/correlation.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { kustoMember, kustoName, kustoString } from './literal.js';

/**
 * Stable reasons of the Sentinel correlation diagnostics.
 * - `correlation-chain`: a correlation over another correlation that the outer one cannot read
 *   (a value field, or a group-by the inner one does not have);
 * - `correlation-percentile`: value_percentile (Kusto's percentile() is an estimate);
 * - `correlation-condition`: a condition the type cannot take;
 * - `correlation-field`: a group-by or condition field that is not a column of a rule's table.
 */
export type CorrelationReason =
  'correlation-chain' | 'correlation-percentile' | 'correlation-condition' | 'correlation-field';

/** What the correlation renderer needs of the rule backend (index.ts gives them; no import cycle). */
export interface RuleRenderer {
  /** The rule's query (`Table | ... | where ...`), as for a plain rule; [] when it has none (reported). */
  convert(ctx: ConvertContext): string[];
  /** The rule's table and its columns (null: unknown schema), or null when it has no table. */
  table(ctx: ConvertContext): { table: string; columns: Readonly<Record<string, string>> | null } | null;
}

/** A Kusto timespan literal for whole seconds, in the largest unit that divides it. */
export function kustoTimespan(seconds: number): string {
  for (const [unit, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % n === 0) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}

const OPS: Readonly<Record<Bound['op'], string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  eq: '==',
  neq: '!=',
};

function numberLiteral(n: number): string {
  // A Kusto long literal, or a real literal with its decimals ("Scalar data types").
  return Number.isInteger(n) ? String(n) : `real(${String(n)})`;
}

function conditionOf(column: string, bounds: readonly Bound[]): string {
  return bounds.map((b) => `${column} ${OPS[b.op]} ${numberLiteral(b.value)}`).join(' and ');
}

/** A field of a rule's table as a Kusto expression and whether it is a string column. */
function fieldExpr(
  field: string,
  columns: Readonly<Record<string, string>> | null,
): { expr: string; type: string } | null {
  if (!columns) return { expr: kustoName(field), type: 'unknown' };
  if (Object.prototype.hasOwnProperty.call(columns, field))
    return { expr: kustoName(field), type: columns[field].toLowerCase() };
  const dot = field.indexOf('.');
  if (dot > 0 && columns[field.slice(0, dot)]?.toLowerCase() === 'dynamic')
    return {
      expr:
        kustoName(field.slice(0, dot)) +
        field
          .slice(dot + 1)
          .split('.')
          .map(kustoMember)
          .join(''),
      type: 'dynamic',
    };
  return null;
}

const GROUP = (i: number) => `sigma_g${i}`;

export function convertCorrelation(ctx: CorrelationContext, rules: RuleRenderer): string[] {
  const lowering = new Lowering<CorrelationReason>(ctx.sink);
  const r = render(ctx.correlation, { ctx, rules, lowering, next: 0 }, '');
  return r ? [[...r.lets, r.body].join('\n')] : [];
}

interface RenderEnv {
  readonly ctx: CorrelationContext;
  readonly rules: RuleRenderer;
  readonly lowering: Lowering<CorrelationReason>;
  /** The number of the next nested correlation (its `let` names). */
  next: number;
}

/** The tag of a referenced rule or nested correlation (its reference as written, else its name). */
const tagOf = (r: CorrelatedRule | Correlation): string =>
  r.kind === 'rule' ? r.ref : (r.rule.name ?? r.rule.id ?? r.rule.title);

/**
 * One correlation as `let` statements and a tabular expression whose rows are its matches
 * (TimeGenerated and the group keys sigma_g0...): the matches of a nested correlation are the
 * occurrences of its rule in the outer one, with its group-by values, as in the evaluator.
 */
function render(c: Correlation, env: RenderEnv, suffix: string): { lets: string[]; body: string } | null {
  const { ctx, rules, lowering } = env;
  const at = c.rule.pos;
  const refs = c.rules;
  const lets: string[] = [];
  if (c.type === 'value_percentile') {
    lowering.unsupported(
      at,
      // "percentile() calculates an estimate for the specified nearest-rank percentile ... The
      // accuracy depends on the density of population in the region of the percentile"
      // (https://learn.microsoft.com/kusto/query/percentiles-aggregation-function): off in
      // either direction, so no sound label.
      `value_percentile: Kusto's percentile() is an estimate whose error can go either way, so the query could miss windows the rule matches`,
      'correlation-percentile',
    );
    return null;
  }
  // temporal types tell the rules apart by their tag: one rule named twice would be one tag.
  if (
    (c.type === 'temporal' || c.type === 'temporal_ordered') &&
    new Set(refs.map(tagOf)).size !== refs.length
  ) {
    lowering.unsupported(at, `${c.type} naming one rule twice`, 'correlation-condition');
    return null;
  }
  if (c.condition.bounds.length === 0) {
    lowering.unsupported(at, `${c.type} without a condition`, 'correlation-condition');
    return null;
  }
  let chain = 0;
  if (c.type === 'temporal_ordered') {
    // The aggregate at an occurrence is the length k of the chain of rules 1..k ending at it (0:
    // none). A chain of k implies one of every shorter length, so the condition holds for some
    // occurrence iff a chain of the shortest length it accepts exists.
    if (holds(c.condition.bounds, 0)) {
      lowering.unsupported(
        at,
        'temporal_ordered with a condition that holds for an event ending no sequence',
        'correlation-condition',
      );
      return null;
    }
    for (let k = 1; k <= refs.length && chain === 0; k++) if (holds(c.condition.bounds, k)) chain = k;
    if (chain === 0) {
      lowering.unsupported(
        at,
        'temporal_ordered with a condition no sequence of the rules meets',
        'correlation-condition',
      );
      return null;
    }
  }

  // One subquery per referenced rule: its own query, then the columns the aggregation reads.
  const n = suffix === '' ? '' : `_${suffix}`;
  const events = `sigma_events${n}`;
  const valued = c.type === 'value_count' || c.type === 'value_sum' || c.type === 'value_avg';
  const subqueries: string[] = [];
  for (const [i, r] of refs.entries()) {
    const tag = tagOf(r);
    const cols: string[] = ['TimeGenerated', `sigma_rule = ${kustoString(tag)}`, `sigma_rule_index = ${i}`];
    if (r.kind === 'correlation') {
      // A nested correlation's matches, with its group-by values by their names (the evaluator's).
      if (valued) {
        lowering.unsupported(
          at,
          `${c.type} over a correlation: its matches carry no field values`,
          'correlation-chain',
        );
        return null;
      }
      const inner = render(r, env, String(++env.next));
      if (!inner) return null;
      const name = `sigma_matches_${env.next}`;
      lets.push(...inner.lets, `let ${name} = ${inner.body};`);
      for (const [g, f] of c.groupBy.entries()) {
        const j = r.groupBy.findIndex((x) => x.name === f.perRule[i]);
        if (j < 0) {
          lowering.unsupported(
            at,
            `group-by '${f.name}' is '${f.perRule[i]}' for correlation '${tag}', which does not group by it`,
            'correlation-chain',
          );
          return null;
        }
        cols.push(`${GROUP(g)} = ${GROUP(j)}`);
      }
      if (c.groupBy.length === 0) cols.push(`${GROUP(0)} = ""`);
      subqueries.push(`(${name}\n| project ${cols.join(', ')})`);
      continue;
    }
    const rctx = referencedRuleContext(r, ctx);
    const q = rules.convert(rctx);
    const t = rules.table(rctx);
    if (q.length !== 1 || !t) return null;
    const filters: string[] = [];
    for (const [g, f] of c.groupBy.entries()) {
      const e = fieldExpr(f.perRule[i], t.columns);
      if (!e) return noField(lowering, at, f.perRule[i], t.table);
      // Group keys as text: the same key type in every subquery. An event without the field is
      // in no group (a string column's missing value is "", a value of its own).
      if (e.type !== 'string') filters.push(`isnotnull(${e.expr})`);
      cols.push(`${GROUP(g)} = ${e.type === 'string' ? e.expr : `tostring(${e.expr})`}`);
    }
    if (c.groupBy.length === 0) cols.push(`${GROUP(0)} = ""`);
    const vf = c.condition.field;
    if (vf && valued) {
      const e = fieldExpr(vf.perRule[i], t.columns);
      if (!e) return noField(lowering, at, vf.perRule[i], t.table);
      if (c.type === 'value_count') {
        // A missing value is no value; a string column has none ("" is its missing value, and is counted).
        if (e.type !== 'string') filters.push(`isnotnull(${e.expr})`);
        cols.push(`sigma_value = ${e.type === 'string' ? e.expr : `tostring(${e.expr})`}`);
      } else cols.push(`sigma_value = toreal(${e.expr})`);
    }
    const where = filters.length > 0 ? `\n| where ${filters.join(' and ')}` : '';
    subqueries.push(`(${q[0]}${where}\n| project ${cols.join(', ')})`);
  }
  const keys = (c.groupBy.length === 0 ? [0] : c.groupBy.map((_, g) => g)).map(GROUP);
  const span = kustoTimespan(c.timespanSeconds);
  // The occurrences (event, rule) in time order, ties in the order of the rules, numbered once
  // (materialize: both sides of the joins see the same numbering).
  lets.push(
    `let ${events} = materialize(union\n${subqueries.map((q) => indent(q)).join(',\n')}\n` +
      `| sort by TimeGenerated asc, sigma_rule_index asc\n| extend sigma_order = row_number());`,
  );
  const on = keys.join(', ');

  if (c.type === 'temporal_ordered') {
    const lines = [
      events,
      `| where sigma_rule == ${kustoString(tagOf(refs[0]))}`,
      `| project ${on}, sigma_start = TimeGenerated, sigma_anchor = sigma_order, sigma_step = sigma_order`,
    ];
    for (const r of refs.slice(1, chain))
      lines.push(
        `| join kind=inner (${events} | where sigma_rule == ${kustoString(tagOf(r))} | project ${on}, sigma_next = sigma_order, sigma_time = TimeGenerated) on ${on}`,
        `| where sigma_next > sigma_step and sigma_time <= sigma_start + ${span}`,
        `| summarize sigma_step = min(sigma_next) by sigma_anchor, sigma_start, ${on}`,
      );
    lines.push(
      `| join kind=inner (${events} | project sigma_step = sigma_order, TimeGenerated) on sigma_step`,
      `| project TimeGenerated, sigma_start, ${on}`,
    );
    return { lets, body: lines.join('\n') };
  }

  let agg: string;
  switch (c.type) {
    case 'event_count':
      agg = 'count()';
      break;
    case 'value_count':
      agg = 'count_distinct(sigma_value_in)';
      break;
    case 'temporal':
      agg = 'count_distinct(sigma_rule_in)';
      break;
    case 'value_sum':
      agg = 'sum(sigma_value_in)';
      break;
    case 'value_avg':
      agg = 'avg(sigma_value_in)';
      break;
    default:
      return null;
  }
  const inner = ['sigma_time = TimeGenerated', 'sigma_rule_in = sigma_rule', 'sigma_order_in = sigma_order'];
  if (valued) inner.push('sigma_value_in = sigma_value');
  // The window of an occurrence: the occurrences of its group at or before it, within the timespan.
  const lines = [
    events,
    `| join kind=inner (${events} | project ${on}, ${inner.join(', ')}) on ${on}`,
    `| where sigma_order_in <= sigma_order and sigma_time >= TimeGenerated - ${span}`,
    `| summarize sigma_value = ${agg} by sigma_order, TimeGenerated, ${on}`,
    `| where ${conditionOf('sigma_value', c.condition.bounds)}`,
    `| project TimeGenerated, ${on}, sigma_value`,
  ];
  return { lets, body: lines.join('\n') };
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}

function noField(
  lowering: Lowering<CorrelationReason>,
  at: CorrelationContext['correlation']['rule']['pos'],
  field: string,
  table: string,
): null {
  lowering.sink.error(
    'unmapped-field',
    `correlation field '${field}' is not a column of ${table}: the query would not run (map the field with a pipeline or an alias)`,
    at,
  );
  return null;
}

/**
 * How far back a correlation over correlations must read so that every window of its outer level
 * that ends in a run is whole: an outer occurrence may be an inner match, whose own window reaches
 * back the inner timespan. The sum of every level's timespan (each level is one
 * `let sigma_events... = materialize(...)` and its window tests, `TimeGenerated - <span>` or
 * `sigma_start + <span>`, as `render` writes them) bounds every chain of levels; undefined for a
 * query of one level.
 */
export function nestedLookback(query: string): number | undefined {
  const levels = query.split(/\blet sigma_events(?:_\d+)? = /).slice(1);
  if (levels.length < 2) return undefined;
  const unit: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const level of levels) {
    let span = 0;
    for (const m of level.matchAll(/(?:TimeGenerated - |sigma_start \+ )(\d+)([smhd])\b/g))
      span = Math.max(span, Number(m[1]) * unit[m[2]]);
    total += span;
  }
  return total;
}
