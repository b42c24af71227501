/**
 * Splunk SPL for every case (reviewed by hand: see docs/splunk.md for the base search / where split).
 * `inner_wildcard`: `\\*` is a literal backslash followed by a wildcard, which a search term says exactly.
 */
import type { CaseDiagnostics, Expectations } from './cases.js';

export const expected: Expectations = {
  eq_backslashes: {
    status: 'exact',
    query: 'Image="C:\\\\Windows\\\\System32\\\\cmd.exe"',
  },
  eq_trailing_backslash: {
    status: 'exact',
    query: 'Path="C:\\\\Windows\\\\"',
  },
  contains: {
    status: 'exact',
    query: 'CommandLine="* -EncodedCommand *"',
  },
  startswith_endswith: {
    status: 'exact',
    query: 'Image="*\\\\rundll32.exe" CommandLine="rundll32*"',
  },
  inner_wildcard: {
    status: 'exact',
    query: 'Image="C:\\\\Users\\\\*\\\\AppData\\\\*.exe"',
  },
  one_char_wildcard: {
    status: 'exact',
    query:
      'Hash="*0200*7F*" | where match(Hash, "(?i)0200[\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S]7F")',
  },
  literal_star: {
    status: 'exact',
    query: 'Name="a*b" | where match(Name, "(?i)^a\\\\*b\\\\z")',
  },
  literal_question: {
    status: 'exact',
    query: 'Name="*what?"',
  },
  backslash_then_wildcard: {
    status: 'exact',
    query: 'Path="C:\\\\Temp\\\\*"',
  },
  value_list: {
    status: 'exact',
    query: 'Image IN ("*\\\\certutil.exe", "*\\\\bitsadmin.exe")',
  },
  all_modifier: {
    status: 'exact',
    query: 'CommandLine="*vssadmin*" CommandLine="*delete*"',
  },
  cased: {
    status: 'exact',
    query: 'Name="CaseSensitive" | where match(Name, "^CaseSensitive\\\\z")',
  },
  cased_contains: {
    status: 'exact',
    query: 'CommandLine="*FromBase64*" | where match(CommandLine, "FromBase64")',
  },
  regex: {
    status: 'exact',
    query: '* | where match(CommandLine, "\\\\s-[eE]nc?\\\\s")',
  },
  regex_i: {
    status: 'exact',
    query: '* | where match(CommandLine, "(?i)invoke-(expression|webrequest)")',
  },
  regex_as_wildcard: {
    status: 'exact',
    query: 'Image="*\\\\cmd.exe"',
  },
  regex_lookaround: {
    status: 'exact',
    query: '* | where match(User, "^(?!SYSTEM$).*")',
  },
  regex_under_or: {
    status: 'exact',
    query: '* | where match(CommandLine, "a[0-9]+b") OR match(Image, "(?i)\\\\\\\\x\\\\.exe\\\\z")',
  },
  cidr_v4: {
    status: 'exact',
    query: '(DestinationIp="10.0.0.0/8" OR DestinationIp="172.16.0.0/12")',
  },
  cidr_v6: {
    status: 'exact',
    query: 'DestinationIp="fe80::/10"',
  },
  not_cidr: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" NOT DestinationIp="127.0.0.0/8"',
  },
  number: {
    status: 'exact',
    query: 'EventID=4688',
  },
  number_list: {
    status: 'exact',
    query: 'EventID IN (4688, 1)',
  },
  number_as_text: {
    status: 'exact',
    query: 'Status="00000429"',
  },
  boolean: {
    status: 'exact',
    query: 'Enabled="true"',
  },
  null_value: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" NOT ParentImage=*',
  },
  empty_value: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" | where match(OriginalFileName, "(?i)^\\\\z")',
  },
  exists: {
    status: 'exact',
    query: 'Image=* NOT ParentImage=*',
  },
  compare: {
    status: 'exact',
    query: 'Count>10 Size<=512',
  },
  fieldref: {
    status: 'exact',
    query: '* | where lower(TargetUserName)==lower(SubjectUserName)',
  },
  fieldref_contains: {
    status: 'exact',
    query: '* | where match(lower(CommandLine), replace(lower(User), "([^A-Za-z0-9])", "\\\\\\\\\\\\1"))',
  },
  keywords: {
    status: 'exact',
    query: '* | where match(_raw, "(?i)(?:mimikatz|sekurlsa::logonpasswords)")',
  },
  not_filter: {
    status: 'exact',
    query: 'Image="*\\\\powershell.exe" NOT ParentImage="*\\\\explorer.exe"',
  },
  or_of_maps: {
    status: 'exact',
    query: '(Image="*\\\\a.exe" OR OriginalFileName="a.exe")',
  },
  and_or_nesting: {
    status: 'exact',
    query: 'Image IN ("*\\\\a.exe", "*\\\\b.exe") CommandLine="*x*"',
  },
  one_of_pattern: {
    status: 'exact',
    query:
      'Image="*\\\\a.exe" CommandLine="*evil*" NOT User="SYSTEM" NOT ParentImage="C:\\\\Program Files\\\\*"',
  },
  windash: {
    status: 'exact',
    query: 'CommandLine IN ("* -exec *", "* /exec *", "* –exec *", "* —exec *", "* ―exec *")',
  },
  base64offset: {
    status: 'exact',
    query: 'CommandLine IN ("*aHR0cDovL*", "*h0dHA6Ly*", "*odHRwOi8v*")',
  },
  wide_base64offset: {
    status: 'exact',
    query: 'CommandLine IN ("*cABpAG4AZw*", "*AAaQBuAGcA*", "*wAGkAbgBnA*")',
  },
  expand_placeholder: {
    status: 'exact',
    query: 'User IN (`admins`)',
  },
  neq: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" NOT Status="ok"',
  },
  hostile_value: {
    status: 'exact',
    query: 'CommandLine="*a\\" | delete index=* ) OR (x=\'y*"',
  },
  non_ascii: {
    status: 'exact',
    query: 'Name="Ünïcødé 名前"',
  },
  odd_field_names: {
    status: 'exact',
    query: 'a.b="z" | where match(\'Some Field\', "(?i)^x\\\\z") AND match(\'Field-Name\', "(?i)^y\\\\z")',
  },
  not_one_char: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" | where (isnull(User) OR NOT match(User, "(?i)^adm[\\\\s\\\\S]n\\\\z"))',
  },
  fields_table: {
    status: 'exact',
    query: 'Image="*\\\\x.exe" | table CommandLine, ParentImage',
  },
  keywords_all: {
    status: 'exact',
    query: '* | where match(_raw, "(?i)FileNotFoundException") AND match(_raw, "(?i)\\\\/etc\\\\/passwd")',
  },
  keywords_cased: { status: 'exact', query: '* | where match(_raw, "(?:EvilTool|BadThing)")' },
  keywords_windash_all: {
    status: 'exact',
    query:
      '* | where match(_raw, "(?i)(?:-enc|\\\\/enc|–enc|—enc|―enc)") AND match(_raw, "(?i)(?:-nop|\\\\/nop|–nop|—nop|―nop)")',
  },
};

/**
 * What each case reports besides its query: `[code, reason, direction]` of every diagnostic, in
 * order (reasons: `SplunkReason`, backends/splunk/render.ts). A case not listed reports nothing:
 * every case has an exact SPL form today (the approximations are pinned in test/backends/splunk/splunk.test.ts).
 */
export const diagnostics: CaseDiagnostics = {};
