/**
 * The Splunk backend, construct by construct: exact SPL for every IR node kind and modifier,
 * escape safety (property test read back with the SPL lexer), PCRE validity of every regex placed
 * in the output (checked with the evaluator's PCRE-to-JavaScript translation: see docs/splunk.md),
 * settings, pipelines and output formats.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { splunkBackend } from '../../../backends/splunk/index.js';
import { isSafeFieldName, isSearchDirective, SEARCH_DIRECTIVES } from '../../../backends/splunk/spl.js';
import type { ConvertOptions, RuleResult } from '../../../src/backend.js';
import { DiagnosticSink, formatDiagnostic, type Diagnostic } from '../../../src/diagnostics.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { compileRule, translateRegex } from '../../../src/evaluate/index.js';
import { literal } from '../../../src/ir/sigma-string.js';
import type { Node, StringOp } from '../../../src/ir/types.js';
import { pipelineFromYaml } from '../../../src/pipeline/index.js';
import { ConversionCache } from '../../../src/cache.js';
import { run } from '../../../src/run.js';
import type { RuleSummary, RunOptions } from '../../../src/batch.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from '../../../src/pipeline/types.js';
import type { SigmaRule } from '../../../src/rule/types.js';
import { CASES, caseRule, type CaseName } from '../../cases/cases.js';
import { diagnostics as caseDiagnostics } from '../../cases/expected.splunk.js';
import { evalSpl } from '../../support/eval-spl.js';
import { splCommands, splStringLiterals, tokenizeSpl } from '../../support/spl.js';
import { convertWith, PROCESS_CREATION, ruleText } from '../../support/convert.js';

function rule(detection: string, extra = '', logsource = PROCESS_CREATION): string {
  return ruleText(detection, { extra, logsource });
}

function convert(
  detection: string,
  options: ConvertOptions = {},
  pipelines: string[] = [],
  extra = '',
  logsource?: string,
): RuleResult {
  return convertWith(splunkBackend, rule(detection, extra, logsource), {
    ...options,
    pipelines,
    path: 't.yml',
  });
}

/** Every regex literal given to match(): the string after `match(<field>,`. */
function matchRegexes(q: string): string[] {
  const t = tokenizeSpl(q);
  const out: string[] = [];
  for (let i = 0; i + 4 < t.length; i++) {
    const a = t[i];
    if (a.type === 'word' && a.value === 'match' && t[i + 1].type === 'lparen') {
      const s = t[i + 4];
      if (t[i + 3].type === 'op' && s.type === 'string') out.push(s.value);
    }
  }
  return out;
}

const noFlags = { i: false, m: false, s: false };

