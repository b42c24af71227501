/**
 * The SPL test interpreter (test/support/eval-spl.ts) on hand-written queries whose answers
 * Splunk documents (each case names the page), then on the backend's own output: a converted
 * rule keeps exactly the events the reference evaluator says the rule matches.
 */
import { splunkBackend } from '../../../backends/splunk/index.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { compileRule } from '../../../src/evaluate/index.js';
import { evalSpl } from '../../support/eval-spl.js';

type Case = readonly [query: string, event: Record<string, unknown>, expected: boolean, why: string];

const CASES: readonly Case[] = [
  // Search Manual "Wildcards": * is the wildcard; search values are case-insensitive ("Use CASE() and TERM()": "By default, searches are case-insensitive").
  ['Image="*\\\\cmd.exe"', { Image: 'C:\\Windows\\System32\\CMD.EXE' }, true, 'wildcard, any case'],
  ['Image="*\\\\cmd.exe"', { Image: 'C:\\cmd.exe.bak' }, false, 'whole value'],
  ['Image="cmd.exe"', {}, false, 'missing field'],
  ['Image=*', {}, false, 'f=* needs a value'],
  ['Image=*', { Image: 'x' }, true, 'f=* with a value'],
  // Search Manual "Difference between != and NOT".
  ['NOT Image="x"', {}, true, 'NOT keeps events without the field'],
  ['Image!="x"', {}, false, '!= drops events without the field'],
  ['Image!="x"', { Image: 'y' }, true, '!= with another value'],
  ['NOT Image="x"', { Image: 'X' }, false, 'NOT of a match'],
  // Search Manual "Boolean expressions": OR binds before AND; NOT applies to the next term only.
  ['a=1 OR b=1 c=1', { a: '1' }, false, '(a OR b) AND c'],
  ['a=1 OR b=1 c=1', { a: '1', c: '1' }, true, '(a OR b) AND c'],
  ['NOT a=1 b=1', { b: '1' }, true, 'NOT binds to one term'],
  ['NOT (a=1 b=1)', { a: '1' }, true, 'NOT of a group'],
  ['a=1 AND b=2', { a: '1', b: '2' }, true, 'explicit AND'],
  // Splunk blog "Smooth operator": IN with wildcards.
  ['EventCode IN (1, 4*)', { EventCode: 4688 }, true, 'IN with a wildcard, numeric event value'],
  ['EventCode IN (1, 4*)', { EventCode: '2' }, false, 'IN, no value matches'],
  // Search Reference "search": CIDR notation is a subnet.
  ['ip="10.0.0.0/8"', { ip: '10.2.3.4' }, true, 'subnet'],
  ['ip="10.0.0.0/8"', { ip: '11.0.0.1' }, false, 'outside the subnet'],
  ['ip="10.0.0.0/8"', { ip: '10.0.0.0/8' }, false, 'the text of a network is not an address in it'],
  ['ip="fe80::/10"', { ip: 'FE80::1' }, true, 'IPv6 subnet'],
  ['n>5', { n: '10' }, true, 'numeric comparison'],
  ['n>5', { n: '4' }, false, 'numeric comparison'],
  ['*', {}, true, 'everything'],
  ['NOT *', {}, false, 'nothing'],
  ['error', { _raw: 'an Error: happened' }, true, 'bare term: a segment of _raw'],
  ['rror', { _raw: 'an error happened' }, false, 'bare term: not a substring'],
  // Search Reference "where": eval is case-sensitive; match() is unanchored PCRE; AND before OR.
  ['* | where match(A, "b+")', { A: 'abbc' }, true, 'match unanchored'],
  ['* | where match(A, "^B")', { A: 'bc' }, false, 'match case-sensitive'],
  ['* | where match(A, "(?i)^B")', { A: 'bc' }, true, 'inline (?i)'],
  ['* | where match(A, "^C:\\\\\\\\x\\\\z")', { A: 'C:\\x' }, true, 'a literal backslash: \\\\\\\\ in SPL'],
  ['* | where match(A, "x")', {}, false, 'null is not true'],
  ['* | where NOT match(A, "x")', {}, false, 'NOT null is null'],
  ['* | where isnull(A) OR NOT match(A, "x")', {}, true, 'the isnull guard'],
  ['* | where isnotnull(A)', { A: '' }, true, 'an empty value is a value'],
  ['* | where A==1 OR B==1 AND C==1', { A: '1' }, true, 'AND before OR'],
  ['* | where (A==1 OR B==1) AND C==1', { A: '1' }, false, 'parentheses'],
  ['* | where like(A, "a%c_")', { A: 'abbcd' }, true, 'like % and _'],
  ['* | where like(A, "a%c_")', { A: 'abbc' }, false, 'like _ needs a character'],
  ['* | where cidrmatch("10.0.0.0/8", ip)', { ip: '10.1.1.1' }, true, 'cidrmatch'],
  ['* | where lower(A)=="true"', { A: true }, true, 'a boolean value reads as true'],
  ['* | where lower(A)==lower(B)', { A: 'X', B: 'x' }, true, 'lower on both sides'],
  ['* | where \'my field\'=="v"', { 'my field': 'v' }, true, 'a single-quoted field name'],
  ['* | where A>3', { A: '10' }, true, 'numeric comparison in eval'],
  ['* | where substr(lower(A), 1, len(B))==lower(B)', { A: 'Abc', B: 'ab' }, true, 'substr/len'],
  [
    '* | where match(lower(A), replace(lower(B), "([^A-Za-z0-9])", "\\\\\\\\\\\\1"))',
    { A: 'x.y(z', B: '.Y(' },
    true,
    'replace: the other value as a literal regex',
  ],
  [
    '* | where match(lower(A), replace(lower(B), "([^A-Za-z0-9])", "\\\\\\\\\\\\1"))',
    { A: 'xay(z', B: '.y(' },
    false,
    'replace: a dot made literal',
  ],
  ['Image="x" | where match(Image, "X") | table Image', { Image: 'X' }, true, 'stages: search, where, table'],
  ['Image="x" | where match(Image, "x")', { Image: 'X' }, false, 'the where stage is case-sensitive'],
];

