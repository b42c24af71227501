/**
 * Bundles the CLI (and the conversion worker) into dist/bundle with esbuild: one file to load
 * at start-up instead of hundreds of modules, and each backend in its own chunk, loaded only
 * when its target is asked for.
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

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
  logLevel: 'warning',
  legalComments: 'none',
});

// Executable, so that its shebang (with the heap cap) applies when run directly.
chmodSync('dist/bundle/cli.js', 0o755);
