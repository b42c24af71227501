/**
 * Degenerate approximations (docs/elastic.md "Degenerate approximations"): a widening whose
 * alternative is unanchored with at most two characters besides `*` (`*`, `*-c*`), or whose only
 * form is "the field exists", matches (nearly) every event of its log source: the match is
 * refused (`unsupported-construct`, reason `degenerate`) with -t eql as the way out. Under `not`
 * the same match narrows instead (never degenerate). And the pass-through of log sources no
 * built-in entry maps.
 */
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { DEGENERATE } from '../../../backends/elastic-kql/lower.js';
import { convertWith, ruleText } from '../../support/convert.js';

const conv = (detection: string, pipelines: string[] = []) =>
  convertWith(elasticBackend, ruleText(detection), { pipelines });

const reasons = (r: ReturnType<typeof conv>) => r.diagnostics.map((d) => [d.code, d.reason, d.direction]);

describe('degenerate approximations', () => {
  test('the limit is two characters besides the wildcards', () => {
    expect(DEGENERATE).toBe(2);
  });

  test.each([
    ['whitespace around a short flag', "    CommandLine|contains: ' -c '", '*-c*'],
    ['whitespace only', "    CommandLine|contains: '  '", '*'],
    ['a two-letter value with a single-character wildcard', "    CommandLine|contains: 'a?b'", '*a*b*'],
  ])('positive, %s: unsupported, naming -t eql', (_n, body, alt) => {
    const r = conv(`  sel:\n${body}\n  condition: sel`);
    expect(r.status).toBe('unsupported');
    expect(reasons(r)).toEqual([['unsupported-construct', 'degenerate', undefined]]);
    expect(r.diagnostics[0].message).toContain(`'${alt}'`);
    expect(r.diagnostics[0].message).toContain('-t eql');
  });

  test.each([
    ['whitespace around a short flag', "    CommandLine|contains: ' -c '"],
    ['whitespace only', "    CommandLine|contains: '  '"],
    ['a two-letter value with a single-character wildcard', "    CommandLine|contains: 'a?b'"],
  ])('under not, %s: narrowed (the value dropped), approximate, no wildcard-only value', (_n, body) => {
    const r = conv(`  sel:\n    Image: 'x'\n  f:\n${body}\n  condition: sel and not f`);
    expect(r.status).toBe('approximate');
    expect(r.diagnostics.every((d) => d.direction === 'narrower')).toBe(true);
    expect(r.queries[0]).toBe('Image: ("x" or "X")');
  });

  test('three characters besides the wildcards, or an anchored pattern, is not degenerate', () => {
    expect(conv("  sel:\n    CommandLine|contains: ' -cx '\n  condition: sel").status).toBe('approximate');
    expect(conv("  sel:\n    CommandLine|startswith: 'a?'\n  condition: sel").queries[0]).toBe(
      'CommandLine: (a* or A*)',
    );
  });

  test('a widening to "the field exists" (range on an untyped field, fieldref, time part) is refused', () => {
    for (const body of ['    A|gt: 5', '    A|fieldref: B', '    A|hour: 3']) {
      const r = conv(`  sel:\n${body}\n  condition: sel`);
      expect(r.status).toBe('unsupported');
      expect(reasons(r)).toEqual([['unsupported-construct', 'degenerate', undefined]]);
      const n = conv(`  sel:\n    Image: 'x'\n  f:\n${body}\n  condition: sel and not f`);
      expect({ body, status: n.status, q: n.queries[0] }).toEqual({
        body,
        status: 'approximate',
        q: 'Image: ("x" or "X")',
      });
    }
  });

  test('the corpus example: many base64 values that used to widen to `*` are refused', () => {
    const values = ['SQBFAFgAIAAoA', 'kARQBYACAAKA', 'JAEUAWAAgACgA', 'aWV4IC', 'lleCAo', 'pZXggK'];
    const det = `  sel:\n    CommandLine|contains:\n${values.map((v) => `      - '${v}'`).join('\n')}\n  condition: sel`;
    const r = conv(det);
    // Each value keeps its first letters in every case: not degenerate, approximate.
    expect(r.status).toBe('approximate');
    for (const q of r.queries) expect(q).not.toMatch(/(\(|or )\*( or|\))/);
  });
});

describe('log sources without a built-in entry pass through', () => {
  test('ecs: the rule keeps its field names, with a warning saying so, labelled by the lowering only', () => {
    const text = ruleText("  sel:\n    query: 'evil.example'\n  condition: sel", {
      logsource: '  product: acme\n  service: widget',
    });
    const r = convertWith(elasticBackend, text, { pipelines: ['ecs'] });
    expect(r.queries[0]).toMatch(/^query: /);
    const warn = r.diagnostics.find((d) => d.code === 'unmapped-logsource');
    expect(warn?.severity).toBe('warning');
    expect(warn?.message).toContain("the rule's own field names");
    expect(r.status).toBe('approximate'); // by the case widening of 'evil.example', not the pass-through
  });

  test('without built-in pipelines nothing is said (the user chose the names)', () => {
    const text = ruleText("  sel:\n    query: 'x'\n  condition: sel", {
      logsource: '  product: acme\n  service: widget',
    });
    const r = convertWith(elasticBackend, text, { pipelines: [] });
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('exact');
  });
});
