/**
 * One scanner over a PCRE-like pattern (a Sigma `|re` value), and what the backends ask of it:
 * which constructs a pattern uses (`regexFeatures`) and which of them Kusto's RE2 lacks
 * (`unsupportedRe2Escape`). It knows escapes and character classes (a `]` right after `[` or
 * `[^` is a literal), nothing more: the translation to JavaScript (translate.ts) parses fully.
 */

/** A piece of the pattern the scanner reports. */
export type PcreToken =
  /** A backslash and the character after it ('' for a trailing backslash), inside a class or not. */
  | { readonly kind: 'escape'; readonly at: number; readonly char: string; readonly inClass: boolean }
  /** A character outside a character class that is not part of an escape (a class's `[` is not one). */
  | { readonly kind: 'char'; readonly at: number; readonly char: string };

/**
 * Walks `pattern` from `start`, calling `visit` for each escape and each character outside a
 * class, in order. Stops early when `visit` returns true.
 */
export function scanPcre(pattern: string, start: number, visit: (token: PcreToken) => boolean | void): void {
  let inClass = false;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (visit({ kind: 'escape', at: i, char: pattern[i + 1] ?? '', inClass })) return;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === ']') i++;
      else if (pattern[i + 1] === '^' && pattern[i + 2] === ']') i += 2;
      continue;
    }
    if (visit({ kind: 'char', at: i, char: c })) return;
  }
}

export interface RegexFeatures {
  readonly lookaround: boolean;
  readonly backreference: boolean;
  readonly possessive: boolean;
  readonly atomic: boolean;
  /** Inline flag groups such as `(?i)` (not at the very start) or `(?i:...)`. */
  readonly inlineFlags: boolean;
  /** A leading `(?i)`/`(?s)`... group; the flags it sets. */
  readonly leadingFlags: string;
  readonly namedGroup: boolean;
  /** An anchor outside a character class (`^`, `$`, `\A`, `\z`, `\Z`, `\G`): the match depends on where the value starts or ends. */
  readonly anchored: boolean;
}

/** Scans a PCRE-like pattern for constructs not every dialect has (RE2: no lookaround, backrefs). */
export function regexFeatures(pattern: string): RegexFeatures {
  let lookaround = false;
  let backreference = false;
  let possessive = false;
  let atomic = false;
  let inlineFlags = false;
  let namedGroup = false;
  let anchored = false;
  let leadingFlags = '';
  const lead = /^\(\?([imsx]+)\)/.exec(pattern);
  if (lead) leadingFlags = lead[1];
  scanPcre(pattern, lead ? lead[0].length : 0, (t) => {
    if (t.kind === 'escape') {
      const n = t.char;
      if (!t.inClass && (/[1-9]/.test(n) || n === 'k' || n === 'g')) backreference = true;
      if (!t.inClass && /[AzZG]/.test(n)) anchored = true;
      return;
    }
    const { char: c, at: i } = t;
    if (c === '^' || c === '$') anchored = true;
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) lookaround = true;
      else if (rest.startsWith('>')) atomic = true;
      else if (/^(P?<[A-Za-z_]|')/.test(rest)) namedGroup = true;
      else if (/^[imsxU-]+[):]/.test(rest)) inlineFlags = true;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+' && i > 0)
      possessive = true;
  });
  return { lookaround, backreference, possessive, atomic, inlineFlags, leadingFlags, namedGroup, anchored };
}

/**
 * The first escape, group or verb of `pattern` that RE2 (Kusto's "matches regex") has no form for,
 * named for a message, or null: PCRE escapes RE2 lacks (RE2 syntax reference,
 * https://github.com/google/re2/wiki/Syntax): `\Z \h \R \K \G \X \e \u ...`, comment, branch-reset,
 * recursion, conditional and named-call groups, and `(*VERB)`s. Lookaround, backreferences,
 * possessive quantifiers and atomic groups are `regexFeatures`'.
 */
export function unsupportedRe2Escape(pattern: string): string | null {
  let found: string | null = null;
  scanPcre(pattern, 0, (t) => {
    if (t.kind === 'escape') {
      if (t.char !== '' && 'ZhHRKGXeuNVcoO'.includes(t.char)) found = `the escape \\${t.char}`;
    } else if (t.char === '(' && pattern[t.at + 1] === '?') {
      const r = pattern.slice(t.at + 2);
      if (/^(#|\||R|\d|\(|&|P>|P=)/.test(r)) found = `the group '(?${r.slice(0, 2)}'`;
    } else if (t.char === '(' && pattern[t.at + 1] === '*') found = "a '(*VERB)'";
    return found !== null;
  });
  return found;
}
