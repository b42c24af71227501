/**
 * Exact reading of valid and odd rules (issue 12): keywords stay "contains" under every modifier,
 * non-finite numbers are refused, `Field: []` reads as null, `exists: yes/no` are booleans,
 * unknown attributes warn (with a suggestion) without changing the label, and a YAML boolean
 * matches a boolean or the string "true"/"false" in any case.
 */
import { loadBackend, targetNames } from '../../backends/index.js';

/** Every target that writes queries (all but `ir`). */
const QUERY_TARGETS = targetNames().filter((t) => t !== 'ir');
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import { compileRule } from '../../src/evaluate/index.js';
import type { Node, StringMatch } from '../../src/ir/types.js';
import { buildSel, buildText, rule, str, strip, t } from './helpers.js';

/** Every match node of a tree. */
function leaves(n: Node): Node[] {
  if (n.kind === 'and' || n.kind === 'or') return n.children.flatMap(leaves);
  if (n.kind === 'not') return leaves(n.child);
  return [n];
}

describe('keywords are "contains" under every modifier combination', () => {
  test.each([
    [
      "'|all': [a, b]",
      { kind: 'and', children: [str(null, 'contains', [[t('a')]]), str(null, 'contains', [[t('b')]])] },
    ],
    ["'|cased': [Ab, Cd]", str(null, 'contains', [[t('Ab')], [t('Cd')]], true)],
    [
      "'|all|cased': [Ab, Cd]",
      {
        kind: 'and',
        children: [str(null, 'contains', [[t('Ab')]], true), str(null, 'contains', [[t('Cd')]], true)],
      },
    ],
    ["'|all': x", str(null, 'contains', [[t('x')]])],
    ["'|all': [x]", str(null, 'contains', [[t('x')]])],
    [
      "'|all': [4688, 1]",
      { kind: 'and', children: [str(null, 'contains', [[t('4688')]]), str(null, 'contains', [[t('1')]])] },
    ],
    ["'|cased': 4688", str(null, 'contains', [[t('4688')]], true)],
    ["'|neq': x", { kind: 'not', child: str(null, 'contains', [[t('x')]]) }],
    ["'|startswith': x", str(null, 'startswith', [[t('x')]])],
    [
      "'|endswith|all': [x, y]",
      { kind: 'and', children: [str(null, 'endswith', [[t('x')]]), str(null, 'endswith', [[t('y')]])] },
    ],
    ["'|wide': ab", str(null, 'contains', [[t('a\0b\0')]])],
  ])('%s', (item, expected) => {
    const r = buildSel(item);
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual(expected);
  });

  test.each(["'|windash|all': ['-a', '-b']", "'|base64offset|all': [abc, def]", "'|windash|cased': ['-a']"])(
    '%s: every value is a contains',
    (item) => {
      const r = buildSel(item);
      expect(r.diags).toEqual([]);
      const ops = leaves(r.ir!).map((n) => (n as StringMatch).op);
      expect(ops.length).toBeGreaterThan(0);
      expect(new Set(ops)).toEqual(new Set(['contains']));
    },
  );

  test('the evaluator: |all keywords match as substrings of any values', () => {
    const m = compileRule(buildSel("'|all': [FileNotFoundException, /etc/passwd]").ir!);
    expect(m({ msg: 'java.io.FileNotFoundException: /etc/passwd' })).toBe(true);
    expect(m({ msg: 'FileNotFoundException' })).toBe(false);
  });
});

describe('numbers out of range are refused', () => {
  test.each([
    ['a|gt: 1e400', '5:11'],
    ['a|lte: -1e309', '5:12'],
    ['a|hour: 1e400', '5:13'],
    ["a|gt: '1e400'", '5:11'],
    ['a: 1e400', '5:8'],
    ['a: [1, 1e400]', '5:12'],
  ])('%s', (item, at) => {
    const r = buildSel(item);
    expect(r.ir).toBeUndefined();
    expect(r.codes).toEqual(['invalid-value']);
    expect(r.diags[0]).toMatch(new RegExp(`^${at} error invalid-value: .*out of range`));
  });

  test('a large but finite number is kept', () => {
    expect(buildSel('a|gt: 1e300').diags).toEqual([]);
  });

  test.each(QUERY_TARGETS)('%s: never renders Infinity', async (target) => {
    const l = loadRuleFromText(rule('  sel:\n    a|gt: 1e400\n  condition: sel\n'), 'r.yml');
    const r = convertLoaded(l, (await loadBackend(target))!, [], {});
    expect(r.status).toBe('error');
    expect(r.queries).toEqual([]);
  });
});

