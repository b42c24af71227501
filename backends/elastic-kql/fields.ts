/**
 * Elasticsearch field types, as far as the mapping is known: ECS (data/ecs-fields.json, from
 * @elastic/ecs) and the non-ECS targets of the built-in pipelines (data/pipelines.json
 * `fieldTypes`). A field nobody declares is `unknown` and treated as `keyword` (the type
 * Beats/Agent templates give strings); see docs/elastic.md.
 */
import { backendData } from '../common/files.js';

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

/** The Elasticsearch type of a field, or undefined. */
export function esType(field: string): string | undefined {
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

export function fieldClass(field: string): FieldClass {
  const t = esType(field);
  if (t === undefined) return 'unknown';
  return own(CLASSES, t) ?? 'other';
}

/** The `.caseless` sub-field (lowercase normalizer) the data source declares for a field, if any. */
export function caselessField(field: string): string | undefined {
  load();
  const sub = own(ecs!.caseless, field);
  return sub === undefined ? undefined : `${field}.${sub}`;
}
