/**
 * Linked runs (correlations or filters among the inputs, or --filter): --cache is honoured (a
 * rule file's entry is keyed by its text and what the linking gives it, so a changed filter, a
 * changed correlation or a new rule of the same name never serves a stale result), and -j is
 * declined with a note (issue #17). -j with --cache: the cache is used (on one thread), said in a
 * note (threads used to leave the cache out without a word).
 */
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionCache } from '../../src/cache.js';
import type { RunOptions, RuleSummary, RunSummary } from '../../src/batch.js';
import { run } from '../../src/run.js';

const dir = mkdtempSync(join(tmpdir(), 'sigmantic-linked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rule = (title: string, name: string, image: string) => `title: ${title}
name: ${name}
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '${image}'
  condition: sel
`;
const filter = (user: string) => `title: Admin filter
logsource:
  category: process_creation
  product: windows
filter:
  rules:
    - rule_two
  selection:
    User|startswith: '${user}'
  condition: selection
`;
const correlation = (generate: boolean) => `title: Many rar
correlation:
  type: event_count
  rules:
    - rule_one
  group-by:
    - User
  timespan: 1h
  condition:
    gte: 10
  generate: ${generate}
`;

async function convert(options: RunOptions & { jobs?: number }) {
  const out: string[] = [];
  const results: RuleSummary[] = [];
  const summary: RunSummary = await run(options, {
    write: (t, s) => out.push(`${t}:${s}`),
    onResult: (t, r) => results.push({ ...r, path: `${t}:${r.path}` }),
  });
  return {
    out: out.join(''),
    results: results.map((r) => [r.path, r.status, r.diagnostics] as const),
    summary,
  };
}

test('--cache in a linked run: unchanged rule files are served from it, and nothing stale is', async () => {
  const src = join(dir, 'rules');
  mkdirSync(src);
  writeFileSync(join(src, 'a-one.yml'), rule('One', 'rule_one', '\\one.exe'));
  writeFileSync(join(src, 'b-two.yml'), rule('Two', 'rule_two', '\\two.exe'));
  writeFileSync(join(src, 'c-corr.yml'), correlation(true));
  writeFileSync(join(src, 'd-filter.yml'), filter('adm_'));
  const base: RunOptions = { targets: ['splunk', 'sentinel'], inputs: [src] };
  const cache = join(dir, 'cache');
  const get = jest.spyOn(ConversionCache.prototype, 'get');
  const hits = () => get.mock.results.filter((r) => r.value !== undefined).length;
  const same = async (what: string) => {
    get.mockClear();
    const cold = await convert(base);
    const warm = await convert({ ...base, cache });
    expect([what, warm.out, warm.results]).toEqual([what, cold.out, cold.results]);
    return warm;
  };
  const first = await same('first run');
  expect(first.out).toContain('NOT'); // the filter is in rule_two's query
  expect(get).toHaveBeenCalledTimes(2); // the two rule files; the linking files are converted each time
  expect(hits()).toBe(0);
  await same('second run');
  expect(hits()).toBe(2);
  // A changed filter: rule_two's entry no longer serves (nor rule_one's: it is keyed by every link).
  writeFileSync(join(src, 'd-filter.yml'), filter('svc_'));
  expect((await same('filter changed')).out).toContain('svc_');
  expect(hits()).toBe(0);
  // The correlation stops generating rule_one's query: rule_one gives none.
  writeFileSync(join(src, 'c-corr.yml'), correlation(false));
  const only = await same('generate: false');
  expect(only.results.filter(([, , d]) => JSON.stringify(d).includes('correlation-only'))).toHaveLength(2);
  await same('unchanged again');
  expect(hits()).toBe(2);
  // A second rule named rule_one: the reference is ambiguous, so rule_one's file is its own again.
  writeFileSync(join(src, 'e-one-again.yml'), rule('One again', 'rule_one', '\\again.exe'));
  const ambiguous = await same('a second rule_one');
  expect(ambiguous.results.filter(([, , d]) => JSON.stringify(d).includes('correlation-only'))).toHaveLength(
    0,
  );
  get.mockRestore();
});

test('-j in a linked run: converted on one thread, with a note naming the file that links', async () => {
  const src = join(dir, 'many');
  mkdirSync(src);
  // Enough files for -j to start threads in a run without links (run.ts PARALLEL_MIN).
  for (let i = 0; i < 400; i++)
    writeFileSync(join(src, `r${String(i).padStart(3, '0')}.yml`), rule(`R${i}`, `r${i}`, `\\r${i}.exe`));
  writeFileSync(join(src, 'z-filter.yml'), filter('adm_').replace('rule_two', 'r7'));
  const base: RunOptions = { targets: ['splunk'], inputs: [src] };
  const one = await convert(base);
  const two = await convert({ ...base, jobs: 2 });
  expect(two.out).toBe(one.out);
  expect(one.summary.notes).toEqual([]);
  expect(two.summary.notes).toEqual([
    {
      severity: 'info',
      code: 'single-thread',
      message:
        'a correlation or filter links rules across the input files: they are converted on one thread (-j 2 applies to runs without correlations and filters)',
      file: join(src, 'z-filter.yml'),
    },
  ]);
});

test("a linked run's documents get their output format's checks, as other rules do", async () => {
  const src = join(dir, 'checked');
  mkdirSync(src);
  writeFileSync(join(src, 'one.yml'), rule('One', 'rule_one', '\\one.exe').replace('Image|', 'FolderPath|'));
  writeFileSync(
    join(src, 'two.yml'),
    correlation(true)
      .replace('title: Many rar\n', 'title: Many rar\ntags:\n  - attack.t9999\n')
      .replace('- User', '- ProcessCommandLine'),
  );
  const r = await convert({
    targets: ['sentinel'],
    inputs: [src],
    format: 'analytics-rule',
    defaultPipelines: false,
    settings: { table: 'DeviceProcessEvents' },
  });
  // Before, a correlation's analytics rule skipped them (its unknown tag went unsaid).
  expect(r.results.map(([path, status, d]) => [path, status, d.map((x) => [x.code, x.line])])).toEqual([
    [`sentinel:${join(src, 'one.yml')}`, 'exact', []],
    [`sentinel:${join(src, 'two.yml')}`, 'exact', [['unknown-attack-tag', 3]]],
  ]);
});

test('-j with --cache: the cache serves the run on one thread, with a note naming the cache folder', async () => {
  const src = join(dir, 'many');
  const cache = join(dir, 'cache-j');
  const base: RunOptions = { targets: ['splunk'], inputs: [src], exclude: ['**/z-filter.yml'] };
  const plain = await convert(base);
  const get = jest.spyOn(ConversionCache.prototype, 'get');
  const cold = await convert({ ...base, cache, jobs: 2 });
  const warm = await convert({ ...base, cache, jobs: 2 });
  expect(get.mock.results.filter((r) => r.value !== undefined)).toHaveLength(400); // the warm run's
  get.mockRestore();
  expect([cold.out, warm.out]).toEqual([plain.out, plain.out]);
  expect(warm.results).toEqual(plain.results);
  expect(plain.summary.notes).toEqual([]);
  expect(warm.summary.notes).toEqual([
    {
      severity: 'info',
      code: 'single-thread',
      message:
        '--cache: the run converts on one thread, reading and writing the cache (-j 2 applies to runs without --cache)',
      file: cache,
    },
  ]);
});
