/**
 * Sentinel's deployable forms (issue #17 item 11): every analytics rule YAML and ARM resource
 * passes the Azure-Sentinel repository's validation as validate.ts encodes it (see its header for
 * the repository files), a query over 10,000 characters or a bad queryFrequency/queryPeriod
 * leaves the rule out of the format with an error, a rule without a GUID id gets a stable name-based UUID.
 */
import yaml from 'js-yaml';
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import {
  CONNECTORS,
  analyticsRuleId,
  armResource,
  sentinelTacticsOf,
  nameUuid,
} from '../../../backends/sentinel-kql/formats.js';
import {
  checkPeriods,
  isValidConnectorId,
  isoPeriod,
  parsePeriod,
  validateAnalyticsRule,
  yamlPeriod,
} from '../../../backends/sentinel-kql/validate.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { convertForTargets, prepare, type PreparedTarget } from '../../../src/run.js';
import { ruleText } from '../../support/convert.js';

async function through(format: string, text: string, settings: Record<string, string> = {}) {
  // The target's options are made by prepare (per-target options, #17 item 12).
  const p: PreparedTarget = { ...(await prepare('sentinel', { format, settings })), target: 'sentinel' };
  const [out] = convertForTargets(loadRuleFromText(text, 'rules/x.yml'), [p], { settings });
  return out;
}

const PROC = `  sel:\n    Image|endswith: '\\x.exe'\n  condition: sel`;
const TAGS = 'tags:\n  - attack.execution\n  - attack.t1547.001\n  - attack.stealth\n  - attack.t9999\n';

