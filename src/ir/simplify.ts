/**
 * Simplifications that keep meaning: flatten nested and/or, remove double negation, and collect
 * same-field OR values into one list node (which backends render as IN lists).
 */
import { assertNever } from '../diagnostics.js';
import type { Network, Node, NumberValue, SigmaString } from './types.js';
import { stringKey } from './sigma-string.js';
import { isMatch } from './kinds.js';

export function simplify(node: Node): Node {
  if (isMatch(node)) return node;
  switch (node.kind) {
    case 'not': {
      const child = simplify(node.child);
      return child.kind === 'not' ? child.child : { ...node, child };
    }
    case 'and':
    case 'or': {
      const flat: Node[] = [];
      for (const c of node.children) {
        const s = simplify(c);
        if (s.kind === node.kind) flat.push(...s.children);
        else flat.push(s);
      }
      const merged = node.kind === 'or' ? mergeOr(flat) : flat;
      return merged.length === 1 ? merged[0] : { ...node, children: merged };
    }
    default:
      return assertNever(node);
  }
}

/** Merges string, number, cidr and time matches on the same field (and op, case) under one OR. */
function mergeOr(children: Node[]): Node[] {
  const out: Node[] = [];
  // Per merge key: the slot in `out`, the values gathered so far and the keys seen.
  const groups = new Map<string, { at: number; values: unknown[]; seen: Set<string> }>();
  for (const c of children) {
    let k: string | undefined;
    let vals: readonly unknown[] = [];
    let id: (v: never) => string = () => '';
    if (c.kind === 'string') {
      k = `s\0${c.field}\0${c.op}\0${c.cased}`;
      vals = c.values;
      id = (v: SigmaString) => stringKey(v);
    } else if (c.kind === 'number' || c.kind === 'time') {
      k = c.kind === 'number' ? `n\0${c.field}` : `t\0${c.field}\0${c.unit}`;
      vals = c.values;
      id = (v: NumberValue) => v.text;
    } else if (c.kind === 'cidr') {
      k = `c\0${c.field}`;
      vals = c.networks;
      id = (v: Network) => `${v.address}/${v.prefix}`;
    }
    if (k === undefined) {
      out.push(c);
      continue;
    }
    let g = groups.get(k);
    if (!g) {
      g = { at: out.length, values: [], seen: new Set() };
      groups.set(k, g);
      out.push(c);
    }
    for (const v of vals) {
      const key = id(v as never);
      if (g.seen.has(key)) continue;
      g.seen.add(key);
      g.values.push(v);
    }
  }
  for (const g of groups.values()) {
    const first = out[g.at];
    if (first.kind === 'string') out[g.at] = { ...first, values: g.values as SigmaString[] };
    else if (first.kind === 'number' || first.kind === 'time')
      out[g.at] = { ...first, values: g.values as NumberValue[] };
    else if (first.kind === 'cidr') out[g.at] = { ...first, networks: g.values as Network[] };
  }
  return out;
}
