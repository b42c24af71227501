/** Every error path of rule loading: a diagnostic with code, line and column, never an exception. */
import { loadRuleFromText, loadRulesFromText, type LoadedFile } from '../../src/convert.js';
import { LIMITS } from '../../src/rule/load.js';
import { parseYaml, YamlNumber } from '../../src/rule/yaml.js';

function diags(text: string): string[] {
  const r = loadRuleFromText(text, 'r.yml');
  for (const d of r.diagnostics) {
    expect(d.line).toEqual(expect.any(Number));
    expect(d.column).toEqual(expect.any(Number));
    expect(d.file).toBe('r.yml');
  }
  return r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
}

const OK = 'title: t\nlogsource: {product: windows}\ndetection:\n  sel: {a: b}\n  condition: sel\n';
const ID = 'id: 5f1abf38-3f16-4f4f-9e0b-5a6c1c4e2b7a\n';

describe('loading errors', () => {
  test.each<[string, string, string[]]>([
    [
      'broken YAML (unclosed flow)',
      'title: t\ndetection: {a: [b\n',
      ['3:1 yaml-syntax: unexpected end of the stream within a flow collection'],
    ],
    [
      'broken YAML (bad indentation)',
      'title: t\n  logsource: x\n',
      ['2:12 yaml-syntax: bad indentation of a mapping entry'],
    ],
    [
      'broken YAML (tab)',
      'title: t\ndetection:\n\tsel: x\n',
      ['3:1 yaml-syntax: tab characters must not be used in indentation'],
    ],
    ['duplicate key', 'title: t\ntitle: u\n', ['2:1 yaml-syntax: duplicated mapping key']],
    ['not a mapping (list)', '- a\n- b\n', ['1:1 not-a-rule: a Sigma rule must be a YAML mapping']],
    ['not a mapping (scalar)', 'just text\n', ['1:1 not-a-rule: a Sigma rule must be a YAML mapping']],
    ['empty file', '', ['1:1 not-a-rule: a Sigma rule must be a YAML mapping']],
    [
      'missing title',
      'logsource: {product: windows}\ndetection:\n  sel: {a: b}\n  condition: sel\n',
      ["1:1 missing-attribute: 'title' is required"],
    ],
    [
      'missing logsource',
      'title: t\ndetection:\n  sel: {a: b}\n  condition: sel\n',
      ["1:1 missing-attribute: 'logsource' is required"],
    ],
    [
      'missing detection',
      'title: t\nlogsource: {product: windows}\n',
      ["1:1 missing-attribute: 'detection' is required"],
    ],
    [
      'missing condition',
      'title: t\nlogsource: {product: windows}\ndetection:\n  sel: {a: b}\n',
      ["3:1 missing-attribute: 'detection' needs a 'condition'"],
    ],
    [
      'detection not a mapping',
      'title: t\nlogsource: {product: windows}\ndetection: [a]\n',
      ["3:12 invalid-detection: 'detection' must be a mapping"],
    ],
    [
      'logsource not a mapping',
      'title: t\nlogsource: windows\ndetection:\n  sel: {a: b}\n  condition: sel\n',
      ["2:12 invalid-attribute: 'logsource' must be a mapping"],
    ],
    [
      'title not a string',
      'title: [a]\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: sel\n',
      ["1:8 invalid-attribute: 'title' must be a string", "1:1 missing-attribute: 'title' is required"].slice(
        0,
        1,
      ),
    ],
    [
      'bad id',
      OK.replace('title: t\n', 'title: t\nid: not-a-uuid\n'),
      ["2:5 invalid-attribute: 'id' must be a UUID, not 'not-a-uuid'"],
    ],
    [
      'bad status',
      OK + 'status: final\n',
      ["6:9 invalid-attribute: 'status' must be one of stable, test, experimental, deprecated, unsupported"],
    ],
    [
      'bad level',
      OK + 'level: severe\n',
      ["6:8 invalid-attribute: 'level' must be one of informational, low, medium, high, critical"],
    ],
    [
      'action: global',
      'action: global\n' + OK,
      [
        '1:1 multi-document: legacy multi-document rule (action: global/reset/repeat) is not supported: split it into one rule per file',
      ],
    ],
    [
      'selection of a wrong type',
      'title: t\nlogsource: {}\ndetection:\n  sel: true\n  condition: sel\n',
      ["4:8 invalid-detection: sel: a selection must be a mapping, a list or a keyword, not boolean 'true'"],
    ],
    [
      'empty selection',
      'title: t\nlogsource: {}\ndetection:\n  sel: {}\n  condition: sel\n',
      ['4:8 invalid-detection: sel: an empty mapping matches nothing'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(diags(text)).toEqual(expected);
  });

  test('a valid rule: no diagnostics; one leading --- is fine; a BOM is fine', () => {
    expect(diags(OK)).toEqual([]);
    expect(diags('---\n' + OK)).toEqual([]);
    expect(diags('\ufeff' + OK)).toEqual([]);
    expect(diags(ID + OK + 'status: test\nlevel: high\n')).toEqual([]);
  });

  test('file too large', () => {
    const text = OK + '#' + 'x'.repeat(LIMITS.fileSize) + '\n';
    expect(diags(text)).toEqual([
      `1:1 file-too-large: file is ${text.length} bytes; the limit is ${LIMITS.fileSize}`,
    ]);
  });

  test('alias bomb: rejected quickly with yaml-too-complex', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const text = `title: t\nlogsource: {}\n${lines.join('\n')}\ndetection:\n  sel: {a: *a11}\n  condition: sel\n`;
    const start = performance.now();
    const d = diags(text);
    const ms = performance.now() - start;
    expect(d).toEqual([
      `1:1 yaml-too-complex: the document expands to more than ${LIMITS.expandedNodes} nodes or nests too deeply (alias bomb?)`,
    ]);
    expect(ms).toBeLessThan(1000);
  });

  test('deep nesting: a diagnostic, no stack overflow', () => {
    const deep =
      'title: t\nlogsource: {}\ndetection:\n  sel: ' +
      '['.repeat(100_000) +
      ']'.repeat(100_000) +
      '\n  condition: sel\n';
    const d = diags(deep);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^4:\d+ yaml-syntax: nesting exceeded maxDepth/);
    const moderate =
      'title: t\nlogsource: {}\ndetection:\n  sel: ' +
      '['.repeat(80) +
      'x' +
      ']'.repeat(80) +
      '\n  condition: sel\n';
    expect(diags(moderate)).toEqual([
      `1:1 yaml-too-complex: the document expands to more than ${LIMITS.expandedNodes} nodes or nests too deeply (alias bomb?)`,
    ]);
  });

  test('correlation and filter sections are read with positions; their problems are diagnostics', () => {
    expect(diags('title: t\ncorrelation: {type: event_count}\n')).toEqual([
      "2:1 invalid-correlation: 'correlation.rules' must be a non-empty list of rule names or ids",
      "2:1 invalid-timespan: 'correlation.timespan' is required (e.g. 5m)",
      "2:1 invalid-correlation: 'correlation.condition' is required for event_count",
    ]);
    expect(diags('title: t\nlogsource: {product: windows}\nfilter: {rules: []}\n')).toEqual([
      "3:17 invalid-filter: 'filter.rules' must be a non-empty list of rule names or ids (or 'any')",
      "3:1 invalid-filter: 'filter' needs a 'condition'",
    ]);
  });

  test('hostile inputs never throw', () => {
    const inputs = [
      '!!binary x',
      '!!python/object:os.system x',
      'a: !!js/function "function(){}"',
      '? [a, b]\n: c\n',
      '{',
      '&a [*a]',
      'title: t\nlogsource: {}\ndetection:\n  __proto__: {a: b}\n  condition: __proto__\n',
      'title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: [sel, [sel]]\n',
      '\u0000',
    ];
    for (const text of inputs) expect(() => loadRuleFromText(text, 'x.yml')).not.toThrow();
    for (const text of inputs)
      expect(loadRuleFromText(text, 'x.yml').diagnostics.filter((d) => d.code === 'internal-error')).toEqual(
        [],
      );
  });
});

