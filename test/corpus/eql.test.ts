/**
 * The Sigma corpus through the eql backend, with the default pipelines (the Elastic target's
 * `ecs`) and with none: nothing crashes, every query passes the EQL grammar check
 * (test/support/eql-grammar.ts), no pattern is a bare `*` standing for a whole value, no keyword
 * is left out outside `not` (that leaves the log source's conditions only). Prints the
 * label totals and the approximation reasons. And `-t elastic -f detection-rule` (language auto):
 * every rule passes the Kibana rule schema, every EQL query the grammar check, every KQL query
 * Kibana's parser; prints how many rules are written in each language with which label.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { eqlBackend } from '../../backends/eql/index.js';
import { elasticBackend } from '../../backends/elastic-kql/index.js';
import { convertLoaded, loadRuleFile, type LoadedRule } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import { activeRuleFiles, describeWithCorpus } from '../support/corpus.js';
import { parseEql, type Cond } from '../support/eql-grammar.js';
import { for7x, kqlToDsl } from '../support/kql.js';

const d = describeWithCorpus('eql corpus tests');

/** The wildcard patterns of a condition that are nothing but `*` (a whole value). */
function bareStars(c: Cond): string[] {
  switch (c.kind) {
    case 'and':
    case 'or':
      return [...bareStars(c.left), ...bareStars(c.right)];
    case 'not':
      return bareStars(c.child);
    case 'pattern':
      return c.op === ':' || c.op === 'like' || c.op === 'like~'
        ? c.values
            .filter((v) => typeof v === 'string' && /^\*+$/.test(v))
            .map((v) => `${c.field} ${c.op} ${String(v)}`)
        : [];
    default:
      return [];
  }
}

d('eql: corpus', () => {
  const loaded: LoadedRule[] = activeRuleFiles().map((f) => loadRuleFile(f));
  for (const mode of ['default pipelines (ecs)', 'no pipeline'] as const)
    test(`${mode}: no crash, every query passes the grammar check, no bare *`, () => {
      const pipelines =
        mode === 'no pipeline' ? [] : eqlBackend.defaultPipelines.map((n) => resolvePipeline(n, eqlBackend));
      const totals = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
      const reasons = new Map<string, number>();
      const bad: string[] = [];
      for (const l of loaded) {
        const r = convertLoaded(l, eqlBackend, pipelines);
        totals[r.status]++;
        for (const x of r.diagnostics) {
          if (x.code === 'approximation')
            reasons.set(x.reason ?? 'other', (reasons.get(x.reason ?? 'other') ?? 0) + 1);
          // A keyword left out outside `not` would leave the log source only (issue #14): refused.
          if (x.reason === 'field-less' && x.direction === 'wider')
            bad.push(`${l.path}: keyword left out (wider): ${r.queries.join(' ')}`);
        }
        for (const q of r.queries) {
          try {
            const stars = bareStars(parseEql(q).condition);
            if (stars.length) bad.push(`${l.path}: bare * in ${stars.join(', ')}`);
          } catch (e) {
            bad.push(`${l.path}: ${(e as Error).message}: ${q}`);
          }
        }
      }
      console.log(
        `eql, ${mode}: ${JSON.stringify(totals)} approximation reasons ${JSON.stringify(Object.fromEntries(reasons))}`,
      );
      expect(bad).toEqual([]);
      expect(totals.error).toBe(0);
    });
});

d('elastic detection rules (language auto): corpus', () => {
  test('every rule validates; EQL queries pass the grammar check, KQL queries parse', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../support/kibana-rule.schema.json', import.meta.url), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const pipelines = elasticBackend.defaultPipelines.map((n) => resolvePipeline(n, elasticBackend));
    const format = elasticBackend.formats['detection-rule'];
    const totals = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    const byLanguage: Record<string, number> = {};
    const bad: string[] = [];
    for (const f of activeRuleFiles()) {
      const r = convertLoaded(loadRuleFile(f), elasticBackend, pipelines, { format: 'detection-rule' });
      totals[r.status]++;
      if (!r.queries.length) continue;
      for (const line of format.rule(r, { format: 'detection-rule' }).split('\n').filter(Boolean)) {
        const obj = JSON.parse(line);
        if (!validate(obj)) bad.push(`${f}: ${JSON.stringify(validate.errors)}`);
        const key = `${obj.language}/${r.status}`;
        byLanguage[key] = (byLanguage[key] ?? 0) + 1;
        try {
          if (obj.language === 'eql') {
            if (bareStars(parseEql(obj.query).condition).length) bad.push(`${f}: bare *`);
          } else kqlToDsl(for7x(obj.query));
        } catch (e) {
          bad.push(`${f}: ${(e as Error).message}`);
        }
      }
    }
    console.log(
      `elastic detection-rule (auto): ${JSON.stringify(totals)} by language/label ${JSON.stringify(byLanguage)}`,
    );
    expect(bad).toEqual([]);
    expect(totals.error).toBe(0);
  });
});
