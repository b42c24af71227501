// The page's callbacks below run in the browser: they see the DOM's globals.
/// <reference lib="dom" />
/**
 * The playground end to end (issue #18): the page built by scripts/build-web.mjs, opened from
 * disk (file://) in headless Chromium (playwright-core), shows for each target exactly what the
 * CLI prints for the seed rule, its label and its diagnostics at their lines (a click puts the
 * cursor there); a broken rule shows its error. Skipped, with a note, when no Chromium is
 * installed (.ci/run installs the distribution's package, so CI always runs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ConvertTextOptions, TextResult } from '../../src/core.js';
import { bundleCli, runCli } from './cli-bundle.js';

// What web/src/page.ts puts on the page's window (issue #18), as the callbacks below use it.
declare global {
  interface Window {
    sigmantic: { convert(ruleText: string, options: ConvertTextOptions): Promise<TextResult> };
    playground: {
      ready: Promise<void>;
      setRule(text: string): Promise<void>;
      setTarget(name: string): Promise<void>;
      cursor(): { line: number; column: number };
    };
  }
}

const ROOT = process.cwd();
const CHROMIUM = process.env.SIGMANTIC_CHROMIUM ?? '/usr/bin/chromium';
const SEED = 'rules/windows/proc_creation_win_whoami_all_execution.yml';
const TARGETS = ['splunk', 'sentinel', 'elastic', 'ir'];
const have = existsSync(CHROMIUM);
if (!have)
  console.warn(
    `test/web/playground.test.ts: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SIGMANTIC_CHROMIUM)`,
  );
const suite = have ? describe : describe.skip;
// A browser and child processes on a shared 2-core machine: generous time per test.
jest.setTimeout(60_000);

suite(`the playground in headless Chromium (${CHROMIUM})`, () => {
  let out: string;
  let cli: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'sigmantic-web-'));
    execFileSync(process.execPath, ['scripts/build-web.mjs', '--out', out], { cwd: ROOT, stdio: 'ignore' });
    cli = await bundleCli(ROOT);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    await page.evaluate(() => window.playground.ready);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (out) rmSync(out, { recursive: true, force: true });
    if (cli) rmSync(cli, { force: true });
  });

  test('opened from disk, it starts with the seed rule and no error', async () => {
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('.cm-content')?.textContent)).toContain('whoami');
    expect(await page.getAttribute('#output', 'data-status')).toBeTruthy();
  });

  test.each(TARGETS)('%s: the page shows what the CLI prints, its label and diagnostics', async (target) => {
    const expected = runCli(cli, target, readFileSync(SEED, 'utf8'));
    await page.evaluate((t) => window.playground.setRule(t), readFileSync(SEED, 'utf8'));
    await page.evaluate((t) => window.playground.setTarget(t), target);
    expect(await page.getAttribute('#output', 'data-target')).toBe(target);
    expect(await page.textContent('#output')).toBe(expected.stdout);
    expect(await page.getAttribute('#output', 'data-status')).toBe(expected.status);
    expect(await page.textContent('#label')).toBe(expected.status);
    const shown = await page.$$eval('#diagnostics button.where', (bs) =>
      bs.map((b) => [Number((b as HTMLElement).dataset.line), Number((b as HTMLElement).dataset.column)]),
    );
    const located = expected.diagnostics.filter((d) => d.line !== null).map((d) => [d.line, d.column]);
    expect(shown).toEqual(located);
    // The library's result through window.sigmantic is the same conversion.
    const api = await page.evaluate(({ text, t }) => window.sigmantic.convert(text, { target: t }), {
      text: readFileSync(SEED, 'utf8'),
      t: target,
    });
    expect('output' in api && api.output).toBe(expected.stdout);
  });

  test("a diagnostic's line: clicking it puts the cursor there", async () => {
    await page.evaluate(() => window.playground.setTarget('elastic'));
    const expected = runCli(cli, 'elastic', readFileSync(SEED, 'utf8')).diagnostics.filter(
      (d) => d.line !== null,
    );
    expect(expected.length).toBeGreaterThan(0);
    const last = expected[expected.length - 1];
    await page.locator('#diagnostics button.where').last().click();
    expect(await page.evaluate(() => window.playground.cursor())).toEqual({
      line: last.line,
      column: last.column,
    });
  });

  test('a broken rule shows its error, as the CLI reports it', async () => {
    const broken =
      'title: broken\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: [a\n  condition: sel\n';
    const expected = runCli(cli, 'splunk', broken);
    expect(expected.status).toBe('error');
    await page.evaluate(() => window.playground.setTarget('splunk'));
    await page.evaluate((t) => window.playground.setRule(t), broken);
    expect(await page.getAttribute('#output', 'data-status')).toBe('error');
    expect(await page.textContent('#output')).toBe(expected.stdout);
    const text = await page.textContent('#diagnostics');
    for (const d of expected.diagnostics) expect(text).toContain(d.code);
    const lines = await page.$$eval('#diagnostics button.where', (bs) =>
      bs.map((b) => Number((b as HTMLElement).dataset.line)),
    );
    expect(lines).toEqual(expected.diagnostics.filter((d) => d.line !== null).map((d) => d.line));
    expect(lines.length).toBeGreaterThan(0);
  });

  test('the view is in the URL fragment: a reload shows the same rule and target', async () => {
    const rule = readFileSync('rules/cloud/aws_cloudtrail_console_login_success_without_mfa.yml', 'utf8');
    await page.evaluate((t) => window.playground.setRule(t), rule);
    await page.evaluate(() => window.playground.setTarget('sentinel'));
    // The fragment is written asynchronously after each change (compression is async): wait until
    // it holds a view and has not changed for half a second, so it is the last change's.
    let url = '';
    for (let i = 0; i < 40; i++) {
      const first = page.url();
      await new Promise((r) => setTimeout(r, 500));
      if (first.includes('#v1.') && page.url() === first) {
        url = first;
        break;
      }
    }
    expect(url).toContain('#v1.');
    const before = await page.textContent('#output');
    const again = await browser.newPage();
    await again.goto(url);
    await again.evaluate(() => window.playground.ready);
    expect(await again.getAttribute('#output', 'data-target')).toBe('sentinel');
    expect(await again.textContent('#output')).toBe(before);
    await again.close();
  });
});
