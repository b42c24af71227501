/**
 * Correlations built by hand from plain rules' IR (until the loader of correlation documents
 * lands): the referenced rules go through the backend's pipelines as `convertLoaded` does, and
 * the Correlation value is written as src/ir/correlation.ts defines it; the rule collections and
 * event streams the correlation suites share. Used by the Sentinel, Elastic, Splunk and EQL
 * correlation suites and the evaluator's (test/core/correlation-evaluate.test.ts).
 */
import type { Backend, RuleResult } from '../../src/backend.js';
import { buildCorrelation } from '../../src/correlation/build.js';
import { link } from '../../src/correlation/link.js';
import { convertCorrelationLoaded, loadRuleFromText, loadRulesFromText } from '../../src/convert.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import type { Bound, Correlation, CorrelatedRule, CorrelationType } from '../../src/ir/correlation.js';
import { runPasses } from '../../src/lowering/passes.js';
import { evaluateCorrelation } from '../../src/evaluate/correlation.js';
import { applyPipelines, resolvePipeline } from '../../src/pipeline/index.js';
import { ruleText } from './convert.js';

/** Windows Security rules by EventID (Sigma logsource product: windows, service: security). */
export const EVENT_IDS = { failed: 4625, success: 4624, special: 4672 } as const;
export type RuleName = keyof typeof EVENT_IDS;

export function securityRule(name: RuleName, backend: Backend, pipelines: readonly string[]): CorrelatedRule {
  const text = ruleText(`  selection:\n    EventID: ${EVENT_IDS[name]}\n  condition: selection`, {
    logsource: '  product: windows\n  service: security',
    extra: `name: ${name}\n`,
  });
  const loaded = loadRuleFromText(text, `${name}.yml`);
  if (!loaded.rule || !loaded.ir) throw new Error(`rule ${name} did not load`);
  const sink = new DiagnosticSink(`${name}.yml`);
  const out = applyPipelines(
    pipelines.map((p) => resolvePipeline(p, backend)),
    loaded.rule,
    loaded.ir,
    sink,
  );
  if (sink.hasErrors) throw new Error(`rule ${name}: ${sink.list.map((d) => d.message).join('; ')}`);
  return {
    kind: 'rule',
    ref: name,
    rule: out.rule,
    ir: runPasses(out.ir, backend.capabilities),
    state: out.state,
  };
}

export interface CorrelationSpec {
  readonly type: CorrelationType;
  readonly rules: readonly RuleName[];
  /** Group-by fields, the same name in every rule's events. */
  readonly groupBy: readonly string[];
  readonly timespanSeconds: number;
  readonly field?: string;
  readonly bounds: readonly Bound[];
}

export function correlationOf(
  spec: CorrelationSpec,
  backend: Backend,
  pipelines: readonly string[],
): Correlation {
  const loaded = loadRuleFromText(
    ruleText('  selection:\n    x: 1\n  condition: selection', {
      id: '22222222-2222-4222-8222-222222222222',
    }),
    'corr.yml',
  );
  const rules = spec.rules.map((r) => securityRule(r, backend, pipelines));
  const per = (f: string) => ({ name: f, perRule: rules.map(() => f) });
  return {
    kind: 'correlation',
    type: spec.type,
    rule: { ...loaded.rule!, type: 'correlation', title: `correlation ${spec.type}` },
    rules,
    groupBy: spec.groupBy.map(per),
    timespanSeconds: spec.timespanSeconds,
    condition: { ...(spec.field ? { field: per(spec.field) } : {}), bounds: spec.bounds },
    generate: false,
  };
}

/** One event of a scenario: which rule's EventID, seconds after the start, and its fields. */
export interface ScenarioEvent {
  readonly rule: RuleName;
  readonly at: number;
  readonly fields: Readonly<Record<string, string | number>>;
}

export interface Scenario {
  readonly name: string;
  readonly events: readonly ScenarioEvent[];
  /** The verdict, written by hand from the specification (a sliding window of the timespan). */
  readonly fires: boolean;
}

export interface TypeCase {
  readonly spec: CorrelationSpec;
  readonly scenarios: readonly Scenario[];
}

const START = Date.parse('2026-03-01T10:00:00Z');
export const timeOf = (at: number): string => new Date(START + at * 1000).toISOString();

const ev = (rule: RuleName, at: number, fields: Record<string, string | number>): ScenarioEvent => ({
  rule,
  at,
  fields,
});
/** A type case's correlation: grouped by TargetUserName, timespan 60 s. */
const spec = (
  type: CorrelationType,
  rules: RuleName[],
  bounds: Bound[],
  field?: string,
): CorrelationSpec => ({
  type,
  rules,
  groupBy: ['TargetUserName'],
  timespanSeconds: 60,
  ...(field ? { field } : {}),
  bounds,
});
/** A scenario: its name, the verdict, and its events. */
const sc = (name: string, fires: boolean, ...events: ScenarioEvent[]): Scenario => ({ name, events, fires });
const alice = { TargetUserName: 'alice' };
const bob = { TargetUserName: 'bob' };
/** An event of each rule, of `alice` unless given. */
const failed = (at: number, who = alice) => ev('failed', at, who);
const success = (at: number, who = alice) => ev('success', at, who);
const special = (at: number, who = alice) => ev('special', at, who);
/** A failed logon of `who` with one more field: `failedWith('IpAddress', alice)(0, '10.0.0.1')`. */
const failedWith =
  (field: string, who: Readonly<Record<string, string>>) =>
  (at: number, value: string | number): ScenarioEvent =>
    ev('failed', at, { ...who, [field]: value });
