/** Reading a node's origin: its place in the rule file, or the pipeline item that added it. */
import type { Node, RulePlace } from './types.js';

/** The node's place in the rule file, or undefined (no origin, or added by a pipeline). */
export function placeOf(node: Node): RulePlace | undefined {
  const o = node.origin;
  return o === undefined || o.addedBy !== undefined ? undefined : o;
}

/** The label of the pipeline item that added the node, or undefined when it is the rule's own. */
export function addedBy(node: Node): string | undefined {
  return node.origin?.addedBy;
}
