/**
 * The semantic IR. It keeps meaning, not query text: `contains` stays `contains`, a string is a
 * list of parts, a CIDR is a parsed network. Nodes are readonly discriminated unions; every
 * `switch` on `kind` ends in assertNever, so a new kind is a compile error until handled.
 */

/** One part of a Sigma string value. */
export type Part =
  | { readonly kind: 'text'; readonly text: string }
  /** `*`: any run of characters, possibly empty. */
  | { readonly kind: 'any' }
  /** `?`: exactly one character. */
  | { readonly kind: 'one' }
  /** `%name%` under `|expand`, until a pipeline or backend resolves it. */
  | { readonly kind: 'placeholder'; readonly name: string };

export type SigmaString = readonly Part[];

/**
 * Where a node comes from: its place in the rule file, or the pipeline item that added it. Read
 * it with `placeOf` / `addedBy` (src/ir/origin.ts); a node without an origin is the rule's own
 * (built by hand or by a transformation that had no place to give it).
 */
export type Origin = RulePlace | PipelineAdded;

/** A place in the rule file. */
export interface RulePlace {
  readonly line: number;
  readonly column: number;
  /** The detection identifier (selection name) it belongs to. */
  readonly selection?: string;
  readonly addedBy?: undefined;
}

/**
 * A node a pipeline added to the rule (`add_condition` builds its nodes with this mark): the
 * user's configuration, not the rule's detection, and with no place in the rule file.
 */
export interface PipelineAdded {
  /** The label of the pipeline item that added it (`pipeline name/item id`). */
  readonly addedBy: string;
}

export interface NumberValue {
  readonly value: number;
  /** The number as written, e.g. `4688` or `1.50`. */
  readonly text: string;
}

export interface Network {
  readonly version: 4 | 6;
  /** The network address, normalised (`10.0.0.0`, `fe80::`). */
  readonly address: string;
  readonly prefix: number;
  /** The network's bytes (4 or 16), host bits zero. */
  readonly bytes: readonly number[];
}

export type StringOp = 'eq' | 'contains' | 'startswith' | 'endswith';
export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

interface Base {
  readonly origin?: Origin;
}

/**
 * A string match. `field: null` is a keyword: any value of the event. `values` are ORed (a
 * same-field list, which backends render as IN lists); each value may hold wildcards.
 */
export interface StringMatch extends Base {
  readonly kind: 'string';
  readonly field: string | null;
  readonly op: StringOp;
  readonly values: readonly SigmaString[];
  /** `|cased`: case-sensitive. Sigma strings are case-insensitive otherwise. */
  readonly cased: boolean;
}

export interface RegexMatch extends Base {
  readonly kind: 'regex';
  readonly field: string | null;
  /** The pattern as written (PCRE-like, unanchored). */
  readonly pattern: string;
  readonly flags: { readonly i: boolean; readonly m: boolean; readonly s: boolean };
}

/** The value is in one of the networks (ORed). */
export interface CidrMatch extends Base {
  readonly kind: 'cidr';
  readonly field: string;
  readonly networks: readonly Network[];
}

/** The value equals one of the numbers (ORed). */
export interface NumberMatch extends Base {
  readonly kind: 'number';
  readonly field: string | null;
  readonly values: readonly NumberValue[];
}

export interface BooleanMatch extends Base {
  readonly kind: 'boolean';
  readonly field: string;
  readonly value: boolean;
}

export interface CompareMatch extends Base {
  readonly kind: 'compare';
  readonly field: string;
  readonly op: CompareOp;
  readonly value: NumberValue;
}

export interface ExistsMatch extends Base {
  readonly kind: 'exists';
  readonly field: string;
  readonly exists: boolean;
}

/** The field is absent or null. */
export interface NullMatch extends Base {
  readonly kind: 'null';
  readonly field: string;
}

/** The field's value compared with another field's value. */
export interface FieldRefMatch extends Base {
  readonly kind: 'fieldref';
  readonly field: string;
  readonly other: string;
  readonly op: StringOp;
  readonly cased: boolean;
}

/** A part of a timestamp field (`|hour`, ...) equals a number. */
export interface TimeMatch extends Base {
  readonly kind: 'time';
  readonly field: string;
  readonly unit: TimeUnit;
  readonly values: readonly NumberValue[];
}

export interface And extends Base {
  readonly kind: 'and';
  readonly children: readonly Node[];
}
export interface Or extends Base {
  readonly kind: 'or';
  readonly children: readonly Node[];
}
export interface Not extends Base {
  readonly kind: 'not';
  readonly child: Node;
}

export type Match =
  | StringMatch
  | RegexMatch
  | CidrMatch
  | NumberMatch
  | BooleanMatch
  | CompareMatch
  | ExistsMatch
  | NullMatch
  | FieldRefMatch
  | TimeMatch;

export type Node = And | Or | Not | Match;
