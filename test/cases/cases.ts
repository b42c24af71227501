/**
 * The cross-backend case table. Each case is a rule fragment (the body of `detection:`) with
 * events that must and must not match (checked with the reference evaluator). Every backend gives
 * its exact output for every case in test/cases/expected.<backend>.ts, typed `Expectations`, so a
 * new case is a type error until every backend covers it, and a new target in the registry
 * (backends/index.ts `TARGETS`) is a type error in test/backends/cases.test.ts and test/cases/settings.ts
 * until it has an expectation file and its case settings.
 */
import type { TargetName } from '../../backends/index.js';
import type { Label } from '../../src/diagnostics.js';

/** Every query target of the registry (`ir` prints the IR, it has no query to expect). */
export type BackendName = Exclude<TargetName, 'ir'>;

export type Event = Readonly<Record<string, unknown>>;

export interface Case {
  readonly description: string;
  /** YAML for the `detection:` block (selections and condition), indented by two spaces. */
  readonly detection: string;
  /** Optional `fields:` list of the rule. */
  readonly fields?: readonly string[];
  readonly match: readonly Event[];
  readonly noMatch: readonly Event[];
}

/**
 * One diagnostic a conversion gives, pinned: `[code, reason, direction]` (an approximation's
 * reason and the direction of its changed part; an unsupported construct's reason).
 */
export type DiagnosticPin = readonly [string, string, string?];

/**
 * The approximation and unsupported diagnostics of each case for one backend, in order; a case
 * not listed gives none. Every backend exports one (test/backends' case table checks them).
 */
export type CaseDiagnostics = Partial<Record<CaseName, readonly DiagnosticPin[]>>;

export interface Expected {
  readonly status: Exclude<Label, 'error'>;
  /** The single query, for exact and approximate conversions. */
  readonly query?: string;
}

/** Turns a case into a complete rule. */
export function caseRule(name: string, c: Case): string {
  return [
    `title: case ${name}`,
    'id: 00000000-0000-4000-8000-000000000000',
    'status: test',
    'logsource:',
    '  product: windows',
    '  category: process_creation',
    'detection:',
    c.detection.replace(/^\n/, '').trimEnd(),
    ...(c.fields ? ['fields:', ...c.fields.map((f) => `  - '${f}'`)] : []),
    'level: medium',
    '',
  ].join('\n');
}

