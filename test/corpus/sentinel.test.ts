/**
 * The Sigma corpus through the sentinel backend with its default pipeline: every query parses with
 * Microsoft's parser, binds against the declared schema of its table, and every `matches regex`
 * literal compiles as RE2. At least 95% of the active corpus must land on a real table.
 */
import { sentinelBackend } from '../../backends/sentinel-kql/index.js';
import { convertLoaded, loadRuleFile } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import { bindKusto, parseKusto, re2Compiles, stringLiteralValues } from '../support/kusto.js';
import tables from '../../backends/sentinel-kql/data/tables.json' with { type: 'json' };
import { activeRuleFiles, CORPUS, describeWithCorpus } from '../support/corpus.js';

const d = describeWithCorpus('sentinel corpus tests');
const FULL = process.env.SIGMANTIC_CORPUS_FULL === '1';
const SAMPLE = 5;

d('sentinel: corpus', () => {
  test('converts at least 95% onto a real table, every query parses and binds', () => {
    const schemas = tables as Record<string, Record<string, string>>;
    const pipelines = sentinelBackend.defaultPipelines.map((n) => resolvePipeline(n, sentinelBackend));
    const files = activeRuleFiles();
    const perGroup = new Map<string, { total: number; ok: number }>();
    const reasons = new Map<string, string[]>();
    const failures: string[] = [];
    let ok = 0;
    let approx = 0;
    const note = (reason: string, path: string) => {
      const l = reasons.get(reason) ?? [];
      l.push(path.slice(CORPUS.length + 1));
      reasons.set(reason, l);
    };
    let bound = 0;
    for (const [index, path] of files.entries()) {
      const loaded = loadRuleFile(path);
      const r = convertLoaded(loaded, sentinelBackend, pipelines);
      const ls = loaded.rule?.logsource;
      const group = `${ls?.product ?? '-'}/${ls?.category ?? ls?.service ?? '-'}`;
      const g = perGroup.get(group) ?? { total: 0, ok: 0 };
      g.total++;
      perGroup.set(group, g);
      if (r.queries.length === 0) {
        const err = r.diagnostics.find((x) => x.severity === 'error');
        note(
          err ? `${err.code}: ${err.message.replace(/'[^']*'/g, "'…'").slice(0, 90)}` : `status ${r.status}`,
          path,
        );
        continue;
      }
      const q = r.queries[0];
      const parsed = parseKusto(q);
      if (parsed.errors.length) failures.push(`${path}: parse: ${parsed.errors.join('; ')}\n${q}`);
      const lits = stringLiteralValues(q);
      // The literal after each `matches regex` is a regex.
      const regexCount = (q.match(/ matches regex /g) ?? []).length;
      if (regexCount > 0) {
        const idx: number[] = [];
        // Re-derive the regex literals by position: literal tokens that follow `matches regex`.
        let pos = 0;
        for (let k = 0; k < regexCount; k++) {
          pos = q.indexOf(' matches regex ', pos) + 15;
          idx.push(stringLiteralValues(q.slice(0, pos)).length);
        }
        for (const i of idx)
          if (!re2Compiles(lits[i])) failures.push(`${path}: regex does not compile as RE2: ${lits[i]}`);
      }
      const table = q.split('\n')[0];
      if (!(table in schemas)) {
        note(`not a known table: ${table}`, path);
        continue;
      }
      // Binding costs ~50 ms a query: every query in full mode, a fixed sample otherwise. A query
      // whose fields all resolved to schema columns must bind; the sample checks that claim.
      if (FULL || index % SAMPLE === 0) {
        bound++;
        // `_GetWatchlist` is a Sentinel workspace function the offline analyzer does not know.
        const errors = bindKusto(q, schemas).errors.filter((e) => !/^KS211 .*'_GetWatchlist'/.test(e));
        if (errors.length) {
          failures.push(`${path}: bind: ${errors.join('; ')}`);
          continue;
        }
      }
      ok++;
      g.ok++;
      if (r.status === 'approximate') approx++;
    }
    const lines = [
      `sentinel corpus: ${ok}/${files.length} (${((100 * ok) / files.length).toFixed(1)}%) on a real table, binding (${approx} of them approximate); ${bound} queries bound with the analyzer${FULL ? '' : ` (every ${SAMPLE}th; SIGMANTIC_CORPUS_FULL=1 binds all)`}`,
    ];
    for (const [k, v] of [...perGroup].sort((a, b) => b[1].total - a[1].total))
      lines.push(
        `  ${k.padEnd(48)} ${String(v.ok).padStart(5)}/${String(v.total).padEnd(5)} ${((100 * v.ok) / v.total).toFixed(0)}%`,
      );
    lines.push('not converted, by reason:');
    for (const [k, v] of [...reasons].sort((a, b) => b[1].length - a[1].length))
      lines.push(`  ${String(v.length).padStart(4)}  ${k}  (e.g. ${v[0]})`);
    console.log(lines.join('\n'));
    expect(failures).toEqual([]);
    expect(ok / files.length).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});
