/**
 * Kusto string literals and names. Every value must round-trip exactly: the parsed literal equals
 * the intended text (checked with Microsoft's parser in test/backends/sentinel/sentinel.test.ts, "literals round-trip through the parser").
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
  // A string replacement (`$&`: the match), not a function per match; UNSAFE_G only when needed.
  const escaped = text.replace(special, '\\$&');
  return (
    quote +
    (UNSAFE.test(escaped)
      ? escaped.replace(UNSAFE_G, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
      : escaped) +
    quote
  );
}

/**
 * Words that cannot be used as bare column names or member names ("Entity names": quote them as
 * ['name']): the query keywords, plus every keyword of `@kusto/language-service-next` 12.4.1 that
 * does not parse as a bare name in `where X == "x"` or `D.X` (found with the parser: e.g. `missing`,
 * `title`, `earliest`). Compared in lower case, so quoting errs on the safe side.
 */
const KEYWORDS = new Set(
  (
    '__contextual_datatable __crossCluster __crossDB __executeAndCache __id __isFuzzy __noWithSource ' +
    '__packedColumn __projectAway __sourceColumnIndex access accumulate alias and anomalychart areachart ' +
    'as asc bagexpansion barchart between bool boolean by byte cachingpolicy callout cancel card char ' +
    'cluster columnchart consume contains contains_cs containscs count cycles database dataexport ' +
    'datascope datatable date datetime decimal declare decodeblocks desc distinct double dynamic ' +
    'earliest encodingpolicy endswith endswith_cs entity_group evaluate expandoutput extend ' +
    'extent_tags_retention external_data external_table externaldata facet false filter find first flags ' +
    'float force_remote fork from function getschema graph-match guid harddelete hardretention has ' +
    'has_all has_any has_cs hasprefix hasprefix_cs hassuffix hassuffix_cs hint hotcache in int int16 ' +
    'int32 int64 int8 invoke isfuzzy join journal kind ladderchart last latest let like likecs limit ' +
    'linechart long lookup make-series matches materialize mdm missing mv-apply mv-expand ' +
    'nooptimization not notcontains notcontainscs notlike notlikecs null nulls of on or order others ' +
    'parse partition pathformat pattern piechart pivotchart print project queries query_results range ' +
    'real regex relaxed render restrict restricted_view_access row_level_security rowstore ' +
    'rowstore_references rowstore_sealinfo rowstorepolicy rowstores sample scan scatterchart seal seals ' +
    'search serialize set shards simple softdelete softretention sort sql stackedareachart startswith ' +
    'startswith_cs statistics storedqueryresultcontainers string summarize table tablepurge take time ' +
    'timechart timeline timepivot timespan title to top toscalar totable treemap true typeof uint uint16 ' +
    'uint32 uint64 uint8 ulong union uniqueid unrestrictedviewers verbose view viewers views where with ' +
    'with_itemindex with_match_id with_step_name writeaheadlog'
  )
    .trim()
    .split(' ')
    .map((w) => w.toLowerCase()),
);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A column name: bare when it is a plain identifier, else `['name']` ("Entity names"). */
export function kustoName(name: string): string {
  if (IDENT.test(name) && !KEYWORDS.has(name.toLowerCase()) && !/^\d/.test(name)) return name;
  return '[' + kustoString(name, "'") + ']';
}

/**
 * A dynamic member access: `.key` for identifiers, `[0]` for an array index (a canonical integer:
 * `00` or `01` is a key, not an index), else `['key']`.
 */
export function kustoMember(key: string): string {
  if (/^(?:0|[1-9]\d{0,8})$/.test(key)) return `[${key}]`;
  if (IDENT.test(key) && !KEYWORDS.has(key.toLowerCase())) return '.' + key;
  return '[' + kustoString(key, "'") + ']';
}
