/**
 * Backend settings: checking `--set` against the backends' declarations (src/backend.ts
 * `SettingDecl`), and reading a setting for one rule with the one precedence rule every setting
 * follows: `--set` beats the pipeline state, which beats the declared default.
 */
import type { Backend, ConvertOptions, SettingDecl, TargetSettings } from './backend.js';
import type { DiagnosticSink } from './diagnostics.js';
import {
  splitList,
  stateList,
  stateMap,
  stateString,
  StateTypeError,
  type PipelineState,
} from './pipeline/state.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from './pipeline/types.js';

// Declared with the backend contract (src/backend.ts imports nothing from here: no import circle).
export type { TargetSettings } from './backend.js';

/** The declaration of a key (an exact name, else the longest `prefix.*` that covers it). */
export function findSetting(decls: readonly SettingDecl[] | undefined, key: string): SettingDecl | undefined {
  let best: SettingDecl | undefined;
  for (const d of decls ?? []) {
    if (d.name === key) return d;
    if (d.name.endsWith('.*') && key.startsWith(d.name.slice(0, -1)) && key.length > d.name.length - 1)
      if (!best || d.name.length > best.name.length) best = d;
  }
  return best;
}

/** Why a value does not fit its declaration, or null when it does. */
export function valueProblem(d: SettingDecl, value: string): string | null {
  switch (d.type) {
    case 'string':
      return value !== '' ? null : 'a non-empty text';
    case 'list':
      return splitList(value).length ? null : 'a comma-separated list of at least one item';
    case 'enum':
      return d.values?.includes(value) ? null : `one of ${(d.values ?? []).join(', ')}`;
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'true or false';
    case 'number': {
      const n = Number(value);
      const ok =
        value.trim() !== '' &&
        Number.isFinite(n) &&
        (!d.integer || Number.isInteger(n)) &&
        (d.min === undefined || n >= d.min);
      return ok
        ? null
        : `a${d.integer ? ' whole' : ''} number${d.min !== undefined ? ` of at least ${d.min}` : ''}`;
    }
  }
}

/**
 * Checks `--set` for a run's targets: a key no target declares, or a value that does not fit a
 * declaration of it. Returns the problem (one message for the whole run), or null.
 */
export function settingsProblem(
  backends: readonly Backend[],
  settings: Readonly<Record<string, string>> | undefined,
): string | null {
  for (const [key, value] of Object.entries(settings ?? {})) {
    const decls = backends.map((b) => [b, findSetting(b.settings, key)] as const).filter(([, d]) => d);
    if (decls.length === 0) {
      const names = backends.map(
        (b) =>
          `${b.name}: ${
            b.settings?.length
              ? b.settings.map((d) => d.name.replace(/\*$/, '<name>')).join(', ')
              : 'no settings'
          }`,
      );
      return `unknown setting '${key}' (${names.join('; ')}; see 'sigmantic list settings -t <target>')`;
    }
    for (const [b, d] of decls) {
      const why = valueProblem(d!, value);
      if (why) return `setting ${key}=${value} for ${b.name}: the value must be ${why}`;
    }
  }
  return null;
}

function declOf(decls: readonly SettingDecl[] | undefined, name: string): SettingDecl {
  const d = findSetting(decls, name);
  if (!d) throw new Error(`setting '${name}' is read but not declared`);
  return d;
}

function setValue(options: ConvertOptions, name: string): string | undefined {
  const s = options.settings;
  return s && Object.hasOwn(s, name) ? s[name] : undefined;
}

/** True when `--set` gives the setting (whatever the pipeline state holds). */
export function settingGiven(options: ConvertOptions, name: string): boolean {
  return setValue(options, name) !== undefined;
}

/** The `--set` keys a `prefix.*` declaration covers, sorted, with their values. */
export function prefixSettings(
  decls: readonly SettingDecl[] | undefined,
  pattern: string,
  options: ConvertOptions,
): Array<[string, string]> {
  const d = declOf(decls, pattern);
  return Object.entries(options.settings ?? {})
    .filter(([k]) => findSetting(decls, k) === d)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A setting's value for one rule as text: `--set`, else the pipeline state (when the setting
 * names a state key), else the default. A state value of the wrong type throws StateTypeError
 * (`checkStateSettings` reports it first).
 */
export function settingString(
  decls: readonly SettingDecl[] | undefined,
  name: string,
  options: ConvertOptions,
  state: PipelineState = {},
): string | undefined {
  const d = declOf(decls, name);
  const set = setValue(options, name);
  if (set !== undefined) return set;
  const s = d.state ? stateString(state, d.state) : undefined;
  return s ?? d.default;
}

