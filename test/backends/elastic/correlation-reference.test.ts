/**
 * The reference tool's Elasticsearch correlation cases (SigmaHQ/pySigma-backend-elasticsearch,
 * tests/test_backend_elasticsearch_esql_correlations.py at commit fa72f20, the only correlation
 * tests of that repository besides ElastAlert's), reconstructed: each converts here with a label
 * and a reason. The reference tool writes ES|QL for all of them:
 *   `| eval timebucket=date_trunc(<span>, @timestamp) | stats ... by timebucket, <group-by>`,
 * a tumbling window, which misses events on both sides of a bucket boundary. Each case below
 * that converts here is held to the evaluator on a stream that straddles a boundary: the
 * evaluator (the specification's sliding window) triggers, the reference's buckets do not
 * (`tumblingFires`), and the threshold rule (temporal: the EQL rules) written here alerts at every
 * phase of its schedule.
 */
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import type { EqlRule, ThresholdRule } from '../../../backends/elastic-kql/correlation.js';
import { evaluateCorrelation } from '../../../src/evaluate/correlation.js';
import type { Correlation } from '../../../src/ir/correlation.js';
import { convertCorrelationWith } from '../../support/correlation.js';
import { parseKql } from '../../support/kql.js';
import { thresholdFires } from './correlation-threshold.js';
import { eqlRuleHits } from './correlation-eql.js';
import { parseEqlStatement } from '../../support/eql-grammar.js';

const BASE = (name: string, detection: string, fields = '', product = '') =>
  `title: Base rule ${name}\nname: ${name}\nstatus: test\nlogsource:\n    category: test\n${product ? `    product: ${product}\n` : ''}detection:\n${detection}\n    condition: selection\n${fields}`;
const SEL12 = '    selection:\n        fieldA: value1\n        fieldB: value2';
const SEL34 = '    selection:\n        fieldA: value3\n        fieldB: value4';
const SEL1 = '    selection:\n        fieldA: value1';
const SEL2 = '    selection:\n        fieldA: value2';

interface Case {
  readonly name: string;
  readonly text: string;
  /** The label here, and the reason of each approximation or refusal (in order, deduplicated; a refused correlation reports only its refusal). */
  readonly label: 'exact' | 'approximate' | 'unsupported';
  readonly reasons: readonly string[];
  /** A stream (times in seconds) that the specification's sliding window matches. */
  readonly events: ReadonlyArray<Record<string, unknown>>;
}

/** 10 events 20 s apart from 14:58:20 to 15:01:20: a 5- and 15-minute bucket boundary at 15:00 (54000 s), 5 events on each side. */
const straddle = (extra: (i: number) => Record<string, unknown>) =>
  Array.from({ length: 10 }, (_, i) => ({ '@timestamp': 53900 + i * 20, ...extra(i) }));

const eventCount = (groupBy: string[], span: string, fields = '') =>
  `title: Multiple occurrences of base event\nstatus: test\ncorrelation:\n    type: event_count\n    rules:\n        - base_rule\n${groupBy.length ? `    group-by:\n${groupBy.map((g) => `        - ${g}\n`).join('')}` : ''}    timespan: ${span}\n    condition:\n        gte: 10\n${fields}`;
const valueCount = (span: string) =>
  `title: Multiple occurrences of base event\nstatus: test\ncorrelation:\n    type: value_count\n    rules:\n        - base_rule\n    group-by:\n        - fieldC\n    timespan: ${span}\n    condition:\n        lt: 10\n        field: fieldD\n`;
const temporal = (span: string) =>
  `title: Temporal correlation rule\nstatus: test\ncorrelation:\n    type: temporal\n    rules:\n        - base_rule_1\n        - base_rule_2\n    group-by:\n        - fieldC\n    timespan: ${span}\n`;

// Without a pipeline the log source `test` passes through with the rules' own field names, whose
// type Elastic does not know: KQL's case approximation applies to every value (reason `case`).
const COUNT_REASONS = ['case', 'threshold-window'];
const pair = [
  { '@timestamp': 53990, fieldA: 'value1', fieldB: 'value2', fieldC: 'x' },
  { '@timestamp': 54010, fieldA: 'value3', fieldB: 'value4', fieldC: 'x' },
];

