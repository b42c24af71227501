/**
 * SPL tokens and escaping, as data. Every dialect fact here is from backends/splunk/NOTES.md.
 */

/**
 * A double-quoted SPL string. `\` and `"` are escaped every time, whatever follows: Search
 * Manual "Backslashes" ("you must escape the backslash by using the double-slash") and SPL2
 * "When to escape characters" (quotes). A value ending in `\` thus ends in `\\"`, never `\"`.
 */
export function splString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Field names written bare in a search term: letters, digits, `_` and `.`, not starting with a
 * digit (NOTES 1.3: only double quotes work there, and that only in practice, so other names go
 * to `| where`). Boolean operators are not field names.
 */
const SEARCH_FIELD = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const SEARCH_RESERVED = new Set(['OR', 'AND', 'NOT', 'IN', 'XOR', 'TERM', 'CASE']);

/** The directives that are fields of their own: `eventtype` and `tag` are the fields search adds. */
const FIELD_DIRECTIVES = new Set([
  'eventtype',
  'eventtypetag',
  'tag',
  'hosttag',
  'savedsearch',
  'savedsplunk',
]);

/**
 * Names that a `name=value` term of the search command reads as a directive, not as a test of a
 * field (NOTES 1.4): the time modifiers (Search Reference "Time modifiers", including the older
 * modifiers listed there as still valid) change the time range; `index`, `splunk_server` and
 * `splunk_server_group` choose which indexes and peers are searched; `eventtype`, `eventtypetag`,
 * `tag`, `hosttag`, `savedsearch` and `savedsplunk` expand to other searches (Search Reference
 * "search", `<search-modifier>`). See `isSearchDirective` for case.
 */
export const SEARCH_DIRECTIVES: ReadonlySet<string> = new Set([
  'earliest',
  'latest',
  '_index_earliest',
  '_index_latest',
  'now',
  'timeformat',
  'starttime',
  'endtime',
  'starttimeu',
  'endtimeu',
  'daysago',
  'hoursago',
  'minutesago',
  'monthsago',
  'startdaysago',
  'starthoursago',
  'startminutesago',
  'startmonthsago',
  'enddaysago',
  'endhoursago',
  'endminutesago',
  'endmonthsago',
  'searchtimespandays',
  'searchtimespanhours',
  'searchtimespanminutes',
  'searchtimespanmonths',
  'index',
  'splunk_server',
  'splunk_server_group',
  ...FIELD_DIRECTIVES,
]);

/**
 * The name as a search-term field, or null when the test must go to `| where` (where every name
 * is a field). A directive name is a search term only when `trusted`: a condition a pipeline
 * added (the user's configuration, e.g. `index`), never a field of the rule itself.
 */
export function searchFieldName(field: string, trusted = false): string | null {
  if (!SEARCH_FIELD.test(field) || SEARCH_RESERVED.has(field.toUpperCase())) return null;
  return trusted || !isSearchDirective(field) ? field : null;
}

/**
 * Whether `name=value` is read as a directive. The time modifiers, `index` and `splunk_server*`
 * in any case (no page says they are case-sensitive: the safe side). The others name fields, and
 * "field names are case sensitive" (Search Manual "Use fields to search"), so only their own
 * spelling is a directive: Sysmon's `EventType` and Okta's `eventType` stay search terms.
 */
export function isSearchDirective(name: string): boolean {
  return (
    FIELD_DIRECTIVES.has(name) ||
    (SEARCH_DIRECTIVES.has(name.toLowerCase()) && !FIELD_DIRECTIVES.has(name.toLowerCase()))
  );
}

/** Names eval reads bare; others go in single quotes (Search Reference "where": non-alphanumeric names). */
const EVAL_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EVAL_RESERVED = new Set(['AND', 'OR', 'NOT', 'XOR', 'LIKE', 'TRUE', 'FALSE', 'NULL', 'IN']);

/** Characters a field name may hold at all: printable, no quote, backslash, backtick or pipe. */
// eslint-disable-next-line no-control-regex -- control characters are what is matched
const SAFE_FIELD = /^[^\x00-\x1f\x7f'"`\\|[\]]+$/;

export function isSafeFieldName(field: string): boolean {
  return SAFE_FIELD.test(field);
}

/** A field reference in an eval expression (`| where`); single quotes mark a field, never a string. */
export function evalFieldName(field: string): string {
  return EVAL_FIELD.test(field) && !EVAL_RESERVED.has(field.toUpperCase()) ? field : `'${field}'`;
}

/** A field in `| table`: bare when search reads it bare, else double-quoted (Search Manual, `rename ... AS "Product Name"`). */
export function tableFieldName(field: string): string {
  return SEARCH_FIELD.test(field) ? field : splString(field);
}

/**
 * A PCRE pattern made safe to place in an SPL string: raw control characters become `\x{HH}`
 * (NOTES 2.10: never a raw newline in an emitted string), including after a backslash
 * (`\<newline>` is a literal newline in PCRE, and so is `\x{0a}`).
 */
export function pcreSafe(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[i + 1];
      out += isControl(n) ? hexEscape(n) : c + n;
      i++;
    } else out += isControl(c) ? hexEscape(c) : c;
  }
  return out;
}

function isControl(c: string): boolean {
  const n = c.charCodeAt(0);
  return n < 0x20 || n === 0x7f;
}

function hexEscape(c: string): string {
  return `\\x{${c.charCodeAt(0).toString(16).padStart(2, '0')}}`;
}

/** True if the text can sit in a quoted search value (no control characters: NOTES 2.10). */
export function searchSafeText(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is matched
  return !/[\x00-\x1f\x7f]/.test(text);
}
