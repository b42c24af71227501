/**
 * The test KQL interpreter (test/support/eval-kql.ts) on hand-written queries. Each expectation
 * follows a documented Kibana / Elasticsearch behaviour:
 * [KQL] Kibana guide, "Kibana Query Language" (https://www.elastic.co/guide/en/kibana/current/kuery-query.html):
 *   exact match on keyword/numeric/boolean "including punctuation and case"; quotes = phrase;
 *   `*` wildcard only outside quotes; `field: *` = exists; and/or/not and grouping; escapes.
 * [STD] Elasticsearch reference, "Standard analyzer" (lowercase tokens, UAX #29 segmentation).
 * [IP] Elasticsearch reference, "IP field type": term queries accept CIDR notation.
 * [BOOL] Elasticsearch reference, "Boolean field type": "true"/"false" strings are accepted.
 * [EXISTS] Elasticsearch reference, "Exists query": null values are not indexed.
 */
import { evalKql, tokens } from '../../support/eval-kql.js';

const T = {
  'process.name': 'keyword',
  msg: 'text',
  'source.ip': 'ip',
  port: 'long',
  ok: 'boolean',
};

const cases: [string, Record<string, unknown>, boolean, string][] = [
  // keyword: exact and case-sensitive [KQL]
  ['process.name: cmd.exe', { 'process.name': 'cmd.exe' }, true, 'KQL'],
  ['process.name: cmd.exe', { 'process.name': 'CMD.EXE' }, false, 'KQL'],
  ['process.name: "cmd.exe"', { 'process.name': 'cmd.exe' }, true, 'KQL'],
  ['process.name: cmd', { 'process.name': 'cmd.exe' }, false, 'KQL: whole value'],
  ['process.name: cmd*', { 'process.name': 'cmd.exe' }, true, 'KQL wildcard'],
  ['process.name: *.exe', { 'process.name': 'cmd.exe' }, true, 'KQL wildcard'],
  ['process.name: "cmd*"', { 'process.name': 'cmd.exe' }, false, 'KQL: no wildcard in quotes'],
  ['process.name: "cmd*"', { 'process.name': 'cmd*' }, true, 'KQL: no wildcard in quotes'],
  ['process.name: cmd\\*', { 'process.name': 'cmd*' }, true, 'KQL escape'],
  ['process.name: cmd\\*', { 'process.name': 'cmd.exe' }, false, 'KQL escape'],
  ['process.name: C\\:\\\\x', { 'process.name': 'C:\\x' }, true, 'KQL escape'],
  ['process.name: c?d', { 'process.name': 'cmd' }, false, 'KQL: ? is not a wildcard'],
  // exists [KQL][EXISTS]
  ['process.name: *', { 'process.name': '' }, true, 'EXISTS'],
  ['process.name: *', { 'process.name': null }, false, 'EXISTS'],
  ['process.name: *', {}, false, 'EXISTS'],
  ['not process.name: *', {}, true, 'KQL not'],
  // boolean logic and groups [KQL]
  ['process.name: (a or b) and not port: 1', { 'process.name': 'b', port: 2 }, true, 'KQL'],
  ['process.name: (a or b) and not port: 1', { 'process.name': 'b', port: 1 }, false, 'KQL'],
  ['process.name: (a and b)', { 'process.name': 'a' }, false, 'KQL'],
  ['(process.name: a or port: 3) and ok: true', { port: 3, ok: true }, true, 'KQL'],
  // text: analysed [STD]
  ['msg: "quick brown"', { msg: 'The Quick  Brown fox' }, true, 'STD phrase'],
  ['msg: "brown quick"', { msg: 'The Quick Brown fox' }, false, 'STD phrase order'],
  ['msg: quick', { msg: 'QUICK!' }, true, 'STD lowercase'],
  ['msg: "cmd.exe /c"', { msg: 'C:\\Windows\\cmd.exe /c whoami' }, true, 'STD'],
  ['msg: "md.exe"', { msg: 'cmd.exe' }, false, 'STD: tokens, not substrings'],
  // ip [IP]
  ['source.ip: 10.0.0.0/8', { 'source.ip': '10.1.2.3' }, true, 'IP'],
  ['source.ip: 10.0.0.0/8', { 'source.ip': '11.1.2.3' }, false, 'IP'],
  ['source.ip: "fe80::/10"', { 'source.ip': 'fe80::1' }, true, 'IP'],
  ['source.ip: "10.1.2.3"', { 'source.ip': '10.1.2.3' }, true, 'IP'],
  // numeric and boolean [KQL][BOOL]
  ['port: 443', { port: 443 }, true, 'KQL'],
  ['port: 443', { port: '443' }, true, 'KQL: numeric field'],
  ['port >= 1024', { port: 8080 }, true, 'KQL range'],
  ['port < 1024', { port: 8080 }, false, 'KQL range'],
  ['ok: true', { ok: true }, true, 'BOOL'],
  ['ok: true', { ok: 'true' }, true, 'BOOL'],
  ['ok: false', { ok: true }, false, 'BOOL'],
  // keyword holding a JSON boolean/number: indexed as text
  ['flag: true', { flag: true }, true, 'keyword: JSON true indexed as "true"'],
  ['flag: "true"', { flag: 'true' }, true, 'keyword'],
  ['flag: "TRUE"', { flag: 'true' }, false, 'keyword: case-sensitive'],
];

describe('evalKql on hand-written queries', () => {
  test.each(cases)('%s on %j -> %s (%s)', (q, doc, want) => {
    expect(evalKql(q, doc, T)).toBe(want);
  });

  test('throws on what it does not model, never answers false silently', () => {
    expect(() => evalKql('*a b*', {})).toThrow(/whitespace/);
    expect(() => evalKql('proc*: x', {})).toThrow(/wildcard field/);
    expect(() => evalKql('msg: qu*', { msg: 'quick' }, T)).toThrow(/wildcard value on a text/);
    expect(() => evalKql('port: abc', { port: 1 }, T)).toThrow(/Elasticsearch error/);
    expect(() => evalKql('d: x', { d: 'x' }, { d: 'date' })).toThrow(/not modelled/);
    expect(() => evalKql('a: *x y*', { a: 'x y' })).toThrow(/whitespace/);
  });

  test('the simplified standard tokenizer', () => {
    expect(tokens('C:\\Windows\\System32\\cmd.exe /c "whoami"')).toEqual([
      'c',
      'windows',
      'system32',
      'cmd.exe',
      'c',
      'whoami',
    ]);
    expect(tokens('10.0.0.1:443 foo_bar')).toEqual(['10.0.0.1:443', 'foo_bar']);
  });
});
