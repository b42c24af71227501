#!/usr/bin/env node
// Counts, over the active Sigma corpus (the six rules* folders), how many rules get all their
// detection fields mapped by pipelines.json, and checks that every mapping target is a known
// field (ECS in ecs-fields.json, or listed in pipelines.json "fieldTypes").
//
// js-yaml is read from a scratch folder so nothing is installed in the project:
//   node coverage.mjs [corpusDir=/work/shared/sigma-corpus] [scratchDirWithJsYaml=/tmp/probe-kql]
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = process.argv[2] ?? '/work/shared/sigma-corpus';
const scratch = process.argv[3] ?? '/tmp/probe-kql';
let yaml;
try {
  yaml = createRequire(join(scratch, 'package.json'))('js-yaml');
} catch {
  yaml = createRequire(import.meta.url)('js-yaml');
}

const pipelines = JSON.parse(readFileSync(join(here, 'pipelines.json'), 'utf8'));
const ecs = JSON.parse(readFileSync(join(here, 'ecs-fields.json'), 'utf8')).fields;
const fieldTypes = pipelines.fieldTypes;
const entries = ['ecs-windows', 'ecs-linux', 'ecs-cloud', 'ecs-web'].flatMap((k) => pipelines[k]);

// 1. every target must be known
const known = (t) =>
  t in ecs || t in fieldTypes || (t.startsWith('winlog.event_data.') && 'winlog.event_data.*' in fieldTypes);
const bad = new Set();
for (const e of entries) {
  for (const t of Object.values(e.fields)) if (!known(t)) bad.add(t);
  for (const t of Object.keys(e.conditions ?? {})) if (!known(t)) bad.add(t);
}
if (bad.size) console.log('UNKNOWN TARGETS:', [...bad].join(', '));
else console.log('all mapping targets are known fields (ECS or fieldTypes)');

// 2. corpus coverage
const files = [];
const walk = (d) => {
  for (const x of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, x.name);
    if (x.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(x.name)) files.push(p);
  }
};
for (const d of readdirSync(corpus)) if (d.startsWith('rules')) walk(join(corpus, d));

const matchEntry = (ls) => {
  let best = null;
  for (const e of entries) {
    const keys = Object.keys(e.logsource);
    if (
      keys.every((k) => ls[k] === e.logsource[k]) &&
      (!best || keys.length > Object.keys(best.logsource).length)
    )
      best = e;
  }
  return best;
};
const collect = (v, out) => {
  if (Array.isArray(v)) v.forEach((x) => collect(x, out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.add(k.split('|')[0]);
};

const stats = {
  rules: 0,
  noPipeline: 0,
  keywordOnly: 0,
  allExplicit: 0,
  allWithFallback: 0,
  someUnmapped: 0,
  unsupported: 0,
};
const missing = {};
const noPipe = {};
for (const f of files) {
  const rule = yaml.load(readFileSync(f, 'utf8'));
  stats.rules++;
  const ls = rule.logsource ?? {};
  const e = matchEntry(ls);
  if (!e) {
    stats.noPipeline++;
    const key = [ls.product, ls.category, ls.service].map((x) => x ?? '').join('/');
    noPipe[key] = (noPipe[key] ?? 0) + 1;
    continue;
  }
  const fields = new Set();
  for (const [k, v] of Object.entries(rule.detection ?? {}))
    if (k !== 'condition' && k !== 'timeframe') collect(v, fields);
  fields.delete('');
  if (fields.size === 0) {
    stats.keywordOnly++;
    continue;
  }
  let explicit = true;
  let mapped = true;
  let unsup = false;
  for (const fld of fields) {
    if (fld in e.fields) continue;
    explicit = false;
    if (e.unsupported && fld in e.unsupported) {
      unsup = true;
      mapped = false;
    } else if (!e.unmappedFieldPrefix) {
      mapped = false;
      const key = `${JSON.stringify(e.logsource)} ${fld}`;
      missing[key] = (missing[key] ?? 0) + 1;
    }
  }
  if (explicit) stats.allExplicit++;
  if (mapped) stats.allWithFallback++;
  else if (unsup) stats.unsupported++;
  else stats.someUnmapped++;
}
console.log(JSON.stringify(stats, null, 1));
console.log(
  `rules with every detection field mapped (explicit or winlog.event_data fallback): ${stats.allWithFallback} of ${stats.rules}; explicitly mapped: ${stats.allExplicit}; keyword-only rules with a pipeline: ${stats.keywordOnly}`,
);
const top = (o, n) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${v} ${k}`)
    .join('\n');
console.log('top unmapped fields:\n' + top(missing, 25));
console.log('top logsources without a pipeline:\n' + top(noPipe, 20));
