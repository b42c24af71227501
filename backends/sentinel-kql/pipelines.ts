/**
 * Built-in pipelines, built from data/logsources.json as pySigma-format processing items:
 * `set_state` (table, which entry applies, keyword column, XML column) with logsource rule
 * conditions, `field_name_prefix` (the EventData fallback), `field_name_mapping`,
 * `field_name_prefix_mapping` (JSON path columns), `map_string` (value maps), `add_condition`
 * (channel / action filters), `detection_item_failure` / `rule_failure` (fields with no faithful
 * column, unsupported log sources).
 *
 * Entry selection: every entry whose logsource is a subset of the rule's sets the state key
 * `sentinel.entry`; entries are ordered by specificity, so the most specific one wins. All other
 * items of an entry are conditioned on that state.
 */
import { readFileSync } from 'node:fs';
import type { PipelineSpec } from '../../src/pipeline/types.js';
import { dataFile } from './data.js';

interface LogsourceKey {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

export interface Entry {
  readonly logsource: LogsourceKey;
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
    Record<string, { readonly reason: string; readonly values: Readonly<Record<string, readonly string[]>> }>
  >;
}

let values: ValueTables | null = null;
/** data/values.json: the value translations entries refer to. */
export function valueTables(): ValueTables {
  values ??= JSON.parse(readFileSync(dataFile('values.json'), 'utf8')) as ValueTables;
  return values;
}

export type PipelineName = 'sentinel-defender' | 'sentinel-windows' | 'sentinel-linux' | 'sentinel-cloud';

let cache: Record<PipelineName, Entry[]> | null = null;

export function logsourceData(): Record<PipelineName, Entry[]> {
  cache ??= (
    JSON.parse(readFileSync(dataFile('logsources.json'), 'utf8')) as {
      pipelines: Record<PipelineName, Entry[]>;
    }
  ).pipelines;
  return cache;
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
 * The most specific entry of any built-in pipeline whose logsource is part of `ls` and whose table
 * is `table` (for `--set table=`); on a tie the combined pipeline's order decides (Defender last).
 */
export function entryForTable(
  ls: LogsourceKey,
  table: string,
): { pipeline: PipelineName; entry: Entry } | null {
  let best: { pipeline: PipelineName; entry: Entry } | null = null;
  const data = logsourceData();
  for (const pipeline of COMBINED_ORDER)
    for (const entry of data[pipeline]) {
      if (entry.table !== table || entry.unsupported) continue;
      const l = entry.logsource;
      if ((['product', 'category', 'service'] as const).some((k) => l[k] !== undefined && l[k] !== ls[k]))
        continue;
      if (!best || specificity(entry) >= specificity(best.entry)) best = { pipeline, entry };
    }
  return best;
}

/** One entry alone as a pipeline (its logsource condition dropped: the caller chose it). */
export function entryPipeline(pipeline: PipelineName, e: Entry): PipelineSpec {
  return spec(`${pipeline}:${e.table}`, itemsFor([[pipeline, e]], { defenderGuard: false }));
}

function entryId(pipeline: string, e: Entry): string {
  const ls = e.logsource;
  return `${pipeline}:${ls.product ?? '*'}/${ls.category ?? '*'}/${ls.service ?? '*'}`;
}

function specificity(e: Entry): number {
  const ls = e.logsource;
  return (ls.product ? 1 : 0) + (ls.category ? 1 : 0) + (ls.service ? 1 : 0);
}

type Item = Record<string, unknown>;

/** The processing items for a list of (pipeline, entry) pairs, least specific first. */
function itemsFor(pairs: ReadonlyArray<readonly [string, Entry]>, opts: { defenderGuard: boolean }): Item[] {
  const sorted = pairs
    .map((p, i) => ({ p, i }))
    .sort((a, b) => specificity(a.p[1]) - specificity(b.p[1]) || a.i - b.i);
  const items: Item[] = [];
  // Entries of several pipelines share logsources: one condition list each, compiled once.
  const byLogsource = new Map<string, object[]>();
  for (const { p } of sorted) {
    const [pipeline, e] = p;
    const id = entryId(pipeline, e);
    const ls = { type: 'logsource', ...e.logsource };
    const lsKey = JSON.stringify(ls);
    const item: Item = { id: `${id}#select`, type: 'set_state', key: STATE.entry, val: id };
    const unmapped = Object.keys(e.unmapped ?? {});
    if (opts.defenderGuard && pipeline === 'sentinel-defender' && unmapped.length > 0) {
      // In the combined pipeline a rule that needs a field Defender does not record goes to the
      // Windows event tables instead (when an entry there covers it).
      item.rule_conditions = {
        ls,
        ...Object.fromEntries(unmapped.map((f, k) => [`f${k}`, { type: 'contains_field', field: f }])),
      };
      item.rule_cond_expr = `ls and not (${unmapped.map((_, k) => `f${k}`).join(' or ')})`;
    } else {
      let conditions = byLogsource.get(lsKey);
      if (!conditions) byLogsource.set(lsKey, (conditions = [ls]));
      item.rule_conditions = conditions;
    }
    items.push(item);
  }
  for (const { p } of sorted) {
    const [pipeline, e] = p;
    const id = entryId(pipeline, e);
    const when = [{ type: 'processing_state', key: STATE.entry, val: id }];
    const add = (x: Item) => items.push({ ...x, rule_conditions: when });
    if (e.unsupported) {
      add({ type: 'rule_failure', message: `${e.table}: ${e.unsupported}` });
      continue;
    }
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
  }
  return items;
}

function spec(name: string, transformations: Item[]): PipelineSpec {
  return { name, priority: 10, vars: {}, transformations, source: `builtin:${name}` };
}

const ONE: readonly PipelineName[] = [
  'sentinel-defender',
  'sentinel-windows',
  'sentinel-linux',
  'sentinel-cloud',
];

/** One pipeline of logsources.json. */
export function pipelineFor(name: PipelineName): PipelineSpec {
  const entries = logsourceData()[name];
  return spec(
    name,
    itemsFor(
      entries.map((e) => [name, e] as const),
      { defenderGuard: false },
    ),
  );
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
  const data = logsourceData();
  const pairs = COMBINED_ORDER.flatMap((n) => data[n].map((e) => [n, e] as const));
  return spec('sentinel', itemsFor(pairs, { defenderGuard: true }));
}

export const PIPELINE_NAMES = ONE;
