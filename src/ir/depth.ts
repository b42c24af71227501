/**
 * The IR's depth limit. Every stage after the build (simplification, pipelines, lowering, the
 * renderers, the evaluator) recurses on the tree; the condition parser's limit keeps rules far
 * below this one, and this check (without recursion) is the backstop before each of them.
 */
import type { Node } from './types.js';

export const IR_LIMITS = {
  /** Deepest IR tree (a condition at CONDITION_LIMITS.depth plus its selections is about 70). */
  depth: 96,
};

/** Whether a tree is deeper than `limit` levels (a leaf is one level). Iterative: any depth is safe. */
export function deeperThan(root: Node, limit: number = IR_LIMITS.depth): boolean {
  // Two parallel stacks (no tuple per node): this runs on every rule and target.
  const nodes: Node[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const d = depths.pop()!;
    if (d > limit) return true;
    if (node.kind === 'and' || node.kind === 'or')
      for (const c of node.children) {
        nodes.push(c);
        depths.push(d + 1);
      }
    else if (node.kind === 'not') {
      nodes.push(node.child);
      depths.push(d + 1);
    }
  }
  return false;
}

export const TOO_DEEP = `the rule's expression nests more than ${IR_LIMITS.depth} levels`;
