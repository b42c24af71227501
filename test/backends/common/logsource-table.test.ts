/**
 * The one entry-table rule (backends/common/logsource-table.ts): the most specific applicable
 * entry wins, the first in table order among equals; the generated pipeline picks the same entry
 * as `chooseRow`; and each built-in table picks, for every logsource, the entry the backend's own
 * generator picked before the generators were unified (their rules are restated here).
 */
import { readFileSync } from 'node:fs';
import {
  applies,
  chooseRow,
  entryTablePipeline,
  ranked,
  rowId,
  specificity,
  type LogsourceKey,
  type TableRow,
} from '../../../backends/common/logsource-table.js';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { splunkBackend } from '../../../backends/splunk/index.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { DiagnosticSink } from '../../../src/diagnostics.js';
import { applyPipelines } from '../../../src/pipeline/index.js';
import type { PipelineSpec } from '../../../src/pipeline/types.js';

const json = <T>(rel: string): T =>
  JSON.parse(readFileSync(new URL(`../../../${rel}`, import.meta.url), 'utf8')) as T;

type Row = TableRow & { entry: { logsource: LogsourceKey; tag?: string } };
const row = (group: string, logsource: LogsourceKey, tag = ''): Row => ({ group, entry: { logsource, tag } });

/** The state a pipeline leaves for a rule with this logsource (and a detection on `field`). */
function stateFor(spec: PipelineSpec, ls: LogsourceKey, field = 'CommandLine'): Record<string, unknown> {
  const lines = Object.entries(ls)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k}: ${v}`);
  const text = `title: t\nlogsource:\n${lines.join('\n') || '  product: x-none'}\ndetection:\n  sel:\n    ${field}: a\n  condition: sel\n`;
  const r = loadRuleFromText(text, 't.yml');
  if (!r.ir || !r.rule) throw new Error(`rule does not build: ${JSON.stringify(r.diagnostics)}`);
  return applyPipelines([spec], r.rule, r.ir, new DiagnosticSink('t.yml')).state;
}

describe('the specificity rule', () => {
  const rows = [
    row('a', { product: 'windows' }, 'windows'),
    row('a', { product: 'windows', service: 'sysmon' }, 'sysmon-service'),
    row('a', { product: 'windows', category: 'process_creation' }, 'proc-category'),
    row('b', { product: 'windows', category: 'process_creation' }, 'proc-category-b'),
    row('a', { category: 'process_creation' }, 'any-proc'),
  ];
  const tag = (ls: LogsourceKey, accept?: (r: Row) => boolean) => chooseRow(rows, ls, accept)?.entry.tag;

  test('specificity counts the named keys; an entry applies when each named key is equal', () => {
    expect(specificity({})).toBe(0);
    expect(specificity({ product: 'windows', category: 'x', service: 'y' })).toBe(3);
    expect(applies({ product: 'windows' }, { product: 'windows', category: 'x' })).toBe(true);
    expect(applies({ product: 'windows', service: 's' }, { product: 'windows', category: 'x' })).toBe(false);
    expect(applies({}, {})).toBe(true);
  });

  test('the most specific applicable entry wins, whatever its place in the table', () => {
    expect(tag({ product: 'windows' })).toBe('windows');
    expect(tag({ product: 'windows', service: 'sysmon' })).toBe('sysmon-service');
    expect(tag({ product: 'windows', service: 'security' })).toBe('windows');
    expect(tag({ product: 'linux', category: 'process_creation' })).toBe('any-proc');
    expect(tag({ product: 'linux' })).toBeUndefined();
  });

  test('among equally specific entries the first in table order wins', () => {
    // Both windows/sysmon (service) and windows/process_creation (category, twice) apply.
    expect(tag({ product: 'windows', category: 'process_creation', service: 'sysmon' })).toBe(
      'sysmon-service',
    );
    expect(tag({ product: 'windows', category: 'process_creation' })).toBe('proc-category');
    expect(ranked(rows).map((r) => r.entry.tag)).toEqual([
      'sysmon-service',
      'proc-category',
      'proc-category-b',
      'windows',
      'any-proc',
    ]);
  });

  test('a guard that refuses an entry lets the next one in rank win', () => {
    expect(tag({ product: 'windows', category: 'process_creation' }, (r) => r.group !== 'a')).toBe(
      'proc-category-b',
    );
  });

  test('the generated pipeline records the same entry, runs only its items, and `unmatched` only without one', () => {
    const spec = entryTablePipeline<Row['entry']>({
      name: 'toy-table',
      stateKey: 'toy.entry',
      rows,
      before: [{ type: 'set_state', key: 'before', val: 'ran' }],
      items: (r) => [{ type: 'set_state', key: 'chosen', val: r.entry.tag }],
      guard: (r) =>
        r.entry.tag === 'proc-category'
          ? { conditions: { f: { type: 'contains_field', field: 'Hashes' } }, expr: 'not f' }
          : undefined,
      unmatched: [{ type: 'set_state', key: 'unmatched', val: 'yes' }],
    });
    expect(spec.priority).toBe(20);
    expect(spec.source).toBe('builtin:toy-table');
    const cases: Array<[LogsourceKey, string]> = [
      [{ product: 'windows' }, 'CommandLine'],
      [{ product: 'windows', category: 'process_creation' }, 'CommandLine'],
      [{ product: 'windows', category: 'process_creation' }, 'Hashes'],
      [{ product: 'windows', category: 'process_creation', service: 'sysmon' }, 'CommandLine'],
      [{ product: 'linux', category: 'process_creation' }, 'CommandLine'],
      [{ product: 'linux' }, 'CommandLine'],
    ];
    for (const [ls, field] of cases) {
      const s = stateFor(spec, ls, field);
      const want = chooseRow(rows, ls, (r) => !(r.entry.tag === 'proc-category' && field === 'Hashes'));
      expect([ls, field, s]).toEqual([
        ls,
        field,
        want
          ? { before: 'ran', 'toy.entry': rowId(want), chosen: want.entry.tag }
          : { before: 'ran', 'toy.entry': '', unmatched: 'yes' },
      ]);
    }
  });
});

/**
 * Every logsource that can tell two entries of a table apart: each entry's own, and the union of
 * any two compatible entries' (where a tie or a specificity difference decides).
 */
function probes(logsources: readonly LogsourceKey[]): LogsourceKey[] {
  const seen = new Map<string, LogsourceKey>();
  const add = (ls: LogsourceKey) => seen.set(JSON.stringify([ls.product, ls.category, ls.service]), ls);
  for (const a of logsources) {
    add(a);
    for (const b of logsources)
      if (applies(a, { ...a, ...b }) && applies(b, { ...a, ...b })) add({ ...a, ...b });
  }
  return [...seen.values()];
}

describe('each built-in table keeps the entry its own generator picked before the unification', () => {
  test('elastic ecs: the first applicable entry in data order (entries listed most specific first)', () => {
    type E = { logsource: LogsourceKey };
    const data = json<Record<string, E[]>>('backends/elastic-kql/data/pipelines.json');
    const sets = ['ecs-windows', 'ecs-linux', 'ecs-cloud', 'ecs-web'];
    const rows = sets.flatMap((group) => data[group].map((entry) => ({ group, entry })));
    const spec = elasticBackend.pipelines.ecs();
    const all = probes(rows.map((r) => r.entry.logsource));
    expect(all.length).toBeGreaterThan(rows.length);
    for (const ls of all) {
      const before = rows.find((r) => applies(r.entry.logsource, ls));
      expect([ls, chooseRow(rows, ls)]).toEqual([ls, before]);
    }
    // The pipeline itself, on every entry's own logsource and a sample of the unions.
    for (const ls of all.filter((_, i) => i < rows.length || i % 25 === 0)) {
      const before = rows.find((r) => applies(r.entry.logsource, ls));
      expect([ls, stateFor(spec, ls).ecs_entry]).toEqual([ls, before ? rowId(before) : '']);
    }
  });

  test('sentinel: the LAST of the most specific applicable entries (logsources.json, then pipeline order)', () => {
    type E = { logsource: LogsourceKey; unmapped?: Record<string, string> };
    const data = json<{ pipelines: Record<string, E[]> }>(
      'backends/sentinel-kql/data/logsources.json',
    ).pipelines;
    const order = ['sentinel-windows', 'sentinel-linux', 'sentinel-cloud', 'sentinel-defender'];
    const listed = order.flatMap((group) => data[group].map((entry) => ({ group, entry })));
    // The old generator: sorted by specificity (stable), every applicable entry set the state, so
    // the last one of the highest specificity won; Defender entries only without their unmapped fields.
    const before = (ls: LogsourceKey, field: string) => {
      let best: (typeof listed)[number] | undefined;
      for (const r of listed) {
        if (!applies(r.entry.logsource, ls)) continue;
        if (r.group === 'sentinel-defender' && Object.hasOwn(r.entry.unmapped ?? {}, field)) continue;
        if (!best || specificity(r.entry.logsource) >= specificity(best.entry.logsource)) best = r;
      }
      return best;
    };
    const spec = sentinelBackend.pipelines.sentinel();
    const all = probes(listed.map((r) => r.entry.logsource));
    let checked = 0;
    for (const [i, ls] of all.entries())
      for (const field of ['CommandLine', 'Hashes']) {
        const want = before(ls, field);
        if (i >= listed.length && i % 25 !== 0) continue;
        expect([ls, field, stateFor(spec, ls, field)['sentinel.entry']]).toEqual([
          ls,
          field,
          want ? rowId(want) : '',
        ]);
        checked++;
      }
    expect(checked).toBeGreaterThan(listed.length);
  });

  test('splunk windows: one entry per rule; a rule with both a category and a service gets the service entry', () => {
    type E = { logsource: LogsourceKey; source: string | string[] };
    const d = json<{ sources: E[] }>('backends/splunk/data/windows.json');
    const rows = d.sources.map((entry) => ({ group: 'windows', entry }));
    const spec = splunkBackend.pipelines.windows();
    for (const ls of probes(rows.map((r) => r.entry.logsource)).filter((_, i) => i % 10 === 0)) {
      const applicable = rows.filter((r) => applies(r.entry.logsource, ls));
      // Before, every applicable entry added its source condition; all of windows.json's entries
      // name two keys, so only a rule naming a category and a service had two.
      if (applicable.length < 2)
        expect([ls, stateFor(spec, ls)['splunk.entry']]).toEqual([
          ls,
          applicable[0] ? rowId(applicable[0]) : '',
        ]);
      else {
        expect(applicable.map((r) => specificity(r.entry.logsource))).toEqual([2, 2]);
        expect(stateFor(spec, ls)['splunk.entry']).toBe(
          rowId(applicable.find((r) => r.entry.logsource.service)!),
        );
      }
    }
  });
});
