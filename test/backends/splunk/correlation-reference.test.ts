/**
 * The reference tool's Splunk correlation cases (SigmaHQ/pySigma-backend-splunk,
 * tests/test_backend_splunk_correlations.py), reconstructed: each converts here with a label,
 * and each search is held to the evaluator on a stream that crosses a 15-minute boundary. The
 * reference tool emits `| bin _time span=15m | stats ... by _time ...` for all of them: a tumbling
 * window, which misses events that fall on both sides of a bucket boundary (the last case of each
 * test shows a stream it would miss and the sliding window finds).
 */
import { evaluateCorrelation } from '../../../src/evaluate/correlation.js';
import { evalSplSearch } from '../../support/eval-spl.js';
import { splunkBackend } from '../../../backends/splunk/index.js';
import { convertCorrelationWith, type Converted } from '../../support/correlation.js';

const convertCorrelationText = (text: string): Converted => convertCorrelationWith(splunkBackend, text);

const BASE = (name: string, detection: string) =>
  `title: Base rule ${name}\nname: ${name}\nstatus: test\nlogsource:\n    category: test\ndetection:\n${detection}\n    condition: selection\n`;
const SEL12 = '    selection:\n        fieldA: value1\n        fieldB: value2';

/**
 * A correlation document as the reference's tests write it (timespan 15m). `aliases` and
 * `condition` are the lines of those sections' bodies (indented by eight spaces).
 */
function correlationDoc(
  title: string,
  type: string,
  rules: readonly string[],
  groupBy: readonly string[],
  sections: { aliases?: readonly string[]; condition?: readonly string[] } = {},
): string {
  const list = (key: string, items: readonly string[] | undefined, bullet = '') =>
    items ? `    ${key}:\n${items.map((i) => `        ${bullet}${i}\n`).join('')}` : '';
  return (
    `title: ${title}\nstatus: test\ncorrelation:\n    type: ${type}\n` +
    list('rules', rules, '- ') +
    list('aliases', sections.aliases) +
    list('group-by', groupBy, '- ') +
    '    timespan: 15m\n' +
    list('condition', sections.condition)
  );
}
const GTE_10 = { condition: ['gte: 10'] };
const MULTIPLE = 'Multiple occurrences of base event';

/** 10 events 1 minute apart from 14:55 to 15:04 (a 15-minute bucket boundary at 15:00 = 54000 s). */
const straddle = (extra: (i: number) => Record<string, unknown>) =>
  Array.from({ length: 10 }, (_, i) => ({ _time: 53700 + i * 60, ...extra(i) }));

