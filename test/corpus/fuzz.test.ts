/**
 * The mutation fuzzer over the SigmaHQ corpus (test/support/fuzz.ts; the unit-suite variant over
 * rules/ is test/core/fuzz.test.ts): seeded mutants of corpus rules, spread over the whole active
 * corpus (every k-th file), through every target, output format and built-in pipeline, `check` and
 * `test`. The property: no exception, no internal-error, every result labelled, the same output
 * twice. Prints the counts; mutants over 1 s (all combinations together) are listed, not asserted.
 */
import { readFileSync } from 'node:fs';
import { activeRuleFiles, describeWithCorpus } from '../support/corpus.js';
import { checkMutant, fuzzTargets, mutants, type Problem } from '../support/fuzz.js';

const d = describeWithCorpus('test/corpus/fuzz.test.ts');

const MUTANTS = 1000;
const SEED = 4242;

d('mutation fuzzing of the corpus', () => {
  test(`${MUTANTS} mutants of corpus rules, every target, format and pipeline, check and test: no crash`, async () => {
    const files = activeRuleFiles();
    const step = Math.max(1, Math.floor(files.length / MUTANTS));
    const texts = files.filter((_, i) => i % step === 0).map((f) => readFileSync(f, 'utf8'));
    const prepared = await fuzzTargets();
    const ms = mutants(texts, MUTANTS, SEED);
    const problems: Array<Problem & { mutant: number }> = [];
    const slow: string[] = [];
    const started = Date.now();
    for (const [i, m] of ms.entries()) {
      const start = Date.now();
      for (const p of checkMutant(m, prepared)) problems.push({ ...p, mutant: i });
      const took = Date.now() - start;
      if (took > 1000) slow.push(`mutant ${i}: ${took} ms`);
    }
    const perTarget = new Map<string, number>();
    for (const p of prepared) perTarget.set(p.target, (perTarget.get(p.target) ?? 0) + 1);
    console.log(
      [
        `fuzz (corpus): ${ms.length} mutants of ${texts.length} rules, seed ${SEED}, ${prepared.length} target/format/pipeline combinations, ${Date.now() - started} ms`,
        `conversions per target: ${[...perTarget].map(([t, n]) => `${t} ${n * ms.length}`).join(', ')}`,
        `crashes found: ${problems.length}`,
        `mutants over 1 s: ${slow.length ? slow.join('; ') : 'none'}`,
      ].join('\n'),
    );
    expect(problems.map((p) => `mutant ${p.mutant} ${p.where}: ${p.what.slice(0, 500)}`)).toEqual([]);
  }, 300_000);
});