/** Detection body, expected query. Status exact unless a third column says otherwise. */
const TABLE: ReadonlyArray<readonly [string, string, string, ('exact' | 'approximate' | 'unsupported')?]> = [
  // strings and wildcards
  ['eq', `  sel: {Image: 'C:\\Windows\\cmd.exe'}\n  condition: sel`, 'Image="C:\\\\Windows\\\\cmd.exe"'],
  ['contains', `  sel: {CommandLine|contains: ' -enc '}\n  condition: sel`, 'CommandLine="* -enc *"'],
  ['startswith', `  sel: {CommandLine|startswith: 'cmd'}\n  condition: sel`, 'CommandLine="cmd*"'],
  ['endswith', `  sel: {Image|endswith: '\\a.exe'}\n  condition: sel`, 'Image="*\\\\a.exe"'],
  ['trailing backslash', `  sel: {Path|endswith: 'C:\\Temp\\'}\n  condition: sel`, 'Path="*C:\\\\Temp\\\\"'],
  ['quote', `  sel: {CommandLine|contains: 'say "hi"'}\n  condition: sel`, 'CommandLine="*say \\"hi\\"*"'],
  ['wildcard *', `  sel: {Image: 'C:*\\x.exe'}\n  condition: sel`, 'Image="C:*\\\\x.exe"'],
  [
    '? wildcard',
    `  sel: {User: 'adm?n'}\n  condition: sel`,
    'User="adm*n" | where match(User, "(?i)^adm[\\\\s\\\\S]n\\\\z")',
  ],
  [
    'literal \\*',
    `  sel: {Name: 'a\\*b'}\n  condition: sel`,
    'Name="a*b" | where match(Name, "(?i)^a\\\\*b\\\\z")',
  ],
  ['literal \\?', `  sel: {Name: 'a\\?b'}\n  condition: sel`, 'Name="a?b"'],
  [
    'list is IN',
    `  sel: {Image|endswith: ['\\a.exe', '\\b.exe']}\n  condition: sel`,
    'Image IN ("*\\\\a.exe", "*\\\\b.exe")',
  ],
  [
    'list with a ? value',
    `  sel: {Image|endswith: ['\\a.exe', '\\b?.exe']}\n  condition: sel`,
    'Image IN ("*\\\\a.exe", "*\\\\b*.exe") | where match(Image, "(?i)(?:\\\\\\\\a\\\\.exe\\\\z|\\\\\\\\b[\\\\s\\\\S]\\\\.exe\\\\z)")',
  ],
  [
    'negated list with a ? value splits',
    `  sel: {Image: x}\n  f: {User: ['a', 'b?']}\n  condition: sel and not f`,
    'Image="x" NOT User="a" | where (isnull(User) OR NOT match(User, "(?i)^b[\\\\s\\\\S]\\\\z"))',
  ],
  [
    'all',
    `  sel: {CommandLine|contains|all: ['a', 'b']}\n  condition: sel`,
    'CommandLine="*a*" CommandLine="*b*"',
  ],
  ['cased', `  sel: {Name|cased: 'AbC'}\n  condition: sel`, 'Name="AbC" | where match(Name, "^AbC\\\\z")'],
  [
    'cased under not',
    `  sel: {Image: x}\n  f: {Name|cased: 'AbC'}\n  condition: sel and not f`,
    'Image="x" | where (isnull(Name) OR NOT match(Name, "^AbC\\\\z"))',
  ],
  ['empty value', `  sel: {Name: ''}\n  condition: sel`, '* | where match(Name, "(?i)^\\\\z")'],
  [
    'control character',
    `  sel: {Name|contains: "a\\tb"}\n  condition: sel`,
    'Name="*a*b*" | where match(Name, "(?i)a\\\\x09b")',
  ],
  // regular expressions
  ['re', `  sel: {CommandLine|re: 'a[0-9]+b'}\n  condition: sel`, '* | where match(CommandLine, "a[0-9]+b")'],
  [
    're|i|m|s',
    `  sel: {CommandLine|re|i|m|s: '^a.b$'}\n  condition: sel`,
    '* | where match(CommandLine, "(?ims)^a.b$")',
  ],
  [
    're that is a wildcard',
    `  sel: {Image|re: '(?i)\\\\cmd\\.exe\\z'}\n  condition: sel`,
    'Image="*\\\\cmd.exe"',
  ],
  [
    're widened in the base search',
    `  sel: {Image|re: '\\\\cmd\\.exe$'}\n  condition: sel`,
    'Image="*\\\\cmd.exe" | where match(Image, "\\\\\\\\cmd\\\\.exe$")',
  ],
  [
    're with a backslash and quote',
    `  sel: {CommandLine|re: '"C:\\\\x"'}\n  condition: sel`,
    'CommandLine="*\\"C:\\\\x\\"*" | where match(CommandLine, "\\"C:\\\\\\\\x\\"")',
  ],
  [
    're under or',
    `  a: {CommandLine|re: 'a+'}\n  b: {Image: x}\n  condition: a or b`,
    '* | where match(CommandLine, "a+") OR match(Image, "(?i)^x\\\\z")',
  ],
  [
    're under not',
    `  a: {Image: x}\n  f: {CommandLine|re: 'a+'}\n  condition: a and not f`,
    'Image="x" | where (isnull(CommandLine) OR NOT match(CommandLine, "a+"))',
  ],
  ['field-less re', `  sel: {'|re': 'evil[0-9]'}\n  condition: sel`, '* | where match(_raw, "evil[0-9]")'],
  [
    'field-less re under not',
    `  a: {Image: x}\n  f: {'|re': 'evil[0-9]'}\n  condition: a and not f`,
    'Image="x" | where NOT match(_raw, "evil[0-9]")',
  ],
  // cidr
  ['cidr v4', `  sel: {Ip|cidr: '10.0.0.0/8'}\n  condition: sel`, 'Ip="10.0.0.0/8"'],
  [
    'cidr list',
    `  sel: {Ip|cidr: ['10.0.0.0/8', 'fe80::/10']}\n  condition: sel`,
    '(Ip="10.0.0.0/8" OR Ip="fe80::/10")',
  ],
  [
    'not cidr',
    `  a: {Image: x}\n  f: {Ip|cidr: ['10.0.0.0/8', 'fe80::/10']}\n  condition: a and not f`,
    'Image="x" NOT (Ip="10.0.0.0/8" OR Ip="fe80::/10")',
  ],
  [
    'cidr in where',
    `  a: {Ip|cidr: ['10.0.0.0/8', '::1/128']}\n  b: {CommandLine|re: 'x+'}\n  condition: a or b`,
    '* | where (cidrmatch("10.0.0.0/8", Ip) OR cidrmatch("::1/128", Ip)) OR match(CommandLine, "x+")',
  ],
  [
    'not cidr in where',
    `  a: {Ip|cidr: '10.0.0.0/8'}\n  b: {CommandLine|re: 'x+'}\n  condition: not (a and b)`,
    '* | where (isnull(Ip) OR NOT cidrmatch("10.0.0.0/8", Ip)) OR (isnull(CommandLine) OR NOT match(CommandLine, "x+"))',
  ],
  // numbers, comparisons, booleans, null, exists
  ['number', `  sel: {EventID: 4688}\n  condition: sel`, 'EventID=4688'],
  ['numbers', `  sel: {EventID: [1, 4688]}\n  condition: sel`, 'EventID IN (1, 4688)'],
  [
    'number in where',
    `  a: {EventID: [1, 2]}\n  b: {CommandLine|re: 'x+'}\n  condition: a or b`,
    '* | where match(EventID, "(?:^1\\\\z|^2\\\\z)") OR match(CommandLine, "x+")',
  ],
  ['lt lte gt gte', `  sel: {A|lt: 1, B|lte: 2, C|gt: 3, D|gte: 4}\n  condition: sel`, 'A<1 B<=2 C>3 D>=4'],
  [
    'compare in where, negated',
    `  a: {A|gt: 3}\n  b: {CommandLine|re: 'x+'}\n  condition: not (a or b)`,
    'NOT (A>3) | where (isnull(CommandLine) OR NOT match(CommandLine, "x+"))',
  ],
  ['boolean', `  sel: {Enabled: false}\n  condition: sel`, 'Enabled="false"'],
  ['null', `  sel: {Image: x, Parent: null}\n  condition: sel`, 'Image="x" NOT Parent=*'],
  [
    'not null',
    `  sel: {Image: x}\n  f: {Parent: null}\n  condition: sel and not f`,
    'Image="x" NOT (NOT Parent=*)',
  ],
  ['exists', `  sel: {A|exists: true, B|exists: false}\n  condition: sel`, 'A=* NOT B=*'],
  [
    'null and exists in where',
    `  a: {A: null, B|exists: true}\n  b: {CommandLine|re: 'x+'}\n  condition: a or b`,
    '* | where (isnull(A) AND isnotnull(B)) OR match(CommandLine, "x+")',
  ],
  // field references
  ['fieldref', `  sel: {A|fieldref: B}\n  condition: sel`, '* | where lower(A)==lower(B)'],
  ['fieldref cased', `  sel: {A|fieldref|cased: B}\n  condition: sel`, '* | where A==B'],
  [
    'fieldref startswith',
    `  sel: {A|fieldref|startswith: B}\n  condition: sel`,
    '* | where substr(lower(A), 1, len(B))==lower(B)',
  ],
  [
    'fieldref endswith',
    `  sel: {A|fieldref|endswith: B}\n  condition: sel`,
    '* | where (len(A)>=len(B) AND substr(lower(A), len(A)-len(B)+1)==lower(B))',
  ],
  [
    'fieldref contains',
    `  sel: {A|fieldref|contains: B}\n  condition: sel`,
    '* | where match(lower(A), replace(lower(B), "([^A-Za-z0-9])", "\\\\\\\\\\\\1"))',
  ],
  [
    'fieldref under not',
    `  a: {Image: x}\n  f: {A|fieldref: B}\n  condition: a and not f`,
    'Image="x" | where (isnull(A) OR isnull(B) OR NOT (lower(A)==lower(B)))',
  ],
  [
    'fieldref under or',
    `  a: {Image: x}\n  f: {A|fieldref: B}\n  condition: a or f`,
    '* | where match(Image, "(?i)^x\\\\z") OR lower(A)==lower(B)',
  ],
  // keywords
  [
    'keywords',
    `  keywords: ['mimikatz', 'a"b']\n  condition: keywords`,
    '* | where match(_raw, "(?i)(?:mimikatz|a\\"b)")',
  ],
  [
    'keyword and a field',
    `  keywords: ['mimikatz']\n  sel: {Image: x}\n  condition: keywords and sel`,
    'Image="x" | where match(_raw, "(?i)mimikatz")',
  ],
  // A keyword number is the text of its digits (capability keywordNumbersAsText).
  ['keyword number', `  keywords: [4688]\n  condition: keywords`, '* | where match(_raw, "(?i)4688")'],
  // boolean structure
  [
    'and of or',
    `  a: {Image: x}\n  b: {User: y}\n  c: {CommandLine|contains: z}\n  condition: (a or b) and c`,
    '(Image="x" OR User="y") CommandLine="*z*"',
  ],
  [
    'or of and',
    `  a: {Image: x, User: y}\n  b: {CommandLine: z}\n  condition: a or b`,
    '((Image="x" User="y") OR CommandLine="z")',
  ],
  [
    'not of and',
    `  a: {Image: x}\n  f: {User: y, CommandLine: z}\n  condition: a and not f`,
    'Image="x" NOT (User="y" CommandLine="z")',
  ],
  [
    'not of in',
    `  a: {Image: x}\n  f: {User: [y, z]}\n  condition: a and not f`,
    'Image="x" NOT (User IN ("y", "z"))',
  ],
  [
    'where: and under or gets parentheses',
    `  a: {Image: x, CommandLine|re: 'q+'}\n  b: {User: y}\n  condition: a or b`,
    '(Image="x" OR User="y") | where (match(Image, "(?i)^x\\\\z") AND match(CommandLine, "q+")) OR match(User, "(?i)^y\\\\z")',
  ],
  // value modifiers
  [
    'windash',
    `  sel: {CommandLine|windash|contains: ' -x '}\n  condition: sel`,
    'CommandLine IN ("* -x *", "* /x *", "* –x *", "* —x *", "* ―x *")',
  ],
  ['base64', `  sel: {CommandLine|base64: 'ab'}\n  condition: sel`, 'CommandLine="YWI="'],
  [
    'base64offset',
    `  sel: {CommandLine|base64offset|contains: 'http'}\n  condition: sel`,
    'CommandLine IN ("*aHR0c*", "*h0dH*", "*odHRw*")',
  ],
  ['utf16le base64', `  sel: {CommandLine|utf16le|base64: 'a'}\n  condition: sel`, 'CommandLine="YQA="'],
  // placeholders
  ['expand: macro', `  sel: {User|expand: '%admins%'}\n  condition: sel`, 'User IN (`admins`)'],
  [
    'expand under not',
    `  a: {Image: x}\n  f: {User|expand: '%admins%'}\n  condition: a and not f`,
    'Image="x" NOT (User IN (`admins`))',
  ],
  [
    'expand inside contains',
    `  sel: {Image: x, User|contains|expand: '%admins%'}\n  condition: sel`,
    'Image="x" User="*"',
    'approximate',
  ],
  [
    'expand inside contains under not',
    `  sel: {Image: x}\n  f: {User|contains|expand: '%admins%'}\n  condition: sel and not f`,
    'Image="x"',
    'approximate',
  ],
  // time parts
  ['hour', `  sel: {Image: x, Time|hour: 3}\n  condition: sel`, 'Image="x"', 'approximate'],
  ['only an hour', `  sel: {Time|hour: 3}\n  condition: sel`, '', 'unsupported'],
  // field names
  [
    'odd field names go to where',
    `  sel: {'Some Field': x, a.b: y, 'c-d': z}\n  condition: sel`,
    'a.b="y" | where match(\'Some Field\', "(?i)^x\\\\z") AND match(\'c-d\', "(?i)^z\\\\z")',
  ],
  ['reserved word field', `  sel: {OR: x}\n  condition: sel`, '* | where match(\'OR\', "(?i)^x\\\\z")'],
  ['unsafe field name', `  sel: {'a"b': x}\n  condition: sel`, '', 'unsupported'],
];

