/** The condition grammar: precedence, quantifiers, keywords, errors (issue #2). */
import { parseCondition, parseConditionWithParser } from '../../src/condition/parser.js';
import type { Condition } from '../../src/condition/ast.js';
import { buildText, rule, strip } from './helpers.js';

/** A compact form of a condition tree: `and(a,or(b,c))`, `not(a)`, `1of(sel*)`, `allof(them)`. */
function show(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return `${c.kind}(${c.children.map(show).join(',')})`;
    case 'not':
      return `not(${show(c.child)})`;
    case 'ref':
      return c.name;
    case 'of':
      return `${c.quantifier === 'all' ? 'all' : '1'}of(${c.target})`;
  }
}

function parsed(text: string): string {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return show(r.condition);
}

describe('grammar: precedence not > and > or, parentheses', () => {
  test.each([
    ['a', 'a'],
    ['a and b', 'and(a,b)'],
    ['a or b', 'or(a,b)'],
    ['a or b and c', 'or(a,and(b,c))'],
    ['a and b or c', 'or(and(a,b),c)'],
    ['a and b or c and d', 'or(and(a,b),and(c,d))'],
    ['not a and b', 'and(not(a),b)'],
    ['not a or b', 'or(not(a),b)'],
    ['a and not b or c', 'or(and(a,not(b)),c)'],
    ['not not a', 'not(not(a))'],
    ['(a or b) and c', 'and(or(a,b),c)'],
    ['a and (b or c)', 'and(a,or(b,c))'],
    ['not (a or b)', 'not(or(a,b))'],
    ['((a))', 'a'],
    ['a and b and c', 'and(a,b,c)'],
    ['a or b or c', 'or(a,b,c)'],
    ['A AND NOT B Or C', 'or(and(A,not(B)),C)'],
    ['sel1 and\n  not filter', 'and(sel1,not(filter))'],
    ['1 of sel* and not 1 of filter*', 'and(1of(sel*),not(1of(filter*)))'],
    ['all of them or x', 'or(allof(them),x)'],
    ['any of sel_*', '1of(sel_*)'],
    ['1 of *', '1of(*)'],
    ['all of *', 'allof(*)'],
    ['ALL OF THEM', 'allof(them)'],
  ])('%j -> %s', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });
});

describe('keywords are whole words: these are identifiers', () => {
  test.each([
    'notepad_sel',
    'order',
    'andromeda',
    'oneof',
    'them_sel',
    'allow',
    'anything',
    'office',
    'not_',
    '1sel',
    'sel-1',
    'sel.x',
    '_filter',
  ])('%s', (name) => {
    expect(parsed(name)).toBe(name);
    expect(parsed(`not ${name} and ${name}`)).toBe(`and(not(${name}),${name})`);
  });
  test('them_sel after "1 of" is a pattern, not them', () => {
    expect(parsed('1 of them_sel')).toBe('1of(them_sel)');
  });
});

describe('a one-name condition reads as the grammar reads it (shortcut without the parser)', () => {
  test.each([
    'selection',
    '  sel_1  ',
    '\tsel\n',
    'sel*',
    '*',
    'x.y-z',
    '1x',
    'andy',
    'Them_sel',
    'and',
    'OR',
    'not',
    '1',
    'any',
    'All',
    'of',
    'them',
    'sel-',
    '-sel',
    'sel)',
    'sel near x',
    'sel | count() > 1',
    '',
    '   ',
  ])('%j', (text) => {
    expect(parseCondition(text)).toEqual(parseConditionWithParser(text));
  });
});

describe('syntax errors: column and expected tokens', () => {
  test.each([
    ['sel and', 7, "unexpected end of condition; expected 'not', '(', '1', 'any', 'all' or an identifier"],
    ['sel or (sel', 11, "unexpected end of condition; expected ')'"],
    ['sel sel2', 4, "unexpected 'sel2'; expected 'and', 'or' or end of condition"],
    ['sel )', 4, "unexpected ')'; expected 'and', 'or' or end of condition"],
    ['1 sel', 2, "unexpected 'sel'; expected 'of'"],
    ['1 of (', 5, "unexpected '('; expected 'them' or an identifier"],
    ['all of', 6, "unexpected end of condition; expected 'them' or an identifier"],
    ['not', 3, "unexpected end of condition; expected 'not', '(', '1', 'any', 'all' or an identifier"],
    ['and sel', 0, "unexpected 'and'; expected 'not', '(', '1', 'any', 'all' or an identifier"],
    ['sel & x', 4, "unexpected character '&'"],
    ['()', 1, "unexpected ')'; expected 'not', '(', '1', 'any', 'all' or an identifier"],
    ['', 0, 'empty condition'],
    ['   ', 0, 'empty condition'],
  ])('%j at offset %d', (text, offset, message) => {
    const r = parseCondition(text);
    expect(r).toEqual({ ok: false, code: 'condition-syntax', offset, message });
  });

  test('the column in the file adds the offset to the value column (plain and quoted)', () => {
    const plain = buildText(rule('  sel: {a: b}\n  condition: sel and\n'));
    expect(plain.diags).toEqual([
      "5:21 error condition-syntax: unexpected end of condition; expected 'not', '(', '1', 'any', 'all' or an identifier",
    ]);
    const quoted = buildText(rule("  sel: {a: b}\n  condition: 'sel sel'\n"));
    expect(quoted.diags).toEqual([
      "5:19 error condition-syntax: unexpected 'sel'; expected 'and', 'or' or end of condition",
    ]);
    const listed = buildText(rule('  sel: {a: b}\n  condition:\n    - sel\n    - sel or\n'));
    expect(listed.codes).toEqual(['condition-syntax']);
    expect(listed.diags[0]).toMatch(/^7:13 /);
  });
});

