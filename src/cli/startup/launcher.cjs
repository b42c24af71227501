#!/usr/bin/env -S node --max-old-space-size=192
// The `sigmantic` executable (copied to dist/bundle/cli.js by scripts/bundle.mjs).
// The heap cap keeps memory bounded on large batches: V8 otherwise grows the heap with garbage
// (189,000 rules: 461 MB without it; the live set stays small, the cap costs about 5% time).
//
// It runs the bundled CLI (main.js) with a V8 code cache: compiling the bundle and the functions
// a run needs costs a small run a quarter of its start-up, and Node 20 caches no compiled code
// by itself. The cache is made when the package is built (scripts/bundle.mjs runs the CLI once
// with SIGMANTIC_CODE_CACHE=write) and again whenever V8 refuses it (another Node version or
// other V8 flags: those are part of the file name, with a digest of main.js that the build writes
// into this file, as V8 checks only the source's length). Failing to read or write it only costs
// time.
'use strict';
const { readFileSync, writeFileSync, renameSync, mkdirSync } = require('node:fs');
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

const file = join(__dirname, 'main.js');
// FNV-1a of the V8/Node flags (node:crypto would cost more to load than the rest of this file).
let flags = 0x811c9dc5;
for (const c of process.execArgv.join('\0')) flags = Math.imul(flags ^ c.charCodeAt(0), 0x01000193) >>> 0;
const cacheDir = join(__dirname, '.v8-cache');
const bundle = '__SIGMANTIC_BUNDLE_DIGEST__';
const cacheFile = join(cacheDir, `${bundle}-${process.version}-${process.arch}-${flags.toString(16)}.bin`);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The bundle is ASCII (esbuild escapes the rest; the build checks): latin1 reads it exactly, in
// less than half the time of utf8.
const script = new Script(wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected || process.env.SIGMANTIC_CODE_CACHE === 'write') {
  // After the run, so that the cache holds the functions the run compiled too.
  process.once('exit', () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install: run without the cache.
    }
  });
}
script.runInThisContext()(module.exports, createRequire(file), module, file, __dirname);
