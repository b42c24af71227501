/**
 * Bundles the CLI (and the conversion worker) into dist/bundle with esbuild: one file to load
 * at start-up instead of hundreds of modules, and each backend in its own chunk, loaded only
 * when its target is asked for.
 */
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start from an empty folder so stale chunks do not pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', worker: 'src/worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Some dependencies are CommonJS and call require(): give the ES modules one.
  banner: {
    js: "import { createRequire as __sigmanticRequire } from 'node:module'; const require = __sigmanticRequire(import.meta.url);",
  },
  // string-width builds a Unicode emoji regex when loaded (about 20 ms of start-up); the
  // replacement measures ASCII help text directly (src/cli/string-width.ts).
  alias: { 'string-width': './src/cli/string-width.ts' },
  logLevel: 'warning',
  legalComments: 'none',
});

// Executable, so that its shebang (with the heap cap) applies when run directly.
chmodSync('dist/bundle/cli.js', 0o755);