describe('legacy aggregations', () => {
  test.each([
    ['sel | count() by host > 5', 4],
    ['sel | count(dst) > 10', 4],
    ['1 of sel* | near other', 10],
    ['sel near other', 4],
    ['sel and NEAR x', 8],
  ])('%j -> legacy-aggregation at %d', (text, offset) => {
    const r = parseCondition(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('legacy-aggregation');
      expect(r.offset).toBe(offset);
      expect(r.message).toMatch(/correlation rule/);
    }
  });
  test('an identifier that contains "near" is not an aggregation', () => {
    expect(parsed('nearby and linear')).toBe('and(nearby,linear)');
  });
  test('in a rule: a diagnostic with line and column, no IR', () => {
    const r = buildText(rule('  sel: {a: b}\n  condition: sel | count() > 5\n'));
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual([
      "5:18 error legacy-aggregation: legacy aggregation '| count() > 5': rewrite as a correlation rule",
    ]);
  });
});

/** A detection with selections a1, a2, b1, _hidden (each `<name>: {f: <name>}`). */
const SELECTIONS = ['a1', 'a2', 'b1', '_hidden'].map((n) => `  ${n}: {f: ${n}}\n`).join('');
const eq = (v: string) => ({
  kind: 'string',
  field: 'f',
  op: 'eq',
  values: [[{ kind: 'text', text: v }]],
  cased: false,
});
const eqs = (...v: string[]) => ({
  kind: 'string',
  field: 'f',
  op: 'eq',
  values: v.map((x) => [{ kind: 'text', text: x }]),
  cased: false,
});

describe('quantifiers and patterns resolve over the selections', () => {
  test.each<[string, unknown]>([
    ['1 of them', eqs('a1', 'a2', 'b1')],
    ['any of them', eqs('a1', 'a2', 'b1')],
    ['all of them', { kind: 'and', children: [eq('a1'), eq('a2'), eq('b1')] }],
    ['1 of a*', eqs('a1', 'a2')],
    ['all of a*', { kind: 'and', children: [eq('a1'), eq('a2')] }],
    ['1 of *', eqs('a1', 'a2', 'b1')],
    ['all of *', { kind: 'and', children: [eq('a1'), eq('a2'), eq('b1')] }],
    ['1 of *1', eqs('a1', 'b1')],
    ['all of b*', eq('b1')],
    [
      '1 of them and not _hidden',
      { kind: 'and', children: [eqs('a1', 'a2', 'b1'), { kind: 'not', child: eq('_hidden') }] },
    ],
    ['_hidden', eq('_hidden')],
  ])('%s', (condition, expected) => {
    const r = buildText(rule(`${SELECTIONS}  condition: ${condition}\n`));
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual(expected);
  });

  test('a pattern matching only _ identifiers is empty (them leaves _ out)', () => {
    const r = buildText(rule('  _a: {f: x}\n  condition: 1 of them\n'));
    expect(r.diags).toEqual(["5:14 error empty-pattern: 'them' matches no selection"]);
  });
  test('a pattern written with a leading _ selects _ identifiers (issue 12)', () => {
    const r = buildText(rule(`${SELECTIONS}  _f2: {f: _f2}\n  condition: 1 of _* and all of _h*\n`));
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual({ kind: 'and', children: [eqs('_hidden', '_f2'), eq('_hidden')] });
  });
  test('patterns not starting with _ leave _ identifiers out: 1 of *hidden is empty', () => {
    const r = buildText(rule(`${SELECTIONS}  condition: 1 of *hidden\n`));
    expect(r.diags).toEqual(["8:14 error empty-pattern: '*hidden' matches no selection"]);
  });
  test('empty pattern', () => {
    const r = buildText(rule(`${SELECTIONS}  condition: a1 and 1 of x*\n`));
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual(["8:21 error empty-pattern: 'x*' matches no selection"]);
  });
  test('undefined identifier', () => {
    const r = buildText(rule(`${SELECTIONS}  condition: a1 and not missing\n`));
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual(["8:25 error undefined-identifier: 'missing' is not defined in the detection"]);
  });
  test('identifiers are case-sensitive', () => {
    const r = buildText(rule(`${SELECTIONS}  condition: A1\n`));
    expect(r.codes).toEqual(['undefined-identifier']);
  });
  test('a list of conditions is their OR', () => {
    const r = buildText(rule(`${SELECTIONS}  condition:\n    - a1 and a2\n    - not b1\n`));
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toEqual({
      kind: 'or',
      children: [
        { kind: 'and', children: [eq('a1'), eq('a2')] },
        { kind: 'not', child: eq('b1') },
      ],
    });
  });
  test.each([['[]'], ['5'], ['{a: b}'], ['[a1, 5]']])(
    'condition %s is not a string or list of strings',
    (c) => {
      const r = buildText(rule(`${SELECTIONS}  condition: ${c}\n`));
      expect(r.codes).toEqual(['invalid-detection']);
      expect(r.diags[0]).toMatch(
        /^8:\d+ error invalid-detection: 'condition' must be a string or a list of strings$/,
      );
    },
  );
});