describe('YAML schema', () => {
  test.each<[string, unknown]>([
    ['00000429', '00000429'],
    ['0429', '0429'],
    ['4688', new YamlNumber(4688, '4688')],
    ['-1', new YamlNumber(-1, '-1')],
    ['1.50', new YamlNumber(1.5, '1.50')],
    ['0x1F', '0x1F'],
    ['0o17', '0o17'],
    ['1_000', '1_000'],
    ['.inf', '.inf'],
    ['.nan', '.nan'],
    ['2024-01-01', '2024-01-01'],
    ['null', null],
    ['~', null],
    ['', null],
    ["''", ''],
    ['true', true],
    ['FALSE', false],
    ['yes', 'yes'],
    ["'4688'", '4688'],
  ])('%s', (text, value) => {
    expect((parseYaml(`v: ${text}\n`).value as { v: unknown }).v).toEqual(value);
  });
  test('positions of keys, values and items', () => {
    const doc = parseYaml('a:\n  b: [x, "y"]\n  # comment\n  c: 1\n');
    const a = doc.root.keys!.get('a')!;
    expect(a.key).toEqual({ line: 1, column: 1 });
    const b = a.value.keys!.get('b')!;
    expect(b.key).toEqual({ line: 2, column: 3 });
    expect(b.value.items!.map((i) => i.pos)).toEqual([
      { line: 2, column: 7 },
      { line: 2, column: 10 },
    ]);
    expect(b.value.items![1].quoted).toBe(true);
    expect(a.value.keys!.get('c')!.value.pos).toEqual({ line: 4, column: 6 });
  });
});

