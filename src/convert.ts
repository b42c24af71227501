/**
 * The conversion of one rule, end to end: load, build IR, apply pipelines, render. Never throws
 * for a rule's content: every problem is a diagnostic and the batch goes on.
 */
import type { Backend, ConvertOptions, RuleResult } from './backend.js';
import { DiagnosticSink, type Diagnostic, type Label } from './diagnostics.js';
import { host } from './host.js';
import { buildRule } from './ir/build.js';
import { deeperThan, TOO_DEEP } from './ir/depth.js';
import type { Node } from './ir/types.js';
import { applyPipelines, hasPostprocessing, postprocessQueries } from './pipeline/index.js';
import { runPasses } from './lowering/passes.js';
import { checkStateSettings, resolveSettings, type TargetSettings } from './settings.js';

/** No settings resolved (a rule that did not get to its backend). */
const NO_SETTINGS: TargetSettings = { values: {}, given: [] };
import type { PipelineSpec } from './pipeline/types.js';
import { LIMITS, loadRuleDocuments, type LoadResult } from './rule/load.js';
import type { SigmaRule } from './rule/types.js';
import { parseCorrelation, parseFilter, type CorrelationSpec, type FilterSpec } from './correlation/parse.js';
import { buildCorrelation, type ReferenceIndex } from './correlation/build.js';

/** A rule loaded and built into IR (or the diagnostics that stopped it). */
export interface LoadedRule {
  readonly path: string;
  readonly rule?: SigmaRule;
  readonly ir?: Node;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * From loadRuleFromText / loadRuleFile on a file of several documents (a rule collection):
   * every document of the file, this one first. Absent for a file of one rule.
   */
  readonly documents?: readonly LoadedRule[];
  /** A correlation document: its section as read (converted with the rules it names: convertCorrelationLoaded). */
  readonly correlation?: CorrelationSpec;
  /** A filter document: its section and the IR of its detection (added to the rules it applies to). */
  readonly filter?: FilterSpec & { readonly ir: Node };
  /** The filters added to this rule's condition (src/correlation/link.ts), for --explain. */
  readonly filtersApplied?: readonly string[];
}

/**
 * A rule file: its documents in file order, each loaded and built on its own (one for a file of
 * one rule, or for a file that failed as a whole). Documents of one file stay together here so
 * that rules which refer to each other (correlations) can find their siblings.
 */
export interface LoadedFile {
  readonly path: string;
  readonly rules: readonly LoadedRule[];
}

