/**
 * A whole conversion run: inputs to output text, diagnostics and a report. The CLI is a thin
 * layer over this.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
// The Node host (shipped files and user files from the file system): the CLI and workers run here.
import './node/host.js';
import { isRegisteredTarget } from '../backends/index.js';
import { loadRulesFromText, readRuleFile, type LoadedFile } from './convert.js';
import {
  UsageError,
  type Counts,
  type RuleOutput,
  type RunOptions,
  type RuleSummary,
  type RunSummary,
} from './batch.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { expandInputs } from './files.js';
import { checkSettings, convertForTargets, prepare, type PreparedTarget } from './prepare.js';
import { finalize } from './pipeline/index.js';

// Moved to src/prepare.ts (the core, without I/O); still exported here.
export { checkSettings, convertForTargets, prepare, type Prepared, type PreparedTarget } from './prepare.js';

export interface RunHooks {
  /** Output text of a target, in order. */
  write(target: string, chunk: string): void;
  /** Called once per rule and target, in input order, after conversion. */
  onResult?(target: string, result: RuleSummary): void;
  /** Reads standard input (for `-`). */
  readStdin?(): string;
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
