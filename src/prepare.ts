/**
 * A target made ready for conversion (its backend, pipelines and output format) and one loaded
 * rule converted for several targets: the part of a run without I/O, shared by the batch run
 * (src/run.ts), the worker threads and the browser (src/core.ts).
 */
import { loadBackend } from '../backends/index.js';
import type { Backend, ConvertOptions, OutputFormat } from './backend.js';
import { summarize, UsageError, type RuleOutput, type RunOptions } from './batch.js';
import { convertLoaded, type LoadedRule } from './convert.js';
import { hasFinalizers, pipelineNames, resolvePipeline } from './pipeline/index.js';
import type { PipelineSpec } from './pipeline/types.js';
import { settingsProblem } from './settings.js';

export interface Prepared {
  readonly backend: Backend;
  readonly pipelines: PipelineSpec[];
  readonly format: OutputFormat;
  /** The pipelines' finalizers make the output (`format` gives each rule's queries as JSON). */
  readonly finalized?: boolean;
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
  options: Omit<RunOptions, 'targets' | 'inputs'>,
  extra: readonly PipelineSpec[] = [],
): Promise<Prepared> {
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
    return { backend, pipelines, format: FINALIZED_FORMAT, finalized: true };
  }
  const format = backend.formats[options.format ?? 'default'];
  if (!format)
    throw new UsageError(
      `unknown format '${options.format}' for target '${backend.name}' (formats: ${Object.keys(backend.formats).join(', ')})`,
    );
  return { backend, pipelines, format };
}

/** Checks `--set` against the declared settings of a run's targets (a usage error, said once). */
export function checkSettings(backends: readonly Backend[], settings: ConvertOptions['settings']): void {
  const problem = settingsProblem(backends, settings);
  if (problem) throw new UsageError(problem);
}

export type PreparedTarget = Prepared & { readonly target: string };

/** Converts one loaded rule for every target. */
export function convertForTargets(
  loaded: LoadedRule,
  prepared: readonly PreparedTarget[],
  options: ConvertOptions,
): RuleOutput[] {
  return prepared.map((p) => {
    const result = convertLoaded(loaded, p.backend, p.pipelines, options);
    const text = result.queries.length > 0 ? p.format.rule(result, options) : null;
    return { text, summary: summarize(result) };
  });
}