const CASES: Case[] = [
  {
    name: 'test_event_count_correlation_rule_stats_query',
    text: `${BASE('base_rule', SEL12)}---\n${eventCount(['fieldC', 'fieldD'], '15m')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldB: 'value2', fieldC: 'c', fieldD: 'd' })),
  },
  {
    name: 'test_event_count_correlation_rule_stats_query_no_group_field',
    text: `${BASE('base_rule', SEL12)}---\n${eventCount([], '15m')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldB: 'value2' })),
  },
  {
    name: 'test_value_count_correlation_rule_stats_query (lt: a threshold rule alerts only at or above)',
    text: `${BASE('base_rule', SEL12)}---\n${valueCount('15m')}`,
    label: 'unsupported',
    reasons: ['threshold-condition'],
    events: straddle((i) => ({ fieldA: 'value1', fieldB: 'value2', fieldC: 'c', fieldD: `d${i}` })),
  },
  {
    name: 'test_temporal_correlation_rule_stats_query',
    text: `${BASE('base_rule_1', SEL12)}---\n${BASE('base_rule_2', SEL34)}---\n${temporal('15m')}`,
    label: 'exact',
    reasons: [],
    events: pair,
  },
  {
    name: 'test_temporal_correlation_rule_set_state_index (two products)',
    text: `${BASE('base_rule_1', SEL12, '', 'product1')}---\n${BASE('base_rule_2', SEL34, '', 'product2')}---\n${temporal('15m')}`,
    label: 'exact',
    reasons: [],
    events: pair,
  },
  {
    name: 'test_event_count_correlation_with_fields_in_correlation_rule',
    text: `${BASE('base_rule', SEL1)}---\n${eventCount(['fieldC'], '5m', 'fields:\n    - fieldD\n    - fieldE\n')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldC: 'c' })),
  },
  {
    name: 'test_event_count_correlation_with_fields_in_referenced_rule',
    text: `${BASE('base_rule', SEL1, 'fields:\n    - fieldD\n')}---\n${eventCount(['fieldC'], '5m')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldC: 'c' })),
  },
  {
    name: 'test_event_count_correlation_fields_exclude_groupby',
    text: `${BASE('base_rule', SEL1, 'fields:\n    - fieldC\n    - fieldD\n')}---\n${eventCount(['fieldC'], '5m')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldC: 'c' })),
  },
  {
    name: 'test_event_count_correlation_no_fields_no_values',
    text: `${BASE('base_rule', SEL1)}---\n${eventCount(['fieldC'], '5m')}`,
    label: 'approximate',
    reasons: COUNT_REASONS,
    events: straddle(() => ({ fieldA: 'value1', fieldC: 'c' })),
  },
  {
    name: 'test_value_count_correlation_with_fields (lt)',
    text: `${BASE('base_rule', SEL1, 'fields:\n    - fieldE\n')}---\n${valueCount('5m')}`,
    label: 'unsupported',
    reasons: ['threshold-condition'],
    events: straddle((i) => ({ fieldA: 'value1', fieldC: 'c', fieldD: `d${i}` })),
  },
  {
    name: 'test_temporal_correlation_with_fields',
    text: `${BASE('base_rule_1', SEL1, 'fields:\n    - fieldD\n')}---\n${BASE('base_rule_2', SEL2)}---\n${temporal('5m')}`,
    label: 'exact',
    reasons: [],
    events: [
      { '@timestamp': 53990, fieldA: 'value1', fieldC: 'x' },
      { '@timestamp': 54010, fieldA: 'value2', fieldC: 'x' },
    ],
  },
];

/**
 * The reference tool's ES|QL verdict: `date_trunc(span, @timestamp)` buckets, then per bucket and
 * group the count, distinct count or distinct rule count, compared with the condition. Which
 * events each rule matches comes from the evaluator (one rule, any count).
 */
function tumblingFires(c: Correlation, events: ReadonlyArray<Record<string, unknown>>): boolean {
  interface Bucket {
    n: number;
    values: Set<unknown>;
    rules: Set<number>;
  }
  const buckets = new Map<string, Bucket>();
  c.rules.forEach((rule, i) => {
    const one: Correlation = {
      ...c,
      type: 'event_count',
      rules: [rule],
      groupBy: c.groupBy.map((g) => ({ ...g, perRule: [g.perRule[i]] })),
      condition: { bounds: [{ op: 'gte', value: 1 }] },
    };
    for (const m of evaluateCorrelation(one, events).matches) {
      const key = `${Math.floor(m.time / c.timespanSeconds)}|${JSON.stringify(m.group)}`;
      const b = buckets.get(key) ?? { n: 0, values: new Set(), rules: new Set() };
      b.n++;
      b.rules.add(i);
      const field = c.condition.field?.perRule[i];
      if (field !== undefined) b.values.add(events[m.index][field]);
      buckets.set(key, b);
    }
  });
  const holds = (v: number) =>
    c.condition.bounds.every((x) =>
      x.op === 'gte'
        ? v >= x.value
        : x.op === 'gt'
          ? v > x.value
          : x.op === 'lt'
            ? v < x.value
            : v <= x.value,
    );
  return [...buckets.values()].some((b) =>
    c.type === 'temporal'
      ? b.rules.size === c.rules.length
      : holds(c.type === 'value_count' ? b.values.size : b.n),
  );
}

describe('the reference tool (Elasticsearch ES|QL) correlation cases on -t elastic', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = convertCorrelationWith(elasticBackend, c.text);
    expect(r.status).toBe(c.label);
    const reasons = [
      ...new Set(r.diagnostics.map((d) => /^[\w-]+\[([\w-]+)\]/.exec(d)?.[1]).filter(Boolean)),
    ];
    expect(reasons).toEqual(c.reasons);
    const oracle = evaluateCorrelation(r.correlation!, c.events);
    expect(oracle.errors).toEqual([]);
    expect(oracle.matches.length).toBeGreaterThan(0);
    if (c.label === 'unsupported') {
      expect(r.query).toBe('');
      return;
    }
    if ((JSON.parse(r.query) as { type: string }).type === 'eql') {
      // temporal: Kibana EQL rules, one sequence per order of the two rules (docs/correlation.md "EQL").
      const rules = r.queries.map((q) => JSON.parse(q) as EqlRule);
      expect(rules.map((x) => parseEqlStatement(x.query))).toMatchObject([
        { kind: 'sequence' },
        { kind: 'sequence' },
      ]);
      for (let phase = 0; phase < 300; phase += 37)
        expect(rules.some((x) => eqlRuleHits(x, c.events, phase).length > 0)).toBe(true);
      return;
    }
    const rule = JSON.parse(r.query) as ThresholdRule;
    expect(parseKql(rule.query).ok).toBe(true);
    for (let phase = 0; phase < 60; phase += 7)
      expect(thresholdFires(rule, { docs: c.events, fieldTypes: {}, phase })).toBe(true);
  });

  test.each(CASES.filter((c) => !c.name.includes('(lt')).map((c) => [c.name, c] as const))(
    "%s: the reference's tumbling buckets miss the straddling stream",
    (_, c) => {
      const r = convertCorrelationWith(elasticBackend, c.text);
      expect(tumblingFires(r.correlation!, c.events)).toBe(false);
    },
  );

  test('the tumbling model is not vacuous: the same streams inside one bucket fire', () => {
    for (const c of CASES.filter((x) => !x.name.includes('(lt'))) {
      const r = convertCorrelationWith(elasticBackend, c.text);
      const inside = c.events.map((e) => ({ ...e, '@timestamp': (e['@timestamp'] as number) + 120 }));
      expect([c.name, tumblingFires(r.correlation!, inside)]).toEqual([c.name, true]);
    }
  });
});