const aliceIp = failedWith('IpAddress', alice);
const bobIp = failedWith('IpAddress', bob);
const aliceType = failedWith('LogonType', alice);
const bobType = failedWith('LogonType', bob);

/**
 * Every correlation type with events that do and do not trigger: exactly at the threshold, one
 * second outside the span, wrong order, another group, and a pair across a clock-minute
 * boundary (which a tumbling `bin()` of the timespan would split). Timespan 60 s throughout.
 * The semantics (docs/correlation.md, src/evaluate/correlation.ts): the window of each
 * occurrence o of a group holds the occurrences at or before o whose time is at least
 * time(o) - timespan (both ends included); the correlation fires when the condition holds for one
 * of them. temporal and temporal_ordered carry the builder's default condition (gte: the number
 * of rules).
 */
export const TYPE_CASES: Readonly<Record<string, TypeCase>> = {
  event_count: {
    spec: spec('event_count', ['failed'], [{ op: 'gte', value: 3 }]),
    scenarios: [
      sc('three within exactly the span', true, failed(0), failed(30), failed(60)),
      sc('third one second outside the span', false, failed(0), failed(30), failed(61)),
      sc('two only (below the threshold)', false, failed(0), failed(30)),
      sc('third in another group', false, failed(0), failed(30), failed(40, bob)),
      sc('across a minute boundary', true, failed(50), failed(70), failed(100)),
      sc('another rule does not count', false, failed(0), failed(30), success(40)),
    ],
  },
  value_count: {
    spec: spec('value_count', ['failed'], [{ op: 'gte', value: 2 }], 'IpAddress'),
    scenarios: [
      sc('two addresses at exactly the span', true, aliceIp(0, '10.0.0.1'), aliceIp(60, '10.0.0.2')),
      sc('one second outside the span', false, aliceIp(0, '10.0.0.1'), aliceIp(61, '10.0.0.2')),
      sc('the same address twice', false, aliceIp(0, '10.0.0.1'), aliceIp(10, '10.0.0.1')),
      sc('second address in another group', false, aliceIp(0, '10.0.0.1'), bobIp(10, '10.0.0.2')),
    ],
  },
  temporal: {
    spec: spec('temporal', ['failed', 'success'], [{ op: 'gte', value: 2 }]),
    scenarios: [
      sc('both at exactly the span', true, failed(0), success(60)),
      sc('both, reverse order', true, success(0), failed(30)),
      sc('one second outside the span', false, failed(0), success(61)),
      sc('the other rule in another group', false, failed(0), success(10, bob)),
      sc('one rule twice', false, failed(0), failed(10)),
    ],
  },
  temporal_ordered: {
    spec: spec('temporal_ordered', ['failed', 'success', 'special'], [{ op: 'gte', value: 3 }]),
    scenarios: [
      sc('in order, last at exactly the span', true, failed(0), success(30), special(60)),
      sc('in order, one second outside the span', false, failed(0), success(30), special(61)),
      sc('wrong order', false, success(0), failed(10), special(20)),
      sc('a step in another group', false, failed(0), success(10, bob), special(20)),
      sc('a later first step starts the sequence', true, failed(0), failed(40), success(70), special(100)),
      sc('an earlier second step does not count', false, success(0), failed(10), special(20), success(30)),
    ],
  },
  value_sum: {
    spec: spec('value_sum', ['failed'], [{ op: 'gt', value: 10 }], 'LogonType'),
    scenarios: [
      sc(
        'sum above the threshold within the span',
        true,
        aliceType(0, 3),
        aliceType(30, 3),
        aliceType(60, 5),
      ),
      sc('sum exactly at the threshold (gt)', false, aliceType(0, 3), aliceType(30, 3), aliceType(60, 4)),
      sc('one second outside the span', false, aliceType(0, 3), aliceType(30, 3), aliceType(61, 5)),
      sc('part in another group', false, aliceType(0, 3), bobType(30, 3), aliceType(60, 5)),
    ],
  },
  value_avg: {
    spec: spec('value_avg', ['failed'], [{ op: 'lt', value: 3 }], 'LogonType'),
    scenarios: [
      sc('average exactly at the threshold (lt) in every window', false, aliceType(0, 6), aliceType(60, 0)),
      sc(
        'the second event one second outside the span is a window of its own',
        true,
        aliceType(0, 6),
        aliceType(61, 0),
      ),
      sc('average below within the span', true, aliceType(0, 5), aliceType(30, 0)),
      sc('high values only', false, aliceType(0, 5), bobType(30, 4)),
    ],
  },
};