describe('a file of several documents is a rule collection: each document a rule (issue 12)', () => {
  const A = OK.replace('title: t', 'title: first');
  const B = 'title: second\nlogsource: {product: linux}\ndetection:\n  sel: {c: d}\n  condition: nope\n';
  const titles = (f: LoadedFile) => f.rules.map((r) => r.rule?.title ?? null);
  const where = (f: LoadedFile) =>
    f.rules.map((r) => r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`));

  test('--- between rules: two rules, each with positions in the file', () => {
    const f = loadRulesFromText(A + '---\n' + B, 'c.yml');
    expect(titles(f)).toEqual(['first', 'second']);
    expect(f.rules[0].ir).toBeDefined();
    // The second document's error is at its own line (11), not the first document's.
    expect(where(f)).toEqual([[], ['11:14 undefined-identifier']]);
    expect(f.rules[1].rule?.pos).toEqual({ line: 7, column: 1 });
  });

  test.each([
    ['a leading ---', '---\n' + A + '---\n' + B],
    ['... ends the first document', A + '...\n' + B],
    ['a trailing --- and an empty document', A + '---\n# only a comment\n---\n' + B + '---\n'],
  ])('%s', (_, text) => {
    expect(titles(loadRulesFromText(text, 'c.yml'))).toEqual(['first', 'second']);
  });

  test('positions stay right in a document that ends in a list before ---', () => {
    const first =
      'title: a\nlogsource: {}\ndetection:\n  sel:\n    x:\n      - 1\n      - 2\n  condition: sel and nope\ntags:\n  - t\n';
    const f = loadRulesFromText(first + '---\n' + first.replace('- 2\n', '- 2\n      - 3\n'), 'c.yml');
    expect(where(f)).toEqual([['8:22 undefined-identifier'], ['20:22 undefined-identifier']]);
    expect(
      f.rules.map((r) => r.rule?.positions.keys?.get('tags')?.value.items?.map((i) => i.pos.line)),
    ).toEqual([[10], [22]]);
  });

  test('a bad document does not stop the others', () => {
    const f = loadRulesFromText(A + '---\n- not a rule\n---\n' + B, 'c.yml');
    expect(titles(f)).toEqual(['first', null, 'second']);
    expect(where(f)[1]).toEqual(['7:1 not-a-rule']);
  });

  test('YAML syntax errors concern the whole file', () => {
    const f = loadRulesFromText(A + '---\ntitle: [\n', 'c.yml');
    expect(f.rules).toHaveLength(1);
    expect(where(f)).toEqual([['8:1 yaml-syntax']]);
  });

  test('the one-rule API: the first document, with every document in documents', () => {
    const r = loadRuleFromText(A + '---\n' + B, 'c.yml');
    expect(r.rule?.title).toBe('first');
    expect(r.documents?.map((d) => d.rule?.title)).toEqual(['first', 'second']);
    expect(loadRuleFromText(A, 'a.yml').documents).toBeUndefined();
  });

  test('a legacy action: collection keeps its clear error, at the action line', () => {
    const f = loadRulesFromText(A + '---\naction: global\n' + B, 'c.yml');
    expect(
      f.rules.map((r) => r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)),
    ).toEqual([
      [
        '7:1 multi-document: legacy multi-document rule (action: global/reset/repeat) is not supported: split it into one rule per file',
      ],
    ]);
  });
});
