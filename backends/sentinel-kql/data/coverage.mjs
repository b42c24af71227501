#!/usr/bin/env node
// Coverage of the Sigma corpus by data/logsources.json, and consistency of logsources.json with tables.json.
//
// Usage: node backends/sentinel-kql/data/coverage.mjs [corpusDir] [--json] [--verbose]
//   corpusDir defaults to $SIGMA_CORPUS or /work/shared/sigma-corpus; the active corpus is its rules* folders.
// Needs js-yaml: resolved from the repo's node_modules, else from $JS_YAML (path to js-yaml.mjs or its package dir),
// else /tmp/probe-kusto/node_modules/js-yaml.
//
// A rule "lands" in a pipeline when an entry's logsource equals the rule's (product, category, service) triple
// exactly. It is "fully mapped" when every detection field name is covered by the entry: `fields`, `valueMaps`,
// `pathColumns` prefixes, a `fallback` column (any field), and for keyword detections / field-less values (`'|contains'`)
// a `keywords` target (or fields[""]). Exit code 1 if logsources.json names a column that tables.json lacks.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const verbose = args.includes('--verbose');
const corpus =
  args.find((a) => !a.startsWith('--')) ?? process.env.SIGMA_CORPUS ?? '/work/shared/sigma-corpus';

async function loadYaml() {
  const tries = [];
  try {
    return await import('js-yaml');
  } catch (e) {
    tries.push('js-yaml: ' + e.code);
  }
  for (const p of [process.env.JS_YAML, '/tmp/probe-kusto/node_modules/js-yaml'].filter(Boolean)) {
    try {
      const st = fs.statSync(p);
      if (st.isFile()) return await import(pathToFileURL(p).href);
      const req = createRequire(path.join(p, 'package.json'));
      return req(p);
    } catch (e) {
      tries.push(`${p}: ${e.code ?? e.message}`);
    }
  }
  throw new Error('js-yaml not found (' + tries.join('; ') + ')');
}
const yaml = await loadYaml();
const tables = JSON.parse(fs.readFileSync(path.join(here, 'tables.json'), 'utf8'));
const { pipelines } = JSON.parse(fs.readFileSync(path.join(here, 'logsources.json'), 'utf8'));

// ---- 1. consistency: every named column exists ----
const problems = [];
for (const [pname, entries] of Object.entries(pipelines)) {
  for (const e of entries) {
    const where = `${pname} ${JSON.stringify(e.logsource)}`;
    const cols = tables[e.table];
    if (!cols) {
      problems.push(`${where}: unknown table ${e.table}`);
      continue;
    }
    const need = (target, what) => {
      const col = String(target).split('.')[0];
      if (!(col in cols)) problems.push(`${where}: ${what} -> ${target}: column ${col} not in ${e.table}`);
      else if (String(target).includes('.') && !['dynamic', 'string'].includes(cols[col]))
        problems.push(`${where}: ${what} -> ${target}: path into non-dynamic ${cols[col]} column`);
    };
    for (const [f, t] of Object.entries(e.fields ?? {})) need(t, f);
    for (const c of Object.keys(e.conditions ?? {})) need(c, 'condition');
    for (const [f, vm] of Object.entries(e.valueMaps ?? {})) need(vm.column, f);
    for (const [p, c] of Object.entries(e.pathColumns ?? {})) need(c, p + '*');
    if (e.fallback) need(e.fallback.column, 'fallback');
    if (e.keywords && e.keywords !== '*') need(e.keywords, 'keywords');
  }
}

// ---- 2. corpus ----
const files = [];
const walk = (d) => {
  for (const x of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, x.name);
    if (x.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(x.name)) files.push(p);
  }
};
for (const d of fs
  .readdirSync(corpus)
  .filter((d) => d.startsWith('rules'))
  .sort())
  walk(path.join(corpus, d));

