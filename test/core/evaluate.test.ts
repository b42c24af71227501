/** The reference evaluator, node by node and modifier by modifier: tables of (selection, event, expected). */
import { loadRuleFromText } from '../../src/convert.js';
import { compileRule, flattenEvent, fold, readEvents, translateRegex } from '../../src/evaluate/index.js';
import type { Node } from '../../src/ir/types.js';

function ruleIr(detection: string): Node {
  const text = `title: t\nlogsource: {product: x}\ndetection:\n${detection
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')}\n`;
  const r = loadRuleFromText(text, 't.yml');
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
}

/** `sel` is one selection in YAML flow or block form; the condition is `sel`. */
function check(sel: string, event: object): boolean {
  return compileRule(ruleIr(`sel: ${sel}\ncondition: sel`))(event as never);
}

type Row = [string, object, boolean];

const table = (name: string, rows: Row[]) =>
  describe(name, () => {
    test.each(rows)('%s on %j is %s', (sel, event, expected) => {
      expect(check(sel, event)).toBe(expected);
    });
  });

table('plain strings: case-insensitive, whole value', [
  ["{a: 'foo'}", { a: 'foo' }, true],
  ["{a: 'foo'}", { a: 'FOO' }, true],
  ["{a: 'foo'}", { a: 'foox' }, false],
  ["{a: 'foo'}", { b: 'foo' }, false],
  ["{a: 'foo'}", { a: null }, false],
  ["{a: ''}", { a: '' }, true],
  ["{a: ''}", { a: 'x' }, false],
  ["{a: 'straße'}", { a: 'STRASSE' }, false], // simple folding: ß does not become ss
  ["{a: 'ǆ'}", { a: 'ǅ' }, true], // title case folds
  ["{a: 'σ'}", { a: 'ς' }, true], // final sigma
  ["{a: 'k'}", { a: '\u212a' }, true], // Kelvin sign
  ["{a: 's'}", { a: '\u017f' }, true], // long s
  ["{a: 'ÄÖÜ'}", { a: 'äöü' }, true],
  ["{a: 'i'}", { a: 'İ' }, false], // dotted capital I has no simple folding
]);

table('cased', [
  ["{a|cased: 'Foo'}", { a: 'Foo' }, true],
  ["{a|cased: 'Foo'}", { a: 'foo' }, false],
  ["{a|contains|cased: 'oo'}", { a: 'fOo' }, false],
  ["{a|contains|cased: 'Oo'}", { a: 'fOo' }, true],
]);

table('wildcards and escapes', [
  ["{a: 'f*'}", { a: 'foo' }, true],
  ["{a: 'f*'}", { a: 'f' }, true],
  ["{a: 'f*'}", { a: 'xf' }, false],
  ["{a: 'f?o'}", { a: 'foo' }, true],
  ["{a: 'f?o'}", { a: 'fo' }, false],
  ["{a: 'f?o'}", { a: 'fooo' }, false],
  ["{a: 'f?o'}", { a: 'f😀o' }, true], // ? is one code point, not one UTF-16 unit
  ["{a: 'f??o'}", { a: 'f😀o' }, false],
  ["{a: 'a?b'}", { a: 'a\nb' }, true], // ? matches a newline
  ["{a: 'a*b'}", { a: 'a\nxx\nb' }, true],
  ["{a: '*'}", { a: '' }, true],
  ["{a: '*'}", { a: 5 }, true],
  ["{a: '*'}", {}, false],
  ["{a: 'a\\*b'}", { a: 'a*b' }, true],
  ["{a: 'a\\*b'}", { a: 'axb' }, false],
  ["{a: 'a\\?b'}", { a: 'a?b' }, true],
  ["{a: 'a\\?b'}", { a: 'axb' }, false],
  ["{a: 'a\\\\b'}", { a: 'a\\b' }, true], // \\ is one backslash
  ["{a: 'a\\\\*'}", { a: 'a\\xyz' }, true], // \\ then a wildcard
  ["{a: 'a\\\\*'}", { a: 'a\\*' }, true],
  ["{a: 'C:\\Windows\\'}", { a: 'C:\\Windows\\' }, true], // a trailing backslash is literal
  ["{a: 'C:\\Windows\\'}", { a: 'C:\\Windows' }, false],
  ["{a: 'a\\b'}", { a: 'a\\b' }, true], // backslash before another character is literal
  ["{a: 'a.b'}", { a: 'axb' }, false], // regex characters are literal
  ["{a: 'a(b'}", { a: 'A(B' }, true],
  ["{a|contains: 'x*y'}", { a: '--x--y--' }, true],
  ["{a|startswith: 'x?y'}", { a: 'xZy--' }, true],
  ["{a|endswith: 'x?y'}", { a: '--xZy' }, true],
  ["{a|endswith: 'x?y'}", { a: '--xZy-' }, false],
]);

