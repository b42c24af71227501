/**
 * KQL on the shared working tree (src/lowering/tree.ts): its leaves are KQL terms, what the
 * lowering produces and the renderer prints. Constants (`true`/`false`) come from approximations
 * that drop a value; they fold away before printing.
 */
import { assertNever } from '../../src/diagnostics.js';
import { FALSE, fold, leaf, TRUE, type Tree } from '../../src/lowering/tree.js';
import { fieldName } from './escape.js';

/** A KQL term. */
export type KqlLeaf =
  /** `field: v` or `field: (v1 or v2 ...)`; values are rendered value tokens; null field = field-less. */
  | {
      readonly kind: 'is';
      readonly field: string | null;
      readonly values: readonly string[];
      readonly join: 'and' | 'or';
    }
  | {
      readonly kind: 'range';
      readonly field: string;
      readonly op: '<' | '<=' | '>' | '>=';
      readonly value: string;
    };

export type K = Tree<KqlLeaf>;

type Is = Extract<KqlLeaf, { kind: 'is' }>;

export function is(field: string | null, values: readonly string[], join: 'and' | 'or' = 'or'): K {
  if (values.length === 0) return join === 'or' ? FALSE : TRUE;
  const unique = values.length === 1 ? [values[0]] : [...new Set(values)];
  return leaf({ kind: 'is', field, values: unique, join: unique.length === 1 ? 'or' : join });
}

export function range(field: string, op: '<' | '<=' | '>' | '>=', value: string): K {
  return leaf({ kind: 'range', field, op, value });
}

/** Folds constants, flattens nested and/or, merges same-field value lists. */
export function simplify(k: K): K {
  return fold(k, mergeSameField);
}

/** `f: a or f: b` -> `f: (a or b)`; `f: a and f: b` -> `f: (a and b)` (same field, same join). */
function mergeSameField(list: readonly K[], join: 'and' | 'or'): K[] {
  const out: K[] = [];
  const at = new Map<string, number>();
  for (const c of list) {
    if (c.kind === 'leaf' && c.leaf.kind === 'is' && (c.leaf.values.length === 1 || c.leaf.join === join)) {
      const key = c.leaf.field === null ? '\u0000' : 'f' + c.leaf.field;
      const i = at.get(key);
      if (i !== undefined) {
        const prev = (out[i] as { readonly leaf: Is }).leaf;
        out[i] = leaf({ ...prev, values: [...new Set([...prev.values, ...c.leaf.values])], join });
        continue;
      }
      at.set(key, out.length);
    }
    out.push(c);
  }
  return out;
}

/** Prints a simplified tree (no constants). Nested groups get explicit parentheses. */
export function render(k: K, top = true): string {
  switch (k.kind) {
    case 'const':
      throw new Error('constant in a simplified KQL tree');
    case 'leaf':
      return renderLeaf(k.leaf);
    case 'not':
      return (
        'not ' +
        (k.child.kind === 'and' || k.child.kind === 'or'
          ? '(' + render(k.child, true) + ')'
          : render(k.child, false))
      );
    case 'and':
    case 'or': {
      const s = k.children.map((c) => render(c, false)).join(` ${k.kind} `);
      return top ? s : '(' + s + ')';
    }
    default:
      return assertNever(k);
  }
}

function renderLeaf(l: KqlLeaf): string {
  switch (l.kind) {
    case 'is': {
      const f = l.field === null ? '' : fieldName(l.field) + ': ';
      if (l.values.length === 1) return f + l.values[0];
      return f + '(' + l.values.join(` ${l.join} `) + ')';
    }
    case 'range':
      return `${fieldName(l.field)} ${l.op} ${l.value}`;
    default:
      return assertNever(l);
  }
}

/** The boolean clauses Elasticsearch counts for a tree: each value alternative and each range. */
export function clauses(k: K): number {
  switch (k.kind) {
    case 'const':
      return 1;
    case 'leaf':
      switch (k.leaf.kind) {
        case 'is':
          return k.leaf.values.length;
        case 'range':
          return 1;
        default:
          return assertNever(k.leaf);
      }
    case 'not':
      return clauses(k.child);
    case 'and':
    case 'or':
      return k.children.reduce((a, c) => a + clauses(c), 0);
    default:
      return assertNever(k);
  }
}
