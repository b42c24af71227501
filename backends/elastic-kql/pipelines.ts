/**
 * The built-in ECS pipelines, expressed as pySigma-format processing items from
 * data/pipelines.json and handed to the pipeline engine (`pipelineFromObject`).
 *
 * One entry of the data applies per rule, chosen by the shared entry-table generator
 * (backends/common/logsource-table.ts: the most specific logsource match, the first listed among
 * equals), which records it in the `ecs_entry` state. The items of an entry run only while it is
 * the chosen one:
 *   detection_item_failure (unsupported fields) -> map_string (value maps)
 *   -> field_name_mapping -> field_name_prefix (winlog.event_data. fallback) or
 *   strict_field_mapping_failure -> add_condition (event.category ...) -> set_state index.
 * The combined `ecs` pipeline (the default) passes a rule no entry maps with its own field names
 * (the backend warns `unmapped-logsource`); `elastic-defend` refuses it (Defend records no such events).
 */
import type { DiagnosticSink } from '../../src/diagnostics.js';
import type { PipelineSpec } from '../../src/pipeline/types.js';
import { backendData } from '../common/files.js';
import { entryTablePipeline, rowId, type Item, type LogsourceEntry } from '../common/logsource-table.js';

interface Entry extends LogsourceEntry {
  readonly index: readonly string[];
  readonly conditions: Readonly<Record<string, string | readonly string[]>>;
  /** Sigma field -> target field, or several (the match becomes an `or` over them). */
  readonly fields: Readonly<Record<string, string | readonly string[]>>;
  readonly unmappedFieldPrefix?: string;
  /** Sigma field prefix -> target prefix (`requestParameters.` -> a flattened field's keys). */
  readonly fieldPrefixes?: Readonly<Record<string, string>>;
  readonly unsupported?: Readonly<Record<string, string>>;
  readonly valueMaps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly notes?: Readonly<Record<string, string>>;
  /** Target field -> its domain field: the source's "DOMAIN\name" is stored split in two. */
  readonly domainSplit?: Readonly<Record<string, string>>;
  /** Target field -> why a match on it is wider than the rule (the backend labels it, drops it under `not`). */
  readonly widenFields?: Readonly<Record<string, string>>;
  /**
   * Sigma fields holding Sysmon's "ALGO=hex,..." text, which the integration splits into one
   * lowercase field per algorithm (`algos`: MD5/SHA1/SHA256/IMPHASH -> target field).
   */
  readonly hashes?: { readonly fields: readonly string[]; readonly algos: Readonly<Record<string, string>> };
}

type Data = Readonly<Record<EcsPipeline | typeof DEFEND, readonly Entry[]>> & {
  readonly lowercaseFields: readonly string[];
};

export const ECS_PIPELINES = ['ecs-windows', 'ecs-linux', 'ecs-cloud', 'ecs-web'] as const;
export type EcsPipeline = (typeof ECS_PIPELINES)[number];

/**
 * Elastic Defend (the endpoint integration, indices logs-endpoint.events.*): its own entries and
 * field types (data/defend-fields.json), used alone (`-p elastic-defend`), not by `ecs`.
 */
export const DEFEND = 'elastic-defend';
const GROUPS = [...ECS_PIPELINES, DEFEND] as const;

/** Whether an `ecs_entry` state value names an Elastic Defend entry (its field types apply). */
export function isDefendEntry(id: string): boolean {
  return id.startsWith(`${DEFEND}:`);
}

let data: Data | undefined;
function load(): Data {
  return (data ??= backendData<Data>('elastic-kql', 'pipelines.json'));
}

const STATE = 'ecs_entry';

/**
 * Where a built-in entry table ran and no entry maps the rule's log source (`ecs_entry` is ''),
 * the query keeps the rule's own field names: said by a warning, in KQL and in EQL alike.
 */
export function warnUnmapped(
  state: Readonly<Record<string, unknown>>,
  logsource: Readonly<{ product?: string; category?: string; service?: string }>,
  sink: DiagnosticSink,
): void {
  if (state[STATE] !== '') return;
  const ls = [logsource.product, logsource.category, logsource.service].filter(Boolean).join('/') || 'none';
  sink.warning(
    'unmapped-logsource',
    `no built-in Elastic mapping for logsource ${ls}: the query uses the rule's own field names (data/SOURCES.md lists the mapped log sources); use -p with your own pipeline if your data names them otherwise`,
  );
}

