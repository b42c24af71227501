import { disputedReadings, hasDisputed, undisputed } from '../support/case-conventions.js';

describe('disputed characters (case folding no vendor documents)', () => {
  test.each([
    ['\u017f', { fold: 's', lower: '\u017f', upper: 'S' }], // long s: folds to s, lowercases to itself
    ['\u212a', { fold: 'k', lower: 'k', upper: '\u212a' }], // Kelvin sign: uppercases to itself
    ['\u03c2', { fold: '\u03c3', lower: '\u03c2', upper: '\u03a3' }], // final sigma
    ['\u2126', { fold: '\u03c9', lower: '\u03c9', upper: '\u2126' }], // Ohm sign
    ['\u0130', { fold: '\u0130', lower: 'i', upper: '\u0130' }], // dotted capital I: simple lowercase i
    ['\u0131', { fold: '\u0131', lower: '\u0131', upper: 'I' }], // dotless i: uppercases to I
  ])('%s is disputed, read %j', (c, readings) => {
    expect(disputedReadings(c)).toEqual(readings);
  });

  test.each(['s', 'S', 'K', 'k', 'i', 'I', '\u03a3', '\u03c3', '\u00e9', '\u00c9', '\u0436', '1', ' '])(
    '%s is not disputed (every convention joins it with the same characters)',
    (c) => {
      expect(disputedReadings(c)).toBeNull();
    },
  );

  test('the disputed characters, counted over every code point with case', () => {
    const all: string[] = [];
    for (let cp = 0x80; cp <= 0x1ffff; cp++)
      if ((cp < 0xd800 || cp > 0xdfff) && disputedReadings(String.fromCodePoint(cp)))
        all.push(cp.toString(16));
    // The list docs/testing-rules.md describes: micro sign, dotted I, dotless i, long s, ypogegrammeni,
    // final sigma, the Greek symbol letters, Cyrillic and Latin historic variants, capital sharp s,
    // the Greek letters with prosgegrammeni (whose full uppercase is two characters), Ohm, Kelvin, Angstrom.
    expect(all.slice(0, 6)).toEqual(['b5', '130', '131', '17f', '345', '3c2']);
    expect(all.slice(-3)).toEqual(['2126', '212a', '212b']);
    expect(all.length).toBe(56);
  });

  test('texts', () => {
    expect(hasDisputed('C:\\Windows\\powershell.exe')).toBe(false);
    expect(hasDisputed('power\u017fhell')).toBe(true);
    expect(undisputed('power\u017fhell \u212aB', 'fold')).toBe('powershell kB');
    expect(undisputed('power\u017fhell \u212aB', 'upper')).toBe('powerShell \u212aB');
  });
});
