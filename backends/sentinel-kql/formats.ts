/**
 * Output formats (Handlebars templates in templates/sentinel/): the bare queries, and Sentinel
 * scheduled analytics rules in the YAML layout of the Azure-Sentinel repository's Detections.
 */
import Handlebars from 'handlebars';
import type { OutputFormat, RuleResult } from '../../src/backend.js';
import { targetString } from '../../src/settings.js';
import { attackData, attackTags } from '../common/attack.js';
import { formatTemplates } from '../common/files.js';

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

/** Data connector id per table (Azure-Sentinel Solutions' connector ids). */
const CONNECTORS: Readonly<Record<string, string>> = {
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
  GitHubAuditLogPolling_CL: 'GitHubEcAuditLogPolling',
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
  critical: 'High',
};

function tagsOf(r: RuleResult): { tactics: string[]; techniques: string[] } {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  const data = attackData();
  const tags = attackTags(r.rule?.tags ?? []);
  for (const id of tags.techniques) techniques.add(id);
  for (const name of tags.tactics) if (SENTINEL_TACTICS[name]) tactics.add(SENTINEL_TACTICS[name]);
  // A rule without tactic tags gets its techniques' tactics.
  if (tactics.size === 0)
    for (const id of techniques)
      for (const tac of data.techniques[id]?.tactics ?? [])
        if (SENTINEL_TACTICS[tac]) tactics.add(SENTINEL_TACTICS[tac]);
  return { tactics: [...tactics].sort(), techniques: [...techniques].sort() };
}

export const analyticsRuleFormat: OutputFormat = {
  description:
    'Sentinel scheduled analytics rules (YAML, Azure-Sentinel Detections layout), one document per rule',
  separator: '---\n',
  rule(r) {
    const settingsTable = targetString(r.target, 'table') ?? '';
    const { tactics, techniques } = tagsOf(r);
    const rule = r.rule;
    const entities = (ENTITIES[settingsTable] ?? []).map(([type, fields]) => ({
      type,
      fields: fields.map(([identifier, column]) => ({ identifier, column })),
    }));
    const frequency = targetString(r.target, 'queryFrequency')!;
    const period = targetString(r.target, 'queryPeriod') ?? frequency;
    return template('analytics-rule')({
      id: rule?.id ?? '',
      name: rule?.title ?? '',
      description: rule?.description ?? rule?.title ?? '',
      severity: SEVERITY[rule?.level ?? ''] ?? 'Medium',
      connector: CONNECTORS[settingsTable],
      table: settingsTable,
      frequency: yamlString(frequency),
      period: yamlString(rule?.type === 'correlation' ? correlationPeriod(rule, frequency, period) : period),
      tactics,
      techniques,
      query: r.queries.join('\n'),
      entities,
    });
  },
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
 * up); a longer queryPeriod given by the settings stays.
 */
function correlationPeriod(
  rule: { readonly custom: Readonly<Record<string, unknown>> },
  frequency: string,
  period: string,
): string {
  const section = rule.custom.correlation as { timespan?: unknown } | undefined;
  const span = typeof section?.timespan === 'string' ? durationSeconds(section.timespan) : undefined;
  const f = durationSeconds(frequency);
  const p = durationSeconds(period);
  if (span === undefined || f === undefined || p === undefined) return period;
  const need = Math.ceil((f + span) / 60) * 60;
  if (p >= need) return period;
  return need % 86400 === 0 ? `${need / 86400}d` : need % 3600 === 0 ? `${need / 3600}h` : `${need / 60}m`;
}