describe('evalSpl on documented answers', () => {
  test.each(CASES)('%s on %j is %s (%s)', (query, event, expected) => {
    expect(evalSpl(query, event)).toBe(expected);
  });

  test('constructs it does not understand throw, naming them', () => {
    expect(() => evalSpl('A IN (`admins`)', { A: 'x' })).toThrow(/macro/);
    expect(() => evalSpl('* | stats count', {})).toThrow(/command stats/);
    expect(() => evalSpl('* | where searchmatch("x")', {})).toThrow(/searchmatch/);
    expect(() => evalSpl('A=[| inputlookup x]', {})).toThrow(/subsearch/);
    expect(() => evalSpl('host=CASE(x)', { host: 'x' })).toThrow(/CASE/);
    expect(() => evalSpl('earliest=-1d', {})).toThrow(/time modifier/);
    expect(() => evalSpl('error', {})).toThrow(/_raw/);
    expect(() => evalSpl('* | where match(A, "a++")', { A: 'a' })).toThrow(/regex/);
  });
});

describe('evalSpl on the backend output agrees with the reference evaluator', () => {
  const RULES: ReadonlyArray<readonly [string, ReadonlyArray<Record<string, unknown>>]> = [
    [
      `  sel: {Image|endswith: '\\cmd.exe', CommandLine|contains: ['/c', ' -enc ']}\n  f: {User: 'adm?n'}\n  condition: sel and not f`,
      [
        { Image: 'C:\\x\\CMD.exe', CommandLine: 'a /C b', User: 'admin' },
        { Image: 'C:\\x\\CMD.exe', CommandLine: 'a /C b', User: 'adm' },
        { Image: 'C:\\x\\CMD.exe', CommandLine: 'a /C b' },
        { Image: 'C:\\x\\cmd.exe.bak', CommandLine: '/c' },
        { Image: 'cmd.exe', CommandLine: '/c' },
      ],
    ],
    [
      `  sel: {FA: '10.0.0.0/8'}\n  condition: sel`,
      [{ FA: '10.0.0.0/8' }, { FA: '10.1.2.3' }, { FA: '10.0.0.0/80' }, {}],
    ],
    [
      `  sel: {earliest: '0', index|startswith: 'ma'}\n  condition: sel`,
      [{ earliest: '0', index: 'main' }, { earliest: '1', index: 'main' }, { index: 'main' }],
    ],
    [
      `  sel: {A|re: '^a.c$', B|cidr: '192.168.0.0/16', C|gt: 3}\n  condition: sel`,
      [
        { A: 'abc', B: '192.168.1.1', C: 4 },
        { A: 'ABC', B: '192.168.1.1', C: 4 },
        { A: 'abc', B: '192.169.1.1', C: 4 },
        { A: 'abc', B: '192.168.1.1', C: '2' },
      ],
    ],
    [
      `  sel: {A: null, B|exists: true}\n  f: {C|fieldref: D}\n  condition: sel and not f`,
      [
        { B: '' },
        { A: 'x', B: '' },
        { B: 'x', C: 'v', D: 'V' },
        { B: 'x', C: 'v', D: 'w' },
        { B: 'x', C: 'v' },
      ],
    ],
  ];
  test.each(RULES)('%s', (detection, events) => {
    const loaded = loadRuleFromText(`title: t\nlogsource: {product: x}\ndetection:\n${detection}\n`, 't.yml');
    const r = convertLoaded(loaded, splunkBackend, [], {});
    expect(r.status).toBe('exact');
    const ref = compileRule(loaded.ir!);
    for (const e of events) expect([e, evalSpl(r.queries[0], e)]).toEqual([e, ref(e as never)]);
  });
});
