/**
 * Sigma correlation rules (src/ir/correlation.ts) for Elastic: Kibana Security **threshold**
 * rules for what they can say (event_count and value_count with a lower bound), and Kibana
 * **EQL** rules (EQL `sequence` queries, backends/eql/correlation.ts) for temporal and
 * temporal_ordered. See docs/correlation.md.
 *
 * What a threshold rule is (Elastic Security, "Create rule" API, rules-api-create,
 * https://www.elastic.co/guide/en/security/8.5/rules-api-create.html, and "Threshold rules",
 * https://www.elastic.co/docs/solutions/security/detect-and-alert/threshold): at each execution,
 * the KQL query's hits in the look-back (`from` .. now) are grouped by the terms of
 * `threshold.field` (up to the whole list; none = one group), and a group alerts when its hit
 * count "meets or exceeds" `threshold.value`; `threshold.cardinality` ([{field, value}]) further
 * requires at least `value` distinct values of `field` in the group ("Count ... >= 2").
 *
 * Window: the count is over one execution's look-back, not a sliding window. The rule runs every
 * `interval` = timespan with look-back `from: now-<2 x timespan>`: every window of the timespan
 * lies inside one execution's look-back, so no sliding-window match is missed, but events up to
 * twice the timespan apart may be counted together (labelled `threshold-window`, wider). A
 * look-back of one timespan would be tumbling and miss pairs across two executions (the
 * forbidden direction).
 *
 * The returned query is the threshold rule's definition as one JSON object (`type`, `language`,
 * `query`, `index`, `threshold`, `interval`, `from`), which the `detection-rule` format completes
 * with the rule's metadata (formats.ts `correlationRule`).
 */
import { referencedRuleContext, type ConvertContext, type CorrelationContext } from '../../src/backend.js';
import type { Correlation, CorrelatedRule, CorrelatedField } from '../../src/ir/correlation.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { eqlSequences } from '../eql/correlation.js';

/**
 * Stable reasons of the Elastic correlation diagnostics.
 * - `threshold-window`: the look-back of two timespans (wider);
 * - `threshold-overlap`: event_count over several rules, a document counted once (wider);
 * - `threshold-condition`: a condition other than one lower bound (threshold rules compare with >=);
 * - `threshold-type`: a type threshold rules cannot count (sums, averages, percentiles);
 * - `threshold-fields`: a group-by or value field named differently in the referenced rules;
 * - `correlation-chain`: a correlation over another correlation.
 */
export type ElasticCorrelationReason =
  | 'threshold-window'
  | 'threshold-overlap'
  | 'threshold-condition'
  | 'threshold-type'
  | 'threshold-fields'
  | 'correlation-chain';

/** What the correlation renderer needs of the rule backend (index.ts gives it). */
export interface KqlRuleRenderer {
  /** The rule's KQL query, as for a plain rule; [] when it has none (reported). */
  convert(ctx: ConvertContext): string[];
  /** The rule's index patterns (`--set index=` > pipeline state > default). */
  index(ctx: ConvertContext): readonly string[];
}

/** The threshold rule definition a correlation becomes (the detection-rule format adds metadata). */
export interface ThresholdRule {
  readonly type: 'threshold';
  readonly language: 'kuery';
  readonly query: string;
  readonly index: readonly string[];
  readonly threshold: {
    readonly field: readonly string[];
    readonly value: number;
    readonly cardinality?: readonly { readonly field: string; readonly value: number }[];
  };
  readonly interval: string;
  readonly from: string;
}

/**
 * The EQL rule definition a temporal or temporal_ordered correlation becomes (Kibana Security
 * "Event correlation" rule: `type: eql`, `language: eql`; Create rule API, rules-api-create).
 */
export interface EqlRule {
  readonly type: 'eql';
  readonly language: 'eql';
  readonly query: string;
  readonly index: readonly string[];
  readonly interval: string;
  readonly from: string;
}

/** How often an EQL correlation rule runs (Kibana's default rule schedule, `interval: 5m`). */
export const EQL_INTERVAL_SECONDS = 300;

/** A Kibana duration (`interval`, date math `now-<d>`) for whole seconds: s, m or h. */
export function kibanaDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The one name a field has in every referenced rule, or null. */
function sameName(f: CorrelatedField): string | null {
  const names = new Set(f.perRule);
  return names.size === 1 ? f.perRule[0] : null;
}