table('contains, startswith, endswith', [
  ["{a|contains: 'oo'}", { a: 'fOOd' }, true],
  ["{a|contains: 'oo'}", { a: 'fod' }, false],
  ["{a|contains: ''}", { a: 'x' }, true],
  ["{a|startswith: 'fo'}", { a: 'FOod' }, true],
  ["{a|startswith: 'fo'}", { a: 'afood' }, false],
  ["{a|endswith: '\\cmd.exe'}", { a: 'C:\\Windows\\CMD.EXE' }, true],
  ["{a|endswith: '\\cmd.exe'}", { a: 'C:\\Windows\\xcmd.exe' }, false],
  ["{a|contains|all: ['x', 'y']}", { a: 'y-x' }, true],
  ["{a|contains|all: ['x', 'y']}", { a: 'x' }, false],
  ["{a|contains: ['x', 'y']}", { a: 'y' }, true],
  ["{a|neq: 'x'}", { a: 'y' }, true],
  ["{a|neq: 'x'}", { a: 'X' }, false],
]);

table('numbers and string/number crossover', [
  ['{EventID: 4688}', { EventID: 4688 }, true],
  ['{EventID: 4688}', { EventID: '4688' }, true],
  ['{EventID: 4688}', { EventID: 4689 }, false],
  ['{EventID: 4688}', { EventID: '4688x' }, false],
  ['{EventID: [1, 4688]}', { EventID: 1 }, true],
  ["{EventID: '4688'}", { EventID: 4688 }, true],
  ["{EventID|startswith: '46'}", { EventID: 4688 }, true],
  ['{a: 1.5}', { a: 1.5 }, true],
  // A number matches a text only as its canonical decimal spelling (src/ir/number.ts).
  ['{a: 1.5}', { a: '1.50' }, false],
  ['{a: 1.50}', { a: '1.5' }, true],
  ['{a: 1.50}', { a: '1.50' }, false],
  ['{EventID: 2000}', { EventID: '02000' }, false],
  ['{EventID: 2000}', { EventID: '2000.0' }, false],
  ['{EventID: 2000}', { EventID: ' 2000' }, false],
  ['{EventID: 2000}', { EventID: '2000 ' }, false],
  ['{EventID: 2000}', { EventID: '+2000' }, false],
  ['{EventID: 2000}', { EventID: '0x7D0' }, false],
  ['{EventID: 2000}', { EventID: '2e3' }, false],
  ['{EventID: 2000}', { EventID: 2000.0 }, true],
  ['{EventID: 2e3}', { EventID: '2000' }, true],
  ['{EventID: +2000}', { EventID: '2000' }, true],
  ['{EventID: -0}', { EventID: '0' }, true],
  ['{EventID: -5}', { EventID: '-5' }, true],
  ['{EventID: [1, 2000]}', { EventID: ['x', '2000'] }, true],
  ['{EventID: 2000}', { EventID: ['02000', '2000.0'] }, false],
  ['{a: 0x10}', { a: '0x10' }, true],
  ['{a: 0x10}', { a: 16 }, false], // the loader keeps 0x10 as the string '0x10'
  ['{a: 5}', { a: true }, false],
]);

