/**
 * EQL correlations (backends/eql/correlation.ts): temporal_ordered and temporal as EQL sequences,
 * held to the reference evaluator (src/evaluate/correlation.ts) through the EQL interpreter
 * (test/support/eval-eql.ts evalEqlSearch: Elasticsearch's sequence state machine) on streams
 * exactly at the span, one second outside, in the wrong order, in another group, without the
 * group key, with equal timestamps, and with one event that two rules match.
 *
 * What "exact" means for a sequence: an EQL search returns sequences, the evaluator a match at
 * each occurrence that ends a chain. The two agree when (1) every sequence ends at an evaluator
 * match of its group (the query matches nothing the correlation does not), and (2) for every
 * evaluator match some sequence of its group lies whole in that match's window and ends at or
 * before it (no match goes unreported). `check` asserts both on every stream.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { eqlBackend } from '../../../backends/eql/index.js';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import type { EqlRule } from '../../../backends/elastic-kql/correlation.js';
import { disjoint, mayIntersect } from '../../../backends/eql/correlation.js';
import { evaluateCorrelation, type CorrelationMatch } from '../../../src/evaluate/correlation.js';
import type { Correlation } from '../../../src/ir/correlation.js';
import type { Node } from '../../../src/ir/types.js';
import { convertCorrelationWith, type Converted } from '../../support/correlation.js';
import { parseEqlStatement } from '../../support/eql-grammar.js';
import { evalEqlSearch, type EqlHit } from '../../support/eval-eql.js';
import { eqlRuleHits } from '../elastic/correlation-eql.js';
import {
  ADMIN_RULE,
  STREAM_RULES,
  streamCorrelation,
  streamEvents,
  type StreamEvent,
} from '../../support/correlation-fixtures.js';

type Event = StreamEvent;

/** The stream rules and one more (`admin`) that an event of theirs may match too. */
const RULES = STREAM_RULES + ADMIN_RULE;
const correlation = (section: string): string => streamCorrelation(section, RULES);

const convert = (text: string): Converted => convertCorrelationWith(eqlBackend, text);

const { fail, ok, post } = streamEvents('@timestamp');

/**
 * The sequences every query of a conversion finds. An event query (one event fills every stage)
 * has no join key: its group is the fields its `<field> != null` tail requires, in group-by order.
 */
function hits(queries: readonly string[], events: readonly Event[], groups = 1): EqlHit[] {
  return queries.flatMap((q) => {
    const found = evalEqlSearch(q, events);
    if ('kind' in parseEqlStatement(q)) return found;
    const tail = /((?: and [\w.]+ != null)+)$/.exec(q);
    const fields = tail
      ? [...tail[1].matchAll(/ and ([\w.]+) != null/g)].map((m) => m[1]).slice(0, groups)
      : [];
    return found.map((h) => ({ docs: h.docs, key: fields.map((f) => String(events[h.docs[0]][f])) }));
  });
}

function keyOf(c: Correlation, m: CorrelationMatch): string[] {
  return c.groupBy.map((g) => m.group[g.name]);
}

/** The sequences and the evaluator's matches agree (header: sound and complete); returns whether it fires. */
function agree(c: Correlation, found: readonly EqlHit[], events: readonly Event[]): boolean {
  const oracle = evaluateCorrelation(c, events, { timeField: '@timestamp' });
  expect(oracle.errors).toEqual([]);
  const time = (i: number) => events[i]['@timestamp'] as number;
  const before = (a: number, b: number) => time(a) < time(b) || (time(a) === time(b) && a <= b);
  for (const h of found) {
    const last = h.docs[h.docs.length - 1];
    const at = oracle.matches.filter((m) => m.index === last);
    expect({ sequence: h, sound: at.some((m) => keyOf(c, m).join('\0') === h.key.join('\0')) }).toEqual({
      sequence: h,
      sound: true,
    });
  }
  for (const m of oracle.matches) {
    const covered = found.some(
      (h) =>
        h.key.join('\0') === keyOf(c, m).join('\0') &&
        h.docs.every((i) => time(i) >= m.time - c.timespanSeconds && before(i, m.index)),
    );
    expect({ match: m, covered }).toEqual({ match: m, covered: true });
  }
  expect(found.length > 0).toBe(oracle.matches.length > 0);
  return oracle.matches.length > 0;
}

