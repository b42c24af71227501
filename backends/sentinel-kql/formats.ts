/**
 * Output formats (Handlebars templates in templates/sentinel/): the bare queries, Sentinel
 * scheduled analytics rules in the YAML layout of the Azure-Sentinel repository's Detections, and
 * the same rules as an ARM template. Both rule forms are checked against the repository's
 * validation (validate.ts) before they are written.
 */
import Handlebars from 'handlebars';
import type { OutputFormat, RuleResult } from '../../src/backend.js';
import { DiagnosticSink, type Diagnostic } from '../../src/diagnostics.js';
import { targetBoolean, targetString } from '../../src/settings.js';
import { attackData, attackTags, attackWarnings } from '../common/attack.js';
import { formatTemplates } from '../common/files.js';
import { sha256Hex } from '../common/sha256.js';
import { metadataLines, ruleDescription, ruleLevel } from '../common/metadata.js';
import { checkPeriods, isGuid, isoPeriod, yamlPeriod } from './validate.js';
import { nestedLookback } from './correlation.js';

const hb = Handlebars.create();
/** A YAML double-quoted scalar: JSON string syntax, plus the characters YAML reads as line breaks. */
export function yamlString(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
hb.registerHelper('yaml', (v: unknown) => yamlString(v));
/** A literal block scalar body, indented two spaces (the query never holds control characters). */
hb.registerHelper('block', (v: unknown) =>
  String(v ?? '')
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n'),
);

const template = formatTemplates(hb, 'sentinel', { strict: false });

export const defaultFormat: OutputFormat = {
  description: 'the Kusto queries, one per rule, separated by a blank line',
  separator: '\n',
  rule: (r) => template('default')({ queries: r.queries }),
};

/**
 * Sentinel's tactic names (the `tactics` enum of scheduled analytics rules): CamelCase ATT&CK
 * names. ATT&CK v19's `stealth` (TA0005) and `defense-impairment` have no Sentinel value of
 * their own; both are reported as DefenseEvasion, the tactic they were split from.
 */
const SENTINEL_TACTICS: Readonly<Record<string, string>> = {
  reconnaissance: 'Reconnaissance',
  'resource-development': 'ResourceDevelopment',
  'initial-access': 'InitialAccess',
  execution: 'Execution',
  persistence: 'Persistence',
  'privilege-escalation': 'PrivilegeEscalation',
  'defense-evasion': 'DefenseEvasion',
  stealth: 'DefenseEvasion',
  'defense-impairment': 'DefenseEvasion',
  'credential-access': 'CredentialAccess',
  discovery: 'Discovery',
  'lateral-movement': 'LateralMovement',
  collection: 'Collection',
  'command-and-control': 'CommandAndControl',
  exfiltration: 'Exfiltration',
  impact: 'Impact',
};

/**
 * Data connector id per table (Azure-Sentinel Solutions' connector ids), each one the repository's
 * validation takes (validate.ts isValidConnectorId). A table without one gets `requiredDataConnectors: []`.
 */
export const CONNECTORS: Readonly<Record<string, string>> = {
  DeviceProcessEvents: 'MicrosoftThreatProtection',
  DeviceFileEvents: 'MicrosoftThreatProtection',
  DeviceRegistryEvents: 'MicrosoftThreatProtection',
  DeviceNetworkEvents: 'MicrosoftThreatProtection',
  DeviceImageLoadEvents: 'MicrosoftThreatProtection',
  DeviceEvents: 'MicrosoftThreatProtection',
  DeviceLogonEvents: 'MicrosoftThreatProtection',
  SecurityEvent: 'SecurityEvents',
  WindowsEvent: 'WindowsForwardedEvents',
  Event: 'WindowsForwardedEvents',
  Syslog: 'Syslog',
  LinuxAuditLog: 'Syslog',
  AzureActivity: 'AzureActivity',
  SigninLogs: 'AzureActiveDirectory',
  AuditLogs: 'AzureActiveDirectory',
  AADUserRiskEvents: 'AzureActiveDirectoryIdentityProtection',
  OfficeActivity: 'Office365',
  AWSCloudTrail: 'AWS',
  GCPAuditLogs: 'GCPAuditLogsDefinition',
  CommonSecurityLog: 'CefAma',
  DnsEvents: 'DNS',
  W3CIISLog: 'AzureMonitor(IIS)',
  AKSAudit: 'AzureKubernetes',
  Okta_CL: 'OktaSSO',
  // GitHubAuditLogPolling_CL: its connector's id (GitHubEcAuditLogPolling) is not in
  // ValidConnectorIds.json; the repository's own GitHub rules have `requiredDataConnectors: []`
  // (Azure/Azure-Sentinel Solutions/GitHub/Analytic Rules/GitHub - Repository was destroyed.yaml, 07c019e8).
};

type EntityField = readonly [identifier: string, column: string];
/** Entity mappings per table: columns every row of the table has. */
const ENTITIES: Readonly<Record<string, ReadonlyArray<readonly [string, readonly EntityField[]]>>> = {
  DeviceProcessEvents: [
    ['Host', [['HostName', 'DeviceName']]],
    [
      'Account',
      [
        ['Name', 'AccountName'],
        ['NTDomain', 'AccountDomain'],
      ],
    ],
    ['Process', [['CommandLine', 'ProcessCommandLine']]],
  ],
  DeviceFileEvents: [
    ['Host', [['HostName', 'DeviceName']]],
    [
      'File',
      [
        ['Name', 'FileName'],
        ['Directory', 'FolderPath'],
      ],
    ],
  ],
  DeviceRegistryEvents: [
    ['Host', [['HostName', 'DeviceName']]],
    ['RegistryKey', [['Key', 'RegistryKey']]],
  ],
  DeviceNetworkEvents: [
    ['Host', [['HostName', 'DeviceName']]],
    ['IP', [['Address', 'RemoteIP']]],
  ],
  DeviceImageLoadEvents: [['Host', [['HostName', 'DeviceName']]]],
  DeviceEvents: [['Host', [['HostName', 'DeviceName']]]],
  SecurityEvent: [
    ['Host', [['FullName', 'Computer']]],
    ['Account', [['FullName', 'Account']]],
  ],
  WindowsEvent: [['Host', [['FullName', 'Computer']]]],
  Syslog: [['Host', [['HostName', 'HostName']]]],
  SigninLogs: [
    ['Account', [['FullName', 'UserPrincipalName']]],
    ['IP', [['Address', 'IPAddress']]],
  ],
  AzureActivity: [
    ['Account', [['FullName', 'Caller']]],
    ['IP', [['Address', 'CallerIpAddress']]],
  ],
  AWSCloudTrail: [['IP', [['Address', 'SourceIpAddress']]]],
  OfficeActivity: [['Account', [['FullName', 'UserId']]]],
};

const SEVERITY: Readonly<Record<string, string>> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  // Sentinel has no severity above High (ScheduledTemplateInternalModel.cs `Severity`).
  critical: 'High',
};

