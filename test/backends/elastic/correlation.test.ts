/**
 * Elastic correlation rules (backends/elastic-kql/correlation.ts): Kibana threshold rules for
 * event_count and value_count, held to the verdicts written from the specification
 * (test/support/correlation-fixtures.ts) through a threshold-rule interpreter
 * (correlation-threshold.ts) over the KQL interpreter; the detection-rule format; and the
 * reasons of every refusal.
 */
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import type { EqlRule, ThresholdRule } from '../../../backends/elastic-kql/correlation.js';
import type { CorrelationContext, RuleResult } from '../../../src/backend.js';
import { DiagnosticSink } from '../../../src/diagnostics.js';
import type { Correlation } from '../../../src/ir/correlation.js';
import { resolveSettings } from '../../../src/settings.js';
import { parseKql } from '../../support/kql.js';
import {
  EVENT_IDS,
  TYPE_CASES,
  SPEC_EXAMPLE,
  convertCorrelationText,
  correlationOf,
  correlationText,
  evaluatorFires,
  type CorrelationSpec,
  type Scenario,
} from '../../support/correlation-fixtures.js';
import { thresholdFires } from './correlation-threshold.js';
import { eqlRuleHits } from './correlation-eql.js';
import { parseEqlStatement } from '../../support/eql-grammar.js';

// The rules' own field names (no ECS pipeline): EventID is a number, the others keywords.
const PIPELINES: string[] = [];
const FIELD_TYPES = { EventID: 'long', TargetUserName: 'keyword', IpAddress: 'keyword', LogonType: 'long' };

function convert(c: Correlation): { queries: string[]; sink: DiagnosticSink } {
  const sink = new DiagnosticSink('corr.yml');
  const ctx: CorrelationContext = { correlation: c, sink, options: {} };
  return { queries: elasticBackend.convertCorrelation!(ctx), sink };
}

const convertSpec = (spec: CorrelationSpec) => convert(correlationOf(spec, elasticBackend, PIPELINES));

function docsOf(s: Scenario): Record<string, unknown>[] {
  return s.events.map((e) => ({ '@timestamp': e.at, EventID: EVENT_IDS[e.rule], ...e.fields }));
}

/** Whether the rule alerts for each phase of its schedule (every whole second of one interval). */
function phases(rule: ThresholdRule, s: Scenario): boolean[] {
  const out: boolean[] = [];
  for (let phase = 0; phase < 60; phase++)
    out.push(thresholdFires(rule, { docs: docsOf(s), fieldTypes: FIELD_TYPES, phase }));
  return out;
}

