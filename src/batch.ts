/**
 * What a batch run takes and gives, as plain data (it crosses worker threads and the cache):
 * options, each rule's output and summary, the `--report` entries, and the usage error. Its own
 * file so that run.ts and its helpers (parallel.ts, cache.ts, worker.ts) import it, not each other.
 */
import type { ConvertOptions, RuleResult } from './backend.js';
import type { Diagnostic } from './diagnostics.js';

export interface RunOptions extends ConvertOptions {
  /** One or more targets: each rule is loaded once and converted for each. */
  readonly targets: readonly string[];
  readonly inputs: readonly string[];
  readonly pipelines?: readonly string[];
  readonly defaultPipelines?: boolean;
  readonly format?: string;
  /** A directory for `--cache`: results of earlier runs are reused for unchanged rules. */
  readonly cache?: string;
  /** With `cache`: keep what reports and --explain need (ids, queries, applied lines) too. */
  readonly cacheDetail?: boolean;
  /** `--filter`: filter files or directories, added to the rules they apply to (Sigma filters). */
  readonly filters?: readonly string[];
  /** Per target: its own format, pipelines and settings (over the run-wide ones above). */
  readonly targetOptions?: Readonly<Record<string, TargetOptions>>;
  /** Which rules to convert (src/select.ts); the others are counted as `skipped`. */
  readonly select?: Selection;
  /** Globs of paths to leave out of directory and glob inputs (src/files.ts). */
  readonly exclude?: readonly string[];
}

/** One target's own options (`-t splunk -f savedsearches -t sentinel -f analytics-rule`). */
export interface TargetOptions {
  readonly format?: string;
  /** Replace the run-wide pipelines for this target. */
  readonly pipelines?: readonly string[];
  readonly defaultPipelines?: boolean;
  /** Added to (and beating) the run-wide settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * Rule selection, as sigma-cli's filters: each list is a choice (any of its values), every given
 * list must hold. `status`/`level` take a name, or `name+` for that name and above (sigma-cli's
 * `--min-status`/`--min-level` order); `tag` a tag (`*` a wildcard); `logsource` `key:value`
 * pairs joined by commas, all of which must hold. Case-insensitive.
 */
export interface Selection {
  readonly status?: readonly string[];
  readonly level?: readonly string[];
  readonly tag?: readonly string[];
  readonly logsource?: readonly string[];
}

export type Counts = Record<RuleResult['status'], number>;

export interface RunSummary {
  /** Per target, how many rules got each label. */
  readonly counts: Record<string, Counts>;
  readonly missing: string[];
  /** Rules left out by the selection (`select`): not converted, not counted in `counts`. */
  readonly skipped: number;
  /** Rule files read (after exclusions), and inputs' loops and other notes as diagnostics. */
  readonly files: number;
  readonly notes: readonly Diagnostic[];
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
    /** Approximations: a stable reason and the changed part's direction (wider, or narrower under not). */
    reason?: string;
    direction?: string;
  }>;
}

export class UsageError extends Error {}

/** What a run reports of one rule and target: plain data (it crosses worker threads). */
export interface RuleSummary {
  readonly path: string;
  readonly id: string | null;
  readonly title: string | null;
  readonly status: RuleResult['status'];
  readonly queries: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly applied: readonly string[];
  /** Where the rule's `id` is written (for the duplicate-id warning). */
  readonly idAt?: { readonly line: number; readonly column: number };
}

export function summarize(r: RuleResult): RuleSummary {
  const idAt = r.rule?.positions.keys?.get('id')?.value.pos;
  const summary: RuleSummary = {
    path: r.path,
    id: r.rule?.id ?? null,
    title: r.rule?.title ?? null,
    status: r.status,
    queries: r.queries,
    diagnostics: r.diagnostics,
    applied: r.applied,
  };
  // Not `{ ...(idAt ? { idAt } : {}), path, ... }`: V8 (Node 20) builds that literal on a slow
  // path, about 10 microseconds a call (a tenth of a second on the corpus for four targets).
  // Same keys in the same order (idAt first when present).
  return idAt ? { idAt: { line: idAt.line, column: idAt.column }, ...summary } : summary;
}

export function reportEntry(r: RuleSummary): ReportRule {
  return {
    path: r.path,
    id: r.id,
    title: r.title,
    status: r.status,
    queries: r.queries,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      line: d.line ?? null,
      column: d.column ?? null,
      // Absent (not null) when the diagnostic has none: JSON.stringify leaves undefined out.
      reason: d.reason,
      direction: d.direction,
    })),
  };
}

/**
 * One rule's output for one target: the formatted text (null when it has no query) and a summary.
 * A rule the selection leaves out has no outputs at all (an empty list for all targets).
 */
export interface RuleOutput {
  readonly text: string | null;
  readonly summary: RuleSummary;
}