/** The reference evaluator's verdict on a scenario (events in the rules' own field names). */
export function evaluatorFires(c: Correlation, s: Scenario): boolean {
  const events = s.events.map((e) => ({
    '@timestamp': timeOf(e.at),
    EventID: EVENT_IDS[e.rule],
    ...e.fields,
  }));
  const r = evaluateCorrelation(c, events);
  if (r.errors.length > 0) throw new Error(`evaluator: ${r.errors.join('; ')}`);
  return r.matches.length > 0;
}

/** The rules of the end-to-end documents (Windows Security logons, the specification's example). */
export const LOGON_RULES = `
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: {product: windows, service: security}
detection:
  selection: {EventID: [529, 4625]}
  condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource: {product: windows, service: security}
detection:
  selection: {EventID: [528, 4624]}
  condition: selection
`;

/** A correlation document (its `correlation:` section indented by four spaces) before LOGON_RULES. */
export function correlationText(section: string): string {
  return `title: The correlation\nid: 33333333-3333-4333-8333-333333333333\nlevel: high\ncorrelation:\n${section}\n---${LOGON_RULES}`;
}

/**
 * The specification's own example ("Failed Logins Followed by Successful Login"): a
 * temporal_ordered correlation over an event_count correlation of `gte` failed logons (10 in the
 * specification).
 */
export const specExample = (
  gte = 10,
): string => `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: ${gte}
---${LOGON_RULES}`;
export const SPEC_EXAMPLE = specExample();

/** Converts the first correlation of a text that no other correlation names, as a run does. */
export function convertCorrelationText(
  text: string,
  backend: Backend,
  pipelines: readonly string[],
): RuleResult {
  const docs = loadRulesFromText(text, 'c.yml').rules;
  const linked = link(docs);
  const doc = linked.documents.find((d) => d.correlation && !linked.correlationOnly.has(d));
  if (!doc) throw new Error('no correlation: ' + JSON.stringify(docs.flatMap((d) => d.diagnostics)));
  return convertCorrelationLoaded(
    doc,
    linked.index,
    backend,
    pipelines.map((p) => resolvePipeline(p, backend)),
    {},
  );
}

/** The Correlation the builder makes of the first top-level correlation of a text (for the evaluator). */
export function correlationFromText(
  text: string,
  backend: Backend,
  pipelines: readonly string[],
): Correlation {
  const linked = link(loadRulesFromText(text, 'c.yml').rules);
  const doc = linked.documents.find((d) => d.correlation && !linked.correlationOnly.has(d));
  if (!doc) throw new Error('no correlation');
  const sink = new DiagnosticSink('c.yml');
  const c = buildCorrelation(
    { rule: doc.rule!, correlation: doc.correlation! },
    linked.index,
    {
      pipelines: pipelines.map((p) => resolvePipeline(p, backend)),
      passes: (ir) => runPasses(ir, backend.capabilities),
    },
    sink,
  );
  if (!c) throw new Error(`no correlation: ${sink.list.map((d) => d.message).join('; ')}`);
  return c;
}

/** Events for the evaluator: `@timestamp` from seconds, the rest as given. */
export function evaluatorFiresOn(c: Correlation, events: readonly Record<string, unknown>[]): boolean {
  const r = evaluateCorrelation(
    c,
    events.map((e) => ({ ...e, '@timestamp': timeOf(e.at as number) })),
  );
  if (r.errors.length > 0) throw new Error(`evaluator: ${r.errors.join('; ')}`);
  return r.matches.length > 0;
}

/**
 * Rules for event streams (names `failed`, `success`, `transfer`): Windows Security failed and
 * successful logons by EventID, and a proxy POST. `ADMIN_RULE` (name `admin`, a user name that
 * starts with `adm`) is one more, which an event of the other rules may match too.
 */
export const STREAM_RULES = `
title: Failed logon
name: failed
id: 11111111-1111-4111-8111-111111111111
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: Successful logon
name: success
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
---
title: Transfer
name: transfer
logsource: {category: proxy}
detection:
  sel: {method: POST}
  condition: sel
`;
export const ADMIN_RULE = `---
title: Admin activity
name: admin
logsource: {product: windows, service: security}
detection:
  sel: {User|startswith: adm}
  condition: sel
`;

/** A correlation document (its `correlation:` section indented by two spaces) before `rules`. */
export function streamCorrelation(section: string, rules = STREAM_RULES): string {
  return `title: The correlation\nid: 22222222-2222-4222-8222-222222222222\nlevel: high\ncorrelation:\n${section}\n---${rules}`;
}

export type StreamEvent = Record<string, unknown>;

/**
 * Events of STREAM_RULES with their time (seconds) in `timeField`: a failed and a successful
 * logon (user `alice` unless given; null: no user field) and a POST.
 */
export function streamEvents(timeField: string) {
  const logon =
    (EventID: number) =>
    (t: number, user: string | null = 'alice', extra: StreamEvent = {}): StreamEvent => ({
      [timeField]: t,
      EventID,
      ...(user === null ? {} : { User: user }),
      ...extra,
    });
  return {
    fail: logon(4625),
    ok: logon(4624),
    post: (t: number, user = 'alice'): StreamEvent => ({ [timeField]: t, method: 'POST', User: user }),
  };
}
