/**
 * The detection-as-code options of `convert` (issue #17): the config file, per-target formats,
 * pipelines and settings, selection, `--layout tree`, `--prune`, `--exclude`, `--skip-unsupported`,
 * `--progress`. Kept apart from commands.ts so the command stays a thin layer over run().
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError, type RunOptions, type Selection, type TargetOptions } from '../batch.js';
import { findConfig, loadConfig, type Config } from '../config.js';

/** Adds the options to the convert command's builder. */
export function dacOptions<T>(y: Argv<T>) {
  return y
    .option('config', {
      type: 'string',
      describe: 'config file (default: the nearest sigmantic.config.yml upward; --no-config for none)',
    })
    .option('layout', {
      choices: ['file', 'tree'] as const,
      describe: 'file: one output per target; tree: with -o DIR, one file per rule mirroring the input tree',
    })
    .option('prune', {
      type: 'boolean',
      describe: 'with --layout tree: remove the files of earlier runs whose rule is gone',
    })
    .option('exclude', {
      type: 'string',
      describe: 'leave out paths matching this glob (repeatable; also !GLOB)',
    })
    .option('status', {
      type: 'string',
      describe: 'convert only rules of this status (repeatable; name+ for that and above: test+)',
    })
    .option('level', {
      type: 'string',
      describe: 'convert only rules of this level (repeatable; high+ for high and critical)',
    })
    .option('tag', {
      type: 'string',
      describe: 'convert only rules with this tag (repeatable; * a wildcard)',
    })
    .option('logsource', {
      type: 'string',
      describe: 'convert only rules of this log source: product:windows[,category:...] (repeatable)',
    })
    .option('skip-unsupported', {
      type: 'boolean',
      describe: 'exit 0 when the only failures are rules the target cannot express',
    })
    .option('progress', {
      type: 'boolean',
      describe:
        'a progress bar on stderr, from the first rule (default: on a terminal, for runs over a second)',
    });
}

/** A repeatable option: yargs gives a string for one use and an array for several. */
function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

interface Own {
  format?: string;
  pipelines?: string[];
  defaultPipelines?: boolean;
  settings?: Record<string, string>;
}

const VALUE_OPTIONS: Record<string, 'target' | 'format' | 'pipeline' | 'set'> = {
  '-t': 'target',
  '--target': 'target',
  '-f': 'format',
  '--format': 'format',
  '-p': 'pipeline',
  '--pipeline': 'pipeline',
  '--set': 'set',
};

