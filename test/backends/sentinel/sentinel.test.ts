/**
 * Sentinel (Kusto) backend: the case table's queries parse and bind, each IR construct and
 * modifier on typed tables, pipelines, formats and literal escaping (Microsoft's parser).
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { kustoMember, kustoName, kustoString } from '../../../backends/sentinel-kql/literal.js';
import type { RuleResult } from '../../../src/backend.js';
import {
  KustoRenderer,
  type SentinelReason,
  type TableContext,
} from '../../../backends/sentinel-kql/render.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { DiagnosticSink } from '../../../src/diagnostics.js';
import type { Node } from '../../../src/ir/types.js';
import { Lowering } from '../../../src/lowering/approximate.js';
import { compileRule } from '../../../src/evaluate/index.js';
import { CASES, caseRule } from '../../cases/cases.js';
import { diagnostics as caseDiagnostics, expected } from '../../cases/expected.sentinel.js';
import { CASE_SETTINGS } from '../../cases/settings.js';
import { evalKusto } from '../../support/eval-kusto.js';
import { bindKusto, parseKusto, re2Compiles, stringLiteralValues } from '../../support/kusto.js';
import tablesJson from '../../../backends/sentinel-kql/data/tables.json' with { type: 'json' };
import { convertWith, ruleText } from '../../support/convert.js';

const TABLES = tablesJson as Record<string, Record<string, string>>;

function rule(
  detection: string,
  logsource = 'product: windows\n  category: process_creation',
  extra = '',
): string {
  return ruleText(detection, { logsource: `  ${logsource}`, status: 'test', extra });
}

function convert(
  text: string,
  opts: { pipelines?: readonly string[]; settings?: Record<string, string>; strict?: boolean } = {},
): RuleResult {
  return convertWith(sentinelBackend, text, opts);
}

/** `matches regex` literals of a query, in order. */
function regexLiterals(q: string): string[] {
  const lits = stringLiteralValues(q);
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    const at = q.indexOf(' matches regex ', pos);
    if (at < 0) return out;
    pos = at + 15;
    out.push(lits[stringLiteralValues(q.slice(0, pos)).length]);
  }
}

function checkQuery(q: string, tables: Record<string, Record<string, string>> = TABLES): void {
  expect(parseKusto(q).errors).toEqual([]);
  expect(bindKusto(q, tables).errors.filter((e) => !/'_GetWatchlist'/.test(e))).toEqual([]);
  for (const r of regexLiterals(q)) expect(re2Compiles(r)).toBe(true);
}

