/**
 * The Azure-Sentinel repository's validation of scheduled analytics rules (the checks its CI
 * runs on every file of Detections/ and Solutions/), written as data and one function so that
 * sigmantic refuses what would not import, and the tests check every output against it.
 *
 * Source: github.com/Azure/Azure-Sentinel, .script/tests/detectionTemplateSchemaValidation/:
 * - Models/AnalyticsTemplateInternalModelBase.cs: `id` a Guid (required), `kind` (required),
 *   `name` at most 256 characters, `description` at most 5,000 (both required), `tactics`;
 * - Models/ScheduledTemplateInternalModel.cs (and QueryBasedTemplateInternalModel.cs):
 *   `requiredDataConnectors`, `severity` (Informational, Low, Medium, High), `query` 1 to 10,000
 *   characters, `queryFrequency` and `queryPeriod` between 00:05:00 and 14.00:00:00
 *   (RangeTimeSpanIsoFormat), `triggerOperator`, `triggerThreshold` 0 to 10,000,
 *   `entityMappings` absent or 1 to 5 mappings of 1 to 3 field mappings (ValidEntityMappings),
 *   `version` X.Y.Z (QueryBasedTemplateVersionValidator);
 * - Models/ScheduledTemplateTimeSpanConverter.cs: a period is a .NET TimeSpan (`01:00:00`) or
 *   `<number><m|h|d>`;
 * - Models/ModelValidationAttributes/PeriodGreaterThanOrEqualFrequencyAttribute.cs and
 *   FrequencyLimitationForLongPeriodQuery: queryPeriod >= queryFrequency, and a queryPeriod of
 *   2 days or more needs a queryFrequency of at least 1 hour;
 * - Models/ValidEntityMappingsAttribute.cs and Models/EntityMappingIdentifiers.cs: identifiers
 *   valid for the entity type, each once, one of the required combinations present, column
 *   names `^[a-zA-Z_]+\w*$` of at most 500 characters;
 * - Models/AttackTactic.cs: the tactic names;
 * - Models/ModelValidationAttributes/NoTechniquesWithoutMatchingTactics.cs: every tactic of a
 *   technique (of its parent, for a sub-technique) is among `tactics`;
 * - DetectionTemplateSchemaValidationTests.cs: no two templates with the same id, and
 *   (Validate_DetectionTemplates_HasValidConnectorIds) every `requiredDataConnectors[].connectorId`
 *   one of ValidConnectorIds.json, compared as written: data/connector-ids.json (its `source` says
 *   which copy and commit).
 */
import { backendData } from '../common/files.js';

let connectorIds: ReadonlySet<string> | undefined;

/** Whether the Azure-Sentinel validation takes a data connector id (data/connector-ids.json). */
export function isValidConnectorId(id: string): boolean {
  connectorIds ??= new Set(
    backendData<{ connectorIds: string[] }>('sentinel-kql', 'connector-ids.json').connectorIds,
  );
  return connectorIds.has(id);
}

/** Models/AttackTactic.cs. */
export const SENTINEL_TACTIC_NAMES: ReadonlySet<string> = new Set([
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'Reconnaissance',
  'ResourceDevelopment',
  'ImpairProcessControl',
  'InhibitResponseFunction',
]);

/** Models/EntityMappingIdentifiers.cs: valid identifiers and the required combinations (one of). */
export const ENTITY_IDENTIFIERS: Readonly<
  Record<
    string,
    { readonly identifiers: readonly string[]; readonly required: readonly (readonly string[])[] }
  >
> = {
  Account: {
    identifiers: [
      'Name',
      'FullName',
      'NTDomain',
      'DnsDomain',
      'UPNSuffix',
      'Sid',
      'AadTenantId',
      'AadUserId',
      'PUID',
      'IsDomainJoined',
      'DisplayName',
      'ObjectGuid',
    ],
    required: [['FullName'], ['Sid'], ['Name'], ['AadUserId'], ['PUID'], ['ObjectGuid']],
  },
  AzureResource: { identifiers: ['ResourceId'], required: [['ResourceId']] },
  CloudApplication: { identifiers: ['AppId', 'Name', 'InstanceName'], required: [['AppId'], ['Name']] },
  DNS: { identifiers: ['DomainName'], required: [['DomainName']] },
  File: { identifiers: ['Directory', 'Name'], required: [['Name']] },
  FileHash: { identifiers: ['Algorithm', 'Value'], required: [['Algorithm', 'Value']] },
  Host: {
    identifiers: [
      'DnsDomain',
      'NTDomain',
      'HostName',
      'FullName',
      'NetBiosName',
      'AzureID',
      'OMSAgentID',
      'OSFamily',
      'OSVersion',
      'IsDomainJoined',
    ],
    required: [['FullName'], ['HostName'], ['NetBiosName'], ['AzureID'], ['OMSAgentID']],
  },
  IP: { identifiers: ['Address'], required: [['Address']] },
  Malware: { identifiers: ['Name', 'Category'], required: [['Name']] },
  Process: {
    identifiers: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
    required: [['CommandLine'], ['ProcessId']],
  },
  RegistryKey: { identifiers: ['Hive', 'Key'], required: [['Key'], ['Hive']] },
  RegistryValue: { identifiers: ['Name', 'Value', 'ValueType'], required: [['Name']] },
  URL: { identifiers: ['Url'], required: [['Url']] },
};

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/**
 * A queryFrequency/queryPeriod in seconds, or null: what ScheduledTemplateTimeSpanConverter.cs
 * reads (a TimeSpan `[d.]hh:mm[:ss]`, or `<n><m|h|d>`), and the ISO 8601 durations the ARM
 * template takes (`PT5M`, `PT1H`, `P1D`, `P1DT2H`).
 */
