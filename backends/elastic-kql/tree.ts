/**
 * A small KQL syntax tree: what the lowering produces and the renderer prints. Constants
 * (`true`/`false`) come from approximations that drop a value; they fold away before printing.
 */
import { assertNever } from '../../src/diagnostics.js';
import { fieldName } from './escape.js';

export type K =
  | { readonly t: 'const'; readonly v: boolean }
  | { readonly t: 'and' | 'or'; readonly c: readonly K[] }
  | { readonly t: 'not'; readonly c: K }
  /** `field: v` or `field: (v1 or v2 ...)`; values are rendered value tokens; null field = field-less. */
  | {
      readonly t: 'is';
      readonly field: string | null;
      readonly values: readonly string[];
      readonly join?: 'and' | 'or';
    }
  | {
      readonly t: 'range';
      readonly field: string;
      readonly op: '<' | '<=' | '>' | '>=';
      readonly value: string;
    };

export const TRUE: K = { t: 'const', v: true };
export const FALSE: K = { t: 'const', v: false };

export function is(field: string | null, values: readonly string[], join: 'and' | 'or' = 'or'): K {
  if (values.length === 0) return join === 'or' ? FALSE : TRUE;
  return { t: 'is', field, values: [...new Set(values)], join };
}
export function and(c: readonly K[]): K {
  return { t: 'and', c };
}
export function or(c: readonly K[]): K {
  return { t: 'or', c };
}
export function not(c: K): K {
  return { t: 'not', c };
}

/** Folds constants, flattens nested and/or, merges same-field value lists. */
export function simplify(k: K): K {
  switch (k.t) {
    case 'const':
    case 'range':
      return k;
    case 'is':
      return k.values.length === 1 && k.join === 'and' ? { ...k, join: 'or' } : k;
    case 'not': {
      const c = simplify(k.c);
      if (c.t === 'const') return { t: 'const', v: !c.v };
      if (c.t === 'not') return c.c;
      return { t: 'not', c };
    }
    case 'and':
    case 'or': {
      const absorb = k.t === 'and' ? false : true; // the constant that decides the whole node
      const out: K[] = [];
      for (const raw of k.c) {
        const c = simplify(raw);
        if (c.t === 'const') {
          if (c.v === absorb) return c;
          continue;
        }
        if (c.t === k.t) out.push(...c.c);
        else out.push(c);
      }
      const merged = mergeSameField(out, k.t);
      if (merged.length === 0) return { t: 'const', v: !absorb };
      if (merged.length === 1) return merged[0];
      return { t: k.t, c: merged };
    }
    default:
      return assertNever(k);
  }
}

/** `f: a or f: b` -> `f: (a or b)`; `f: a and f: b` -> `f: (a and b)` (same field, same join). */
function mergeSameField(list: readonly K[], join: 'and' | 'or'): K[] {
  const out: K[] = [];
  const at = new Map<string, number>();
  for (const c of list) {
    if (c.t === 'is' && (c.values.length === 1 || c.join === join)) {
      const key = c.field === null ? '\u0000' : 'f' + c.field;
      const i = at.get(key);
      if (i !== undefined) {
        const prev = out[i] as Extract<K, { t: 'is' }>;
        out[i] = { ...prev, values: [...new Set([...prev.values, ...c.values])], join };
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
  switch (k.t) {
    case 'const':
      throw new Error('constant in a simplified KQL tree');
    case 'is': {
      const f = k.field === null ? '' : fieldName(k.field) + ': ';
      if (k.values.length === 1) return f + k.values[0];
      const list = '(' + k.values.join(` ${k.join ?? 'or'} `) + ')';
      return f + list;
    }
    case 'range':
      return `${fieldName(k.field)} ${k.op} ${k.value}`;
    case 'not':
      return (
        'not ' + (k.c.t === 'and' || k.c.t === 'or' ? '(' + render(k.c, true) + ')' : render(k.c, false))
      );
    case 'and':
    case 'or': {
      const s = k.c.map((c) => render(c, false)).join(` ${k.t} `);
      return top ? s : '(' + s + ')';
    }
    default:
      return assertNever(k);
  }
}
