/** Encodings, byte-exact against pySigma (tests/test_modifiers.py) and Python's codecs. */
import { base64, base64Offsets, encodeUtf16, windash, windashCount } from '../../src/ir/encodings.js';
import { buildSel, str, strip, t } from './helpers.js';

describe('base64offset: the three variants, trimmed as pySigma trims them', () => {
  test.each<[string, string[]]>([
    ['foobar', ['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']], // pySigma test_base64offset
    ['/bin/bash', ['L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']], // pySigma test_base64offset_modifier
    ['IEX', ['SUVY', 'lFW', 'JRV']],
    ['ab', ['YW', 'Fi', 'hY']],
    ['a', ['Y', '', 'h']],
    ['\u00e9', ['w6', 'Op', 'Dq']], // UTF-8 bytes c3 a9
  ])('%s', (text, expected) => {
    expect(base64Offsets(text, false)).toEqual(expected);
  });
  test('of UTF-16LE bytes (wide|base64offset)', () => {
    expect(base64Offsets(encodedText('ping', 'le'), true)).toEqual([
      'cABpAG4AZw',
      'AAaQBuAGcA',
      'wAGkAbgBnA',
    ]);
    expect(base64Offsets(encodedText('Invoke-', 'le'), true)).toEqual([
      'SQBuAHYAbwBrAGUALQ',
      'kAbgB2AG8AawBlAC0A',
      'JAG4AdgBvAGsAZQAtA',
    ]);
  });
  test('in a rule: one contains node with the three values', () => {
    const r = buildSel('a|base64offset|contains: foobar');
    expect(strip(r.ir)).toEqual(str('a', 'contains', [[t('Zm9vYmFy')], [t('Zvb2Jhc')], [t('mb29iYX')]]));
  });
});

function encodedText(s: string, v: 'le' | 'be' | 'bom'): string {
  const e = encodeUtf16({ parts: [{ kind: 'text', text: s }], bytes: false }, v);
  return (e.parts[0] as { text: string }).text;
}

describe('base64', () => {
  test.each<[string, boolean, string]>([
    ['foobar', false, 'Zm9vYmFy'], // pySigma test_base64
    ['powershell', false, 'cG93ZXJzaGVsbA=='],
    ['\u00e9', false, 'w6k='],
  ])('%s', (text, bytes, expected) => {
    expect(base64(text, bytes)).toBe(expected);
  });
});

describe('wide / utf16le / utf16be / utf16', () => {
  test('wide: a NUL after each ASCII character, wildcards kept (pySigma test_wide)', () => {
    const r = buildSel("a|wide: '*foobar*'");
    expect(strip(r.ir)).toEqual(
      str('a', 'eq', [[{ kind: 'any' }, t('f\0o\0o\0b\0a\0r\0'), { kind: 'any' }]]),
    );
  });
  test('bytes of cmd (specification examples)', () => {
    expect(encodedText('cmd', 'le')).toBe('c\0m\0d\0');
    expect(encodedText('cmd', 'be')).toBe('\0c\0m\0d');
    expect(encodedText('cmd', 'bom')).toBe('\xff\xfec\0m\0d\0');
  });
  test.each<[string, string]>([
    ['a|wide|base64: cmd', 'YwBtAGQA'],
    ['a|utf16le|base64: cmd', 'YwBtAGQA'],
    ['a|utf16be|base64: cmd', 'AGMAbQBk'], // Python: b64encode('cmd'.encode('utf-16be'))
    ['a|utf16|base64: cmd', '//5jAG0AZAA='], // Python: b64encode('cmd'.encode('utf-16'))
    ["a|wide|base64: '\u00e9'", '6QA='],
    ["a|wide|base64: '\u{1F600}'", 'PdgA3g=='], // a surrogate pair
  ])('%s -> %s', (item, expected) => {
    const r = buildSel(item);
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual(str('a', 'eq', [[t(expected)]]));
  });
  test('wide|base64offset|contains', () => {
    const r = buildSel('a|wide|base64offset|contains: ping');
    expect(strip(r.ir)).toEqual(
      str('a', 'contains', [[t('cABpAG4AZw')], [t('AAaQBuAGcA')], [t('wAGkAbgBnA')]]),
    );
  });
});

describe('windash helpers', () => {
  test('count and order', () => {
    expect(windashCount([t('a')])).toBe(1);
    expect(windashCount([t('-a /b')])).toBe(25);
    expect(windash([t('x-y')]).map((s) => (s[0] as { text: string }).text)).toEqual([
      'x-y',
      'x/y',
      'x\u2013y',
      'x\u2014y',
      'x\u2015y',
    ]);
  });
});
