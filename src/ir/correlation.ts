/**
 * The IR of a Sigma correlation rule (Sigma correlation rules specification, 2.x: "Correlation
 * Rules" in SigmaHQ/sigma-specification, specification/sigma-correlation-rules-specification.md).
 * A correlation is built over the referenced rules' IR, never over their query text, so a backend
 * lowers each referenced condition like any rule (approximation rules included) and adds the
 * aggregation of its dialect. Plain data; readonly.
 */
import type { Node } from './types.js';
import type { SigmaRule } from '../rule/types.js';

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** The condition criteria of the specification (`gt`, `gte`, `lt`, `lte`, `eq`, `neq`). */
export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface Bound {
  readonly op: CompareOp;
  readonly value: number;
}

/** Whether every bound holds for x (the specification's conjunction of criteria). */
export function holds(bounds: readonly Bound[], x: number): boolean {
  return bounds.every((b) => {
    switch (b.op) {
      case 'gt':
        return x > b.value;
      case 'gte':
        return x >= b.value;
      case 'lt':
        return x < b.value;
      case 'lte':
        return x <= b.value;
      case 'eq':
        return x === b.value;
      case 'neq':
        return x !== b.value;
    }
  });
}

/** A field as each referenced rule names it: one name per entry of `Correlation.rules`, same order. */
export interface CorrelatedField {
  /** The name in the correlation document (an alias name or a plain field name). */
  readonly name: string;
  /** The field in the events of each referenced rule (alias resolved, then the rule's pipelines' field mapping). */
  readonly perRule: readonly string[];
}

/** One rule a correlation refers to, converted to IR by its own pipelines. */
export interface CorrelatedRule {
  readonly kind: 'rule';
  /** The reference as written in `rules:` (a rule's `name` or `id`). */
  readonly ref: string;
  readonly rule: SigmaRule;
  /** The rule's IR after its pipelines (the events this rule matches). */
  readonly ir: Node;
  /** Its pipeline state (index, table, ...): a backend resolves its settings from it as for a rule (src/settings.ts). */
  readonly state: Readonly<Record<string, unknown>>;
}

/** A correlation: an aggregation over the events of `rules`, per group, within `timespan`. */
export interface Correlation {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** The correlation document itself (title, id, level, positions for diagnostics). */
  readonly rule: SigmaRule;
  /** The referenced rules in the order written (the order of `temporal_ordered`); a nested correlation when one correlation refers to another. */
  readonly rules: readonly (CorrelatedRule | Correlation)[];
  /** `group-by`, each entry resolved per referenced rule. Empty: one group. */
  readonly groupBy: readonly CorrelatedField[];
  /** `timespan` in seconds (a sliding window in the specification's sense). */
  readonly timespanSeconds: number;
  /** The condition: every bound must hold (the specification's conjunction for ranges). */
  readonly condition: {
    /** `field` of value_count, value_sum, value_avg, value_percentile. */
    readonly field?: CorrelatedField;
    /** `percentile` of value_percentile (1-100; pySigma's sigma/correlations.py reads it as an integer). */
    readonly percentile?: number;
    readonly bounds: readonly Bound[];
  };
  /** `generate`: whether the referenced rules also produce queries of their own. */
  readonly generate: boolean;
}