table('booleans', [
  ['{a: true}', { a: true }, true],
  ['{a: true}', { a: 'true' }, true],
  ['{a: true}', { a: 'True' }, true],
  ['{a: true}', { a: false }, false],
  ['{a: false}', { a: 'false' }, true],
  ['{a: false}', {}, false],
  ["{a: 'true'}", { a: true }, true],
]);

table('null and missing', [
  ['{a: null}', {}, true],
  ['{a: null}', { a: null }, true],
  ['{a: null}', { a: [] }, true],
  ['{a: null}', { a: '' }, false],
  ['{a: null}', { a: 'x' }, false],
  ['{a|exists: true}', { a: 'x' }, true],
  ['{a|exists: true}', { a: '' }, true],
  ['{a|exists: true}', { a: null }, false],
  ['{a|exists: true}', {}, false],
  ['{a|exists: false}', {}, true],
  ['{a|exists: false}', { a: 0 }, false],
]);

table('arrays: any element', [
  ["{a: 'x'}", { a: ['y', 'X'] }, true],
  ["{a: 'x'}", { a: ['y', 'z'] }, false],
  ["{a: 'x'}", { a: [['y'], ['x']] }, true],
  ['{a: 3}', { a: [1, 3] }, true],
  ['{a|gt: 2}', { a: [1, 3] }, true],
  ["{a|cidr: '10.0.0.0/8'}", { a: ['1.1.1.1', '10.1.1.1'] }, true],
  ["{a|re: '^b'}", { a: ['a', 'b'] }, true],
]);

table('dotted paths and nested objects', [
  ["{a.b: 'x'}", { a: { b: 'x' } }, true],
  ["{a.b: 'x'}", { 'a.b': 'x' }, true],
  ["{a.b.c: 'x'}", { a: { b: { c: 'X' } } }, true],
  ["{a.b: 'x'}", { a: [{ b: 'y' }, { b: 'x' }] }, true],
  ["{a.b: 'x'}", { a: { c: 'x' } }, false],
]);

table('keywords: any value anywhere', [
  ["['mimikatz']", { a: 'run MIMIKATZ now' }, true],
  ["['mimikatz']", { a: { b: ['x', 'mimikatz.exe'] } }, true],
  ["['mimikatz']", { mimikatz: 'x' }, false], // keys are not values
  ["['4688']", { a: 4688 }, true],
  ["['sekurlsa::*']", { a: 'x sekurlsa::logonpasswords' }, true],
  ["{'|re': '^ab'}", { x: 'zz', y: 'abc' }, true],
]);

