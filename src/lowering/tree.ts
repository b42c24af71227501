/**
 * The working tree every backend lowers into: the IR's and / or / not over leaves of the
 * backend's own choosing (IR matches, or rendered tokens), plus constants, which is what an
 * approximated leaf becomes when no narrower or wider form is left. Constants fold away before
 * rendering. One tree for all backends, so that the polarity walk and the folding are written once.
 */
import { assertNever } from '../diagnostics.js';
import { isMatch } from '../ir/kinds.js';
import type { Match, Node } from '../ir/types.js';

export type Tree<L> =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'and' | 'or'; readonly children: readonly Tree<L>[] }
  | { readonly kind: 'not'; readonly child: Tree<L> }
  | { readonly kind: 'leaf'; readonly leaf: L };

export const TRUE: Tree<never> = { kind: 'const', value: true };
export const FALSE: Tree<never> = { kind: 'const', value: false };

export function constant(value: boolean): Tree<never> {
  return value ? TRUE : FALSE;
}
export function leaf<L>(l: L): Tree<L> {
  return { kind: 'leaf', leaf: l };
}
export function and<L>(children: readonly Tree<L>[]): Tree<L> {
  return { kind: 'and', children };
}
export function or<L>(children: readonly Tree<L>[]): Tree<L> {
  return { kind: 'or', children };
}
export function not<L>(child: Tree<L>): Tree<L> {
  return { kind: 'not', child };
}

/** The IR as a working tree whose leaves are the IR's matches. */
export function fromIR(n: Node): Tree<Match> {
  if (isMatch(n)) return leaf(n);
  switch (n.kind) {
    case 'and':
    case 'or':
      return { kind: n.kind, children: n.children.map(fromIR) };
    case 'not':
      return not(fromIR(n.child));
    default:
      return assertNever(n);
  }
}

/**
 * A hook for `fold`: rewrites the children of an and/or after they were folded and flattened
 * (Elastic merges `f: a or f: b` into `f: (a or b)` here). It must keep the node's meaning.
 */
export type MergeChildren<L> = (children: readonly Tree<L>[], kind: 'and' | 'or') => Tree<L>[];

/**
 * Folds constants (`x and false` = false, `not true` = false, an empty `and` = true), removes
 * double negation and flattens nested and/or of the same kind. Meaning-preserving.
 */
export function fold<L>(t: Tree<L>, merge?: MergeChildren<L>): Tree<L> {
  switch (t.kind) {
    case 'const':
    case 'leaf':
      return t;
    case 'not': {
      const c = fold(t.child, merge);
      if (c.kind === 'const') return constant(!c.value);
      if (c.kind === 'not') return c.child;
      return c === t.child ? t : not(c);
    }
    case 'and':
    case 'or': {
      const absorbing = t.kind === 'or'; // the constant that decides the whole node
      let out: Tree<L>[] = [];
      for (const child of t.children) {
        const c = fold(child, merge);
        if (c.kind === 'const') {
          if (c.value === absorbing) return c;
          continue;
        }
        if (c.kind === t.kind) out.push(...c.children);
        else out.push(c);
      }
      if (merge) out = merge(out, t.kind);
      if (out.length === 0) return constant(!absorbing);
      if (out.length === 1) return out[0];
      return { kind: t.kind, children: out };
    }
    default:
      return assertNever(t);
  }
}

/**
 * Rebuilds the tree, replacing each leaf with `fn(leaf, negated)`, where `negated` tells whether
 * the leaf sits under an odd number of `not`s: an approximation there must narrow the leaf so
 * that the whole query still widens (see approximate.ts).
 */
export function mapLeaves<L, M>(
  t: Tree<L>,
  fn: (l: L, negated: boolean) => Tree<M>,
  negated = false,
): Tree<M> {
  switch (t.kind) {
    case 'const':
      return t;
    case 'leaf':
      return fn(t.leaf, negated);
    case 'not':
      return not(mapLeaves(t.child, fn, !negated));
    case 'and':
    case 'or':
      return { kind: t.kind, children: t.children.map((c) => mapLeaves(c, fn, negated)) };
    default:
      return assertNever(t);
  }
}

/** Lowers an IR node leaf by leaf, with each match's polarity: `mapLeaves(fromIR(n), fn)`. */
export function lowerLeaves<M>(n: Node, fn: (m: Match, negated: boolean) => Tree<M>): Tree<M> {
  return mapLeaves(fromIR(n), fn);
}

/** Whether every leaf satisfies `fn` (constants do). */
export function everyLeaf<L>(t: Tree<L>, fn: (l: L) => boolean): boolean {
  switch (t.kind) {
    case 'const':
      return true;
    case 'leaf':
      return fn(t.leaf);
    case 'not':
      return everyLeaf(t.child, fn);
    case 'and':
    case 'or':
      return t.children.every((c) => everyLeaf(c, fn));
    default:
      return assertNever(t);
  }
}

/** Whether some leaf satisfies `fn`. */
export function someLeaf<L>(t: Tree<L>, fn: (l: L) => boolean): boolean {
  return !everyLeaf(t, (l) => !fn(l));
}
