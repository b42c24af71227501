/**
 * A whole conversion run: inputs to output text, diagnostics and a report. The CLI is a thin
 * layer over this.
 */
import { readFileSync } from 'node:fs';
import { loadBackend } from '../backends/index.js';
import type { Backend, ConvertOptions, RuleResult } from './backend.js';
import { convertLoaded, loadRuleFile, loadRuleFromText, type LoadedRule } from './convert.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { expandInputs } from './files.js';
import { resolvePipeline } from './pipeline/index.js';
import type { PipelineSpec } from './pipeline/types.js';

export interface RunOptions extends ConvertOptions {
  readonly target: string;
  readonly inputs: readonly string[];
  readonly pipelines?: readonly string[];
  readonly defaultPipelines?: boolean;
  readonly format?: string;
}

export interface RunSummary {
  readonly counts: Record<RuleResult['status'], number>;
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
  /** Output text, in order. */
  write(chunk: string): void;
  /** Called once per rule, in input order, after conversion. */
  onResult?(result: RuleResult): void;
  /** Reads standard input (for `-`). */
  readStdin?(): string;
}

export async function prepare(options: RunOptions): Promise<{ backend: Backend; pipelines: PipelineSpec[] }> {
  const backend = await loadBackend(options.target);
  if (!backend) throw new UsageError(`unknown target '${options.target}' (see 'sigmantic list targets')`);
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
  if (options.format && !(options.format in backend.formats))
    throw new UsageError(
      `unknown format '${options.format}' for target '${backend.name}' (formats: ${Object.keys(backend.formats).join(', ')})`,
    );
  return { backend, pipelines };
}

/** Converts all inputs, writing output as it goes. */
export async function run(options: RunOptions, hooks: RunHooks): Promise<RunSummary> {
  const { backend, pipelines } = await prepare(options);
  const format = backend.formats[options.format ?? 'default'];
  const { paths, missing } = await expandInputs(options.inputs);
  const counts = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
  let first = true;
  const header = format.header?.(options);
  if (header) hooks.write(header);
  for (const path of paths) {
    let loaded: LoadedRule;
    if (path === '-') {
      const text = hooks.readStdin ? hooks.readStdin() : readFileSync(0, 'utf8');
      loaded = loadRuleFromText(text, '<stdin>');
    } else loaded = loadRuleFile(path);
    const result = convertLoaded(loaded, backend, pipelines, options);
    counts[result.status]++;
    if (result.queries.length > 0) {
      const text = format.rule(result, options);
      if (!first && format.separator) hooks.write(format.separator);
      hooks.write(text);
      first = false;
    }
    hooks.onResult?.(result);
  }
  const footer = format.footer?.(options);
  if (footer) hooks.write(footer);
  return { counts, missing };
}

export function missingDiagnostic(path: string): Diagnostic {
  const s = new DiagnosticSink(path);
  s.error('io-error', 'no such file, directory or matching glob');
  return s.list[0];
}