/** A list setting's items for one rule (same precedence); undefined when none is given. */
export function settingList(
  decls: readonly SettingDecl[] | undefined,
  name: string,
  options: ConvertOptions,
  state: PipelineState = {},
): readonly string[] | undefined {
  const d = declOf(decls, name);
  const set = setValue(options, name);
  if (set !== undefined) return splitList(set);
  const s = d.state ? stateList(state, d.state) : undefined;
  if (s) return s;
  return d.default === undefined ? undefined : splitList(d.default);
}

/** A number setting (same precedence). */
export function settingNumber(
  decls: readonly SettingDecl[] | undefined,
  name: string,
  options: ConvertOptions,
  state: PipelineState = {},
): number | undefined {
  const s = settingString(decls, name, options, state);
  return s === undefined ? undefined : Number(s);
}

/** A boolean setting (same precedence). */
export function settingBoolean(
  decls: readonly SettingDecl[] | undefined,
  name: string,
  options: ConvertOptions,
  state: PipelineState = {},
): boolean {
  return settingString(decls, name, options, state) === 'true';
}

/**
 * Checks the pipeline state values that settings read (and the placeholder expressions every
 * backend reads), for one rule: a value of the wrong type or outside the declaration is an error
 * `pipeline-error` naming the key. Returns false then (the backend gives no query). `--set` of a
 * setting hides its state value, which is then not read.
 */
export function checkStateSettings(
  decls: readonly SettingDecl[] | undefined,
  options: ConvertOptions,
  state: PipelineState,
  sink: DiagnosticSink,
): boolean {
  let ok = true;
  try {
    stateMap(state, QUERY_EXPRESSION_PLACEHOLDERS);
  } catch (e) {
    if (!(e instanceof StateTypeError)) throw e;
    sink.error('pipeline-error', e.message);
    ok = false;
  }
  for (const d of decls ?? []) {
    if (!d.state || !Object.hasOwn(state, d.state) || setValue(options, d.name) !== undefined) continue;
    try {
      if (d.type === 'list') stateList(state, d.state);
      else {
        const v = stateString(state, d.state);
        const why = v === undefined ? null : valueProblem(d, v);
        if (why) throw new StateTypeError(d.state, why, state[d.state]);
      }
    } catch (e) {
      if (!(e instanceof StateTypeError)) throw e;
      sink.error('pipeline-error', e.message);
      ok = false;
    }
  }
  return ok;
}

/** Resolves every declared setting (call after checkStateSettings passed: a bad state value throws). */
export function resolveSettings(
  decls: readonly SettingDecl[] | undefined,
  options: ConvertOptions,
  state: PipelineState = {},
): TargetSettings {
  const values: Record<string, string | readonly string[]> = {};
  const given: string[] = [];
  for (const d of decls ?? []) {
    if (d.name.endsWith('.*')) {
      for (const [k, v] of prefixSettings(decls, d.name, options)) {
        values[k] = v;
        given.push(k);
      }
      continue;
    }
    const v =
      d.type === 'list'
        ? settingList(decls, d.name, options, state)
        : settingString(decls, d.name, options, state);
    if (v !== undefined) values[d.name] = v;
    if (settingGiven(options, d.name)) given.push(d.name);
  }
  return { values, given: given.sort() };
}

/** A resolved setting as text (a list joined by commas); undefined when it has no value. */
export function targetString(t: TargetSettings, name: string): string | undefined {
  const v = t.values[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(',');
}

/** A resolved list setting's items (a text setting as one item); undefined when it has no value. */
export function targetList(t: TargetSettings, name: string): readonly string[] | undefined {
  const v = t.values[name];
  return v === undefined ? undefined : typeof v === 'string' ? [v] : v;
}

/** A resolved number setting; undefined when it has no value. */
export function targetNumber(t: TargetSettings, name: string): number | undefined {
  const s = targetString(t, name);
  return s === undefined ? undefined : Number(s);
}

/** A resolved boolean setting (false when it has no value). */
export function targetBoolean(t: TargetSettings, name: string): boolean {
  return targetString(t, name) === 'true';
}

/** The resolved keys a `prefix.*` declaration covers, sorted, with their values. */
export function targetPrefix(t: TargetSettings, pattern: string): Array<[string, string]> {
  const prefix = pattern.slice(0, -1);
  return Object.keys(t.values)
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .sort()
    .map((k) => [k, targetString(t, k)!]);
}

/**
 * The resolved settings of a ConvertContext: the ones convertLoaded resolved, or, for a caller
 * of `convert` itself that gave none, resolved here after checking the state (a bad state value
 * is reported to the sink and gives null: no query).
 */
export function targetOf(
  ctx: {
    readonly target?: TargetSettings;
    readonly options: ConvertOptions;
    readonly state: PipelineState;
    readonly sink: DiagnosticSink;
  },
  decls: readonly SettingDecl[] | undefined,
): TargetSettings | null {
  if (ctx.target) return ctx.target;
  if (!checkStateSettings(decls, ctx.options, ctx.state, ctx.sink)) return null;
  return resolveSettings(decls, ctx.options, ctx.state);
}