export function parsePeriod(s: string): number | null {
  let m = /^(\d+)([mhd])$/.exec(s);
  if (m) return Number(m[1]) * { m: MINUTE, h: 60 * MINUTE, d: DAY }[m[2] as 'm' | 'h' | 'd'];
  m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const [d, h, min, sec] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0));
    if (h > 23 || min > 59 || sec > 59) return null;
    return d * DAY + h * 3600 + min * MINUTE + sec;
  }
  m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(s);
  if (m && s !== 'P' && !s.endsWith('T')) {
    const [d, h, min, sec] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0));
    return d * DAY + h * 3600 + min * MINUTE + sec;
  }
  return null;
}

/** Seconds as the YAML form (`5m`, `1h`, `2d`; a TimeSpan for whole seconds). */
export function yamlPeriod(sec: number): string {
  if (sec % DAY === 0) return `${sec / DAY}d`;
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % MINUTE === 0) return `${sec / MINUTE}m`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(sec / DAY);
  const r = sec % DAY;
  return `${d ? d + '.' : ''}${pad(Math.floor(r / 3600))}:${pad(Math.floor((r % 3600) / 60))}:${pad(r % 60)}`;
}

/** Seconds as an ISO 8601 duration (`PT5M`, `P1DT2H`), the ARM template's form. */
export function isoPeriod(sec: number): string {
  const d = Math.floor(sec / DAY);
  const h = Math.floor((sec % DAY) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const time = (h ? `${h}H` : '') + (m ? `${m}M` : '') + (s ? `${s}S` : '');
  return d === 0 && time === '' ? 'PT0S' : `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

/** The problems with queryFrequency/queryPeriod (as given), or the two in seconds. */
export function checkPeriods(
  frequency: string,
  period: string,
): { problems: string[]; frequency?: number; period?: number } {
  const problems: string[] = [];
  const f = parsePeriod(frequency);
  const p = parsePeriod(period);
  for (const [name, text, v] of [
    ['queryFrequency', frequency, f],
    ['queryPeriod', period, p],
  ] as const) {
    if (v === null) problems.push(`${name} '${text}' is not a duration (5m, 1h, 1d, 01:00:00 or PT1H)`);
    else if (v < 5 * MINUTE || v > 14 * DAY)
      problems.push(`${name} '${text}' is outside 5 minutes to 14 days`);
  }
  if (f !== null && p !== null) {
    if (p < f) problems.push(`queryPeriod '${period}' is shorter than queryFrequency '${frequency}'`);
    if (p >= 2 * DAY && f < 3600)
      problems.push(
        `a queryPeriod of 2 days or more ('${period}') needs a queryFrequency of at least 1 hour`,
      );
  }
  return problems.length ? { problems } : { problems, frequency: f!, period: p! };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isGuid = (s: string): boolean => GUID.test(s);

/** A scheduled analytics rule as the YAML holds it (after YAML parsing). */
export type AnalyticsRule = Record<string, unknown>;

/**
 * Every problem the Azure-Sentinel validation finds in a scheduled analytics rule (empty: it
 * passes). `techniqueTactics` gives a technique's Sentinel tactics (NoTechniquesWithoutMatchingTactics).
 */
export function validateAnalyticsRule(
  r: AnalyticsRule,
  techniqueTactics: (id: string) => readonly string[],
): string[] {
  const out: string[] = [];
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  for (const k of [
    'id',
    'kind',
    'name',
    'description',
    'severity',
    'query',
    'queryFrequency',
    'queryPeriod',
    'triggerOperator',
    'triggerThreshold',
    'requiredDataConnectors',
  ])
    if (r[k] === undefined || r[k] === null) out.push(`${k} is required`);
  if (r.id !== undefined && !isGuid(String(r.id))) out.push(`id '${String(r.id)}' is not a GUID`);
  if (r.kind !== undefined && r.kind !== 'Scheduled') out.push(`kind '${String(r.kind)}' is not Scheduled`);
  const name = str('name');
  if (name !== undefined && name.length > 256) out.push(`name is ${name.length} characters (at most 256)`);
  const description = str('description');
  if (description !== undefined && description.length > 5000)
    out.push(`description is ${description.length} characters (at most 5,000)`);
  if (r.severity !== undefined && !['Informational', 'Low', 'Medium', 'High'].includes(String(r.severity)))
    out.push(`severity '${String(r.severity)}' is not Informational, Low, Medium or High`);
  const query = str('query');
  if (r.query !== undefined && (query === undefined || query.length < 1 || query.length > 10000))
    out.push(`query is ${query?.length ?? 0} characters (1 to 10,000)`);
  if (r.queryFrequency !== undefined && r.queryPeriod !== undefined)
    out.push(...checkPeriods(String(r.queryFrequency), String(r.queryPeriod)).problems);
  if (
    r.triggerOperator !== undefined &&
    !['gt', 'lt', 'eq', 'ne', 'GreaterThan', 'LessThan', 'Equal', 'NotEqual'].includes(
      String(r.triggerOperator),
    )
  )
    out.push(`triggerOperator '${String(r.triggerOperator)}' is not gt, lt, eq or ne`);
  const th = r.triggerThreshold;
  if (th !== undefined && !(typeof th === 'number' && Number.isInteger(th) && th >= 0 && th <= 10000))
    out.push(`triggerThreshold '${String(th)}' is not a whole number from 0 to 10,000`);
  if (r.version !== undefined && !/^\d+\.\d+\.\d+$/.test(String(r.version)))
    out.push(`version '${String(r.version)}' is not X.Y.Z`);
  if (!Array.isArray(r.requiredDataConnectors) && r.requiredDataConnectors !== undefined)
    out.push('requiredDataConnectors is not a list');
  if (Array.isArray(r.requiredDataConnectors))
    for (const c of r.requiredDataConnectors as unknown[]) {
      const id = c !== null && typeof c === 'object' ? (c as Record<string, unknown>).connectorId : undefined;
      if (typeof id !== 'string' || !isValidConnectorId(id))
        out.push(`connectorId '${String(id)}' is not one of the Azure-Sentinel valid connector ids`);
    }
  const tactics = Array.isArray(r.tactics) ? (r.tactics as unknown[]).map(String) : [];
  if (r.tactics !== undefined && !Array.isArray(r.tactics)) out.push('tactics is not a list');
  for (const t of tactics)
    if (!SENTINEL_TACTIC_NAMES.has(t)) out.push(`tactic '${t}' is not a Sentinel tactic`);
  if (Array.isArray(r.relevantTechniques))
    for (const t of (r.relevantTechniques as unknown[]).map(String)) {
      if (!/^T\d{4}(?:\.\d{3})?$/.test(t)) out.push(`technique '${t}' is not an ATT&CK technique id`);
      const need = techniqueTactics(t.split('.')[0]);
      if (need.length === 0 || !need.every((x) => tactics.includes(x)))
        out.push(`technique ${t}: its tactics (${need.join(', ') || 'none known'}) are not all in tactics`);
    }
  const em = r.entityMappings;
  if (em !== undefined) {
    if (!Array.isArray(em) || em.length < 1 || em.length > 5)
      out.push(`entityMappings must hold 1 to 5 mappings (has ${Array.isArray(em) ? em.length : 'none'})`);
    else
      for (const m of em as Array<Record<string, unknown>>) {
        const type = String(m.entityType);
        const spec = ENTITY_IDENTIFIERS[type];
        const fields = Array.isArray(m.fieldMappings)
          ? (m.fieldMappings as Array<Record<string, unknown>>)
          : [];
        if (!spec) out.push(`entityType '${type}' is not known`);
        if (fields.length < 1 || fields.length > 3)
          out.push(`${type}: fieldMappings must hold 1 to 3 mappings (has ${fields.length})`);
        const used = new Set<string>();
        for (const f of fields) {
          const id = String(f.identifier);
          if (spec && !spec.identifiers.includes(id)) out.push(`${type}: identifier '${id}' is not valid`);
          if (used.has(id)) out.push(`${type}: identifier '${id}' is used twice`);
          used.add(id);
          const col = String(f.columnName);
          if (col.length > 500 || !/^[a-zA-Z_]+\w*$/.test(col))
            out.push(`${type}: columnName '${col}' is not valid`);
        }
        if (spec && !spec.required.some((c) => c.every((x) => used.has(x))))
          out.push(`${type}: none of the required identifier combinations is mapped`);
      }
  }
  return out;
}
