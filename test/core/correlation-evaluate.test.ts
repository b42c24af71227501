/**
 * The correlation evaluator (src/evaluate/correlation.ts) as `sigmantic test` uses it: events in
 * time order by `@timestamp` (or --time-field), ISO 8601 or epoch seconds; the report keys of
 * plain rules (path, id, matches: file and index); chained correlations (the specification's
 * example: many failed logons followed by a success).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand, type TestReport } from '../../src/cli/test-command.js';
import { specExample } from '../support/correlation-fixtures.js';

/** The specification's example, with three failed logons for the inner event_count. */
const SPEC_EXAMPLE = specExample(3);

async function runOn(events: unknown[], timeField?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-ctest-'));
  writeFileSync(join(dir, 'mr_example.yml'), SPEC_EXAMPLE);
  writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
  let out = '';
  let err = '';
  const code = await runTestCommand(
    {
      inputs: [join(dir, 'mr_example.yml')],
      events: [join(dir, 'events.json')],
      report: join(dir, 'report.json'),
      quiet: false,
      'time-field': timeField,
    },
    (s) => (out += s),
    (s) => (err += s),
  );
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as TestReport;
  return { code, out, err, matches: report.rules.map((r) => [r.id, r.matches.map((m) => m.index)]) };
}

const at = (minute: number, second = 0) =>
  `2026-12-05T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
const failed = (t: string, User = 'alice') => ({ '@timestamp': t, EventID: 4625, User });
const success = (t: string, User = 'alice') => ({ '@timestamp': t, EventID: 4624, User });

describe('sigmantic test on correlations', () => {
  test('the chain triggers: three failures (the inner event_count), then a success within 10 minutes', async () => {
    const r = await runOn([failed(at(0)), failed(at(1)), failed(at(2)), success(at(12))]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.matches).toEqual([
      ['b180ead8-d58f-40b2-ae54-c8940995b9b6', [3]],
      ['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', [2]],
      ['53ba33fd-3a50-4468-a5ef-c583635cfa92', [0, 1, 2]],
      ['4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', [3]],
    ]);
  });

  test('one second outside the span, the wrong order, another user: no trigger', async () => {
    expect(
      (await runOn([failed(at(0)), failed(at(1)), failed(at(2)), success(at(12, 1))])).matches[0][1],
    ).toEqual([]);
    expect(
      (await runOn([success(at(0)), failed(at(1)), failed(at(2)), failed(at(3))])).matches[0][1],
    ).toEqual([]);
    expect(
      (await runOn([failed(at(0)), failed(at(1)), failed(at(2)), success(at(3), 'bob')])).matches[0][1],
    ).toEqual([]);
  });

  test('--time-field and epoch seconds', async () => {
    const ev = (t: number, id: number) => ({ ts: t, EventID: id, User: 'alice' });
    const r = await runOn([ev(0, 4625), ev(10, 4625), ev(20, 4625), ev(30, 4624)], 'ts');
    expect(r.matches[0][1]).toEqual([3]);
  });
});
