/** The match kinds, listed once: a new match kind is a compile error here until it is added. */
import type { Match, Node } from './types.js';

const MATCH_KINDS: Readonly<Record<Match['kind'], true>> = {
  string: true,
  regex: true,
  cidr: true,
  number: true,
  boolean: true,
  compare: true,
  exists: true,
  null: true,
  fieldref: true,
  time: true,
};

/** Whether a node is a match (a leaf), as opposed to and / or / not. */
export function isMatch(node: Node): node is Match {
  return Object.hasOwn(MATCH_KINDS, node.kind);
}
