/**
 * Kusto string literals and names. Every value must round-trip exactly: the parsed literal equals
 * the intended text (checked with Microsoft's parser in test/sentinel-literal.test.ts).
 */

// Characters a literal must not hold raw: C0/C1 controls, DEL, line/paragraph separators, BOM,
// and lone surrogates (which UTF-8 output cannot carry).
/* eslint-disable no-control-regex -- control characters are what it looks for */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/* eslint-enable no-control-regex */
const UNSAFE_G = new RegExp(UNSAFE.source, 'g');

/**
 * A Kusto string literal whose value is exactly `text`.
 * "The string data type": `@"..."` is verbatim (backslash is itself, `"` doubled) but cannot hold a
 * newline; `"..."` takes `\\`, `\"` and `\uXXXX` escapes. Values with a backslash (Windows paths)
 * read best verbatim; anything with a control character goes through the escaped form.
 */
export function kustoString(text: string, quote: '"' | "'" = '"'): string {
  if (text.includes('\\') && !UNSAFE.test(text))
    return '@' + quote + text.split(quote).join(quote + quote) + quote;
  const special = quote === '"' ? /[\\"]/g : /[\\']/g;
  return (
    quote +
    text
      .replace(special, (c) => '\\' + c)
      .replace(UNSAFE_G, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) +
    quote
  );
}

/** Kusto keywords that cannot be used as bare column names ("Entity names": quote them as ['name']). */
const KEYWORDS = new Set(
  (
    'and or not in has contains startswith endswith matches regex between where by on of with as to from let set alias ' +
    'declare pattern restrict access true false null dynamic datetime timespan time bool boolean int long real double ' +
    'decimal string guid typeof print project extend summarize sort order take top limit count distinct join union ' +
    'range evaluate parse render search find filter facet fork invoke lookup mv-expand mv-apply sample as asc desc ' +
    'nulls first last kind hint materialize toscalar totable view function database cluster table external_table ' +
    'entity_group graph-match make-series partition scan serialize getschema consume'
  ).split(' '),
);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A column name: bare when it is a plain identifier, else `['name']` ("Entity names"). */
export function kustoName(name: string): string {
  if (IDENT.test(name) && !KEYWORDS.has(name.toLowerCase()) && !/^\d/.test(name)) return name;
  return '[' + kustoString(name, "'") + ']';
}

/** A dynamic member access: `.key` for identifiers, else `['key']` / `[0]` for array indexes. */
export function kustoMember(key: string): string {
  if (/^\d+$/.test(key)) return `[${key}]`;
  if (IDENT.test(key) && !KEYWORDS.has(key.toLowerCase())) return '.' + key;
  return '[' + kustoString(key, "'") + ']';
}
