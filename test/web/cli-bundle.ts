/**
 * The CLI for the playground's tests, bundled from the sources by esbuild into
 * node_modules/.cache (inside the package, so it finds its shipped files by walking up), apart from
 * dist/bundle, which test/core/cli.test.ts rebuilds while other test files run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleCli(root: string): Promise<string> {
  const dir = join(root, 'node_modules/.cache/sigmantic-web-test');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cli-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS dependencies (yargs' helpers) require Node modules.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return file;
}

export interface CliRun {
  readonly stdout: string;
  readonly status: string;
  readonly diagnostics: ReadonlyArray<{ code: string; line: number | null; column: number | null }>;
}

/**
 * `sigmantic convert -t <target> rule.yml` with a report, for a rule text written to a temporary
 * `rule.yml` (the name the page reports rules under): what it prints and its label.
 */
export function runCli(cli: string, target: string, text: string): CliRun {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-web-cli-'));
  try {
    writeFileSync(join(dir, 'rule.yml'), text);
    const r = spawnSync(
      process.execPath,
      [cli, 'convert', '-t', target, '--report', 'report.json', 'rule.yml'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0 && r.status !== 1) throw new Error(`CLI failed (${r.status}): ${r.stderr}`);
    const { rules } = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      rules: Array<{ status: string; diagnostics: CliRun['diagnostics'] }>;
    };
    return { stdout: r.stdout, status: rules[0].status, diagnostics: rules[0].diagnostics };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
