/**
 * Nesting limits (issue 12): a condition nested thousands of levels deep gets a clear `too-deep`
 * error, never "Maximum call stack size exceeded"; a rule just under the limit converts in all
 * three backends and evaluates. The limit is enforced before parsing and again on the IR.
 */
import { loadBackend, targetNames } from '../../backends/index.js';
import { CONDITION_LIMITS, parseCondition } from '../../src/condition/parser.js';
import { convertLoaded, loadRuleFromText, type LoadedRule } from '../../src/convert.js';
import { compileRule } from '../../src/evaluate/index.js';
import { deeperThan, IR_LIMITS } from '../../src/ir/depth.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import type { Node } from '../../src/ir/types.js';
import { CASE_SETTINGS } from '../cases/settings.js';
import { buildText, rule } from './helpers.js';

const LIMIT = CONDITION_LIMITS.depth;

/** `(a and (b or (a and ... a)))`: `n` parentheses, and/or alternating (no flattening). */
function parens(n: number): string {
  let c = 'a';
  for (let i = 0; i < n; i++) c = `(${i % 2 ? 'b' : 'a'} ${i % 2 ? 'or' : 'and'} ${c})`;
  return c;
}
/** `not (a or not (b or ...))`: each step is a `not` and a parenthesis (two levels). */
function notOr(steps: number): string {
  let c = 'a';
  for (let i = 0; i < steps; i++) c = `not (${i % 2 ? 'b' : 'a'} or ${c})`;
  return c;
}
const nots = (n: number) => `${'not '.repeat(n)}a`;
const opens = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;

function deepRule(condition: string): string {
  return rule(
    `  a:\n    FA|contains|all: [x, y]\n    FB|neq: z\n  b:\n    - FC: w\n    - FD|endswith: v\n  condition: ${condition}\n`,
  );
}

