/**
 * The Splunk backend's working tree: the IR's and/or/not over matches, plus constants (what an
 * approximated leaf becomes when no narrower or wider form is left).
 */
import { assertNever } from '../../src/diagnostics.js';
import type { Match, Node } from '../../src/ir/types.js';
import { isMatch } from '../../src/ir/kinds.js';

export type Tree =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'and' | 'or'; readonly children: readonly Tree[] }
  | { readonly kind: 'not'; readonly child: Tree }
  | { readonly kind: 'leaf'; readonly m: Match };

export const TRUE: Tree = { kind: 'const', value: true };
export const FALSE: Tree = { kind: 'const', value: false };

export function leaf(m: Match): Tree {
  return { kind: 'leaf', m };
}

export function fromIR(n: Node): Tree {
  if (isMatch(n)) return leaf(n);
  switch (n.kind) {
    case 'and':
    case 'or':
      return { kind: n.kind, children: n.children.map(fromIR) };
    case 'not':
      return { kind: 'not', child: fromIR(n.child) };
    default:
      return assertNever(n);
  }
}

/** Folds constants and flattens nested and/or. */
export function fold(t: Tree): Tree {
  switch (t.kind) {
    case 'const':
    case 'leaf':
      return t;
    case 'not': {
      const c = fold(t.child);
      if (c.kind === 'const') return c.value ? FALSE : TRUE;
      if (c.kind === 'not') return c.child;
      return c === t.child ? t : { kind: 'not', child: c };
    }
    case 'and':
    case 'or': {
      const absorbing = t.kind === 'or';
      const out: Tree[] = [];
      for (const child of t.children) {
        const c = fold(child);
        if (c.kind === 'const') {
          if (c.value === absorbing) return c;
          continue;
        }
        if (c.kind === t.kind) out.push(...c.children);
        else out.push(c);
      }
      if (out.length === 0) return absorbing ? FALSE : TRUE;
      if (out.length === 1) return out[0];
      return { kind: t.kind, children: out };
    }
    default:
      return assertNever(t);
  }
}

/** Rebuilds the tree, replacing each leaf with `fn(match, negated)`. */
export function mapLeaves(t: Tree, fn: (m: Match, negated: boolean) => Tree, negated = false): Tree {
  switch (t.kind) {
    case 'const':
      return t;
    case 'leaf':
      return fn(t.m, negated);
    case 'not':
      return { kind: 'not', child: mapLeaves(t.child, fn, !negated) };
    case 'and':
    case 'or':
      return { kind: t.kind, children: t.children.map((c) => mapLeaves(c, fn, negated)) };
    default:
      return assertNever(t);
  }
}

export function everyLeaf(t: Tree, fn: (m: Match) => boolean): boolean {
  switch (t.kind) {
    case 'const':
      return true;
    case 'leaf':
      return fn(t.m);
    case 'not':
      return everyLeaf(t.child, fn);
    case 'and':
    case 'or':
      return t.children.every((c) => everyLeaf(c, fn));
    default:
      return assertNever(t);
  }
}
