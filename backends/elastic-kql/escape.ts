/**
 * KQL (Kibana Query Language) lexical rendering: phrases, wildcard values and field names.
 * Grammar facts (probed with Kibana's own grammar, see NOTES.md §1):
 * - In quotes only `\"` and `\\` escape, but `\t` `\r` `\n` also become control characters,
 *   so every backslash is doubled (Kibana kuery.peg, QuotedCharacter).
 * - Unquoted values escape `\ ( ) : < > " * { }` (kuery.peg SpecialCharacter; `{ }` are
 *   special since Kibana 7.6 nested-field syntax), whitespace is never escapable and is
 *   trimmed or splits keywords, so unquoted values never hold whitespace (callers ensure it).
 */

/** Characters a backslash escapes in an unquoted KQL value or field name. */
const UNQUOTED_SPECIAL = /[\\():<>"*{}]/g;

/** JS `\s` covers the whitespace the KQL grammar trims or splits on (incl. NBSP, U+3000). */
export const WHITESPACE = /\s/;

/** A quoted phrase: an exact value, never a wildcard. */
export function phrase(text: string): string {
  // `\n` `\r` `\t` are escapes in quotes too (kuery.peg EscapedWhitespace): the query stays on one line.
  return '"' + text.replace(/[\\"\n\r\t]/g, (c) => QUOTED_ESCAPES[c]!) + '"';
}

const QUOTED_ESCAPES: Readonly<Partial<Record<string, string>>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * An unquoted wildcard value: literal segments escaped, joined by `*`. Segments must not
 * contain whitespace (the caller replaces or rejects it).
 */
export function wildcardValue(segments: readonly string[]): string {
  return segments
    .map((s) => (HAS_UNQUOTED_SPECIAL.test(s) ? s.replace(UNQUOTED_SPECIAL, '\\$&') : s))
    .join('*');
}

const HAS_UNQUOTED_SPECIAL = /[\\():<>"*{}]/;

/** One character of a phrase (inside quotes). */
export function phraseChar(c: string): string {
  return QUOTED_ESCAPES[c] ?? c;
}

/** One character of an unquoted value. */
export function unquotedChar(c: string): string {
  return HAS_UNQUOTED_SPECIAL.test(c) ? '\\' + c : c;
}

/** Field names that need neither quotes nor escapes. */
const PLAIN_FIELD = /^[A-Za-z_@][A-Za-z0-9_@.\-/]*$/;
const KEYWORD = /^(?:and|or|not|true|false|null)$/i;

/** A field name as KQL reads it: bare when plain, else quoted (Kibana parses quoted field names). */
export function fieldName(name: string): string {
  // A bare name ending in `not` (`x.not`, `Snot`) is a syntax error before a range operator
  // (`x.not >= 1`: kuery.peg reads `not` as the operator keyword; probed, NOTES.md §1).
  if (PLAIN_FIELD.test(name) && !KEYWORD.test(name) && !/not$/i.test(name)) return name;
  return phrase(name);
}
