/**
 * Splunk correlation searches held to the reference evaluator (src/evaluate/correlation.ts) on
 * event streams that do and do not trigger: exactly at the threshold, one second outside the span,
 * the wrong order, another group. The searches run in test/support/eval-spl.ts (evalSplSearch).
 */
import { splunkBackend } from '../../../backends/splunk/index.js';
import { nestedLookback } from '../../../backends/splunk/correlation.js';
import type { RuleResult } from '../../../src/backend.js';
import { resolveSettings } from '../../../src/settings.js';
import { evaluateCorrelation } from '../../../src/evaluate/correlation.js';
import { convertCorrelationWith, type Converted } from '../../support/correlation.js';
import { evalSplSearch } from '../../support/eval-spl.js';
import {
  STREAM_RULES,
  streamCorrelation,
  streamEvents,
  type StreamEvent,
} from '../../support/correlation-fixtures.js';

const convertCorrelationText = (text: string): Converted => convertCorrelationWith(splunkBackend, text);

type Event = StreamEvent;

/** Events with `_time` (seconds) and an `idx` to name them in results. */
function stream(...events: Event[]): Event[] {
  return events.map((e, idx) => ({ ...e, idx }));
}
const { fail, ok, post } = streamEvents('_time');
const other = (t: number, user = 'alice'): Event => ({ _time: t, EventID: 4688, User: user });

/** The evaluator's matching events, and the Splunk search's: the same list. */
function check(c: Converted, events: Event[], expected: boolean): void {
  const oracle = evaluateCorrelation(c.correlation!, events, { timeField: '_time' });
  expect(oracle.errors).toEqual([]);
  const want = oracle.matches.map((m) => m.index);
  expect(want.length > 0).toBe(expected);
  const rows = evalSplSearch(c.query, events);
  expect(rows.map((r) => r.idx)).toEqual(want);
}

