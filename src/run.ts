/**
 * A whole conversion run: inputs to output text, diagnostics and a report. The CLI is a thin
 * layer over this.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
// The Node host (shipped files and user files from the file system): the CLI and workers run here.
import './node/host.js';
import { isRegisteredTarget } from '../backends/index.js';
import {
  convertCorrelationLoaded,
  convertLoaded,
  loadRulesFromText,
  readRuleFile,
  type LoadedFile,
  type LoadedRule,
} from './convert.js';
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
import { checkRunSettings, convertForTargets, prepare, type PreparedTarget, finalOutput } from './prepare.js';
import type { ConvertOptions } from './backend.js';
import { link, type Linked } from './correlation/link.js';
import type { ConversionCache } from './cache.js';
import { selector } from './select.js';
import type { SigmaRule } from './rule/types.js';

// Moved to src/prepare.ts (the core, without I/O); still exported here.
export {
  checkRunSettings,
  checkSettings,
  convertForTargets,
  prepare,
  targetRunOptions,
  type Prepared,
  type PreparedTarget,
} from './prepare.js';

export interface RunHooks {
  /** Output text of a target, in order. */
  write(target: string, chunk: string): void;
  /** Called once per rule and target, in input order, after conversion. */
  onResult?(target: string, result: RuleSummary): void;
  /** Reads standard input (for `-`). */
  readStdin?(): string;
  /** Called once the inputs are expanded, with the number of rule files to read. */
  onStart?(files: number): void | Promise<void>;
  /**
   * Per-rule output (`--layout tree`): when given, each rule's text comes here with its file's
   * path instead of through `write` (which then gets only the header and the footer).
   */
  writeRule?(target: string, path: string, text: string): void;
}

/**
 * Converts one document of a linked run (correlations, filters) for every target, as
 * convertForTargets converts a rule (selection, each target's options, the format's checks): a
 * correlation with the rules it names, and a rule named by a correlation with generate: false
 * without a query of its own.
 */
function convertLinked(
  loaded: LoadedRule,
  linked: Linked,
  prepared: readonly PreparedTarget[],
  options: ConvertOptions,
  selected?: (rule: SigmaRule) => boolean,
): RuleOutput[] {
  return convertForTargets(loaded, prepared, options, selected, (l, p, o) => {
    const result = l.correlation
      ? convertCorrelationLoaded(l, linked.index, p.backend, p.pipelines, o)
      : convertLoaded(l, p.backend, p.pipelines, o);
    if (!linked.correlationOnly.has(l) || result.queries.length === 0) return result;
    const s = new DiagnosticSink(l.path);
    s.info(
      'correlation-only',
      'named by a correlation with generate: false: converted as part of it, no query of its own',
      l.rule?.pos,
    );
    return { ...result, queries: [], diagnostics: [...result.diagnostics, ...s.list] };
  });
}

/** A document kind that links documents across files (correlations and filters name other rules). */
const LINKING = /^(?:correlation|filter):/m;

/**
 * The linked run: when an input holds a correlation or a filter, or `--filter` is given, every
 * input is loaded first (one pass that indexes names and ids), then converted in input order, so
 * a reference resolves whatever the order of files; on the calling thread (run() says so when -j
 * asked for threads).
 *
 * With the cache, a file without correlations or filters is looked up by its text and what the
 * linking gives its rules: the files that link (their paths and texts: the filters added to a
 * rule, with their names and positions) and --filter's, and which of its rules a correlation
 * with generate: false names. A file that links (a correlation converts with the rules it names,
 * wherever they are) is converted each time.
 */
