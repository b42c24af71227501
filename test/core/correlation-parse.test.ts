/**
 * Reading the correlation section, case by case after the reference tool's parsing tests
 * (SigmaHQ/pySigma tests/test_correlations.py: the test named in each row). Where pySigma raises,
 * sigmantic reports a diagnostic with a stable code (and the batch goes on).
 */
import { loadRuleFromText } from '../../src/convert.js';

const BASE = {
  type: 'event_count',
  rules: '[failed_login]',
  'group-by': '[User]',
  timespan: '10m',
  condition: '{gte: 10}',
};

function section(over: Record<string, string | undefined>): string {
  const all: Record<string, string | undefined> = { ...BASE, ...over };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k}: ${v}`);
  return `title: Correlation\ncorrelation:\n${lines.join('\n')}\n`;
}

function read(over: Record<string, string | undefined>) {
  const r = loadRuleFromText(section(over), 'c.yml');
  return { spec: r.correlation, codes: r.diagnostics.map((d) => `${d.code}: ${d.message}`) };
}

describe('the correlation section (pySigma tests/test_correlations.py)', () => {
  test('test_correlation_valid_1: a valid event_count', () => {
    const { spec, codes } = read({});
    expect(codes).toEqual([]);
    expect(spec).toMatchObject({
      type: 'event_count',
      refs: [{ ref: 'failed_login' }],
      groupBy: ['User'],
      timespanSeconds: 600,
      bounds: [{ op: 'gte', value: 10 }],
      generate: false,
    });
  });

  test.each([
    [
      'test_correlation_wrong_type',
      { type: 'test' },
      /^invalid-correlation: 'correlation.type' must be one of/,
    ],
    [
      'test_correlation_without_type',
      { type: undefined },
      /^invalid-correlation: 'correlation.type' is required/,
    ],
    [
      'test_correlation_invalid_rule_reference',
      { rules: '[{a: b}]' },
      /^invalid-correlation: 'correlation.rules' item 1/,
    ],
    [
      'test_correlation_without_rule_reference',
      { rules: undefined },
      /^invalid-correlation: 'correlation.rules' must be a non-empty list/,
    ],
    [
      'test_correlation_invalid_group_by',
      { 'group-by': '{a: b}' },
      /^invalid-correlation: 'correlation.group-by' must be a list/,
    ],
    ['test_correlation_invalid_timespan', { timespan: '1x' }, /^invalid-timespan: .*not '1x'/],
    [
      'test_correlation_without_timespan',
      { timespan: undefined },
      /^invalid-timespan: 'correlation.timespan' is required/,
    ],
    [
      'test_correlation_invalid_condition',
      { condition: 'test' },
      /^invalid-correlation: 'correlation.condition' must be a mapping/,
    ],
    [
      'test_correlation_without_condition',
      { condition: undefined },
      /^invalid-correlation: 'correlation.condition' is required for event_count/,
    ],
    [
      'test_value_count_correlation_without_condition_field',
      { type: 'value_count' },
      /^invalid-correlation: 'condition.field' is required for value_count/,
    ],
    [
      'test_value_sum_without_field_reference',
      { type: 'value_sum' },
      /^invalid-correlation: 'condition.field' is required for value_sum/,
    ],
    [
      'test_value_avg_without_field_reference',
      { type: 'value_avg' },
      /^invalid-correlation: 'condition.field' is required for value_avg/,
    ],
    [
      'test_value_percentile_without_field_reference',
      { type: 'value_percentile' },
      /^invalid-correlation: 'condition.field' is required for value_percentile/,
    ],
    [
      'test_correlation_condition_invalid_item',
      { condition: '{test: 10}' },
      /^invalid-correlation: unknown condition key 'test'/,
    ],
    [
      'test_correlation_condition_invalid_count',
      { condition: '{gte: test}' },
      /^invalid-correlation: 'condition.gte' must be a number/,
    ],
    [
      'test_correlation_invalid_alias',
      { aliases: '{field: {other_rule: x}}' },
      /^invalid-correlation: alias 'field' names 'other_rule', which is not in 'correlation.rules'/,
    ],
    [
      'test_correlation_alias_invalid_mapping',
      { aliases: '{field: test}' },
      /^invalid-correlation: alias 'field' must map rule names to field names/,
    ],
    [
      'test_correlation_invalid_generate',
      { generate: 'test' },
      /^invalid-correlation: 'generate' must be true or false/,
    ],
    [
      'test_correlation_without_rules_requires_extended_condition (an extension: refused)',
      { rules: undefined, condition: 'a and b' },
      /^invalid-correlation: 'correlation.rules'/,
    ],
  ] as const)('%s', (_, over, message) => {
    const { spec, codes } = read(over as Record<string, string | undefined>);
    expect(spec).toBeUndefined();
    expect(codes[0]).toMatch(message);
  });

  test.each([
    ['test_correlation_timespan: 1d', { timespan: '1d' }, { timespanSeconds: 86400 }],
    ['pySigma units w, M, y', { timespan: '2w' }, { timespanSeconds: 1209600 }],
    ['test_correlation_neq_condition', { condition: '{neq: 10}' }, { bounds: [{ op: 'neq', value: 10 }] }],
    [
      'a range is a conjunction',
      { condition: '{gt: 100, lte: 200}' },
      {
        bounds: [
          { op: 'gt', value: 100 },
          { op: 'lte', value: 200 },
        ],
      },
    ],
    [
      'test_correlation_condition_with_field',
      { type: 'value_count', condition: '{field: fieldA, gte: 10}' },
      { field: 'fieldA' },
    ],
    ['test_correlation_rule_generate', { generate: 'true' }, { generate: true }],
    [
      'temporal needs no condition',
      { type: 'temporal', condition: undefined },
      { type: 'temporal', bounds: [] },
    ],
    [
      'value_percentile with its percentile',
      { type: 'value_percentile', condition: '{field: f, percentile: 95, gte: 1}' },
      { percentile: 95 },
    ],
  ] as const)('%s', (_, over, want) => {
    const { spec, codes } = read(over as Record<string, string | undefined>);
    expect(codes).toEqual([]);
    expect(spec).toMatchObject(want);
  });
});