function check(c: Converted, events: Event[], expected: boolean): void {
  expect(c.status).not.toBe('unsupported');
  for (const q of c.queries) expect(() => parseEqlStatement(q)).not.toThrow();
  expect(agree(c.correlation!, hits(c.queries, events, c.correlation!.groupBy.length), events)).toBe(
    expected,
  );
}

describe('temporal_ordered', () => {
  const c = convert(
    correlation(
      '  type: temporal_ordered\n  rules: [failed, success, transfer]\n  group-by: [User]\n  timespan: 1m',
    ),
  );
  test('the sequence; and, as one event may be a logon and a POST (other fields), that stage merged', () => {
    expect(c.status).toBe('exact');
    expect(c.diagnostics).toEqual([]);
    // failed/success are disjoint (EventID 4625 or 4624), success/transfer are not proven so.
    expect(c.queries).toEqual([
      'sequence by User with maxspan=1m [any where EventID == "4625"] [any where EventID == "4624"] [any where method : "POST"]',
      'sequence by User with maxspan=1m [any where EventID == "4625"] [any where (EventID == "4624") and (method : "POST")]',
    ]);
    const both = [fail(0), { ...ok(60), method: 'POST' }];
    check(c, both, true);
    expect(hits(c.queries.slice(0, 1), both)).toEqual([]);
  });
  test.each([
    ['in order, first and last exactly the span apart', [fail(0), ok(30), post(60)], true],
    ['in order, one second outside', [fail(0), ok(30), post(61)], false],
    ['the wrong order', [ok(0), fail(10), post(20)], false],
    ['a later first step keeps the chain in the span', [fail(0), fail(40), ok(50), post(90)], true],
    ['another group in the middle', [fail(0), ok(10, 'bob'), post(20)], false],
    ['a step without the group key joins nothing', [fail(0), ok(10, null), post(20)], false],
    ['the chain restarts after the wrong order', [ok(0), fail(10), ok(20), post(30)], true],
    ['two groups interleaved', [fail(0), fail(1, 'bob'), ok(2, 'bob'), ok(3), post(4, 'bob'), post(5)], true],
    [
      'several chain ends in one window: one sequence covers them',
      [fail(0), ok(10), post(20), post(30)],
      true,
    ],
    ['equal timestamps in store order', [fail(5), ok(5), post(5)], true],
    ['equal timestamps, the store order reversed', [post(5), ok(5), fail(5)], false],
    ['input order does not matter across times', [post(60), fail(0), ok(30)], true],
    [
      'an expired start is dropped, a later one completes',
      [fail(0), ok(10), fail(65), ok(70), post(75)],
      true,
    ],
  ])('%s', (_, events, expected) => check(c, events as Event[], expected as boolean));

  test('a condition accepting shorter chains asks for the shortest (the first rules)', () => {
    const two = convert(
      correlation(
        '  type: temporal_ordered\n  rules: [failed, success, transfer]\n  group-by: [User]\n  timespan: 1m\n  condition: {gte: 2}',
      ),
    );
    expect(two.queries).toEqual([
      'sequence by User with maxspan=1m [any where EventID == "4625"] [any where EventID == "4624"]',
    ]);
    check(two, [fail(0), ok(30)], true);
    check(two, [fail(0), ok(30), post(40)], true);
    check(two, [ok(0), post(10)], false);
  });

  test('no group-by: one group', () => {
    const c2 = convert(correlation('  type: temporal_ordered\n  rules: [failed, success]\n  timespan: 10s'));
    expect(c2.queries).toEqual([
      'sequence with maxspan=10s [any where EventID == "4625"] [any where EventID == "4624"]',
    ]);
    check(c2, [fail(0, 'a'), ok(10, 'b')], true);
    check(c2, [fail(0, null), ok(11, null)], false);
  });
});

