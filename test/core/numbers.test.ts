/**
 * The one meaning of a Sigma number against a field (docs/testing-rules.md, "Value types"): a
 * numeric value equal to it, or a text that is its canonical decimal spelling. Checked at each
 * layer: the spelling (src/ir/number.ts), the reference evaluator, each backend's output, and each
 * backend's output run through its dialect interpreter on the same events, which must agree with
 * the evaluator whenever the conversion is labelled exact.
 */
import { elasticBackend } from '../../backends/elastic-kql/index.js';
import { sentinelBackend } from '../../backends/sentinel-kql/index.js';
import { splunkBackend } from '../../backends/splunk/index.js';
import type { Backend, RuleResult } from '../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import { compileRule } from '../../src/evaluate/index.js';
import { canonicalNumber } from '../../src/ir/number.js';
import { evalKql } from '../support/eval-kql.js';
import { evalKusto } from '../support/eval-kusto.js';
import { evalSpl } from '../support/eval-spl.js';

function ruleText(detection: string, logsource = 'product: windows'): string {
  return `title: t\nid: 11111111-1111-4111-8111-111111111111\nlogsource:\n  ${logsource}\ndetection:\n${detection}\nlevel: high\n`;
}

function convert(
  backend: Backend,
  detection: string,
  settings?: Record<string, string>,
  logsource?: string,
): RuleResult {
  return convertLoaded(loadRuleFromText(ruleText(detection, logsource), 'n.yml'), backend, [], { settings });
}

function oracle(detection: string): (e: Record<string, unknown>) => boolean {
  const loaded = loadRuleFromText(ruleText(detection), 'n.yml');
  if (!loaded.ir) throw new Error('rule did not load');
  const m = compileRule(loaded.ir);
  return (e) => m(e as never);
}

describe('canonicalNumber: the spelling a Sigma number matches as text', () => {
  test.each([
    ['4688', '4688'],
    ['-1', '-1'],
    ['+4688', '4688'],
    ['1.50', '1.5'],
    ['2000.0', '2000'],
    ['4.688e3', '4688'],
    ['1e21', '1000000000000000000000'],
    ['1.5E-3', '0.0015'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['0', '0'],
    ['12345678901234567890', '12345678901234567890'], // every digit, beyond a double's precision
  ])('%s -> %s', (text, want) => {
    expect(canonicalNumber({ value: Number(text), text })).toBe(want);
  });
});

/** Texts that are not the number 2000, and what is (as text and as a number). */
const NOT_2000 = ['02000', '2000.0', ' 2000', '2000 ', '+2000', '0x7D0', '2e3', '2000x'];
const IS_2000: unknown[] = ['2000', 2000];

describe('Splunk: a number is compared as its canonical text', () => {
  test('search term, with the rule spelling normalised', () => {
    expect(convert(splunkBackend, '  sel:\n    EventID: 2000.0\n  condition: sel').queries).toEqual([
      'EventID=2000',
    ]);
    expect(convert(splunkBackend, '  sel:\n    EventID: [1.50, 4.688e3]\n  condition: sel').queries).toEqual([
      'EventID IN (1.5, 4688)',
    ]);
  });

  test('| where form: match() on the text, not eval ==, which reads " 2000" as 2000', () => {
    const det =
      '  sel:\n    EventID: 2000\n    CommandLine|re: x+\n  s2:\n    EventID: [1, 2]\n  condition: sel or s2';
    const r = convert(splunkBackend, det);
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('match(EventID, "^2000\\\\z")');
    expect(r.queries[0]).toContain('match(EventID, "(?:^1\\\\z|^2\\\\z)")');
    expect(r.queries[0]).not.toContain('==');
  });

  test.each([
    ['search', '  sel:\n    EventID: 2000\n  condition: sel'],
    ['search under not', '  sel:\n    EventID: 2000\n  condition: not sel'],
    ['where', '  sel:\n    EventID: 2000\n    CommandLine|re: x+\n  condition: sel'],
    [
      'where under not',
      '  sel:\n    EventID: 2000\n  f:\n    CommandLine|re: x+\n  condition: f and not sel',
    ],
  ])('%s agrees with the evaluator on every spelling', (_, det) => {
    const r = convert(splunkBackend, det);
    expect(r.status).toBe('exact');
    const rule = oracle(det);
    for (const v of [...NOT_2000, ...IS_2000]) {
      const e = { EventID: typeof v === 'number' ? v : v, CommandLine: 'xx' };
      expect([v, evalSpl(r.queries[0], e)]).toEqual([v, rule(e)]);
    }
  });
});

describe('Sentinel: a number is compared as a number or as its canonical text', () => {
  test('untyped column: tostring(), not tolong() (which converts "02000" too)', () => {
    const r = convert(sentinelBackend, '  sel:\n    EventID: 2000.0\n  condition: sel', {
      table: 'SigmaEvents',
    });
    expect(r.queries[0]).toBe('SigmaEvents\n| where tostring(EventID) == "2000"');
  });

  test('string column: the canonical text', () => {
    // Defender's DeviceProcessEvents.FolderPath is a string column (backends/sentinel-kql/data/tables.json).
    const det = '  sel:\n    FolderPath: 1.50\n  condition: sel';
    const r = convert(sentinelBackend, det, { table: 'DeviceProcessEvents' });
    expect(r.queries[0]).toContain('FolderPath == "1.5"');
  });

  test.each([
    ['string column', 'string'],
    ['long column', 'long'],
    ['dynamic column', 'dynamic'],
  ])('%s agrees with the evaluator on every spelling', (_, type) => {
    for (const det of [
      '  sel:\n    EventID: 2000\n  condition: sel',
      '  sel:\n    EventID: 2000\n  condition: not sel',
    ]) {
      const r = convert(sentinelBackend, det, { table: 'SigmaEvents' });
      expect(r.status).toBe('exact');
      const rule = oracle(det);
      const values = type === 'long' ? [2000, 2001] : [...NOT_2000, ...IS_2000];
      for (const v of values) {
        if (type === 'string' && typeof v !== 'string') continue;
        const e = { EventID: v };
        // A dynamic column's row value is its JSON text (eval-kusto reads it with JSON.parse).
        const row = type === 'dynamic' ? { EventID: JSON.stringify(v) } : e;
        expect([v, evalKusto(r.queries[0], row, { EventID: type })]).toEqual([v, rule(e)]);
      }
    }
  });
});

describe('Elastic: a number is a term on its canonical text', () => {
  test('the rule spelling normalised; quoted when KQL would respell it', () => {
    expect(convert(elasticBackend, '  sel:\n    EventID: 2000.0\n  condition: sel').queries).toEqual([
      'EventID: 2000',
    ]);
    expect(convert(elasticBackend, '  sel:\n    EventID: 1e21\n  condition: sel').queries).toEqual([
      'EventID: "1000000000000000000000"',
    ]);
  });

  test('keyword field agrees with the evaluator on every spelling', () => {
    for (const det of [
      '  sel:\n    EventID: 2000\n  condition: sel',
      '  sel:\n    EventID: 2000\n  condition: not sel',
    ]) {
      const r = convert(elasticBackend, det);
      const rule = oracle(det);
      for (const v of NOT_2000) {
        const e = { EventID: v };
        expect([v, evalKql(r.queries[0], e)]).toEqual([v, rule(e)]);
      }
      expect(evalKql(r.queries[0], { EventID: '2000' })).toBe(rule({ EventID: '2000' }));
    }
  });
});