describe('sentinel: case table', () => {
  // The cases' test table: every field the cases name, as a string column (numbers as long).
  const fields = new Set<string>();
  for (const c of Object.values(CASES))
    for (const m of c.detection.matchAll(/^\s+-?\s*([^\s:|'-][^:|']*?|'[^']+')(\|[^:]*)?:/gm))
      fields.add(m[1].replace(/'/g, ''));
  for (const f of ['SubjectUserName', 'User']) fields.add(f); // fieldref targets
  const schema: Record<string, string> = {};
  for (const f of fields) schema[f] = ['EventID', 'Count', 'Size'].includes(f) ? 'long' : 'string';
  const tables = { ...TABLES, SigmaEvents: schema };

  test.each(Object.keys(CASES))('%s', (name) => {
    const c = CASES[name as keyof typeof CASES];
    const r = convertLoaded(loadRuleFromText(caseRule(name, c), name), sentinelBackend, [], {
      settings: CASE_SETTINGS.sentinel,
    });
    const want = expected[name as keyof typeof expected];
    expect(r.status).toBe(want.status);
    expect(r.queries[0]).toBe(want.query);
    // The case table's SigmaEvents has no schema in tables.json: each field is `unverified-field`
    // (tested on its own below); the pins are the approximations and refusals.
    const pinned = r.diagnostics.filter((d) => d.code !== 'unverified-field');
    expect(pinned.map((d) => [d.code, d.reason, d.direction].filter((x) => x !== undefined))).toEqual(
      caseDiagnostics[name as keyof typeof caseDiagnostics] ?? [],
    );
    if (want.query) checkQuery(want.query, tables);
  });
});

describe('sentinel: the seed rule', () => {
  const seed = rule(
    `  selection_shares:
    EventID: 4000
    ShareName|contains: ['IPC$', 'ADMIN$', 'C$']
  selection_status:
    - SigningUsed: 'false'
    - EncyptionUsed: 'false'
  filter_main_local_ips:
    - ClientAddress|cidr: ['127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10', 'fc00::/7']
    - ClientAddress|contains: ['00000000000000000000000000000001', '0200????7F']
  condition: all of selection_* and not 1 of filter_main_*`,
    'product: windows\n  service: smbserver-connectivity',
  );
  test('sentinel-windows: WindowsEvent, EventData fallback, IPv4 and IPv6 ranges, ? as regex, guarded not', () => {
    const r = convert(seed, { pipelines: ['sentinel-windows'] });
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toBe(
      'WindowsEvent\n| where Channel =~ "Microsoft-Windows-SMBServer/Connectivity" and EventID == 4000 and ' +
        '(tostring(EventData.ShareName) contains "IPC$" or tostring(EventData.ShareName) contains "ADMIN$" or tostring(EventData.ShareName) contains "C$") and ' +
        '(tostring(EventData.SigningUsed) =~ "false" or tostring(EventData.EncyptionUsed) =~ "false") and ' +
        'not(coalesce(ipv4_is_in_any_range(tostring(EventData.ClientAddress), "127.0.0.0/8", "169.254.0.0/16"), false) or ' +
        'coalesce(ipv6_is_in_any_range(tostring(EventData.ClientAddress), "::1/128", "fe80::/10", "fc00::/7"), false) or ' +
        'tostring(EventData.ClientAddress) contains "00000000000000000000000000000001" or ' +
        'tostring(EventData.ClientAddress) matches regex @"(?i)0200[\\s\\S][\\s\\S][\\s\\S][\\s\\S]7F")',
    );
    checkQuery(r.queries[0]);
  });
});

describe('sentinel: constructs on typed tables', () => {
  // Short names for columns of DeviceFileEvents with each Kusto type.
  const T = { table: 'DeviceFileEvents' };
  const tables = TABLES;
  const COLS: Record<string, string> = {
    S: 'ActionType',
    N: 'FileSize',
    B: 'IsAzureInfoProtectionApplied',
    D: 'AdditionalFields',
    DT: 'TimeGenerated',
    G: 'InitiatingProcessCreationTime',
    J: 'SHA1',
    X: 'FileName',
  };
  const sub = (t: string) => t.replace(/(?<![\\\w])(S|N|B|D|DT|G|J|X)\b(?![("])/g, (m) => COLS[m]);
  const cases: Array<[string, string, string]> = [
    ['string eq list -> in~', `  sel:\n    S: [a, b]\n  condition: sel`, 'S in~ ("a", "b")'],
    ['cased eq list -> in', `  sel:\n    S|cased: [a, b]\n  condition: sel`, 'S in ("a", "b")'],
    ['cased startswith', `  sel:\n    S|cased|startswith: a\n  condition: sel`, 'S startswith_cs "a"'],
    ['cased endswith', `  sel:\n    S|cased|endswith: a\n  condition: sel`, 'S endswith_cs "a"'],
    [
      'cased ? -> regex without (?i)',
      `  sel:\n    S|cased: a?b\n  condition: sel`,
      'S matches regex @"^a[\\s\\S]b\\z"',
    ],
    ['star on dynamic -> isnotnull (exact)', `  sel:\n    D.k: '*'\n  condition: sel`, 'isnotnull(D.k)'],
    ['number on long', `  sel:\n    N: 5\n  condition: sel`, 'N == 5'],
    ['numeric text on long', `  sel:\n    N: '5'\n  condition: sel`, 'tostring(N) =~ "5"'],
    ['number on string column: the text', `  sel:\n    S: 5\n  condition: sel`, 'S == "5"'],
    ['number on dynamic', `  sel:\n    D: [1, 2]\n  condition: sel`, 'tostring(D) in ("1", "2")'],
    [
      'number list under not is guarded',
      `  sel:\n    N: [1, 2]\n  condition: not sel`,
      'not(coalesce(N in (1, 2), false))',
    ],
    ['boolean on bool', `  sel:\n    B: true\n  condition: sel`, 'B == true'],
    ['boolean on string', `  sel:\n    S: false\n  condition: sel`, 'S =~ "false"'],
    ['compare on long', `  sel:\n    N|gte: 3\n  condition: sel`, 'N >= 3'],
    ['compare on string', `  sel:\n    S|lt: 3\n  condition: sel`, 'toreal(S) < 3'],
    [
      'compare under not is guarded',
      `  sel:\n    N|gt: 3\n  condition: not sel`,
      'not(coalesce(N > 3, false))',
    ],
    ['null on long', `  sel:\n    N: null\n  condition: sel`, 'isnull(N)'],
    ['exists on dynamic', `  sel:\n    D|exists: true\n  condition: sel`, 'isnotnull(D)'],
    ['exists false on datetime', `  sel:\n    G|exists: false\n  condition: sel`, 'isnull(G)'],
    ['contains on datetime', `  sel:\n    G|contains: ab\n  condition: sel`, 'tostring(G) contains "ab"'],
    ['dynamic path', `  sel:\n    D.a.b: x\n  condition: sel`, 'tostring(D.a.b) =~ "x"'],
    ['dynamic path with odd key', `  sel:\n    D.a-b: x\n  condition: sel`, 'tostring(D[\'a-b\']) =~ "x"'],
    ['JSON in a string column', `  sel:\n    J.k: x\n  condition: sel`, 'tostring(parse_json(J).k) =~ "x"'],
    [
      'empty value on dynamic',
      `  sel:\n    D.k: ''\n  condition: sel`,
      'isnotnull(D.k) and tostring(D.k) == ""',
    ],
    ['time part', `  sel:\n    DT|hour: 3\n  condition: sel`, 'datetime_part("Hour", DT) == 3'],
    [
      'time part on string, under not',
      `  sel:\n    S|week: [1, 2]\n  condition: not sel`,
      'not(coalesce(datetime_part("week_of_year", todatetime(S)) in (1, 2), false))',
    ],
    ['regex flags', `  sel:\n    S|re|i|m|s: '^a.b$'\n  condition: sel`, 'S matches regex "(?ims)^a.b$"'],
    [
      'cidr on dynamic, IPv6 single',
      `  sel:\n    D|cidr: '2001:db8::/32'\n  condition: sel`,
      'ipv6_is_in_range(tostring(D), "2001:db8::/32")',
    ],
    [
      'keyword with a wildcard',
      `  keywords:\n    - 'a*b'\n  condition: keywords`,
      '* matches regex @"(?i)a[\\s\\S]*b"',
    ],
    ['keyword number', `  keywords:\n    - 4\n  condition: keywords`, '* contains "4"'],
  ];
  test.each(cases)('%s', (_name, detection, where) => {
    const r = convert(rule(sub(detection)), { settings: T });
    expect(r.diagnostics).toEqual([]);
    expect(r.queries[0]).toBe(`DeviceFileEvents\n| where ${sub(where)}`);
    checkQuery(r.queries[0], tables);
  });

  test.each([
    ['fieldref cased', `  sel:\n    S|fieldref|cased: X\n  condition: sel`, 'S == X', 'approximate'],
    [
      'fieldref endswith',
      `  sel:\n    S|fieldref|endswith: X\n  condition: sel`,
      'S endswith X',
      'approximate',
    ],
    [
      'fieldref with a dynamic side',
      `  sel:\n    S|fieldref: D\n  condition: sel`,
      'isnotnull(D) and S =~ tostring(D)',
      'approximate',
    ],
    [
      'fieldref of two typed columns',
      `  sel:\n    N|fieldref: G\n  condition: sel`,
      'isnotnull(N) and isnotnull(G) and tostring(N) =~ tostring(G)',
      'exact',
    ],
    [
      'fieldref under not',
      `  sel:\n    S|fieldref: X\n  condition: not sel`,
      'not(isnotempty(S) and isnotempty(X) and S =~ X)',
      'approximate',
    ],
  ])('%s (a missing string column reads as "")', (_name, detection, where, status) => {
    const r = convert(rule(sub(detection)), { settings: T });
    expect(r.status).toBe(status);
    if (status === 'approximate')
      expect(r.diagnostics.map((d) => [d.code, d.reason, d.direction])).toEqual([
        ['approximation', 'string-fieldref', detection.includes('not sel') ? 'narrower' : 'wider'],
      ]);
    else expect(r.diagnostics).toEqual([]);
    expect(r.queries[0]).toBe(`DeviceFileEvents\n| where ${sub(where)}`);
    checkQuery(r.queries[0], tables);
    // Two missing string fields: Kusto compares "" with "" (true); Sigma compares nothing (false).
    // A guarded typed side is null when missing: false, as Sigma says.
    if (!detection.includes('not sel'))
      expect(evalKusto(r.queries[0], {}, tables.DeviceFileEvents)).toBe(!where.includes('isnotnull'));
    // Under not, two missing fields: Sigma's `not` of a comparison that cannot hold is true; so is the query's.
    else expect(evalKusto(r.queries[0], {}, tables.DeviceFileEvents)).toBe(true);
  });

  test('unsupported regexes: lookaround, backreference, PCRE-only escapes', () => {
    for (const re of ['a(?=b)', '(a)\\1', 'a\\Z', 'a++']) {
      const r = convert(rule(`  sel:\n    ActionType|re: '${re}'\n  condition: sel`), { settings: T });
      expect(r.status).toBe('unsupported');
      expect(r.queries).toEqual([]);
      expect(r.diagnostics.map((d) => [d.code, d.reason])).toEqual([['unsupported-construct', 'regex']]);
    }
  });

  test('a placeholder inside a larger value is unsupported; a whole one is a watchlist', () => {
    // `\\%` before a placeholder: `\%` would be a literal `%` (spec, Placeholders).
    const part = convert(rule(`  sel:\n    ActionType|expand: 'C:\\\\%dir%\\x'\n  condition: sel`), {
      settings: T,
    });
    expect(part.status).toBe('unsupported');
    const whole = convert(rule(`  sel:\n    ActionType|expand|cased: '%admins%'\n  condition: sel`), {
      settings: T,
    });
    expect(whole.queries[0]).toBe(
      'DeviceFileEvents\n| where ActionType in (_GetWatchlist("admins") | project SearchKey)',
    );
  });

  test('a field that is not a column of a known table is unsupported (the query would not bind)', () => {
    const r = convert(rule(`  sel:\n    Nope: x\n  condition: sel`), { settings: T });
    expect(r.status).toBe('unsupported');
    expect(r.queries).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unmapped-field']);
    // With the default pipelines too (Defender has no column for it and no fallback).
    const d = convert(rule(`  sel:\n    Nope: x\n  condition: sel`), {
      pipelines: sentinelBackend.defaultPipelines,
    });
    expect(d.status).toBe('unsupported');
    expect(d.diagnostics.map((x) => x.code)).toContain('unmapped-field');
  });

  test('Sigma * on a string column: widening isnotnull(), under not the narrowing isnotempty(), labelled', () => {
    const a = convert(rule(`  sel:\n    ActionType: '*'\n  condition: sel`), { settings: T });
    expect(a.status).toBe('approximate');
    expect(a.queries[0]).toBe('DeviceFileEvents\n| where isnotnull(ActionType)');
    const n = convert(rule(`  sel:\n    ActionType: '*'\n  condition: not sel`), { settings: T });
    expect(n.status).toBe('approximate');
    expect(n.queries[0]).toBe('DeviceFileEvents\n| where not(isnotempty(ActionType))');
    // A present empty value is matched (the rule matches it), a missing one too (wider).
    expect(evalKusto(a.queries[0], { ActionType: '' }, TABLES.DeviceFileEvents)).toBe(true);
    expect(evalKusto(a.queries[0], {}, TABLES.DeviceFileEvents)).toBe(true);
    // Under not: a missing value passes (the rule keeps it), a present empty one too (wider).
    expect(evalKusto(n.queries[0], {}, TABLES.DeviceFileEvents)).toBe(true);
    expect(evalKusto(n.queries[0], { ActionType: 'x' }, TABLES.DeviceFileEvents)).toBe(false);
  });

  test('null and empty on a string column: labelled, widening, and under not narrowing', () => {
    const cols = TABLES.DeviceFileEvents;
    const q = (det: string) =>
      convert(rule(`  sel:\n    ActionType: ${det}\n  condition: sel`), { settings: T });
    const qn = (det: string) =>
      convert(rule(`  sel:\n    ActionType: ${det}\n  condition: not sel`), { settings: T });
    const nul = q('null');
    expect(nul.status).toBe('approximate');
    expect(nul.queries[0]).toBe('DeviceFileEvents\n| where isempty(ActionType)');
    expect(evalKusto(nul.queries[0], {}, cols)).toBe(true); // missing: the rule matches
    const notNul = qn('null');
    expect(notNul.queries[0]).toBe('DeviceFileEvents\n| where not(isnull(ActionType))');
    expect(evalKusto(notNul.queries[0], { ActionType: '' }, cols)).toBe(true); // present, empty: the rule matches
    expect(evalKusto(notNul.queries[0], { ActionType: 'x' }, cols)).toBe(true);
    const empty = q("''");
    expect(empty.status).toBe('approximate');
    expect(evalKusto(empty.queries[0], { ActionType: '' }, cols)).toBe(true);
    const notEmpty = qn("''");
    expect(notEmpty.status).toBe('approximate');
    expect(notEmpty.queries[0]).toBe('DeviceFileEvents\n| where not(false)');
    expect(evalKusto(notEmpty.queries[0], {}, cols)).toBe(true); // missing: the rule matches
    // On a dynamic value both are exact.
    const d = convert(rule(`  sel:\n    AdditionalFields.k: null\n  condition: not sel`), { settings: T });
    expect(d.status).toBe('exact');
  });

  test('|gt on a column of unknown type binds (toreal), on a typed string column too; never Infinity', () => {
    const r = convert(rule(`  sel:\n    Weird|gt: 1\n  condition: sel`), {
      settings: { table: 'MyLogs_CL' },
    });
    expect(r.queries[0]).toBe('MyLogs_CL\n| where toreal(Weird) > 1');
    checkQuery(r.queries[0], { MyLogs_CL: { Weird: 'string' } });
    checkQuery(r.queries[0], { MyLogs_CL: { Weird: 'dynamic' } });
    const inf = convert(rule(`  sel:\n    Weird|gt: 1e400\n  condition: sel`), {
      settings: { table: 'MyLogs_CL' },
    });
    expect(inf.status).not.toBe('exact');
    expect(inf.queries.join('')).not.toMatch(/Infinity/);
  });

  test('a custom table keeps field names, with no schema', () => {
    const r = convert(rule(`  sel:\n    Weird Field: x\n    N: 3\n  condition: sel`), {
      settings: { table: 'MyLogs_CL' },
    });
    expect(r.queries[0]).toBe(`MyLogs_CL\n| where ['Weird Field'] =~ "x" and tostring(N) == "3"`);
    // The table's columns are not known: each field is said to be unverified (once), label exact.
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([
      ['warning', 'unverified-field', 9],
      ['warning', 'unverified-field', 10],
    ]);
    expect(r.diagnostics[0].message).toContain("runs only if the table has a column 'Weird Field'");
    expect(r.status).toBe('exact');
  });

  test('no table: unmapped-logsource', () => {
    const r = convert(rule(`  sel:\n    S: x\n  condition: sel`, 'product: nothing'));
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics[0].code).toBe('unmapped-logsource');
  });

  test('long value lists are grouped so that the analyzer does not give up', () => {
    const vals = Array.from({ length: 1500 }, (_, i) => `'v${i}'`).join(', ');
    const r = convert(rule(`  sel:\n    ActionType|contains: [${vals}]\n  condition: sel`), { settings: T });
    expect(parseKusto(r.queries[0]).errors).toEqual([]);
    expect(bindKusto(r.queries[0], tables).errors).toEqual([]);
  }, 30_000);
});

describe('sentinel: approximations and refusals go through the lowering kit', () => {
  const T = { table: 'DeviceFileEvents' };
  const cols = TABLES.DeviceFileEvents;
  const diag = (r: RuleResult) => r.diagnostics.map((d) => [d.code, d.reason, d.direction]);
  // Rows of DeviceFileEvents where ActionType (a string column) and FileName are missing, empty
  // or set: a missing string reads as "" in Kusto, and is missing for the reference evaluator.
  const rows: Record<string, string>[] = [
    {},
    { ActionType: '' },
    { ActionType: 'x' },
    { FileName: '' },
    { ActionType: '', FileName: '' },
    { ActionType: 'x', FileName: 'x' },
    { ActionType: 'x', FileName: 'xy' },
    { ActionType: 'xy', FileName: 'x' },
  ];

  // Each approximation, positive and under `not`: its reason, the direction of the changed leaf
  // (wider, or under not narrower), and that the whole query matches every row the rule matches
  // and at least one more (so it is labelled rightly, and widens).
  test.each([
    ['* on a string column', `ActionType: '*'`, 'string-exists'],
    ['|exists on a string column', `ActionType|exists: true`, 'string-exists'],
    ['null on a string column', `ActionType: null`, 'string-missing'],
    ['|exists: false on a string column', `ActionType|exists: false`, 'string-missing'],
    ["'' on a string column", `ActionType: ''`, 'string-empty'],
    ['fieldref of string columns', `ActionType|fieldref: FileName`, 'string-fieldref'],
    ['fieldref contains of string columns', `ActionType|fieldref|contains: FileName`, 'string-fieldref'],
  ])('%s', (_name, sel, reason) => {
    for (const negated of [false, true]) {
      const text = rule(`  sel:\n    ${sel}\n  condition: ${negated ? 'not ' : ''}sel`);
      const r = convert(text, { settings: T });
      expect(r.status).toBe('approximate');
      expect(diag(r)).toEqual([['approximation', reason, negated ? 'narrower' : 'wider']]);
      expect(r.diagnostics[0].line).toBe(9);
      const ruleMatches = compileRule(loadRuleFromText(text, 'r.yml').ir!);
      const extra = rows.filter((row) => {
        const q = evalKusto(r.queries[0], row, cols);
        if (ruleMatches(row)) expect([row, q]).toEqual([row, true]);
        return q && !ruleMatches(row);
      });
      expect(extra.length).toBeGreaterThan(0);
    }
  });

  test('on typed and dynamic values the same constructs are exact (no diagnostic)', () => {
    for (const sel of [
      `FileSize|exists: true`,
      `FileSize: null`,
      `AdditionalFields.k: ''`,
      `AdditionalFields.k: '*'`,
    ])
      for (const c of ['sel', 'not sel']) {
        const r = convert(rule(`  sel:\n    ${sel}\n  condition: ${c}`), { settings: T });
        expect([sel, c, r.status, r.diagnostics]).toEqual([sel, c, 'exact', []]);
      }
  });

  test('the table approximations: a source the table cannot select, a logsource mapped only in part', () => {
    for (const c of ['sel', 'not sel']) {
      const widens = convert(
        rule(`  sel:\n    SyslogMessage|contains: x\n  condition: ${c}`, 'product: linux\n  service: cron'),
        {
          pipelines: ['sentinel-linux'],
        },
      );
      expect(diag(widens)).toEqual([['approximation', 'logsource-widens', 'wider']]);
      const partial = convert(
        rule(`  sel:\n    X: 'a'\n  condition: ${c}`, 'product: windows\n  category: file_access'),
        {
          pipelines: ['sentinel-windows'],
        },
      );
      expect(diag(partial)).toEqual([['approximation', 'logsource-partial', 'wider']]);
    }
  });

  // Each refusal: one error with its reason, no query, no exception (no internal-error).
  const registry = 'product: windows\n  category: registry_set';
  test.each([
    ['a regex feature RE2 lacks', `  sel:\n    ActionType|re: 'a(?=b)'`, 'regex', T, undefined],
    [
      'a placeholder inside a value',
      `  sel:\n    ActionType|expand: 'C:\\\\%dir%\\x'`,
      'placeholder',
      T,
      undefined,
    ],
    [
      'a translated field under a regex',
      `  sel:\n    EventType|re: 'Set.*'`,
      'translated-field',
      undefined,
      registry,
    ],
    [
      'a translated field compared with a field',
      `  sel:\n    TargetObject|fieldref: EventType`,
      'translated-field',
      undefined,
      registry,
    ],
    [
      'a translated field with a placeholder',
      `  sel:\n    EventType|expand: '%x%'`,
      'translated-field',
      undefined,
      registry,
    ],
    [
      'a translated value the table never records',
      `  sel:\n    EventType: Bogus`,
      'translated-value',
      undefined,
      registry,
    ],
  ])('%s', (_name, detection, reason, settings, logsource) => {
    for (const c of ['sel', 'not sel']) {
      const r = convert(rule(`${detection}\n  condition: ${c}`, logsource), {
        settings,
        pipelines: settings ? [] : ['sentinel-defender'],
      });
      expect(r.status).toBe('unsupported');
      expect(r.queries).toEqual([]);
      expect(diag(r)).toEqual([['unsupported-construct', reason, undefined]]);
      expect(r.diagnostics[0].line).toBe(9);
    }
  });

  test('a number Kusto has no literal for (only a pipeline could make one: rules refuse it): one error', () => {
    const ctx: TableContext = {
      table: 'DeviceFileEvents',
      columns: cols,
      xmlColumns: new Set(),
      keywords: '*',
      placeholderExpressions: {},
      strict: false,
      derived: {},
      enums: {},
    };
    const origin = { line: 9, column: 5 };
    const inf = { value: Infinity, text: 'inf' };
    const one = { value: 1, text: '1' };
    const irs: Node[] = [
      { kind: 'compare', field: 'FileSize', op: 'gt', value: inf, origin },
      { kind: 'number', field: 'FileSize', values: [one, inf, { value: -Infinity, text: '-inf' }], origin },
      { kind: 'not', child: { kind: 'time', field: 'TimeGenerated', unit: 'hour', values: [inf], origin } },
    ];
    for (const ir of irs) {
      const sink = new DiagnosticSink('r.yml');
      const renderer = new KustoRenderer(ctx, new Lowering<SentinelReason>(sink));
      expect(
        renderer.render({ kind: 'or', children: [ir, { ...ir, origin: { line: 10, column: 5 } }] }),
      ).toBeNull();
      expect(sink.list.map((d) => [d.code, d.reason, d.line])).toEqual([
        ['unsupported-construct', 'number', 9],
      ]);
    }
  });

  test('a rule with several unsupported constructs gives one error; nothing after it is reported', () => {
    const r = convert(
      rule(
        `  a:\n    ActionType|re: 'a(?=b)'\n  b:\n    FileName|expand: 'x%p%'\n  c:\n    FileName: null\n  condition: a or b or c`,
      ),
      { settings: T },
    );
    expect(r.status).toBe('unsupported');
    expect(r.queries).toEqual([]);
    expect(diag(r)).toEqual([['unsupported-construct', 'regex', undefined]]);
  });

  test('an approximation before the refusal stays reported, the rule still gets no query', () => {
    const r = convert(
      rule(`  a:\n    FileName: null\n  b:\n    ActionType|re: 'a(?=b)'\n  condition: a or b`),
      {
        settings: T,
      },
    );
    expect(r.queries).toEqual([]);
    expect(diag(r)).toEqual([
      ['approximation', 'string-missing', 'wider'],
      ['unsupported-construct', 'regex', undefined],
    ]);
  });

  test('a keyword * with --set keywords=<column>: that column present, labelled (was an internal error)', () => {
    const kw = (c: string) =>
      convert(rule(`  keywords:\n    - '*'\n  condition: ${c}`), {
        settings: { ...T, keywords: 'ActionType' },
      });
    const a = kw('keywords');
    expect(a.queries[0]).toBe('DeviceFileEvents\n| where isnotnull(ActionType)');
    expect(diag(a)).toEqual([['approximation', 'string-exists', 'wider']]);
    const n = kw('not keywords');
    expect(n.queries[0]).toBe('DeviceFileEvents\n| where not(isnotempty(ActionType))');
    expect(diag(n)).toEqual([['approximation', 'string-exists', 'narrower']]);
    // All columns: every row, exact.
    const all = convert(rule(`  keywords:\n    - '*'\n  condition: keywords`), { settings: T });
    expect([all.status, all.queries[0]]).toEqual(['exact', 'DeviceFileEvents\n| where true']);
  });

  test('field-less numbers: the keywordNumbersAsText pass gives the text search Sentinel wrote', () => {
    expect(sentinelBackend.capabilities?.keywordNumbersAsText).toBe(true);
    const text = rule(`  keywords:\n    - 4688\n    - 12\n  condition: keywords`);
    const r = convert(text, { settings: T });
    expect(r.queries[0]).toBe('DeviceFileEvents\n| where * contains "4688" or * contains "12"');
    // `--set table=` over the built-in pipelines rebuilds the IR (no passes): the renderer's own
    // fallback writes the same.
    const re = convert(text, { pipelines: sentinelBackend.defaultPipelines, settings: T });
    expect(re.queries[0]).toBe('DeviceFileEvents\n| where * contains "4688" or * contains "12"');
    const col = convert(text, { settings: { ...T, keywords: 'FileName' } });
    expect(col.queries[0]).toBe(
      'DeviceFileEvents\n| where FileName contains "4688" or FileName contains "12"',
    );
  });
});

describe('sentinel: pipelines', () => {
  test('sentinel-defender: DeviceProcessEvents with ActionType and mapped fields', () => {
    const r = convert(
      rule(`  sel:\n    Image|endswith: '\\whoami.exe'\n    ParentImage|contains: 'x'\n  condition: sel`),
      { pipelines: ['sentinel-defender'] },
    );
    expect(r.queries[0]).toBe(
      'DeviceProcessEvents\n| where ActionType =~ "ProcessCreated" and FolderPath endswith @"\\whoami.exe" and InitiatingProcessFolderPath contains "x"',
    );
    checkQuery(r.queries[0]);
  });
  test('sentinel-defender: a field with no faithful column fails the rule', () => {
    const r = convert(rule(`  sel:\n    CurrentDirectory: 'x'\n  condition: sel`), {
      pipelines: ['sentinel-defender'],
    });
    expect(r.status).toBe('unsupported');
  });
  test('default (combined): Defender for endpoint categories, Sysmon through WindowsEvent when Defender lacks a field', () => {
    const pipelines = sentinelBackend.defaultPipelines;
    const a = convert(rule(`  sel:\n    Image|endswith: '\\x.exe'\n  condition: sel`), { pipelines });
    expect(a.queries[0].split('\n')[0]).toBe('DeviceProcessEvents');
    const b = convert(rule(`  sel:\n    CurrentDirectory|contains: 'x'\n  condition: sel`), { pipelines });
    expect(b.queries[0]).toBe(
      'WindowsEvent\n| where Channel =~ "Microsoft-Windows-Sysmon/Operational" and EventID == 1 and tostring(EventData.CurrentDirectory) contains "x"',
    );
    checkQuery(b.queries[0]);
  });
  test('SecurityEvent: columns, and other fields through the XML EventData', () => {
    const r = convert(
      rule(
        `  sel:\n    EventID: 4624\n    Unlisted: 'a'\n  condition: sel`,
        'product: windows\n  service: security',
      ),
      {
        pipelines: ['sentinel-windows'],
      },
    );
    expect(r.queries[0]).toBe(
      `SecurityEvent\n| where EventID == 4624 and extract(@'<Data Name="Unlisted">([^<]*)</Data>', 1, EventData) =~ "a"`.replace(
        /@'(.*?)'/,
        (_, x) => `"${x.replace(/"/g, '\\"')}"`,
      ),
    );
    checkQuery(r.queries[0]);
  });
  test('a logsource only partly mapped is an approximation (searches the whole table)', () => {
    const r = convert(
      rule(`  sel:\n    X: 'a'\n  condition: sel`, 'product: windows\n  category: file_access'),
      { pipelines: ['sentinel-windows'] },
    );
    expect(r.status).toBe('approximate');
  });
});

describe('sentinel: formats', () => {
  test('analytics-rule YAML', () => {
    const text = rule(
      `  sel:\n    Image|endswith: '\\x.exe'\n  condition: sel`,
      undefined,
      'tags:\n  - attack.execution\n  - attack.t1059.001\ndescription: "a: b \\"q\\" \\u2028 x"\n',
    );
    const r = convert(text, { pipelines: sentinelBackend.defaultPipelines });
    const out = sentinelBackend.formats['analytics-rule'].rule(r, {});
    const doc = yaml.load(out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      id: '11111111-1111-4111-8111-111111111111',
      name: 't',
      description: 'a: b "q" \u2028 x',
      severity: 'High',
      requiredDataConnectors: [
        { connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceProcessEvents'] },
      ],
      tactics: ['Execution'],
      relevantTechniques: ['T1059.001'],
      query: r.queries[0],
      kind: 'Scheduled',
    });
    expect((doc.entityMappings as unknown[]).length).toBeGreaterThan(0);
  });
  test('default format: the queries', () => {
    const r = convert(rule(`  sel:\n    S: x\n  condition: sel`), { settings: { table: 'T' } });
    expect(sentinelBackend.formats.default.rule(r, {})).toBe('T\n| where S =~ "x"\n');
  });
});

describe('sentinel: literals round-trip through the parser', () => {
  test('kustoString', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({
            unit: fc.constantFrom(
              '\\',
              '"',
              "'",
              '@',
              '`',
              '\n',
              '\r',
              '\t',
              '\u0000',
              '\u2028',
              'é',
              '\ud83d',
              'a',
            ),
          }),
        ),
        (s) => {
          for (const q of ['"', "'"] as const) {
            const lit = kustoString(s, q);
            const query = `print x = ${lit}`;
            expect(parseKusto(query).errors).toEqual([]);
            expect(stringLiteralValues(query)).toEqual([s]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
  test('kustoName', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        const query = `T | where ${kustoName(s)} == "x"`;
        expect(parseKusto(query).errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sentinel: values translated to what the vendor stores (issue 12)', () => {
  const pipelines = ['sentinel-defender'];
  const run = (detection: string, logsource: string, row: Record<string, unknown>, table: string) => {
    const r = convert(rule(detection, logsource), { pipelines });
    expect(r.status).toBe('exact');
    checkQuery(r.queries[0]);
    return { r, hit: evalKusto(r.queries[0], row, TABLES[table]) };
  };
  // Rows as Defender records them (learn.microsoft.com/defender-xdr/advanced-hunting-deviceregistryevents-table;
  // full root key names, value name in its own column, deletions in the Previous* columns).
  const setRow = {
    ActionType: 'RegistryValueSet',
    RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
    RegistryValueName: 'evil',
    RegistryValueType: 'Dword',
    RegistryValueData: '1',
  };

  test('EventType: SetValue is the ActionType RegistryValueSet, CreateKey RegistryKeyCreated', () => {
    const a = run(
      `  sel:\n    EventType: SetValue\n  condition: sel`,
      'product: windows\n  category: registry_set',
      setRow,
      'DeviceRegistryEvents',
    );
    expect(a.r.queries[0]).toContain('ActionType == "RegistryValueSet"');
    expect(a.hit).toBe(true);
    const b = run(
      `  sel:\n    EventType: CreateKey\n  condition: sel`,
      'product: windows\n  category: registry_event',
      { ActionType: 'RegistryKeyCreated', RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X' },
      'DeviceRegistryEvents',
    );
    expect(b.hit).toBe(true);
    expect(b.r.queries[0]).not.toContain('"CreateKey"');
  });

  test('an EventType value Defender never records is refused, not a query that never matches', () => {
    const r = convert(
      rule(`  sel:\n    EventType: Bogus\n  condition: sel`, 'product: windows\n  category: registry_set'),
      {
        pipelines,
      },
    );
    expect(r.status).toBe('unsupported');
  });

  test('registry paths: Sysmon HKLM\\ / HKU\\ / CurrentControlSet forms match the full names Defender stores', () => {
    const ls = 'product: windows\n  category: registry_set';
    expect(
      run(
        `  sel:\n    TargetObject|startswith: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\'\n  condition: sel`,
        ls,
        setRow,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    expect(
      run(
        `  sel:\n    TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil'\n  condition: sel`,
        ls,
        setRow,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    expect(
      run(
        `  sel:\n    TargetObject|endswith: '\\CurrentVersion\\Run\\evil'\n  condition: sel`,
        ls,
        setRow,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    expect(
      run(
        `  sel:\n    TargetObject: 'HKLM*\\Run\\evil'\n  condition: sel`,
        ls,
        setRow,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    expect(
      run(
        `  sel:\n    TargetObject: 'HKU\\*\\Run\\evil'\n  condition: sel`,
        ls,
        setRow,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(false);
    const user = {
      ...setRow,
      RegistryKey:
        'HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
    };
    expect(
      run(
        `  sel:\n    TargetObject|startswith: 'HKU\\S-1-5-21-'\n  condition: sel`,
        ls,
        user,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    const svc = {
      ...setRow,
      RegistryKey: 'HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\evil',
      RegistryValueName: 'ImagePath',
      RegistryValueType: 'ExpandString',
      RegistryValueData: 'C:\\x.exe',
    };
    expect(
      run(
        `  sel:\n    TargetObject|contains: '\\CurrentControlSet\\Services\\'\n  condition: sel`,
        ls,
        svc,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
    expect(
      run(`  sel:\n    Details: 'DWORD (0x00000001)'\n  condition: sel`, ls, setRow, 'DeviceRegistryEvents')
        .hit,
    ).toBe(true);
    // A deleted value: Defender keeps the key and value name in the Previous* columns.
    const del = {
      ActionType: 'RegistryValueDeleted',
      PreviousRegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender',
      PreviousRegistryValueName: 'DisableAntiSpyware',
    };
    expect(
      run(
        `  sel:\n    TargetObject|endswith: '\\Windows Defender\\DisableAntiSpyware'\n  condition: sel`,
        'product: windows\n  category: registry_delete',
        del,
        'DeviceRegistryEvents',
      ).hit,
    ).toBe(true);
  });

  test("User: 'DOMAIN\\user' is compared with AccountDomain\\AccountName", () => {
    const row = {
      ActionType: 'ProcessCreated',
      AccountDomain: 'nt authority',
      AccountName: 'system',
      FolderPath: 'C:\\Windows\\System32\\cmd.exe',
    };
    const ls = 'product: windows\n  category: process_creation';
    expect(
      run(`  sel:\n    User: 'NT AUTHORITY\\SYSTEM'\n  condition: sel`, ls, row, 'DeviceProcessEvents').hit,
    ).toBe(true);
    expect(
      run(`  sel:\n    User|contains: 'AUTHORI'\n  condition: sel`, ls, row, 'DeviceProcessEvents').hit,
    ).toBe(true);
    expect(
      run(`  sel:\n    User|endswith: '\\SYSTEM'\n  condition: sel`, ls, row, 'DeviceProcessEvents').hit,
    ).toBe(true);
    expect(
      run(
        `  sel:\n    LogonId: '0x3e7'\n  condition: sel`,
        ls,
        { ...row, LogonId: 999 },
        'DeviceProcessEvents',
      ).hit,
    ).toBe(true);
  });

  test('Initiated: true (a YAML boolean, or the text) is the outbound ActionTypes, not ActionType =~ "true"', () => {
    const ls = 'product: windows\n  category: network_connection';
    const out = { ActionType: 'ConnectionSuccess', RemoteIP: '10.1.2.3' };
    const inbound = { ActionType: 'InboundConnectionAccepted', RemoteIP: '10.1.2.3' };
    for (const v of ['true', "'true'", "'TRUE'"]) {
      const a = run(`  sel:\n    Initiated: ${v}\n  condition: sel`, ls, out, 'DeviceNetworkEvents');
      expect(a.r.queries[0]).not.toMatch(/"true"/i);
      expect(a.hit).toBe(true);
      expect(evalKusto(a.r.queries[0], inbound, TABLES.DeviceNetworkEvents)).toBe(false);
    }
    const f = run(`  sel:\n    Initiated: false\n  condition: sel`, ls, inbound, 'DeviceNetworkEvents');
    expect(f.hit).toBe(true);
  });

  test('booleans: == true on a bool column, =~ "true" on a string column', () => {
    const b = convert(rule(`  sel:\n    IsAzureInfoProtectionApplied: true\n  condition: sel`), {
      settings: { table: 'DeviceFileEvents' },
    });
    expect(b.queries[0]).toBe('DeviceFileEvents\n| where IsAzureInfoProtectionApplied == true');
    expect(evalKusto(b.queries[0], { IsAzureInfoProtectionApplied: true }, TABLES.DeviceFileEvents)).toBe(
      true,
    );
    const s = convert(rule(`  sel:\n    ActionType: true\n  condition: sel`), {
      settings: { table: 'DeviceFileEvents' },
    });
    expect(s.queries[0]).toBe('DeviceFileEvents\n| where ActionType =~ "true"');
    expect(evalKusto(s.queries[0], { ActionType: 'TRUE' }, TABLES.DeviceFileEvents)).toBe(true);
  });
});

describe('sentinel: --set table= picks the entry for that table (issue 12)', () => {
  const pipelines = sentinelBackend.defaultPipelines;
  const proc = rule(`  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel`);

  test('process_creation on WindowsEvent: the Sysmon entry, not Defender names and ActionType', () => {
    const r = convert(proc, { pipelines, settings: { table: 'WindowsEvent' } });
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toBe(
      'WindowsEvent\n| where Channel =~ "Microsoft-Windows-Sysmon/Operational" and EventID == 1 and tostring(EventData.Image) endswith @"\\whoami.exe"',
    );
    checkQuery(r.queries[0]);
    // A Sysmon event 1 as the Azure Monitor Agent stores it (WindowsEvent: EventData dynamic,
    // learn.microsoft.com/azure/azure-monitor/reference/tables/windowsevent).
    const row = {
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 1,
      EventData: { Image: 'C:\\Windows\\System32\\whoami.exe' },
    };
    expect(evalKusto(r.queries[0], row, TABLES.WindowsEvent)).toBe(true);
  });

  test('a table with no entry for the log source: rule field names, no conditions, and a diagnostic', () => {
    const r = convert(proc, { pipelines, settings: { table: 'DeviceFileEvents' } });
    expect(r.queries.join('')).not.toContain('ProcessCreated');
    expect(r.diagnostics.map((d) => d.code)).toContain('unmapped-logsource');
    // Image is not a column of DeviceFileEvents: the query would not run.
    expect(r.status).toBe('unsupported');
    const custom = convert(proc, { pipelines, settings: { table: 'MyProc_CL' } });
    expect(custom.queries[0]).toBe('MyProc_CL\n| where Image endswith @"\\whoami.exe"');
    expect(custom.diagnostics.map((d) => d.code)).toEqual(['unmapped-logsource', 'unverified-field']);
  });

  test('the table the pipelines chose anyway: unchanged', () => {
    const a = convert(proc, { pipelines });
    const b = convert(proc, { pipelines, settings: { table: 'DeviceProcessEvents' } });
    expect(b.queries).toEqual(a.queries);
  });
});

describe('sentinel: hostile field names stay one column, values one literal (property)', () => {
  // Names a rule may use: spaces, dots, dashes, quotes, brackets, Kusto keywords, unicode, leading
  // digits, `$`, and short odd strings.
  const odd = fc.constantFrom(
    'where',
    'and',
    'or',
    'not',
    'missing',
    'has',
    'contains',
    'project',
    'true',
    'null',
    'dynamic',
    'in',
    'by',
    'let',
    '1day',
    '123',
    '$x',
    'a b',
    'a.b',
    'a-b',
    "o'brien",
    'x"y',
    '[x]',
    "['x']",
    'ünï',
    '名前',
    '\\',
    '|',
    ';',
    '//',
    'a\tb',
    ' ',
    'a)b',
    'EventData',
    '*',
  );
  const name = fc.oneof(
    odd,
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.tuple(odd, odd).map(([a, b]) => a + b),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('"', "'", '\\', '*', '" or true or "', '\\"'),
  );

  test('kustoName: the parsed query reads exactly that column', () => {
    fc.assert(
      fc.property(name, value, (n, v) => {
        const q = `T\n| where ${kustoName(n)} == ${kustoString(v)}`;
        expect(parseKusto(q).errors).toEqual([]);
        expect(stringLiteralValues(q).slice(-1)).toEqual([v]);
        expect(evalKusto(q, { [n]: v }, { [n]: 'string' })).toBe(true);
        expect(evalKusto(q, { [n]: v + 'x' }, { [n]: 'string' })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('a rule field of any name on a custom table: one column, one literal per value', () => {
    const names = fc
      .string({ minLength: 1, maxLength: 10 })
      .filter((s) => !/[:|#{}&!%@`,>\n\r]|^[\s'"[\]?*-]|\s$/.test(s));
    fc.assert(
      fc.property(
        fc.oneof(
          odd.filter((s) => !/[:|#\\*'"[\]]|^[\s-]|\s$/.test(s)),
          names,
        ),
        value,
        (n, v) => {
          const yamlName = JSON.stringify(n);
          const text = rule(
            `  sel:\n    ${yamlName}: ${JSON.stringify(v.replace(/[*?\\]/g, '\\$&'))}\n  condition: sel`,
          );
          const r = convert(text, { settings: { table: 'MyLogs_CL' } });
          if (r.status === 'error') return; // a name YAML or Sigma refuses
          expect(r.queries).toHaveLength(1);
          const q = r.queries[0];
          expect(parseKusto(q).errors).toEqual([]);
          expect(q).not.toMatch(/Infinity|NaN/);
          const cols = { [n.split('.')[0]]: 'string' };
          if (!n.includes('.')) {
            expect(evalKusto(q, { [n]: v }, cols)).toBe(true);
            expect(evalKusto(q, { [n]: v + '\u0001' }, cols)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('dynamic member names: a canonical integer is an index, 00 a key (property test counterexample)', () => {
    expect(kustoMember('0')).toBe('[0]');
    expect(kustoMember('12')).toBe('[12]');
    expect(kustoMember('00')).toBe("['00']");
    expect(evalKusto('T\n| where tostring(D[\'00\']) == "v"', { D: { '00': 'v' } }, { D: 'dynamic' })).toBe(
      true,
    );
    expect(evalKusto('T\n| where tostring(D[0]) == "v"', { D: ['v'] }, { D: 'dynamic' })).toBe(true);
  });

  test('dynamic member names: kustoMember keeps the key one member access', () => {
    fc.assert(
      fc.property(name, (k) => {
        const q = `T\n| where tostring(D${kustoMember(k)}) == "v"`;
        expect(parseKusto(q).errors).toEqual([]);
        // A canonical integer is an array index; any other key (`00` too) a property name.
        const bag = /^(?:0|[1-9]\d{0,8})$/.test(k)
          ? (x: string) => Object.assign([] as string[], { [Number(k)]: x })
          : (x: string) => ({ [k]: x });
        expect(evalKusto(q, { D: bag('v') }, { D: 'dynamic' })).toBe(true);
        expect(evalKusto(q, { D: { [k + 'x']: 'v' } }, { D: 'dynamic' })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