describe('temporal_ordered over rules that may match one event', () => {
  // `admin` (User startswith adm) and `failed` (EventID 4625) can match the same event: the
  // evaluator counts it as two occurrences (a chain), one EQL event fills one stage only.
  const c = convert(
    correlation('  type: temporal_ordered\n  rules: [failed, admin]\n  group-by: [User]\n  timespan: 1m'),
  );
  test('two queries: the sequence, and one event matching both rules', () => {
    expect(c.status).toBe('exact');
    expect(c.queries).toEqual([
      'sequence by User with maxspan=1m [any where EventID == "4625"] [any where User : "adm*"]',
      'any where ((EventID == "4625") and (User : "adm*")) and User != null',
    ]);
  });
  test.each([
    ['one event both rules match', [fail(0, 'admin')], true],
    [
      'the sequence over two events',
      [fail(0, 'administrator'), { '@timestamp': 60, User: 'administrator' }],
      true,
    ],
    [
      'another group (a failed logon of a user the second rule does not match)',
      [fail(0, 'bob'), { '@timestamp': 1, User: 'adm1' }],
      false,
    ],
    ['the wrong order', [{ '@timestamp': 0, User: 'adm1' }, ok(1, 'adm1')], false],
  ])('%s', (_, events, expected) => check(c, events as Event[], expected as boolean));
  test('without the second query a match would be missed (the same-event case)', () => {
    const only = { ...c, queries: c.queries.slice(0, 1) };
    const events = [fail(0, 'admin')];
    const oracle = evaluateCorrelation(c.correlation!, events, { timeField: '@timestamp' });
    expect(oracle.matches).toHaveLength(1);
    expect(hits(only.queries, events)).toEqual([]);
  });
});

describe('temporal (any order)', () => {
  const c = convert(
    correlation('  type: temporal\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 30s'),
  );
  test('one sequence per order of the rules', () => {
    expect(c.status).toBe('exact');
    expect(c.queries).toEqual([
      'sequence by User with maxspan=30s [any where EventID == "4625"] [any where EventID == "4624"]',
      'sequence by User with maxspan=30s [any where EventID == "4624"] [any where EventID == "4625"]',
    ]);
  });
  test.each([
    ['both, exactly the span apart', [fail(0), ok(30)], true],
    ['in either order', [ok(0), fail(30)], true],
    ['one second outside', [fail(0), ok(31)], false],
    ['another group', [fail(0), ok(10, 'bob')], false],
    ['one rule twice', [fail(0), fail(10)], false],
    ['without the group key', [fail(0), ok(10, null)], false],
  ])('%s', (_, events, expected) => check(c, events as Event[], expected as boolean));

  test('two of three rules: every ordered pair, and one event for the pairs that may share one', () => {
    const two = convert(
      correlation(
        '  type: temporal\n  rules: [failed, success, transfer]\n  group-by: [User]\n  timespan: 30s\n  condition: {gte: 2}',
      ),
    );
    // EventID and method are different fields: an event may have both, so those pairs also get
    // a one-event query (2 of the 6 orders, deduplicated).
    expect(two.queries).toHaveLength(8);
    expect(two.queries.filter((q) => q.startsWith('any where ((EventID'))).toEqual([
      'any where ((EventID == "4625") and (method : "POST")) and User != null',
      'any where ((EventID == "4624") and (method : "POST")) and User != null',
    ]);
    check(two, [{ ...post(0), EventID: 4624 }], true);
    check(two, [post(0), ok(30)], true);
    check(two, [post(0), post(30)], false);
    check(two, [fail(0), post(31)], false);
  });
});

describe('what EQL refuses', () => {
  const refused = (section: string, reason: string) => {
    const c = convert(correlation(section));
    expect(c.status).toBe('unsupported');
    expect(c.queries).toEqual([]);
    expect(c.diagnostics.map((d) => d.replace(/:.*/s, ''))).toEqual([`unsupported-construct[${reason}]`]);
  };
  test('counts: EQL has no aggregation', () =>
    refused(
      '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 1m\n  condition: {gte: 3}',
      'sequence-type',
    ));
  test('temporal_ordered with a condition that holds for 0', () =>
    refused(
      '  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 1m\n  condition: {lt: 2}',
      'sequence-condition',
    ));
  test('temporal with an upper bound (the other rules absent)', () =>
    refused(
      '  type: temporal\n  rules: [failed, success, transfer]\n  group-by: [User]\n  timespan: 1m\n  condition: {eq: 2}',
      'sequence-condition',
    ));
  test('a condition that never holds', () =>
    refused(
      '  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 1m\n  condition: {gt: 2}',
      'sequence-condition',
    ));
  test('temporal over many rules: too many orders', () =>
    refused(
      '  type: temporal\n  rules: [failed, success, transfer, admin]\n  group-by: [User]\n  timespan: 1m',
      'sequence-count',
    ));
  test('a correlation over a correlation', () => {
    const text = `title: Outer\ncorrelation:\n  type: temporal_ordered\n  rules: [inner, success]\n  group-by: [User]\n  timespan: 1m\n---\ntitle: Inner\nname: inner\ncorrelation:\n  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 1m\n  condition: {gte: 2}\n---${RULES}`;
    const c = convert(text);
    expect(c.diagnostics.map((d) => d.replace(/:.*/s, ''))).toEqual([
      'unsupported-construct[sequence-chain]',
    ]);
  });
});

