/**
 * The values a field must have in every event a condition matches, for the entries whose table
 * or dataset holds only some of its log source's events (Sentinel's `requires` in asim.json,
 * Splunk CIM's in cim.json): one walk for both.
 */
import { assertNever } from '../diagnostics.js';
import { canonicalNumber } from './number.js';
import { plainText } from './sigma-string.js';
import type { Node } from './types.js';

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  const out = new Set<string>();
  for (const v of a) if (b.has(v)) out.add(v);
  return out;
}

/**
 * The values `field` must have (lower-cased) in every event the condition matches, or null when
 * the condition does not require plain values of it: an `and` requires what any child requires
 * (the intersection), an `or` what all its children require (the union).
 */
export function requiredValues(node: Node, field: string): ReadonlySet<string> | null {
  switch (node.kind) {
    case 'and': {
      let out: ReadonlySet<string> | null = null;
      for (const c of node.children) {
        const r = requiredValues(c, field);
        if (r === null) continue;
        out = out === null ? r : intersect(out, r);
      }
      return out;
    }
    case 'or': {
      if (node.children.length === 0) return null;
      const out = new Set<string>();
      for (const c of node.children) {
        const r = requiredValues(c, field);
        if (r === null) return null;
        for (const v of r) out.add(v);
      }
      return out;
    }
    case 'not':
      return null;
    case 'number':
      return node.field === field ? new Set(node.values.map((v) => canonicalNumber(v))) : null;
    case 'string': {
      if (node.field !== field || node.op !== 'eq') return null;
      const out = new Set<string>();
      for (const v of node.values) {
        const t = plainText(v);
        if (t === null) return null;
        out.add(t.toLowerCase());
      }
      return out;
    }
    case 'regex':
    case 'cidr':
    case 'boolean':
    case 'compare':
    case 'exists':
    case 'null':
    case 'fieldref':
    case 'time':
      return null;
    default:
      return assertNever(node);
  }
}
