/** Sigma string values: wildcards and the backslash escape rules of the specification. */
import { parseSigmaString, toSigmaText, withOp, plainText, normalize } from '../../src/ir/sigma-string.js';
import type { Part } from '../../src/ir/types.js';
import { any, one, ph, t } from './helpers.js';

// Raw strings as the YAML loader hands them over (String.raw: backslashes are literal).
describe('escapes and wildcards', () => {
  test.each<[string, Part[]]>([
    [String.raw`abc`, [t('abc')]],
    [String.raw``, []],
    [String.raw`a*b`, [t('a'), any, t('b')]],
    [String.raw`a?b`, [t('a'), one, t('b')]],
    [String.raw`*`, [any]],
    [String.raw`**`, [any, any]],
    [String.raw`?*?`, [one, any, one]],
    [String.raw`\*`, [t('*')]],
    [String.raw`\?`, [t('?')]],
    [String.raw`\\`, [t('\\')]],
    [String.raw`a\*b`, [t('a*b')]],
    [String.raw`a\?b`, [t('a?b')]],
    // a backslash before another character is a literal backslash
    [String.raw`C:\Windows\System32`, [t(String.raw`C:\Windows\System32`)]],
    [String.raw`\n`, [t(String.raw`\n`)]],
    // a trailing backslash is a literal backslash
    ['C:\\Windows\\', [t('C:\\Windows\\')]],
    ['\\', [t('\\')]],
    // `\\*`: a literal backslash, then a wildcard
    [String.raw`\\*`, [t('\\'), any]],
    [String.raw`C:\\*.exe`, [t('C:\\'), any, t('.exe')]],
    [String.raw`\\?`, [t('\\'), one]],
    // `\\\*`: a literal backslash, then a literal star
    [String.raw`\\\*`, [t('\\*')]],
    [String.raw`\\\\`, [t('\\\\')]],
    ['\\\\\\', [t('\\\\')]],
    [String.raw`*\Temp\*`, [any, t(String.raw`\Temp*`)]],
    [String.raw`*\Temp\\*`, [any, t('\\Temp\\'), any]],
    [String.raw`0200????7F`, [t('0200'), one, one, one, one, t('7F')]],
    [String.raw`%x%`, [t('%x%')]],
  ])('%s', (raw, parts) => {
    expect(parseSigmaString(raw)).toEqual(parts);
  });
});

describe('expand: placeholders become placeholder parts', () => {
  test.each<[string, Part[]]>([
    ['%Admins%', [ph('Admins')]],
    ['a%x%b', [t('a'), ph('x'), t('b')]],
    ['%x%%y%', [ph('x'), ph('y')]],
    ['*%dir%\\*.exe', [any, ph('dir'), t('*.exe')]],
    ['*%dir%\\\\*.exe', [any, ph('dir'), t('\\'), any, t('.exe')]],
    ['100%', [t('100%')]],
    ['%not a name%', [t('%not a name%')]],
    // Spec (Placeholders): `\%plain%name%` is the text `%plain` and the placeholder `name`.
    ['\\%plain%name%', [t('%plain'), ph('name')]],
    ['a\\%x%', [t('a%x%')]],
    ['\\\\%x%', [t('\\'), ph('x')]],
    ['%a%\\%b%c%', [ph('a'), t('%b'), ph('c')]],
  ])('%s', (raw, parts) => {
    expect(parseSigmaString(raw, true)).toEqual(parts);
  });
});

test('without expand, \\% is a backslash and a percent sign', () => {
  expect(parseSigmaString('\\%plain%name%')).toEqual([t('\\%plain%name%')]);
});

describe('toSigmaText reads back to the same parts', () => {
  test.each([
    String.raw`abc`,
    String.raw`a*b?c`,
    String.raw`\*\?`,
    'C:\\Windows\\',
    String.raw`\\*`,
    String.raw`\\\*`,
    String.raw`*\Temp\\*`,
    String.raw`a\\`,
    String.raw`x\y`,
  ])('%s', (raw) => {
    const parts = parseSigmaString(raw);
    expect(parseSigmaString(toSigmaText(parts))).toEqual(parts);
  });

  test.each([
    String.raw`\%plain%name%`,
    String.raw`C:\\%dir%\x`,
    String.raw`100\%%x%`,
    String.raw`a\\\%%x%\*`,
  ])('under expand: %s', (raw) => {
    const parts = parseSigmaString(raw, true);
    expect(parseSigmaString(toSigmaText(parts), true)).toEqual(parts);
  });
});

describe('helpers', () => {
  test('withOp adds wildcards once', () => {
    expect(withOp([t('a')], 'contains')).toEqual([any, t('a'), any]);
    expect(withOp([any, t('a'), any], 'contains')).toEqual([any, t('a'), any]);
    expect(withOp([t('a')], 'startswith')).toEqual([t('a'), any]);
    expect(withOp([t('a')], 'endswith')).toEqual([any, t('a')]);
    expect(withOp([t('a')], 'eq')).toEqual([t('a')]);
  });
  test('plainText and normalize', () => {
    expect(plainText([t('a'), t('b')])).toBe('ab');
    expect(plainText([t('a'), any])).toBeNull();
    expect(plainText([ph('x')])).toBeNull();
    expect(normalize([t('a'), t(''), t('b'), any, t('')])).toEqual([t('ab'), any]);
  });
});