describe('aliases: the group-by named differently per rule', () => {
  const c = convert(
    correlation(
      '  type: temporal_ordered\n  rules: [failed, transfer]\n  group-by: [who]\n  timespan: 1m\n  aliases:\n    who: {failed: TargetUserName, transfer: user}',
    ),
  );
  test('each term joins on its own field; one event of both rules cannot compare the two fields (wider)', () => {
    expect(c.queries).toEqual([
      'sequence with maxspan=1m [any where EventID == "4625"] by TargetUserName [any where method : "POST"] by user',
      'any where ((EventID == "4625") and (method : "POST") and user != null) and TargetUserName != null',
    ]);
    expect(c.status).toBe('approximate');
  });
  test.each([
    [
      'the same person in both fields',
      [
        { '@timestamp': 0, EventID: 4625, TargetUserName: 'al' },
        { '@timestamp': 5, method: 'POST', user: 'al' },
      ],
      true,
    ],
    [
      'different people',
      [
        { '@timestamp': 0, EventID: 4625, TargetUserName: 'al' },
        { '@timestamp': 5, method: 'POST', user: 'bo' },
      ],
      false,
    ],
  ])('%s', (_, events, expected) => check(c, events as Event[], expected as boolean));

  test('rules that may share an event and name the key differently: the merged stage widens (labelled)', () => {
    const w = convert(
      correlation(
        '  type: temporal_ordered\n  rules: [failed, admin]\n  group-by: [who]\n  timespan: 1m\n  aliases:\n    who: {failed: TargetUserName, admin: User}',
      ),
    );
    expect(w.status).toBe('approximate');
    expect(w.queries[1]).toBe(
      'any where ((EventID == "4625") and (User : "adm*") and User != null) and TargetUserName != null',
    );
    expect(w.diagnostics.map((d) => d.replace(/:.*/s, ''))).toEqual(['approximation[sequence-join]']);
    // Wider only: the evaluator's matches are all found, plus an event whose two names differ.
    const same = [{ '@timestamp': 0, EventID: 4625, TargetUserName: 'adm', User: 'adm' }];
    expect(agree(w.correlation!, hits(w.queries, same, 1), same)).toBe(true);
    const differ = [{ '@timestamp': 0, EventID: 4625, TargetUserName: 'x', User: 'adm' }];
    expect(evaluateCorrelation(w.correlation!, differ, { timeField: '@timestamp' }).matches).toEqual([]);
    expect(hits(w.queries, differ)).toHaveLength(1);
  });
});

describe('disjoint rules (when one query suffices)', () => {
  const s = (
    field: string,
    op: 'eq' | 'startswith' | 'endswith' | 'contains',
    text: string,
    cased = false,
  ): Node => ({
    kind: 'string',
    field,
    op,
    values: [[{ kind: 'text', text }]],
    cased,
  });
  test.each([
    [s('a', 'eq', 'x'), s('a', 'eq', 'y'), true],
    [s('a', 'eq', 'x'), s('a', 'eq', 'X'), false],
    [s('a', 'eq', 'x', true), s('a', 'eq', 'X', true), true],
    [s('a', 'endswith', '\\whoami.exe'), s('a', 'endswith', '\\net.exe'), true],
    [s('a', 'endswith', '\\net.exe'), s('a', 'endswith', 't.exe'), false],
    [s('a', 'startswith', 'ab'), s('a', 'endswith', 'yz'), false],
    [s('a', 'contains', 'q'), s('a', 'eq', 'xyz'), true],
    [s('a', 'eq', 'x'), s('b', 'eq', 'y'), false],
    [s('event.category', 'eq', 'process', true), s('event.category', 'eq', 'network', true), false],
  ])('%#', (a, b, want) => expect(disjoint(a, b)).toBe(want));
  test('non-ASCII letters may fold: not proven disjoint', () =>
    expect(mayIntersect([{ kind: 'text', text: 'é' }], [{ kind: 'text', text: 'É' }], false)).toBe(true));
});

