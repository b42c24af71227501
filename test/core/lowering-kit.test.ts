import { DiagnosticSink, formatDiagnostic } from '../../src/diagnostics.js';
import type { Match, Node } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { keywordNumberAsText, regexAsWildcard, runPasses } from '../../src/lowering/passes.js';
import {
  and,
  everyLeaf,
  FALSE,
  fold,
  fromIR,
  leaf,
  lowerLeaves,
  mapLeaves,
  not,
  or,
  someLeaf,
  TRUE,
  type Tree,
} from '../../src/lowering/tree.js';

const str = (field: string, text: string): Match => ({
  kind: 'string',
  field,
  op: 'eq',
  values: [[{ kind: 'text', text }]],
  cased: false,
  origin: { line: 3, column: 7 },
});

/** A tree of letters printed in prefix form, to compare shapes. */
function show(t: Tree<string>): string {
  switch (t.kind) {
    case 'const':
      return String(t.value);
    case 'leaf':
      return t.leaf;
    case 'not':
      return `not(${show(t.child)})`;
    default:
      return `${t.kind}(${t.children.map(show).join(' ')})`;
  }
}

describe('working tree', () => {
  test.each<[string, Tree<string>, string]>([
    ['and with true', and([leaf('a'), TRUE]), 'a'],
    ['and with false', and([leaf('a'), FALSE]), 'false'],
    ['or with true', or([leaf('a'), TRUE]), 'true'],
    ['or with false', or([leaf('a'), FALSE, leaf('b')]), 'or(a b)'],
    ['empty and', and([]), 'true'],
    ['empty or', or([]), 'false'],
    ['not const', not(TRUE), 'false'],
    ['double not', not(not(leaf('a'))), 'a'],
    ['flatten', and([leaf('a'), and([leaf('b'), and([leaf('c')])])]), 'and(a b c)'],
    ['no cross flatten', and([leaf('a'), or([leaf('b'), leaf('c')])]), 'and(a or(b c))'],
  ])('fold: %s', (_, t, expected) => {
    expect(show(fold(t))).toBe(expected);
  });

  test('fold calls the merge hook on folded children', () => {
    const t = or([leaf('a'), or([leaf('a'), leaf('b')])]);
    const merged = fold(t, (cs) => cs.filter((c, i) => cs.findIndex((d) => show(d) === show(c)) === i));
    expect(show(merged)).toBe('or(a b)');
  });

  test('mapLeaves tells each leaf its polarity', () => {
    const t = and([leaf('a'), not(or([leaf('b'), not(leaf('c'))]))]);
    const seen: string[] = [];
    mapLeaves(t, (l, negated) => {
      seen.push(`${l}${negated ? '-' : '+'}`);
      return leaf(l);
    });
    expect(seen).toEqual(['a+', 'b-', 'c+']);
  });

  test('fromIR and lowerLeaves keep the IR shape', () => {
    const ir: Node = { kind: 'and', children: [str('A', 'x'), { kind: 'not', child: str('B', 'y') }] };
    const t = fromIR(ir);
    expect(everyLeaf(t, (m) => m.kind === 'string')).toBe(true);
    expect(someLeaf(t, (m) => m.field === 'B')).toBe(true);
    const lowered = lowerLeaves(ir, (m, negated) => leaf(`${m.field}${negated ? '-' : '+'}`));
    expect(show(lowered)).toBe('and(A+ not(B-))');
  });
});

describe('Lowering reporter', () => {
  test('bound widens a positive leaf and narrows a negated one, with reason and direction', () => {
    const sink = new DiagnosticSink('r.yml');
    const low = new Lowering<'case'>(sink);
    const m = str('A', 'x');
    const bounds = { wider: leaf('wide'), narrower: leaf('narrow') };
    expect(show(low.bound(m, false, 'case', 'case widened', bounds))).toBe('wide');
    expect(show(low.bound(m, true, 'case', 'case narrowed', bounds))).toBe('narrow');
    expect(low.approximate).toBe(true);
    expect(sink.list).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'approximation',
        reason: 'case',
        direction: 'wider',
        line: 3,
        column: 7,
      }),
      expect.objectContaining({ reason: 'case', direction: 'narrower', message: 'case narrowed' }),
    ]);
    expect(formatDiagnostic(sink.list[0])).toBe('r.yml:3:7: warning approximation [case]: case widened');
  });

  test('drop gives true when positive and false under not', () => {
    const low = new Lowering(new DiagnosticSink());
    const m = str('A', 'x');
    expect(low.drop(m, false, 'time', 'dropped')).toBe(TRUE);
    expect(low.drop(m, true, 'time', 'dropped')).toBe(FALSE);
  });

  test('identical reports are given once; unsupported is an error without a direction', () => {
    const sink = new DiagnosticSink();
    const low = new Lowering(sink);
    const m = str('A', 'x');
    low.drop(m, false, 'time', 'dropped');
    low.drop(m, false, 'time', 'dropped');
    low.unsupported(m, 'no form');
    low.unsupported(m, 'no form');
    expect(sink.list.map((d) => [d.severity, d.code, d.direction])).toEqual([
      ['warning', 'approximation', 'wider'],
      ['error', 'unsupported-construct', undefined],
    ]);
    expect(low.failed).toBe(true);
  });
});

describe('shared passes', () => {
  const re = (pattern: string): Match => ({
    kind: 'regex',
    field: 'A',
    pattern,
    flags: { i: false, m: false, s: false },
  });

  test('a regex with an exact wildcard form becomes a string match; others stay', () => {
    expect(regexAsWildcard(re('^abc'))).toMatchObject({ kind: 'string', op: 'startswith', cased: true });
    expect(regexAsWildcard(re('a|b'))).toMatchObject({ kind: 'regex' });
    // `.` does not match a newline without the s flag, `?` does: not exact, kept.
    expect(regexAsWildcard(re('^a.c$'))).toMatchObject({ kind: 'regex' });
  });

  test('a keyword number becomes a text keyword of its written form; a field number stays', () => {
    const kw: Match = { kind: 'number', field: null, values: [{ value: 4688, text: '4688' }] };
    expect(keywordNumberAsText(kw)).toEqual({
      kind: 'string',
      field: null,
      op: 'contains',
      values: [[{ kind: 'text', text: '4688' }]],
      cased: false,
      origin: undefined,
    });
    const f: Match = { ...kw, field: 'EventID' };
    expect(keywordNumberAsText(f)).toBe(f);
  });

  test('runPasses returns the same node when no capability selects a pass', () => {
    const ir: Node = { kind: 'not', child: re('^abc') };
    expect(runPasses(ir, undefined)).toBe(ir);
    expect(runPasses(ir, {})).toBe(ir);
    const out = runPasses(ir, { regexAsWildcard: true });
    expect(out).toMatchObject({ kind: 'not', child: { kind: 'string', op: 'startswith' } });
  });
});
