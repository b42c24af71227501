/**
 * Elasticsearch field types, as far as the mapping is known: ECS (data/ecs-fields.json, from
 * @elastic/ecs) and the non-ECS targets of the built-in pipelines (data/pipelines.json
 * `fieldTypes`). A field nobody declares is `unknown` and treated as `keyword` (the type
 * Beats/Agent templates give strings); see docs/elastic.md.
 */
import { backendData } from '../common/files.js';

/**
 * Whose mapping the field names follow: ECS with the pipelines' `fieldTypes` (the default), or the
 * Elastic Defend event data streams (data/defend-fields.json, from the integration's own field
 * definitions; chosen while an `elastic-defend` entry is the rule's).
 */
export type Schema = 'ecs' | 'defend';

/** How KQL behaves on a field, by Elasticsearch type family. */
export type FieldClass = 'keyword' | 'text' | 'ip' | 'numeric' | 'boolean' | 'date' | 'other' | 'unknown';

interface EcsData {
  readonly fields: Record<string, string>;
  readonly multiFields: Record<string, Record<string, string>>;
  readonly caseless: Record<string, string>;
}

let ecs: EcsData | undefined;
let extra: Record<string, string> | undefined;
let extraPrefixes: [string, string][] = [];

function load(): void {
  if (ecs) return;
  ecs = backendData<EcsData>('elastic-kql', 'ecs-fields.json');
  const p = backendData<{ fieldTypes: Record<string, string> }>('elastic-kql', 'pipelines.json');
  extra = {};
  extraPrefixes = [];
  for (const [k, v] of Object.entries(p.fieldTypes)) {
    if (k.endsWith('.*')) extraPrefixes.push([k.slice(0, -1), v]);
    else extra[k] = v;
  }
}

interface DefendData {
  readonly fields: Record<string, string>;
  readonly multiFields: Record<string, Record<string, string>>;
  readonly caseless: Record<string, string>;
  readonly ignoreAbove: Record<string, number>;
}

let defend: DefendData | undefined;
function loadDefend(): DefendData {
  return (defend ??= backendData<DefendData>('elastic-kql', 'defend-fields.json'));
}

/** The Elasticsearch type of a field, or undefined. */
export function esType(field: string, schema: Schema = 'ecs'): string | undefined {
  if (schema === 'defend') {
    const d = loadDefend();
    const t = own(d.fields, field);
    if (t) return t;
    const dot = field.lastIndexOf('.');
    if (dot > 0) {
      const subs = own(d.multiFields, field.slice(0, dot));
      return subs && own(subs, field.slice(dot + 1));
    }
    return undefined;
  }
  load();
  const t = own(ecs!.fields, field) ?? own(extra!, field);
  if (t) return t;
  for (const [prefix, type] of extraPrefixes) if (field.startsWith(prefix)) return type;
  // A multi-field (`process.name.text`).
  const dot = field.lastIndexOf('.');
  if (dot > 0) {
    const subs = own(ecs!.multiFields, field.slice(0, dot));
    return subs && own(subs, field.slice(dot + 1));
  }
  return undefined;
}

/** A property of a data object, never one inherited from Object.prototype (`valueOf` ...). */
function own<T>(o: Readonly<Record<string, T>>, k: string): T | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

const CLASSES: Readonly<Record<string, FieldClass>> = {
  keyword: 'keyword',
  constant_keyword: 'keyword',
  // ES `wildcard` fields answer term/wildcard queries like keyword, case-sensitively.
  wildcard: 'keyword',
  flattened: 'keyword',
  text: 'text',
  match_only_text: 'text',
  ip: 'ip',
  long: 'numeric',
  integer: 'numeric',
  short: 'numeric',
  byte: 'numeric',
  double: 'numeric',
  float: 'numeric',
  half_float: 'numeric',
  scaled_float: 'numeric',
  unsigned_long: 'numeric',
  boolean: 'boolean',
  date: 'date',
  date_nanos: 'date',
};

export function fieldClass(field: string, schema: Schema = 'ecs'): FieldClass {
  const t = esType(field, schema);
  if (t === undefined) return 'unknown';
  return own(CLASSES, t) ?? 'other';
}

/** The `.caseless` sub-field (lowercase normalizer) the data source declares for a field, if any. */
export function caselessField(field: string, schema: Schema = 'ecs'): string | undefined {
  const table = schema === 'defend' ? loadDefend().caseless : (load(), ecs!.caseless);
  const sub = own(table, field);
  return sub === undefined ? undefined : `${field}.${sub}`;
}

/** The length above which a caseless sub-field indexes nothing (Elastic Defend: 1024 characters). */
export const CASELESS_IGNORE_ABOVE = 1024;

/**
 * Whether the main field indexes values longer than its caseless sub-field does: a Defend
 * `wildcard` field (process.command_line, ...) has no ignore_above, so a value of more than 1,024
 * characters is found on the main field only. A keyword main field with `ignore_above: 1024`
 * indexes no longer value either, so its caseless sub-field loses nothing.
 */
export function mainIndexesLonger(field: string, schema: Schema = 'ecs'): boolean {
  if (schema !== 'defend') return false;
  const d = loadDefend();
  if (own(d.caseless, field) === undefined) return false;
  const limit = own(d.ignoreAbove, field);
  return limit === undefined || limit > CASELESS_IGNORE_ABOVE;
}
