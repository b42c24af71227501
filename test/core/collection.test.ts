/**
 * A file of several YAML documents is a Sigma rule collection (issue 12): each document is a rule
 * of its own in conversion, counts, reports, the cache and `sigmantic test`, in file order, with
 * its own positions.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionCache } from '../../src/cache.js';
import { runTestCommand } from '../../src/cli/test-command.js';
import { reportEntry, type RunOptions, type RuleSummary } from '../../src/batch.js';
import { run } from '../../src/run.js';

const FILE = 'test/fixtures/core/collection/collection.yml';
const dir = mkdtempSync(join(tmpdir(), 'sigmantic-collection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function convert(options: RunOptions) {
  const out: string[] = [];
  const results: RuleSummary[] = [];
  const summary = await run(options, {
    write: (t, s) => out.push(`${t}:${s}`),
    onResult: (_t, r) => results.push(r),
  });
  return { out: out.join(''), results, summary };
}

test('each document converts as its own rule, reported in file order with its own positions', async () => {
  const r = await convert({ targets: ['splunk'], inputs: [FILE] });
  expect(r.summary.counts.splunk).toEqual({ exact: 2, approximate: 0, unsupported: 0, error: 1 });
  const report = r.results.map(reportEntry);
  expect(report.map((e) => [e.path, e.id, e.status])).toEqual([
    [FILE, '6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a01', 'exact'],
    [FILE, '6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a02', 'error'],
    [FILE, '6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a03', 'exact'],
  ]);
  expect(report[1].diagnostics).toEqual([
    {
      severity: 'error',
      code: 'undefined-identifier',
      message: "'missing' is not defined in the detection",
      line: 21,
      column: 22,
    },
  ]);
  expect(r.out).toContain('-enc');
  expect(r.out).toContain('certutil.exe');
});

test('the cache keeps one entry per file and gives every document back', async () => {
  const cache = join(dir, 'cache');
  const base: RunOptions = { targets: ['splunk', 'sentinel'], inputs: [FILE], cacheDetail: true };
  const plain = await convert(base);
  const first = await convert({ ...base, cache });
  const second = await convert({ ...base, cache });
  expect(first.out).toBe(plain.out);
  expect(second.out).toBe(plain.out);
  expect(second.results).toEqual(plain.results);
  expect(second.summary.counts).toEqual(plain.summary.counts);
  const c = ConversionCache.open(cache, { ...base, cache }, true);
  const { readFileSync } = await import('node:fs');
  const hit = c.get(FILE, readFileSync(FILE, 'utf8'));
  expect(hit?.map((doc) => doc.map((o) => o.summary.status))).toEqual([
    ['exact', 'exact'],
    ['error', 'error'],
    ['exact', 'exact'],
  ]);
});

test('sigmantic test: every document is matched on its own; a test file names a document by id', async () => {
  const events = join(dir, 'events.json');
  writeFileSync(
    events,
    JSON.stringify([
      { Image: 'C:\\w\\powershell.exe', CommandLine: 'powershell -enc AAA' },
      { Image: 'C:\\w\\certutil.exe', CommandLine: 'certutil -urlcache -f http://x' },
    ]),
  );
  let out = '';
  let err = '';
  const code = await runTestCommand(
    { inputs: [FILE], events: [events], quiet: false },
    (s) => (out += s),
    (s) => (err += s),
  );
  expect(code).toBe(1); // the second document does not build
  expect(out).toContain(
    `${FILE} (6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a01): 1 of 2 events match\n  ${events} #0`,
  );
  expect(out).toContain(
    `${FILE} (6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a03): 1 of 2 events match\n  ${events} #1`,
  );
  expect(err).toContain(`${FILE}:21:22: error undefined-identifier`);

  const tests = join(dir, 'sigmantic-tests.yml');
  writeFileSync(
    tests,
    [
      'rules:',
      '  - rule: 6f2a4a0e-8a3e-4b7e-9a51-0f8a7c0d1a03',
      '    tests:',
      '      - name: certutil only',
      `        events: [${JSON.stringify(events)}]`,
      '        match: [1]',
    ].join('\n') + '\n',
  );
  out = '';
  err = '';
  await runTestCommand(
    { inputs: [FILE, tests], quiet: false },
    (s) => (out += s),
    (s) => (err += s),
  );
  expect(out).toContain('1 tests: 1 passed, 0 failed');

  // By path, a collection is ambiguous: a clear error.
  writeFileSync(
    tests,
    `rules:\n  - rule: ${join(process.cwd(), FILE)}\n    tests:\n      - {inline: [{}], match: none}\n`,
  );
  err = '';
  expect(
    await runTestCommand(
      { inputs: [tests], quiet: true },
      () => {},
      (s) => (err += s),
    ),
  ).toBe(1);
  expect(err).toContain('holds 3 rules (documents): name the rule by its id');
});