function addSetting(own: Own, kv: string): void {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes key=value, not '${kv}'`);
  (own.settings ??= {})[kv.slice(0, eq)] = kv.slice(eq + 1);
}

/**
 * The command line's targets and, for each, the format, pipelines and settings given after its
 * `-t` (up to the next `-t`): `-t splunk -f savedsearches -t sentinel -f analytics-rule`. What
 * comes before the first `-t` is for every target.
 */
export function targetGroups(argv: readonly string[]): {
  targets: string[];
  all: Own;
  own: Map<string, Own>;
} {
  const all: Own = {};
  const own = new Map<string, Own>();
  const targets: string[] = [];
  let current: Own[] = [all];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--no-default-pipelines' || a === '--default-pipelines') {
      for (const o of current) o.defaultPipelines = a === '--default-pipelines';
      continue;
    }
    let kind: (typeof VALUE_OPTIONS)[string] | undefined;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && VALUE_OPTIONS[a.slice(0, eq)]) {
      kind = VALUE_OPTIONS[a.slice(0, eq)];
      value = a.slice(eq + 1);
    } else if (VALUE_OPTIONS[a]) {
      kind = VALUE_OPTIONS[a];
      value = argv[++i];
    } else if (/^-[tfp][^-=]/.test(a)) {
      kind = VALUE_OPTIONS[a.slice(0, 2)];
      value = a.slice(2);
    }
    if (kind === undefined || value === undefined) continue;
    if (kind === 'target') {
      const names = value.split(',').filter(Boolean);
      current = names.map((n) => {
        if (!own.has(n)) own.set(n, {});
        if (!targets.includes(n)) targets.push(n);
        return own.get(n)!;
      });
      continue;
    }
    for (const o of current) {
      if (kind === 'format') o.format = value;
      else if (kind === 'pipeline') (o.pipelines ??= []).push(value);
      else addSetting(o, value);
    }
  }
  return { targets, all, own };
}

/** The convert command's parsed arguments that this module reads. */
export interface DacArgs {
  readonly inputs?: string[];
  readonly config?: string | boolean;
  readonly output?: string;
  readonly report?: string;
  readonly layout?: 'file' | 'tree';
  readonly prune?: boolean;
  readonly exclude?: unknown;
  readonly status?: unknown;
  readonly level?: unknown;
  readonly tag?: unknown;
  readonly logsource?: unknown;
  readonly strict?: boolean;
  readonly 'skip-unsupported'?: boolean;
  readonly progress?: boolean;
  readonly quiet?: boolean;
  readonly cache?: boolean;
  readonly 'cache-location'?: string;
  readonly jobs?: number;
  readonly filter?: unknown;
}

/** What the convert command runs: the run's options and the command's own choices. */
export interface ConvertPlan {
  readonly config?: Config;
  readonly options: RunOptions & { jobs?: number };
  readonly output?: string;
  readonly report?: string;
  readonly layout: 'file' | 'tree';
  readonly prune: boolean;
  readonly skipUnsupported: boolean;
  /** true / false when asked for, undefined: on a terminal. */
  readonly progress?: boolean;
  readonly quiet: boolean;
  readonly explain: boolean;
  /** For the `--filter` option (another part of the command reads it). */
  readonly filters?: string[];
}

/**
 * Merges the config file, the command line's per-target groups and its other flags (which win)
 * into a plan. `argv` is the raw command line (for which -f/-p/--set follow which -t).
 */
export function convertPlan(
  args: DacArgs & { explain?: boolean },
  argv: readonly string[],
  inputs: string[],
  cwd = process.cwd(),
): ConvertPlan {
  const file =
    args.config === false
      ? undefined
      : findConfig(cwd, typeof args.config === 'string' ? args.config : undefined);
  const config = file === undefined ? undefined : loadConfig(file, cwd);
  const cli = targetGroups(argv);
  const configTargets = new Map((config?.targets ?? []).map((t) => [t.name, t.options]));
  const targets = cli.targets.length > 0 ? cli.targets : (config?.targets ?? []).map((t) => t.name);
  if (targets.length === 0)
    throw new UsageError(
      `give a target: -t <target> (see 'sigmantic list targets'), or targets: in ${'sigmantic.config.yml'}`,
    );
  const settings = { ...config?.settings, ...cli.all.settings };
  const targetOptions: Record<string, TargetOptions> = {};
  for (const t of targets) {
    const c = configTargets.get(t) ?? {};
    const o = cli.own.get(t) ?? {};
    targetOptions[t] = {
      format: o.format ?? cli.all.format ?? c.format ?? config?.format ?? 'default',
      pipelines: o.pipelines ?? cli.all.pipelines ?? c.pipelines ?? config?.pipelines ?? [],
      defaultPipelines:
        o.defaultPipelines ??
        cli.all.defaultPipelines ??
        c.defaultPipelines ??
        config?.['default-pipelines'] ??
        true,
      settings: { ...c.settings, ...settings, ...o.settings },
    };
  }
  const pick = (flag: unknown, fromConfig: readonly string[] | undefined) =>
    list(flag).length > 0 ? list(flag) : [...(fromConfig ?? [])];
  const select: Selection = {
    status: pick(args.status, config?.select?.status),
    level: pick(args.level, config?.select?.level),
    tag: pick(args.tag, config?.select?.tag),
    logsource: pick(args.logsource, config?.select?.logsource),
  };
  const anySelect = Object.values(select).some((v) => v.length > 0);
  const cacheOn = args.cache ?? config?.cache ?? false;
  const report = args.report ?? config?.report;
  const explain = args.explain === true;
  const first = targetOptions[targets[0]];
  const options: RunOptions & { jobs?: number } = {
    targets,
    inputs: inputs.length > 0 ? inputs : (config?.inputs ?? []),
    // The run-wide values are the first target's (each target's own are in targetOptions).
    pipelines: first.pipelines,
    defaultPipelines: first.defaultPipelines,
    format: first.format,
    settings: { ...settings, ...first.settings },
    targetOptions,
    strict: args.strict ?? config?.strict ?? false,
    jobs: args.jobs ?? config?.jobs,
    cache: cacheOn ? (args['cache-location'] ?? config?.['cache-location'] ?? '.sigmantic-cache') : undefined,
    cacheDetail: Boolean(report) || explain,
    ...(anySelect ? { select } : {}),
    exclude: pick(args.exclude, config?.exclude),
    // --filter, else the config file's filters (src/correlation: Sigma filters).
    filters: list(args.filter).length > 0 ? list(args.filter) : (config?.filters ?? []),
  };
  if (options.inputs.length === 0)
    throw new UsageError(
      'no input: give rule files, directories, globs or -' +
        (config ? ` (or inputs: in ${config.file})` : ''),
    );
  const filters = list(args.filter).length > 0 ? list(args.filter) : config?.filters;
  // `-o -` (sigma-cli's spelling of standard output; the CLI hands a lone '-' over as '\0stdin'):
  // the output goes to stdout, whatever output and layout the config file gives.
  const toStdout = args.output === '-' || args.output === '\0stdin';
  return {
    config,
    options,
    output: toStdout ? undefined : (args.output ?? config?.output),
    report,
    layout: args.layout ?? (toStdout ? undefined : config?.layout) ?? 'file',
    prune: args.prune ?? (toStdout ? undefined : config?.prune) ?? false,
    skipUnsupported: args['skip-unsupported'] ?? config?.['skip-unsupported'] ?? false,
    progress: args.progress ?? config?.progress,
    quiet: args.quiet ?? config?.quiet ?? false,
    explain,
    ...(filters ? { filters } : {}),
  };
}

/** Refuses outputs that cannot be written, before any rule is read (exit 2, saying what is wrong). */
export function checkOutputs(plan: ConvertPlan, several: boolean): void {
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  const out = plan.output;
  if (plan.layout === 'tree' && !out)
    throw new UsageError('--layout tree needs -o DIR (the folder to write into)');
  if (plan.layout === 'tree' && plan.options.inputs.includes('-'))
    throw new UsageError('--layout tree mirrors rule files: it cannot take - (standard input)');
  if (several && !out) throw new UsageError('several targets need -o DIR (one output file per target)');
  if (out) {
    const k = kind(out);
    const folder = several || plan.layout === 'tree';
    if (folder && k === 'file')
      throw new UsageError(
        `-o ${out}: is a file; with ${several ? 'several targets' : '--layout tree'} -o takes a folder`,
      );
    if (!folder && k === 'folder')
      throw new UsageError(
        `-o ${out}: is a folder; give a file name (or --layout tree to write one file per rule into it)`,
      );
    if (!folder && kind(dirname(out)) !== 'folder')
      throw new UsageError(`-o ${out}: the folder ${dirname(out)} does not exist`);
  }
  if (plan.report) {
    if (kind(plan.report) === 'folder')
      throw new UsageError(`--report ${plan.report}: is a folder; give a file name`);
    if (kind(dirname(plan.report)) !== 'folder')
      throw new UsageError(`--report ${plan.report}: the folder ${dirname(plan.report)} does not exist`);
  }
  if (plan.prune && plan.layout !== 'tree') throw new UsageError('--prune works with --layout tree');
}
