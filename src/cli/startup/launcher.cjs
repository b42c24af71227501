#!/usr/bin/env node
// The `sigmantic` executable (copied to dist/bundle/cli.js by scripts/bundle.mjs). A plain
// `env node` shebang: `env -S` (for V8 flags) is missing from BusyBox (Alpine images) and npm's
// Windows shims read only the interpreter, so the executable's one V8 flag (TurboFan's inlining
// budget, below) is set in the process.
//
// It runs the bundled CLI (main.js) with a V8 code cache: compiling the bundle and the functions
// a run needs costs a small run a quarter of its start-up, and Node 20 caches no compiled code
// by itself. The cache belongs to one Node version, platform and set of V8 flags, so it is not
// shipped: it is made at the first run, in the user's cache folder (SIGMANTIC_CACHE_DIR, else
// $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows; under
// sigmantic/v8), and again whenever V8 refuses it (another Node version or other V8 flags: those
// are part of the file name, with a digest of main.js that the build writes into this file, as V8
// checks only the source's length). SIGMANTIC_CODE_CACHE=off turns it off. Failing to read or
// write it only costs time; at most 8 files are kept.
'use strict';
const {
  readFileSync,
  writeFileSync,
  renameSync,
  mkdirSync,
  readdirSync,
  statSync,
  rmSync,
} = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The version without loading the CLI (dist/bundle -> the package root).
  process.stdout.write(
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version + '\n',
  );
  return;
}

// TurboFan's inlining budget, lowered (the bytecode it inlines into one optimized function; 920
// bytes by default) for a run given a folder, a glob or many files: a corpus run spends as much
// CPU compiling optimized code on V8's background threads as it spends converting, and on 2 CPUs
// those threads take turns with the main thread. Smaller compile jobs: one target over the
// SigmaHQ corpus 1.83 -> 1.53 s, all four 3.84 -> 3.10 s (wall, medians of 7 interleaved runs),
// the same speed on 37,800 rules. A run of a few files compiles little and would pay ~3.5 ms for
// loading node:v8 (it loads Node's streams). Set before the code cache is read (V8 checks the
// flags a cache was made with), and part of the cache's name; a flag given to node wins.
const INLINING = '--max-inlined-bytecode-size-cumulative';
const isFolder = (a) => {
  try {
    return statSync(a, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
};
const inlining =
  !process.execArgv.some((a) => a.startsWith(INLINING)) &&
  (argv.length > 50 || argv.some((a) => /[*?[{]/.test(a) || isFolder(a)))
    ? `${INLINING}=200`
    : '';
if (inlining) require('node:v8').setFlagsFromString(inlining);

const file = join(__dirname, 'main.js');
// FNV-1a of the V8/Node flags (node:crypto would cost more to load than the rest of this file).
let flags = 0x811c9dc5;
for (const c of (inlining ? [...process.execArgv, inlining] : process.execArgv).join('\0'))
  flags = Math.imul(flags ^ c.charCodeAt(0), 0x01000193) >>> 0;
const env = process.env;
const cacheRoot =
  env.SIGMANTIC_CACHE_DIR ||
  (process.platform === 'win32'
    ? env.LOCALAPPDATA
    : process.platform === 'darwin'
      ? env.HOME && join(env.HOME, 'Library', 'Caches')
      : env.XDG_CACHE_HOME || (env.HOME && join(env.HOME, '.cache')));
const cacheDir =
  env.SIGMANTIC_CODE_CACHE === 'off' || !cacheRoot
    ? undefined
    : env.SIGMANTIC_CACHE_DIR
      ? join(cacheRoot, 'v8')
      : join(cacheRoot, 'sigmantic', 'v8');
const bundle = '__SIGMANTIC_BUNDLE_DIGEST__';
const cacheFile =
  cacheDir && join(cacheDir, `${bundle}-${process.version}-${process.arch}-${flags.toString(16)}.bin`);
let cachedData;
try {
  cachedData = cacheFile ? readFileSync(cacheFile) : undefined;
} catch {
  cachedData = undefined;
}
// The bundle is ASCII (esbuild escapes the rest; the build checks): latin1 reads it exactly, in
// less than half the time of utf8.
const script = new Script(wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
if (
  cacheFile &&
  (cachedData === undefined || script.cachedDataRejected || env.SIGMANTIC_CODE_CACHE === 'write')
) {
  // After the run, so that the cache holds the functions the run compiled too.
  process.once('exit', () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      // Each build (and Node version) has its own file: keep the 8 most recent.
      const old = readdirSync(cacheDir)
        .filter((f) => f.endsWith('.bin'))
        .map((f) => ({ f, t: statSync(join(cacheDir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t)
        .slice(8);
      for (const { f } of old) rmSync(join(cacheDir, f), { force: true });
    } catch {
      // No writable cache folder: run without the cache.
    }
  });
}
script.runInThisContext()(module.exports, createRequire(file), module, file, __dirname);
