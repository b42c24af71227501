/**
 * A whole conversion run: inputs to output text, diagnostics and a report. The CLI is a thin
 * layer over this.
 */
import { readFileSync } from 'node:fs';
import { loadBackend } from '../backends/index.js';
import type { Backend, ConvertOptions, OutputFormat, RuleResult } from './backend.js';
import { convertLoaded, loadRuleFile, loadRuleFromText, type LoadedRule } from './convert.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { expandInputs } from './files.js';
import { resolvePipeline } from './pipeline/index.js';
import type { PipelineSpec } from './pipeline/types.js';

export interface RunOptions extends ConvertOptions {
  /** One or more targets: each rule is loaded once and converted for each. */
  readonly targets: readonly string[];
  readonly inputs: readonly string[];
  readonly pipelines?: readonly string[];
  readonly defaultPipelines?: boolean;
  readonly format?: string;
}

export type Counts = Record<RuleResult['status'], number>;

export interface RunSummary {
  /** Per target, how many rules got each label. */
  readonly counts: Record<string, Counts>;
  readonly missing: string[];
}

/** The per-rule entry of `--report`. */
export interface ReportRule {
  readonly path: string;
  readonly id: string | null;
  readonly title: string | null;
  readonly status: RuleResult['status'];
  readonly queries: readonly string[];
  readonly diagnostics: ReadonlyArray<{
    severity: string;
    code: string;
    message: string;
    line: number | null;
    column: number | null;
  }>;
}

export class UsageError extends Error {}

export function reportEntry(r: RuleResult): ReportRule {
  return {
    path: r.path,
    id: r.rule?.id ?? null,
    title: r.rule?.title ?? null,
    status: r.status,
    queries: r.queries,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      line: d.line ?? null,
      column: d.column ?? null,
    })),
  };
}

export interface RunHooks {
  /** Output text of a target, in order. */
  write(target: string, chunk: string): void;
  /** Called once per rule and target, in input order, after conversion. */
  onResult?(target: string, result: RuleResult): void;
  /** Reads standard input (for `-`). */
  readStdin?(): string;
}

export interface Prepared {
  readonly backend: Backend;
  readonly pipelines: PipelineSpec[];
  readonly format: OutputFormat;
}

/** Loads a target's backend, its pipelines and the output format, or throws a UsageError. */
export async function prepare(
  target: string,
  options: Omit<RunOptions, 'targets' | 'inputs'>,
): Promise<Prepared> {
  const backend = await loadBackend(target);
  if (!backend) throw new UsageError(`unknown target '${target}' (see 'sigmantic list targets')`);
  const names = [
    ...(options.defaultPipelines === false ? [] : backend.defaultPipelines),
    ...(options.pipelines ?? []),
  ];
  const pipelines: PipelineSpec[] = [];
  for (const n of names) {
    try {
      pipelines.push(resolvePipeline(n, backend));
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const format = backend.formats[options.format ?? 'default'];
  if (!format)
    throw new UsageError(
      `unknown format '${options.format}' for target '${backend.name}' (formats: ${Object.keys(backend.formats).join(', ')})`,
    );
  return { backend, pipelines, format };
}

/** Converts all inputs for every target, writing output as it goes. */
export async function run(options: RunOptions, hooks: RunHooks): Promise<RunSummary> {
  if (options.targets.length === 0) throw new UsageError('no target given');
  const prepared: Array<Prepared & { target: string; first: boolean }> = [];
  for (const t of options.targets) prepared.push({ ...(await prepare(t, options)), target: t, first: true });
  const { paths, missing } = await expandInputs(options.inputs);
  const counts: Record<string, Counts> = {};
  for (const p of prepared) {
    counts[p.target] = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    const header = p.format.header?.(options);
    if (header) hooks.write(p.target, header);
  }
  for (const path of paths) {
    let loaded: LoadedRule;
    if (path === '-') {
      const text = hooks.readStdin ? hooks.readStdin() : readFileSync(0, 'utf8');
      loaded = loadRuleFromText(text, '<stdin>');
    } else loaded = loadRuleFile(path);
    for (const p of prepared) {
      const result = convertLoaded(loaded, p.backend, p.pipelines, options);
      counts[p.target][result.status]++;
      if (result.queries.length > 0) {
        const text = p.format.rule(result, options);
        if (!p.first && p.format.separator) hooks.write(p.target, p.format.separator);
        hooks.write(p.target, text);
        p.first = false;
      }
      hooks.onResult?.(p.target, result);
    }
  }
  for (const p of prepared) {
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