/** Sentinel's tactics of an ATT&CK technique (of its parent, for a sub-technique), MITRE's mapping. */
export function sentinelTacticsOf(id: string): string[] {
  const data = attackData();
  const own = data.techniques[id.split('.')[0]]?.tactics ?? [];
  return [...new Set(own.map((t) => SENTINEL_TACTICS[t]).filter((t): t is string => t !== undefined))];
}

/**
 * The rule's tactics and techniques: its tactic tags, and every tactic of each tagged technique
 * (the repository's validation wants all of a technique's tactics listed:
 * NoTechniquesWithoutMatchingTactics.cs). Tags unknown to the ATT&CK data are left out (warned).
 */
function tagsOf(r: RuleResult): { tactics: string[]; techniques: string[] } {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  const tags = attackTags(r.rule?.tags ?? []);
  for (const id of tags.techniques) techniques.add(id);
  for (const name of tags.tactics) if (SENTINEL_TACTICS[name]) tactics.add(SENTINEL_TACTICS[name]);
  for (const id of techniques) for (const t of sentinelTacticsOf(id)) tactics.add(t);
  return { tactics: [...tactics].sort(), techniques: [...techniques].sort() };
}

/**
 * A name-based UUID from SHA-256 (RFC 9562 section 5.8, version 8 "custom": the hash's first 128
 * bits with the version and variant bits set; section 6.5 advises SHA-256 over version 5's SHA-1
 * for new name-based ids). Deterministic: the same name gives the same id.
 */
