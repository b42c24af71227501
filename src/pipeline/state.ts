/**
 * Typed reads of the per-rule pipeline state (`set_state`), in one place. A pipeline may store
 * any YAML value under a key; a backend reads it as a string or a list of strings, and a value of
 * another type is a clear error (`StateTypeError`), never a crash deep in a backend.
 */

export type PipelineState = Readonly<Record<string, unknown>>;

/** A state value whose type does not fit what the backend reads. */
export class StateTypeError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly value: unknown,
  ) {
    super(`pipeline state '${key}' (set_state) must be ${expected}, not ${describe(value)}`);
    this.name = 'StateTypeError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${JSON.stringify(v).slice(0, 80)}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * A string state value: a string, or a number or boolean (YAML `val: 5` read as text). Absent or
 * empty: undefined. Anything else throws StateTypeError.
 */
export function stateString(state: PipelineState, key: string): string | undefined {
  if (!Object.hasOwn(state, key)) return undefined;
  const v = state[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new StateTypeError(key, 'a string', v);
}

/**
 * A list state value: a YAML list of strings (numbers read as text), or a string of
 * comma-separated items (`val: main,security`). Items are trimmed, empty items dropped; absent
 * or empty: undefined. Anything else throws StateTypeError.
 */
export function stateList(state: PipelineState, key: string): readonly string[] | undefined {
  if (!Object.hasOwn(state, key)) return undefined;
  const v = state[key];
  let items: string[];
  if (typeof v === 'string') items = splitList(v);
  else if (typeof v === 'number') items = [String(v)];
  else if (Array.isArray(v)) {
    items = [];
    for (const x of v) {
      if (typeof x === 'string' || typeof x === 'number') items.push(String(x).trim());
      else throw new StateTypeError(key, 'a string or a list of strings', v);
    }
    items = items.filter(Boolean);
  } else throw new StateTypeError(key, 'a string or a list of strings', v);
  return items.length ? items : undefined;
}

/** `a, b,,c` -> [a, b, c]. */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * A mapping of strings (e.g. `queryExpressionPlaceholders`, name -> expression). Absent: an
 * empty mapping. Anything else, or a non-string value, throws StateTypeError.
 */
export function stateMap(state: PipelineState, key: string): Readonly<Record<string, string>> {
  if (!Object.hasOwn(state, key)) return {};
  const v = state[key];
  if (
    v === null ||
    typeof v !== 'object' ||
    Array.isArray(v) ||
    !Object.values(v).every((x) => typeof x === 'string')
  )
    throw new StateTypeError(key, 'a mapping of strings', v);
  return v as Record<string, string>;
}