describe('ECS: group-by mapped like rule fields, events in the ECS schema', () => {
  // Elastic Common Schema field reference (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html):
  // process.executable and user.name are keyword fields; event.category "process", event.type "start"
  // for a process start (ECS categorization fields). Flat documents as the interpreter reads them.
  const text = `title: Recon then remote
id: 33333333-3333-4333-8333-333333333333
correlation:
  type: temporal_ordered
  rules: [whoami, netuse]
  group-by: [User]
  timespan: 5m
---
title: Whoami
name: whoami
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\whoami.exe'}
  condition: sel
---
title: Net use
name: netuse
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\net.exe'}
  condition: sel
`;
  const proc = (t: number, exe: string, user: string): Event => ({
    '@timestamp': t,
    'event.category': 'process',
    'event.type': 'start',
    'process.executable': exe,
    'user.name': user,
  });
  test('-t eql (default ECS pipeline): User is user.name', async () => {
    const { loadRulesFromText, convertCorrelationLoaded } = await import('../../../src/convert.js');
    const { link } = await import('../../../src/correlation/link.js');
    const { resolvePipeline } = await import('../../../src/pipeline/index.js');
    const docs = loadRulesFromText(text, 'c.yml').rules;
    const linked = link(docs);
    const doc = linked.documents.find((d) => d.correlation)!;
    const r = convertCorrelationLoaded(
      doc,
      linked.index,
      eqlBackend,
      [resolvePipeline('ecs', eqlBackend)],
      {},
    );
    expect(r.status).toBe('exact');
    expect(r.queries).toEqual([
      'sequence by user.name with maxspan=5m [process where event.type == "start" and process.executable : "*\\\\whoami.exe"] [process where event.type == "start" and process.executable : "*\\\\net.exe"]',
    ]);
    const run = (events: Event[]) => hits(r.queries, events).length > 0;
    expect(
      run([
        proc(0, 'C:\\Windows\\System32\\whoami.exe', 'bob'),
        proc(300, 'C:\\Windows\\System32\\NET.EXE', 'bob'),
      ]),
    ).toBe(true);
    expect(
      run([
        proc(0, 'C:\\Windows\\System32\\whoami.exe', 'bob'),
        proc(301, 'C:\\Windows\\System32\\net.exe', 'bob'),
      ]),
    ).toBe(false);
    expect(
      run([
        proc(0, 'C:\\Windows\\System32\\whoami.exe', 'bob'),
        proc(10, 'C:\\Windows\\System32\\net.exe', 'eve'),
      ]),
    ).toBe(false);
  });
});

