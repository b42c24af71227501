/**
 * Bundles the CLI (and the conversion worker) into dist/bundle with esbuild: one CommonJS file
 * to load at start-up instead of hundreds of modules, minified, started by the launcher
 * (src/cli/startup/launcher.cjs, the `sigmantic` executable) with a V8 code cache made here.
 * Backends and other lazily imported modules stay lazy: esbuild evaluates them on first import.
 * Every start-up special case made here (the yargs patch, the aliases, the code cache) is listed
 * in src/cli/startup/NOTES.md.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { yargsLazyColumns } from '../src/cli/startup/yargs-columns.mjs';

const out = 'dist/bundle';

// Output-format templates, precompiled (src/templates.ts): with both `strict` settings, keyed
// as templateKey does.
const require = createRequire(import.meta.url);
const Handlebars = require('handlebars');
const templates = {};
for (const dir of readdirSync('templates'))
  for (const f of readdirSync(join('templates', dir)).filter((x) => x.endsWith('.hbs'))) {
    const rel = `templates/${dir}/${f}`;
    for (const strict of [false, true])
      templates[`${rel}${strict ? ' (strict)' : ''}`] = Handlebars.precompile(readFileSync(rel, 'utf8'), {
        noEscape: true,
        strict,
      });
  }
rmSync(out, { recursive: true, force: true });

await build({
  plugins: [yargsLazyColumns],
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/worker.ts' },
  outdir: out,
  bundle: true,
  // CommonJS: Node 20 caches compiled code only for scripts (vm.Script), not for ES modules.
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: {
    'import.meta.url': '__sigmanticModuleUrl',
    __SIGMANTIC_TEMPLATES__: JSON.stringify(templates),
  },
  banner: { js: "const __sigmanticModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // string-width builds a Unicode emoji regex when loaded (about 20 ms of start-up); the
  // replacement measures ASCII help text directly (src/cli/startup/string-width.ts).
  // Templates come precompiled: the Handlebars runtime is enough (its compiler is 0.1 MB).
  // yargs takes two functions from node:assert, which costs 4 ms to load (src/cli/startup/assert.ts).
  alias: {
    'string-width': './src/cli/startup/string-width.ts',
    handlebars: 'handlebars/runtime',
    assert: './src/cli/startup/assert.ts',
  },
  // Less source to read and compile (1.3 MB -> 0.65 MB). No keepNames: it wraps every closure
  // creation in a defineProperty call (about 10% of a corpus run).
  // SIGMANTIC_READABLE_BUNDLE=1 keeps names (for profiles).
  minifyWhitespace: true,
  minifySyntax: !process.env.SIGMANTIC_READABLE_BUNDLE,
  minifyIdentifiers: !process.env.SIGMANTIC_READABLE_BUNDLE,
  logLevel: 'warning',
  legalComments: 'none',
});
// The launcher reads the bundle as latin1, exact for ASCII (esbuild's default charset).
for (const f of ['main.js', 'worker.js'])
  if (/[^\x00-\x7f]/.test(readFileSync(join(out, f), 'latin1')))
    throw new Error(`bundle: ${f} is not ASCII (the launcher reads it as latin1)`);
// The package is an ES module package; the bundle is CommonJS.
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
const digest = createHash('sha256')
  .update(readFileSync(join(out, 'main.js')))
  .digest('hex')
  .slice(0, 16);
writeFileSync(
  join(out, 'cli.js'),
  readFileSync('src/cli/startup/launcher.cjs', 'utf8').replace('__SIGMANTIC_BUNDLE_DIGEST__', digest),
);
// Executable, so that its shebang (with the heap cap) applies when run directly.
chmodSync(join(out, 'cli.js'), 0o755);

// The code cache: one run over the sample rules for every target, as the executable (the V8
// flags of its shebang are part of the cache's validity).
// The targets are the registry's (`list targets`), so a new target gets its code cache too.
const tmp = mkdtempSync(join(tmpdir(), 'sigmantic-build-'));
try {
  const targets = spawnSync(join(out, 'cli.js'), ['list', 'targets'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0])
    .filter((t) => t !== '' && t !== 'ir');
  const r = spawnSync(join(out, 'cli.js'), ['convert', '-q', '-t', targets.join(','), '-o', tmp, 'rules'], {
    env: { ...process.env, SIGMANTIC_CODE_CACHE: 'write' },
    encoding: 'utf8',
  });
  if (r.error || (r.status !== 0 && r.status !== 1))
    console.warn(`bundle: no code cache (${r.error?.message ?? r.stderr.slice(-300)})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
