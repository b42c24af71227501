#!/usr/bin/env -S node --max-old-space-size=192
// The heap cap keeps memory bounded on large batches: V8 otherwise grows the heap with garbage
// (189,000 rules: 461 MB without it; the live set stays small, the cap costs about 5% time).
/** The sigmantic command line: a thin layer over the library (src/run.ts). */
const argv = process.argv.slice(2);
// Fast path: `--version` without loading the command parser.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { readAsset } = await import('../assets.js');
  process.stdout.write((JSON.parse(readAsset('package.json')) as { version: string }).version + '\n');
} else {
  const { main } = await import('./commands.js');
  process.exitCode = await main(argv);
}
// For `npm run bench`: report the peak resident set size on exit.
if (process.env.SIGMANTIC_STATS) {
  process.on('exit', () =>
    process.stderr.write(`sigmantic-stats ${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS })}\n`),
  );
}