async function runLinked(
  paths: readonly string[],
  options: RunOptions,
  prepared: readonly PreparedTarget[],
  texts: ReadonlyMap<string, string | LoadedRule>,
  emit: (outputs: readonly RuleOutput[]) => void,
  selected?: (rule: SigmaRule) => boolean,
  cache?: ConversionCache,
): Promise<void> {
  const files: LoadedFile[] = paths.map((path) => {
    const text = texts.get(path)!;
    return typeof text === 'string'
      ? loadRulesFromText(text, path === '-' ? '<stdin>' : path)
      : { path, rules: [text] };
  });
  const filterDocs: LoadedRule[] = [];
  const filterReports: LoadedRule[] = [];
  // The files that link (a correlation or filter document, however written), and what the linking
  // gives a rule apart from its own text: the cache's key, with the text.
  const links = files.map((f, i) => {
    const text = texts.get(paths[i]);
    if (typeof text === 'string' && LINKING.test(text)) return true;
    return f.rules.some((d) => d.correlation || d.filter || (d.rule && d.rule.type !== 'rule'));
  });
  const context: Array<readonly [string, string]> = [];
  paths.forEach((path, i) => {
    const text = texts.get(path)!;
    if (links[i]) context.push([path, typeof text === 'string' ? text : JSON.stringify(text.diagnostics)]);
  });
  if (options.filters?.length) {
    const { paths: fpaths, missing } = await expandInputs(options.filters);
    for (const m of missing) throw new UsageError(`--filter ${m}: no such file, directory or matching glob`);
    // A filter file given twice (or also as an input) is applied once: its real path is the key.
    const real = (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    };
    const seen = new Set(paths.filter((p) => p !== '-').map(real));
    for (const fp of fpaths) {
      if (seen.has(real(fp))) continue;
      seen.add(real(fp));
      const text = readRuleFile(fp);
      context.push([`--filter ${fp}`, typeof text === 'string' ? text : JSON.stringify(text.diagnostics)]);
      const docs = typeof text === 'string' ? loadRulesFromText(text, fp).rules : [text];
      for (const d of docs) {
        if (d.filter) filterDocs.push(d);
        // A --filter file that is not a filter (or failed) is reported like an input.
        else filterReports.push(d);
      }
    }
  }
  const linked = link(
    files.flatMap((f) => f.rules),
    filterDocs,
  );
  for (const d of filterReports) emit(convertForTargets(d, prepared, options, selected));
  const linkedBy = cache ? JSON.stringify(context) : '';
  let at = 0;
  paths.forEach((path, i) => {
    const docs = linked.documents.slice(at, (at += files[i].rules.length));
    const text = texts.get(path)!;
    if (!cache || path === '-' || typeof text !== 'string' || links[i]) {
      for (const d of docs) emit(convertLinked(d, linked, prepared, options, selected));
      return;
    }
    const only = docs.flatMap((d, j) => (linked.correlationOnly.has(d) ? [j] : []));
    const key = `linked\u0000${linkedBy}\u0000${JSON.stringify(only)}\u0000${text}`;
    const hit = cache.get(path, key);
    const outputs = hit ?? docs.map((d) => convertLinked(d, linked, prepared, options, selected));
    if (!hit) cache.set(path, key, outputs);
    for (const o of outputs) emit(o);
  });
}

/**
 * Characters of rule text that the first pass over the inputs keeps for the conversion: reading
 * the 3,780 files of the SigmaHQ corpus a second time cost about 60-100 ms of a 1.7 s run. The
 * corpus is 5.7 million; a larger batch keeps this much (bounded memory) and reads the rest again.
 */
const SCAN_KEEP = 16 * 1024 * 1024;

/** Rule files at which a run starts worker threads (below it, start-up costs more than it saves). */
const PARALLEL_MIN = 400;

