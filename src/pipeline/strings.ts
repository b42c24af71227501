/**
 * Value rewriting as pySigma sees values: a string with the wildcards its op implies
 * (`contains x` is `*x*`). Rewritten values go back to the most specific op, so that
 * `contains` stays `contains` when the result still reads that way.
 */
import { BUILD_LIMITS } from '../ir/build.js';
import { normalize, parseSigmaString, sameString, withOp } from '../ir/sigma-string.js';
import type { Node, Part, SigmaString, StringMatch, StringOp } from '../ir/types.js';
import { or, posOf, RuleFailure, type Rewrite } from './context.js';

/** pySigma's `str(SigmaString)`: `*` `?` as wildcards, literal ones escaped, `%name%` placeholders. */
export function sigmaText(s: SigmaString): string {
  let out = '';
  for (const p of s) {
    if (p.kind === 'text') out += p.text.replace(/[*?]/g, '\\$&');
    else if (p.kind === 'any') out += '*';
    else if (p.kind === 'one') out += '?';
    else out += `%${p.name}%`;
  }
  return out;
}

/** Reads text back as pySigma does after a replacement (lone backslashes stay literal). */
export function fromSigmaText(text: string, placeholders: boolean): SigmaString {
  return parseSigmaString(text.replace(/\\(?![*?])/g, '\\\\'), placeholders);
}

/** The most specific op for a value that carries its wildcards (`*x*` is `contains x`). */
export function unfold(v: SigmaString): { op: StringOp; value: SigmaString } {
  const first = v[0]?.kind === 'any';
  const last = v.length > 1 && v[v.length - 1]?.kind === 'any';
  if (first && last && v.length > 2) return { op: 'contains', value: v.slice(1, -1) };
  if (last) return { op: 'startswith', value: v.slice(0, -1) };
  if (first && v.length > 1) return { op: 'endswith', value: v.slice(1) };
  return { op: 'eq', value: v };
}

/**
 * Rewrites each value of a string match (seen with its op folded in). `fn` returns null to keep
 * a value, else its replacement values. Kept and rewritten values become an OR of two matches
 * when their ops differ.
 */
export function rewriteStrings(m: StringMatch, fn: (folded: SigmaString) => SigmaString[] | null): Rewrite {
  const keep: SigmaString[] = [];
  const made: SigmaString[] = [];
  let changed = false;
  for (const v of m.values) {
    const folded = withOp(v, m.op);
    const r = fn(folded);
    if (r === null || (r.length === 1 && sameString(r[0], folded))) keep.push(v);
    else {
      changed = true;
      made.push(...r.map(normalize));
    }
  }
  if (!changed) return undefined;
  const groups = new Map<StringOp, SigmaString[]>();
  if (keep.length) groups.set(m.op, keep);
  for (const v of made) {
    const u = unfold(v);
    const g = groups.get(u.op);
    if (g) g.push(u.value);
    else groups.set(u.op, [u.value]);
  }
  const parts: Node[] = [...groups].map(([op, values]) => ({ ...m, op, values }));
  return parts.length ? or(parts) : null;
}

/**
 * Replaces placeholder parts. `resolve` returns the alternatives for a placeholder (each a
 * SigmaString), or null to leave it. Several placeholders in one value give every combination.
 */
export function expandPlaceholders(
  m: StringMatch,
  resolve: (name: string) => readonly SigmaString[] | null,
): { values: SigmaString[]; names: string[] } | undefined {
  let changed = false;
  const names: string[] = [];
  const out: SigmaString[] = [];
  for (const v of m.values) {
    if (!v.some((p) => p.kind === 'placeholder')) {
      out.push(v);
      continue;
    }
    let acc: Part[][] = [[]];
    for (const p of v) {
      const alts = p.kind === 'placeholder' ? resolve(p.name) : null;
      if (alts === null) {
        for (const a of acc) a.push(p);
        continue;
      }
      changed = true;
      if (p.kind === 'placeholder' && !names.includes(p.name)) names.push(p.name);
      const next: Part[][] = [];
      for (const a of acc) for (const alt of alts) next.push([...a, ...alt]);
      acc = next;
      if (acc.length * m.values.length > BUILD_LIMITS.itemValues)
        throw new RuleFailure(`placeholder expansion exceeds ${BUILD_LIMITS.itemValues} values`, posOf(m));
    }
    for (const a of acc) out.push(normalize(a));
  }
  return changed ? { values: out, names } : undefined;
}
