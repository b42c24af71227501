/**
 * Every entry of the built-in Sentinel pipelines against rows in the vendor's own schema
 * (test/fixtures/vendor-rows/sentinel/*.json, each file citing the vendor documents its rows come
 * from): a small rule for the entry's log source, converted with that entry's pipeline, evaluated
 * row by row with the Kusto interpreter (Microsoft's parser) against the table's declared columns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { logsourceData, PIPELINE_NAMES, type Entry } from '../../../backends/sentinel-kql/pipelines.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { evalKusto } from '../../support/eval-kusto.js';
import { bindKusto } from '../../support/kusto.js';
import tablesJson from '../../../backends/sentinel-kql/data/tables.json' with { type: 'json' };

const TABLES = tablesJson as Record<string, Record<string, string>>;
const DIR = new URL('../../fixtures/vendor-rows/sentinel/', import.meta.url).pathname;

interface Case {
  readonly detection: string;
  readonly rows: ReadonlyArray<{ readonly match: boolean; readonly row: Record<string, unknown> }>;
}
const CASES: Record<string, Case> = {};
for (const f of readdirSync(DIR)
  .filter((x) => x.endsWith('.json'))
  .sort())
  Object.assign(
    CASES,
    (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { cases: Record<string, Case> }).cases,
  );

const id = (p: string, e: Entry) =>
  `${p}:${e.logsource.product ?? '*'}/${e.logsource.category ?? '*'}/${e.logsource.service ?? '*'}`;
const ENTRIES = PIPELINE_NAMES.flatMap((p) => logsourceData()[p].map((e) => [id(p, e), p, e] as const));

function ruleText(e: Entry, detection: string): string {
  const ls = Object.entries(e.logsource)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  const det = detection
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
  return `title: t\nid: 11111111-1111-4111-8111-111111111111\nstatus: test\nlogsource:\n${ls}\ndetection:\n${det}\nlevel: high\n`;
}

test('every built-in entry has vendor rows', () => {
  const missing = ENTRIES.filter(([k, , e]) => !e.unsupported && !CASES[k]).map(([k]) => k);
  expect(missing).toEqual([]);
  const unknown = Object.keys(CASES).filter((k) => !ENTRIES.some(([x]) => x === k));
  expect(unknown).toEqual([]);
});

describe.each(ENTRIES.filter(([k]) => CASES[k]).map(([k, p, e]) => [k, p, e] as const))(
  '%s',
  (key, pipeline, e) => {
    const c = CASES[key];
    const r = convertLoaded(loadRuleFromText(ruleText(e, c.detection), `${key}.yml`), sentinelBackend, [
      resolvePipeline(pipeline, sentinelBackend),
    ]);
    test('converts exactly onto its table and binds', () => {
      // An entry whose table holds other sources' rows too says so (approximate, widening).
      expect(r.diagnostics.map((d) => d.code)).toEqual(e.widens ? ['approximation'] : []);
      expect(r.status).toBe(e.widens ? 'approximate' : 'exact');
      expect(r.queries[0].split('\n')[0]).toBe(e.table);
      expect(bindKusto(r.queries[0], TABLES).errors).toEqual([]);
    });
    test.each(c.rows.map((x, i) => [i, x.match, x.row] as const))('row %i fires: %s', (_i, match, row) => {
      expect(evalKusto(r.queries[0], row, TABLES[e.table])).toBe(match);
    });
  },
);

test('every column an entry names is a column of its table (tables.json, from the vendor table references)', () => {
  const problems: string[] = [];
  for (const [key, , e] of ENTRIES) {
    const cols = TABLES[e.table];
    if (!cols) {
      problems.push(`${key}: table ${e.table} not in tables.json`);
      continue;
    }
    const need = new Set<string>();
    for (const c of Object.keys(e.conditions ?? {})) need.add(c);
    for (const t of Object.values(e.fields ?? {})) need.add(t.split('.')[0]);
    for (const x of Object.values(e.enums ?? {})) need.add(x.column);
    for (const p of Object.values(e.pathColumns ?? {})) need.add(p);
    if (e.fallback) need.add(e.fallback.column);
    if (e.keywords && e.keywords !== '*') need.add(e.keywords);
    // Column names in derived expressions: every identifier followed by neither `(` nor `.`-call.
    for (const d of Object.values(e.derived ?? {}))
      for (const m of d.expr
        .replace(/@"(?:[^"]|"")*"|"(?:[^"\\]|\\.)*"/g, '""')
        .matchAll(/(?<![.\w])([A-Z][A-Za-z0-9_]*)\b(?!\s*\()/g))
        need.add(m[1]);
    for (const c of need) if (!(c in cols)) problems.push(`${key}: ${c} is not a column of ${e.table}`);
  }
  expect(problems).toEqual([]);
});
