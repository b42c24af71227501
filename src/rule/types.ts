import type { Position } from '../diagnostics.js';
import type { PosNode } from './yaml.js';

export type RuleType = 'rule' | 'correlation' | 'filter';

export interface LogSource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly definition?: string;
}

export interface RelatedRule {
  readonly id: string;
  readonly type: string;
}

/** A Sigma rule as loaded and type-checked (Sigma specification v2.1). */
export interface SigmaRule {
  readonly path: string;
  readonly type: RuleType;
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly related: readonly RelatedRule[];
  readonly taxonomy?: string;
  readonly status?: string;
  readonly description?: string;
  readonly license?: string;
  readonly author?: string;
  readonly references: readonly string[];
  readonly date?: string;
  readonly modified?: string;
  readonly logsource: LogSource;
  /** The raw detection mapping (selections and condition), with positions in `positions`. */
  readonly detection: Readonly<Record<string, unknown>>;
  readonly fields: readonly string[];
  readonly falsepositives: readonly string[];
  readonly level?: string;
  readonly tags: readonly string[];
  readonly scope: readonly string[];
  /** Attributes the specification does not define, kept as they are. */
  readonly custom: Readonly<Record<string, unknown>>;
  /** Source positions of the document. */
  readonly positions: PosNode;
  /** Where the rule starts (the `title` line). */
  readonly pos: Position;
}