let lower: ReadonlySet<string> | undefined;
/** Fields whose values Elastic's integrations write as lowercase constants (see gen-pipelines.mjs). */
export function lowercaseFields(): ReadonlySet<string> {
  return (lower ??= new Set(load().lowercaseFields));
}

let widens: Map<string, Readonly<Record<string, string>>> | undefined;
/** The widening fields of the entry recorded in the `ecs_entry` state, if any. */
export function widenFieldsOf(id: string): Readonly<Record<string, string>> | undefined {
  if (!widens) {
    widens = new Map();
    const d = load();
    for (const set of GROUPS)
      for (const e of d[set]) if (e.widenFields) widens.set(entryId(set, e), e.widenFields);
  }
  return widens.get(id);
}

let splits: Map<string, Readonly<Record<string, string>>> | undefined;
/** The domain splits of the entry recorded in the `ecs_entry` state (see entryItems), if any. */
export function domainSplitOf(id: string): Readonly<Record<string, string>> | undefined {
  if (!splits) {
    splits = new Map();
    const d = load();
    for (const set of GROUPS)
      for (const e of d[set]) if (e.domainSplit) splits.set(entryId(set, e), e.domainSplit);
  }
  return splits.get(id);
}

function entryId(set: string, e: Entry): string {
  return rowId({ group: set, entry: e });
}

/** Hex digits of a whole hash per algorithm (Sysmon's HashAlgorithms: MD5, SHA1, SHA256, IMPHASH). */
const HASH_HEX: Readonly<Record<string, number>> = { MD5: 32, SHA1: 40, SHA256: 64, IMPHASH: 32 };
/** Intermediate field of one algorithm between `hashes_fields` and the field mapping. */
const hashField = (algo: string) => `sigmantic.hashes.${algo}`;

/**
 * Sysmon hashes (entry `hashes`, data/gen-pipelines.mjs `sysmonHashes` for the integration's facts):
 * `contains 'ALGO=<whole hash>'` is exactly "the algorithm's field equals the lowercase hash"; every
 * other value (a prefix, `equals` or `startswith` the whole text, a bare hash that may be MD5 or
 * IMPHASH, an all-zero hash the integration drops) has no exact counterpart and is refused.
 */
function hashItems(h: NonNullable<Entry['hashes']>): { items: Item[]; fields: Record<string, string> } {
  const algos = Object.keys(h.algos);
  const only = { field_name_conditions: [{ type: 'include_fields', fields: [...h.fields] }] };
  // The value as the condition sees it: with the modifier's wildcards (`*MD5=...*` for contains).
  const whole = algos.map((a) => `\\*${a}=(?!0{${HASH_HEX[a]}}\\*)[0-9a-f]{${HASH_HEX[a]}}\\*$`).join('|');
  const items: Item[] = [
    {
      type: 'detection_item_failure',
      message: `field ${h.fields.map((f) => `'${f}'`).join(' / ')}: Sysmon's "ALGO=hash,..." text, which the Windows integration splits into one lowercase field per algorithm (${algos
        .map((a) => h.algos[a])
        .join(', ')}), dropping all-zero hashes and the original: only a whole ${algos.join(
        '=, ',
      )}= hash (not all zeros) under contains has an exact counterpart`,
      detection_item_conditions: [{ type: 'match_string', pattern: `(?i)(?:${whole})`, negate: true }],
      ...only,
    },
    {
      type: 'hashes_fields',
      valid_hash_algos: algos,
      field_prefix: hashField(''),
      ...only,
    },
    // The integration stores the hash in lowercase (its script's toLowerCase()).
    {
      type: 'case',
      method: 'lower',
      field_name_conditions: [{ type: 'include_fields', fields: algos.map(hashField) }],
    },
  ];
  return { items, fields: Object.fromEntries(algos.map((a) => [hashField(a), h.algos[a]])) };
}

