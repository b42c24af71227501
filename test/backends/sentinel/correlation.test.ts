/**
 * Sentinel correlation queries (backends/sentinel-kql/correlation.ts): every type binds in
 * Microsoft's analyzer against the declared table schemas, and on event streams that do and do
 * not trigger the query's rows agree with the verdict written from the specification
 * (test/support/correlation-fixtures.ts) and the reference evaluator (src/evaluate/correlation.ts), through
 * the Kusto interpreter (test/support/eval-kusto.ts).
 */
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { kustoTimespan, nestedLookback } from '../../../backends/sentinel-kql/correlation.js';
import type { CorrelationContext, RuleResult } from '../../../src/backend.js';
import { durationSeconds } from '../../../backends/sentinel-kql/formats.js';
import { resolveSettings } from '../../../src/settings.js';
import { DiagnosticSink } from '../../../src/diagnostics.js';
import type { Correlation } from '../../../src/ir/correlation.js';
import { evalKustoTable } from '../../support/eval-kusto.js';
import { bindKusto } from '../../support/kusto.js';
import tablesJson from '../../../backends/sentinel-kql/data/tables.json' with { type: 'json' };
import {
  EVENT_IDS,
  TYPE_CASES,
  SPEC_EXAMPLE,
  convertCorrelationText,
  correlationOf,
  correlationFromText,
  correlationText,
  evaluatorFires,
  evaluatorFiresOn,
  timeOf,
  type CorrelationSpec,
  type Scenario,
} from '../../support/correlation-fixtures.js';

const TABLES = tablesJson as Record<string, Record<string, string>>;
const PIPELINES = ['sentinel'];

function convert(c: Correlation): { queries: string[]; sink: DiagnosticSink } {
  const sink = new DiagnosticSink('corr.yml');
  const ctx: CorrelationContext = { correlation: c, sink, options: {} };
  return { queries: sentinelBackend.convertCorrelation!(ctx), sink };
}

function convertSpec(spec: CorrelationSpec): { queries: string[]; sink: DiagnosticSink } {
  return convert(correlationOf(spec, sentinelBackend, PIPELINES));
}

/** The scenario's events as SecurityEvent rows (Microsoft Learn, "SecurityEvent table": EventID int, TimeGenerated datetime). */
function rowsOf(s: Scenario): Record<string, unknown>[] {
  return s.events.map((e) => ({ TimeGenerated: timeOf(e.at), EventID: EVENT_IDS[e.rule], ...e.fields }));
}

function fires(query: string, s: Scenario): boolean {
  const out = evalKustoTable(query, { SecurityEvent: { columns: TABLES.SecurityEvent, rows: rowsOf(s) } });
  return out.length > 0;
}