describe('elastic correlation: threshold rules against the specification verdicts', () => {
  for (const type of ['event_count', 'value_count'] as const) {
    describe(type, () => {
      const tc = TYPE_CASES[type];
      const correlation = correlationOf(tc.spec, elasticBackend, PIPELINES);
      const { queries, sink } = convert(correlation);
      const rule = JSON.parse(queries[0] ?? '{}') as ThresholdRule;
      it('is a threshold rule labelled wider (the look-back window)', () => {
        expect(queries).toHaveLength(1);
        expect(sink.list.map((d) => [d.code, d.reason, d.direction])).toEqual([
          ['approximation', 'threshold-window', 'wider'],
        ]);
        expect(parseKql(rule.query).ok).toBe(true);
        expect(rule.interval).toBe('1m');
        expect(rule.from).toBe('now-2m');
      });
      for (const s of tc.scenarios) {
        // Wider only: a sliding-window match alerts whatever the schedule's phase; a stream the
        // specification does not match may alert only when its events are more than the timespan
        // apart (the labelled widening), never for a wrong group or a count below the threshold.
        const widened = /outside the span/.test(s.name);
        it(`${s.fires ? 'fires at every phase' : widened ? 'may fire (labelled widening)' : 'never fires'}: ${s.name}`, () => {
          expect(evaluatorFires(correlation, s)).toBe(s.fires);
          const got = phases(rule, s);
          if (s.fires) expect(got.every(Boolean)).toBe(true);
          else if (widened) expect(got.some(Boolean)).toBe(true);
          else expect(got.some(Boolean)).toBe(false);
        });
      }
    });
  }

  it('a look-back of one timespan (tumbling) would miss a sliding-window match at some phase', () => {
    const { queries } = convertSpec(TYPE_CASES.event_count.spec);
    const tumbling = { ...(JSON.parse(queries[0]) as ThresholdRule), from: 'now-1m' };
    const s = TYPE_CASES.event_count.scenarios.find((x) => x.name === 'across a minute boundary')!;
    expect(phases(tumbling, s).some((f) => !f)).toBe(true);
  });

  it('event_count: the threshold definition', () => {
    const { queries } = convertSpec(TYPE_CASES.event_count.spec);
    expect(JSON.parse(queries[0])).toEqual({
      type: 'threshold',
      language: 'kuery',
      query: 'EventID: 4625',
      index: ['logs-*'],
      threshold: { field: ['TargetUserName'], value: 3 },
      interval: '1m',
      from: 'now-2m',
    });
  });

  it('value_count: cardinality of the field, value 1; gt n is gte n+1', () => {
    const { queries } = convertSpec({ ...TYPE_CASES.value_count.spec, bounds: [{ op: 'gt', value: 4 }] });
    expect(JSON.parse(queries[0]).threshold).toEqual({
      field: ['TargetUserName'],
      value: 1,
      cardinality: [{ field: 'IpAddress', value: 5 }],
    });
  });

  it('several rules: one query; event_count lowers its threshold to what one document per rule could give', () => {
    const { queries, sink } = convertSpec({ ...TYPE_CASES.event_count.spec, rules: ['failed', 'success'] });
    const rule = JSON.parse(queries[0]) as ThresholdRule;
    expect(rule.query).toBe('(EventID: 4625) or (EventID: 4624)');
    expect(rule.threshold.value).toBe(2);
    expect(sink.list.map((d) => [d.reason, d.direction])).toEqual([
      ['threshold-overlap', 'wider'],
      ['threshold-window', 'wider'],
    ]);
    const s = TYPE_CASES.event_count.scenarios.find((x) => x.name === 'another rule does not count')!;
    expect(phases(rule, s).every(Boolean)).toBe(true);
  });
});

describe('elastic correlation: EQL rules (temporal, temporal_ordered) against the specification verdicts', () => {
  for (const type of ['temporal', 'temporal_ordered'] as const) {
    describe(type, () => {
      const tc = TYPE_CASES[type];
      const correlation = correlationOf(tc.spec, elasticBackend, PIPELINES);
      const { queries, sink } = convert(correlation);
      const rules = queries.map((q) => JSON.parse(q) as EqlRule);
      it('EQL rules, exact, one per order of the rules (the rules are disjoint: EventID)', () => {
        expect(sink.list).toEqual([]);
        expect(rules).toHaveLength(type === 'temporal' ? 2 : 1);
        for (const r of rules) {
          expect(r).toMatchObject({ type: 'eql', language: 'eql', interval: '5m', from: 'now-6m' });
          expect(parseEqlStatement(r.query)).toMatchObject({ kind: 'sequence', maxspanSeconds: 60 });
        }
      });
      for (const s of tc.scenarios)
        it(`${s.fires ? 'fires at every phase' : 'never fires'}: ${s.name}`, () => {
          expect(evaluatorFires(correlation, s)).toBe(s.fires);
          // EQL compares the rules' EventID as keyword text (no ECS type for it): default types.
          for (const phase of [0, 45, 150, 299])
            expect(rules.some((r) => eqlRuleHits(r, docsOf(s), phase).length > 0)).toBe(s.fires);
        });
    });
  }
});

