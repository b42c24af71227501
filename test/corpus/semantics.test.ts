/**
 * Issue 12's acceptance, measured: on the corpus `rules/` folder without pipelines, no conversion
 * labelled exact differs from the rule and no approximation misses an event, for Splunk, Sentinel
 * (`--set table=SigmaEvents`) and Elastic. Each conversion is held against the reference
 * evaluator on synthesized events (test/support/semantic-check.ts) through an interpreter of
 * the target's query language:
 *
 *   splunk   test/support/eval-spl.ts    evalSpl(query, event)
 *   sentinel test/support/eval-kusto.ts  evalKusto(query, row, columns)   (columns: kustoColumns)
 *   elastic  test/support/eval-kql.ts    evalKql(query, doc)               (every field keyword)
 *
 * An interpreter module that is not in the repository yet is reported as "interpreter not
 * present: skipped" for its target (the import is dynamic, by a computed path, so this file
 * compiles without it); the reference evaluator as a dialect (through the `ir` target) always
 * runs, as a check of the harness itself.
 *
 * For developers:
 *   SIGMANTIC_CORPUS=1 npm test -- test/corpus/semantics.test.ts
 *   SIGMANTIC_SEMANTIC_REPORT=N   print up to N violations per target (rule path, query, event,
 *                                 both verdicts) and the N most frequent interpreter gaps
 *   SIGMANTIC_SEMANTIC_RULES=text only rule paths containing `text`
 *   SIGMANTIC_SEMANTIC_TARGETS=splunk,elastic  only these targets
 *   SIGMANTIC_SEMANTIC_MAX_EVENTS=N  at most N synthesized events per rule (default 300)
 *
 * Violations on events holding a Unicode case probe (Kelvin sign, long s, Turkish i, a decomposed
 * accent) are counted in their own column: whether the target folds those like the reference
 * evaluator (Unicode simple case folding) is a question for the target's interpreter and data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRule } from '../../src/evaluate/index.js';
import type { Node } from '../../src/ir/types.js';
import { CORPUS, describeWithCorpus, yamlFiles } from '../support/corpus.js';
import {
  elasticStore,
  formatGaps,
  formatTable,
  formatViolations,
  kustoColumns,
  kustoStore,
  makeChecker,
  splunkStore,
  summarize,
  type Dialect,
  type RuleCheck,
  type Summary,
} from '../support/semantic-check.js';

type Evaluator = (query: string, event: Record<string, unknown>, types?: Record<string, string>) => boolean;

/** An interpreter module by its path, or the reason it is absent (a computed path: no compile-time import). */
async function interpreter(module: string, name: string): Promise<Evaluator | string> {
  if (!existsSync(join(process.cwd(), 'test', 'support', `${module}.ts`)))
    return `interpreter not present: skipped (test/support/${module}.ts does not exist)`;
  const path = `../support/${module}.js`;
  try {
    const m = (await import(path)) as Record<string, unknown>;
    const fn = m[name];
    return typeof fn === 'function' ? (fn as Evaluator) : `${module}.ts has no export ${name}`;
  } catch (e) {
    return `interpreter not loaded: skipped (${module}.ts: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

/** The dialects of the three targets; a string when the interpreter is absent. */
async function dialects(): Promise<Record<string, Dialect | string>> {
  const spl = await interpreter('eval-spl', 'evalSpl');
  const kusto = await interpreter('eval-kusto', 'evalKusto');
  const kql = await interpreter('eval-kql', 'evalKql');
  return {
    splunk:
      typeof spl === 'string'
        ? spl
        : { name: 'splunk', target: 'splunk', store: splunkStore, evaluate: (q, e) => spl(q, e) },
    sentinel:
      typeof kusto === 'string'
        ? kusto
        : {
            name: 'sentinel',
            target: 'sentinel',
            settings: { table: 'SigmaEvents' },
            store: kustoStore,
            evaluate: (q, e, ctx) => kusto(q, e, kustoColumns(ctx.ir, e)),
          },
    elastic:
      typeof kql === 'string'
        ? kql
        : { name: 'elastic', target: 'elastic', store: elasticStore, evaluate: (q, e) => kql(q, e) },
  };
}

const REPORT = Number(process.env.SIGMANTIC_SEMANTIC_REPORT ?? 0);
const ONLY = process.env.SIGMANTIC_SEMANTIC_RULES;
const TARGETS = process.env.SIGMANTIC_SEMANTIC_TARGETS?.split(',');
const MAX_EVENTS = process.env.SIGMANTIC_SEMANTIC_MAX_EVENTS
  ? Number(process.env.SIGMANTIC_SEMANTIC_MAX_EVENTS)
  : undefined;

function ruleFiles(): string[] {
  const all = yamlFiles(join(CORPUS, 'rules'));
  return ONLY ? all.filter((p) => p.includes(ONLY)) : all;
}

function run(check: (text: string, path: string) => RuleCheck, files: readonly string[]): RuleCheck[] {
  return files.map((p) => check(readFileSync(p, 'utf8'), p.slice(CORPUS.length + 1)));
}

const summaries: Summary[] = [];

describeWithCorpus('semantic check of rules/ (no pipelines)')(
  'semantic check of rules/ (no pipelines)',
  () => {
    afterAll(() => {
      if (summaries.length)
        console.log(`semantic check, rules/ without pipelines:\n${formatTable(summaries)}`);
    });

    test('harness: the reference evaluator as a dialect agrees on every rule', async () => {
      const files = ruleFiles();
      const t0 = Date.now();
      // The `ir` target's query is the IR as JSON: compiled once per query.
      const compiled = new Map<string, ReturnType<typeof compileRule>>();
      const check = await makeChecker({
        name: 'reference (ir)',
        target: 'ir',
        evaluate: (q, e) => {
          let c = compiled.get(q);
          if (!c) {
            compiled.clear();
            compiled.set(q, (c = compileRule(JSON.parse(q) as Node)));
          }
          return c(e as never);
        },
      });
      const checks = run(check, files);
      const s = summarize(checks);
      summaries.push(s);
      console.log(
        `reference dialect: ${files.length} rules, ${s.events} events (${(s.events / Math.max(1, s.exact)).toFixed(0)} per rule), ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      expect(s.violationsExact).toBe(0);
      expect(s.interpreterGaps).toBe(0);
    }, 600_000);

    for (const target of ['splunk', 'sentinel', 'elastic'])
      test(`${target}: no exact conversion differs from the rule, no approximation misses an event`, async () => {
        if (TARGETS && !TARGETS.includes(target)) return;
        const d = (await dialects())[target];
        if (typeof d === 'string') {
          console.warn(`${target}: ${d}`);
          return;
        }
        const t0 = Date.now();
        const checks = run(await makeChecker(d, { maxEvents: MAX_EVENTS }), ruleFiles());
        const s = summarize(checks);
        summaries.push(s);
        const lines = [
          `${target}: ${checks.length} rules, ${s.events} events, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        ];
        if (REPORT > 0) {
          lines.push(formatViolations(checks, REPORT));
          const gaps = formatGaps(checks, REPORT);
          if (gaps) lines.push(`interpreter gaps:\n${gaps}`);
        }
        console.log(lines.join('\n'));
        const bad = checks
          .filter((c) => c.gap === undefined && c.violationCount > 0)
          .map((c) => `${c.label} ${c.path}`);
        expect(bad).toEqual([]);
      }, 1_800_000);
  },
);
