/**
 * Unicode simple case folding (CaseFolding.txt, status C and S), the folding JavaScript's `/iu`
 * regular expressions use. Each code point folds to exactly one code point, so a `?` wildcard
 * still matches one character after folding. Full folding (`ß` to `ss`) is not applied: no SIEM
 * does it for case-insensitive equality either.
 */

// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const ASCII = /^[\x00-\x7f]*$/;
// Upper-then-lower is wrong where only a Turkic (T) folding exists: dotless i stays itself.
const cache = new Map<string, string>([['\u0131', '\u0131']]);

/** The simple case fold of one code point (given as a string). */
function foldCodePoint(c: string): string {
  let f = cache.get(c);
  if (f !== undefined) return f;
  f = c;
  // Upper then lower maps every member of a case class to one representative; a mapping that
  // would change the length (a full, not simple, folding) is skipped.
  const upper = c.toUpperCase();
  if (isOneCodePoint(upper)) {
    const lower = upper.toLowerCase();
    if (isOneCodePoint(lower)) f = lower;
    else f = c;
  } else {
    const lower = c.toLowerCase();
    if (isOneCodePoint(lower)) f = lower;
  }
  cache.set(c, f);
  return f;
}

function isOneCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff);
}

/** The case fold of a string: equal folds mean equal up to case. */
export function fold(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const c of s) out += foldCodePoint(c);
  return out;
}
