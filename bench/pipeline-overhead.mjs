// Overhead of a 300-entry field_name_mapping pipeline over loading and building the active corpus.
// Usage: npm run build && node bench/pipeline-overhead.mjs [corpus-dir]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleFromText } from '../dist/src/convert.js';
import { DiagnosticSink } from '../dist/src/diagnostics.js';
import { applyPipelines, pipelineFromObject } from '../dist/src/pipeline/index.js';

const corpus = process.argv[2] ?? new URL('../../shared/sigma-corpus', import.meta.url).pathname;
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e)) files.push(p);
  }
};
for (const d of readdirSync(corpus)
  .filter((d) => d.startsWith('rules'))
  .sort())
  walk(join(corpus, d));
const texts = files.map((f) => [f, readFileSync(f, 'utf8')]);

// The 300 field names the corpus uses most, mapped to ECS-like names (one in ten one-to-many).
const counts = new Map();
const countFields = (n) => {
  if (n.kind === 'and' || n.kind === 'or') n.children.forEach(countFields);
  else if (n.kind === 'not') countFields(n.child);
  else if (n.field) counts.set(n.field, (counts.get(n.field) ?? 0) + 1);
};
for (const [f, t] of texts) {
  const l = loadRuleFromText(t, f);
  if (l.ir) countFields(l.ir);
}
const top = [...counts].sort((a, b) => b[1] - a[1]).map(([f]) => f);
while (top.length < 300) top.push(`Synthetic${top.length}`);
const mapping = Object.fromEntries(
  top.slice(0, 300).map((f, i) => [f, i % 10 === 0 ? [`x.${f}`, `y.${f}`] : `x.${f}`]),
);
const spec = pipelineFromObject(
  { name: 'bench', transformations: [{ id: 'map', type: 'field_name_mapping', mapping }] },
  'builtin:bench',
);
const specs = [spec];

// Load+build of every rule, and separately the time spent applying the pipeline to the built IR.
function pass() {
  let load = 0n;
  let apply = 0n;
  let applied = 0;
  for (const [f, t] of texts) {
    const t0 = process.hrtime.bigint();
    const l = loadRuleFromText(t, f);
    load += process.hrtime.bigint() - t0;
    if (l.rule && l.ir) {
      const sink = new DiagnosticSink(f); // convertLoaded makes this sink with or without pipelines
      const t1 = process.hrtime.bigint();
      applied += applyPipelines(specs, l.rule, l.ir, sink).applied.length;
      apply += process.hrtime.bigint() - t1;
    }
  }
  return { load: Number(load) / 1e6, apply: Number(apply) / 1e6, applied };
}

const runs = Number(process.env.RUNS ?? 9);
pass(); // warm-up
const results = [];
for (let i = 0; i < runs; i++) results.push(pass());
const min = (a) => Math.min(...a);
const load = min(results.map((r) => r.load));
const apply = min(results.map((r) => r.apply));
console.log(
  `${texts.length} rules, mapping of ${Object.keys(mapping).length} fields, ${results[0].applied} applied lines per pass`,
);
console.log(
  `load+build: ${load.toFixed(1)} ms; pipeline: ${apply.toFixed(1)} ms; overhead ${((apply / load) * 100).toFixed(1)}% (best of ${runs})`,
);
