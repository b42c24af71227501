/**
 * The sigmantic command line: a thin layer over the library (src/run.ts). In the package this
 * module is bundled as dist/bundle/main.js and started by the launcher (src/cli/launcher.cjs).
 */
import { writeSync } from 'node:fs';

async function start(argv: string[]): Promise<void> {
  // Fast path: `--version` without loading the command parser.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { readAsset } = await import('../assets.js');
    process.stdout.write((JSON.parse(readAsset('package.json')) as { version: string }).version + '\n');
  } else {
    const { main } = await import('./commands.js');
    process.exitCode = await main(argv);
  }
}

// For `npm run bench`: report the peak resident set size on exit.
if (process.env.SIGMANTIC_STATS) {
  process.on('exit', () =>
    writeSync(2, `sigmantic-stats ${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS })}\n`),
  );
}

start(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`sigmantic: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
