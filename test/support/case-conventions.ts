/**
 * Where "case-insensitive" is not one thing. Sigma says strings match case-insensitively and
 * names no folding; sigmantic's reference evaluator uses Unicode simple case folding (the folding
 * of JavaScript `/iu`, RE2 and PCRE2 `(?i)` in UTF mode). The SIEMs document case-insensitivity
 * only by ASCII examples (Kusto `=~`: "abc" =~ "ABC"; Splunk: "case-insensitive"; Elasticsearch
 * keyword fields have none), and per-character lowercasing (Kusto `tolower`, Splunk `lower`) or
 * uppercasing (.NET `OrdinalIgnoreCase`) join fewer or other characters than folding does: the
 * long s (U+017F) folds to `s` but its lowercase is itself; the Kelvin sign (U+212A) lowercases
 * to `k` but uppercases to itself; final sigma, the Greek symbol letters, the micro sign, the
 * Ohm and Angstrom signs, capital sharp s, Cherokee ...
 *
 * A character is *disputed* when the three conventions put it with different other characters.
 * For those the vendors' behaviour is not documented, so a query's exactness cannot be judged on
 * events holding them: the corpus check re-judges such an event with each disputed character
 * replaced by its reading under one convention (folding, lowercasing, uppercasing), and reports a
 * disagreement that disappears under one of them as "undocumented folding" (docs/testing-rules.md).
 */
import { fold } from '../../src/evaluate/index.js';

/** The three readings of "equal up to case" a vendor may use, as a per-character key. */
export type Convention = 'fold' | 'lower' | 'upper';
export const CONVENTIONS: readonly Convention[] = ['fold', 'lower', 'upper'];

function oneCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff);
}

/** A character's key under a convention (simple mappings: one code point to one). */
function keyOf(c: string, convention: Convention): string {
  switch (convention) {
    case 'fold':
      return fold(c);
    case 'lower': {
      // UnicodeData's simple lowercase of U+0130 is `i`; JavaScript gives the full mapping `i` + U+0307.
      if (c === '\u0130') return 'i';
      const l = c.toLowerCase();
      return oneCodePoint(l) ? l : c;
    }
    case 'upper': {
      const u = c.toUpperCase();
      return oneCodePoint(u) ? u : c;
    }
  }
}

const cache = new Map<string, Readonly<Record<Convention, string>> | null>();

/**
 * A disputed character's reading under every convention, or null when it is not disputed. A
 * character is disputed when lowercasing or uppercasing it does not give what its simple fold
 * gives, or lands on a character of another fold: then the conventions join it with different
 * characters (the long s is an s when folded or uppercased, itself when lowercased). ASCII
 * letters agree among themselves under every convention and are never disputed.
 */
export function disputedReadings(c: string): Readonly<Record<Convention, string>> | null {
  let r = cache.get(c);
  if (r !== undefined) return r;
  r = null;
  if (c.codePointAt(0)! >= 0x80) {
    const f = fold(c);
    const lower = keyOf(c, 'lower');
    const upper = keyOf(c, 'upper');
    if (lower !== keyOf(f, 'lower') || upper !== keyOf(f, 'upper') || fold(lower) !== f || fold(upper) !== f)
      r = { fold: f, lower, upper };
  }
  cache.set(c, r);
  return r;
}

/** Whether a text holds a disputed character. */
export function hasDisputed(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- ASCII holds no disputed character
  if (/^[\x00-\x7f]*$/.test(s)) return false;
  for (const c of s) if (disputedReadings(c) !== null) return true;
  return false;
}

/** The text with each disputed character replaced by its reading under a convention. */
export function undisputed(s: string, convention: Convention): string {
  let out = '';
  for (const c of s) out += disputedReadings(c)?.[convention] ?? c;
  return out;
}