function detectionFields(det) {
  const out = new Set();
  const visit = (v) => {
    if (Array.isArray(v)) {
      if (v.some((x) => x === null || typeof x !== 'object')) out.add('<keywords>');
      for (const x of v) if (x && typeof x === 'object') visit(x);
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) out.add(k.split('|')[0]);
    } else out.add('<keywords>');
  };
  for (const [name, v] of Object.entries(det ?? {}))
    if (name !== 'condition' && name !== 'timeframe') visit(v);
  return [...out];
}
const key = (ls) => [ls?.product ?? '', ls?.category ?? '', ls?.service ?? ''].join('/');
const index = {};
for (const [pname, entries] of Object.entries(pipelines))
  for (const e of entries) (index[key(e.logsource)] ??= []).push([pname, e]);

function fieldOk(e, f) {
  if (f === '<keywords>') return !!e.keywords;
  if (f === '') return '' in (e.fields ?? {}) || !!e.keywords;
  if (e.fields && f in e.fields) return true;
  if (e.valueMaps && f in e.valueMaps) return true;
  if (e.pathColumns && Object.keys(e.pathColumns).some((p) => f.startsWith(p))) return true;
  return !!e.fallback;
}

const stats = { rules: files.length, landed: 0, full: 0, perPipeline: {}, perLogsource: {}, missing: {} };
for (const p of Object.keys(pipelines)) stats.perPipeline[p] = { landed: 0, full: 0 };
for (const f of files) {
  let doc;
  try {
    doc = yaml.load(fs.readFileSync(f, 'utf8'));
  } catch {
    doc = null;
  }
  const k = key(doc?.logsource);
  const fields = detectionFields(doc?.detection);
  const ls = (stats.perLogsource[k] ??= { rules: 0, landed: 0, full: 0, tables: new Set() });
  ls.rules++;
  const cands = (index[k] ?? []).filter(([, e]) => !e.unsupported);
  if (!cands.length) continue;
  stats.landed++;
  ls.landed++;
  let anyFull = false;
  let best = null; // smallest list of unmapped fields among the candidate entries
  for (const [pname, e] of cands) {
    stats.perPipeline[pname].landed++;
    const miss = fields.filter((x) => !fieldOk(e, x));
    if (!miss.length) {
      anyFull = true;
      stats.perPipeline[pname].full++;
      ls.tables.add(e.table);
    } else if (best === null || miss.length < best.length) best = miss;
  }
  if (anyFull) {
    stats.full++;
    ls.full++;
  } else
    for (const m of best ?? []) {
      const mk = `${k} ${m}`;
      stats.missing[mk] = (stats.missing[mk] ?? 0) + 1;
    }
}
const pct = (a, b) => ((100 * a) / b).toFixed(1) + '%';
if (asJson) {
  for (const v of Object.values(stats.perLogsource)) v.tables = [...v.tables];
  console.log(JSON.stringify({ ...stats, problems }, null, 2));
} else {
  console.log(`active corpus: ${stats.rules} rules in ${corpus}`);
  console.log(`land on a mapped table (any pipeline): ${stats.landed} (${pct(stats.landed, stats.rules)})`);
  console.log(`land with all detection fields mapped: ${stats.full} (${pct(stats.full, stats.rules)})`);
  for (const [p, v] of Object.entries(stats.perPipeline))
    console.log(`  ${p}: landed ${v.landed}, fully mapped ${v.full}`);
  console.log('\nper logsource (product/category/service): rules landed full [tables]');
  for (const [k, v] of Object.entries(stats.perLogsource).sort((a, b) => b[1].rules - a[1].rules))
    if (verbose || v.full < v.rules)
      console.log(
        `  ${String(v.rules).padStart(5)} ${String(v.landed).padStart(5)} ${String(v.full).padStart(5)}  ${k}  [${[...v.tables].join(', ')}]`,
      );
  console.log('\nmost frequent unmapped fields (logsource field: rules):');
  for (const [k, n] of Object.entries(stats.missing)
    .sort((a, b) => b[1] - a[1])
    .slice(0, verbose ? 1000 : 40))
    console.log(`  ${k}: ${n}`);
  console.log(
    problems.length
      ? `\nPROBLEMS (${problems.length}):\n  ` + problems.join('\n  ')
      : '\nlogsources.json is consistent with tables.json',
  );
}
process.exit(problems.length ? 1 : 0);
