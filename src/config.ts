/**
 * `sigmantic.config.yml`: a repository's build settings for `sigmantic convert` (targets with their
 * own formats, pipelines and settings, inputs, output layout, selection, ...), found upward from the
 * working directory or named with `--config`. Command-line flags override it. Every key is checked:
 * an unknown one is a usage error naming the near key. Paths in it are relative to its folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import { UsageError, type Selection, type TargetOptions } from './batch.js';
import { nearest } from './rule/load.js';

export const CONFIG_FILE = 'sigmantic.config.yml';

/** The config file's values, with paths made relative to the working directory. */
export interface Config {
  /** The file they came from. */
  readonly file: string;
  readonly inputs?: string[];
  /** Targets in order, each with its own options. */
  readonly targets?: Array<{ readonly name: string; readonly options: TargetOptions }>;
  readonly format?: string;
  readonly pipelines?: string[];
  readonly 'default-pipelines'?: boolean;
  readonly settings?: Record<string, string>;
  /** Passed to `--filter` (Sigma filter rules). */
  readonly filters?: string[];
  readonly output?: string;
  readonly layout?: 'file' | 'tree';
  readonly prune?: boolean;
  readonly report?: string;
  readonly strict?: boolean;
  readonly 'skip-unsupported'?: boolean;
  readonly exclude?: string[];
  readonly select?: Selection;
  readonly cache?: boolean;
  readonly 'cache-location'?: string;
  readonly jobs?: number;
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

type Kind = 'string' | 'strings' | 'boolean' | 'number' | 'settings' | 'path' | 'paths' | 'pipelines';
const TOP: Record<string, Kind | 'targets' | 'select' | 'layout'> = {
  inputs: 'paths',
  targets: 'targets',
  format: 'string',
  pipelines: 'pipelines',
  'default-pipelines': 'boolean',
  settings: 'settings',
  filters: 'paths',
  output: 'path',
  layout: 'layout',
  prune: 'boolean',
  report: 'path',
  strict: 'boolean',
  'skip-unsupported': 'boolean',
  exclude: 'strings',
  select: 'select',
  cache: 'boolean',
  'cache-location': 'path',
  jobs: 'number',
  progress: 'boolean',
  quiet: 'boolean',
};
const TARGET: Record<string, Kind> = {
  format: 'string',
  pipelines: 'pipelines',
  'default-pipelines': 'boolean',
  settings: 'settings',
};
const SELECT = ['status', 'level', 'tag', 'logsource'] as const;

/** The config file for a run: `--config FILE`, or the nearest `sigmantic.config.yml` upward. */
export function findConfig(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new UsageError(`--config ${explicit}: no such file`);
    return explicit;
  }
  for (let d = resolve(cwd); ; d = dirname(d)) {
    const f = join(d, CONFIG_FILE);
    // Named relative to the working directory, as in its messages.
    if (existsSync(f)) return relative(cwd, f);
    if (dirname(d) === d) return undefined;
  }
}

class ConfigReader {
  private readonly base: string;
  constructor(
    private readonly file: string,
    private readonly cwd: string,
  ) {
    this.base = dirname(resolve(cwd, file));
  }

  fail(where: string, what: string): never {
    throw new UsageError(`${this.file}: ${where}: ${what}`);
  }

  keys(where: string, o: unknown, known: readonly string[]): Record<string, unknown> {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) this.fail(where, 'must be a mapping');
    for (const k of Object.keys(o)) {
      if (known.includes(k)) continue;
      const near = nearest(k, new Set(known));
      this.fail(
        where === '' ? `unknown key '${k}'` : `${where}: unknown key '${k}'`,
        near ? `did you mean '${near}'?` : `the keys are ${known.join(', ')}`,
      );
    }
    return o as Record<string, unknown>;
  }

  /** A path of the file, relative to the working directory. */
  path(p: string): string {
    return relative(this.cwd, resolve(this.base, p)) || '.';
  }

  value(where: string, kind: Kind, v: unknown): unknown {
    const scalar = (x: unknown, w: string): string => {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
      this.fail(w, 'must be a text, number or boolean');
    };
    const list = (): string[] => (Array.isArray(v) ? v : [v]).map((x, i) => scalar(x, `${where}[${i}]`));
    switch (kind) {
      case 'string':
        return scalar(v, where);
      case 'path':
        return this.path(scalar(v, where));
      case 'strings':
        return list();
      case 'paths':
        return list().map((p) => this.path(p));
      case 'pipelines':
        // A file (a YAML name or a path) is the config's; a built-in pipeline name stands as it is.
        return list().map((p) => (/\.ya?ml$/i.test(p) || p.includes('/') ? this.path(p) : p));
      case 'boolean':
        if (typeof v !== 'boolean') this.fail(where, 'must be true or false');
        return v;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(where, 'must be a number');
        return v;
      case 'settings': {
        const o = this.keys(where, v, Object.keys(v ?? {}));
        const out: Record<string, string> = {};
        for (const [k, x] of Object.entries(o))
          out[k] = Array.isArray(x)
            ? x.map((y, i) => scalar(y, `${where}.${k}[${i}]`)).join(',')
            : scalar(x, `${where}.${k}`);
        return out;
      }
    }
  }

  target(name: string, v: unknown): TargetOptions {
    if (v === null || v === undefined) return {};
    const o = this.keys(`targets.${name}`, v, Object.keys(TARGET));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const key = k === 'default-pipelines' ? 'defaultPipelines' : k;
      out[key] = this.value(`targets.${name}.${k}`, TARGET[k], x);
    }
    return out as TargetOptions;
  }

  read(doc: unknown): Config {
    const o = this.keys('', doc ?? {}, Object.keys(TOP));
    const out: Record<string, unknown> = { file: this.file };
    for (const [k, v] of Object.entries(o)) {
      const kind = TOP[k];
      if (kind === 'targets') {
        if (Array.isArray(v))
          out.targets = v.map((n, i) => ({ name: this.value(`targets[${i}]`, 'string', n), options: {} }));
        else if (typeof v === 'string') out.targets = [{ name: v, options: {} }];
        else
          out.targets = Object.entries(this.keys('targets', v, Object.keys(v ?? {}))).map(([name, t]) => ({
            name,
            options: this.target(name, t),
          }));
      } else if (kind === 'select') {
        const s = this.keys('select', v, SELECT);
        const sel: Record<string, string[]> = {};
        for (const [sk, sv] of Object.entries(s))
          sel[sk] = this.value(`select.${sk}`, 'strings', sv) as string[];
        out.select = sel;
      } else if (kind === 'layout') {
        if (v !== 'file' && v !== 'tree') this.fail('layout', 'must be file or tree');
        out.layout = v;
      } else if (k === 'exclude') {
        // Globs with a folder are the config folder's, like its other paths.
        const rel = relative(this.cwd, this.base).split('\\').join('/');
        out.exclude = (this.value(k, 'strings', v) as string[]).map((g) =>
          rel && g.includes('/') && !g.startsWith('**') ? `${rel}/${g.replace(/^\.\//, '')}` : g,
        );
      } else out[k] = this.value(k, kind, v);
    }
    return out as unknown as Config;
  }
}

/** Reads and checks a config file (a usage error, exit 2, for anything wrong in it). */
export function loadConfig(file: string, cwd = process.cwd()): Config {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(resolve(cwd, file), 'utf8'), { filename: file });
  } catch (e) {
    throw new UsageError(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return new ConfigReader(file, cwd).read(doc);
}