describe('an empty value list reads as null (pySigma: "no value: map to none type")', () => {
  test('FA: [] is FA: null, with a warning that does not change the label', () => {
    const r = buildSel('FA: []');
    expect(strip(r.ir)).toEqual({ kind: 'null', field: 'FA' });
    expect(r.diags).toEqual([
      "5:9 warning empty-value-list: sel: 'FA: []' (an empty list) is read as 'FA: null': the field is absent or null",
    ]);
    const m = compileRule(r.ir!);
    expect([m({}), m({ FA: null }), m({ FA: '' }), m({ FA: 'x' })]).toEqual([true, true, false, false]);
  });
  test.each([
    [
      'FA|contains: []',
      "5:18 error invalid-detection: sel: 'FA|contains' has an empty list of values; with modifiers it has no meaning",
    ],
    [
      "'|all': []",
      "5:13 error invalid-detection: sel: '|all' has an empty list of values; a keyword has no meaning",
    ],
  ])('%s is refused', (item, diag) => {
    expect(buildSel(item).diags).toEqual([diag]);
  });
  test.each(QUERY_TARGETS)('%s: converts as null, label unchanged', async (target) => {
    const l = loadRuleFromText(rule('  sel:\n    FA: []\n    FB: x\n  condition: sel\n'), 'r.yml');
    const r = convertLoaded(l, (await loadBackend(target))!, [], {});
    const n = loadRuleFromText(rule('  sel:\n    FA: null\n    FB: x\n  condition: sel\n'), 'r.yml');
    const want = convertLoaded(n, (await loadBackend(target))!, [], {});
    expect(r.queries).toEqual(want.queries);
    expect(r.status).toBe(want.status);
  });
});

describe('exists: YAML 1.1 booleans (yes/no/on/off), as PyYAML reads them', () => {
  test.each([
    ['yes', true],
    ['Yes', true],
    ['ON', true],
    ['no', false],
    ['NO', false],
    ['off', false],
    ['true', true],
    ['false', false],
  ])('a|exists: %s', (v, exists) => {
    const r = buildSel(`a|exists: ${v}`);
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual({ kind: 'exists', field: 'a', exists });
  });
});

describe('unknown attributes: a warning with a suggestion, the label unchanged', () => {
  const HEAD = 'title: t\nlogsource: {product: windows}\n';
  const DET = 'detection:\n  sel: {a: x}\n  condition: sel\n';
  test.each([
    [
      'referances: [a]',
      "3:1 warning unknown-attribute: unknown attribute 'referances' (did you mean 'references'?); kept as a custom attribute",
    ],
    [
      'falsepositive: [a]',
      "3:1 warning unknown-attribute: unknown attribute 'falsepositive' (did you mean 'falsepositives'?); kept as a custom attribute",
    ],
    [
      'Title2: x',
      "3:1 warning unknown-attribute: unknown attribute 'Title2' (did you mean 'title'?); kept as a custom attribute",
    ],
    [
      'my_team: blue',
      "3:1 warning unknown-attribute: unknown attribute 'my_team'; kept as a custom attribute",
    ],
  ])('%s', async (line, diag) => {
    const text = `${HEAD}${line}\n${DET}`;
    const b = buildText(text);
    expect(b.diags).toEqual([diag]);
    const r = convertLoaded(loadRuleFromText(text, 't.yml'), (await loadBackend('splunk'))!, [], {});
    expect(r.status).toBe('exact');
    expect(r.rule?.custom).toEqual(expect.objectContaining({ [line.split(':')[0]]: expect.anything() }));
  });
  test('an unknown logsource attribute (a typo drops that part of the log source)', () => {
    const text = 'title: t\nlogsource:\n  prodcut: windows\n  category: process_creation\n' + DET;
    expect(buildText(text).diags).toEqual([
      "3:3 warning unknown-attribute: unknown logsource attribute 'prodcut' (did you mean 'product'?); ignored",
    ]);
  });
  test("the SigmaHQ repository's own custom attributes are not warned about", () => {
    const text = `${HEAD}simulation: [{type: atomic-red-team}]\nregression_tests_path: x/info.yml\n${DET}`;
    expect(buildText(text).diags).toEqual([]);
  });
});

describe('booleans: true matches a boolean true or the string "true" in any case', () => {
  const m = (v: string) => compileRule(buildSel(`Initiated: ${v}`).ir!);
  test.each([
    ['true', { Initiated: true }, true],
    ['true', { Initiated: 'true' }, true],
    ['true', { Initiated: 'TRUE' }, true],
    ['true', { Initiated: 'True' }, true],
    ['true', { Initiated: false }, false],
    ['true', { Initiated: 'false' }, false],
    ['true', { Initiated: 'yes' }, false],
    ['true', { Initiated: 1 }, false],
    ['true', {}, false],
    ['false', { Initiated: false }, true],
    ['false', { Initiated: 'FALSE' }, true],
    ['false', { Initiated: 'False' }, true],
    ['false', { Initiated: true }, false],
    ['false', { Initiated: '' }, false],
    ["'true'", { Initiated: true }, true],
    ["'true'", { Initiated: 'TRUE' }, true],
    ["'true'", { Initiated: false }, false],
  ])('Initiated: %s on %j', (v, event, want) => {
    expect(m(v)(event)).toBe(want);
  });
  test('true is a boolean match; quoted true a string match', () => {
    expect(strip(buildSel('Initiated: true').ir)).toEqual({
      kind: 'boolean',
      field: 'Initiated',
      value: true,
    });
    expect(strip(buildSel("Initiated: 'true'").ir)).toEqual(str('Initiated', 'eq', [[t('true')]]));
  });
});