table('regular expressions', [
  ["{a|re: 'fo+'}", { a: 'xfoox' }, true], // unanchored
  ["{a|re: '^fo+$'}", { a: 'xfoox' }, false],
  ["{a|re: 'FOO'}", { a: 'foo' }, false], // case-sensitive without i
  ["{a|re|i: 'FOO'}", { a: 'foo' }, true],
  ["{a|re: '(?i)FOO'}", { a: 'foo' }, true],
  ["{a|re: '(?i)ſ'}", { a: 'S' }, true],
  ["{a|re: 'a.b'}", { a: 'a\nb' }, false],
  ["{a|re|s: 'a.b'}", { a: 'a\nb' }, true],
  ["{a|re: '(?s)a.b'}", { a: 'a\nb' }, true],
  ["{a|re: 'a.b'}", { a: 'a\rb' }, true], // PCRE's newline is LF only
  ["{a|re: '^b'}", { a: 'a\nb' }, false],
  ["{a|re|m: '^b'}", { a: 'a\nb' }, true],
  ["{a|re: 'a$'}", { a: 'a\n' }, true], // $ before a final newline
  ["{a|re: 'a\\z'}", { a: 'a\n' }, false],
  ["{a|re: '\\Aa'}", { a: 'a' }, true],
  ["{a|re: 'x\\\"y'}", { a: 'x"y' }, true], // escaped punctuation
  ["{a|re: 'a]b'}", { a: 'a]b' }, true],
  ["{a|re: 'a{b'}", { a: 'a{b' }, true],
  ["{a|re: 'a{2}'}", { a: 'aa' }, true],
  ["{a|re: '[]a]'}", { a: ']' }, true],
  ["{a|re: '[[:digit:]]+'}", { a: 'x12' }, true],
  ["{a|re: '\\x{41}'}", { a: 'A' }, true],
  ["{a|re: '\\Qa.b\\E'}", { a: 'axb' }, false],
  ["{a|re: '\\Qa.b\\E'}", { a: 'a.b' }, true],
  ["{a|re: '(?P<n>x)(?P=n)'}", { a: 'xx' }, true],
  ["{a|re: 'a(?#comment)b'}", { a: 'ab' }, true],
  ["{a|re: '\\d+'}", { a: 12 }, true],
]);

table('cidr', [
  ["{a|cidr: '10.0.0.0/8'}", { a: '10.255.0.1' }, true],
  ["{a|cidr: '10.0.0.0/8'}", { a: '11.0.0.1' }, false],
  ["{a|cidr: '10.0.0.0/8'}", { a: '10.0.0' }, false],
  ["{a|cidr: '10.0.0.0/8'}", { a: '::ffff:10.0.0.1' }, false], // no cross-family matching
  ["{a|cidr: '192.168.1.0/31'}", { a: '192.168.1.1' }, true],
  ["{a|cidr: '192.168.1.0/31'}", { a: '192.168.1.2' }, false],
  ["{a|cidr: '0.0.0.0/0'}", { a: '8.8.8.8' }, true],
  ["{a|cidr: 'fe80::/10'}", { a: 'FE80::1' }, true],
  ["{a|cidr: 'fe80::/10'}", { a: 'fec0::1' }, false],
  ["{a|cidr: '2001:db8::/32'}", { a: '2001:db8:0:0:0:0:0:1' }, true],
  ["{a|cidr: '10.1.2.3'}", { a: '10.1.2.3' }, true],
  ["{a|cidr: '10.0.0.0/8'}", { a: 'host' }, false],
]);

table('comparisons', [
  ['{a|gt: 5}', { a: 6 }, true],
  ['{a|gt: 5}', { a: 5 }, false],
  ['{a|gte: 5}', { a: '5' }, true],
  ['{a|lt: 5}', { a: 4.5 }, true],
  ['{a|lte: 5}', { a: 6 }, false],
  ['{a|lt: 5}', { a: 'four' }, false],
  // An ordering reads a decimal text as its number (leading zeros, sign, fraction, exponent), as
  // the targets' numeric comparisons do; spaces or hex make it no number.
  ['{a|gt: 5}', { a: '06' }, true],
  ['{a|gt: 5}', { a: '6.0' }, true],
  ['{a|gt: 5}', { a: '+6' }, true],
  ['{a|gt: 5}', { a: '6e0' }, true],
  ['{a|gt: 5}', { a: ' 6' }, false],
  ['{a|gt: 5}', { a: '0x7' }, false],
  ['{a|lt: 5}', {}, false],
]);

