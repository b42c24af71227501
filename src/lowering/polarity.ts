/** Tree rewriting that knows the polarity (under an odd number of `not`s) of every match. */
import { assertNever } from '../diagnostics.js';
import type { Match, Node } from '../ir/types.js';
import { isMatch } from '../ir/kinds.js';

/**
 * Rebuilds the tree, replacing each match with `fn(match, negated)`. An approximation must widen
 * where `negated` is false and narrow where it is true, so that the query as a whole only widens.
 */
export function mapMatches(node: Node, fn: (m: Match, negated: boolean) => Node, negated = false): Node {
  if (isMatch(node)) return fn(node, negated);
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = node.children.map((c) => mapMatches(c, fn, negated));
      return children.every((c, i) => c === node.children[i]) ? node : { ...node, children };
    }
    case 'not': {
      const child = mapMatches(node.child, fn, !negated);
      return child === node.child ? node : { ...node, child };
    }
    default:
      return assertNever(node);
  }
}

/** Visits every match with its polarity. */
export function forEachMatch(node: Node, fn: (m: Match, negated: boolean) => void, negated = false): void {
  mapMatches(
    node,
    (m, neg) => {
      fn(m, neg);
      return m;
    },
    negated,
  );
}
