/**
 * The one generator from a backend's log-source entry table to a built-in pipeline (pySigma
 * processing items, handed to the pipeline engine through `pipelineFromObject`).
 *
 * A table is a list of rows; each row is an entry of the backend's data (`{ logsource, ... }`) and
 * the group it comes from (`ecs-windows`, `sentinel-defender`, ...). One rule picks the entry for
 * a rule, the same in every backend and in `chooseRow`:
 *
 *   an entry applies when every logsource key it names (product, category, service) equals the
 *   rule's; of the entries that apply (and pass the backend's `guard`), the most specific one
 *   wins (the one naming the most keys); among equally specific entries, the first in table order.
 *
 * The pipeline: `set_state <stateKey> ''` for every rule, then one selecting `set_state` per row
 * (rule conditions: the logsource and the guard) in the reverse of the rule's order, so that the
 * last one to apply, which is the one that stays, is the rule's choice (no selection depends on
 * an earlier one: the pipeline planner decides them all from the logsource once), then each row's
 * own items, run only while its id is the chosen one, then `unmatched` items, run when no row was
 * chosen. The chosen row's id (`rowId`) is left in the state for the backend, and
 * names the row's items (`<rowId>#<n>`) in `--explain` and in pipeline error messages.
 */
import { pipelineFromObject } from '../../src/pipeline/index.js';
import type { PipelineSpec } from '../../src/pipeline/types.js';

/** One processing item, as pySigma writes it. */
export type Item = Record<string, unknown>;

export interface LogsourceKey {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** The schema every entry table shares; a backend's entries add their own mapping fields. */
export interface LogsourceEntry {
  readonly logsource: LogsourceKey;
}

export interface TableRow<E extends LogsourceEntry = LogsourceEntry> {
  /** The data set the entry comes from (a built-in pipeline's name). */
  readonly group: string;
  readonly entry: E;
}

/** The priority of every built-in entry-table pipeline (a `-p file.yml` sorts around it). */
export const ENTRY_TABLE_PRIORITY = 20;

const KEYS = ['product', 'category', 'service'] as const;

/** How many logsource keys an entry names. */
export function specificity(ls: LogsourceKey): number {
  return KEYS.filter((k) => ls[k] !== undefined).length;
}

/** Whether an entry's logsource applies to a rule's: every key it names is equal. */
export function applies(entry: LogsourceKey, rule: LogsourceKey): boolean {
  return KEYS.every((k) => entry[k] === undefined || entry[k] === rule[k]);
}

/** A row's id, the state value that names it: `group:product/category/service` (`*`: not named). */
export function rowId(row: TableRow): string {
  const ls = row.entry.logsource;
  return `${row.group}:${ls.product ?? '*'}/${ls.category ?? '*'}/${ls.service ?? '*'}`;
}

/** The rows in the order they are tried: most specific first, table order among equals. */
export function ranked<R extends TableRow>(rows: readonly R[]): R[] {
  return rows
    .map((r, i) => ({ r, i, s: specificity(r.entry.logsource) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.r);
}

/** The row the rule picks for a logsource (and `accept`, standing for a guard), or undefined. */
export function chooseRow<R extends TableRow>(
  rows: readonly R[],
  logsource: LogsourceKey,
  accept: (row: R) => boolean = () => true,
): R | undefined {
  return ranked(rows).find((r) => applies(r.entry.logsource, logsource) && accept(r));
}

/** Rule conditions (pySigma's named form) that a row's selection also needs, and how they join. */
export interface Guard {
  readonly conditions: Readonly<Record<string, object>>;
  /** An expression over the condition names, e.g. `not (f0 or f1)`. */
  readonly expr: string;
}

export interface EntryTable<E extends LogsourceEntry> {
  /** The pipeline's name (`-p name`); its source is `builtin:<name>`. */
  readonly name: string;
  /** The state key that records the chosen row's id. */
  readonly stateKey: string;
  readonly rows: readonly TableRow<E>[];
  /** Items for every rule, before any entry is chosen (e.g. a field mapping all entries share). */
  readonly before?: readonly Item[];
  /** The items of one row, without rule conditions: they run only while the row is chosen. */
  items(row: TableRow<E>): Item[];
  /** A further condition for choosing a row (a rule that needs a field the row's table lacks ...). */
  guard?(row: TableRow<E>): Guard | undefined;
  /** Items for a rule no row applies to (e.g. a `rule_failure`), run only then. */
  readonly unmatched?: readonly Item[];
}

/** The built-in pipeline for an entry table (see the file comment). */
export function entryTablePipeline<E extends LogsourceEntry>(t: EntryTable<E>): PipelineSpec {
  const free = { type: 'processing_state', key: t.stateKey, val: '' };
  // `processing_state` is false for an unset key, so the first item sets it for every rule.
  const items: Item[] = [
    ...(t.before ?? []),
    { id: `${t.name}-init`, type: 'set_state', key: t.stateKey, val: '' },
  ];
  const rows = ranked(t.rows);
  for (const row of [...rows].reverse()) {
    const id = rowId(row);
    const guard = t.guard?.(row);
    const ls = { type: 'logsource', ...row.entry.logsource };
    items.push({
      id: `${id}#select`,
      type: 'set_state',
      key: t.stateKey,
      val: id,
      ...(guard
        ? { rule_conditions: { ls, ...guard.conditions }, rule_cond_expr: `ls and (${guard.expr})` }
        : { rule_conditions: [ls] }),
    });
  }
  // Each item is named after its row (`--explain` lines and error messages say which entry).
  for (const row of rows) {
    const id = rowId(row);
    const when = [{ type: 'processing_state', key: t.stateKey, val: id }];
    t.items(row).forEach((item, k) => items.push({ id: `${id}#${k + 1}`, ...item, rule_conditions: when }));
  }
  (t.unmatched ?? []).forEach((item, k) =>
    items.push({ id: `${t.name}-unmatched#${k + 1}`, ...item, rule_conditions: [free] }),
  );
  return pipelineFromObject(
    { name: t.name, priority: ENTRY_TABLE_PRIORITY, transformations: items },
    `builtin:${t.name}`,
  );
}
