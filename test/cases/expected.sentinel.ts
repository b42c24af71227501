/**
 * Sentinel KQL (Kusto) for every case, reviewed by hand. The cases run with `--set table=SigmaEvents`
 * and no pipelines: a table outside data/tables.json, so field names are kept as written and
 * treated as string columns. Notes:
 * - `=~`, `contains`, `startswith`, `endswith` are case-insensitive; `|cased` gives `==` / `_cs`.
 * - A value with an inner `*` or a `?` becomes an anchored RE2 `matches regex` (`\z` end anchor,
 *   `[\s\S]` so wildcards cross newlines, `(?i)` unless cased); a contains stays unanchored.
 * - Values with a backslash are verbatim literals (`@"..."`, `"` doubled), others regular ones.
 * - `not cidr` is guarded with coalesce(..., false): ipv4_is_in_range() is null for a missing or
 *   non-IPv4 value, and not(null) would drop events the rule keeps.
 * - Keywords search every column with `* contains`; `%admins%` under `|expand` is a watchlist.
 * - `regex_lookaround`: RE2 has no lookaround, so the rule is unsupported.
 */
import type { CaseDiagnostics, Expectations } from './cases.js';

export const expected: Expectations = {
  eq_backslashes: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image =~ @"C:\\Windows\\System32\\cmd.exe"',
  },
  eq_trailing_backslash: {
    status: 'exact',
    query: 'SigmaEvents\n| where Path =~ @"C:\\Windows\\"',
  },
  contains: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine contains " -EncodedCommand "',
  },
  startswith_endswith: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image endswith @"\\rundll32.exe" and CommandLine startswith "rundll32"',
  },
  inner_wildcard: {
    status: 'exact',
    query:
      'SigmaEvents\n| where Image matches regex @"(?i)^C:\\\\Users\\\\[\\s\\S]*\\\\AppData\\\\[\\s\\S]*\\.exe\\z"',
  },
  one_char_wildcard: {
    status: 'exact',
    query: 'SigmaEvents\n| where Hash matches regex @"(?i)0200[\\s\\S][\\s\\S][\\s\\S][\\s\\S]7F"',
  },
  literal_star: {
    status: 'exact',
    query: 'SigmaEvents\n| where Name =~ "a*b"',
  },
  literal_question: {
    status: 'exact',
    query: 'SigmaEvents\n| where Name endswith "what?"',
  },
  backslash_then_wildcard: {
    status: 'exact',
    query: 'SigmaEvents\n| where Path startswith @"C:\\Temp\\"',
  },
  value_list: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image endswith @"\\certutil.exe" or Image endswith @"\\bitsadmin.exe"',
  },
  all_modifier: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine contains "vssadmin" and CommandLine contains "delete"',
  },
  cased: {
    status: 'exact',
    query: 'SigmaEvents\n| where Name == "CaseSensitive"',
  },
  cased_contains: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine contains_cs "FromBase64"',
  },
  regex: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine matches regex @"\\s-[eE]nc?\\s"',
  },
  regex_i: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine matches regex "(?i)invoke-(expression|webrequest)"',
  },
  regex_as_wildcard: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image matches regex @"(?i)\\\\cmd\\.exe\\z"',
  },
  regex_lookaround: {
    status: 'unsupported',
  },
  regex_under_or: {
    status: 'exact',
    query: 'SigmaEvents\n| where CommandLine matches regex "a[0-9]+b" or Image endswith @"\\x.exe"',
  },
  cidr_v4: {
    status: 'exact',
    query: 'SigmaEvents\n| where ipv4_is_in_any_range(DestinationIp, "10.0.0.0/8", "172.16.0.0/12")',
  },
  cidr_v6: {
    status: 'exact',
    query: 'SigmaEvents\n| where ipv6_is_in_range(DestinationIp, "fe80::/10")',
  },
  not_cidr: {
    status: 'exact',
    query:
      'SigmaEvents\n| where Image endswith @"\\x.exe" and not(coalesce(ipv4_is_in_range(DestinationIp, "127.0.0.0/8"), false))',
  },
  number: {
    status: 'exact',
    // Unknown column type: tolong() binds on text too (Kusto refuses string == long at run time).
    query: 'SigmaEvents\n| where tostring(EventID) == "4688"',
  },
  number_list: {
    status: 'exact',
    query: 'SigmaEvents\n| where tostring(EventID) in ("4688", "1")',
  },
  number_as_text: {
    status: 'exact',
    query: 'SigmaEvents\n| where Status =~ "00000429"',
  },
  boolean: {
    status: 'exact',
    query: 'SigmaEvents\n| where Enabled =~ "true"',
  },
  null_value: {
    // A column of unknown type may be a string, where missing and empty are one: labelled (wider).
    status: 'approximate',
    query: 'SigmaEvents\n| where Image endswith @"\\x.exe" and isempty(ParentImage)',
  },
  empty_value: {
    // Also matches a missing value (a string column reads it as ""): labelled (wider).
    status: 'approximate',
    query: 'SigmaEvents\n| where Image endswith @"\\x.exe" and OriginalFileName =~ ""',
  },
  exists: {
    // A column of unknown type may be a string, where a missing value reads as "": present (any
    // value, the empty string included) is the widening isnotnull(), labelled.
    status: 'approximate',
    query: 'SigmaEvents\n| where isnotnull(Image) and isempty(ParentImage)',
  },
  compare: {
    status: 'exact',
    // Unknown column types: `>` is not defined for a string column (KS106), toreal() binds on any.
    query: "SigmaEvents\n| where toreal(['Count']) > 10 and toreal(Size) <= 512",
  },
  fieldref: {
    // A missing string column reads as "": two missing fields compare equal (labelled, widens).
    status: 'approximate',
    query: 'SigmaEvents\n| where TargetUserName =~ SubjectUserName',
  },
  fieldref_contains: {
    status: 'approximate',
    query: 'SigmaEvents\n| where CommandLine contains User',
  },
  keywords: {
    status: 'exact',
    query: 'SigmaEvents\n| where * contains "mimikatz" or * contains "sekurlsa::logonpasswords"',
  },
  not_filter: {
    status: 'exact',
    query:
      'SigmaEvents\n| where Image endswith @"\\powershell.exe" and not(ParentImage endswith @"\\explorer.exe")',
  },
  or_of_maps: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image endswith @"\\a.exe" or OriginalFileName =~ "a.exe"',
  },
  and_or_nesting: {
    status: 'exact',
    query:
      'SigmaEvents\n| where (Image endswith @"\\a.exe" or Image endswith @"\\b.exe") and CommandLine contains "x"',
  },
  one_of_pattern: {
    status: 'exact',
    query:
      'SigmaEvents\n| where Image endswith @"\\a.exe" and CommandLine contains "evil" and not(User =~ "SYSTEM" or ParentImage startswith @"C:\\Program Files\\")',
  },
  windash: {
    status: 'exact',
    query:
      'SigmaEvents\n| where CommandLine contains " -exec " or CommandLine contains " /exec " or CommandLine contains " –exec " or CommandLine contains " —exec " or CommandLine contains " ―exec "',
  },
  base64offset: {
    status: 'exact',
    query:
      'SigmaEvents\n| where CommandLine contains "aHR0cDovL" or CommandLine contains "h0dHA6Ly" or CommandLine contains "odHRwOi8v"',
  },
  wide_base64offset: {
    status: 'exact',
    query:
      'SigmaEvents\n| where CommandLine contains "cABpAG4AZw" or CommandLine contains "AAaQBuAGcA" or CommandLine contains "wAGkAbgBnA"',
  },
  expand_placeholder: {
    status: 'exact',
    query: 'SigmaEvents\n| where User in~ (_GetWatchlist("admins") | project SearchKey)',
  },
  neq: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image endswith @"\\x.exe" and not(Status =~ "ok")',
  },
  hostile_value: {
    status: 'exact',
    query:
      'SigmaEvents\n| where CommandLine matches regex @"(?i)a"" \\| delete index=[\\s\\S]* \\) OR \\(x=\'y"',
  },
  non_ascii: {
    status: 'exact',
    query: 'SigmaEvents\n| where Name =~ "Ünïcødé 名前"',
  },
  odd_field_names: {
    status: 'exact',
    query: 'SigmaEvents\n| where [\'Some Field\'] =~ "x" and [\'Field-Name\'] =~ "y" and [\'a.b\'] =~ "z"',
  },
  not_one_char: {
    status: 'exact',
    query:
      'SigmaEvents\n| where Image endswith @"\\x.exe" and not(User matches regex @"(?i)^adm[\\s\\S]n\\z")',
  },
  fields_table: {
    status: 'exact',
    query: 'SigmaEvents\n| where Image endswith @"\\x.exe"',
  },
  keywords_all: {
    status: 'exact',
    query: 'SigmaEvents\n| where * contains "FileNotFoundException" and * contains "/etc/passwd"',
  },
  keywords_cased: {
    status: 'exact',
    query: 'SigmaEvents\n| where * contains_cs "EvilTool" or * contains_cs "BadThing"',
  },
  keywords_windash_all: {
    status: 'exact',
    query:
      'SigmaEvents\n| where (* contains "-enc" or * contains "/enc" or * contains "–enc" or * contains "—enc" or * contains "―enc") and (* contains "-nop" or * contains "/nop" or * contains "–nop" or * contains "—nop" or * contains "―nop")',
  },
};

/**
 * What each case reports besides its query: `[code, reason, direction]` of every diagnostic, in
 * order (reasons: `SentinelReason`, backends/sentinel-kql/render.ts). A case not listed reports
 * nothing. A string column reads a missing value as "", so presence tests and field comparisons
 * on one widen.
 */
export const diagnostics: CaseDiagnostics = {
  regex_lookaround: [['unsupported-construct', 'regex']],
  null_value: [['approximation', 'string-missing', 'wider']],
  empty_value: [['approximation', 'string-empty', 'wider']],
  exists: [
    ['approximation', 'string-exists', 'wider'],
    ['approximation', 'string-missing', 'wider'],
  ],
  fieldref: [['approximation', 'string-fieldref', 'wider']],
  fieldref_contains: [['approximation', 'string-fieldref', 'wider']],
};
