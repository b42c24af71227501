/**
 * An entry whose table holds only some of its log source's events (`requires` in asim.json:
 * `_Im_Authentication` holds the Windows Security logon and logoff events, not every Security
 * event): a rule converts only when its condition itself requires one of those events, so that the
 * query never misses an event the rule matches.
 */
import { canonicalNumber } from '../../src/ir/number.js';
import type { Node, SigmaString } from '../../src/ir/types.js';
import { assertNever } from '../../src/diagnostics.js';

export interface Requirement {
  readonly field: string;
  /** The values the table's events have (compared as text, case-insensitively). */
  readonly values: readonly string[];
  /** What the table holds, for the refusal. */
  readonly reason: string;
}

/**
 * Whether every event the tree matches has `field` equal to one of `values`: an `and` with one
 * such child, an `or` whose children all are, or a plain value match (no wildcard, no operator)
 * whose values are all among them. Conservative: anything else (a `not`, a pattern) is not.
 */
export function requiresValues(node: Node, req: Requirement): boolean {
  const allowed = new Set(req.values.map((v) => v.toLowerCase()));
  const walk = (n: Node): boolean => {
    switch (n.kind) {
      case 'and':
        return n.children.some(walk);
      case 'or':
        return n.children.length > 0 && n.children.every(walk);
      case 'not':
        return false;
      case 'number':
        return n.field === req.field && n.values.every((v) => allowed.has(canonicalNumber(v)));
      case 'string':
        return (
          n.field === req.field &&
          n.op === 'eq' &&
          n.values.every((v) => {
            const t = plainText(v);
            return t !== null && allowed.has(t.toLowerCase());
          })
        );
      case 'regex':
      case 'cidr':
      case 'boolean':
      case 'compare':
      case 'exists':
      case 'null':
      case 'fieldref':
      case 'time':
        return false;
      default:
        return assertNever(n);
    }
  };
  return walk(node);
}

/** The text of a value without wildcards or placeholders, else null. */
function plainText(v: SigmaString): string | null {
  let out = '';
  for (const p of v) {
    if (p.kind !== 'text') return null;
    out += p.text;
  }
  return out;
}
