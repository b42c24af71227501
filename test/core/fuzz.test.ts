/**
 * Product principle 2 (never abort a batch), by mutation: seeded mutants of the sample rules
 * (rules/) through every target, output format and built-in pipeline, `check` and `test`
 * (test/support/fuzz.ts): no exception, no internal-error, every result labelled, the same output
 * twice. The corpus variant is test/corpus/fuzz.test.ts. Then one regression test per crash the
 * fuzzer found, each naming its mutant.
 */
import { readFileSync } from 'node:fs';
import { loadBackend } from '../../backends/index.js';
import { compileRule } from '../../src/evaluate/index.js';
import { loadRuleFromText } from '../../src/convert.js';
import { checkRule } from '../../src/check/check.js';
import { nameGlob } from '../../src/condition/glob.js';
import { yamlFiles } from '../support/corpus.js';
import { convertWith, indented, ruleText } from '../support/convert.js';
import { checkMutant, fuzzTargets, mutants, targetLabel, type Problem } from '../support/fuzz.js';

const MUTANTS = 300;
const SEED = 20261206;

describe('mutation fuzzing of the sample rules', () => {
  test(`${MUTANTS} mutants, every target, format and pipeline, check and test: no crash`, async () => {
    const texts = yamlFiles('rules').map((f) => readFileSync(f, 'utf8'));
    expect(texts.length).toBeGreaterThan(0);
    const prepared = await fuzzTargets();
    const ms = mutants(texts, MUTANTS, SEED);
    // The mutants differ from their rules and from each other (the fuzzer mutates).
    expect(new Set(ms).size).toBeGreaterThan(MUTANTS * 0.9);
    const problems: Array<Problem & { mutant: number }> = [];
    const slow: string[] = [];
    for (const [i, m] of ms.entries()) {
      const start = Date.now();
      for (const p of checkMutant(m, prepared)) problems.push({ ...p, mutant: i });
      const ms_ = Date.now() - start;
      if (ms_ > 1000) slow.push(`mutant ${i}: ${ms_} ms`);
    }
    const perTarget = new Map<string, number>();
    for (const p of prepared) perTarget.set(p.target, (perTarget.get(p.target) ?? 0) + 1);
    console.log(
      [
        `fuzz (rules/): ${ms.length} mutants, seed ${SEED}, ${prepared.length} target/format/pipeline combinations`,
        `per target (combinations x mutants): ${[...perTarget].map(([t, n]) => `${t} ${n * ms.length}`).join(', ')}`,
        `crashes found: ${problems.length}`,
        `rules over 1 s: ${slow.length ? slow.join('; ') : 'none'}`,
      ].join('\n'),
    );
    expect(
      problems.map(
        (p) => `mutant ${p.mutant} ${p.where}: ${p.what.slice(0, 500)}\n${ms[p.mutant].slice(0, 2000)}`,
      ),
    ).toEqual([]);
    expect(prepared.map(targetLabel)).toContain('splunk/data-model/splunk-cim');
  }, 120_000);
});

