/** Every Sigma v2.1 modifier, built into IR, and every illegal combination. */
import { classifyModifiers } from '../../src/ir/modifiers.js';
import { BUILD_LIMITS } from '../../src/ir/build.js';
import { any, buildSel, buildText, one, ph, rule, str, strip, t } from './helpers.js';

describe('classification', () => {
  test.each<[string, object]>([
    ['', { transforms: [], op: 'eq', all: false, cased: false, neq: false }],
    ['contains', { op: 'contains' }],
    ['startswith', { op: 'startswith' }],
    ['endswith', { op: 'endswith' }],
    ['contains|all', { op: 'contains', all: true }],
    ['all|contains', { op: 'contains', all: true }],
    ['cased|contains', { op: 'contains', cased: true }],
    ['neq', { neq: true }],
    ['windash|contains', { transforms: ['windash'], op: 'contains' }],
    ['wide|base64offset|contains', { transforms: ['wide', 'base64offset'], op: 'contains' }],
    ['utf16be|base64', { transforms: ['utf16be', 'base64'] }],
    ['expand', { transforms: ['expand'] }],
    ['re', { type: 're', regexFlags: { i: false, m: false, s: false } }],
    ['re|i|m|s', { type: 're', regexFlags: { i: true, m: true, s: true } }],
    ['re|ignorecase|multiline|dotall', { type: 're', regexFlags: { i: true, m: true, s: true } }],
    ['cidr', { type: 'cidr' }],
    ['gte', { type: 'gte' }],
    ['exists', { type: 'exists' }],
    ['fieldref|endswith|cased', { type: 'fieldref', op: 'endswith', cased: true }],
    ['fieldref|neq', { type: 'fieldref', neq: true }],
    ['hour', { type: 'hour' }],
  ])('%s', (mods, expected) => {
    const r = classifyModifiers(mods ? mods.split('|') : []);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.mods).toMatchObject(expected);
  });

  test.each<[string, string, RegExp]>([
    ['foo', 'unknown-modifier', /^unknown modifier 'foo' \(Sigma v2\.1 knows /],
    ['Contains', 'unknown-modifier', /^unknown modifier 'Contains' \(did you mean 'contains'\?\) \(Sigma/],
    ['endswit', 'unknown-modifier', /^unknown modifier 'endswit' \(did you mean 'endswith'\?\) \(Sigma/],
    ['startwith', 'unknown-modifier', /^unknown modifier 'startwith' \(did you mean 'startswith'\?\)/],
    // A short name is no typo of a one-letter flag ('x' is not 'i').
    ['x', 'unknown-modifier', /^unknown modifier 'x' \(Sigma v2\.1 knows /],
    ['contains|contains', 'invalid-modifier-combination', /given twice/],
    ['contains|startswith', 'invalid-modifier-combination', /'contains' and 'startswith'/],
    ['startswith|endswith', 'invalid-modifier-combination', /cannot be combined/],
    ['contains|base64', 'invalid-modifier-combination', /'contains' before 'base64'/],
    ['endswith|base64offset', 'invalid-modifier-combination', /'endswith' before 'base64offset'/],
    ['base64|base64offset', 'invalid-modifier-combination', /'base64' and 'base64offset'/],
    ['wide|utf16le', 'invalid-modifier-combination', /'wide' and 'utf16le'/],
    ['utf16|utf16be', 'invalid-modifier-combination', /'utf16' and 'utf16be'/],
    ['re|cidr', 'invalid-modifier-combination', /'re' and 'cidr'/],
    ['gt|lt', 'invalid-modifier-combination', /'gt' and 'lt'/],
    ['hour|minute', 'invalid-modifier-combination', /cannot be combined/],
    ['i', 'invalid-modifier-combination', /need 're'/],
    ['contains|m', 'invalid-modifier-combination', /need 're'/],
    ['re|contains', 'invalid-modifier-combination', /'contains' cannot be combined with 're'/],
    ['cidr|startswith', 'invalid-modifier-combination', /'startswith' cannot be combined with 'cidr'/],
    ['gte|contains', 'invalid-modifier-combination', /cannot be combined with 'gte'/],
    ['re|base64', 'invalid-modifier-combination', /'base64' cannot be combined with 're'/],
    ['windash|re', 'invalid-modifier-combination', /'windash' cannot be combined with 're'/],
    ['cidr|wide', 'invalid-modifier-combination', /'wide' cannot be combined with 'cidr'/],
    ['expand|cidr', 'invalid-modifier-combination', /'expand' cannot be combined with 'cidr'/],
    ['exists|base64', 'invalid-modifier-combination', /'base64' cannot be combined with 'exists'/],
    ['re|cased', 'invalid-modifier-combination', /'cased' cannot be combined with 're'/],
    ['cidr|cased', 'invalid-modifier-combination', /'cased' cannot be combined with 'cidr'/],
    ['lt|cased', 'invalid-modifier-combination', /'cased' cannot be combined with 'lt'/],
    ['exists|all', 'invalid-modifier-combination', /'exists' cannot be combined with 'all'/],
    ['exists|neq', 'invalid-modifier-combination', /'exists' cannot be combined with 'neq'/],
    ['year|contains', 'invalid-modifier-combination', /cannot be combined with 'year'/],
    ['wide|windash', 'invalid-modifier-combination', /'windash' must come before 'wide'/],
    ['base64offset|windash', 'invalid-modifier-combination', /'windash' must come before 'base64offset'/],
  ])('%s -> %s', (mods, code, message) => {
    const r = classifyModifiers(mods.split('|'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
    }
  });

  test('an illegal combination in a rule is a diagnostic at the key', () => {
    const r = buildSel('CommandLine|contains|base64: x');
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual([
      "5:5 error invalid-modifier-combination: sel: 'contains' before 'base64' would encode its wildcards: write '|base64|contains'",
    ]);
    expect(buildSel('a|nope: x').diags[0]).toMatch(
      /^5:5 error unknown-modifier: sel: unknown modifier 'nope'/,
    );
  });
});

describe('each modifier builds the IR it means', () => {
  const cases: Array<[string, string, unknown]> = [
    ['plain', 'a: foo', str('a', 'eq', [[t('foo')]])],
    ['contains', 'a|contains: foo', str('a', 'contains', [[t('foo')]])],
    ['startswith', 'a|startswith: foo', str('a', 'startswith', [[t('foo')]])],
    ['endswith', 'a|endswith: foo', str('a', 'endswith', [[t('foo')]])],
    [
      'contains keeps wildcards as parts',
      'a|contains: "f*o?"',
      str('a', 'contains', [[t('f'), any, t('o'), one]]),
    ],
    ['list = OR, one node', 'a|contains: [x, y]', str('a', 'contains', [[t('x')], [t('y')]])],
    [
      'all = AND',
      'a|contains|all: [x, y]',
      { kind: 'and', children: [str('a', 'contains', [[t('x')]]), str('a', 'contains', [[t('y')]])] },
    ],
    ['cased', 'a|cased: Foo', str('a', 'eq', [[t('Foo')]], true)],
    ['cased|contains', 'a|contains|cased: Foo', str('a', 'contains', [[t('Foo')]], true)],
    ['neq', 'a|neq: foo', { kind: 'not', child: str('a', 'eq', [[t('foo')]]) }],
    [
      'neq number',
      'a|neq: 5',
      { kind: 'not', child: { kind: 'number', field: 'a', values: [{ value: 5, text: '5' }] } },
    ],
    ['exists true', 'a|exists: true', { kind: 'exists', field: 'a', exists: true }],
    ['exists false', 'a|exists: false', { kind: 'exists', field: 'a', exists: false }],
    [
      're',
      'a|re: "^a.*b$"',
      { kind: 'regex', field: 'a', pattern: '^a.*b$', flags: { i: false, m: false, s: false } },
    ],
    [
      're|i',
      'a|re|i: x',
      { kind: 'regex', field: 'a', pattern: 'x', flags: { i: true, m: false, s: false } },
    ],
    [
      're|m',
      'a|re|m: x',
      { kind: 'regex', field: 'a', pattern: 'x', flags: { i: false, m: true, s: false } },
    ],
    [
      're|s',
      'a|re|s: x',
      { kind: 'regex', field: 'a', pattern: 'x', flags: { i: false, m: false, s: true } },
    ],
    [
      're keeps backslashes',
      "a|re: '\\\\d+\\.exe'",
      { kind: 'regex', field: 'a', pattern: '\\\\d+\\.exe', flags: { i: false, m: false, s: false } },
    ],
    ['gt', 'a|gt: 5', { kind: 'compare', field: 'a', op: 'gt', value: { value: 5, text: '5' } }],
    ['gte', 'a|gte: 1.5', { kind: 'compare', field: 'a', op: 'gte', value: { value: 1.5, text: '1.5' } }],
    ['lt', 'a|lt: -3', { kind: 'compare', field: 'a', op: 'lt', value: { value: -3, text: '-3' } }],
    ['lte', "a|lte: '10'", { kind: 'compare', field: 'a', op: 'lte', value: { value: 10, text: '10' } }],
    ['fieldref', 'a|fieldref: b', { kind: 'fieldref', field: 'a', other: 'b', op: 'eq', cased: false }],
    [
      'fieldref|startswith',
      'a|fieldref|startswith: b',
      { kind: 'fieldref', field: 'a', other: 'b', op: 'startswith', cased: false },
    ],
    [
      'fieldref|endswith',
      'a|fieldref|endswith: b',
      { kind: 'fieldref', field: 'a', other: 'b', op: 'endswith', cased: false },
    ],
    [
      'fieldref|contains',
      'a|fieldref|contains: b',
      { kind: 'fieldref', field: 'a', other: 'b', op: 'contains', cased: false },
    ],
    [
      'fieldref|cased',
      'a|fieldref|cased: b',
      { kind: 'fieldref', field: 'a', other: 'b', op: 'eq', cased: true },
    ],
    [
      'fieldref|neq',
      'a|fieldref|neq: b',
      { kind: 'not', child: { kind: 'fieldref', field: 'a', other: 'b', op: 'eq', cased: false } },
    ],
    ['expand', "a|expand: '%Admins%'", str('a', 'eq', [[ph('Admins')]])],
    [
      'expand|contains',
      "a|expand|contains: 'x%dir%\\*'",
      str('a', 'contains', [[t('x'), ph('dir'), t('*')]]),
    ],
    [
      'expand|endswith with wildcard',
      "a|expand|endswith: '%dir%\\\\*.exe'",
      str('a', 'endswith', [[ph('dir'), t('\\'), any, t('.exe')]]),
    ],
    ['no expand: %x% is text', "a: '%Admins%'", str('a', 'eq', [[t('%Admins%')]])],
    [
      'minute',
      'a|minute: 30',
      { kind: 'time', field: 'a', unit: 'minute', values: [{ value: 30, text: '30' }] },
    ],
    [
      'hour',
      'a|hour: [1, 2]',
      {
        kind: 'time',
        field: 'a',
        unit: 'hour',
        values: [
          { value: 1, text: '1' },
          { value: 2, text: '2' },
        ],
      },
    ],
    ['day', 'a|day: 31', { kind: 'time', field: 'a', unit: 'day', values: [{ value: 31, text: '31' }] }],
    ['week', 'a|week: 52', { kind: 'time', field: 'a', unit: 'week', values: [{ value: 52, text: '52' }] }],
    [
      'month',
      'a|month: 12',
      { kind: 'time', field: 'a', unit: 'month', values: [{ value: 12, text: '12' }] },
    ],
    [
      'year',
      'a|year: 2024',
      { kind: 'time', field: 'a', unit: 'year', values: [{ value: 2024, text: '2024' }] },
    ],
    ['keyword contains', '"|contains": x', str(null, 'contains', [[t('x')]])],
  ];
  test.each(cases)('%s', (_name, item, expected) => {
    const r = buildSel(item);
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual(expected);
  });

  test.each<[string, string, string]>([
    [
      'exists needs a boolean (a quoted yes is a string, in YAML 1.1 too)',
      "a|exists: 'yes'",
      "5:15 error invalid-value: sel: 'a|exists': 'exists' needs true or false, not string 'yes'",
    ],
    [
      'exists needs a boolean',
      'a|exists: maybe',
      "5:15 error invalid-value: sel: 'a|exists': 'exists' needs true or false, not string 'maybe'",
    ],
    [
      'gt needs a number',
      'a|gt: abc',
      "5:11 error invalid-value: sel: 'a|gt': 'gt' needs a number, not string 'abc'",
    ],
    [
      'hour needs a number',
      'a|hour: x',
      "5:13 error invalid-value: sel: 'a|hour': 'hour' needs a number, not string 'x'",
    ],
    [
      're needs a string',
      'a|re: 5',
      "5:11 error invalid-value: sel: 'a|re': a regular expression must be a string, not the number 5",
    ],
    [
      'fieldref needs a name',
      "a|fieldref: ''",
      "5:17 error invalid-value: sel: 'a|fieldref': 'fieldref' needs a field name, not string ''",
    ],
    [
      'base64 refuses wildcards',
      'a|base64: "x*"',
      "5:15 error invalid-value: sel: 'a|base64': 'base64' cannot encode wildcards or placeholders; escape them or drop the wildcard",
    ],
    [
      'base64offset refuses placeholders',
      "a|expand|base64offset: '%x%'",
      "5:28 error invalid-value: sel: 'a|expand|base64offset': 'base64offset' cannot encode wildcards or placeholders; escape them or drop the wildcard",
    ],
    [
      'cidr needs a field',
      '"|cidr": 10.0.0.0/8',
      "5:5 error invalid-detection: sel: 'cidr' needs a field name",
    ],
    [
      'null with modifiers',
      'a|contains: null',
      "5:17 error invalid-value: sel: 'a|contains': null cannot be combined with modifiers",
    ],
    [
      'boolean with modifiers',
      'a|contains: true',
      "5:17 error invalid-value: sel: 'a|contains|': a boolean value cannot be combined with modifiers or keywords".replace(
        "|'",
        "'",
      ),
    ],
    ['nested value', 'a: {b: c}', "5:8 error invalid-value: sel: 'a' values must be scalars, not a mapping"],
    [
      'empty list with a modifier',
      'a|contains: []',
      "5:17 error invalid-detection: sel: 'a|contains' has an empty list of values; with modifiers it has no meaning",
    ],
  ])('%s', (_name, item, diag) => {
    const r = buildSel(item);
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual([diag]);
  });
});

describe('windash', () => {
  const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
  test('one dash: the five forms, hyphen first', () => {
    const r = buildSel("a|windash|contains: ' -s '");
    expect(strip(r.ir)).toEqual(
      str(
        'a',
        'contains',
        DASHES.map((d) => [t(` ${d}s `)]),
      ),
    );
  });
  test.each(DASHES)('a value written with %s gives the same five forms', (dash) => {
    const r = buildSel(`a|windash: '${dash}x'`);
    const values = (r.ir as unknown as { values: unknown[] }).values;
    expect(new Set(values.map((v) => JSON.stringify(v)))).toEqual(
      new Set(DASHES.map((d) => JSON.stringify([t(`${d}x`)]))),
    );
  });
  test('two dashes: all 25 permutations', () => {
    const r = buildSel("a|windash: '-a -b'");
    const values = (r.ir as unknown as { values: Array<Array<{ text: string }>> }).values.map(
      (v) => v[0].text,
    );
    const expected = DASHES.flatMap((x) => DASHES.map((y) => `${x}a ${y}b`));
    expect(values).toEqual(expected);
  });
  test('wildcards are kept between the variants', () => {
    const r = buildSel("a|windash|contains: '-a*'");
    expect((r.ir as unknown as { values: unknown[] }).values).toEqual(DASHES.map((d) => [t(`${d}a`), any]));
  });
  test(`more than ${BUILD_LIMITS.windashVariants} variants is an expansion-limit error`, () => {
    const r = buildSel("a|windash: '-a -b -c -d -e -f'");
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual([
      "5:16 error expansion-limit: sel: 'a|windash': windash would make 15625 variants; the limit is 3125",
    ]);
    expect(buildSel("a|windash: '-a -b -c -d -e'").diags).toEqual([]);
  });
});

describe('values', () => {
  test('numbers keep their text; 00000429 and 0x1F stay strings', () => {
    const r = buildSel('a: 00000429\nb: 4688\nc: 1.50\nd: 0x1F\ne: 1_000\nf: -5\ng: 1e3\nh: "4688"');
    expect(strip(r.ir)).toEqual({
      kind: 'and',
      children: [
        str('a', 'eq', [[t('00000429')]]),
        { kind: 'number', field: 'b', values: [{ value: 4688, text: '4688' }] },
        { kind: 'number', field: 'c', values: [{ value: 1.5, text: '1.50' }] },
        str('d', 'eq', [[t('0x1F')]]),
        str('e', 'eq', [[t('1_000')]]),
        { kind: 'number', field: 'f', values: [{ value: -5, text: '-5' }] },
        { kind: 'number', field: 'g', values: [{ value: 1000, text: '1e3' }] },
        str('h', 'eq', [[t('4688')]]),
      ],
    });
  });
  test('a number under a string modifier is matched as its text', () => {
    expect(strip(buildSel('a|contains: 0429').ir)).toEqual(str('a', 'contains', [[t('0429')]]));
    expect(strip(buildSel('a|endswith: 1.50').ir)).toEqual(str('a', 'endswith', [[t('1.50')]]));
  });
  test("null is a null match; '' is an empty string", () => {
    const r = buildSel('a: null\nb: ~\nc: \'\'\nd:\ne: ""');
    expect(strip(r.ir)).toEqual({
      kind: 'and',
      children: [
        { kind: 'null', field: 'a' },
        { kind: 'null', field: 'b' },
        str('c', 'eq', [[]]),
        { kind: 'null', field: 'd' },
        str('e', 'eq', [[]]),
      ],
    });
  });
  test("null in a list: value or null; 'null' quoted is text", () => {
    expect(strip(buildSel("a: [x, null, 'null']").ir)).toEqual({
      kind: 'or',
      children: [str('a', 'eq', [[t('x')], [t('null')]]), { kind: 'null', field: 'a' }],
    });
  });
  test('booleans; yes/no/on/off are strings (YAML 1.2)', () => {
    expect(strip(buildSel('a: true\nb: False\nc: yes\nd: off').ir)).toEqual({
      kind: 'and',
      children: [
        { kind: 'boolean', field: 'a', value: true },
        { kind: 'boolean', field: 'b', value: false },
        str('c', 'eq', [[t('yes')]]),
        str('d', 'eq', [[t('off')]]),
      ],
    });
  });
  test('keywords: a list of strings and numbers, each a contains on any field', () => {
    const r = buildText(
      rule("  keywords:\n    - 'mimikatz'\n    - 'sekurlsa*'\n    - 4688\n  condition: keywords\n"),
    );
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual(str(null, 'contains', [[t('mimikatz')], [t('sekurlsa'), any], [t('4688')]]));
  });
  test('a keyword list item that is a boolean or null is an error at the item', () => {
    const r = buildText(rule('  keywords:\n    - x\n    - true\n  condition: keywords\n'));
    expect(r.diags).toEqual([
      "6:7 error invalid-detection: keywords: a keyword list item must be a string or number, not boolean 'true'",
    ]);
  });
});

describe('values the build refuses rather than widen or accept silently', () => {
  test.each<[string, string, RegExp]>([
    ['CommandLine|base64offset|contains: a', 'invalid-value', /empty offset form/],
    ["CommandLine|re: 'a[b'", 'invalid-regex', /invalid regular expression/],
    ["CommandLine|re: 'a(b'", 'invalid-regex', /invalid regular expression/],
  ])('%s', (item, code, message) => {
    const r = buildSel(item);
    expect(r.ir).toBeUndefined();
    expect(r.codes).toEqual([code]);
    expect(r.diags[0]).toMatch(message);
  });
  test('a 2-byte base64offset value and a PCRE-only regex construct still build', () => {
    expect(buildSel('CommandLine|base64offset|contains: ab').codes).toEqual([]);
    expect(buildSel("CommandLine|re: 'a++b'").codes).toEqual([]);
  });
});