/** Converts all inputs for every target, writing output as it goes, in input order. */
export async function run(options: RunOptions & { jobs?: number }, hooks: RunHooks): Promise<RunSummary> {
  if (options.targets.length === 0) throw new UsageError('no target given');
  const prepared: PreparedTarget[] = [];
  for (const t of options.targets) prepared.push({ ...(await prepare(t, options)), target: t });
  checkRunSettings(prepared, options);
  const selected = selector(options.select);
  const { paths, missing, notes } = await expandInputs(options.inputs, { exclude: options.exclude });
  await hooks.onStart?.(paths.length);
  const counts: Record<string, Counts> = {};
  const first = new Map<string, boolean>();
  const collected = new Map<string, string[]>(prepared.map((p) => [p.target, []]));
  for (const p of prepared) {
    counts[p.target] = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    first.set(p.target, true);
    const header = p.format.header?.(p.options);
    if (header) hooks.write(p.target, header);
  }
  let skipped = 0;
  const ids = new Map<string, string>();
  const emit = (outputs: readonly RuleOutput[]) => {
    if (outputs.length === 0) skipped++;
    const dup = outputs.length > 0 ? duplicateId(outputs[0].summary, ids) : undefined;
    outputs.forEach((o, i) => {
      const p = prepared[i];
      counts[p.target][o.summary.status]++;
      if (o.text !== null && p.finalized) collected.get(p.target)!.push(...(JSON.parse(o.text) as string[]));
      else if (o.text !== null) {
        if (hooks.writeRule) hooks.writeRule(p.target, o.summary.path, o.text);
        else {
          if (!first.get(p.target) && p.format.separator) hooks.write(p.target, p.format.separator);
          hooks.write(p.target, o.text);
        }
        first.set(p.target, false);
      }
      hooks.onResult?.(
        p.target,
        dup ? { ...o.summary, diagnostics: [...o.summary.diagnostics, dup] } : o.summary,
      );
    });
  };
  // Threads are opt-in (-j): on the 2-vCPU machines measured, two threads ran slower than one
  // (worker start-up and JIT warm-up are paid twice; the vCPUs share a core's throughput).
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, availableParallelism(), 8));
  // A target added by registerTarget exists on this thread only.
  const threads = !paths.includes('-') && !options.targets.some(isRegisteredTarget);
  // Correlations and filters link documents across files: a first pass reads every input and,
  // when one of them (or --filter) needs it, the run goes linked (runLinked). Without them the
  // pass keeps the texts it read up to SCAN_KEEP characters in all, which the conversion takes
  // (and drops) instead of reading those files again; the rest stream through as before.
  const texts = new Map<string, string | LoadedRule>();
  // The first input that links (or the first --filter), named by the note of a linked run.
  let linker = options.filters?.[0];
  if (paths.includes('-')) texts.set('-', hooks.readStdin ? hooks.readStdin() : readFileSync(0, 'utf8'));
  if (linker === undefined) {
    let kept = 0;
    for (const path of paths) {
      const text = texts.get(path) ?? readRuleFile(path);
      if (typeof text === 'string' && LINKING.test(text)) {
        linker = path;
        break;
      }
      const size = typeof text === 'string' ? text.length : 0;
      if (kept + size <= SCAN_KEEP) {
        texts.set(path, text);
        kept += size;
      }
    }
  }
  const linkedRun = linker !== undefined;
  // Whether -j asks for the threads a plain run would start (said whatever this machine's CPUs).
  const threadsAsked = (options.jobs ?? 1) > 1 && paths.length >= PARALLEL_MIN && threads;
  // The cache is read and written on this thread: a warm cache serves a run many times faster
  // than threads convert it, so --cache takes precedence over -j (said in a note).
  const parallel = jobs > 1 && paths.length >= PARALLEL_MIN && threads && !options.cache;
  const openCache = async () =>
    options.cache
      ? (await import('./cache.js')).ConversionCache.open(
          options.cache,
          options,
          options.cacheDetail === true,
        )
      : undefined;
  if (linkedRun) {
    for (const path of paths) if (!texts.has(path)) texts.set(path, readRuleFile(path));
    if (threadsAsked)
      notes.push(
        oneThread(
          linker!,
          `a correlation or filter links rules across the input files: they are converted on one thread (-j ${options.jobs} applies to runs without correlations and filters)`,
        ),
      );
    const cache = await openCache();
    await runLinked(paths, options, prepared, texts, emit, selected, cache);
    cache?.save();
  } else if (parallel) {
    // The threads read their own files.
    texts.clear();
    const { runParallel } = await import('./parallel.js');
    await runParallel(paths, options, jobs, emit);
  } else {
    if (threadsAsked && options.cache)
      notes.push(
        oneThread(
          options.cache,
          `--cache: the run converts on one thread, reading and writing the cache (-j ${options.jobs} applies to runs without --cache)`,
        ),
      );
    const cache = await openCache();
    for (const path of paths) {
      let file: LoadedFile;
      if (path === '-') {
        file = loadRulesFromText(texts.get('-') as string, '<stdin>');
      } else {
        // Kept by the first pass (once: a path given twice is read again), else read now.
        const text = texts.get(path) ?? readRuleFile(path);
        texts.delete(path);
        if (typeof text !== 'string') file = { path, rules: [text] };
        else if (cache) {
          // One entry per file (its text decides all its documents), the outputs per document.
          const hit = cache.get(path, text);
          if (hit) {
            for (const outputs of hit) emit(outputs);
            continue;
          }
          const outputs = loadRulesFromText(text, path).rules.map((r) =>
            convertForTargets(r, prepared, options, selected),
          );
          cache.set(path, text, outputs);
          for (const o of outputs) emit(o);
          continue;
        } else file = loadRulesFromText(text, path);
      }
      // Each document of a collection is a rule of its own: converted, counted and reported.
      for (const rule of file.rules) emit(convertForTargets(rule, prepared, options, selected));
    }
    cache?.save();
  }
  for (const p of prepared) {
    if (p.finalized) {
      const out = finalOutput(p, collected.get(p.target)!);
      if (out) hooks.write(p.target, out);
    }
    const footer = p.format.footer?.(p.options);
    if (footer) hooks.write(p.target, footer);
  }
  return { counts, missing, skipped, files: paths.length, notes };
}

/**
 * The note of a run that -j asked to run on threads but that converts on this thread: a linked
 * run (every input is loaded and linked here; a worker would need them all), or one with --cache
 * (read and written here). `file`: what decided it (the file that links, the cache folder).
 */
function oneThread(file: string, message: string): Diagnostic {
  const s = new DiagnosticSink(file);
  s.info('single-thread', message);
  return s.list[0];
}

/**
 * The warning for a rule whose id an earlier rule of the run already has (Kibana's import, for
 * one, refuses a file with two rules of one id), naming both positions; records a new id.
 */
function duplicateId(s: RuleSummary, seen: Map<string, string>): Diagnostic | undefined {
  if (s.id === null) return undefined;
  const here = `${s.path}:${s.idAt?.line ?? 1}:${s.idAt?.column ?? 1}`;
  const before = seen.get(s.id);
  if (before === undefined) {
    seen.set(s.id, here);
    return undefined;
  }
  const sink = new DiagnosticSink(s.path);
  sink.warning('duplicate-id', `rule id ${s.id} is also the id of the rule at ${before}`, s.idAt);
  return sink.list[0];
}

export function missingDiagnostic(path: string): Diagnostic {
  const s = new DiagnosticSink(path);
  s.error('io-error', 'no such file, directory or matching glob');
  return s.list[0];
}