table('time parts (UTC)', [
  ['{t|hour: 7}', { t: '2025-11-27T07:40:10.165Z' }, true],
  ['{t|hour: 7}', { t: '2025-11-27T09:40:10+02:00' }, true],
  ['{t|minute: 40}', { t: '2025-11-27 07:40:10.132' }, true],
  ['{t|day: 27}', { t: '2025-11-27T07:40:10Z' }, true],
  ['{t|month: 11}', { t: '2025-11-27T07:40:10Z' }, true],
  ['{t|year: 2025}', { t: '2025-11-27' }, true],
  ['{t|week: 1}', { t: '2026-01-01T00:00:00Z' }, true], // ISO week
  ['{t|week: 53}', { t: '2021-01-01T00:00:00Z' }, true],
  ['{t|hour: 7}', { t: 1764229210 }, true], // epoch seconds
  ['{t|hour: 7}', { t: 'yesterday' }, false],
]);

table('field references', [
  ['{a|fieldref: b}', { a: 'X', b: 'x' }, true],
  ['{a|fieldref: b}', { a: 'x', b: 'y' }, false],
  ['{a|fieldref: b}', { a: 'x' }, false],
  ['{a|fieldref|cased: b}', { a: 'X', b: 'x' }, false],
  ['{a|fieldref|contains: b}', { a: 'xyz', b: 'Y' }, true],
  ['{a|fieldref|startswith: b}', { a: 'xyz', b: 'x' }, true],
  ['{a|fieldref|endswith: b}', { a: 'xyz', b: 'x' }, false],
  ['{a|fieldref: b}', { a: 5, b: '5' }, true],
]);

table('value modifiers (expanded by the core)', [
  ["{a|windash|contains: ' -enc '}", { a: 'ps /enc x' }, true],
  ["{a|windash|contains: ' -enc '}", { a: 'ps \u2013enc x' }, true],
  ["{a|windash|contains: ' -enc '}", { a: 'ps \u2013enc' }, false],
  ["{a|windash|contains: ' -enc '}", { a: 'ps _enc x' }, false],
  ["{a|base64: 'abc'}", { a: 'YWJj' }, true],
  ["{a|base64offset|contains: 'http'}", { a: 'xxaHR0c' }, true],
  ["{a|base64offset|contains: 'http'}", { a: 'xxodHRw' }, true],
  ["{a|base64offset|contains: 'http'}", { a: 'xxdHRw' }, false],
  ["{a|wide|base64offset|contains: 'cmd'}", { a: '..YwBtAGQA..' }, true],
  ["{a|utf16le|base64: 'A'}", { a: 'QQA=' }, true],
]);

describe('conditions', () => {
  const rule = (cond: string) =>
    compileRule(ruleIr(`sel1: {a: 'x'}\nsel2: {b: 'y'}\nfilter: {c: 'z'}\ncondition: ${cond}`));
  test.each<[string, object, boolean]>([
    ['sel1 and sel2', { a: 'x', b: 'y' }, true],
    ['sel1 and sel2', { a: 'x' }, false],
    ['sel1 or sel2', { b: 'y' }, true],
    ['sel1 and not filter', { a: 'x' }, true], // not on a missing field is true
    ['sel1 and not filter', { a: 'x', c: 'Z' }, false],
    ['1 of sel*', { b: 'y' }, true],
    ['all of sel*', { b: 'y' }, false],
    ['not 1 of them', {}, true],
  ])('%s on %j is %s', (cond, ev, expected) => {
    expect(rule(cond)(ev as never)).toBe(expected);
  });
});