describe('sentinel correlation: every type against the specification verdicts', () => {
  for (const [type, tc] of Object.entries(TYPE_CASES)) {
    describe(type, () => {
      const correlation = correlationOf(tc.spec, sentinelBackend, PIPELINES);
      const { queries, sink } = convert(correlation);
      it('converts exactly and binds', () => {
        expect(sink.list).toEqual([]);
        expect(queries).toHaveLength(1);
        expect(bindKusto(queries[0], TABLES).errors).toEqual([]);
        expect(queries[0]).not.toMatch(/\bbin\(/);
      });
      for (const s of tc.scenarios)
        it(`${s.fires ? 'fires' : 'does not fire'}: ${s.name}`, () => {
          // The hand-written verdict, the reference evaluator's and the query's agree.
          expect(evaluatorFires(correlation, s)).toBe(s.fires);
          expect(fires(queries[0], s)).toBe(s.fires);
        });
    });
  }
});

describe('sentinel correlation: the query text', () => {
  it('event_count: union of the tagged rule query, self-join over the sliding window, summarize', () => {
    const { queries } = convertSpec(TYPE_CASES.event_count.spec);
    expect(queries[0]).toBe(
      [
        'let sigma_events = materialize(union',
        '    (SecurityEvent',
        '    | where EventID == 4625',
        '    | project TimeGenerated, sigma_rule = "failed", sigma_rule_index = 0, sigma_g0 = TargetUserName)',
        '| sort by TimeGenerated asc, sigma_rule_index asc',
        '| extend sigma_order = row_number());',
        'sigma_events',
        '| join kind=inner (sigma_events | project sigma_g0, sigma_time = TimeGenerated, sigma_rule_in = sigma_rule, sigma_order_in = sigma_order) on sigma_g0',
        '| where sigma_order_in <= sigma_order and sigma_time >= TimeGenerated - 1m',
        '| summarize sigma_value = count() by sigma_order, TimeGenerated, sigma_g0',
        '| where sigma_value >= 3',
        '| project TimeGenerated, sigma_g0, sigma_value',
      ].join('\n'),
    );
  });

  it('no group-by: one group', () => {
    const spec = { ...TYPE_CASES.event_count.spec, groupBy: [] };
    const { queries } = convertSpec(spec);
    expect(queries[0]).toContain('sigma_g0 = ""');
    expect(bindKusto(queries[0], TABLES).errors).toEqual([]);
    const s = TYPE_CASES.event_count.scenarios.find((x) => x.name === 'third in another group')!;
    // Without a group the third event (bob) counts.
    expect(fires(queries[0], s)).toBe(true);
  });

  it('a range condition is a conjunction', () => {
    const { queries } = convertSpec({
      ...TYPE_CASES.event_count.spec,
      bounds: [
        { op: 'gt', value: 1 },
        { op: 'lte', value: 2 },
      ],
    });
    expect(queries[0]).toContain('| where sigma_value > 1 and sigma_value <= 2');
    const two = TYPE_CASES.event_count.scenarios.find((x) => x.name === 'two only (below the threshold)')!;
    expect(fires(queries[0], two)).toBe(true);
  });

  it('timespans in the largest whole unit', () => {
    expect([kustoTimespan(90), kustoTimespan(600), kustoTimespan(7200), kustoTimespan(172800)]).toEqual([
      '90s',
      '10m',
      '2h',
      '2d',
    ]);
  });
});

describe('sentinel correlation: labels', () => {
  it('two rules: an event both match is two occurrences, as the union gives it (exact)', () => {
    const { queries, sink } = convertSpec({
      ...TYPE_CASES.event_count.spec,
      rules: ['failed', 'success'],
      bounds: [{ op: 'gte', value: 2 }],
    });
    expect(sink.list).toEqual([]);
    expect(bindKusto(queries[0], TABLES).errors).toEqual([]);
    const one: Scenario = {
      name: 'one of each',
      events: [
        { rule: 'failed', at: 0, fields: { TargetUserName: 'alice' } },
        { rule: 'success', at: 10, fields: { TargetUserName: 'alice' } },
      ],
      fires: true,
    };
    expect(fires(queries[0], one)).toBe(true);
  });

  it('temporal_ordered: the condition picks the shortest chain it accepts', () => {
    const spec = { ...TYPE_CASES.temporal_ordered.spec, bounds: [{ op: 'gte' as const, value: 2 }] };
    const { queries, sink } = convertSpec(spec);
    expect(sink.list).toEqual([]);
    expect(queries[0].match(/\| join kind=inner/g)).toHaveLength(2);
    const s = TYPE_CASES.temporal_ordered.scenarios.find(
      (x) => x.name === 'in order, one second outside the span',
    )!;
    expect(fires(queries[0], s)).toBe(true);
    const never = convertSpec({ ...spec, bounds: [{ op: 'gt', value: 3 }] });
    expect(never.sink.list.map((d) => [d.code, d.reason])).toEqual([
      ['unsupported-construct', 'correlation-condition'],
    ]);
  });

  it('value_percentile is refused with its reason', () => {
    const { queries, sink } = convertSpec({ ...TYPE_CASES.value_sum.spec, type: 'value_percentile' });
    expect(queries).toEqual([]);
    expect(sink.list.map((d) => [d.code, d.reason])).toEqual([
      ['unsupported-construct', 'correlation-percentile'],
    ]);
  });

  it('a group-by field that is not a column is an error', () => {
    const { queries, sink } = convertSpec({ ...TYPE_CASES.event_count.spec, groupBy: ['NoSuchColumn'] });
    expect(queries).toEqual([]);
    expect(sink.list.map((d) => d.code)).toEqual(['unmapped-field']);
  });
});

describe('sentinel correlation: analytics-rule format', () => {
  function periodOf(timespan: string, settings: Record<string, string> = {}): string {
    const c = correlationOf(TYPE_CASES.event_count.spec, sentinelBackend, PIPELINES);
    const rule = { ...c.rule, custom: { ...c.rule.custom, correlation: { type: 'event_count', timespan } } };
    const { queries, sink } = convert({ ...c, rule });
    const result: RuleResult = {
      path: 'corr.yml',
      rule,
      status: 'exact',
      queries,
      diagnostics: sink.list,
      state: {},
      target: resolveSettings(sentinelBackend.settings, { settings }, {}),
      applied: [],
    };
    const text = sentinelBackend.formats['analytics-rule'].rule(result, { settings });
    expect(text).toContain('query: |-\n  let sigma_events = materialize(union');
    return /queryPeriod: (.*)/.exec(text)![1];
  }

  it('queryPeriod covers queryFrequency plus the timespan', () => {
    expect(periodOf('10m')).toBe('"70m"');
    expect(periodOf('1h')).toBe('"2h"');
    expect(periodOf('1d', { queryFrequency: 'PT1H' })).toBe('"25h"');
    expect(periodOf('90s', { queryFrequency: '5m' })).toBe('"7m"');
  });

  it('a longer queryPeriod setting stays', () => {
    expect(periodOf('10m', { queryPeriod: '1d' })).toBe('"1d"');
  });

  it('durations in both notations', () => {
    expect(['5m', 'PT5M', 'P1D', 'PT1H30M', 'P', 'x'].map(durationSeconds)).toEqual([
      300,
      300,
      86400,
      5400,
      undefined,
      undefined,
    ]);
  });
});

describe('sentinel correlation: documents through the loader and the builder', () => {
  it('event_count over a rule with two EventIDs, default pipelines', () => {
    const r = convertCorrelationText(
      correlationText(
        '    type: event_count\n    rules: [failed_login]\n    group-by: [TargetUserName]\n    timespan: 10m\n    condition: {gte: 10}',
      ),
      sentinelBackend,
      PIPELINES,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('| where EventID in (529, 4625)');
    expect(r.queries[0]).toContain(
      '| where sigma_order_in <= sigma_order and sigma_time >= TimeGenerated - 10m',
    );
    expect(bindKusto(r.queries[0], TABLES).errors).toEqual([]);
  });

  it('aliases: one group key from differently named fields', () => {
    const r = convertCorrelationText(
      correlationText(
        [
          '    type: temporal',
          '    rules: [failed_login, successful_login]',
          '    group-by: [user]',
          '    timespan: 5m',
          '    aliases:',
          '        user:',
          '            failed_login: TargetUserName',
          '            successful_login: SubjectUserName',
        ].join('\n'),
      ),
      sentinelBackend,
      PIPELINES,
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('sigma_g0 = TargetUserName');
    expect(r.queries[0]).toContain('sigma_g0 = SubjectUserName');
    expect(bindKusto(r.queries[0], TABLES).errors).toEqual([]);
  });

  describe('a correlation over a correlation (the specification example, timespan 60 s, 3 failures)', () => {
    const text = SPEC_EXAMPLE.replace(/User$/gm, 'TargetUserName')
      .replace(/timespan: 10m/g, 'timespan: 60s')
      .replace('gte: 10', 'gte: 3');
    const r = convertCorrelationText(text, sentinelBackend, PIPELINES);
    const c = correlationFromText(text, sentinelBackend, PIPELINES);
    it('converts exactly and binds, the inner correlation as a let', () => {
      expect(r.diagnostics).toEqual([]);
      expect(r.status).toBe('exact');
      expect(r.queries[0]).toContain('let sigma_matches_1 = sigma_events_1');
      expect(r.queries[0]).toContain(
        '(sigma_matches_1\n    | project TimeGenerated, sigma_rule = "multiple_failed_login"',
      );
      expect(bindKusto(r.queries[0], TABLES).errors).toEqual([]);
    });
    it("analytics rule: queryPeriod covers queryFrequency plus both levels' timespans", () => {
      expect(nestedLookback(r.queries[0])).toBe(120);
      const result: RuleResult = { ...r, target: resolveSettings(sentinelBackend.settings, {}, {}) };
      // 1h + 60 s + 60 s, whole minutes up.
      expect(sentinelBackend.formats['analytics-rule'].rule(result, {})).toMatch(/queryPeriod: "62m"/);
    });
    const f = (at: number, user = 'alice') => ({ at, EventID: 4625, TargetUserName: user });
    const ok = (at: number, user = 'alice') => ({ at, EventID: 4624, TargetUserName: user });
    const streams: [string, Record<string, unknown>[], boolean][] = [
      ['three failures then a success within the span', [f(0), f(10), f(20), ok(30)], true],
      ['the success at exactly the span after the third failure', [f(0), f(10), f(20), ok(80)], true],
      ['the success one second outside the span', [f(0), f(10), f(20), ok(81)], false],
      ['the success before the failures (wrong order)', [ok(5), f(10), f(20), f(30)], false],
      ['two failures only', [f(0), f(10), ok(20)], false],
      ['the success in another group', [f(0), f(10), f(20), ok(30, 'bob')], false],
    ];
    for (const [name, events, want] of streams)
      it(`${want ? 'fires' : 'does not fire'}: ${name}`, () => {
        expect(evaluatorFiresOn(c, events)).toBe(want);
        const rows = events.map(({ at, ...rest }) => ({ TimeGenerated: timeOf(at as number), ...rest }));
        const out = evalKustoTable(r.queries[0], { SecurityEvent: { columns: TABLES.SecurityEvent, rows } });
        expect(out.length > 0).toBe(want);
      });
  });
});