describe('event_count', () => {
  const c = convertCorrelationText(
    streamCorrelation(
      '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 1m\n  condition: {gte: 3}',
    ),
  );
  test('the search', () => {
    expect(c.status).toBe('exact');
    expect(c.query).toBe(
      'EventID=4625 | eval sigma_rule="failed" | where isnotnull(User) | sort 0 _time | streamstats time_window=60s count as sigma_value by User | where sigma_value>=3',
    );
  });
  test.each([
    ['exactly the threshold, the first and last exactly the span apart', [fail(0), fail(30), fail(60)], true],
    ['one second outside the span', [fail(0), fail(30), fail(61)], false],
    ['another group', [fail(0), fail(30, 'bob'), fail(60)], false],
    ['events of no referenced rule do not count', [fail(0), other(10), fail(20)], false],
    ['a sliding window: across any bucket boundary', [fail(50), fail(70), fail(100)], true],
    [
      'events without the group-by field form no group',
      [fail(0), { _time: 1, EventID: 4625 }, fail(2)],
      false,
    ],
    ['input order does not matter (time order)', [fail(60), fail(0), fail(30)], true],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('event_count with a range and without group-by', () => {
  const c = convertCorrelationText(
    streamCorrelation(
      '  type: event_count\n  rules: [failed, success]\n  timespan: 10s\n  condition: {gt: 1, lte: 2}',
    ),
  );
  test('the search', () =>
    expect(c.query).toBe(
      '| multisearch [search EventID=4625 | eval sigma_rule="failed"] [search EventID=4624 | eval sigma_rule="success"] | sort 0 _time | streamstats time_window=10s count as sigma_value | where sigma_value>1 AND sigma_value<=2',
    ));
  test.each([
    ['two events of two rules', [fail(0), ok(10)], true],
    ['three in the span: only the second is within the range', [fail(0), ok(5), fail(9)], true],
    ['one event', [fail(0)], false],
    ['one second outside', [fail(0), ok(11)], false],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('value_count', () => {
  const c = convertCorrelationText(
    streamCorrelation(
      '  type: value_count\n  rules: [failed]\n  group-by: [IpAddress]\n  timespan: 5m\n  condition: {field: User, gte: 3}',
    ),
  );
  test('the search', () =>
    expect(c.query).toBe(
      'EventID=4625 | eval sigma_rule="failed" | where isnotnull(IpAddress) | sort 0 _time | streamstats time_window=300s dc(User) as sigma_value by IpAddress | where sigma_value>=3',
    ));
  const ip = { IpAddress: '10.0.0.1' };
  test.each([
    ['three users at the threshold', [fail(0, 'a', ip), fail(100, 'b', ip), fail(300, 'c', ip)], true],
    ['one second outside', [fail(0, 'a', ip), fail(100, 'b', ip), fail(301, 'c', ip)], false],
    ['the same user again', [fail(0, 'a', ip), fail(100, 'b', ip), fail(200, 'a', ip)], false],
    [
      'another source address',
      [fail(0, 'a', ip), fail(100, 'b', { IpAddress: '10.0.0.2' }), fail(200, 'c', ip)],
      false,
    ],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('value_sum and value_avg', () => {
  const sum = convertCorrelationText(
    streamCorrelation(
      '  type: value_sum\n  rules: [transfer]\n  group-by: [src]\n  timespan: 1h\n  condition: {field: bytes, gt: 1000}',
    ),
  );
  const avg = convertCorrelationText(
    streamCorrelation(
      '  type: value_avg\n  rules: [transfer]\n  group-by: [src]\n  timespan: 1h\n  condition: {field: bytes, gte: 500}',
    ),
  );
  const post = (t: number, bytes: unknown, src = 'h1'): Event => ({ _time: t, method: 'POST', src, bytes });
  test('the searches', () => {
    expect(sum.query).toBe(
      'method="POST" | eval sigma_rule="transfer" | where isnotnull(src) | sort 0 _time | streamstats time_window=3600s sum(bytes) as sigma_value by src | where sigma_value>1000',
    );
    expect(avg.query).toContain(
      'streamstats time_window=3600s avg(bytes) as sigma_value by src | where sigma_value>=500',
    );
  });
  test.each([
    ['sum over the threshold within the span', [post(0, 600), post(3600, 401)], true],
    ['exactly the threshold is not over it', [post(0, 600), post(3600, 400)], false],
    ['one second outside', [post(0, 600), post(3601, 401)], false],
    ['another source', [post(0, 600), post(10, 600, 'h2')], false],
    ['text values that are not numbers do not count', [post(0, 'lots'), post(10, 1001)], true],
  ])('sum: %s', (_, events, expected) => check(sum, stream(...(events as Event[])), expected as boolean));
  test.each([
    ['average exactly at the threshold', [post(0, 400), post(10, 600)], true],
    ['below', [post(0, 400), post(10, 599)], false],
    ['an average needs numbers', [post(0, 'x')], false],
    ['the early small value left the window', [post(0, 1), post(3601, 500)], true],
  ])('avg: %s', (_, events, expected) => check(avg, stream(...(events as Event[])), expected as boolean));
});

describe('temporal', () => {
  const c = convertCorrelationText(
    streamCorrelation('  type: temporal\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 30s'),
  );
  test('the search: every rule within the span by default', () =>
    expect(c.query).toBe(
      '| multisearch [search EventID=4625 | eval sigma_rule="failed"] [search EventID=4624 | eval sigma_rule="success"] | where isnotnull(User) | sort 0 _time | streamstats time_window=30s dc(sigma_rule) as sigma_value by User | where sigma_value>=2',
    ));
  test.each([
    ['both, exactly the span apart', [fail(0), ok(30)], true],
    ['in either order', [ok(0), fail(30)], true],
    ['one second outside', [fail(0), ok(31)], false],
    ['another group', [fail(0), ok(10, 'bob')], false],
    ['one rule twice', [fail(0), fail(10)], false],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('temporal_ordered', () => {
  const c = convertCorrelationText(
    streamCorrelation(
      '  type: temporal_ordered\n  rules: [failed, success, transfer]\n  group-by: [User]\n  timespan: 1m',
    ),
  );
  test('the search', () =>
    expect(c.query).toBe(
      '| multisearch [search EventID=4625 | eval sigma_rule="failed"] [search EventID=4624 | eval sigma_rule="success"] [search method="POST" | eval sigma_rule="transfer"] | where isnotnull(User) | sort 0 _time | eval sigma_t1=if(sigma_rule=="failed", _time, null()) | streamstats time_window=60s current=f max(sigma_t1) as sigma_c1 by User | eval sigma_t2=if(sigma_rule=="success" AND isnotnull(sigma_c1) AND _time - sigma_c1 <= 60, sigma_c1, null()) | streamstats time_window=60s current=f max(sigma_t2) as sigma_c2 by User | eval sigma_t3=if(sigma_rule=="transfer" AND isnotnull(sigma_c2) AND _time - sigma_c2 <= 60, sigma_c2, null()) | eval sigma_value=case(isnotnull(sigma_t3), 3, isnotnull(sigma_t2), 2, isnotnull(sigma_t1), 1, true(), 0) | where sigma_value>=3',
    ));
  test.each([
    ['in order, first and last exactly the span apart', [fail(0), ok(30), post(60)], true],
    ['in order, one second outside', [fail(0), ok(30), post(61)], false],
    ['the wrong order', [ok(0), fail(10), post(20)], false],
    ['a later first step keeps the chain in the span', [fail(0), fail(40), ok(50), post(90)], true],
    ['another group in the middle', [fail(0), ok(10, 'bob'), post(20)], false],
    ['the chain restarts after the wrong order', [ok(0), fail(10), ok(20), post(30)], true],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('aliases: group-by fields named differently per rule', () => {
  const c = convertCorrelationText(
    streamCorrelation(
      '  type: temporal\n  rules: [failed, transfer]\n  group-by: [who]\n  timespan: 1m\n  aliases:\n    who: {failed: TargetUserName, transfer: user}',
    ),
  );
  test('each subsearch names its field', () =>
    expect(c.query).toBe(
      '| multisearch [search EventID=4625 | eval sigma_rule="failed", sigma_group1=TargetUserName] [search method="POST" | eval sigma_rule="transfer", sigma_group1=user] | where isnotnull(sigma_group1) | sort 0 _time | streamstats time_window=60s dc(sigma_rule) as sigma_value by sigma_group1 | where sigma_value>=2',
    ));
  test.each([
    [
      'the same person in both fields',
      [
        { _time: 0, EventID: 4625, TargetUserName: 'al' },
        { _time: 5, method: 'POST', user: 'al' },
      ],
      true,
    ],
    [
      'different people',
      [
        { _time: 0, EventID: 4625, TargetUserName: 'al' },
        { _time: 5, method: 'POST', user: 'bo' },
      ],
      false,
    ],
    [
      'the field of the other rule does not count',
      [
        { _time: 0, EventID: 4625, user: 'al' },
        { _time: 5, method: 'POST', user: 'al' },
      ],
      false,
    ],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));
});

describe('what Splunk refuses', () => {
  test('value_percentile: no agreed meaning', () => {
    const c = convertCorrelationText(
      streamCorrelation(
        '  type: value_percentile\n  rules: [transfer]\n  group-by: [src]\n  timespan: 1d\n  condition: {field: bytes, percentile: 95, gte: 1}',
      ),
    );
    expect(c.status).toBe('unsupported');
    expect(c.diagnostics[0]).toMatch(/^unsupported-construct\[percentile\]/);
  });
  test('a count beyond max_stream_window', () => {
    const c = convertCorrelationText(
      streamCorrelation(
        '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 1d\n  condition: {gte: 20000}',
      ),
    );
    expect(c.diagnostics[0]).toMatch(/^unsupported-construct\[stream-window\]/);
  });
});

describe('a correlation over a correlation (one search, every level a streamstats)', () => {
  // The specification's example (sigma-correlation-rules-specification.md, "temporal_ordered"),
  // with 3 failures in 60 s instead of 10 in 10 minutes.
  const nested = (outer: string, inner: string) =>
    `title: Outer\nid: 44444444-4444-4444-8444-444444444444\ncorrelation:\n${outer}\n---\ntitle: Inner\nname: many_failed\ncorrelation:\n${inner}\n---${STREAM_RULES}`;
  const c = convertCorrelationText(
    nested(
      '  type: temporal_ordered\n  rules: [many_failed, success]\n  group-by: [User]\n  timespan: 60s',
      '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 60s\n  condition: {gte: 3}',
    ),
  );
  test('the search: the inner level first, its matches the outer occurrences', () => {
    expect(c.status).toBe('exact');
    expect(c.query).toBe(
      [
        '| multisearch [search EventID=4625 | eval sigma_src="0"] [search EventID=4624 | eval sigma_src="1"]',
        'sort 0 _time',
        'eval sigma_r1=case(sigma_src=="0", "0", true(), null())',
        'eval sigma_g1_0=case(sigma_r1=="0", User, true(), null())',
        'eval sigma_in1=if(isnotnull(sigma_r1) AND isnotnull(sigma_g1_0), 1, 0)',
        'eval sigma_g1_0=if(sigma_in1==1, sigma_g1_0, "")',
        'streamstats time_window=60s count as sigma_v1 by sigma_in1 sigma_g1_0',
        'eval sigma_m1=if(sigma_in1==1 AND sigma_v1>=3, 1, 0)',
        'eval sigma_r2=case(sigma_m1==1, "0", sigma_src=="1", "1", true(), null())',
        'eval sigma_g2_0=case(sigma_r2=="0", sigma_g1_0, sigma_r2=="1", User, true(), null())',
        'eval sigma_in2=if(isnotnull(sigma_r2) AND isnotnull(sigma_g2_0), 1, 0)',
        'eval sigma_g2_0=if(sigma_in2==1, sigma_g2_0, "")',
        'eval sigma_t2_1=if(sigma_r2=="0", _time, null())',
        'streamstats time_window=60s current=f max(sigma_t2_1) as sigma_c2_1 by sigma_in2 sigma_g2_0',
        'eval sigma_t2_2=if(sigma_r2=="1" AND isnotnull(sigma_c2_1) AND _time - sigma_c2_1 <= 60, sigma_c2_1, null())',
        'eval sigma_v2=case(isnotnull(sigma_t2_2), 2, isnotnull(sigma_t2_1), 1, true(), 0)',
        'eval sigma_m2=if(sigma_in2==1 AND sigma_v2>=2, 1, 0)',
        'where sigma_m2==1',
      ].join(' | '),
    );
  });
  test.each([
    ['three failures then a success within the span', [fail(0), fail(10), fail(20), ok(30)], true],
    ['the success exactly the span after the third failure', [fail(0), fail(10), fail(20), ok(80)], true],
    ['the success one second outside', [fail(0), fail(10), fail(20), ok(81)], false],
    ['the success before the failures (wrong order)', [ok(5), fail(10), fail(20), fail(30)], false],
    ['two failures only', [fail(0), fail(10), ok(20)], false],
    ['the third failure outside the inner span', [fail(0), fail(10), fail(61), ok(62)], false],
    ['the success in another group', [fail(0), fail(10), fail(20), ok(30, 'bob')], false],
    [
      'failures without the group key do not count',
      [fail(0), { _time: 5, EventID: 4625 }, fail(10), ok(20)],
      false,
    ],
    [
      'two groups interleaved',
      [fail(0), fail(1, 'bob'), fail(2), fail(3, 'bob'), fail(4), fail(5, 'bob'), ok(6, 'bob')],
      true,
    ],
    ['a later success event than the first match', [fail(0), fail(10), fail(20), fail(25), ok(79)], true],
  ])('%s', (_, events, expected) => check(c, stream(...(events as Event[])), expected as boolean));

  test('the outer level a count over inner matches and a rule (event_count over two entries)', () => {
    const e = convertCorrelationText(
      nested(
        '  type: event_count\n  rules: [many_failed, transfer]\n  group-by: [User]\n  timespan: 30s\n  condition: {gte: 2}',
        '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 10s\n  condition: {gte: 2}',
      ),
    );
    expect(e.status).toBe('exact');
    check(e, stream(fail(0), fail(5), post(30)), true);
    check(e, stream(fail(0), fail(5), fail(8)), true);
    check(e, stream(fail(0), fail(11), post(12)), false);
    check(e, stream(fail(0), fail(5), post(36)), false);
  });

  test('-p splunk-cim: each rule of every level gets the CIM value forms (cim-values.ts)', async () => {
    const { loadRulesFromText, convertCorrelationLoaded } = await import('../../../src/convert.js');
    const { link } = await import('../../../src/correlation/link.js');
    const { resolvePipeline } = await import('../../../src/pipeline/index.js');
    const imphash = 'A'.repeat(32);
    const text = [
      'title: Outer\ncorrelation:\n  type: temporal_ordered\n  rules: [many, hashes]\n  group-by: [Computer]\n  timespan: 1h\n---',
      'title: Inner\nname: many\ncorrelation:\n  type: event_count\n  rules: [hashes]\n  group-by: [Computer]\n  timespan: 1h\n  condition: {gte: 3}\n---',
      `title: hashes\nname: hashes\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Hashes|contains: 'IMPHASH=${imphash}'\n  condition: sel`,
    ].join('\n');
    const linked = link(loadRulesFromText(text, 'c.yml').rules);
    const doc = linked.documents.find((d) => d.correlation && !linked.correlationOnly.has(d))!;
    const r = convertCorrelationLoaded(
      doc,
      linked.index,
      splunkBackend,
      [resolvePipeline('splunk-cim', splunkBackend)],
      {},
    );
    expect(r.status).toBe('approximate');
    expect(r.queries[0].match(/process_hash="\*A{32}\*"/g)).toHaveLength(2);
  });

  test('three levels: a count of inner matches, then a success', () => {
    const t = convertCorrelationText(
      `title: Outer\ncorrelation:\n  type: temporal_ordered\n  rules: [bursts, success]\n  group-by: [User]\n  timespan: 60s\n---\ntitle: Mid\nname: bursts\ncorrelation:\n  type: event_count\n  rules: [many_failed]\n  group-by: [User]\n  timespan: 30s\n  condition: {gte: 2}\n---\ntitle: Inner\nname: many_failed\ncorrelation:\n  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 10s\n  condition: {gte: 2}\n---${STREAM_RULES}`,
    );
    expect(t.status).toBe('exact');
    expect(t.query).toContain('| where sigma_m3==1');
    expect(nestedLookback(t.query)).toBe(100);
    // Inner matches at 5 and 8 (two failures within 10 s): the mid level's second one at 8.
    check(t, stream(fail(0), fail(5), fail(8), ok(68)), true);
    check(t, stream(fail(0), fail(5), fail(8), ok(69)), false);
    check(t, stream(fail(0), fail(5), fail(20), ok(30)), false);
    check(t, stream(fail(0), fail(5), fail(14), ok(30)), true);
  });

  test('temporal over a correlation, the inner group-by under another name (aliases)', () => {
    const t = convertCorrelationText(
      `title: Outer\ncorrelation:\n  type: temporal\n  rules: [many_failed, transfer]\n  group-by: [who]\n  timespan: 30s\n  aliases:\n    who: {many_failed: User, transfer: user}\n---\ntitle: Inner\nname: many_failed\ncorrelation:\n  type: value_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 30s\n  condition: {field: IpAddress, gte: 2}\n---${STREAM_RULES}`,
    );
    expect(t.status).toBe('exact');
    const post = (at: number, user = 'alice'): Event => ({ _time: at, method: 'POST', user });
    check(
      t,
      stream(fail(0, 'alice', { IpAddress: 'a' }), fail(5, 'alice', { IpAddress: 'b' }), post(20)),
      true,
    );
    check(
      t,
      stream(post(0), fail(5, 'alice', { IpAddress: 'a' }), fail(30, 'alice', { IpAddress: 'b' })),
      true,
    );
    check(
      t,
      stream(fail(0, 'alice', { IpAddress: 'a' }), fail(5, 'alice', { IpAddress: 'a' }), post(20)),
      false,
    );
    check(
      t,
      stream(fail(0, 'alice', { IpAddress: 'a' }), fail(5, 'alice', { IpAddress: 'b' }), post(20, 'bob')),
      false,
    );
  });

  test("savedsearches: the search reads back every level's timespan (60 s + 60 s) plus the schedule", () => {
    expect(nestedLookback(c.query)).toBe(120);
    expect(
      nestedLookback(
        convertCorrelationText(
          streamCorrelation(
            '  type: temporal\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 30s',
          ),
        ).query,
      ),
    ).toBeUndefined();
    const result: RuleResult = {
      path: 'c.yml',
      rule: c.correlation!.rule,
      status: 'exact',
      queries: [c.query],
      diagnostics: [],
      state: {},
      target: resolveSettings(splunkBackend.settings, {}, {}),
      applied: [],
    };
    expect(splunkBackend.formats.savedsearches.rule(result, {})).toContain(
      'dispatch.earliest_time = -1020s@m',
    );
  });

  test('refused: a value of the outer level that inner matches do not carry, a group-by the inner one lacks', () => {
    const valued = convertCorrelationText(
      nested(
        '  type: value_count\n  rules: [many_failed]\n  group-by: [User]\n  timespan: 60s\n  condition: {field: IpAddress, gte: 2}',
        '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 60s\n  condition: {gte: 3}',
      ),
    );
    expect(valued.diagnostics[0]).toMatch(/^unsupported-construct\[nested-correlation\]/);
    const group = convertCorrelationText(
      nested(
        '  type: event_count\n  rules: [many_failed]\n  group-by: [IpAddress]\n  timespan: 60s\n  condition: {gte: 1}',
        '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 60s\n  condition: {gte: 3}',
      ),
    );
    expect(group.diagnostics[0]).toMatch(/^unsupported-construct\[nested-correlation\]/);
  });
});
