/**
 * Elastic EQL for every case, converted with no pipelines: field types are unknown, so every field
 * is taken as `keyword` (as the Elastic target takes it) and the event category is `any`. Reviewed by
 * hand against backends/eql/NOTES.md:
 * - case-insensitive values use `:` (with `*` and `?` wildcards); |cased ones `==`, `in`, `like`;
 * - a literal `*` or `?` (EQL has no escape for them in patterns): `in~` for equality, `regex~` beside wildcards;
 * - regexes become anchored Lucene regexes (`.*(...).*`), `(?i)` `regex~`; lookaround is approximated;
 * - IPv4 CIDR on a non-ip field: exact regexes of the canonical dotted quads; IPv6: "holds a ':'" (widens);
 * - keywords (no field): EQL has no full-text search; a keyword not under `not` is refused (`degenerate`),
 *   since leaving it out would leave only the rule's other conditions;
 * - field-to-field comparisons and numeric ranges on untyped fields: "the fields exist" (widens).
 */
import type { CaseDiagnostics, Expectations } from './cases.js';

export const expected: Expectations = {
  eq_backslashes: {
    status: 'exact',
    query: 'any where Image : "C:\\\\Windows\\\\System32\\\\cmd.exe"',
  },
  eq_trailing_backslash: {
    status: 'exact',
    query: 'any where Path : "C:\\\\Windows\\\\"',
  },
  contains: {
    status: 'exact',
    query: 'any where CommandLine : "* -EncodedCommand *"',
  },
  startswith_endswith: {
    status: 'exact',
    query: 'any where Image : "*\\\\rundll32.exe" and CommandLine : "rundll32*"',
  },
  inner_wildcard: {
    status: 'exact',
    query: 'any where Image : "C:\\\\Users\\\\*\\\\AppData\\\\*.exe"',
  },
  one_char_wildcard: {
    status: 'exact',
    query: 'any where Hash : "*0200????7F*"',
  },
  literal_star: {
    status: 'exact',
    query: 'any where Name in~ ("a*b")',
  },
  literal_question: {
    status: 'exact',
    query: 'any where Name regex~ ".*what\\\\?"',
  },
  backslash_then_wildcard: {
    status: 'exact',
    query: 'any where Path : "C:\\\\Temp\\\\*"',
  },
  value_list: {
    status: 'exact',
    query: 'any where Image : ("*\\\\certutil.exe", "*\\\\bitsadmin.exe")',
  },
  all_modifier: {
    status: 'exact',
    query: 'any where CommandLine : "*vssadmin*" and CommandLine : "*delete*"',
  },
  cased: {
    status: 'exact',
    query: 'any where Name == "CaseSensitive"',
  },
  cased_contains: {
    status: 'exact',
    query: 'any where CommandLine like "*FromBase64*"',
  },
  regex: {
    status: 'exact',
    query: 'any where CommandLine regex ".*([ \\t\\n\\u{0b}\\u{0c}\\r]-[eE]nc?[ \\t\\n\\u{0b}\\u{0c}\\r]).*"',
  },
  regex_i: {
    status: 'exact',
    query: 'any where CommandLine regex~ ".*(invoke-(expression|webrequest)).*"',
  },
  regex_as_wildcard: {
    status: 'exact',
    query: 'any where Image : "*\\\\cmd.exe"',
  },
  regex_lookaround: {
    status: 'approximate',
    query: 'any where User != null',
  },
  regex_under_or: {
    status: 'exact',
    query: 'any where CommandLine regex ".*(a[0-9]+b).*" or Image : "*\\\\x.exe"',
  },
  cidr_v4: {
    status: 'exact',
    query:
      'any where DestinationIp regex ("10\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.16\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.17\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.18\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.19\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.20\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.21\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.22\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.23\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.24\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.25\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.26\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.27\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.28\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.29\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.30\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])", "172\\\\.31\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")',
  },
  cidr_v6: {
    status: 'approximate',
    query: 'any where DestinationIp : "*:*"',
  },
  not_cidr: {
    status: 'exact',
    query:
      'any where Image : "*\\\\x.exe" and not DestinationIp regex "127\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"',
  },
  number: {
    status: 'exact',
    query: 'any where EventID == "4688"',
  },
  number_list: {
    status: 'exact',
    query: 'any where EventID in ("4688", "1")',
  },
  number_as_text: {
    status: 'exact',
    query: 'any where Status : "00000429"',
  },
  boolean: {
    status: 'exact',
    query: 'any where Enabled : "true"',
  },
  null_value: {
    status: 'exact',
    query: 'any where Image : "*\\\\x.exe" and ParentImage == null',
  },
  empty_value: {
    status: 'exact',
    query: 'any where Image : "*\\\\x.exe" and OriginalFileName : ""',
  },
  exists: {
    status: 'exact',
    query: 'any where Image != null and ParentImage == null',
  },
  compare: {
    status: 'approximate',
    query: 'any where Count != null and Size != null',
  },
  fieldref: {
    status: 'approximate',
    query: 'any where TargetUserName != null and SubjectUserName != null',
  },
  fieldref_contains: {
    status: 'approximate',
    query: 'any where CommandLine != null and User != null',
  },
  keywords: {
    status: 'unsupported',
  },
  not_filter: {
    status: 'exact',
    query: 'any where Image : "*\\\\powershell.exe" and not ParentImage : "*\\\\explorer.exe"',
  },
  or_of_maps: {
    status: 'exact',
    query: 'any where Image : "*\\\\a.exe" or OriginalFileName : "a.exe"',
  },
  and_or_nesting: {
    status: 'exact',
    query: 'any where Image : ("*\\\\a.exe", "*\\\\b.exe") and CommandLine : "*x*"',
  },
  one_of_pattern: {
    status: 'exact',
    query:
      'any where Image : "*\\\\a.exe" and CommandLine : "*evil*" and not (User : "SYSTEM" or ParentImage : "C:\\\\Program Files\\\\*")',
  },
  windash: {
    status: 'exact',
    query: 'any where CommandLine : ("* -exec *", "* /exec *", "* –exec *", "* —exec *", "* ―exec *")',
  },
  base64offset: {
    status: 'exact',
    query: 'any where CommandLine : ("*aHR0cDovL*", "*h0dHA6Ly*", "*odHRwOi8v*")',
  },
  wide_base64offset: {
    status: 'exact',
    query: 'any where CommandLine : ("*cABpAG4AZw*", "*AAaQBuAGcA*", "*wAGkAbgBnA*")',
  },
  expand_placeholder: {
    status: 'unsupported',
  },
  neq: {
    status: 'exact',
    query: 'any where Image : "*\\\\x.exe" and not Status : "ok"',
  },
  hostile_value: {
    status: 'exact',
    query: 'any where CommandLine : "*a\\" | delete index=* ) OR (x=\'y*"',
  },
  non_ascii: {
    status: 'exact',
    query: 'any where Name : "Ünïcødé 名前"',
  },
  odd_field_names: {
    status: 'exact',
    query: 'any where `Some Field` : "x" and `Field-Name` : "y" and a.b : "z"',
  },
  not_one_char: {
    status: 'exact',
    query: 'any where Image : "*\\\\x.exe" and not User : "adm?n"',
  },
  fields_table: {
    status: 'exact',
    query: 'any where Image : "*\\\\x.exe"',
  },
  keywords_all: {
    status: 'unsupported',
  },
  keywords_cased: {
    status: 'unsupported',
  },
  keywords_windash_all: {
    status: 'unsupported',
  },
};

export const diagnostics: CaseDiagnostics = {
  regex_lookaround: [['approximation', 'regex', 'wider']],
  cidr_v6: [['approximation', 'cidr', 'wider']],
  compare: [
    ['approximation', 'field-type', 'wider'],
    ['approximation', 'field-type', 'wider'],
  ],
  fieldref: [['approximation', 'fieldref', 'wider']],
  fieldref_contains: [['approximation', 'fieldref', 'wider']],
  keywords: [['unsupported-construct', 'degenerate']],
  expand_placeholder: [['unsupported-construct', 'placeholder']],
  keywords_all: [['unsupported-construct', 'degenerate']],
  keywords_cased: [['unsupported-construct', 'degenerate']],
  keywords_windash_all: [['unsupported-construct', 'degenerate']],
};
