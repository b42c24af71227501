/** Simplification: flatten, merge same-field OR into one list node, double negation. */
import { simplify } from '../../src/ir/simplify.js';
import type { Node } from '../../src/ir/types.js';
import { buildText, rule, str, strip, t } from './helpers.js';

const s = (field: string, v: string, op = 'eq', cased = false): Node =>
  str(field, op, [[t(v)]], cased) as Node;
const num = (field: string, n: number): Node => ({
  kind: 'number',
  field,
  values: [{ value: n, text: String(n) }],
});

describe('simplify', () => {
  test('flattens nested and/or', () => {
    const n: Node = {
      kind: 'and',
      children: [
        s('a', '1'),
        { kind: 'and', children: [s('b', '2'), { kind: 'and', children: [s('c', '3')] }] },
      ],
    };
    expect(simplify(n)).toEqual({ kind: 'and', children: [s('a', '1'), s('b', '2'), s('c', '3')] });
  });
  test('a one-child and/or is its child', () => {
    expect(simplify({ kind: 'or', children: [s('a', '1')] })).toEqual(s('a', '1'));
  });
  test('double negation goes away, a single one stays', () => {
    expect(simplify({ kind: 'not', child: { kind: 'not', child: s('a', '1') } })).toEqual(s('a', '1'));
    expect(
      simplify({ kind: 'not', child: { kind: 'not', child: { kind: 'not', child: s('a', '1') } } }),
    ).toEqual({
      kind: 'not',
      child: s('a', '1'),
    });
  });
  test('same field, op and case under OR merge into one list node (first position, deduplicated)', () => {
    const n: Node = { kind: 'or', children: [s('a', '1'), s('b', '2'), s('a', '3'), s('a', '1')] };
    expect(simplify(n)).toEqual({
      kind: 'or',
      children: [str('a', 'eq', [[t('1')], [t('3')]]), s('b', '2')],
    });
  });
  test('different op or case do not merge', () => {
    const n: Node = { kind: 'or', children: [s('a', '1'), s('a', '2', 'contains'), s('a', '3', 'eq', true)] };
    expect(simplify(n)).toEqual(n);
  });
  test('AND never merges', () => {
    const n: Node = { kind: 'and', children: [s('a', '1'), s('a', '2')] };
    expect(simplify(n)).toEqual(n);
  });
  test('numbers, cidr and time merge per field', () => {
    const n: Node = { kind: 'or', children: [num('id', 1), num('id', 2), num('other', 3), num('id', 1)] };
    expect(simplify(n)).toEqual({
      kind: 'or',
      children: [
        {
          kind: 'number',
          field: 'id',
          values: [
            { value: 1, text: '1' },
            { value: 2, text: '2' },
          ],
        },
        num('other', 3),
      ],
    });
  });
  test('nested OR flattened then merged', () => {
    const n: Node = {
      kind: 'or',
      children: [s('a', '1'), { kind: 'or', children: [s('a', '2'), s('b', '1')] }],
    };
    expect(simplify(n)).toEqual({
      kind: 'or',
      children: [str('a', 'eq', [[t('1')], [t('2')]]), s('b', '1')],
    });
  });
  test('does not mutate its input', () => {
    const n: Node = { kind: 'or', children: [s('a', '1'), s('a', '2')] };
    const copy = JSON.parse(JSON.stringify(n));
    simplify(n);
    expect(n).toEqual(copy);
  });
  test('in a rule: 1 of sel* over same-field selections is one list node; not not is gone', () => {
    const r = buildText(rule('  sel1: {Image: a}\n  sel2: {Image: b}\n  condition: not not 1 of sel*\n'));
    expect(strip(r.ir)).toEqual(str('Image', 'eq', [[t('a')], [t('b')]]));
  });
});
