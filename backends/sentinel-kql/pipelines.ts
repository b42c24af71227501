/**
 * Built-in pipelines, built from data/logsources.json as pySigma-format processing items:
 * `set_state` (table, which entry applies, keyword column, XML column) with logsource rule
 * conditions, `field_name_prefix` (the EventData fallback), `field_name_mapping`,
 * `field_name_prefix_mapping` (JSON path columns), `map_string` (value maps), `add_condition`
 * (channel / action filters), `detection_item_failure` / `rule_failure` (fields with no faithful
 * column, unsupported log sources).
 *
 * Entry selection is the shared entry-table generator's (backends/common/logsource-table.ts): the
 * most specific entry whose logsource is a subset of the rule's is recorded in the state key
 * `sentinel.entry`, and all other items of an entry are conditioned on that state. Among equally
 * specific entries the one listed LAST in logsources.json (and, across pipelines, in
 * COMBINED_ORDER) is preferred, so the table hands them to the generator in reverse (`rowsOf`).
 */
import type { PipelineSpec } from '../../src/pipeline/types.js';
import { backendData } from '../common/files.js';
import type { Requirement } from './requires.js';
import {
  chooseRow,
  entryTablePipeline,
  rowId,
  type Item,
  type LogsourceEntry,
  type LogsourceKey,
  type TableRow,
} from '../common/logsource-table.js';

export interface Entry extends LogsourceEntry {
  readonly table: string;
  readonly conditions?: Readonly<Record<string, string | number | readonly (string | number)[]>>;
  readonly fields?: Readonly<Record<string, string>>;
  readonly valueMaps?: Readonly<
    Record<string, { readonly column: string; readonly values: Readonly<Record<string, readonly string[]>> }>
  >;
  readonly pathColumns?: Readonly<Record<string, string>>;
  readonly fallback?: { readonly column: string; readonly kind: 'dynamic' | 'xml' };
  readonly keywords?: string;
  readonly unmapped?: Readonly<Record<string, string>>;
  readonly unsupported?: string;
  /** The table holds the log source's events among others, with no filter that selects them exactly: why. */
  readonly widens?: string;
  /** Sigma fields rebuilt in Sysmon's format from the table's columns (a Kusto expression, see values.json). */
  readonly derived?: Readonly<Record<string, DerivedField>>;
  /** Sigma fields with a closed set of values, each stored as other values of a column (values.json `enums`). */
  readonly enums?: Readonly<Record<string, { readonly column: string; readonly values: string }>>;
  /** The table holds only the log source's events with one of these values (requires.ts). */
  readonly requires?: Requirement;
}

export interface DerivedField {
  readonly expr: string;
  /** A list of values.json `rewrites` applied to the expression, in order. */
  readonly rewrite?: string;
  readonly reason?: string;
}

export interface ValueTables {
  readonly rewrites: Readonly<
    Record<string, { readonly reason: string; readonly rules: ReadonlyArray<readonly [string, string]> }>
  >;
  readonly enums: Readonly<
    Record<
      string,
      {
        readonly reason: string;
        readonly values: Readonly<Record<string, readonly string[]>>;
        /** The field takes other values too, stored as no value of their own: a rule naming one is refused. */
        readonly open?: boolean;
      }
    >
  >;
}

/** data/values.json: the value translations entries refer to. */
export function valueTables(): ValueTables {
  return backendData<ValueTables>('sentinel-kql', 'values.json');
}

export type PipelineName =
  'sentinel-defender' | 'sentinel-windows' | 'sentinel-linux' | 'sentinel-cloud' | 'sentinel-asim';

/** logsources.json's pipelines, and sentinel-asim from data/asim.json (the ASIM unifying parsers). */
export function logsourceData(): Record<PipelineName, Entry[]> {
  const tables = backendData<{ pipelines: Record<Exclude<PipelineName, 'sentinel-asim'>, Entry[]> }>(
    'sentinel-kql',
    'logsources.json',
  ).pipelines;
  return {
    ...tables,
    'sentinel-asim': backendData<{ entries: Entry[] }>('sentinel-kql', 'asim.json').entries,
  };
}

/** State keys the backend reads. */
export const STATE = {
  table: 'table',
  entry: 'sentinel.entry',
  keywords: 'sentinel.keywords',
  xml: 'sentinel.xml',
} as const;

/** The entry a `sentinel.entry` state value names, with its pipeline. */
/** Entries by id, made on first use (looked up once per rule). */
let byId: Map<string, { pipeline: PipelineName; entry: Entry }> | undefined;

export function entryById(id: string): { pipeline: PipelineName; entry: Entry } | null {
  if (!byId) {
    byId = new Map();
    const data = logsourceData();
    for (const pipeline of Object.keys(data) as PipelineName[])
      for (const entry of data[pipeline]) {
        const k = entryId(pipeline, entry);
        // The first entry with an id wins, as the linear search did.
        if (!byId.has(k)) byId.set(k, { pipeline, entry });
      }
  }
  return byId.get(id) ?? null;
}

/**
 * The entry of any built-in pipeline that the shared rule picks for `ls` among those whose table
 * is `table` (for `--set table=`); on a tie the combined pipeline's preference decides (Defender).
 */
