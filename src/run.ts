/**
 * A whole conversion run: inputs to output text, diagnostics and a report. The CLI is a thin
 * layer over this.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isRegisteredTarget, loadBackend } from '../backends/index.js';
import type { Backend, ConvertOptions, OutputFormat } from './backend.js';
import {
  convertLoaded,
  loadRulesFromText,
  readRuleFile,
  type LoadedFile,
  type LoadedRule,
} from './convert.js';
import {
  summarize,
  UsageError,
  type Counts,
  type RuleOutput,
  type RunOptions,
  type RuleSummary,
  type RunSummary,
} from './batch.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { expandInputs } from './files.js';
import { finalize, hasFinalizers, pipelineNames, resolvePipeline } from './pipeline/index.js';
import { settingsProblem } from './settings.js';
import type { PipelineSpec } from './pipeline/types.js';

export interface RunHooks {
  /** Output text of a target, in order. */
  write(target: string, chunk: string): void;
  /** Called once per rule and target, in input order, after conversion. */
  onResult?(target: string, result: RuleSummary): void;
  /** Reads standard input (for `-`). */
  readStdin?(): string;
}

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

/** Loads a target's backend, its pipelines and the output format, or throws a UsageError. */
export async function prepare(
  target: string,
  options: Omit<RunOptions, 'targets' | 'inputs'>,
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

/** Rule files at which a run starts worker threads (below it, start-up costs more than it saves). */
const PARALLEL_MIN = 400;

/** Converts all inputs for every target, writing output as it goes, in input order. */
export async function run(options: RunOptions & { jobs?: number }, hooks: RunHooks): Promise<RunSummary> {
  if (options.targets.length === 0) throw new UsageError('no target given');
  const prepared: PreparedTarget[] = [];
  for (const t of options.targets) prepared.push({ ...(await prepare(t, options)), target: t });
  checkSettings(
    prepared.map((p) => p.backend),
    options.settings,
  );
  const { paths, missing } = await expandInputs(options.inputs);
  const counts: Record<string, Counts> = {};
  const first = new Map<string, boolean>();
  const collected = new Map<string, string[]>(prepared.map((p) => [p.target, []]));
  for (const p of prepared) {
    counts[p.target] = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    first.set(p.target, true);
    const header = p.format.header?.(options);
    if (header) hooks.write(p.target, header);
  }
  const emit = (outputs: readonly RuleOutput[]) => {
    outputs.forEach((o, i) => {
      const p = prepared[i];
      counts[p.target][o.summary.status]++;
      if (o.text !== null && p.finalized) collected.get(p.target)!.push(...(JSON.parse(o.text) as string[]));
      else if (o.text !== null) {
        if (!first.get(p.target) && p.format.separator) hooks.write(p.target, p.format.separator);
        hooks.write(p.target, o.text);
        first.set(p.target, false);
      }
      hooks.onResult?.(p.target, o.summary);
    });
  };
  // Threads are opt-in (-j): on the 2-vCPU machines measured, two threads ran slower than one
  // (worker start-up and JIT warm-up are paid twice; the vCPUs share a core's throughput).
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, availableParallelism(), 8));
  // A target added by registerTarget exists on this thread only.
  const threads = !paths.includes('-') && !options.targets.some(isRegisteredTarget);
  if (jobs > 1 && paths.length >= PARALLEL_MIN && threads) {
    const { runParallel } = await import('./parallel.js');
    await runParallel(paths, options, jobs, emit);
  } else {
    const cache = options.cache
      ? (await import('./cache.js')).ConversionCache.open(
          options.cache,
          options,
          options.cacheDetail === true,
        )
      : undefined;
    for (const path of paths) {
      let file: LoadedFile;
      if (path === '-') {
        const text = hooks.readStdin ? hooks.readStdin() : readFileSync(0, 'utf8');
        file = loadRulesFromText(text, '<stdin>');
      } else {
        const text = readRuleFile(path);
        if (typeof text !== 'string') file = { path, rules: [text] };
        else if (cache) {
          // One entry per file (its text decides all its documents), the outputs per document.
          const hit = cache.get(path, text);
          if (hit) {
            for (const outputs of hit) emit(outputs);
            continue;
          }
          const outputs = loadRulesFromText(text, path).rules.map((r) =>
            convertForTargets(r, prepared, options),
          );
          cache.set(path, text, outputs);
          for (const o of outputs) emit(o);
          continue;
        } else file = loadRulesFromText(text, path);
      }
      // Each document of a collection is a rule of its own: converted, counted and reported.
      for (const rule of file.rules) emit(convertForTargets(rule, prepared, options));
    }
    cache?.save();
  }
  for (const p of prepared) {
    if (p.finalized) {
      let out: string;
      try {
        out = finalize(p.pipelines, collected.get(p.target)!);
      } catch (e) {
        throw new UsageError(
          `the pipelines' finalizers failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (out) hooks.write(p.target, out.endsWith('\n') ? out : `${out}\n`);
    }
    const footer = p.format.footer?.(options);
    if (footer) hooks.write(p.target, footer);
  }
  return { counts, missing };
}

export function missingDiagnostic(path: string): Diagnostic {
  const s = new DiagnosticSink(path);
  s.error('io-error', 'no such file, directory or matching glob');
  return s.list[0];
}
