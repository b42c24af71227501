/**
 * The Sigma corpus through the elastic backend: with the default `ecs` pipeline and with no
 * pipeline, nothing crashes; every query parses with Kibana's grammar and converts to
 * Elasticsearch DSL; every detection-rule line is valid JSON that passes the Kibana rule schema.
 * Prints per-label totals (exact / approximate by reason / unsupported by reason).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { elasticBackend } from '../../backends/elastic-kql/index.js';
import type { RuleResult } from '../../src/backend.js';
import { convertLoaded, loadRuleFile, type LoadedRule } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import { for7x, kqlToDsl } from '../support/kql.js';
import { activeRuleFiles, describeWithCorpus } from '../support/corpus.js';

const d = describeWithCorpus('elastic corpus tests');

function reasonsOf(r: RuleResult): string[] {
  if (r.status === 'approximate')
    return [
      ...new Set(
        r.diagnostics
          .filter((x) => x.code === 'approximation' && x.severity === 'warning')
          .map((x) => x.reason ?? 'other'),
      ),
    ];
  const err = r.diagnostics.find((x) => x.severity === 'error');
  if (!err) return [r.status];
  let why = err.message;
  if (/no faithful ECS mapping/.test(why)) why = 'pipeline: field without a faithful ECS mapping';
  else if (/no ECS mapping for this rule's logsource/.test(why))
    why = 'pipeline: logsource without an ECS mapping';
  else if (/not mapped/.test(why)) why = 'pipeline: field not mapped';
  else if (/regular expressions/.test(why)) why = 'regex without a wildcard form';
  else why = why.replace(/'[^']*'|\/.*\//g, '…').slice(0, 70);
  return [`${err.code}: ${why}`];
}

d('elastic: corpus', () => {
  const files = activeRuleFiles();
  const loaded: LoadedRule[] = files.map((f) => loadRuleFile(f));
  const schema = JSON.parse(
    readFileSync(new URL('../support/kibana-rule.schema.json', import.meta.url), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  test('--set case=caseless (ECS .caseless sub-fields): label totals', () => {
    const pipelines = elasticBackend.defaultPipelines.map((n) => resolvePipeline(n, elasticBackend));
    const totals = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    for (const l of loaded)
      totals[convertLoaded(l, elasticBackend, pipelines, { settings: { case: 'caseless' } }).status]++;
    console.log(`elastic, ecs + case=caseless: ${JSON.stringify(totals)}`);
    expect(totals.error).toBe(0);
  });

  for (const mode of ['default pipelines (ecs)', 'no pipeline'] as const) {
    test(`${mode}: no crash, every query parses and converts to DSL, detection rules validate`, () => {
      const pipelines =
        mode === 'no pipeline'
          ? []
          : elasticBackend.defaultPipelines.map((n) => resolvePipeline(n, elasticBackend));
      const totals = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
      const byReason = {
        approximate: new Map<string, number>(),
        unsupported: new Map<string, number>(),
        error: new Map<string, number>(),
      };
      const failures: string[] = [];
      let lines = 0;
      for (const l of loaded) {
        const r = convertLoaded(l, elasticBackend, pipelines);
        totals[r.status]++;
        if (r.status !== 'exact')
          for (const why of reasonsOf(r)) byReason[r.status].set(why, (byReason[r.status].get(why) ?? 0) + 1);
        if (r.diagnostics.some((x) => x.code === 'internal-error'))
          failures.push(`${l.path}: internal error`);
        for (const q of r.queries) {
          // kqlToDsl parses with Kibana's grammar (throws on a syntax error) and builds the DSL.
          try {
            kqlToDsl(for7x(q));
          } catch (e) {
            failures.push(`${l.path}: ${(e as Error).message.split('\n')[0]}\n  ${q.slice(0, 300)}`);
          }
        }
        if (r.queries.length) {
          const out = elasticBackend.formats['detection-rule'].rule(r, {});
          for (const line of out.split('\n').filter(Boolean)) {
            lines++;
            const obj = JSON.parse(line);
            if (!validate(obj))
              failures.push(`${l.path}: schema: ${JSON.stringify(validate.errors).slice(0, 300)}`);
          }
        }
      }
      const show = (m: Map<string, number>) =>
        [...m]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .map(([k, v]) => `    ${String(v).padStart(5)}  ${k}`)
          .join('\n');
      console.log(
        `elastic, ${mode}: ${files.length} rules: ${totals.exact} exact, ${totals.approximate} approximate, ${totals.unsupported} unsupported, ${totals.error} error; ${lines} detection-rule lines\n` +
          `  approximate rules by reason (a rule may have several):\n${show(byReason.approximate)}\n` +
          `  unsupported by reason:\n${show(byReason.unsupported)}\n` +
          (byReason.error.size ? `  error by reason:\n${show(byReason.error)}\n` : ''),
      );
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }
});