describe('compile diagnostics', () => {
  test.each<[string, RegExp]>([
    ['a++', /possessive/],
    ['(?>a)', /atomic/],
    ['a(?i)b', /inline flags/],
    ['\\G', /escape '\\G'/],
    ['(?(1)a|b)', /group/],
  ])('regex %s is refused', (pattern, reason) => {
    const r = translateRegex(pattern, { i: false, m: false, s: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  test('an unsupported regex makes the rule inexact and reports invalid-regex', () => {
    const c = compileRule(ruleIr("sel: {a|re: 'x++'}\ncondition: sel"));
    expect(c.exact).toBe(false);
    expect(c.diagnostics[0]).toMatchObject({ code: 'invalid-regex', line: 4 });
    expect(c({ a: 'xx' })).toBe(false);
  });

  test('placeholders resolve from options, else report unresolved-placeholder', () => {
    const ir = ruleIr("sel: {a|expand: '%admins%'}\ncondition: sel");
    const c = compileRule(ir, { placeholders: { admins: ['root', 'adm*'] } });
    expect(c.exact).toBe(true);
    expect(c({ a: 'ADMIN' })).toBe(true);
    expect(c({ a: 'user' })).toBe(false);
    const u = compileRule(ir);
    expect(u.diagnostics[0]).toMatchObject({ code: 'unresolved-placeholder' });
  });
});

describe('events', () => {
  test.each<[string, string, number]>([
    ['one object', '{"a": 1}', 1],
    ['JSON Lines', '{"a": 1}\n{"a": 2}\n\n{"a": 3}\n', 3],
    ['an array', '[{"a": 1}, {"a": 2}]', 2],
    ['concatenated, pretty-printed', '{\n "a": "}"\n}\n{\n "b": "{\\""\n}', 2],
    ['concatenated without space', '{"a":1}{"a":2}', 2],
    ['empty', '  \n', 0],
  ])('%s', (_name, text, n) => {
    const r = readEvents(text);
    expect(r.ok && r.events.length).toBe(n);
  });

  test.each<[string, string]>([
    ['{"a": 1', 'unterminated'],
    ['{"a": 1,}', 'invalid JSON'],
    ['[1, 2]', 'must be a JSON object'],
  ])('%s is an error', (text, msg) => {
    const r = readEvents(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(msg);
  });

  test('Windows EVTX-as-JSON is flattened to Sigma field names', () => {
    const f = flattenEvent({
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '{X}' } },
          EventID: { '#attributes': { Qualifiers: 0 }, '#text': 4688 },
          Channel: 'Security',
          Computer: 'host',
          TimeCreated: { '#attributes': { SystemTime: '2025-01-01T00:00:00Z' } },
        },
        EventData: { Image: 'C:\\x.exe', 'Threat Name': 'EICAR' },
      },
    });
    expect(f.get('EventID')).toBe(4688);
    expect(f.get('EventID_Qualifiers')).toBe(0);
    expect(f.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(f.get('Channel')).toBe('Security');
    expect(f.get('Computer')).toBe('host');
    expect(f.get('TimeCreated_SystemTime')).toBe('2025-01-01T00:00:00Z');
    expect(f.get('Image')).toBe('C:\\x.exe');
    expect(f.get('ThreatName')).toBe('EICAR');
    expect(f.get('Threat Name')).toBe('EICAR');
    expect(f.get('Event.EventData.Image')).toBe('C:\\x.exe');
  });

  test('EventData as Data elements with Name attributes, and UserData', () => {
    const f = flattenEvent({
      Event: {
        System: { EventID: 1 },
        EventData: { Data: [{ '#attributes': { Name: 'NewProcessName' }, '#text': 'C:\\cmd.exe' }] },
        UserData: { Op: { '#attributes': { xmlns: 'x' }, User: 'bob' } },
      },
    });
    expect(f.get('NewProcessName')).toBe('C:\\cmd.exe');
    expect(f.get('User')).toBe('bob');
  });
});

describe('case folding', () => {
  test('agrees with /iu (JavaScript simple case folding) on every BMP character with case', () => {
    const esc = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    const bad: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (c.toUpperCase() === c && c.toLowerCase() === c) continue; // no case: folds to itself
      const f = fold(c);
      if (!new RegExp(`^${esc(c)}$`, 'iu').test(f)) bad.push(c);
      const u = c.toUpperCase();
      if ([...u].length === 1 && new RegExp(`^${esc(c)}$`, 'iu').test(u) && fold(u) !== f) bad.push(c);
    }
    expect(bad).toEqual([]);
  });
});