export function entryForTable(
  ls: LogsourceKey,
  table: string,
): { pipeline: PipelineName; entry: Entry } | null {
  const row = chooseRow(rowsOf(COMBINED_ORDER), ls, (r) => r.entry.table === table && !r.entry.unsupported);
  return row ? { pipeline: row.group, entry: row.entry } : null;
}

/** One entry alone as a pipeline (the caller chose it for the rule's logsource). */
export function entryPipeline(pipeline: PipelineName, e: Entry): PipelineSpec {
  return spec(`${pipeline}:${e.table}`, [{ group: pipeline, entry: e }], false);
}

function entryId(pipeline: string, e: Entry): string {
  return rowId({ group: pipeline, entry: e });
}

/**
 * The rows of these pipelines in the generator's table order (first preferred among equally
 * specific entries): logsources.json lists the preferred entry last, and so does COMBINED_ORDER.
 */
function rowsOf(names: readonly PipelineName[]): Array<TableRow<Entry> & { group: PipelineName }> {
  const data = logsourceData();
  return names.flatMap((group) => data[group].map((entry) => ({ group, entry }))).reverse();
}

/** The items of one entry (the generator runs them only while it is the chosen one). */
function entryItems(e: Entry): Item[] {
  const items: Item[] = [];
  const add = (x: Item) => items.push(x);
  if (e.unsupported) return [{ type: 'rule_failure', message: `${e.table}: ${e.unsupported}` }];
  add({ type: 'set_state', key: STATE.table, val: e.table });
  if (e.keywords) add({ type: 'set_state', key: STATE.keywords, val: e.keywords });
  for (const [f, reason] of Object.entries(e.unmapped ?? {}))
    add({
      type: 'detection_item_failure',
      message: `field '${f}' has no faithful column in ${e.table}: ${reason}`,
      field_name_conditions: [{ type: 'include_fields', fields: [f] }],
    });
  for (const [f, vm] of Object.entries(e.valueMaps ?? {})) {
    add({
      type: 'map_string',
      mapping: vm.values,
      field_name_conditions: [{ type: 'include_fields', fields: [f] }],
    });
  }
  const fields: Record<string, string> = { ...(e.fields ?? {}) };
  delete fields[''];
  for (const [f, vm] of Object.entries(e.valueMaps ?? {})) fields[f] = vm.column;
  if (e.fallback) {
    // Any other field is a key of the event data (WindowsEvent: dynamic; SecurityEvent: XML text).
    const keep = [
      ...Object.keys(fields),
      ...Object.keys(e.unmapped ?? {}),
      ...Object.keys(e.derived ?? {}),
      ...Object.keys(e.enums ?? {}),
    ];
    add({
      type: 'field_name_prefix',
      prefix: `${e.fallback.column}.`,
      field_name_conditions: [{ type: 'include_fields', fields: keep }],
      field_name_cond_not: true,
    });
    if (e.fallback.kind === 'xml') add({ type: 'set_state', key: STATE.xml, val: e.fallback.column });
  }
  if (Object.keys(fields).length > 0) add({ type: 'field_name_mapping', mapping: fields });
  if (e.pathColumns) {
    const mapping: Record<string, string> = {};
    for (const [prefix, col] of Object.entries(e.pathColumns)) mapping[prefix] = col + '.';
    add({ type: 'field_name_prefix_mapping', mapping });
  }
  if (e.conditions) add({ type: 'add_condition', conditions: e.conditions });
  return items;
}

function spec(name: string, rows: ReadonlyArray<TableRow<Entry>>, defenderGuard: boolean): PipelineSpec {
  return entryTablePipeline<Entry>({
    name,
    stateKey: STATE.entry,
    rows,
    items: (row) => entryItems(row.entry),
    guard: (row) => {
      const unmapped = Object.keys(row.entry.unmapped ?? {});
      if (!defenderGuard || row.group !== 'sentinel-defender' || unmapped.length === 0) return undefined;
      // In the combined pipeline a rule that needs a field Defender does not record goes to the
      // Windows event tables instead (when an entry there covers it).
      return {
        conditions: Object.fromEntries(
          unmapped.map((f, k) => [`f${k}`, { type: 'contains_field', field: f }]),
        ),
        expr: `not (${unmapped.map((_, k) => `f${k}`).join(' or ')})`,
      };
    },
  });
}

const ONE: readonly PipelineName[] = [
  'sentinel-defender',
  'sentinel-windows',
  'sentinel-linux',
  'sentinel-cloud',
];

/** One pipeline of logsources.json. */
export function pipelineFor(name: PipelineName): PipelineSpec {
  return spec(name, rowsOf([name]), false);
}

const COMBINED_ORDER: readonly PipelineName[] = [
  'sentinel-windows',
  'sentinel-linux',
  'sentinel-cloud',
  'sentinel-defender',
];

/**
 * `sentinel`: all four, for a workspace that holds Defender XDR and Windows/Syslog/cloud tables.
 * Where two entries have the same logsource, the later pipeline wins: Defender over Sysmon
 * (through WindowsEvent) for endpoint categories, unless the rule uses a field Defender lacks.
 */
export function combinedPipeline(): PipelineSpec {
  return spec('sentinel', rowsOf(COMBINED_ORDER), true);
}

export const PIPELINE_NAMES = ONE;
