/**
 * Build-time patch of yargs' source (used by scripts/bundle.mjs; see NOTES.md in this folder).
 * yargs' ESM platform shim reads process.stdout.columns when it loads, which makes Node set up the
 * stdout stream (about 9 ms: node:stream and its dependencies); help layout is the only use, so
 * the patched shim reads it then. Plain JavaScript: the build runs it without a TypeScript step.
 * test/core/startup.test.ts runs it on the installed yargs and fails when it no longer applies.
 */
import { readFileSync } from 'node:fs';

/** The shim file the patch rewrites (esbuild onLoad filter). */
export const YARGS_SHIM = /yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;

const EAGER = "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null";

/** The shim's text with the columns read lazily (a getter), or null when the text is not there. */
export function lazyColumns(text) {
  if (!text.includes(EAGER)) return null;
  return text.replace(EAGER, `get stdColumns() { return ${EAGER.slice('stdColumns: '.length)}; }`);
}

/** The esbuild plugin; a shim that has changed is bundled as it is, with a warning. */
export const yargsLazyColumns = {
  name: 'yargs-lazy-columns',
  setup(b) {
    b.onLoad({ filter: YARGS_SHIM }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const patched = lazyColumns(text);
      if (patched === null)
        return {
          contents: text,
          loader: 'js',
          warnings: [{ text: 'yargs shim changed: columns read eagerly (test/core/startup.test.ts fails)' }],
        };
      return { contents: patched, loader: 'js' };
    });
  },
};
