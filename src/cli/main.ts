/**
 * The sigmantic command line: a thin layer over the library (src/run.ts). In the package this
 * module is bundled as dist/bundle/main.js and started by the launcher (src/cli/startup/launcher.cjs),
 * which also answers `--version` by itself.
 */
import { writeSync } from 'node:fs';
import { main } from './commands.js';

// For `npm run bench`: report the peak resident set size on exit.
if (process.env.SIGMANTIC_STATS) {
  process.on('exit', () =>
    writeSync(2, `sigmantic-stats ${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS })}\n`),
  );
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`sigmantic: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