export const CASES = {
  eq_backslashes: {
    description: 'equality with backslashes',
    detection: `
  sel:
    Image: 'C:\\Windows\\System32\\cmd.exe'
  condition: sel`,
    match: [{ Image: 'C:\\Windows\\System32\\cmd.exe' }, { Image: 'c:\\windows\\system32\\CMD.EXE' }],
    noMatch: [{ Image: 'C:\\Windows\\System32\\cmd.exe.bak' }, {}],
  },
  eq_trailing_backslash: {
    description: 'a value that ends in a backslash',
    detection: `
  sel:
    Path: 'C:\\Windows\\'
  condition: sel`,
    match: [{ Path: 'C:\\Windows\\' }],
    noMatch: [{ Path: 'C:\\Windows' }, { Path: 'C:\\Windows\\x' }],
  },
  contains: {
    description: 'contains (case-insensitive)',
    detection: `
  sel:
    CommandLine|contains: ' -EncodedCommand '
  condition: sel`,
    match: [{ CommandLine: 'powershell -encodedcommand AAA' }],
    noMatch: [{ CommandLine: 'powershell -enc AAA' }],
  },
  startswith_endswith: {
    description: 'startswith and endswith in one selection',
    detection: `
  sel:
    Image|endswith: '\\rundll32.exe'
    CommandLine|startswith: 'rundll32'
  condition: sel`,
    match: [{ Image: 'C:\\x\\RUNDLL32.EXE', CommandLine: 'rundll32 a,b' }],
    noMatch: [
      { Image: 'C:\\x\\rundll32.exe', CommandLine: '"rundll32" a,b' },
      { Image: 'C:\\x\\rundll32.exe.x', CommandLine: 'rundll32' },
    ],
  },
  inner_wildcard: {
    description: 'a * inside a value (\\\\* is a backslash then a wildcard; \\* alone is a literal star)',
    detection: `
  sel:
    Image: 'C:\\Users\\\\*\\AppData\\\\*.exe'
  condition: sel`,
    match: [{ Image: 'C:\\Users\\bob\\AppData\\x.exe' }],
    noMatch: [{ Image: 'D:\\Users\\bob\\AppData\\x.exe' }],
  },
  one_char_wildcard: {
    description: 'a ? wildcard is exactly one character',
    detection: `
  sel:
    Hash|contains: '0200????7F'
  condition: sel`,
    match: [{ Hash: 'xx0200ABCD7Fyy' }],
    noMatch: [{ Hash: '0200ABC7F' }, { Hash: '0200ABCDE7F' }],
  },
  literal_star: {
    description: 'an escaped \\* is a literal star',
    detection: `
  sel:
    Name: 'a\\*b'
  condition: sel`,
    match: [{ Name: 'a*b' }],
    noMatch: [{ Name: 'axb' }, { Name: 'ab' }],
  },
  literal_question: {
    description: 'an escaped \\? is a literal question mark',
    detection: `
  sel:
    Name|endswith: 'what\\?'
  condition: sel`,
    match: [{ Name: 'so what?' }],
    noMatch: [{ Name: 'so whatx' }],
  },
  backslash_then_wildcard: {
    description: '\\\\* is a literal backslash followed by a wildcard',
    detection: `
  sel:
    Path: 'C:\\Temp\\\\*'
  condition: sel`,
    match: [{ Path: 'C:\\Temp\\file.txt' }, { Path: 'C:\\Temp\\' }],
    noMatch: [{ Path: 'C:\\Tempfile' }],
  },
  value_list: {
    description: 'a list of values is an OR (an IN list)',
    detection: `
  sel:
    Image|endswith:
      - '\\certutil.exe'
      - '\\bitsadmin.exe'
  condition: sel`,
    match: [{ Image: 'C:\\certutil.exe' }, { Image: 'C:\\BITSADMIN.exe' }],
    noMatch: [{ Image: 'C:\\cmd.exe' }],
  },
  all_modifier: {
    description: '|all makes the list an AND',
    detection: `
  sel:
    CommandLine|contains|all:
      - 'vssadmin'
      - 'delete'
  condition: sel`,
    match: [{ CommandLine: 'vssadmin.exe Delete Shadows' }],
    noMatch: [{ CommandLine: 'vssadmin list' }],
  },
  cased: {
    description: '|cased is case-sensitive',
    detection: `
  sel:
    Name|cased: 'CaseSensitive'
  condition: sel`,
    match: [{ Name: 'CaseSensitive' }],
    noMatch: [{ Name: 'casesensitive' }],
  },
  cased_contains: {
    description: '|cased with contains',
    detection: `
  sel:
    CommandLine|contains|cased: 'FromBase64'
  condition: sel`,
    match: [{ CommandLine: 'x FromBase64String y' }],
    noMatch: [{ CommandLine: 'x frombase64string y' }],
  },
  regex: {
    description: 'a regular expression (case-sensitive, unanchored)',
    detection: `
  sel:
    CommandLine|re: '\\s-[eE]nc?\\s'
  condition: sel`,
    match: [{ CommandLine: 'powershell -enc AAA' }, { CommandLine: 'powershell -En AAA' }],
    noMatch: [{ CommandLine: 'powershell -ENC AAA' }, { CommandLine: 'powershell-enc' }],
  },
  regex_i: {
    description: '|re|i is case-insensitive',
    detection: `
  sel:
    CommandLine|re|i: 'invoke-(expression|webrequest)'
  condition: sel`,
    match: [{ CommandLine: 'IEX; Invoke-Expression x' }],
    noMatch: [{ CommandLine: 'invoke-command' }],
  },
  regex_as_wildcard: {
    description: 'a regex equivalent to endswith',
    detection: `
  sel:
    Image|re: '(?i)\\\\cmd\\.exe\\z'
  condition: sel`,
    match: [{ Image: 'C:\\Windows\\CMD.exe' }],
    noMatch: [{ Image: 'C:\\Windows\\cmd.exe.bak' }],
  },
  regex_lookaround: {
    description: 'a regex with a negative lookahead (not RE2)',
    detection: `
  sel:
    User|re: '^(?!SYSTEM$).*'
  condition: sel`,
    match: [{ User: 'bob' }],
    noMatch: [{ User: 'SYSTEM' }],
  },
  regex_under_or: {
    description: 'a regex under OR with a plain match',
    detection: `
  sel1:
    CommandLine|re: 'a[0-9]+b'
  sel2:
    Image|endswith: '\\x.exe'
  condition: sel1 or sel2`,
    match: [{ CommandLine: 'a12b' }, { Image: 'C:\\x.exe' }],
    noMatch: [{ CommandLine: 'ab', Image: 'C:\\y.exe' }],
  },
  cidr_v4: {
    description: 'IPv4 CIDR (octet-aligned and not)',
    detection: `
  sel:
    DestinationIp|cidr:
      - '10.0.0.0/8'
      - '172.16.0.0/12'
  condition: sel`,
    match: [{ DestinationIp: '10.1.2.3' }, { DestinationIp: '172.31.0.1' }],
    noMatch: [{ DestinationIp: '172.32.0.1' }, { DestinationIp: '100.1.2.3' }],
  },
  cidr_v6: {
    description: 'IPv6 CIDR',
    detection: `
  sel:
    DestinationIp|cidr: 'fe80::/10'
  condition: sel`,
    match: [{ DestinationIp: 'fe80::1' }, { DestinationIp: 'FEBF::1' }],
    noMatch: [{ DestinationIp: 'fec0::1' }, { DestinationIp: '10.0.0.1' }],
  },
  not_cidr: {
    description: 'a negated CIDR keeps events without the field',
    detection: `
  sel:
    Image|endswith: '\\x.exe'
  filter:
    DestinationIp|cidr: '127.0.0.0/8'
  condition: sel and not filter`,
    match: [{ Image: 'C:\\x.exe', DestinationIp: '8.8.8.8' }, { Image: 'C:\\x.exe' }],
    noMatch: [{ Image: 'C:\\x.exe', DestinationIp: '127.0.0.1' }],
  },
  number: {
    description: 'a number',
    detection: `
  sel:
    EventID: 4688
  condition: sel`,
    match: [{ EventID: 4688 }, { EventID: '4688' }],
    noMatch: [{ EventID: 46880 }],
  },
  number_list: {
    description: 'a list of numbers',
    detection: `
  sel:
    EventID:
      - 4688
      - 1
  condition: sel`,
    match: [{ EventID: 1 }, { EventID: 4688 }],
    noMatch: [{ EventID: 2 }],
  },
  number_as_text: {
    description: '00000429 is text, not the number 429',
    detection: `
  sel:
    Status: 00000429
  condition: sel`,
    match: [{ Status: '00000429' }],
    noMatch: [{ Status: '429' }],
  },
  boolean: {
    description: 'a boolean value',
    detection: `
  sel:
    Enabled: true
  condition: sel`,
    match: [{ Enabled: true }, { Enabled: 'true' }],
    noMatch: [{ Enabled: false }],
  },
  null_value: {
    description: 'null: the field is absent or null',
    detection: `
  sel:
    Image|endswith: '\\x.exe'
    ParentImage: null
  condition: sel`,
    match: [{ Image: 'C:\\x.exe' }, { Image: 'C:\\x.exe', ParentImage: null }],
    noMatch: [{ Image: 'C:\\x.exe', ParentImage: 'C:\\p.exe' }],
  },
  empty_value: {
    description: "'': the field is present and empty",
    detection: `
  sel:
    Image|endswith: '\\x.exe'
    OriginalFileName: ''
  condition: sel`,
    match: [{ Image: 'C:\\x.exe', OriginalFileName: '' }],
    noMatch: [{ Image: 'C:\\x.exe', OriginalFileName: 'x.exe' }],
  },
  exists: {
    description: '|exists true and false',
    detection: `
  sel:
    Image|exists: true
    ParentImage|exists: false
  condition: sel`,
    match: [{ Image: 'a' }],
    noMatch: [{ Image: 'a', ParentImage: 'b' }, { ParentImage: 'b' }],
  },
  compare: {
    description: 'numeric comparisons',
    detection: `
  sel:
    Count|gt: 10
    Size|lte: 512
  condition: sel`,
    match: [{ Count: 11, Size: 512 }],
    noMatch: [
      { Count: 10, Size: 1 },
      { Count: 11, Size: 513 },
    ],
  },
  fieldref: {
    description: 'field reference equality',
    detection: `
  sel:
    TargetUserName|fieldref: SubjectUserName
  condition: sel`,
    match: [{ TargetUserName: 'bob', SubjectUserName: 'BOB' }],
    noMatch: [{ TargetUserName: 'bob', SubjectUserName: 'alice' }],
  },
  fieldref_contains: {
    description: 'field reference with contains',
    detection: `
  sel:
    CommandLine|fieldref|contains: User
  condition: sel`,
    match: [{ CommandLine: 'runas /user:bob x', User: 'bob' }],
    noMatch: [{ CommandLine: 'runas x', User: 'bob' }],
  },
  keywords: {
    description: 'field-less keywords (substring of any field)',
    detection: `
  keywords:
    - 'mimikatz'
    - 'sekurlsa::logonpasswords'
  condition: keywords`,
    match: [{ CommandLine: 'run Mimikatz.exe' }, { Message: 'sekurlsa::logonpasswords' }],
    noMatch: [{ CommandLine: 'mimi katz' }],
  },
  not_filter: {
    description: 'selection and not filter',
    detection: `
  sel:
    Image|endswith: '\\powershell.exe'
  filter:
    ParentImage|endswith: '\\explorer.exe'
  condition: sel and not filter`,
    match: [{ Image: 'C:\\powershell.exe', ParentImage: 'C:\\cmd.exe' }, { Image: 'C:\\powershell.exe' }],
    noMatch: [{ Image: 'C:\\powershell.exe', ParentImage: 'C:\\Explorer.EXE' }],
  },
  or_of_maps: {
    description: 'a list of maps is an OR',
    detection: `
  sel:
    - Image|endswith: '\\a.exe'
    - OriginalFileName: 'a.exe'
  condition: sel`,
    match: [{ Image: 'C:\\a.exe' }, { OriginalFileName: 'A.EXE' }],
    noMatch: [{ Image: 'C:\\b.exe', OriginalFileName: 'b.exe' }],
  },
  and_or_nesting: {
    description: 'AND of ORs needs explicit parentheses',
    detection: `
  a:
    Image|endswith: '\\a.exe'
  b:
    Image|endswith: '\\b.exe'
  c:
    CommandLine|contains: 'x'
  condition: (a or b) and c`,
    match: [{ Image: 'C:\\b.exe', CommandLine: 'x' }],
    noMatch: [
      { Image: 'C:\\a.exe', CommandLine: 'y' },
      { Image: 'C:\\c.exe', CommandLine: 'x' },
    ],
  },
  one_of_pattern: {
    description: 'all of selection_* and not 1 of filter_*',
    detection: `
  selection_img:
    Image|endswith: '\\a.exe'
  selection_cli:
    CommandLine|contains: 'evil'
  filter_one:
    User: 'SYSTEM'
  filter_two:
    ParentImage|startswith: 'C:\\Program Files\\'
  condition: all of selection_* and not 1 of filter_*`,
    match: [{ Image: 'C:\\a.exe', CommandLine: 'evil', User: 'bob' }],
    noMatch: [
      { Image: 'C:\\a.exe', CommandLine: 'evil', User: 'system' },
      { Image: 'C:\\a.exe', CommandLine: 'good' },
    ],
  },
  windash: {
    description: 'windash: each dash takes five forms',
    detection: `
  sel:
    CommandLine|windash|contains: ' -exec '
  condition: sel`,
    match: [{ CommandLine: 'x /exec y' }, { CommandLine: 'x \u2013exec y' }],
    noMatch: [{ CommandLine: 'x exec y' }],
  },
  base64offset: {
    description: 'base64offset|contains gives three values',
    detection: `
  sel:
    CommandLine|base64offset|contains: 'http://'
  condition: sel`,
    match: [{ CommandLine: 'aHR0cDovL' }],
    noMatch: [{ CommandLine: 'http://' }],
  },
  wide_base64offset: {
    description: 'wide|base64offset|contains (UTF-16LE then base64)',
    detection: `
  sel:
    CommandLine|wide|base64offset|contains: 'ping'
  condition: sel`,
    match: [{ CommandLine: 'powershell -e cABpAG4AZwA' }],
    noMatch: [{ CommandLine: 'ping' }],
  },
  expand_placeholder: {
    description: 'an |expand placeholder left for the backend',
    detection: `
  sel:
    User|expand: '%admins%'
  condition: sel`,
    match: [],
    noMatch: [],
  },
  neq: {
    description: '|neq: not equal',
    detection: `
  sel:
    Image|endswith: '\\x.exe'
    Status|neq: 'ok'
  condition: sel`,
    match: [{ Image: 'C:\\x.exe', Status: 'failed' }],
    noMatch: [{ Image: 'C:\\x.exe', Status: 'OK' }],
  },
  hostile_value: {
    description: 'quotes, pipes and brackets stay inside the literal',
    detection: `
  sel:
    CommandLine|contains: 'a" | delete index=* ) OR (x=''y'
  condition: sel`,
    match: [{ CommandLine: `a" | delete index=* ) OR (x='y` }],
    noMatch: [{ CommandLine: 'a' }],
  },
  non_ascii: {
    description: 'non-ASCII text',
    detection: `
  sel:
    Name: 'Ünïcødé 名前'
  condition: sel`,
    match: [{ Name: 'Ünïcødé 名前' }],
    noMatch: [{ Name: 'Unicode' }],
  },
  odd_field_names: {
    description: 'field names with a space, a dash and a dot',
    detection: `
  sel:
    'Some Field': 'x'
    Field-Name: 'y'
    a.b: 'z'
  condition: sel`,
    match: [{ 'Some Field': 'x', 'Field-Name': 'y', 'a.b': 'z' }],
    noMatch: [{ 'Some Field': 'x', 'Field-Name': 'y' }],
  },
  not_one_char: {
    description: 'a ? wildcard under not',
    detection: `
  sel:
    Image|endswith: '\\x.exe'
  filter:
    User: 'adm?n'
  condition: sel and not filter`,
    match: [
      { Image: 'C:\\x.exe', User: 'bob' },
      { Image: 'C:\\x.exe', User: 'adn' },
    ],
    noMatch: [{ Image: 'C:\\x.exe', User: 'admin' }],
  },
  fields_table: {
    description: 'the rule fields become an output field list',
    detection: `
  sel:
    Image|endswith: '\\x.exe'
  condition: sel`,
    fields: ['CommandLine', 'ParentImage'],
    match: [{ Image: 'C:\\x.exe' }],
    noMatch: [{ Image: 'C:\\y.exe' }],
  },
  keywords_all: {
    description: "keywords under '|all': each is a substring of some value (not a whole value)",
    detection: `
  keywords:
    '|all':
      - 'FileNotFoundException'
      - '/etc/passwd'
  condition: keywords`,
    match: [
      { Message: 'java.io.FileNotFoundException: /etc/passwd (Permission denied)' },
      { A: 'x filenotfoundexception y', B: 'cat /ETC/PASSWD' },
    ],
    noMatch: [{ Message: 'java.io.FileNotFoundException: /etc/shadow' }, { Message: '/etc/passwd' }],
  },
  keywords_cased: {
    description: "keywords under '|cased': case-sensitive substrings of some value",
    detection: `
  keywords:
    '|cased':
      - 'EvilTool'
      - 'BadThing'
  condition: keywords`,
    match: [{ Message: 'started EvilTool.exe' }, { A: 'x', B: 'a BadThing here' }],
    noMatch: [{ Message: 'started eviltool.exe' }, { Message: 'BADTHING' }],
  },
  keywords_windash_all: {
    description: "keywords under '|windash|all': every value, with any dash form, in some value",
    detection: `
  keywords:
    '|windash|all':
      - '-enc'
      - '-nop'
  condition: keywords`,
    match: [{ CommandLine: 'powershell /nop /enc AAA' }, { A: 'x –enc', B: '-NOP' }],
    noMatch: [{ CommandLine: 'powershell -enc AAA' }, { CommandLine: '-nop' }],
  },
} as const satisfies Record<string, Case>;

export type CaseName = keyof typeof CASES;
export type Expectations = Readonly<Record<CaseName, Expected>>;
