/**
 * The data side of the built-in ECS pipelines: for each entry of data/pipelines.json, a small
 * rule for its log source is converted with the `ecs` pipeline and the query is evaluated
 * (test/support/eval-kql.ts, Elasticsearch semantics per field type, types from ecs-fields.json
 * and pipelines.json `fieldTypes`) against documents as Elastic's integrations write them
 * (test/fixtures/vendor-rows/elastic/documents.json, each entry citing its vendor source). An
 * approximate query may also fire on a document the rule does not match, never miss one.
 */
import { readFileSync } from 'node:fs';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { esType } from '../../../backends/elastic-kql/fields.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { evalKql } from '../../support/eval-kql.js';

interface Fixture {
  readonly source: string;
  readonly detection: string;
  readonly docs: readonly { readonly fire: boolean; readonly doc: Record<string, unknown> }[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/vendor-rows/elastic/documents.json', import.meta.url), 'utf8'),
).entries as Record<string, Fixture>;

interface Entry {
  readonly logsource: Record<string, string>;
}
const data = JSON.parse(
  readFileSync(new URL('../../../backends/elastic-kql/data/pipelines.json', import.meta.url), 'utf8'),
) as Record<string, Entry[]>;
const SETS = ['ecs-windows', 'ecs-linux', 'ecs-cloud', 'ecs-web'] as const;
const entries = SETS.flatMap((set) =>
  data[set].map((e) => ({ id: `${set}:${Object.values(e.logsource).join('/')}`, logsource: e.logsource })),
);

function typesOf(doc: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(doc)) out[k] = esType(k) ?? 'keyword';
  return out;
}

test('every built-in ECS entry has vendor documents, with at least one that fires and one that does not', () => {
  expect(entries).toHaveLength(90);
  const ids = entries.map((e) => e.id);
  for (const id of Object.keys(fixtures)) expect(ids).toContain(id);
  const missing = ids.filter((id) => !Object.hasOwn(fixtures, id));
  expect(missing).toEqual([]);
  for (const id of ids) {
    const fires = fixtures[id].docs.map((d) => d.fire);
    expect({ id, fires: fires.includes(true), quiet: fires.includes(false) }).toEqual({
      id,
      fires: true,
      quiet: true,
    });
  }
});

describe('converted rules on documents in the vendor schema', () => {
  const ecs = [resolvePipeline('ecs', elasticBackend)];
  test.each(Object.entries(fixtures))('%s', (id, fx) => {
    const entry = entries.find((e) => e.id === id)!;
    const head =
      'title: t\nid: 00000000-0000-4000-8000-0000000000aa\nstatus: test\nlogsource:\n' +
      Object.entries(entry.logsource)
        .map(([k, v]) => `  ${k}: ${v}\n`)
        .join('');
    const text = head + 'detection:\n' + fx.detection.replace(/^/gm, '  ') + '\nlevel: low\n';
    const r = convertLoaded(loadRuleFromText(text, 'r.yml'), elasticBackend, ecs);
    expect({ status: r.status, errors: r.diagnostics.filter((d) => d.severity === 'error') }).toMatchObject({
      errors: [],
    });
    expect(r.queries).toHaveLength(1);
    const q = r.queries[0];
    for (const { fire, doc } of fx.docs) {
      const got = evalKql(q, doc, typesOf(doc));
      if (fire || r.status === 'exact') expect({ doc, q, fires: got }).toEqual({ doc, q, fires: fire });
    }
  });
});

describe('fields no vendor document holds are refused, never mapped to a field that is never written', () => {
  const ecs = [resolvePipeline('ecs', elasticBackend)];
  test.each([
    // Classic PowerShell Data: Winlogbeat writes param1..param3, the integration dissects and removes them.
    [
      'product: windows\n  service: powershell-classic',
      "Data|contains: 'HostApplication=powershell'",
      'Data',
    ],
    ['product: windows\n  category: ps_classic_start', "Data|contains: 'HostApplication=powershell'", 'Data'],
    // Elastic Defend macOS exec events (endpoint-package macos_process_exec.md) carry none of these.
    ['product: macos\n  category: process_creation', "OriginalFileName: 'meshagent'", 'OriginalFileName'],
    ['product: macos\n  category: process_creation', "ParentCommandLine|contains: 'x'", 'ParentCommandLine'],
    ['product: macos\n  category: process_creation', "CurrentDirectory: '/tmp'", 'CurrentDirectory'],
  ])('%s: %s', (logsource, item, field) => {
    const text =
      'title: t\nid: 00000000-0000-4000-8000-0000000000ab\nstatus: test\nlogsource:\n  ' +
      logsource +
      '\ndetection:\n  sel:\n    ' +
      item +
      '\n  condition: sel\nlevel: low\n';
    const r = convertLoaded(loadRuleFromText(text, 'r.yml'), elasticBackend, ecs);
    expect(r.queries).toEqual([]);
    expect(r.diagnostics.map((d) => d.message).join('\n')).toContain(
      `field '${field}' has no faithful ECS mapping`,
    );
  });
});