export function nameUuid(name: string): string {
  const x = sha256Hex(name);
  const variant = ((parseInt(x[16], 16) & 0x3) | 0x8).toString(16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-8${x.slice(13, 16)}-${variant}${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

/**
 * The analytics rule id: the Sigma id when it is a GUID (the repository requires one), else a
 * name-based UUID of the rule's path and title, stable across runs from the same folder.
 */
export function analyticsRuleId(r: RuleResult): string {
  const id = r.rule?.id;
  if (id !== undefined && isGuid(id)) return id.toLowerCase();
  return nameUuid(`sigmantic:${r.path}\0${r.rule?.title ?? ''}`);
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '\u2026' : s);

/** One scheduled analytics rule, as data (both the YAML and the ARM form are made from it). */
export interface AnalyticsRuleData {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity: string;
  readonly table: string;
  readonly connector: string | undefined;
  readonly frequency: string;
  readonly period: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly query: string;
  readonly entities: ReadonlyArray<{ type: string; fields: Array<{ identifier: string; column: string }> }>;
}

export function analyticsRuleData(r: RuleResult): AnalyticsRuleData {
  const table = targetString(r.target, 'table') ?? '';
  const { tactics, techniques } = tagsOf(r);
  const rule = r.rule;
  const frequency = targetString(r.target, 'queryFrequency')!;
  const title = rule?.title ?? '';
  return {
    id: analyticsRuleId(r),
    // Limits of AnalyticsTemplateInternalModelBase.cs: name 256, description 5,000 characters.
    name: clip(title, 256),
    description: clip(ruleDescription(rule), 5000),
    severity: SEVERITY[ruleLevel(rule)],
    table,
    connector: CONNECTORS[table],
    frequency,
    period:
      rule?.type === 'correlation'
        ? correlationPeriod(rule, frequency, targetString(r.target, 'queryPeriod') ?? frequency, r.queries)
        : (targetString(r.target, 'queryPeriod') ?? frequency),
    tactics,
    techniques,
    query: r.queries.join('\n'),
    entities: (ENTITIES[table] ?? []).map(([type, fields]) => ({
      type,
      fields: fields.map(([identifier, column]) => ({ identifier, column })),
    })),
  };
}

/**
 * What keeps a rule from importing (the Azure-Sentinel validation, validate.ts): a query over
 * 10,000 characters or a bad queryFrequency/queryPeriod is an error (no output for the rule in
 * this format); a name or description clipped to its limit and unknown ATT&CK tags are warnings.
 */
function checkAnalyticsRule(r: RuleResult, format: string): Diagnostic[] {
  const d = analyticsRuleData(r);
  const sink = new DiagnosticSink(r.path);
  const pos = r.rule?.pos;
  if (d.query.length > 10000)
    sink.error(
      'invalid-output',
      `${format}: the query is ${d.query.length} characters; Sentinel analytics rules take at most 10,000 (the rule is left out of this format; the default format still gives the query)`,
      pos,
    );
  for (const p of checkPeriods(d.frequency, d.period).problems)
    sink.error('invalid-output', `${format}: ${p}`, pos);
  const title = r.rule?.title ?? '';
  if (title.length > 256)
    sink.warning('invalid-output', `${format}: the title is clipped to 256 characters (name)`, pos);
  if (ruleDescription(r.rule).length > 5000)
    sink.warning('invalid-output', `${format}: the description is clipped to 5,000 characters`, pos);
  return [...sink.list, ...attackWarnings(r, 'left out of tactics and relevantTechniques')];
}

/** The analytics rule as the YAML of the Azure-Sentinel repository's Detections. */
export function analyticsRuleYaml(r: RuleResult): string {
  const d = analyticsRuleData(r);
  const periods = checkPeriods(d.frequency, d.period);
  return template('analytics-rule')({
    ...d,
    frequency: yamlString(yamlPeriod(periods.frequency ?? 0)),
    period: yamlString(yamlPeriod(periods.period ?? 0)),
    meta: metadataLines(r.rule),
    tags: r.rule?.tags ?? [],
  });
}

export const analyticsRuleFormat: OutputFormat = {
  description:
    'Sentinel scheduled analytics rules (YAML, Azure-Sentinel Detections layout), one document per rule',
  separator: '---\n',
  extension: 'yaml',
  check: (r) => checkAnalyticsRule(r, 'analytics-rule'),
  rule: analyticsRuleYaml,
};

/** The ARM resource of one analytics rule (Microsoft.SecurityInsights alertRules, kind Scheduled). */
export function armResource(r: RuleResult): object {
  const d = analyticsRuleData(r);
  const periods = checkPeriods(d.frequency, d.period);
  const frequency = isoPeriod(periods.frequency ?? 0);
  return {
    id: `[concat(resourceId('Microsoft.OperationalInsights/workspaces/providers', parameters('workspace'), 'Microsoft.SecurityInsights'),'/alertRules/${d.id}')]`,
    name: `[concat(parameters('workspace'),'/Microsoft.SecurityInsights/${d.id}')]`,
    type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
    kind: 'Scheduled',
    apiVersion: ARM_API_VERSION,
    properties: {
      displayName: d.name,
      description: d.description,
      severity: d.severity,
      enabled: targetBoolean(r.target, 'enabled') === true,
      query: d.query,
      queryFrequency: frequency,
      queryPeriod: isoPeriod(periods.period ?? 0),
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      suppressionDuration: frequency,
      suppressionEnabled: false,
      tactics: d.tactics,
      // The ARM property holds technique ids without sub-technique (alertRules 2023-02-01).
      techniques: [...new Set(d.techniques.map((t) => t.split('.')[0]))],
      ...(d.entities.length
        ? {
            entityMappings: d.entities.map((e) => ({
              entityType: e.type,
              fieldMappings: e.fields.map((f) => ({ identifier: f.identifier, columnName: f.column })),
            })),
          }
        : {}),
      eventGroupingSettings: { aggregationKind: 'SingleAlert' },
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: {
          enabled: false,
          reopenClosedIncident: false,
          lookbackDuration: 'PT5H',
          matchingMethod: 'AllEntities',
        },
      },
    },
  };
}

/**
 * The alertRules API version of the ARM form: learn.microsoft.com/azure/templates/
 * microsoft.securityinsights/2023-02-01/alertrules (GA; scheduled rules with tactics, techniques,
 * entityMappings, eventGroupingSettings, incidentConfiguration).
 */
const ARM_API_VERSION = '2023-02-01';

const ARM_HEADER =
  '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    "workspace": {\n      "type": "String"\n    }\n  },\n  "resources": [\n';

export const armTemplateFormat: OutputFormat = {
  description:
    'Sentinel scheduled analytics rules as one ARM template (JSON; deploy with the workspace name as parameter)',
  extension: 'json',
  header: () => ARM_HEADER,
  separator: ',\n',
  check: (r) => checkAnalyticsRule(r, 'arm-template'),
  rule: (r) =>
    JSON.stringify(armResource(r), null, 2)
      .split('\n')
      .map((l) => '    ' + l)
      .join('\n'),
  footer: () => '\n  ]\n}\n',
};

/** A duration as `5m`/`1h`/`1d` or ISO 8601 (`PT5M`, `P1D`) in seconds; undefined when neither. */
export function durationSeconds(text: string): number | undefined {
  const short = /^(\d+)([smhd])$/.exec(text);
  if (short) return Number(short[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[short[2] as 's' | 'm' | 'h' | 'd'];
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!iso || text === 'P' || text.endsWith('T')) return undefined;
  const [d, h, m, sec] = iso.slice(1).map((x) => Number(x ?? 0));
  return d * 86400 + h * 3600 + m * 60 + sec;
}

/**
 * A correlation's queryPeriod: every window of the timespan that ends in the last queryFrequency
 * must lie inside the data the run reads, so at least queryFrequency + timespan (whole minutes
 * up; over correlations, the sum of the levels' timespans); a longer queryPeriod given by the
 * settings stays.
 */
function correlationPeriod(
  rule: { readonly custom: Readonly<Record<string, unknown>> },
  frequency: string,
  period: string,
  queries: readonly string[] = [],
): string {
  const section = rule.custom.correlation as { timespan?: unknown } | undefined;
  const own = typeof section?.timespan === 'string' ? durationSeconds(section.timespan) : undefined;
  // A correlation over correlations reads back every level's timespan (correlation.ts nestedLookback).
  const span = own === undefined ? undefined : Math.max(own, ...queries.map((q) => nestedLookback(q) ?? 0));
  const f = durationSeconds(frequency);
  const p = durationSeconds(period);
  if (span === undefined || f === undefined || p === undefined) return period;
  const need = Math.ceil((f + span) / 60) * 60;
  if (p >= need) return period;
  return need % 86400 === 0 ? `${need / 86400}d` : need % 3600 === 0 ? `${need / 3600}h` : `${need / 60}m`;
}
