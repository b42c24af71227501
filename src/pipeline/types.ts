/**
 * Processing pipelines (pySigma's format): ordered items that transform the IR between building
 * and rendering. This file holds the types shared with backends.
 */
import type { Node } from '../ir/types.js';
import type { SigmaRule } from '../rule/types.js';
import type { PosNode } from '../rule/yaml.js';

/** A loaded pipeline: name, priority and items, from YAML or built in. */
export interface PipelineSpec {
  readonly name: string;
  /** Lower runs first; equal priorities keep the order given. */
  readonly priority: number;
  /**
   * `vars`: values for `value_placeholders` (`%name%` under `|expand`: a value or a list of
   * values) and for templates (`pipeline.vars`, any YAML value, mappings included).
   */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The processing items as written (pySigma YAML objects), checked when the spec was made. */
  readonly transformations: readonly unknown[];
  /**
   * Where it came from (file path or `builtin:name`). A `builtin:` pipeline's items compile
   * lazily (compiledItems); the tests compile every one, a file's are all checked when loaded.
   */
  readonly source: string;
  /** Source positions of the `transformations` list (files only), for error messages. */
  readonly positions?: PosNode;
  /** pySigma `postprocessing` items as written (checked when the spec was made; src/pipeline/postprocess.ts). */
  readonly postprocessing: readonly unknown[];
  readonly postprocessingPositions?: PosNode;
  /** pySigma `finalizers` as written (checked when the spec was made). */
  readonly finalizers: readonly unknown[];
  readonly finalizersPositions?: PosNode;
}

export interface PipelineOutcome {
  readonly rule: SigmaRule;
  readonly ir: Node;
  /**
   * Per-rule values for the backend: `set_state` keys, and `queryExpressionPlaceholders`
   * (placeholder name -> expression template with `{id}` filled in and `{field}` left for the
   * backend).
   */
  readonly state: Record<string, unknown>;
  /** Human-readable lines: which item changed what. */
  readonly applied: string[];
}

/** The state key under which `query_expression_placeholders` records its expressions. */
export const QUERY_EXPRESSION_PLACEHOLDERS = 'queryExpressionPlaceholders';