function internal(sink: DiagnosticSink, e: unknown): void {
  sink.error('internal-error', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

/** Builds one loaded document into IR. */
function buildLoaded(loaded: LoadResult, path: string): LoadedRule {
  const sink = loaded.diagnostics;
  try {
    const rule = loaded.rule;
    if (!rule) return { path, diagnostics: sink.list };
    if (rule.type === 'correlation') {
      const correlation = parseCorrelation(rule, sink);
      return { path, rule, correlation, diagnostics: sink.list };
    }
    if (rule.type === 'filter') {
      const spec = parseFilter(rule, sink);
      const ir = spec && buildRule(spec.detectionRule, sink);
      return { path, rule, filter: spec && ir ? { ...spec, ir } : undefined, diagnostics: sink.list };
    }
    const ir = buildRule(rule, sink);
    return { path, rule, ir, diagnostics: sink.list };
  } catch (e) {
    internal(sink, e);
    return { path, diagnostics: sink.list };
  }
}

/** Loads and builds every document of a rule file's text, in file order. */
export function loadRulesFromText(text: string, path: string): LoadedFile {
  try {
    return { path, rules: loadRuleDocuments(text, path).map((d) => buildLoaded(d, path)) };
  } catch (e) {
    const sink = new DiagnosticSink(path);
    internal(sink, e);
    return { path, rules: [{ path, diagnostics: sink.list }] };
  }
}

/** One LoadedRule for a file: the first document, with all of them in `documents` when several. */
function firstOf(file: LoadedFile): LoadedRule {
  return file.rules.length === 1 ? file.rules[0] : { ...file.rules[0], documents: file.rules };
}

/**
 * Loads and builds one rule from its text. A rule collection (several documents) gives its first
 * document, with every document in `documents`; loadRulesFromText gives them as a list.
 */
export function loadRuleFromText(text: string, path: string): LoadedRule {
  return firstOf(loadRulesFromText(text, path));
}

/** Reads a rule file's text, or the failed LoadedRule (too large, unreadable) to report. */
export function readRuleFile(path: string): string | LoadedRule {
  try {
    const text = host().readTextFile(path, LIMITS.fileSize);
    if (text !== null) return text;
    const sink = new DiagnosticSink(path);
    sink.error('file-too-large', `file is larger than the limit of ${LIMITS.fileSize} bytes`, {
      line: 1,
      column: 1,
    });
    return { path, diagnostics: sink.list };
  } catch (e) {
    const sink = new DiagnosticSink(path);
    sink.error('io-error', e instanceof Error ? e.message.replace(/^\w+: /, '') : String(e));
    return { path, diagnostics: sink.list };
  }
}

/** Loads and builds every document of a rule file, in file order. */
export function loadRulesFile(path: string): LoadedFile {
  const text = readRuleFile(path);
  return typeof text === 'string' ? loadRulesFromText(text, path) : { path, rules: [text] };
}

/** Loads and builds one rule file (a collection: its first document, all in `documents`). */
export function loadRuleFile(path: string): LoadedRule {
  return firstOf(loadRulesFile(path));
}

/** The label that follows from a conversion's diagnostics. */
export function labelOf(loadFailed: boolean, diagnostics: readonly Diagnostic[]): Label {
  if (loadFailed) return 'error';
  if (diagnostics.some((d) => d.severity === 'error')) return 'unsupported';
  if (diagnostics.some((d) => d.severity === 'warning' && d.code === 'approximation')) return 'approximate';
  return 'exact';
}

/** Converts a loaded rule with a backend and pipelines. */
export function convertLoaded(
  loaded: LoadedRule,
  backend: Backend,
  pipelines: readonly PipelineSpec[],
  options: ConvertOptions = {},
): RuleResult {
  const base = {
    path: loaded.path,
    rule: loaded.rule,
    state: {},
    target: NO_SETTINGS,
    applied: [] as string[],
  };
  if (
    loaded.rule &&
    (loaded.correlation || loaded.filter) &&
    !loaded.diagnostics.some((d) => d.severity === 'error')
  ) {
    // Converted only with the other documents of a run (run.ts): alone, a correlation names
    // rules it cannot see, and a filter gives no query of its own.
    const sink = new DiagnosticSink(loaded.path);
    if (loaded.correlation)
      sink.error(
        'unsupported-rule-type',
        'a correlation is converted together with the rules it names (run, or convertCorrelationLoaded)',
        loaded.rule.pos,
      );
    else
      sink.info(
        'filter-applied',
        'a filter gives no query of its own: it is added to the rules it names',
        loaded.rule.pos,
      );
    const diagnostics = [...loaded.diagnostics, ...sink.list];
    return { ...base, status: loaded.correlation ? 'unsupported' : 'exact', queries: [], diagnostics };
  }
  if (!loaded.rule || !loaded.ir) {
    const unsupportedType = loaded.diagnostics.some((d) => d.code === 'unsupported-rule-type');
    const failed = loaded.diagnostics.some((d) => d.severity === 'error');
    return {
      ...base,
      status: unsupportedType ? 'unsupported' : failed || !loaded.rule ? 'error' : 'unsupported',
      queries: [],
      diagnostics: loaded.diagnostics,
    };
  }
  const sink = new DiagnosticSink(loaded.path);
  let queries: string[] = [];
  let state: Record<string, unknown> = {};
  let target: TargetSettings = NO_SETTINGS;
  let applied: string[] = [];
  try {
    // The build refuses deeper rules; an IR given by a library caller gets the same limit before
    // the pipelines (which recurse), and a pipeline may add levels before the renderers (which too).
    const deep = () => sink.error('too-deep', TOO_DEEP, loaded.rule!.pos);
    if (deeperThan(loaded.ir)) deep();
    const outcome = sink.hasErrors
      ? { rule: loaded.rule, ir: loaded.ir, state, applied }
      : applyPipelines(pipelines, loaded.rule, loaded.ir, sink);
    state = outcome.state;
    applied = loaded.filtersApplied ? [...loaded.filtersApplied, ...outcome.applied] : outcome.applied;
    if (!sink.hasErrors && deeperThan(outcome.ir)) deep();
    // The backend's settings, resolved once for the rule: a pipeline state value of the wrong
    // type is a pipeline-error (and no query).
    if (!sink.hasErrors && checkStateSettings(backend.settings, options, state, sink))
      target = resolveSettings(backend.settings, options, state);
    if (!sink.hasErrors)
      queries = backend.convert({
        rule: outcome.rule,
        ir: runPasses(outcome.ir, backend.capabilities),
        state,
        target,
        sink,
        options,
      });
    // pySigma post-processing of the pipelines (src/pipeline/postprocess.ts), on query text.
    if (!sink.hasErrors && queries.length > 0 && hasPostprocessing(pipelines))
      queries = postprocessQueries(pipelines, outcome.rule, state, queries, sink, applied);
  } catch (e) {
    internal(sink, e);
  }
  const diagnostics = strictly([...loaded.diagnostics, ...sink.list], options);
  const internalError = diagnostics.some((d) => d.code === 'internal-error');
  const status = internalError ? 'error' : labelOf(false, diagnostics);
  if (status === 'unsupported' || status === 'error') queries = [];
  // Every key of `base` written out (same order), not `{ ...base, state, ... }`: V8 (Node 20)
  // builds a spread whose later keys overwrite the spread ones on a slow path, about
  // 10 microseconds a call, once per rule and target.
  return { path: base.path, rule: base.rule, state, target, applied, status, queries, diagnostics };
}

/**
 * --strict: approximations become errors, and so do post-processing rewrites of the query text
 * (`query-rewritten`: the label no longer vouches for the query; a correlation has none).
 */
function strictly(diagnostics: Diagnostic[], options: ConvertOptions): Diagnostic[] {
  if (!options.strict) return diagnostics;
  return diagnostics.map((d) =>
    (d.code === 'approximation' || d.code === 'query-rewritten') && d.severity === 'warning'
      ? {
          ...d,
          severity: 'error' as const,
          code: 'strict-approximation',
          message: `${d.message} (refused by --strict)`,
        }
      : d,
  );
}

/**
 * Converts a correlation document with a backend: the rules it names are looked up in `index`
 * (every document of the run), each goes through the pipelines, and the backend's
 * convertCorrelation renders the aggregation. A backend without it refuses ('unsupported-rule-type').
 */
export function convertCorrelationLoaded(
  loaded: LoadedRule,
  index: ReferenceIndex,
  backend: Backend,
  pipelines: readonly PipelineSpec[],
  options: ConvertOptions = {},
): RuleResult {
  const base = { path: loaded.path, rule: loaded.rule, state: {}, applied: [] as string[] };
  const spec = loaded.correlation;
  if (!loaded.rule || !spec)
    return { ...base, target: NO_SETTINGS, status: 'error', queries: [], diagnostics: loaded.diagnostics };
  const sink = new DiagnosticSink(loaded.path);
  let queries: string[] = [];
  let target: TargetSettings = NO_SETTINGS;
  try {
    const c = buildCorrelation(
      { rule: loaded.rule, correlation: spec },
      index,
      { pipelines, passes: (ir) => runPasses(ir, backend.capabilities) },
      sink,
    );
    if (c && !sink.hasErrors) {
      target = resolveSettings(backend.settings, options, {});
      if (!backend.convertCorrelation)
        sink.error(
          'unsupported-rule-type',
          `target '${backend.name}' does not convert correlation rules`,
          loaded.rule.pos,
        );
      else queries = backend.convertCorrelation({ correlation: c, target, sink, options });
    }
  } catch (e) {
    internal(sink, e);
  }
  const diagnostics = strictly([...loaded.diagnostics, ...sink.list], options);
  const status = diagnostics.some((d) => d.code === 'internal-error') ? 'error' : labelOf(false, diagnostics);
  if (status === 'unsupported' || status === 'error') queries = [];
  return { ...base, target, status, queries, diagnostics };
}
