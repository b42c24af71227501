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

/** The most specific op for values that carry their wildcards. */
export function unfold(values: readonly SigmaString[]): { op: StringOp; values: SigmaString[] } {
  const isAny = (p: Part | undefined) => p?.kind === 'any';
  const forms: Array<[StringOp, number, number]> = [
    ['contains', 1, 1],
    ['startswith', 0, 1],
    ['endswith', 1, 0],
  ];
  for (const [op, pre, post] of forms) {
    const fits = (v: SigmaString) =>
      v.length > pre + post && (!pre || isAny(v[0])) && (!post || isAny(v[v.length - 1]));
    if (values.length > 0 && values.every(fits))
      return { op, values: values.map((v) => v.slice(pre, v.length - post)) };
  }
  return { op: 'eq', values: [...values] };
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
  const parts: Node[] = [];
  if (keep.length) parts.push({ ...m, values: keep });
  if (made.length) {
    const u = unfold(made);
    if (keep.length && u.op === m.op) parts[0] = { ...m, values: [...keep, ...u.values] };
    else parts.push({ ...m, op: u.op, values: u.values });
  }
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