describe('sentinel analytics-rule: the Azure-Sentinel validation', () => {
  test('a rule with tags, entities and defaults passes; tactics cover every technique', async () => {
    const out = await through('analytics-rule', ruleText(PROC, { extra: TAGS }));
    const doc = yaml.load(out.text!) as Record<string, unknown>;
    expect(validateAnalyticsRule(doc, sentinelTacticsOf)).toEqual([]);
    // T1547 is persistence and privilege-escalation in ATT&CK 17.1: both listed; stealth reads
    // as defense-evasion; attack.t9999 is unknown (left out, warned at its tag's line).
    expect(doc.tactics).toEqual(['DefenseEvasion', 'Execution', 'Persistence', 'PrivilegeEscalation']);
    expect(doc.relevantTechniques).toEqual(['T1547.001']);
    const unknown = out.summary.diagnostics.filter((d) => d.code === 'unknown-attack-tag');
    expect(unknown.map((d) => [d.severity, d.line, d.column])).toEqual([['warning', 14, 5]]);
    expect(out.summary.status).toBe('exact');
  });

  test('a table without entity columns has no entityMappings key (an empty list fails)', async () => {
    const custom = await through('analytics-rule', ruleText(`  sel:\n    A: x\n  condition: sel`), {
      table: 'My_CL',
    });
    const d2 = yaml.load(custom.text!) as Record<string, unknown>;
    expect(d2).not.toHaveProperty('entityMappings');
    expect(validateAnalyticsRule(d2, sentinelTacticsOf)).toEqual([]);
    expect(validateAnalyticsRule({ ...d2, entityMappings: [] }, sentinelTacticsOf)).toEqual([
      'entityMappings must hold 1 to 5 mappings (has 0)',
    ]);
  });

  test('a rule without a GUID id gets a stable name-based UUID of its path and title', async () => {
    const text = ruleText(PROC).replace(/^id: .*\n/m, '');
    const a = yaml.load((await through('analytics-rule', text)).text!) as Record<string, unknown>;
    const b = yaml.load((await through('analytics-rule', text)).text!) as Record<string, unknown>;
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // A library caller's rule with an id that is not a GUID gets the derived one too.
    expect(analyticsRuleId({ path: 'rules/x.yml', rule: { id: 'x', title: 't' } } as never)).toBe(a.id);
    // SHA-256 of "abc" is ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 ...: its first 128 bits
    // with version 8 and the RFC variant.
    expect(nameUuid('abc')).toBe('ba7816bf-8f01-8fea-8141-40de5dae2223');
  });

  test('a query over 10,000 characters: an error, the rule left out of the format', async () => {
    const values = Array.from({ length: 800 }, (_, i) => `      - 'value-number-${i}-padding'`).join('\n');
    const text = ruleText(`  sel:\n    CommandLine|contains:\n${values}\n  condition: sel`);
    for (const format of ['analytics-rule', 'arm-template']) {
      const out = await through(format, text);
      expect(out.text).toBeNull();
      expect(out.summary.status).toBe('unsupported');
      const e = out.summary.diagnostics.find((d) => d.code === 'invalid-output')!;
      expect(e.severity).toBe('error');
      expect(e.message).toMatch(/the query is \d+ characters; Sentinel analytics rules take at most 10,000/);
    }
    // The default format still gives the query.
    const plain = await through('default', text);
    expect(plain.text!.length).toBeGreaterThan(10000);
  });

  test('queryFrequency and queryPeriod: format, bounds, period >= frequency, long periods', async () => {
    expect(parsePeriod('5m')).toBe(300);
    expect(parsePeriod('01:00:00')).toBe(3600);
    expect(parsePeriod('1.00:00:00')).toBe(86400);
    expect(parsePeriod('PT1H30M')).toBe(5400);
    expect(parsePeriod('P1DT2H')).toBe(93600);
    expect(parsePeriod('1w')).toBeNull();
    expect(parsePeriod('PT')).toBeNull();
    expect([yamlPeriod(300), yamlPeriod(5400), yamlPeriod(86400)]).toEqual(['5m', '90m', '1d']);
    expect([isoPeriod(300), isoPeriod(5400), isoPeriod(93600)]).toEqual(['PT5M', 'PT1H30M', 'P1DT2H']);
    expect(checkPeriods('1h', '1h').problems).toEqual([]);
    expect(checkPeriods('4m', '1h').problems).toEqual([
      "queryFrequency '4m' is outside 5 minutes to 14 days",
    ]);
    expect(checkPeriods('1h', '15d').problems).toEqual(["queryPeriod '15d' is outside 5 minutes to 14 days"]);
    expect(checkPeriods('2h', '1h').problems).toEqual([
      "queryPeriod '1h' is shorter than queryFrequency '2h'",
    ]);
    expect(checkPeriods('30m', '2d').problems).toEqual([
      "a queryPeriod of 2 days or more ('2d') needs a queryFrequency of at least 1 hour",
    ]);
    expect(checkPeriods('soon', '1h').problems[0]).toMatch(/is not a duration/);
    const bad = await through('analytics-rule', ruleText(PROC), { queryFrequency: '2h', queryPeriod: '1h' });
    expect(bad.text).toBeNull();
    expect(bad.summary.diagnostics.map((d) => d.code)).toContain('invalid-output');
    const iso = await through('analytics-rule', ruleText(PROC), {
      queryFrequency: 'PT2H',
      queryPeriod: 'P1D',
    });
    const doc = yaml.load(iso.text!) as Record<string, unknown>;
    // The repository's converter reads `<n><m|h|d>` or a TimeSpan, not ISO 8601: written as 2h, 1d.
    expect([doc.queryFrequency, doc.queryPeriod]).toEqual(['2h', '1d']);
    expect(validateAnalyticsRule(doc, sentinelTacticsOf)).toEqual([]);
  });

  test('the validator finds what the repository refuses', () => {
    const ok = {
      id: '11111111-1111-4111-8111-111111111111',
      kind: 'Scheduled',
      name: 'n',
      description: 'd',
      severity: 'High',
      requiredDataConnectors: [],
      queryFrequency: '1h',
      queryPeriod: '1h',
      triggerOperator: 'gt',
      triggerThreshold: 0,
      tactics: ['Execution'],
      relevantTechniques: ['T1059.001'],
      query: 'T',
      version: '1.0.0',
    };
    expect(validateAnalyticsRule(ok, sentinelTacticsOf)).toEqual([]);
    const problems = validateAnalyticsRule(
      {
        ...ok,
        id: '',
        severity: 'Critical',
        name: 'x'.repeat(257),
        tactics: ['Stealth'],
        relevantTechniques: ['T1547'],
        triggerThreshold: 10001,
        version: '1',
        entityMappings: [
          { entityType: 'Host', fieldMappings: [{ identifier: 'NTDomain', columnName: '1x' }] },
        ],
      },
      sentinelTacticsOf,
    );
    expect(problems).toEqual([
      "id '' is not a GUID",
      'name is 257 characters (at most 256)',
      "severity 'Critical' is not Informational, Low, Medium or High",
      "triggerThreshold '10001' is not a whole number from 0 to 10,000",
      "version '1' is not X.Y.Z",
      "tactic 'Stealth' is not a Sentinel tactic",
      'technique T1547: its tactics (Persistence, PrivilegeEscalation) are not all in tactics',
      "Host: columnName '1x' is not valid",
      'Host: none of the required identifier combinations is mapped',
    ]);
  });
});

