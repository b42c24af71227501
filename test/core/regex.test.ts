/** src/regex/scan.ts: the one PCRE scanner, and the RE2 check built on it. */
import { regexFeatures, scanPcre, unsupportedRe2Escape, type PcreToken } from '../../src/regex/index.js';
import { re2Compiles } from '../support/kusto.js';

function tokens(pattern: string): PcreToken[] {
  const out: PcreToken[] = [];
  scanPcre(pattern, 0, (t) => {
    out.push(t);
  });
  return out;
}

describe('scanPcre', () => {
  test('reports escapes (with their class context) and characters outside classes', () => {
    expect(tokens('a\\d[x\\]y]$')).toEqual([
      { kind: 'char', at: 0, char: 'a' },
      { kind: 'escape', at: 1, char: 'd', inClass: false },
      { kind: 'escape', at: 5, char: ']', inClass: true },
      { kind: 'char', at: 9, char: '$' },
    ]);
  });
  test("a ']' right after '[' or '[^' is a literal, not the class's end", () => {
    expect(tokens('[]a]b').map((t) => t.at)).toEqual([4]);
    expect(tokens('[^]a]b').map((t) => t.at)).toEqual([5]);
  });
  test('a trailing backslash is an escape of nothing', () => {
    expect(tokens('a\\')).toEqual([
      { kind: 'char', at: 0, char: 'a' },
      { kind: 'escape', at: 1, char: '', inClass: false },
    ]);
  });
  test('stops when the visitor returns true', () => {
    const seen: number[] = [];
    scanPcre('abc', 0, (t) => {
      seen.push(t.at);
      return t.at === 1;
    });
    expect(seen).toEqual([0, 1]);
  });
});

describe('unsupportedRe2Escape', () => {
  test.each([
    ['a\\Z', 'the escape \\Z'],
    ['a\\hb', 'the escape \\h'],
    ['\\R', 'the escape \\R'],
    ['a\\Kb', 'the escape \\K'],
    ['a(?#note)b', "the group '(?#n'"],
    ['(?|a|b)', "the group '(?|a'"],
    ['(a(?R))', "the group '(?R)'"],
    ['(*UTF8)a', "a '(*VERB)'"],
  ])('%s: %s, and RE2 indeed refuses it', (pattern, named) => {
    expect(unsupportedRe2Escape(pattern)).toBe(named);
    expect(re2Compiles(pattern)).toBe(false);
  });
  test.each(['a\\d+b', '[](?#x)]', '(?i)a(?:b)', 'a\\(\\*b'])(
    '%s: nothing to report (a class or an escaped parenthesis is not a group)',
    (pattern) => {
      expect(unsupportedRe2Escape(pattern)).toBeNull();
      expect(re2Compiles(pattern)).toBe(true);
    },
  );
  test('an escape RE2 lacks counts inside a class too', () => {
    expect(unsupportedRe2Escape('[\\h]')).toBe('the escape \\h');
    expect(re2Compiles('[\\h]')).toBe(false);
  });
  test('the same scan as regexFeatures: a class hides a group from both', () => {
    expect(regexFeatures('[](?=)]').lookaround).toBe(false);
    expect(unsupportedRe2Escape('[](?#)]')).toBeNull();
  });
});
