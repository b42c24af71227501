/**
 * A target made ready for conversion (its backend, pipelines and output format) and one loaded
 * rule converted for several targets: the part of a run without I/O, shared by the batch run
 * (src/run.ts), the worker threads and the browser (src/core.ts).
 */
import { loadBackend } from '../backends/index.js';
import type { Backend, ConvertOptions, OutputFormat, RuleResult } from './backend.js';
import { summarize, UsageError, type RuleOutput, type RunOptions } from './batch.js';
import type { SigmaRule } from './rule/types.js';
import { convertLoaded, type LoadedRule } from './convert.js';
import { finalize, hasFinalizers, pipelineNames, resolvePipeline } from './pipeline/index.js';
import type { PipelineSpec } from './pipeline/types.js';
import { settingsProblem } from './settings.js';

export interface Prepared {
  readonly backend: Backend;
  readonly pipelines: PipelineSpec[];
  readonly format: OutputFormat;
  /** The pipelines' finalizers make the output (`format` gives each rule's queries as JSON). */
  readonly finalized?: boolean;
  /** The target's options: the run's, with its own format, pipelines and settings over them. */
  readonly options: Omit<RunOptions, 'targets' | 'inputs'>;
}

/** A target's options: the run-wide ones with the target's own (`targetOptions`) over them. */
export function targetRunOptions<T extends Omit<RunOptions, 'targets' | 'inputs'>>(
  target: string,
  options: T,
): T {
  const own = options.targetOptions?.[target];
  if (!own) return options;
  return {
    ...options,
    format: own.format ?? options.format,
    pipelines: own.pipelines ?? options.pipelines,
    defaultPipelines: own.defaultPipelines ?? options.defaultPipelines,
    settings: { ...options.settings, ...own.settings },
  };
}

/**
 * The per-rule text of a run whose pipelines have finalizers: the rule's queries as a JSON line
 * (kept by the cache and sent by worker threads like any output), finalized at the end of the run.
 */
const FINALIZED_FORMAT: OutputFormat = {
  description: "the pipelines' finalizers",
  rule: (r) => `${JSON.stringify(r.queries)}\n`,
};

/**
 * Loads a target's backend, its pipelines and the output format, or throws a UsageError.
 * `extra`: pipelines given as specs (pasted YAML, src/core.ts convertText), run after the named ones.
 */
export async function prepare(
  target: string,
  runOptions: Omit<RunOptions, 'targets' | 'inputs'>,
  extra: readonly PipelineSpec[] = [],
): Promise<Prepared> {
  const options = targetRunOptions(target, runOptions);
  const backend = await loadBackend(target);
  if (!backend) throw new UsageError(`unknown target '${target}' (see 'sigmantic list targets')`);
  const names = pipelineNames(backend, options.pipelines ?? [], options.defaultPipelines !== false);
  const pipelines: PipelineSpec[] = [];
  for (const n of names) {
    try {
      pipelines.push(resolvePipeline(n, backend));
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  pipelines.push(...extra);
  if (hasFinalizers(pipelines)) {
    // pySigma finalizers make the whole output from every query: they are the output format.
    if (options.format !== undefined && options.format !== 'default')
      throw new UsageError(
        `the pipelines have finalizers, which make the output themselves: leave out -f ${options.format}`,
      );
    return { backend, pipelines, format: FINALIZED_FORMAT, finalized: true, options };
  }
  const format = backend.formats[options.format ?? 'default'];
  if (!format)
    throw new UsageError(
      `unknown format '${options.format}' for target '${backend.name}' (formats: ${Object.keys(backend.formats).join(', ')})`,
    );
  return { backend, pipelines, format, options };
}

/**
 * The whole output of a target whose pipelines have finalizers, from all its queries (ending with a
 * newline; empty when the finalizers give nothing); a UsageError when a finalizer fails. The batch
 * run (src/run.ts) and convertText (src/core.ts) both end with it.
 */
export function finalOutput(p: Prepared, queries: readonly string[]): string {
  let out: string;
  try {
    out = finalize(p.pipelines, queries);
  } catch (e) {
    throw new UsageError(`the pipelines' finalizers failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return out === '' || out.endsWith('\n') ? out : `${out}\n`;
}

/** Checks `--set` against the declared settings of a run's targets (a usage error, said once). */
export function checkSettings(backends: readonly Backend[], settings: ConvertOptions['settings']): void {
  const problem = settingsProblem(backends, settings);
  if (problem) throw new UsageError(problem);
}

/**
 * Checks a run's settings: the run-wide ones against all its targets (a key any of them declares),
 * each target's own against that target.
 */
export function checkRunSettings(prepared: readonly PreparedTarget[], options: RunOptions): void {
  checkSettings(
    prepared.map((p) => p.backend),
    options.settings,
  );
  for (const p of prepared) {
    const own = options.targetOptions?.[p.target]?.settings;
    if (own) checkSettings([p.backend], own);
  }
}

export type PreparedTarget = Prepared & { readonly target: string };

/** A result with its output format's findings (format.check): an error leaves it no query. */
function withFormatChecks(result: RuleResult, format: OutputFormat, options: ConvertOptions): RuleResult {
  const found = format.check!(result, options);
  if (found.length === 0) return result;
  const diagnostics = [...result.diagnostics, ...found];
  return found.some((d) => d.severity === 'error')
    ? { ...result, diagnostics, status: 'unsupported', queries: [] }
    : { ...result, diagnostics };
}

/**
 * Converts a loaded rule for one target: convertLoaded, unless the run links rules across files
 * (src/run.ts: correlations, filters), which converts them its own way.
 */
export type TargetConversion = (loaded: LoadedRule, p: PreparedTarget, options: ConvertOptions) => RuleResult;

const convertPlain: TargetConversion = (loaded, p, o) => convertLoaded(loaded, p.backend, p.pipelines, o);

/**
 * Converts one loaded rule for every target, each with its own options (`prepare` made them from
 * `options`), then the output format's checks and text; none (an empty list) when `selected`
 * leaves the rule out. A rule that did not load is always kept: its errors show.
 */
export function convertForTargets(
  loaded: LoadedRule,
  prepared: readonly PreparedTarget[],
  options: ConvertOptions,
  selected?: (rule: SigmaRule) => boolean,
  convert: TargetConversion = convertPlain,
): RuleOutput[] {
  if (selected && loaded.rule && !selected(loaded.rule)) return [];
  return prepared.map((p) => {
    const o = p.options ?? options;
    let result = convert(loaded, p, o);
    if (p.format.check && result.queries.length > 0) result = withFormatChecks(result, p.format, o);
    const text = result.queries.length > 0 ? p.format.rule(result, o) : null;
    return { text, summary: summarize(result) };
  });
}
