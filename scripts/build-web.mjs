/**
 * Builds the browser playground (web/, issue #18) into web/dist/: index.html and playground.js,
 * a static page that works from any static host and opened from disk (file://). The library core
 * (src/core.ts, never the CLI) runs in a Web Worker made from a blob (a worker from a file does
 * not start under file://), with the shipped data and precompiled templates bundled
 * (scripts/web-core.mjs). The sample rules of rules/ come bundled; the seed is SEED below.
 *
 * `node scripts/build-web.mjs [--out DIR]`; prints the sizes (raw and gzipped).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { browserCoreOptions } from './web-core.mjs';

const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : 'web/dist';
/** The rule the page opens with: one with approximations on a target, so diagnostics show. */
const SEED = 'rules/windows/proc_creation_win_whoami_all_execution.yml';

function ruleFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? ruleFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}
const samples = ruleFiles('rules').map((p) => ({
  name: relative('rules', p),
  text: readFileSync(p, 'utf8'),
}));

const minify = !process.env.SIGMANTIC_READABLE_BUNDLE;
const worker = await build({
  ...browserCoreOptions(),
  entryPoints: ['web/src/worker.ts'],
  format: 'iife',
  write: false,
  minify,
  logLevel: 'warning',
});
const page = await build({
  entryPoints: ['web/src/page.ts'],
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  write: false,
  minify,
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    __WORKER_SOURCE__: JSON.stringify(worker.outputFiles[0].text),
    __SAMPLES__: JSON.stringify(samples),
    __SEED__: JSON.stringify(readFileSync(SEED, 'utf8')),
  },
});

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const css = readFileSync('web/style.css', 'utf8');
const html = readFileSync('web/index.html', 'utf8').replace('/* __STYLE__ */', () => css.trim());
writeFileSync(join(out, 'index.html'), html);
writeFileSync(join(out, 'playground.js'), page.outputFiles[0].contents);

const size = (b) =>
  `${(b.length / 1024).toFixed(0)} KiB (${(gzipSync(b, { level: 9 }).length / 1024).toFixed(0)} KiB gzipped)`;
const all = Buffer.concat([Buffer.from(html), Buffer.from(page.outputFiles[0].contents)]);
console.log(
  `web: ${out}/index.html + playground.js: ${size(all)}; of which the worker (core and data) ${size(Buffer.from(worker.outputFiles[0].text))}`,
);