describe('Elastic: Kibana EQL rules (-t elastic)', () => {
  const c = convertCorrelationWith(
    elasticBackend,
    correlation('  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [User]\n  timespan: 10m'),
  );
  const rule = JSON.parse(c.query) as EqlRule;
  test('the rule definition: type eql, every 5 minutes over the last 5 minutes + the timespan', () => {
    expect(c.status).toBe('exact');
    expect(rule).toEqual({
      type: 'eql',
      language: 'eql',
      query: 'sequence by User with maxspan=10m [any where EventID == "4625"] [any where EventID == "4624"]',
      index: ['logs-*'],
      interval: '5m',
      from: 'now-15m',
    });
  });

  test.each([
    ['exactly the span apart', [fail(0), ok(600)], true],
    ['one second outside', [fail(0), ok(601)], false],
    ['the wrong order', [ok(0), fail(10)], false],
    ['another group', [fail(0), ok(10, 'bob')], false],
    ['without the group key', [fail(0), ok(10, null)], false],
  ])('at every phase of the schedule: %s', (_, events, expected) => {
    for (const phase of [0, 37, 150, 299]) {
      const found = eqlRuleHits(rule, events as Event[], phase);
      expect(agree(c.correlation!, found, events as Event[])).toBe(expected);
    }
  });

  test('detection-rule format: an EQL rule with the correlation metadata', async () => {
    const { resolveSettings } = await import('../../../src/settings.js');
    const line = elasticBackend.formats['detection-rule'].rule(
      {
        path: 'c.yml',
        rule: c.correlation!.rule,
        status: 'exact',
        queries: c.queries,
        diagnostics: [],
        state: {},
        target: resolveSettings(elasticBackend.settings, {}, {}),
        applied: [],
      },
      {},
    );
    const obj = JSON.parse(line.trim()) as Record<string, unknown>;
    // The Kibana rule schema (test/support/kibana-rule.schema.json, from the Create rule API docs).
    const schema = JSON.parse(
      readFileSync(new URL('../../support/kibana-rule.schema.json', import.meta.url), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(obj) ? [] : validate.errors).toEqual([]);
    expect(obj).toMatchObject({
      rule_id: '22222222-2222-4222-8222-222222222222',
      type: 'eql',
      language: 'eql',
      query: rule.query,
      interval: '5m',
      from: 'now-15m',
    });
  });
});

describe('the sequence interpreter and grammar (test/support)', () => {
  test("the syntax reference's state-machine example gives its sequences [2, 4, 9] and [6, 8, 10]", () => {
    // EQL syntax reference, "How sequence queries handle matches": 11 process events in ascending
    // chronological order (ids 1-11), `sequence by user.name [attrib] [bash] [cat]`.
    const rows: [string, string][] = [
      ['root', 'attrib'],
      ['root', 'attrib'],
      ['elkbee', 'bash'],
      ['root', 'bash'],
      ['root', 'bash'],
      ['elkbee', 'attrib'],
      ['root', 'attrib'],
      ['elkbee', 'bash'],
      ['root', 'cat'],
      ['elkbee', 'cat'],
      ['root', 'cat'],
    ];
    const docs = rows.map(([user, name], i) => ({
      '@timestamp': i,
      'event.category': 'process',
      'user.name': user,
      'process.name': name,
    }));
    const q =
      'sequence by user.name [process where process.name == "attrib"] [process where process.name == "bash"] [process where process.name == "cat"]';
    expect(evalEqlSearch(q, docs).map((h) => h.docs.map((i) => i + 1))).toEqual([
      [2, 4, 9],
      [6, 8, 10],
    ]);
  });

  test('a sequence parses with its keys, span and terms', () => {
    expect(
      parseEqlStatement(
        'sequence by a, `b-c` with maxspan=90s [any where x == 1] by d [network where true] by e',
      ),
    ).toMatchObject({
      kind: 'sequence',
      by: ['a', 'b-c'],
      maxspanSeconds: 90,
      terms: [
        { by: ['d'], query: { category: null } },
        { by: ['e'], query: { category: 'network' } },
      ],
    });
    expect(parseEqlStatement('sequence with maxspan=2h [any where x == 1] [any where y == 2]')).toMatchObject(
      {
        maxspanSeconds: 7200,
      },
    );
  });

  test.each([
    ['one term', 'sequence with maxspan=5m [any where a == 1]'],
    [
      'by after with maxspan (disallowed)',
      'sequence with maxspan=5m by x [any where a == 1] [any where b == 1]',
    ],
    ['maxspan without a unit', 'sequence by x with maxspan=5 [any where a == 1] [any where b == 1]'],
    ['an unknown unit', 'sequence with maxspan=5w [any where a == 1] [any where b == 1]'],
    ['`=` outside maxspan', 'any where a = 1'],
    ['an unclosed term', 'sequence [any where a == 1] [any where b == 1'],
    ['terms with different numbers of keys', 'sequence [any where a == 1] by x [any where b == 1]'],
  ])('the grammar rejects %s', (_, q) => expect(() => parseEqlStatement(q)).toThrow(/EQL grammar/));

  test('until is parsed but not modelled by the interpreter', () => {
    const q = 'sequence by x [any where a == 1] [any where b == 1] until [any where c == 1]';
    expect(parseEqlStatement(q)).toMatchObject({ until: { query: { category: null } } });
    expect(() => evalEqlSearch(q, [])).toThrow(/until is not modelled/);
  });
});