describe('condition parser: the nesting limit is checked before parsing', () => {
  test.each([
    ['parentheses', opens(LIMIT)],
    ['nots', nots(LIMIT)],
    ['and/or in parentheses', parens(LIMIT)],
    ['not and parentheses', notOr(LIMIT / 2)],
  ])('%s at the limit parse', (_, text) => {
    expect(parseCondition(text).ok).toBe(true);
  });

  test.each([
    ['parentheses', opens(LIMIT + 1), LIMIT],
    ['nots', nots(LIMIT + 1), 4 * LIMIT],
    ['and/or in parentheses', parens(LIMIT + 1), 32 * 7 + 32 * 6],
    ['thousands of parentheses', opens(5000), LIMIT],
    ['thousands of nots', nots(5000), 4 * LIMIT],
    ['thousands of unclosed parentheses', '('.repeat(5000), LIMIT],
    ['after a stray )', `a ) or ${opens(5000)}`, 71],
    ['not 1 of them, nested', `${'not ('.repeat(3000)}1 of them${')'.repeat(3000)}`, undefined],
  ])('%s: too-deep at the token that passes it', (_, text, offset) => {
    const r = parseCondition(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('too-deep');
    expect(r.message).toContain(`${LIMIT} levels`);
    if (offset !== undefined) expect(r.offset).toBe(offset);
  });

  test('a long flat condition is not deep', () => {
    const flat = Array.from({ length: 5000 }, (_, i) => (i % 2 ? 'not a' : 'b')).join(' or ');
    expect(parseCondition(flat).ok).toBe(true);
  });

  test('finished operands give their levels back', () => {
    // Many not-runs and groups one after another never add up.
    const seq = Array.from({ length: 500 }, () => `not not (a or (b and not a))`).join(' and ');
    expect(parseCondition(seq).ok).toBe(true);
  });
});

describe('the rule: a clear error, in the rule file position, never an internal error', () => {
  test.each([
    ['parentheses', opens(5000)],
    ['nots', nots(5000)],
    ['mixed', notOr(3000)],
  ])('%s', (_, cond) => {
    const b = buildText(deepRule(cond));
    expect(b.ir).toBeUndefined();
    expect(b.codes).toEqual(['too-deep']);
    expect(b.diags[0]).toMatch(/^10:\d+ error too-deep: the condition nests more than 64 levels/);
  });

  test('deeply nested YAML lists in a selection cannot make deep IR', () => {
    const nested = `${'['.repeat(40)}x${']'.repeat(40)}`;
    const b = buildText(rule(`  sel: ${nested}\n  condition: sel\n`));
    expect(b.ir).toBeUndefined();
    expect(b.codes).toEqual(['invalid-detection']);
    const deeper = buildText(rule(`  sel: ${'['.repeat(80)}x${']'.repeat(80)}\n  condition: sel\n`));
    expect(deeper.codes).toEqual(['yaml-too-complex']);
    // js-yaml's own limit comes first for thousands of levels: a clear syntax error.
    const deepest = buildText(rule(`  sel: ${'['.repeat(3000)}x${']'.repeat(3000)}\n  condition: sel\n`));
    expect(deepest.ir).toBeUndefined();
    expect(deepest.diags).toEqual(['4:106 error yaml-syntax: nesting exceeded maxDepth (100)']);
  });
});

describe('just under the limit: every stage works', () => {
  const shapes: Array<[string, string]> = [
    ['and/or in parentheses', parens(LIMIT)],
    ['not and parentheses', notOr(LIMIT / 2)],
    ['nots', nots(LIMIT - 1)],
  ];
  const loaded = (cond: string): LoadedRule => {
    const l = loadRuleFromText(deepRule(cond), 'deep.yml');
    expect(l.diagnostics).toEqual([]);
    return l;
  };

  test.each(shapes)('%s: the IR is deep and evaluates', (_, cond) => {
    const l = loaded(cond);
    const matches = compileRule(l.ir!);
    expect(matches.exact).toBe(true);
    // Results follow from the shape; here only that every event gets an answer without a crash.
    const events: Array<Record<string, string>> = [
      {},
      { FA: 'xy', FB: 'q' },
      { FC: 'w' },
      { FD: 'uv', FA: 'x' },
    ];
    for (const e of events) expect(typeof matches(e)).toBe('boolean');
  });

  test('the and/or shape keeps its depth (no stage meets a shallow tree)', () => {
    expect(deeperThan(loaded(parens(LIMIT)).ir!, LIMIT)).toBe(true);
  });

  test.each(targetNames().flatMap((t) => shapes.map(([n, c]) => [t, n, c] as const)))(
    '%s, %s: converts',
    async (target, _, cond) => {
      const backend = (await loadBackend(target))!;
      const r = convertLoaded(loaded(cond), backend, [], {
        settings: CASE_SETTINGS[target as keyof typeof CASE_SETTINGS],
      });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(['exact', 'approximate']).toContain(r.status);
      expect(r.queries.join('').length).toBeGreaterThan(0);
    },
  );
});

describe('an IR deeper than the limit made by other means (library callers)', () => {
  const deep = (n: number): Node => {
    let node: Node = {
      kind: 'string',
      field: 'FA',
      op: 'eq',
      values: [[{ kind: 'text', text: 'x' }]],
      cased: false,
    };
    for (let i = 0; i < n; i++)
      node =
        i % 2
          ? { kind: 'not', child: node }
          : { kind: 'or', children: [node, { kind: 'exists', field: `F${i}`, exists: true }] };
    return node;
  };

  test('the evaluator reports too-deep and never matches', () => {
    const c = compileRule(deep(20_000));
    expect(c.exact).toBe(false);
    expect(c.diagnostics.map((d) => d.code)).toEqual(['too-deep']);
    expect(c({ FA: 'x' })).toBe(false);
  });

  test.each(targetNames())('%s: convertLoaded reports too-deep, not an internal error', async (target) => {
    const base = loadRuleFromText(deepRule('a'), 'deep.yml');
    const backend = (await loadBackend(target))!;
    const r = convertLoaded({ ...base, ir: deep(20_000) }, backend, [], {});
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['too-deep']);
    // With the target's default pipelines too (they recurse on the tree before the renderer).
    const pipelines = backend.defaultPipelines.map((n) => resolvePipeline(n, backend));
    const p = convertLoaded({ ...base, ir: deep(20_000) }, backend, pipelines, {});
    expect(p.diagnostics.map((d) => d.code)).toEqual(['too-deep']);
  });

  test('the IR limit leaves room above the condition limit', () => {
    expect(IR_LIMITS.depth).toBeGreaterThan(LIMIT + 8);
  });
});
