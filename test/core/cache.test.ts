/** `convert --cache`: a second run reuses results and gives byte-identical output and diagnostics. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionCache } from '../../src/cache.js';
import type { RunOptions, RuleSummary } from '../../src/batch.js';
import { run } from '../../src/run.js';

const dir = mkdtempSync(join(tmpdir(), 'sigmantic-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function convert(options: RunOptions) {
  const out: string[] = [];
  const results: RuleSummary[] = [];
  await run(options, { write: (t, s) => out.push(`${t}:${s}`), onResult: (_t, r) => results.push(r) });
  return { out: out.join(''), results };
}

test('a cached run equals an uncached one, and a changed rule is converted again', async () => {
  const cache = join(dir, 'cache');
  const rule = (v: string) =>
    `title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '${v}'}\n  condition: sel\n`;
  writeFileSync(join(dir, 'a.yml'), rule('\\a.exe'));
  writeFileSync(join(dir, 'b.yml'), 'title: broken\n');
  const inputs = [join(dir, 'a.yml'), join(dir, 'b.yml'), 'test/fixtures/core/cli'];
  const base: RunOptions = { targets: ['splunk', 'sentinel', 'elastic'], inputs };
  const plain = await convert(base);
  const first = await convert({ ...base, cache });
  const second = await convert({ ...base, cache });
  expect(first.out).toBe(plain.out);
  expect(second.out).toBe(plain.out);
  expect(second.results.map((r) => [r.status, r.diagnostics])).toEqual(
    plain.results.map((r) => [r.status, r.diagnostics]),
  );
  const c = ConversionCache.open(cache, { ...base, cache }, false);
  expect(c.get(join(dir, 'a.yml'), rule('\\a.exe'))).toBeDefined();
  // Changed text, same path: a miss, and the new output.
  writeFileSync(join(dir, 'a.yml'), rule('\\z.exe'));
  const changed = await convert({ ...base, cache });
  expect(changed.out).toContain('z.exe');
  expect(changed.out).toBe((await convert(base)).out);
});

test('reports keep ids and queries: detail mode is keyed apart', async () => {
  const cache = join(dir, 'cache2');
  const base: RunOptions = { targets: ['splunk'], inputs: ['test/fixtures/core/cli'], cache };
  const a = await convert({ ...base, cacheDetail: true });
  const b = await convert({ ...base, cacheDetail: true });
  expect(b.results).toEqual(a.results);
});
