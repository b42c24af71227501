/**
 * Correlations in a batch: references by name or id across files and directories, in any order;
 * clear errors (file:line:col) for a missing or ambiguous reference, a cycle, a bad timespan;
 * `generate: false` rules give no query of their own; never an aborted batch.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/run.js';
import type { RuleSummary } from '../../src/batch.js';
import { formatDiagnostic } from '../../src/diagnostics.js';

const FAILED = `title: Failed logon
id: 11111111-1111-4111-8111-111111111111
name: failed
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
`;
const SUCCESS = `title: Successful logon
name: success
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
`;
const corr = (title: string, body: string, extra = '') => `title: ${title}\n${extra}correlation:\n${body}\n`;
const COUNT = corr(
  'Brute force',
  '  type: event_count\n  rules: [failed]\n  group-by: [User]\n  timespan: 5m\n  condition: {gte: 5}',
);

async function convert(
  files: Record<string, string>,
  inputs?: string[],
  target = 'splunk',
  extra: { format?: string; settings?: Record<string, string> } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-corr-'));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  const results: RuleSummary[] = [];
  let out = '';
  const summary = await run(
    { targets: [target], inputs: (inputs ?? Object.keys(files)).map((i) => join(dir, i)), ...extra },
    { write: (_, s) => (out += s), onResult: (_, r) => results.push(r) },
  );
  const rel = (s: string) => s.split(dir + '/').join('');
  return {
    rows: results.map((r) => [rel(r.path), r.title, r.status, r.queries.length]),
    diags: results.flatMap((r) => r.diagnostics.map((d) => rel(formatDiagnostic(d)))),
    out,
    summary,
  };
}

describe('correlations in a batch', () => {
  test('a reference resolves across files and directories, whatever their order', async () => {
    const r = await convert({ 'a/corr.yml': COUNT, 'b/rules/failed.yml': FAILED }, ['a', 'b']);
    expect(r.rows).toEqual([
      ['a/corr.yml', 'Brute force', 'exact', 1],
      // generate defaults to false (the specification): the rule feeds the correlation only.
      ['b/rules/failed.yml', 'Failed logon', 'exact', 0],
    ]);
    expect(r.diags).toEqual([
      'b/rules/failed.yml:1:1: info correlation-only: named by a correlation with generate: false: converted as part of it, no query of its own',
    ]);
    expect(r.out).toContain('streamstats time_window=300s count as sigma_value by User');
  });

  test('by id, and generate: true keeps the rule’s own query', async () => {
    const text = COUNT.replace('rules: [failed]', 'rules: [11111111-1111-4111-8111-111111111111]').replace(
      '  condition:',
      '  generate: true\n  condition:',
    );
    const r = await convert({ 'corr.yml': text, 'failed.yml': FAILED });
    expect(r.rows).toEqual([
      ['corr.yml', 'Brute force', 'exact', 1],
      ['failed.yml', 'Failed logon', 'exact', 1],
    ]);
  });

  test('a missing reference, an ambiguous one, a bad timespan: errors at their place; the batch goes on', async () => {
    const r = await convert({
      '1.yml': COUNT.replace('rules: [failed]', 'rules: [nowhere]'),
      '2.yml': COUNT.replace('rules: [failed]', 'rules: [success]'),
      '3.yml': COUNT.replace('timespan: 5m', 'timespan: 5 minutes'),
      '4.yml': SUCCESS,
      '5.yml': SUCCESS.replace('Successful logon', 'Another success'),
      '6.yml': FAILED,
    });
    expect(r.rows.map((x) => x[2])).toEqual([
      'unsupported',
      'unsupported',
      'error',
      'exact',
      'exact',
      'exact',
    ]);
    expect(r.diags.filter((d) => / error /.test(d))).toEqual([
      "1.yml:4:11: error missing-reference: correlation rule 'nowhere' is not defined by any input (by name or id)",
      "2.yml:4:11: error ambiguous-reference: correlation rule 'success' names several documents: 4.yml:1, 5.yml:1",
      "3.yml:6:13: error invalid-timespan: 'correlation.timespan' must be a whole number and one unit of s, m, h, d, w, M, y (e.g. 90m), not '5 minutes'",
    ]);
  });

  test('a cycle of correlations is an error, not a hang', async () => {
    const a = corr(
      'A',
      '  type: temporal\n  rules: [b, failed]\n  group-by: [User]\n  timespan: 5m',
      'name: a\n',
    );
    const b = corr(
      'B',
      '  type: temporal\n  rules: [a, failed]\n  group-by: [User]\n  timespan: 5m',
      'name: b\n',
    );
    const r = await convert({ 'a.yml': a, 'b.yml': b, 'f.yml': FAILED });
    expect(r.diags.filter((d) => /reference-cycle/.test(d))).toEqual([
      "a.yml:5:11: error reference-cycle: in correlation 'b' (b.yml:1): in correlation 'a' (a.yml:1): correlation 'a' refers back to itself through 'b'",
      "b.yml:5:11: error reference-cycle: in correlation 'a' (a.yml:1): in correlation 'b' (b.yml:1): correlation 'b' refers back to itself through 'a'",
    ]);
  });

  test('a rule collection: correlation and rules in one file (the specification’s example)', async () => {
    const text = `${COUNT}---\n${FAILED}---\n${SUCCESS}`;
    const r = await convert({ 'mr_brute.yml': text });
    expect(r.rows).toEqual([
      ['mr_brute.yml', 'Brute force', 'exact', 1],
      ['mr_brute.yml', 'Failed logon', 'exact', 0],
      ['mr_brute.yml', 'Successful logon', 'exact', 1],
    ]);
  });

  test('a target without correlations refuses them (unsupported-rule-type), the rules still convert', async () => {
    const r = await convert({ 'corr.yml': COUNT, 'f.yml': FAILED }, undefined, 'ir');
    expect(r.rows.map((x) => x[2])).toEqual(['unsupported', 'exact']);
    expect(r.diags[0]).toBe(
      "corr.yml:1:1: error unsupported-rule-type: target 'ir' does not convert correlation rules",
    );
  });

  test('savedsearches: the search of a correlation looks back its timespan plus the 15-minute schedule', async () => {
    const files = { 'corr.yml': COUNT, 'f.yml': FAILED };
    const r = await convert(files, undefined, 'splunk', { format: 'savedsearches' });
    expect(r.out).toContain('[Brute force]');
    expect(r.out).toContain('dispatch.earliest_time = -1200s@m');
    const given = await convert(files, undefined, 'splunk', {
      format: 'savedsearches',
      settings: { earliest: '-1d' },
    });
    expect(given.out).toContain('dispatch.earliest_time = -1d');
  });

  test('deterministic', async () => {
    const files = { 'corr.yml': COUNT, 'f.yml': FAILED, 's.yml': SUCCESS };
    expect((await convert(files)).out).toBe((await convert(files)).out);
  });
});
