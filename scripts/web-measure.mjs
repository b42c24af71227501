/**
 * Measures the playground (issue #18) in headless Chromium: builds it (scripts/build-web.mjs),
 * opens it from disk in fresh pages and reports the median of `--runs N` (default 7) loads:
 * the first conversion after load (the worker ready -> the shown target's output on the page)
 * and the time from navigation start to that output. `--screenshot FILE` saves a screenshot
 * (1280x760; `--dark` in dark mode). Chromium: SIGMANTIC_CHROMIUM, default /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('--runs') ?? 7);
const shot = arg('--screenshot');
const dir = mkdtempSync(join(tmpdir(), 'sigmantic-web-measure-'));
try {
  execFileSync(process.execPath, ['scripts/build-web.mjs', '--out', dir], { stdio: 'inherit' });
  const url = pathToFileURL(join(dir, 'index.html')).href;
  const browser = await chromium.launch({
    executablePath: process.env.SIGMANTIC_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const conversion = [];
  const shown = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const t = await page.evaluate(async () => {
      await window.playground.ready;
      return window.playground.timing;
    });
    conversion.push(t.firstConversionMs);
    shown.push(t.firstShownMs);
    await context.close();
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(0);
  console.log(
    `first conversion after load: median ${median(conversion)} ms (${conversion.map((x) => x.toFixed(0)).join(', ')}); ` +
      `navigation start to first output: median ${median(shown)} ms (${shown.map((x) => x.toFixed(0)).join(', ')})`,
  );
  if (shot) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 760 },
      colorScheme: process.argv.includes('--dark') ? 'dark' : 'light',
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.evaluate(async () => {
      await window.playground.ready;
      await window.playground.setTarget('elastic');
    });
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  }
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
