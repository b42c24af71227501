/**
 * EQL tokens: string literals, field names, and the literal text of Lucene regular expressions.
 * Elastic's EQL syntax reference (https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html,
 * source docs/reference/eql/syntax.asciidoc in elastic/elasticsearch) gives each rule quoted here.
 */

/**
 * A double-quoted EQL string. "Special characters, such as a carriage return or double quote,
 * must be escaped with a preceding backslash": `\n \r \t \\ \"`; any other control character is
 * written as the hexadecimal escape `\u{XX}` ("2-8 characters, case-insensitive").
 */
export function eqlString(s: string): string {
  // Most values need no escape: one regex test instead of a loop per character.
  if (!EQL_ESCAPED.test(s)) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Control characters (C0, DEL, C1) and the line/paragraph separators, as \u{...}.
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029)
      out += `\\u{${c.toString(16).padStart(2, '0')}}`;
    else out += ch;
  }
  return out + '"';
}

/** The characters eqlString escapes (the loop's cases, in one class). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const EQL_ESCAPED = /[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** EQL keywords (Elasticsearch's EqlBase.g4 lexer): a field segment spelled so must be escaped. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'any',
  'by',
  'false',
  'in',
  'in~',
  'join',
  'like',
  'like~',
  'maxspan',
  'not',
  'null',
  'of',
  'or',
  'regex',
  'regex~',
  'sample',
  'sequence',
  'true',
  'until',
  'where',
  'with',
]);

const SEGMENT = /^[A-Za-z_@][A-Za-z0-9_@]*$/;

/** eqlField's results, by field name. */
const FIELD_TEXT = new Map<string, string>();

/**
 * A field name: plain when every dot-separated segment is an identifier and no keyword, else in
 * backticks ("Use enclosing backticks to escape field names that contain a hyphen, a space, start
 * with a numeral"; "Use double backticks to escape any backticks in the field name").
 */
export function eqlField(name: string): string {
  let out = FIELD_TEXT.get(name);
  if (out !== undefined) return out;
  const plain = name.split('.').every((s) => SEGMENT.test(s) && !KEYWORDS.has(s.toLowerCase()));
  out = plain ? name : '`' + name.replaceAll('`', '``') + '`';
  // A run names a few thousand fields, each written many times: memoised, the cache bounded.
  if (FIELD_TEXT.size >= 10_000) FIELD_TEXT.clear();
  FIELD_TEXT.set(name, out);
  return out;
}

/**
 * Literal text inside a Lucene regular expression (EQL `regex` "For supported regular expression
 * syntax, see Regular expression syntax": https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html).
 * "Reserved characters ... . ? + * | { } [ ] ( ) \" \\" and, with the optional operators,
 * "# @ & < > ~" are escaped with a backslash, which makes any character literal.
 */
export function luceneLiteral(text: string): string {
  return text.replace(/[.?+*|{}[\]()"\\#@&<>~]/g, (c) => '\\' + c);
}
