import { parseSigmaString } from '../../src/ir/sigma-string.js';
import { parseCidr } from '../../src/ir/cidr.js';
import type { Network } from '../../src/ir/types.js';
import { cidrRegex, ipv4CidrToPrefixes } from '../../src/lowering/cidr.js';
import { regexFeatures, regexToSigma, sigmaToRegex } from '../../src/regex/index.js';

const net = (s: string): Network => {
  const r = parseCidr(s);
  if (!r.ok) throw new Error(r.reason);
  return r.network;
};
const noFlags = { i: false, m: false, s: false };

describe('sigmaToRegex', () => {
  test.each([
    ['a*b?c', 'eq', false, '(?i)^a[\\s\\S]*b[\\s\\S]c\\z'],
    ['a.b', 'contains', true, 'a\\.b'],
    ['x\\*y', 'startswith', true, '^x\\*y'],
    ['C:\\Windows\\', 'endswith', false, '(?i)C:\\\\Windows\\\\\\z'],
    ['tab\there', 'eq', true, '^tab\\x09here\\z'],
  ] as const)('%s %s cased=%s', (value, op, cased, expected) => {
    expect(sigmaToRegex(parseSigmaString(value), op, { cased })).toBe(expected);
  });

  test('the JS form matches exactly the Sigma semantics', () => {
    const re = new RegExp(
      sigmaToRegex(parseSigmaString('0200????7F'), 'contains', { cased: false, dialect: 'js' }),
      'i',
    );
    expect(re.test('x0200abcd7fy')).toBe(true);
    expect(re.test('0200abc7F')).toBe(false);
    expect(re.test('0200a\nc\n7F')).toBe(true);
  });
});

describe('regexToSigma', () => {
  test.each([
    ['^abc$', noFlags, { op: 'eq', text: 'abc', cased: true, exact: false }],
    ['^abc\\z', noFlags, { op: 'eq', text: 'abc', cased: true, exact: true }],
    ['abc', { ...noFlags, i: true }, { op: 'contains', text: 'abc', cased: false, exact: true }],
    ['(?i)\\\\cmd\\.exe\\z', noFlags, { op: 'endswith', text: '\\cmd.exe', cased: false, exact: true }],
    ['^a.*b\\z', { ...noFlags, s: true }, { op: 'eq', text: 'a*b', cased: true, exact: true }],
    ['^a.*b\\z', noFlags, { op: 'eq', text: 'a*b', cased: true, exact: false }],
    ['^.*b\\z', { ...noFlags, s: true }, { op: 'endswith', text: 'b', cased: true, exact: true }],
  ] as const)('%s', (pattern, flags, want) => {
    const r = regexToSigma(pattern, flags);
    expect(r).not.toBeNull();
    expect({ op: r!.op, value: r!.value, cased: r!.cased, exact: r!.exact }).toEqual({
      op: want.op,
      value: parseSigmaString(want.text),
      cased: want.cased,
      exact: want.exact,
    });
  });
  test.each(['a|b', '[0-9]+', 'a+', '\\d', '(ab)', 'a{2}'])('%s has no wildcard form', (p) => {
    expect(regexToSigma(p, noFlags)).toBeNull();
  });
});

describe('regexFeatures', () => {
  test.each([
    ['a(?=b)', 'lookaround'],
    ['a(?<!b)', 'lookaround'],
    ['(a)\\1', 'backreference'],
    ['a++', 'possessive'],
    ['(?>a)', 'atomic'],
    ['a(?i)b', 'inlineFlags'],
    ['^a', 'anchored'],
    ['a$', 'anchored'],
    ['\\Aa\\z', 'anchored'],
  ] as const)('%s: %s', (p, feature) => {
    expect(regexFeatures(p)[feature]).toBe(true);
  });
  test('plain and class contents are not features', () => {
    const f = regexFeatures('(?i)^[(?=]\\\\1a+b$');
    expect(f).toEqual({
      lookaround: false,
      backreference: false,
      possessive: false,
      atomic: false,
      inlineFlags: false,
      leadingFlags: 'i',
      namedGroup: false,
      anchored: true,
    });
    expect(regexFeatures('[$^]a\\$').anchored).toBe(false);
  });
});

describe('ipv4CidrToPrefixes', () => {
  test.each([
    ['10.0.0.0/8', [['10.', 'startswith']]],
    ['192.168.1.7/32', [['192.168.1.7', 'eq']]],
    ['0.0.0.0/0', [['', 'startswith']]],
    ['172.16.0.0/12', Array.from({ length: 16 }, (_, i) => [`172.${16 + i}.`, 'startswith'])],
    [
      '10.1.2.0/31',
      [
        ['10.1.2.0', 'eq'],
        ['10.1.2.1', 'eq'],
      ],
    ],
  ])('%s', (cidr, want) => {
    expect(ipv4CidrToPrefixes(net(cidr)).map((p) => [p.text, p.op])).toEqual(want);
  });
  test('regex form', () => {
    const re = new RegExp(cidrRegex(net('169.254.0.0/16'))!);
    expect(re.test('169.254.3.4')).toBe(true);
    expect(re.test('169.25.3.4')).toBe(false);
    expect(cidrRegex(net('fe80::/10'))).toBeNull();
  });
});