describe('splunk: every construct', () => {
  test.each(TABLE)('%s', (_name, detection, query, status = 'exact') => {
    const r = convert(detection as string);
    expect({ status: r.status, query: r.queries[0] ?? '' }).toEqual({ status, query });
    for (const q of r.queries) {
      expect(splCommands(q).every((c) => ['search', 'where', 'table'].includes(c))).toBe(true);
      for (const re of matchRegexes(q)) expect(translateRegex(re, noFlags)).toMatchObject({ ok: true });
    }
  });

  test('approximations say what changed and in which direction', () => {
    const r = convert(
      `  sel: {Image: x}\n  f: {User|contains|expand: '%admins%'}\n  condition: sel and not f`,
    );
    const d = r.diagnostics.find((x) => x.code === 'approximation')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toMatch(/User\|contains '%admins%'.*narrowed.*may match more events/);
    expect([d.reason, d.direction]).toEqual(['placeholder', 'narrower']);
    expect(convert(`  sel: {Image: x, T|hour: 3}\n  condition: sel`, { strict: true }).status).toBe(
      'unsupported',
    );
  });

  test('the seed rule: ? values matched exactly', () => {
    const r = convert(
      `  selection_shares:
    EventID: 4000
    ShareName|contains: ['IPC$', 'ADMIN$', 'C$']
  selection_status:
    - SigningUsed: 'false'
    - EncyptionUsed: 'false'
  filter_main_local_ips:
    - ClientAddress|cidr: ['127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10', 'fc00::/7']
    - ClientAddress|contains: ['00000000000000000000000000000001', 'FE80000000000000', 'FC00000000000000', '0200????7F', '0200????A9FE']
  condition: all of selection_* and not 1 of filter_main_*`,
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toBe(
      'EventID=4000 ShareName IN ("*IPC$*", "*ADMIN$*", "*C$*") (SigningUsed="false" OR EncyptionUsed="false") ' +
        'NOT (ClientAddress="127.0.0.0/8" OR ClientAddress="169.254.0.0/16" OR ClientAddress="::1/128" OR ClientAddress="fe80::/10" OR ClientAddress="fc00::/7") ' +
        'NOT (ClientAddress IN ("*00000000000000000000000000000001*", "*FE80000000000000*", "*FC00000000000000*")) ' +
        '| where (isnull(ClientAddress) OR NOT match(ClientAddress, "(?i)(?:0200[\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S]7F|0200[\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S][\\\\s\\\\S]A9FE)"))',
    );
    const re = translateRegex(matchRegexes(r.queries[0])[0], noFlags);
    if (!re.ok) throw new Error(re.reason);
    expect(re.regexp.test('0200abcd7f')).toBe(true);
    expect(re.regexp.test('0200abc7f')).toBe(false);
  });
});

describe('splunk: settings, state and pipelines', () => {
  const sel = `  sel: {Image: x}\n  condition: sel`;
  test('--set index', () => {
    expect(convert(sel, { settings: { index: 'main' } }).queries[0]).toBe('index="main" Image="x"');
    expect(convert(sel, { settings: { index: 'a, b' } }).queries[0]).toBe(
      '(index="a" OR index="b") Image="x"',
    );
    expect(convert(`  sel: {A|re: 'x+'}\n  condition: sel`, { settings: { index: 'main' } }).queries[0]).toBe(
      'index="main" | where match(A, "x+")',
    );
  });

  test('fields become | table', () => {
    expect(convert(sel, {}, [], "fields: [CommandLine, 'Some Field']\n").queries[0]).toBe(
      'Image="x" | table CommandLine, "Some Field"',
    );
  });

  test('pipeline state: index and query expression placeholders', () => {
    const ir: Node = {
      kind: 'string',
      field: 'User',
      op: 'eq',
      values: [[{ kind: 'placeholder', name: 'admins' }]],
      cased: false,
    };
    const sink = new DiagnosticSink('t');
    const loaded = loadRuleFromText(rule(sel), 't.yml');
    const q = splunkBackend.convert({
      rule: loaded.rule as SigmaRule,
      ir,
      state: {
        index: 'sec',
        [QUERY_EXPRESSION_PLACEHOLDERS]: { admins: '[| inputlookup admins.csv | fields {field}]' },
      },
      sink,
      options: { settings: { index: 'main' } },
    });
    // One precedence rule for every setting: --set beats the pipeline state (README, docs/pipelines.md).
    expect(q).toEqual(['index="main" ([| inputlookup admins.csv | fields User])']);
    expect(sink.list).toEqual([]);
    const fromState = splunkBackend.convert({
      rule: loaded.rule as SigmaRule,
      ir,
      state: { index: ['sec', 'audit'] },
      sink,
      options: {},
    });
    expect(fromState).toEqual(['(index="sec" OR index="audit") User IN (`admins`)']);
  });

  test('windows pipeline: source, EventCode and EventID -> EventCode', () => {
    const r = convert(
      `  sel: {EventID: 4625, User: x}\n  condition: sel`,
      {},
      ['windows'],
      '',
      '  product: windows\n  service: security',
    );
    expect(r.queries[0]).toBe('source="WinEventLog:Security" EventCode=4625 User="x"');
    const s = convert(`  sel: {Image: x}\n  condition: sel`, {}, ['windows']);
    expect(s.queries[0]).toBe(
      'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="x"',
    );
    const x = convert(
      `  sel: {EventID: 4625}\n  condition: sel`,
      {},
      ['windows-xml'],
      '',
      '  product: windows\n  service: security',
    );
    expect(x.queries[0]).toBe('source="XmlWinEventLog:Security" EventCode=4625');
  });
});

describe('splunk: names and values the search command would not read as a field test', () => {
  test('a rule field named like a search directive is tested in | where, never written as a directive', () => {
    // `earliest="0"` in the base search would set the time range; `index="*"` would choose indexes.
    for (const name of [...SEARCH_DIRECTIVES, 'EARLIEST', 'Index']) {
      const r = convert(`  sel: {${name}: '0'}\n  condition: sel`);
      expect(r.status).toBe('exact');
      expect(r.queries[0]).toBe(`* | where match(${name}, "(?i)^0\\\\z")`);
    }
    expect(convert(`  sel: {earliest: 0, latest|gt: 5}\n  condition: sel`).queries[0]).toBe(
      '* | where match(earliest, "^0\\\\z") AND latest>5',
    );
    expect(convert(`  sel: {index: '*'}\n  f: {tag: x}\n  condition: sel and not f`).queries[0]).toBe(
      '* | where match(index, "(?i)^[\\\\s\\\\S]*\\\\z") AND (isnull(tag) OR NOT match(tag, "(?i)^x\\\\z"))',
    );
    // Field names are case-sensitive: Sysmon's EventType and Okta's eventType are not the eventtype directive.
    for (const name of ['EventType', 'eventType', 'Tag'])
      expect(convert(`  sel: {${name}: x}\n  condition: sel`).queries[0]).toBe(`${name}="x"`);
    // source, sourcetype and host are default fields: their search terms are field tests.
    expect(convert(`  sel: {source: x, sourcetype: y, host: z}\n  condition: sel`).queries[0]).toBe(
      'source="x" sourcetype="y" host="z"',
    );
  });

  test('a directive added by a pipeline (trusted configuration) stays in the base search', () => {
    const own: Node = { kind: 'string', field: 'index', op: 'eq', values: [literal('main')], cased: false };
    const ir: Node = { ...own, origin: { addedBy: 'p/#1' } };
    const sink = new DiagnosticSink('t');
    const loaded = loadRuleFromText(rule(`  sel: {Image: x}\n  condition: sel`), 't.yml');
    expect(
      splunkBackend.convert({ rule: loaded.rule as SigmaRule, ir, state: {}, sink, options: {} }),
    ).toEqual(['index="main"']);
    // The mark, not a missing rule position, is what trusts it: the rule's own match without a
    // position is still the rule's field.
    expect(
      splunkBackend.convert({ rule: loaded.rule as SigmaRule, ir: own, state: {}, sink, options: {} }),
    ).toEqual(['* | where match(index, "(?i)^main\\\\z")']);
    // ... and add_condition builds its condition with the mark.
    const p = pipelineFromYaml(
      'name: p\ntransformations:\n  - type: add_condition\n    conditions: {index: main}\n',
      'p.yml',
    );
    const r = convertLoaded(loaded, splunkBackend, [p], {});
    expect(r.queries[0]).toBe('index="main" Image="x"');
  });

  test('a plain value that looks like a network is compared as text, not as a subnet', () => {
    // Search Reference "search": the search command reads CIDR notation as a subnet.
    expect(convert(`  sel: {FA: '10.0.0.0/8'}\n  condition: sel`).queries[0]).toBe(
      'FA="10.0.0.0*8" | where match(FA, "(?i)^10\\\\.0\\\\.0\\\\.0\\\\/8\\\\z")',
    );
    expect(convert(`  sel: {FA|contains: 'fe80::/10'}\n  condition: sel`).queries[0]).toBe(
      'FA="*fe80::*10*" | where match(FA, "(?i)fe80::\\\\/10")',
    );
    expect(convert(`  sel: {FA: [a, '192.168.1.0/24']}\n  condition: not sel`).queries[0]).toBe(
      'NOT FA="a" | where (isnull(FA) OR NOT match(FA, "(?i)^192\\\\.168\\\\.1\\\\.0\\\\/24\\\\z"))',
    );
    // |cidr stays a subnet search term; text without a prefix length or with other text stays a term.
    expect(convert(`  sel: {FA|cidr: '10.0.0.0/8'}\n  condition: sel`).queries[0]).toBe('FA="10.0.0.0/8"');
    expect(convert(`  sel: {FA: '10.0.0.1', FB: 'a/8', FC: '/api/10'}\n  condition: sel`).queries[0]).toBe(
      'FA="10.0.0.1" FB="a/8" FC="/api/10"',
    );
  });
});

describe('splunk: escape safety', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({
      unit: fc.constantFrom(
        '"',
        '\\',
        '|',
        '[',
        ']',
        '(',
        ')',
        '`',
        "'",
        '*',
        '?',
        '\n',
        '\r',
        '\t',
        'a',
        'é',
        '名',
        '=',
        ' ',
      ),
    }),
  );
  const ops: StringOp[] = ['eq', 'contains', 'startswith', 'endswith'];

  test('every value stays inside its literals and reads back unchanged', () => {
    const loaded = loadRuleFromText(rule(`  sel: {A: x}\n  condition: sel`), 't.yml');
    fc.assert(
      fc.property(hostile, fc.constantFrom(...ops), fc.boolean(), (text, op, cased) => {
        const ir: Node = { kind: 'string', field: 'A', op, values: [literal(text)], cased };
        const sink = new DiagnosticSink('t');
        const q = splunkBackend.convert({ rule: loaded.rule as SigmaRule, ir, state: {}, sink, options: {} });
        expect(sink.list).toEqual([]);
        const [query] = q;
        const commands = splCommands(query);
        expect(commands[0]).toBe('search');
        expect(commands.slice(1).every((c) => c === 'where')).toBe(true);
        const lits = splStringLiterals(query);
        // The search term holds the text (a literal `*` and control characters widened to `*`).
        if (!(op === 'eq' && text === '')) {
          const pre = op === 'contains' || op === 'endswith' ? '*' : '';
          const post = op === 'contains' || op === 'startswith' ? '*' : '';
          // eslint-disable-next-line no-control-regex
          const widened = (pre + text.replace(/[\x00-\x1f\x7f]/g, '*') + post).replace(/\*{2,}/g, '*');
          expect(lits[0]).toBe(widened);
        }
        // The where regex, read back from the SPL, matches exactly the value.
        const res = matchRegexes(query);
        const exact = !cased && !(op === 'eq' && text === '') && !/[*\x00-\x1f\x7f]/.test(text); // eslint-disable-line no-control-regex
        expect(res.length).toBe(exact ? 0 : 1);
        if (res.length) {
          const re = translateRegex(res[0], noFlags);
          if (!re.ok) throw new Error(re.reason);
          expect(re.regexp.test(text)).toBe(true);
          if (op === 'eq') expect(re.regexp.test(text + 'x')).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a hostile regex stays inside its literal', () => {
    const loaded = loadRuleFromText(rule(`  sel: {A: x}\n  condition: sel`), 't.yml');
    fc.assert(
      fc.property(hostile, (pattern) => {
        const ir: Node = { kind: 'regex', field: 'A', pattern, flags: noFlags };
        const q = splunkBackend.convert({
          rule: loaded.rule as SigmaRule,
          ir,
          state: {},
          sink: new DiagnosticSink(),
          options: {},
        });
        const commands = splCommands(q[0]);
        expect(commands.slice(1).every((c) => c === 'where')).toBe(true);
        expect(q[0]).not.toMatch(/[\n\r]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('splunk: hostile field names and values (property test, read back with the SPL lexer)', () => {
  const nameUnit = fc.constantFrom(
    'a',
    'Z',
    '0',
    '_',
    '.',
    '-',
    ' ',
    '"',
    "'",
    '[',
    ']',
    '=',
    '|',
    '`',
    '\\',
    '(',
    ')',
    ',',
    '!',
    '<',
    '*',
    'é',
    '名',
    '\t',
    '\n',
  );
  const names = fc.oneof(
    fc.constantFrom(
      'AND',
      'OR',
      'NOT',
      'IN',
      'XOR',
      'TERM',
      'CASE',
      'LIKE',
      'true',
      'null',
      'where',
      'search',
      'Image',
      'Process.Name',
      'my field',
      'a-b',
      '5minutes',
      'user[0]',
      'a=b',
      'a|b',
      "it's",
      ...SEARCH_DIRECTIVES,
      'Earliest',
      'INDEX',
      'source',
      'host',
      'sourcetype',
    ),
    fc.string({ unit: nameUnit, minLength: 1, maxLength: 8 }),
  );
  const values = fc.string({
    unit: fc.constantFrom(
      'a',
      'B',
      '0',
      '1',
      '.',
      '/',
      ':',
      '"',
      "'",
      '\\',
      '|',
      '[',
      ']',
      '*',
      '?',
      ' ',
      '=',
      '`',
      'é',
      '\n',
    ),
    maxLength: 10,
  });
  const origin = { line: 4, column: 3 };

  test("each name stays one field name, each value one literal, no command is injected; the query keeps exactly the rule's events", () => {
    const loaded = loadRuleFromText(rule(`  sel: {A: x}\n  condition: sel`), 't.yml');
    fc.assert(
      fc.property(names, names, values, values, fc.boolean(), (f1, f2, v1, v2, cased) => {
        const ir: Node = {
          kind: 'and',
          children: [
            { kind: 'string', field: f1, op: 'eq', values: [literal(v1)], cased: false, origin },
            {
              kind: 'not',
              child: { kind: 'string', field: f2, op: 'contains', values: [literal(v2)], cased, origin },
            },
          ],
        };
        const sink = new DiagnosticSink('t');
        const q = splunkBackend.convert({ rule: loaded.rule as SigmaRule, ir, state: {}, sink, options: {} });
        const safe = isSafeFieldName(f1) && isSafeFieldName(f2);
        if (!safe) {
          // A name that cannot be written safely is refused, never emitted.
          expect(q).toEqual([]);
          expect(sink.list.map((d) => d.code)).toEqual(['unsupported-construct']);
          return;
        }
        expect(sink.list).toEqual([]);
        const [query] = q;
        const commands = splCommands(query);
        expect(commands[0]).toBe('search');
        expect(commands.slice(1).every((c) => c === 'where')).toBe(true);
        // Every field reference read back is one of the two names: bare before an operator or
        // IN in the search, bare or single-quoted in the where (functions and literals aside).
        const toks = tokenizeSpl(query);
        const where = toks.findIndex((t) => t.type === 'pipe');
        const refs = new Set<string>();
        toks.forEach((t, i) => {
          const next = toks[i + 1];
          if (t.type === 'quotedField') refs.add(t.value);
          else if (t.type === 'word' && (where < 0 || i < where)) {
            if (next?.type === 'op' || (next?.type === 'word' && next.value === 'IN')) refs.add(t.value);
          } else if (
            t.type === 'word' &&
            i > where + 1 &&
            next?.type !== 'lparen' &&
            !/^(?:AND|OR|NOT)$/.test(t.value)
          )
            refs.add(t.value);
        });
        for (const r of refs) expect([f1, f2]).toContain(r);
        // A directive name of the rule is never a base-search term.
        for (const f of [f1, f2])
          if (isSearchDirective(f))
            expect(
              toks.slice(0, where < 0 ? toks.length : where).some((t) => t.type === 'word' && t.value === f),
            ).toBe(false);
        // Every string literal is a value or a regex of one: it reads back whole (checked by the
        // interpreter agreeing with the reference evaluator on events that hold the values).
        const ref = compileRule(ir);
        const events: Array<Record<string, unknown>> = [
          { [f1]: v1 },
          { [f1]: v1, [f2]: v2 },
          { [f1]: v1, [f2]: `x${v2}y` },
          { [f1]: v1.toUpperCase(), [f2]: 'zz' },
          { [f1]: `${v1}!` },
          { [f2]: v2 },
          {},
        ];
        for (const e of events) expect([e, evalSpl(query, e)]).toEqual([e, ref(e as never)]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('splunk: output formats', () => {
  const text = rule(
    `  sel: {Image: x}\n  condition: sel`,
    "description: |\n  line one\n  ends in C:\\\n  three\ntags: [attack.t1059]\nreferences: ['https://x']\n",
  );
  const result = convertLoaded(loadRuleFromText(text, 'a.yml'), splunkBackend, [], {});

  test('default: one line per rule', () => {
    expect(splunkBackend.formats.default.rule(result, {})).toBe('Image="x"\n');
  });

  test('savedsearches: stanza, metadata, continued description, settings', () => {
    const f = splunkBackend.formats.savedsearches;
    const o: ConvertOptions = {
      settings: {
        cron: '0 * * * *',
        earliest: '-1h',
        actions: 'email',
        'action.email.to': 'soc@example.com',
      },
    };
    // The settings reach the format through the result: resolved once by the conversion.
    const r = convertLoaded(loadRuleFromText(text, 'a.yml'), splunkBackend, [], o);
    const out = f.header!(o) + f.rule(r, o) + f.separator + f.rule(r, o);
    expect(out).toContain('[t]\ndescription = line one \\\nends in C:\\  \\\nthree\nsearch = Image="x"\n');
    expect(out).toContain('[t (2)]');
    expect(out).toContain(
      'cron_schedule = 0 * * * *\ndispatch.earliest_time = -1h\ndispatch.latest_time = now\n',
    );
    expect(out).toContain('alert.severity = 5\n');
    expect(out).toContain('action.email = 1\naction.email.to = soc@example.com\n');
    expect(out).toContain(
      // One order of metadata for every format (backends/common/metadata.ts): references before tags.
      '# sigma.id = 11111111-1111-4111-8111-111111111111\n# sigma.level = high\n# sigma.reference = https://x\n# sigma.tag = attack.t1059\n',
    );
  });
});

describe('keywords anchored to a value have no form on _raw', () => {
  test('keyword |startswith is searched anywhere in _raw, labelled, and widens (dropped under not)', () => {
    const r = convert("  keywords:\n    '|startswith': ['abc']\n  condition: keywords");
    expect(r.status).toBe('approximate');
    expect(r.queries).toEqual(['* | where match(_raw, "(?i)abc")']);
    // An event whose raw text holds the value mid-text but no value starts with it: matched (wider), never missed.
    expect(evalSpl(r.queries[0], { _raw: 'x=1 y=abc', y: 'abc' })).toBe(true);
    expect(evalSpl(r.queries[0], { _raw: 'y=zabc', y: 'zabc' })).toBe(true);
    // Under not the leaf must narrow and no narrower form exists: it is dropped, so the query keeps
    // every event the rule keeps (an event with a value ending in abc elsewhere in _raw included).
    const n = convert(
      "  sel:\n    Image: x\n  keywords:\n    '|endswith': ['abc']\n  condition: sel and not keywords",
    );
    expect(n.status).toBe('approximate');
    expect(n.queries).toEqual(['Image="x"']);
    expect(evalSpl(n.queries[0], { _raw: 'Image=x y=zabcq', Image: 'x', y: 'zabcq' })).toBe(true);
    // `not keywords` alone would match every event: refused, never an empty search.
    expect(convert("  keywords:\n    '|endswith': ['abc']\n  condition: not keywords").status).toBe(
      'unsupported',
    );
  });
  test('an anchored keyword regex is approximated (dropped), an unanchored one stays exact', () => {
    const r = convert("  kw:\n    '|re': '^x+y'\n  sel:\n    Image: a\n  condition: sel and kw");
    expect(r.status).toBe('approximate');
    expect(r.diagnostics.map((d) => d.code)).toContain('approximation');
    const e = convert("  kw:\n    '|re': 'x+y'\n  sel:\n    Image: a\n  condition: sel and kw");
    expect(e.status).toBe('exact');
  });
});

describe('splunk: each approximation has a stable reason and the direction of its changed part', () => {
  /** The approximation and unsupported diagnostics as [severity, reason, direction, message]. */
  const lowered = (ds: readonly Diagnostic[]) =>
    ds
      .filter((d) => d.code === 'approximation' || d.code === 'unsupported-construct')
      .map((d) => [d.severity, d.reason, d.direction, d.message]);
  const more = ': the query may match more events than the rule';
  const hour = "T|hour: the 'hour' part of a timestamp has no exact SPL form for an unknown time format";
  const anchorWhy =
    "keyword|endswith 'abc': a keyword is searched in the raw event text (_raw), where a value's start or end is not marked";
  const anchor = `${anchorWhy}; searched anywhere in it`;
  const reAnchor = 'keyword (regex): an anchored keyword regex has no form on the raw event text (_raw)';
  const inValue =
    "User|contains '%admins%': a placeholder inside a value cannot be a macro (a macro can only stand for a whole list of values)";
  const macro = "B|eq '%p%': a macro placeholder has no eval form inside `| where`";
  const sel = `  sel: {Image: x}\n`;

  // [name, detection, query, reason, direction, message]: positive, then under `not` (the changed part narrows).
  test.each<readonly [string, string, string, string, string, string]>([
    [
      'time-part',
      `${sel}  f: {T|hour: 3}\n  condition: sel and f`,
      'Image="x"',
      'time-part',
      'wider',
      `${hour}; dropped (widened)${more}`,
    ],
    [
      'time-part under not',
      `${sel}  f: {T|hour: 3}\n  condition: sel and not f`,
      'Image="x"',
      'time-part',
      'narrower',
      `${hour}; dropped from the negation (narrowed)${more}`,
    ],
    [
      'keyword-anchor',
      `${sel}  kw: {'|endswith': abc}\n  condition: sel and kw`,
      'Image="x" | where match(_raw, "(?i)abc")',
      'keyword-anchor',
      'wider',
      `${anchor}${more}`,
    ],
    [
      // No narrower form exists: under `not` the keyword is dropped, so the whole query still widens.
      'keyword-anchor under not',
      `${sel}  kw: {'|endswith': abc}\n  condition: sel and not kw`,
      'Image="x"',
      'keyword-anchor',
      'narrower',
      `${anchorWhy}; dropped from the negation (narrowed)${more}`,
    ],
    [
      'keyword-regex-anchor',
      `${sel}  kw: {'|re': '^x+y'}\n  condition: sel and kw`,
      'Image="x"',
      'keyword-regex-anchor',
      'wider',
      `${reAnchor}; dropped (widened)${more}`,
    ],
    [
      'keyword-regex-anchor under not',
      `${sel}  kw: {'|re': '^x+y'}\n  condition: sel and not kw`,
      'Image="x"',
      'keyword-regex-anchor',
      'narrower',
      `${reAnchor}; dropped from the negation (narrowed)${more}`,
    ],
    [
      'placeholder',
      `${sel}  f: {User|contains|expand: '%admins%'}\n  condition: sel and f`,
      'Image="x" User="*"',
      'placeholder',
      'wider',
      `${inValue}; replaced by the wider search term${more}`,
    ],
    [
      'placeholder under not',
      `${sel}  f: {User|contains|expand: '%admins%'}\n  condition: sel and not f`,
      'Image="x"',
      'placeholder',
      'narrower',
      `${inValue}; dropped from the negation (narrowed)${more}`,
    ],
    [
      // The macro stays in the base search (exact there); only the | where loses it.
      'where-macro',
      `  a: {A|contains: 'x?y'}\n  b: {B|expand: '%p%'}\n  c: {C: z}\n  condition: (a or b) and c`,
      '(A="*x*y*" OR B IN (`p`)) C="z"',
      'where-macro',
      'wider',
      `${macro}; dropped (widened)${more}`,
    ],
    [
      'where-macro under not',
      `  a: {A|contains: 'x?y'}\n  b: {B|expand: '%p%'}\n  c: {C: z}\n  condition: c and not (a and b)`,
      'C="z"',
      'where-macro',
      'narrower',
      `${macro}; dropped from the negation (narrowed)${more}`,
    ],
  ])('%s', (_name, detection, query, reason, direction, message) => {
    const r = convert(detection);
    expect(r.status).toBe('approximate');
    expect(r.queries).toEqual([query]);
    expect(lowered(r.diagnostics)).toEqual([['warning', reason, direction, message]]);
    // The text form names the reason after the code; the message is unchanged.
    const d = r.diagnostics.find((x) => x.code === 'approximation')!;
    expect(formatDiagnostic(d)).toBe(
      `t.yml:${d.line}:${d.column}: warning approximation [${reason}]: ${message}`,
    );
  });

  test("every approximation stays sound: the rule's matching events are matched (placeholders aside)", () => {
    // Events the rule matches, checked on the query with the SPL interpreter (wider never misses one).
    const cases: [string, Record<string, string>][] = [
      [`${sel}  f: {T|hour: 3}\n  condition: sel and f`, { Image: 'x', T: '2020-01-01T03:00:00Z' }],
      [
        `${sel}  kw: {'|endswith': abc}\n  condition: sel and kw`,
        { Image: 'x', y: 'zabc', _raw: 'y=zabc Image=x' },
      ],
      [`${sel}  kw: {'|re': '^x+y'}\n  condition: sel and kw`, { Image: 'x', _raw: 'xxy Image=x' }],
      [`${sel}  kw: {'|re': '^x+y'}\n  condition: sel and not kw`, { Image: 'x', _raw: 'Image=x' }],
    ];
    for (const [detection, event] of cases) {
      const ir = loadRuleFromText(rule(detection), 't.yml').ir!;
      expect(compileRule(ir)(event)).toBe(true);
      expect(evalSpl(convert(detection).queries[0], event)).toBe(true);
    }
  });

  test('refusals name their reason and no direction', () => {
    const bad = convert(`  sel: {'a"b': x}\n  condition: sel`);
    expect(bad.status).toBe('unsupported');
    expect(lowered(bad.diagnostics)).toEqual([
      ['error', 'field-name', undefined, 'field name "a\\"b" cannot be written safely in SPL'],
    ]);
    expect(formatDiagnostic(bad.diagnostics[0])).toBe(
      't.yml:1:1: error unsupported-construct [field-name]: field name "a\\"b" cannot be written safely in SPL',
    );
    const none = convert(`  f: {T|hour: 3}\n  condition: f`);
    expect(none.status).toBe('unsupported');
    expect(lowered(none.diagnostics)).toEqual([
      ['warning', 'time-part', 'wider', `${hour}; dropped (widened)${more}`],
      [
        'error',
        'constant-condition',
        undefined,
        'after approximation the condition is always true: nothing left to search for',
      ],
    ]);
  });

  test('one match lowered twice is reported once', () => {
    // The same selection under both polarities: one report per polarity, not one per use.
    const r = convert(`${sel}  f: {T|hour: 3}\n  condition: sel and (f or not f) and (f or sel)`);
    expect(lowered(r.diagnostics).map((d) => d[2])).toEqual(['wider', 'narrower']);
  });
});

describe('splunk: --cache keeps reasons and directions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-splunk-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rules: Record<string, string> = {
    'time.yml': `  sel: {Image: x}\n  f: {T|hour: 3}\n  condition: sel and not f`,
    'placeholder.yml': `  sel: {Image: x}\n  f: {User|contains|expand: '%admins%'}\n  condition: sel and f`,
    'anchor.yml': `  sel: {Image: x}\n  kw: {'|endswith': abc}\n  condition: sel and not kw`,
    'field.yml': `  sel: {'a"b': x}\n  condition: sel`,
  };
  for (const [name, detection] of Object.entries(rules)) writeFileSync(join(dir, name), rule(detection));

  async function convertAll(options: RunOptions) {
    const out: string[] = [];
    const results: RuleSummary[] = [];
    await run(options, { write: (t, s) => out.push(`${t}:${s}`), onResult: (_t, r) => results.push(r) });
    return { out: out.join(''), results };
  }
  // The rules share rule()'s id: the run's duplicate-id warnings are not what this is about.
  const shape = (rs: readonly RuleSummary[]) =>
    rs.flatMap((r) =>
      r.diagnostics
        .filter((d) => d.code !== 'duplicate-id')
        .map((d) => [d.severity, d.code, d.reason, d.direction, formatDiagnostic(d)]),
    );

  test.each([false, true])(
    'detail mode %s: a cached run restores the same reasons and directions',
    async (cacheDetail) => {
      const base: RunOptions = { targets: ['splunk'], inputs: [dir] };
      const cache = join(dir, `cache-${cacheDetail}`);
      const plain = await convertAll(base);
      const first = await convertAll({ ...base, cache, cacheDetail });
      const second = await convertAll({ ...base, cache, cacheDetail });
      // What the cache must carry: each reason with its direction (none for a refusal).
      const want = shape(plain.results).map((d) => [d[2], d[3]]);
      expect(want).toEqual([
        ['keyword-anchor', 'narrower'],
        ['field-name', undefined],
        ['placeholder', 'wider'],
        ['time-part', 'narrower'],
      ]);
      expect(shape(first.results)).toEqual(shape(plain.results));
      expect(shape(second.results)).toEqual(shape(plain.results));
      expect(second.out).toBe(plain.out);
      // The second run read them from the cache.
      const c = ConversionCache.open(cache, { ...base, cache }, cacheDetail);
      expect(c.get(join(dir, 'time.yml'), rule(rules['time.yml']))).toBeDefined();
    },
  );
});

describe('splunk: the case table reports only the diagnostics it lists', () => {
  test.each(Object.keys(CASES) as CaseName[])('%s', (name) => {
    const r = convertLoaded(
      loadRuleFromText(caseRule(name, CASES[name]), `${name}.yml`),
      splunkBackend,
      [],
      {},
    );
    expect(r.diagnostics.map((d) => [d.code, d.reason, d.direction].filter((x) => x !== undefined))).toEqual(
      caseDiagnostics[name] ?? [],
    );
  });
});
