/**
 * The whole active corpus (the six `rules*` folders) to Splunk: no crash, at least 99.8 % of the
 * rules converted, every query lexes with the SPL test lexer and starts with a search; prints
 * exact / approximate (by reason) / unsupported (by reason) counts.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { splunkBackend } from '../../backends/splunk/index.js';
import { convertLoaded, loadRuleFile } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import { translateRegex } from '../../src/evaluate/index.js';
import { splCommands, tokenizeSpl } from '../support/spl.js';
import { CORPUS, describeWithCorpus } from '../support/corpus.js';

/** Every regex literal given to match(): the string after `match(<field>,`. */
function matchRegexes(q: string): string[] {
  const t = tokenizeSpl(q);
  const out: string[] = [];
  for (let i = 0; i + 4 < t.length; i++) {
    const a = t[i];
    const s = t[i + 4];
    if (a.type === 'word' && a.value === 'match' && t[i + 1].type === 'lparen' && s.type === 'string')
      out.push(s.value);
  }
  return out;
}

function ymlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) ymlFiles(p, out);
    else if (e.endsWith('.yml') || e.endsWith('.yaml')) out.push(p);
  }
  return out;
}

/** A diagnostic message with the rule-specific parts (values, fields) removed, to group by reason. */
function reason(code: string, message: string): string {
  return `${code}: ${message
    .replace(/^.*?: /, '')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 220)}`;
}

describeWithCorpus('test/corpus/splunk.test.ts')('splunk corpus', () => {
  test.each([
    ['no pipeline', [] as string[]],
    ['windows pipeline', ['windows']],
  ])('%s', (_name, pipelineNames) => {
    const folders = readdirSync(CORPUS)
      .filter((d) => d.startsWith('rules'))
      .sort();
    expect(folders).toHaveLength(6);
    const files = folders.flatMap((d) => ymlFiles(join(CORPUS, d)));
    const pipelines = pipelineNames.map((n) => resolvePipeline(n, splunkBackend));
    const counts = { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    const approx = new Map<string, number>();
    const failed: string[] = [];
    const regexIssues = new Map<string, number>();
    let regexes = 0;
    for (const f of files) {
      const r = convertLoaded(loadRuleFile(f), splunkBackend, pipelines, {});
      counts[r.status]++;
      if (r.status === 'approximate')
        for (const d of r.diagnostics.filter((d) => d.code === 'approximation')) {
          const k = reason(d.code, d.message);
          approx.set(k, (approx.get(k) ?? 0) + 1);
        }
      if (r.status === 'unsupported' || r.status === 'error') {
        const d = r.diagnostics.find((d) => d.severity === 'error');
        failed.push(`${f.slice(CORPUS.length + 1)}: ${d ? `${d.code}: ${d.message}` : r.status}`);
      }
      for (const q of r.queries) {
        const cmds = splCommands(q);
        expect(cmds[0]).toBe('search');
        expect(cmds.slice(1).every((c) => c === 'where' || c === 'table')).toBe(true);
        for (const re of matchRegexes(q)) {
          regexes++;
          const t = translateRegex(re, { i: false, m: false, s: false });
          if (!t.ok) regexIssues.set(t.reason, (regexIssues.get(t.reason) ?? 0) + 1);
        }
      }
    }
    expect(counts.error).toBe(0);
    const converted = counts.exact + counts.approximate;
    const lines = [
      `splunk corpus (${_name}): ${files.length} rules, ${converted} converted (${((100 * converted) / files.length).toFixed(2)} %)`,
      `  exact ${counts.exact}, approximate ${counts.approximate}, unsupported ${counts.unsupported}, error ${counts.error}`,
      ...[...approx.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  approximate ${n}: ${k}`),
      ...failed.map((f) => `  not converted: ${f}`),
      `  regexes in match(): ${regexes}; outside the JavaScript-checked PCRE subset: ${[...regexIssues.values()].reduce((a, b) => a + b, 0)}`,
      ...[...regexIssues.entries()].map(([k, n]) => `    ${n}: ${k}`),
    ];
    console.log(lines.join('\n'));
    expect(files.length).toBe(3780);
    expect(converted / files.length).toBeGreaterThanOrEqual(0.998);
  });
});