const CASES: ReadonlyArray<{
  name: string;
  text: string;
  label: string;
  events: Array<Record<string, unknown>>;
}> = [
  {
    name: 'test_event_count_correlation_rule_stats_query',
    text: `${BASE('base_rule', SEL12)}---\n${correlationDoc(MULTIPLE, 'event_count', ['base_rule'], ['fieldC', 'fieldD'], GTE_10)}`,
    label: 'exact',
    events: straddle(() => ({ fieldA: 'value1', fieldB: 'value2', fieldC: 'c', fieldD: 'd' })),
  },
  {
    name: 'test_value_count_correlation_rule_stats_query',
    text: `${BASE('base_rule', SEL12)}---\n${correlationDoc(
      MULTIPLE,
      'value_count',
      ['base_rule'],
      ['fieldC'],
      {
        condition: ['lt: 10', 'field: fieldD'],
      },
    )}`,
    label: 'exact',
    events: straddle((i) => ({ fieldA: 'value1', fieldB: 'value2', fieldC: 'c', fieldD: `d${i}` })),
  },
  {
    name: 'test_temporal_correlation_rule_stats_query (group-by names fieldC, not the alias)',
    text: `${BASE('base_rule_1', SEL12)}---
${BASE('base_rule_2', '    selection:\n        fieldA: value3\n        fieldB: value4')}---
${correlationDoc('Temporal correlation rule', 'temporal', ['base_rule_1', 'base_rule_2'], ['fieldC'], {
  aliases: ['field:', '    base_rule_1: fieldC', '    base_rule_2: fieldD'],
})}`,
    label: 'exact',
    events: [
      { _time: 53990, fieldA: 'value1', fieldB: 'value2', fieldC: 'x' },
      { _time: 54010, fieldA: 'value3', fieldB: 'value4', fieldC: 'x' },
    ],
  },
  {
    name: 'test_event_count_correlation_rule_with_regex_deferred',
    text: `${BASE('base_rule', SEL12)}---
${BASE('base_rule2', '    selection:\n        fieldA: value1\n        fieldB|re: value2')}---
${correlationDoc(MULTIPLE, 'event_count', ['base_rule', 'base_rule2'], ['fieldC', 'fieldD'], GTE_10)}`,
    label: 'exact',
    events: straddle((i) => ({
      fieldA: 'value1',
      fieldB: i % 2 ? 'value2' : 'xvalue2x',
      fieldC: 'c',
      fieldD: 'd',
    })),
  },
  {
    name: 'test_single_rule_correlation_with_regex_deferred',
    text: `${BASE('base_rule', '    selection:\n        fieldA: value1\n        fieldB|re: value2')}---
${correlationDoc('Single rule correlation', 'event_count', ['base_rule'], ['fieldC'], GTE_10)}`,
    label: 'exact',
    events: straddle(() => ({ fieldA: 'value1', fieldB: 'a value2', fieldC: 'c' })),
  },
  {
    name: 'test_event_count_correlation_rule_with_regex_or_deferred',
    text: `${BASE('base_rule', SEL12)}---
title: Base rule 2
name: base_rule2
status: test
logsource:
    category: test
detection:
    sel1:
        fieldA|re: value1
    sel2:
        fieldB|re: value2
    condition: sel1 or sel2
---
${correlationDoc('Correlation', 'event_count', ['base_rule', 'base_rule2'], ['fieldC'], GTE_10)}`,
    label: 'exact',
    events: straddle((i) => ({ fieldA: i % 3 ? 'value1' : 'zzz', fieldB: 'value2', fieldC: 'c' })),
  },
  {
    name: 'test_correlation_rule_subrule_fields_not_in_output',
    text: `title: Base rule
name: base_rule
status: test
logsource:
    category: test
detection:
    selection:
        fieldA: value1
    condition: selection
fields:
    - fieldA
    - fieldB
---
${correlationDoc('Correlation', 'event_count', ['base_rule'], ['fieldC'], GTE_10)}`,
    label: 'exact',
    events: straddle(() => ({ fieldA: 'value1', fieldC: 'c' })),
  },
];

describe('the reference tool cases', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = convertCorrelationText(c.text);
    expect(r.status).toBe(c.label);
    expect(r.query).not.toMatch(/\bbin\b|\| table/);
    const oracle = evaluateCorrelation(r.correlation!, c.events, { timeField: '_time' });
    expect(oracle.errors).toEqual([]);
    // Each stream straddles a 15-minute boundary: the sliding window triggers where `bin` would not.
    expect(oracle.matches.length).toBeGreaterThan(0);
    expect(evalSplSearch(r.query, c.events).map((row) => row._time)).toEqual(
      oracle.matches.map((m) => m.time),
    );
  });

  test('test_temporal_extended_correlation_rule_stats_query: a condition over rule names is refused', () => {
    // pySigma's extension (condition: base_rule_1 and base_rule_2 and not base_rule_3, no rules
    // list) is not in the specification 2.1, whose condition is a mapping of bounds.
    const text = `${BASE('base_rule_1', SEL12)}---
title: Temporal correlation rule
status: test
correlation:
    type: temporal
    group-by:
        - fieldC
    condition: base_rule_1 and not base_rule_3
    timespan: 15m
`;
    expect(() => convertCorrelationText(text)).toThrow(/invalid-correlation/);
  });
});
