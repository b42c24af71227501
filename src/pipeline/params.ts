/**
 * Reading the parameters of a pipeline item or condition, with errors that name the file, line
 * and item. Values come from `parseYaml` (numbers as YamlNumber) or from plain objects (numbers as
 * number); both are accepted.
 */
import type { Position } from '../diagnostics.js';
import { YamlNumber, type PosNode } from '../rule/yaml.js';
import { pipelineError, type Where } from './errors.js';

export type Scalar = string | number | boolean | null;

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlNumber);
}

/** A YAML scalar as a plain value (YamlNumber -> number); undefined if not a scalar. */
export function scalar(v: unknown): Scalar | undefined {
  if (v instanceof YamlNumber) return v.value;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

/** A scalar as text, as the rule author wrote it for numbers. */
export function scalarText(v: unknown): string | undefined {
  if (v instanceof YamlNumber) return v.text;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof YamlNumber) return `the number ${v.text}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} '${String(v)}'`;
}

/** The parameters of one mapping, with positions. */
export class Params {
  private readonly used = new Set<string>();
  constructor(
    readonly obj: Record<string, unknown>,
    readonly pos: PosNode | undefined,
    readonly where: Where,
  ) {}

  /** Position of a key's value (or of the mapping). */
  posOf(key?: string): Position | undefined {
    if (key !== undefined) {
      const e = this.pos?.keys?.get(key);
      if (e) return e.value.pos;
    }
    return this.pos?.pos ?? this.where.pos;
  }
  /** Position node of a key's value. */
  node(key: string): PosNode | undefined {
    return this.pos?.keys?.get(key)?.value;
  }
  fail(message: string, key?: string): never {
    throw pipelineError({ ...this.where, pos: this.posOf(key) ?? this.where.pos }, message);
  }
  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }
  raw(key: string): unknown {
    this.used.add(key);
    return this.obj[key];
  }
  /** Marks keys as known without reading them. */
  allow(...keys: string[]): void {
    for (const k of keys) this.used.add(k);
  }
  private allowedSet: ReadonlySet<string> | undefined;
  /** Allows every key of a shared set (cheaper than allow() for a fixed list used on every item). */
  allowSet(keys: ReadonlySet<string>): void {
    this.allowedSet = keys;
  }
  str(key: string): string;
  str(key: string, optional: true): string | undefined;
  str(key: string, optional?: boolean): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) {
      if (optional) return undefined;
      return this.fail(`'${key}' is required`, key);
    }
    if (typeof v !== 'string') return this.fail(`'${key}' must be a string, not ${describe(v)}`, key);
    return v;
  }
  /** A string or scalar written as text (numbers keep their text). */
  text(key: string, optional?: boolean): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) {
      if (optional) return undefined;
      return this.fail(`'${key}' is required`, key);
    }
    const t = scalarText(v);
    if (t === undefined) return this.fail(`'${key}' must be a string, not ${describe(v)}`, key);
    return t;
  }
  bool(key: string, dflt: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') return this.fail(`'${key}' must be true or false, not ${describe(v)}`, key);
    return v;
  }
  oneOf<T extends string>(key: string, choices: readonly T[], dflt?: T): T {
    const v = this.raw(key);
    if ((v === undefined || v === null) && dflt !== undefined) return dflt;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
      return this.fail(`'${key}' must be one of ${choices.join(', ')}, not ${describe(v)}`, key);
    return v as T;
  }
  /** A string or a list of strings, as a list. */
  strList(key: string, optional?: boolean): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) {
      if (optional) return undefined;
      return this.fail(`'${key}' is required`, key);
    }
    const list = Array.isArray(v) ? v : [v];
    return list.map((x, i) => {
      const t = scalarText(x);
      if (t === undefined || typeof x === 'boolean')
        this.fail(`'${key}' must be a string or a list of strings; item ${i + 1} is ${describe(x)}`, key);
      return t!;
    });
  }
  /** A mapping of string -> string or list of strings. */
  stringMap(key: string): Map<string, string[]> {
    const v = this.raw(key);
    if (!isMapping(v)) return this.fail(`'${key}' must be a mapping, not ${describe(v)}`, key);
    const out = new Map<string, string[]>();
    for (const [k, x] of Object.entries(v)) {
      const list = Array.isArray(x) ? x : [x];
      const texts = list.map((y) => (typeof y === 'boolean' ? undefined : scalarText(y)));
      if (texts.some((t) => t === undefined))
        this.fail(
          `'${key}': the value of '${k}' must be a string or a list of strings, not ${describe(x)}`,
          key,
        );
      if (texts.length === 0) this.fail(`'${key}': '${k}' maps to an empty list`, key);
      out.set(k, texts as string[]);
    }
    return out;
  }
  /** Fails on keys that were not read or allowed. */
  done(what: string): void {
    for (const k of Object.keys(this.obj)) {
      if (!this.used.has(k) && !this.allowedSet?.has(k)) {
        const e = this.pos?.keys?.get(k);
        throw pipelineError(
          { ...this.where, pos: e?.key ?? this.posOf() },
          `unknown parameter '${k}' for ${what}`,
        );
      }
    }
  }
}