describe('elastic correlation: refusals', () => {
  const cases: [string, CorrelationSpec, string][] = [
    ['value_sum', TYPE_CASES.value_sum.spec, 'threshold-type'],
    ['value_avg', TYPE_CASES.value_avg.spec, 'threshold-type'],
    ['value_percentile', { ...TYPE_CASES.value_sum.spec, type: 'value_percentile' }, 'threshold-type'],
    [
      'event_count lt',
      { ...TYPE_CASES.event_count.spec, bounds: [{ op: 'lt', value: 3 }] },
      'threshold-condition',
    ],
    [
      'event_count range',
      {
        ...TYPE_CASES.event_count.spec,
        bounds: [
          { op: 'gte', value: 3 },
          { op: 'lte', value: 5 },
        ],
      },
      'threshold-condition',
    ],
  ];
  for (const [name, spec, reason] of cases)
    it(`${name}: unsupported-construct [${reason}]`, () => {
      const { queries, sink } = convertSpec(spec);
      expect(queries).toEqual([]);
      expect(sink.list.map((d) => [d.code, d.reason])).toEqual([['unsupported-construct', reason]]);
    });

  it('a group-by field named differently in two rules', () => {
    const c = correlationOf(
      { ...TYPE_CASES.event_count.spec, rules: ['failed', 'success'] },
      elasticBackend,
      PIPELINES,
    );
    const { queries, sink } = convert({
      ...c,
      groupBy: [{ name: 'user', perRule: ['TargetUserName', 'SubjectUserName'] }],
    });
    expect(queries).toEqual([]);
    expect(sink.list.map((d) => [d.code, d.reason])).toEqual([['unsupported-construct', 'threshold-fields']]);
  });
});

describe('elastic correlation: detection-rule format', () => {
  it('a threshold rule with the correlation metadata', () => {
    const c = correlationOf(TYPE_CASES.event_count.spec, elasticBackend, PIPELINES);
    const { queries, sink } = convert(c);
    const result: RuleResult = {
      path: 'corr.yml',
      rule: c.rule,
      status: 'approximate',
      queries,
      diagnostics: sink.list,
      state: {},
      target: resolveSettings(elasticBackend.settings, {}, {}),
      applied: [],
    };
    const line = elasticBackend.formats['detection-rule'].rule(result, {});
    const obj = JSON.parse(line.trim()) as Record<string, unknown>;
    expect(obj).toMatchObject({
      type: 'threshold',
      language: 'kuery',
      query: 'EventID: 4625',
      threshold: { field: ['TargetUserName'], value: 3 },
      interval: '1m',
      from: 'now-2m',
      rule_id: '22222222-2222-4222-8222-222222222222',
      name: 'correlation event_count',
    });
    expect(String(obj.note)).toContain('[threshold-window]');
  });
});

describe('elastic correlation: documents through the loader and the builder', () => {
  it("event_count (the rules' field names; with the ECS pipeline the builder refuses group fields, see the report)", () => {
    const r = convertCorrelationText(
      correlationText(
        '    type: event_count\n    rules: [failed_login]\n    group-by: [IpAddress]\n    timespan: 10m\n    condition: {gte: 10}',
      ),
      elasticBackend,
      [],
    );
    expect(r.diagnostics.map((d) => d.reason)).toEqual(['threshold-window']);
    expect(r.status).toBe('approximate');
    const rule = JSON.parse(r.queries[0]) as ThresholdRule;
    expect(parseKql(rule.query).ok).toBe(true);
    expect(rule.threshold.value).toBe(10);
    expect(rule.interval).toBe('10m');
    expect(rule.from).toBe('now-20m');
    expect(rule.query).toBe('EventID: (529 or 4625)');
    expect(rule.threshold.field).toEqual(['IpAddress']);
  });

  it("the specification's example (a correlation over a correlation) is refused with its reason", () => {
    const r = convertCorrelationText(SPEC_EXAMPLE, elasticBackend, []);
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics.map((d) => [d.code, d.reason])).toEqual([
      ['unsupported-construct', 'correlation-chain'],
    ]);
  });
});
