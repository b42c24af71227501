/**
 * The one conversion harness the suites share: a rule from a `detection:` block, and a
 * conversion through the library's own path (`loadRuleFromText` + `convertLoaded`, the pipelines
 * resolved by name), as the CLI does it.
 */
import type { Backend, ConvertOptions, RuleResult } from '../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';

export interface RuleParts {
  /** The lines under `logsource:`, each indented by two spaces (default: Windows process creation). */
  readonly logsource?: string;
  /** More top-level YAML (lines ending in a newline), put before `level:`. */
  readonly extra?: string;
  readonly id?: string;
  /** `status:` (none by default). */
  readonly status?: string;
  readonly level?: string;
}

export const PROCESS_CREATION = '  product: windows\n  category: process_creation';

/** A `detection:` block written from column 0, indented by two spaces for `ruleText`. */
export const indented = (detection: string): string =>
  detection
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');

/** A complete rule around a `detection:` block (its lines indented by two spaces). */
export function ruleText(detection: string, parts: RuleParts = {}): string {
  return [
    'title: t',
    `id: ${parts.id ?? '11111111-1111-4111-8111-111111111111'}`,
    ...(parts.status ? [`status: ${parts.status}`] : []),
    'logsource:',
    parts.logsource ?? PROCESS_CREATION,
    'detection:',
    detection.replace(/^\n/, '').trimEnd(),
    `${parts.extra ?? ''}level: ${parts.level ?? 'high'}`,
    '',
  ].join('\n');
}

export interface ConvertWith extends ConvertOptions {
  /** Pipelines by name or file, after none of the backend's defaults (as `--no-default-pipelines -p ...`). */
  readonly pipelines?: readonly string[];
  /** The rule's path in diagnostics (default `r.yml`). */
  readonly path?: string;
}

/** Converts a rule text with a backend, as the CLI does. */
export function convertWith(backend: Backend, text: string, opts: ConvertWith = {}): RuleResult {
  const pipelines = (opts.pipelines ?? []).map((p) => resolvePipeline(p, backend));
  return convertLoaded(loadRuleFromText(text, opts.path ?? 'r.yml'), backend, pipelines, {
    settings: opts.settings,
    strict: opts.strict,
    format: opts.format,
  });
}
