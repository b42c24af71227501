/**
 * The library core: conversion from text to results, with no file or process I/O and no Node
 * module (eslint.config.js keeps it so; test/web/core-bundle.test.ts bundles it for the browser).
 * It serves the library (src/index.ts re-exports it and adds files, batches and the cache), the
 * CLI and the browser playground (web/). Shipped files (backend data, templates) come through the
 * host (src/host.ts): from the package under Node, bundled in the browser.
 */
import type { ConvertOptions } from './backend.js';
import { UsageError, type RuleSummary } from './batch.js';
import { loadRulesFromText } from './convert.js';
import type { Label } from './diagnostics.js';
import { pipelineFromYaml } from './pipeline/load.js';
import { checkSettings, convertForTargets, prepare, finalOutput } from './prepare.js';

export {
  loadRuleFromText,
  loadRulesFromText,
  convertLoaded,
  labelOf,
  type LoadedRule,
  type LoadedFile,
} from './convert.js';
export { prepare, checkSettings, convertForTargets, type Prepared, type PreparedTarget } from './prepare.js';
export { UsageError, summarize, reportEntry, type RuleSummary, type ReportRule } from './batch.js';
export { loadRuleText, loadRuleDocuments } from './rule/load.js';
export { buildRule } from './ir/build.js';
export { parseCondition } from './condition/parser.js';
export { pipelineFromYaml, pipelineNames } from './pipeline/load.js';
export { setHost, type Host } from './host.js';
export {
  loadBackend,
  targetNames,
  targetEntries,
  registerTarget,
  TARGETS,
  type TargetName,
  type TargetEntry,
} from '../backends/index.js';
export type {
  Backend,
  ConvertContext,
  ConvertOptions,
  OutputFormat,
  RuleResult,
  SettingDecl,
} from './backend.js';
export type { Diagnostic, Label, Severity } from './diagnostics.js';
export { formatDiagnostic, CODES } from './diagnostics.js';
export type * from './ir/types.js';
export { addedBy, placeOf } from './ir/origin.js';
export type { SigmaRule, LogSource } from './rule/types.js';
export {
  compileRule,
  prepareEvent,
  flattenEvent,
  readEvents,
  explain,
  explainer,
  renderExplanation,
  type CompiledRule,
} from './evaluate/index.js';

/** A pipeline given as pySigma YAML text (pasted, not read from a file). */
export interface PipelineText {
  readonly yaml: string;
  /** Names it in errors (default `pipeline.yml`). */
  readonly name?: string;
}

export interface ConvertTextOptions extends ConvertOptions {
  readonly target: string;
  readonly format?: string;
  /**
   * Built-in pipeline names (naming one of the target replaces its defaults, as `-p` does) and
   * pipeline YAML texts (run after the defaults, like `-p file.yml`), in order.
   */
  readonly pipelines?: ReadonlyArray<string | PipelineText>;
  readonly defaultPipelines?: boolean;
  /** The path the rule is reported under (default `rule.yml`). */
  readonly path?: string;
}

/** The conversion of a rule text for one target. */
export interface TextConversion {
  readonly target: string;
  /** The output exactly as `sigmantic convert` writes it for this text (header, rules, footer). */
  readonly output: string;
  /** The label of the text: the first document's (a rule collection has one per document in `rules`). */
  readonly status: Label;
  /** Per document of the text, in order: status, queries, diagnostics, applied (`--explain`) lines. */
  readonly rules: readonly RuleSummary[];
}

/** The outcome of convertText: a conversion, or a usage problem (unknown target, bad pipeline, bad setting). */
export type TextResult = TextConversion | { readonly target: string; readonly usageError: string };

/**
 * Converts a rule text (one rule or a collection) for one target, as `sigmantic convert` converts
 * a file: the same pipelines, settings, labels, diagnostics and output text. Never throws for the
 * rule's content or the options: a usage problem is returned as `usageError`.
 */
export async function convertText(text: string, options: ConvertTextOptions): Promise<TextResult> {
  const { target } = options;
  const names = (options.pipelines ?? []).filter((p): p is string => typeof p === 'string');
  const texts = (options.pipelines ?? []).filter((p): p is PipelineText => typeof p !== 'string');
  try {
    const specs = texts.map((t) => {
      try {
        return pipelineFromYaml(t.yaml, t.name ?? 'pipeline.yml');
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
    });
    const prepared = await prepare(target, { ...options, pipelines: names }, specs);
    checkSettings([prepared.backend], options.settings);
    const rules: RuleSummary[] = [];
    let output = prepared.format.header?.(options) ?? '';
    let first = true;
    const queries: string[] = [];
    for (const rule of loadRulesFromText(text, options.path ?? 'rule.yml').rules) {
      const [o] = convertForTargets(rule, [{ ...prepared, target }], options);
      rules.push(o.summary);
      if (o.text === null) continue;
      // With finalizers (src/prepare.ts) a rule's text is its queries as JSON, finalized below.
      if (prepared.finalized) queries.push(...(JSON.parse(o.text) as string[]));
      else {
        if (!first && prepared.format.separator) output += prepared.format.separator;
        output += o.text;
      }
      first = false;
    }
    if (prepared.finalized) output += finalOutput(prepared, queries);
    output += prepared.format.footer?.(options) ?? '';
    return { target, output, status: rules[0]?.status ?? 'error', rules };
  } catch (e) {
    if (e instanceof UsageError) return { target, usageError: e.message };
    throw e;
  }
}