/** The items of one entry (the generator runs them only while it is the chosen one). */
function entryItems(e: Entry): Item[] {
  const items: Item[] = [];
  const hashes = e.hashes ? hashItems(e.hashes) : undefined;
  if (hashes) items.push(...hashes.items);
  for (const [field, why] of Object.entries(e.unsupported ?? {}))
    items.push({
      type: 'detection_item_failure',
      message: `field '${field}' has no faithful ECS mapping: ${why}`,
      field_name_conditions: [{ type: 'include_fields', fields: [field] }],
    });
  for (const [field, mapping] of Object.entries(e.valueMaps ?? {})) {
    const only = {
      field_name_conditions: [{ type: 'include_fields', fields: [field] }],
    };
    // A YAML boolean (`Initiated: true`) stands for the text the source writes ("true"/"false"):
    // it becomes that string first, so the same value map applies to booleans and strings.
    for (const key of Object.keys(mapping))
      if (key === 'true' || key === 'false')
        items.push({
          type: 'set_value',
          value: key,
          detection_item_conditions: [{ type: 'match_value', value: key === 'true' }],
          ...only,
        });
    // Sigma strings are case-insensitive; the keys are the lowercase text the source writes.
    items.push({ type: 'case', method: 'lower', ...only });
    items.push({
      type: 'detection_item_failure',
      message: `field '${field}' takes the values ${Object.keys(mapping).join(', ')}, which the integration rewrites (${Object.entries(
        mapping,
      )
        .map(([k, v]) => `${k} -> ${v}`)
        .join(', ')}): a wildcard value has no counterpart`,
      detection_item_conditions: [{ type: 'contains_wildcard' }],
      ...only,
    });
    items.push({ type: 'map_string', mapping, ...only });
  }
  const fields = hashes ? { ...e.fields, ...hashes.fields } : e.fields;
  if (Object.keys(fields).length) items.push({ type: 'field_name_mapping', mapping: fields });
  if (e.fieldPrefixes && Object.keys(e.fieldPrefixes).length)
    items.push({ type: 'field_name_prefix_mapping', mapping: e.fieldPrefixes });
  const targets = [...new Set(Object.values(fields).flat())];
  if (e.unmappedFieldPrefix !== undefined)
    items.push({
      type: 'field_name_prefix',
      prefix: e.unmappedFieldPrefix,
      ...(targets.length ? { field_name_conditions: [{ type: 'exclude_fields', fields: targets }] } : {}),
    });
  else items.push({ type: 'strict_field_mapping_failure' });
  // The data gives these values exactly as stored (ECS categorisation values are lowercase
  // keywords; channel names as the provider writes them), so they are matched |cased.
  const conditions = Object.fromEntries(Object.entries(e.conditions).map(([k, v]) => [`${k}|cased`, v]));
  if (Object.keys(conditions).length) items.push({ type: 'add_condition', conditions });
  items.push({ type: 'set_state', key: 'index', val: e.index });
  return items;
}

/**
 * A pipeline over some groups of entries. A rule no entry maps passes with its own field names
 * (the backend says so: warning `unmapped-logsource`), except under `failure`, which refuses it.
 */
function spec(name: string, sets: readonly (typeof GROUPS)[number][], failure?: string): PipelineSpec {
  const d = load();
  return entryTablePipeline<Entry>({
    name,
    stateKey: STATE,
    rows: sets.flatMap((set) => d[set].map((entry) => ({ group: set, entry }))),
    items: (row) => entryItems(row.entry),
    unmatched: failure ? [{ type: 'rule_failure', message: failure }] : [],
  });
}

export const pipelines: Readonly<Record<string, () => PipelineSpec>> = {
  ecs: () => spec('ecs', ECS_PIPELINES),
  'ecs-windows': () => spec('ecs-windows', ['ecs-windows']),
  'ecs-linux': () => spec('ecs-linux', ['ecs-linux']),
  'ecs-cloud': () => spec('ecs-cloud', ['ecs-cloud']),
  'ecs-web': () => spec('ecs-web', ['ecs-web']),
  [DEFEND]: () =>
    spec(
      DEFEND,
      [DEFEND],
      "Elastic Defend records no events of this rule's logsource (it maps process, file, image_load, network and dns events of Windows, Linux and macOS: docs/elastic.md); use the ecs pipeline for other data",
    ),
};