export function convertCorrelation(ctx: CorrelationContext, rules: KqlRuleRenderer): string[] {
  const c = ctx.correlation;
  const lowering = new Lowering<ElasticCorrelationReason>(ctx.sink);
  const at = c.rule.pos;
  const nested = c.rules.find((r): r is Correlation => r.kind === 'correlation');
  if (nested) {
    lowering.unsupported(
      at,
      `correlation over another correlation ('${nested.rule.name ?? nested.rule.id ?? nested.rule.title}'): a Kibana threshold rule counts the hits of one query`,
      'correlation-chain',
    );
    return [];
  }
  switch (c.type) {
    case 'event_count':
    case 'value_count':
      break;
    case 'temporal':
    case 'temporal_ordered':
      return eqlRules(ctx, rules);
    case 'value_sum':
    case 'value_avg':
    case 'value_percentile':
      lowering.unsupported(
        at,
        `${c.type}: a Kibana threshold rule counts hits and distinct values only, it cannot aggregate a field's values`,
        'threshold-type',
      );
      return [];
    default:
      return [];
  }
  // Threshold rules alert when a count "meets or exceeds" the value: one lower bound only.
  const b = c.condition.bounds;
  if (b.length !== 1 || (b[0].op !== 'gt' && b[0].op !== 'gte')) {
    lowering.unsupported(
      at,
      `condition ${b.map((x) => `${x.op} ${x.value}`).join(' and ') || '(none)'}: a Kibana threshold rule only alerts on a count at or above a value`,
      'threshold-condition',
    );
    return [];
  }
  // Counts are whole numbers: gt v is gte floor(v)+1, gte v is gte ceil(v).
  const min = b[0].op === 'gt' ? Math.floor(b[0].value) + 1 : Math.ceil(b[0].value);
  const groupBy: string[] = [];
  for (const g of c.groupBy) {
    const n = sameName(g);
    if (n === null) return differentNames(lowering, at, g);
    groupBy.push(n);
  }
  let cardinality: ThresholdRule['threshold']['cardinality'];
  if (c.type === 'value_count') {
    const f = c.condition.field;
    const n = f ? sameName(f) : null;
    if (!f || n === null) return f ? differentNames(lowering, at, f) : [];
    cardinality = [{ field: n, value: Math.max(min, 1) }];
  }
  const queries: string[] = [];
  const index = new Set<string>();
  for (const r of c.rules as readonly CorrelatedRule[]) {
    const rctx = referencedRuleContext(r, ctx);
    const q = rules.convert(rctx);
    if (q.length !== 1) return [];
    queries.push(q[0]);
    for (const i of rules.index(rctx)) index.add(i);
  }
  const query = queries.length === 1 ? queries[0] : queries.map((q) => `(${q})`).join(' or ');
  // The correlation counts occurrences (event, rule): a document that k referenced rules match
  // counts k times, but it is one hit of the combined query. With n rules, a window of at least
  // `min` occurrences holds at least ceil(min / n) documents: that threshold misses no match.
  let value = min;
  if (c.type === 'event_count' && c.rules.length > 1) {
    value = Math.ceil(min / c.rules.length);
    if (value !== min)
      lowering.report(
        at,
        'threshold-overlap',
        `a document that several of the ${c.rules.length} referenced rules match counts once per rule in the correlation but once in a threshold rule: the threshold is ${value} documents (${min} / ${c.rules.length}, rounded up), which may alert on fewer events than the condition asks`,
        'wider',
      );
  }
  lowering.report(
    at,
    'threshold-window',
    `the timespan ${kibanaDuration(c.timespanSeconds)} is a sliding window; the threshold rule runs every ${kibanaDuration(c.timespanSeconds)} over the last ${kibanaDuration(2 * c.timespanSeconds)}, so it also counts events up to twice the timespan apart`,
    'wider',
  );
  const rule: ThresholdRule = {
    type: 'threshold',
    language: 'kuery',
    query,
    index: [...index],
    threshold: {
      field: groupBy,
      value: c.type === 'value_count' ? 1 : value,
      ...(cardinality ? { cardinality } : {}),
    },
    interval: kibanaDuration(c.timespanSeconds),
    from: `now-${kibanaDuration(2 * c.timespanSeconds)}`,
  };
  return [JSON.stringify(rule)];
}

function differentNames(
  lowering: Lowering<ElasticCorrelationReason>,
  at: CorrelationContext['correlation']['rule']['pos'],
  f: CorrelatedField,
): [] {
  lowering.unsupported(
    at,
    `field '${f.name}' is ${[...new Set(f.perRule)].join(', ')} in the referenced rules: a threshold rule groups and counts one field name`,
    'threshold-fields',
  );
  return [];
}

/**
 * temporal and temporal_ordered: Kibana EQL rules over the referenced rules' events, one per EQL
 * sequence query (backends/eql/correlation.ts says what a sequence matches and why it is the
 * correlation's meaning). Schedule: every EQL_INTERVAL_SECONDS over the last interval + timespan
 * (`from`), so that every sequence that ends in an interval lies whole in that execution's
 * look-back: none is missed; one found by two consecutive executions may alert twice.
 */
function eqlRules(ctx: CorrelationContext, rules: KqlRuleRenderer): string[] {
  const c = ctx.correlation;
  const queries = eqlSequences(c, ctx.sink, true);
  if (queries.length === 0) return [];
  const index = new Set<string>();
  for (const r of c.rules as readonly CorrelatedRule[])
    for (const i of rules.index(referencedRuleContext(r, ctx))) index.add(i);
  return queries.map((query) => {
    const rule: EqlRule = {
      type: 'eql',
      language: 'eql',
      query,
      index: [...index],
      interval: kibanaDuration(EQL_INTERVAL_SECONDS),
      from: `now-${kibanaDuration(EQL_INTERVAL_SECONDS + c.timespanSeconds)}`,
    };
    return JSON.stringify(rule);
  });
}
