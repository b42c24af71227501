/**
 * What a target backend provides. A backend overrides only what differs: tokens and escaping as
 * data, rendering hooks as methods, a capability table choosing shared lowerings, and output
 * formats declared here (not found by name).
 */
import type { DiagnosticSink, Label, Diagnostic } from './diagnostics.js';
import type { Node } from './ir/types.js';
import type { SigmaRule } from './rule/types.js';
import type { PipelineSpec } from './pipeline/types.js';
import type { Capabilities } from './lowering/passes.js';
import type { CorrelatedRule, Correlation } from './ir/correlation.js';

export interface ConvertOptions {
  /** Approximations become errors. */
  readonly strict?: boolean;
  /** Backend-specific settings (`--set key=value`), e.g. `table`, `index`, `cron`. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * The output format the queries are for (`-f`; unset: `default`). A backend whose query language
   * depends on it reads it: Elastic's detection rules are KQL or EQL, whichever is exact; Splunk's `data-model` is a tstats search.
   */
  readonly format?: string;
}

/** What a backend receives for one rule. */
export interface ConvertContext {
  readonly rule: SigmaRule;
  /** The rule's IR after the processing pipelines. */
  readonly ir: Node;
  /** Per-rule values set by pipelines (index, table, source, ...). */
  readonly state: Readonly<Record<string, unknown>>;
  /**
   * The backend's declared settings for this rule, resolved once (`--set` > state > default) by
   * convertLoaded; a caller of `convert` itself may leave it out (see `targetOf`).
   */
  readonly target?: TargetSettings;
  /**
   * Report here. An approximation is a warning with code 'approximation' (the query may match
   * more events than the rule, never fewer); a construct the target cannot express is an error
   * with code 'unsupported-construct' (and no query).
   */
  readonly sink: DiagnosticSink;
  readonly options: ConvertOptions;
}

/**
 * What a backend receives for one correlation rule (src/ir/correlation.ts): the referenced rules'
 * IR with their state, the aggregation, and where to report. Same reporting contract as
 * ConvertContext (approximations widen; what the target cannot say is 'unsupported-construct').
 */
export interface CorrelationContext {
  readonly correlation: Correlation;
  /** The correlation document's own target settings (formats read them as for a rule). */
  readonly target?: TargetSettings;
  readonly sink: DiagnosticSink;
  readonly options: ConvertOptions;
}

/**
 * The context in which a correlation's backend converts one of its referenced rules: the rule's
 * own rule, IR and pipeline state (its settings resolve from that state, as for a rule of its
 * own), reporting to the correlation's sink, with the correlation's options.
 */
export function referencedRuleContext(r: CorrelatedRule, ctx: CorrelationContext): ConvertContext {
  return { rule: r.rule, ir: r.ir, state: r.state, sink: ctx.sink, options: ctx.options };
}

/** One rule's outcome, as output formats and reports see it. */
export interface RuleResult {
  readonly path: string;
  readonly rule?: SigmaRule;
  readonly status: Label;
  readonly queries: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly state: Readonly<Record<string, unknown>>;
  /** The target's settings for this rule, as the backend read them (for the output formats). */
  readonly target: TargetSettings;
  /** What the pipelines changed (for --explain). */
  readonly applied: readonly string[];
}

/** An output format: rendered rule by rule so that output streams. */
export interface OutputFormat {
  readonly description: string;
  /** File extension for `-o DIR` with several targets (default `txt`). */
  readonly extension?: string;
  /** Text before the first rule (may be empty). */
  header?(options: ConvertOptions): string;
  /** The text for one converted rule (called only for rules with queries). */
  rule(result: RuleResult, options: ConvertOptions): string;
  /**
   * What keeps this rule's output in this format from importing or deploying (the vendor's size
   * limits and validation, ATT&CK tags the format cannot place), checked before `rule` for rules
   * with queries. An error drops the rule from this format's output (status `unsupported`); a
   * warning keeps it.
   */
  check?(result: RuleResult, options: ConvertOptions): readonly Diagnostic[];
  /** Text between two rules (default: nothing; each rule's text ends its own lines). */
  readonly separator?: string;
  footer?(options: ConvertOptions): string;
}

/** The kinds of value a setting takes (checked when `--set` is read). */
export type SettingType = 'string' | 'list' | 'enum' | 'number' | 'boolean';

/**
 * A backend setting (`--set name=value`). One precedence rule for every setting: `--set` beats
 * the pipeline state named by `state`, which beats `default` (README, docs/pipelines.md).
 */
export interface SettingDecl {
  /** The key. A name ending in `.*` declares every key with that prefix (`action.*`). */
  readonly name: string;
  /** string: any text; list: comma-separated items; enum: one of `values`; number: a finite
   * number (integer when `integer`); boolean: true or false. */
  readonly type: SettingType;
  /** For `enum`: the allowed values. */
  readonly values?: readonly string[];
  /** For `number`: only whole numbers of at least `min`. */
  readonly integer?: boolean;
  readonly min?: number;
  /** The value when neither `--set` nor the pipeline state gives one (as text; none: unset). */
  readonly default?: string;
  readonly description: string;
  /** The output formats that read it (undefined: the queries themselves). */
  readonly formats?: readonly string[];
  /** The pipeline state key (`set_state`) that may give the value when `--set` does not. */
  readonly state?: string;
}

/**
 * Every declared setting of a target for one rule, resolved once by the one precedence rule
 * (`--set`, else the pipeline state, else the default): what the backend and its output formats
 * read (ConvertContext.target, RuleResult.target). Plain data (src/settings.ts resolveSettings makes it).
 */
export interface TargetSettings {
  /** Each setting with a value: a list setting as its items, any other as text. */
  readonly values: Readonly<Record<string, string | readonly string[]>>;
  /** The keys `--set` gave (they beat the pipeline state). */
  readonly given: readonly string[];
}

/**
 * A target's backend. Its aliases and description are not here: they live once, in the registry
 * (backends/index.ts `TARGETS`), which can list targets without loading them.
 */
export interface Backend {
  /** The target name, as registered (output formats and messages name the target with it). */
  readonly name: string;
  /** Built-in pipelines by name (`-p name`). */
  readonly pipelines: Readonly<Record<string, () => PipelineSpec>>;
  /** Pipelines applied unless `--no-default-pipelines`. */
  readonly defaultPipelines: readonly string[];
  readonly formats: Readonly<Record<string, OutputFormat>> & { readonly default: OutputFormat };
  /** Its settings (`--set`); a key not declared by any target of a run is a usage error. */
  readonly settings?: readonly SettingDecl[];
  /**
   * The shared IR-to-IR passes to run on each rule before `convert` (src/lowering/passes.ts):
   * exact rewrites such as a wildcard-shaped regex into a string match.
   */
  readonly capabilities?: Capabilities;
  /** Renders the queries for one rule. Reports problems to ctx.sink; never throws for a rule's content. */
  convert(ctx: ConvertContext): string[];
  /**
   * Renders the queries for one correlation rule (Sigma correlation specification). A backend
   * without it refuses correlations with 'unsupported-rule-type'.
   */
  convertCorrelation?(ctx: CorrelationContext): string[];
}
