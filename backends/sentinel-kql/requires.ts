/**
 * An entry whose table holds only some of its log source's events (`requires` in asim.json:
 * `_Im_Authentication` holds the Windows Security logon and logoff events, not every Security
 * event): a rule converts only when its condition itself requires one of those events, so that the
 * query never misses an event the rule matches.
 */
import { requiredValues } from '../../src/ir/required-values.js';
import type { Node } from '../../src/ir/types.js';

export interface Requirement {
  readonly field: string;
  /** The values the table's events have (compared as text, case-insensitively). */
  readonly values: readonly string[];
  /** What the table holds, for the refusal. */
  readonly reason: string;
}

/**
 * Whether every event the tree matches has `field` equal to one of `values`: the values the
 * condition requires of the field (src/ir/required-values.ts: an `and` requires what any child
 * requires, an `or` what all its children do, a plain value match its values) are all among them.
 * Conservative: anything else (a `not`, a pattern) requires nothing.
 */
export function requiresValues(node: Node, req: Requirement): boolean {
  const required = requiredValues(node, req.field);
  if (required === null) return false;
  const allowed = new Set(req.values.map((v) => v.toLowerCase()));
  for (const v of required) if (!allowed.has(v)) return false;
  return true;
}