describe('crashes the fuzzer found', () => {
  // Mutant: a value of 20 000 characters (the value replaced by 'x' * 20000). V8 refuses the
  // RegExp of such a string under the `iu` flags ("Invalid regular expression: ...: Stack
  // overflow"), and of any wildcard pattern of ~50 000 characters ("Regular expression too large").
  const HUGE = 'x'.repeat(20_000);
  const HUGER = 'x'.repeat(60_000);

  test('splunk data-model with splunk-cim: a huge value of a field the model may hold emptied (TargetFilename of file_event, was internal-error)', async () => {
    const splunk = (await loadBackend('splunk'))!;
    const text = ruleText(indented(`sel:\n  TargetFilename|endswith: '${HUGE}'\ncondition: sel`), {
      logsource: '  product: windows\n  category: file_event',
    });
    const r = convertWith(splunk, text, { pipelines: ['splunk-cim'], format: 'data-model' });
    expect(r.diagnostics.map((d) => d.code)).not.toContain('internal-error');
    expect(['exact', 'approximate']).toContain(r.status);
    expect(r.queries.join('')).toContain(HUGE);
  });

  test('sentinel: a huge value of an enumerated field (EventType of registry events) is refused, not a crash', async () => {
    const sentinel = (await loadBackend('sentinel'))!;
    const text = ruleText(indented(`sel:\n  EventType|contains: '${HUGE}'\ncondition: sel`), {
      logsource: '  product: windows\n  category: registry_set',
    });
    const r = convertWith(sentinel, text, { pipelines: ['sentinel-defender'] });
    const codes = r.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('internal-error');
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics.find((d) => d.code === 'unsupported-construct')?.message).toMatch(
      /a value of 'EventType' is too long to match against the values DeviceRegistryEvents stores/,
    );
  });

  test('the reference evaluator (test): a wildcard value of 60 000 characters matches without RegExp', () => {
    const text = ruleText(indented(`sel:\n  CommandLine: '${HUGER}*?a'\ncondition: sel`));
    const loaded = loadRuleFromText(text, 'r.yml');
    const compiled = compileRule(loaded.ir!);
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled({ CommandLine: `${HUGER}..a` })).toBe(true);
    expect(compiled({ CommandLine: `${HUGER.toUpperCase()}\u{1F600}A` })).toBe(true); // ? is one code point; case-insensitive
    expect(compiled({ CommandLine: `${HUGER}a` })).toBe(false); // ? needs one character
    expect(compiled({ CommandLine: `${HUGER.slice(1)}..a` })).toBe(false);
    expect(compiled({ CommandLine: `${HUGER}..ab` })).toBe(false);
  });

  test('the reference evaluator: 30 000 runs of *? (a fuzzed value that took minutes) are one bound, at least 30 000 code points', () => {
    const loaded = loadRuleFromText(
      ruleText(indented(`sel:\n  CommandLine: '${'*?'.repeat(30_000)}'\ncondition: sel`)),
      'r.yml',
    );
    const compiled = compileRule(loaded.ir!);
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled({ CommandLine: 'abc' })).toBe(false);
    expect(compiled({ CommandLine: 'x'.repeat(29_999) })).toBe(false);
    expect(compiled({ CommandLine: 'x'.repeat(30_000) })).toBe(true);
    expect(compiled({ CommandLine: '\u{1F600}'.repeat(30_000) })).toBe(true); // ? is one code point
  });

  test('the reference evaluator: a pattern of many * is matched without RegExp backtracking, with the same verdicts', () => {
    const value = `${'*a'.repeat(40)}*b`;
    const compiled = compileRule(
      loadRuleFromText(ruleText(indented(`sel:\n  CommandLine: '${value}'\ncondition: sel`)), 'r.yml').ir!,
    );
    expect(compiled({ CommandLine: 'a'.repeat(40) + 'b' })).toBe(true);
    expect(compiled({ CommandLine: 'xa'.repeat(40) + 'yb' })).toBe(true);
    expect(compiled({ CommandLine: 'A'.repeat(40) + 'B' })).toBe(true); // case-insensitive
    expect(compiled({ CommandLine: 'a'.repeat(39) + 'b' })).toBe(false);
    // A text that fails late: a RegExp backtracks over every split of the a's among 40 stars.
    expect(compiled({ CommandLine: 'a'.repeat(2_000) })).toBe(false);
  });

  test('a regex of 60 000 characters (|re) is refused by V8 when first used: the evaluator says why, no exception', () => {
    const loaded = loadRuleFromText(
      ruleText(indented(`sel:\n  CommandLine|re: '${HUGER}'\ncondition: sel`)),
      'r.yml',
    );
    const compiled = compileRule(loaded.ir!);
    expect(compiled.exact).toBe(false);
    expect(compiled.diagnostics.map((d) => d.message).join()).toMatch(/Regular expression too large/);
    expect(compiled({ CommandLine: HUGER })).toBe(false);
  });

  test('a regex of 20 000 groups (|re: (a)(a)...) gives no internal-error in splunk', async () => {
    const splunk = (await loadBackend('splunk'))!;
    const text = ruleText(indented(`sel:\n  CommandLine|re: '${'(a)'.repeat(20_000)}'\ncondition: sel`));
    const r = convertWith(splunk, text);
    expect(r.diagnostics.map((d) => d.code)).not.toContain('internal-error');
    expect(['exact', 'approximate', 'unsupported']).toContain(r.status);
  });

  test('an identifier pattern of 60 000 characters (1 of xxx…*) resolves without RegExp, in build and check', async () => {
    const text = ruleText(indented(`${HUGER}a:\n  CommandLine: x\ncondition: 1 of ${HUGER}*`));
    const loaded = loadRuleFromText(text, 'r.yml');
    expect(loaded.diagnostics).toEqual([]);
    expect(compileRule(loaded.ir!)({ CommandLine: 'x' })).toBe(true);
    expect(checkRule(loaded).map((d) => d.code)).not.toContain('unused-identifier');
    const splunk = (await loadBackend('splunk'))!;
    expect(convertWith(splunk, text).status).toBe('exact');
  });
});

describe('nameGlob (condition identifier patterns)', () => {
  test.each<[string, string, boolean]>([
    ['sel*', 'sel', true],
    ['sel*', 'selection_1', true],
    ['sel*', 'xsel', false],
    ['*_main_*', 'filter_main_x', true],
    ['*_main_*', 'filter_main', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['*', '', true],
    ['sel', 'sel', true],
    ['sel.x*', 'selax', false],
    ['s?l*', 'sel', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(nameGlob(pattern).test(name)).toBe(expected);
  });
});
