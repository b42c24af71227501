/**
 * Deployable means importable (issue #17 item 11), on the active corpus: every Sentinel analytics
 * rule passes the Azure-Sentinel repository's validation (backends/sentinel-kql/validate.ts), ids
 * are unique, the queries over Sentinel's 10,000-character limit are refused with an error; every
 * Kibana threat entry files a technique under a tactic it has in MITRE ATT&CK 17.1.
 */
import yaml from 'js-yaml';
import { attackData } from '../../backends/common/attack.js';
import { sentinelTacticsOf } from '../../backends/sentinel-kql/formats.js';
import { validateAnalyticsRule } from '../../backends/sentinel-kql/validate.js';
import { loadRulesFile } from '../../src/convert.js';
import { convertForTargets, prepare, type PreparedTarget } from '../../src/run.js';
import { activeRuleFiles, describeWithCorpus } from '../support/corpus.js';

const d = describeWithCorpus('deploy corpus tests');

d('deployable output on the corpus', () => {
  test('sentinel analytics-rule: every rule passes the repository validation', async () => {
    const p: PreparedTarget = {
      ...(await prepare('sentinel', { format: 'analytics-rule' })),
      target: 'sentinel',
    };
    const problems: string[] = [];
    const ids = new Map<string, string>();
    let docs = 0;
    let overLimit = 0;
    for (const f of activeRuleFiles())
      for (const rule of loadRulesFile(f).rules) {
        const [out] = convertForTargets(rule, [p], {});
        if (
          out.summary.diagnostics.some((x) => x.code === 'invalid-output' && /at most 10,000/.test(x.message))
        )
          overLimit++;
        if (out.text === null) continue;
        const doc = yaml.load(out.text) as Record<string, unknown>;
        docs++;
        for (const x of validateAnalyticsRule(doc, sentinelTacticsOf)) problems.push(`${f}: ${x}`);
        const id = String(doc.id);
        if (ids.has(id) && ids.get(id) !== f) problems.push(`${f}: id ${id} also in ${ids.get(id)}`);
        ids.set(id, f);
      }
    expect(problems).toEqual([]);
    expect(docs).toBeGreaterThan(3500);
    // The corpus' largest value lists (vulnerable-driver hashes, ...): refused for this format.
    expect(overLimit).toBe(16);
  }, 120_000);

  test('elastic detection-rule: each technique under one of its ATT&CK 17.1 tactics', async () => {
    const p: PreparedTarget = {
      ...(await prepare('elastic', { format: 'detection-rule' })),
      target: 'elastic',
    };
    const a = attackData();
    const byId = new Map(Object.entries(a.tactics).map(([k, v]) => [v.id, k]));
    const wrong: string[] = [];
    for (const f of activeRuleFiles())
      for (const rule of loadRulesFile(f).rules) {
        const [out] = convertForTargets(rule, [p], {});
        if (out.text === null) continue;
        for (const line of out.text.trim().split('\n')) {
          const r = JSON.parse(line) as {
            threat: Array<{ tactic: { id: string }; technique?: Array<{ id: string }> }>;
          };
          for (const t of r.threat)
            for (const tech of t.technique ?? [])
              if (!a.techniques[tech.id].tactics.includes(byId.get(t.tactic.id)!))
                wrong.push(`${f}: ${tech.id} under ${t.tactic.id}`);
        }
      }
    expect(wrong).toEqual([]);
  }, 120_000);
});
