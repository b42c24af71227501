/**
 * Processing pipelines (pySigma's format): ordered items that transform the IR between building
 * and rendering. This file holds the types shared with backends.
 */
import type { Node } from '../ir/types.js';
import type { SigmaRule } from '../rule/types.js';

/** A loaded pipeline: name, priority and items, from YAML or built in. */
export interface PipelineSpec {
  readonly name: string;
  readonly priority: number;
  readonly vars: Readonly<Record<string, readonly string[]>>;
  readonly transformations: readonly unknown[];
  /** Where it came from (file path or `builtin:name`). */
  readonly source: string;
}

export interface PipelineOutcome {
  readonly rule: SigmaRule;
  readonly ir: Node;
  readonly state: Record<string, unknown>;
  /** Human-readable lines: which item changed what. */
  readonly applied: string[];
}