describe('sentinel analytics-rule: data connector ids', () => {
  test('every connector id sigmantic writes is one the repository validation takes', () => {
    const bad = Object.entries(CONNECTORS).filter(([, id]) => !isValidConnectorId(id));
    expect(bad).toEqual([]);
    expect(Object.keys(CONNECTORS).length).toBeGreaterThan(20);
    // Compared as written (C# string Intersect), and from the vendored list only.
    expect(isValidConnectorId('MicrosoftThreatProtection')).toBe(true);
    expect(isValidConnectorId('microsoftthreatprotection')).toBe(false);
    expect(isValidConnectorId('GitHubEcAuditLogPolling')).toBe(false);
  });

  test('the validator refuses a connector id not in the list, and a connector without one', () => {
    const base = {
      id: '11111111-1111-4111-8111-111111111111',
      kind: 'Scheduled',
      name: 'n',
      description: 'd',
      severity: 'High',
      queryFrequency: '1h',
      queryPeriod: '1h',
      triggerOperator: 'gt',
      triggerThreshold: 0,
      query: 'T',
    };
    const connectors = (...ids: unknown[]) => ({
      ...base,
      requiredDataConnectors: ids.map((connectorId) => ({ connectorId, dataTypes: ['T'] })),
    });
    expect(validateAnalyticsRule(connectors('SecurityEvents', 'CefAma'), sentinelTacticsOf)).toEqual([]);
    expect(validateAnalyticsRule(connectors('Sysmon', undefined), sentinelTacticsOf)).toEqual([
      "connectorId 'Sysmon' is not one of the Azure-Sentinel valid connector ids",
      "connectorId 'undefined' is not one of the Azure-Sentinel valid connector ids",
    ]);
  });

  test('a GitHub audit rule requires no connector (as the repository’s own GitHub rules) and passes', async () => {
    const out = await through(
      'analytics-rule',
      ruleText(`  sel:\n    action: repo.destroy\n  condition: sel`, {
        logsource: '  product: github\n  service: audit',
      }),
    );
    const doc = yaml.load(out.text!) as Record<string, unknown>;
    expect(doc.query).toContain('GitHubAuditLogPolling_CL');
    expect(doc.requiredDataConnectors).toEqual([]);
    expect(validateAnalyticsRule(doc, sentinelTacticsOf)).toEqual([]);
  });
});

describe('sentinel arm-template', () => {
  test('one deployable ARM template: header, a resource per rule, footer; valid JSON', async () => {
    const p: PreparedTarget = {
      ...(await prepare('sentinel', { format: 'arm-template' })),
      target: 'sentinel',
    };
    const rules = [
      ruleText(PROC, { extra: TAGS }),
      ruleText(PROC, { id: '22222222-2222-4222-8222-222222222222' }),
    ];
    const texts = rules.map((t) => convertForTargets(loadRuleFromText(t, 'r.yml'), [p], {})[0].text!);
    const f = sentinelBackend.formats['arm-template'];
    const whole = f.header!({}) + texts.join(f.separator) + f.footer!({});
    const doc = JSON.parse(whole) as {
      resources: Array<{ type: string; kind: string; name: string; properties: Record<string, unknown> }>;
      parameters: object;
    };
    expect(doc.parameters).toEqual({ workspace: { type: 'String' } });
    expect(doc.resources).toHaveLength(2);
    const r0 = doc.resources[0];
    expect(r0.type).toBe('Microsoft.OperationalInsights/workspaces/providers/alertRules');
    expect(r0.kind).toBe('Scheduled');
    expect(r0.name).toBe(
      "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/11111111-1111-4111-8111-111111111111')]",
    );
    expect(r0.properties).toMatchObject({
      displayName: 't',
      severity: 'High',
      enabled: false,
      queryFrequency: 'PT1H',
      queryPeriod: 'PT1H',
      triggerOperator: 'GreaterThan',
      techniques: ['T1547'],
      tactics: ['DefenseEvasion', 'Execution', 'Persistence', 'PrivilegeEscalation'],
    });
    // The same rule in YAML form passes the repository's validation.
    const asYaml = {
      id: '11111111-1111-4111-8111-111111111111',
      kind: r0.kind,
      name: r0.properties.displayName,
      description: r0.properties.description,
      severity: r0.properties.severity,
      requiredDataConnectors: [],
      query: r0.properties.query,
      queryFrequency: r0.properties.queryFrequency,
      queryPeriod: r0.properties.queryPeriod,
      triggerOperator: r0.properties.triggerOperator,
      triggerThreshold: r0.properties.triggerThreshold,
      tactics: r0.properties.tactics,
      relevantTechniques: r0.properties.techniques,
      entityMappings: r0.properties.entityMappings,
    };
    expect(validateAnalyticsRule(asYaml, sentinelTacticsOf)).toEqual([]);
  });
  test('--set enabled=true deploys enabled', async () => {
    const out = await through('arm-template', ruleText(PROC), { enabled: 'true' });
    expect(JSON.parse(out.text!).properties.enabled).toBe(true);
  });
  test('analyticsRuleId keeps a GUID id (lower case)', () => {
    const r = { path: 'p', rule: { id: 'ABCDEF01-1111-4111-8111-111111111111', title: 't' } } as never;
    expect(analyticsRuleId(r)).toBe('abcdef01-1111-4111-8111-111111111111');
  });
  test('armResource of a rule', async () => {
    const out = await through('default', ruleText(PROC));
    expect(out.text).toContain('DeviceProcessEvents');
    expect(typeof armResource).toBe('function');
  });
});
