import { loadRuleFromText } from '../../src/convert.js';

test('a minimal rule builds', () => {
  const r = loadRuleFromText(
    'title: t\nlogsource: {product: windows}\ndetection:\n  sel: {a: b}\n  condition: sel\n',
    't.yml',
  );
  expect(r.diagnostics).toEqual([]);
  expect(r.ir).toEqual({
    kind: 'string',
    field: 'a',
    op: 'eq',
    values: [[{ kind: 'text', text: 'b' }]],
    cased: false,
    origin: { line: 4, column: 9, selection: 'sel' },
  });
});
