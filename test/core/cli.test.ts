/**
 * The command line, run as a user runs it: the built CLI (`dist/bundle/cli.js`) in a child process.
 * The build is refreshed once before the tests; they skip with a note when no build can be made.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGETS, targetNames } from '../../backends/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/bundle/cli.js');
const FIX = 'test/fixtures/core/cli';
const GOOD = `${FIX}/a-good.yml`;
const BAD = `${FIX}/b-bad.yml`;
const NESTED = `${FIX}/sub/c-nested.yaml`;

try {
  // The CLI is the esbuild bundle, made straight from the sources (fast; no tsc needed).
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'ignore' });
} catch {
  // reported below if there is no bundle at all
}
const built = existsSync(CLI);
if (!built) console.warn(`cli.test.ts: skipped: ${CLI} is missing (run npm run build)`);
const maybe = built ? describe : describe.skip;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function cli(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sigmantic-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function paths(stdout: string): string[] {
  return (JSON.parse(stdout) as Array<{ path: string }>).map((r) => r.path);
}

maybe('sigmantic CLI', () => {
  test('--set: an unknown key or a bad value is a usage error, exit 2, said once', () => {
    const r = cli(['convert', '-t', 'splunk', '--set', 'bogus=1', GOOD, NESTED]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^sigmantic: unknown setting 'bogus' \(splunk: index, [^\n]*\nTry 'sigmantic --help'.\n$/,
    );
    const e = cli(['convert', '-t', 'elastic', '--set', 'case=foo', GOOD, NESTED]);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(
      "sigmantic: setting case=foo for elastic: the value must be one of widen, caseless\nTry 'sigmantic --help'.\n",
    );
  });

  test('convert --help states which pipelines run and the settings precedence', () => {
    const r = cli(['convert', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      "naming a built-in of the target replaces the target's default pipelines, a file runs after them",
    );
    expect(help).toContain('beats the pipeline state, which beats the default');
  });

  test('list settings -t X prints the declared settings', () => {
    const r = cli(['list', 'settings', '-t', 'splunk']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split('\t')[1])).toEqual([
      'index',
      'cron',
      'earliest',
      'latest',
      'schedule',
      'actions',
      'action.*',
    ]);
    expect(lines[4]).toBe(
      'splunk\tschedule\tenum(0|1)\tdefault 1\tformats savedsearches\t-\tenableSched of each saved search',
    );
  });

  test('exit 0 when every rule converts', () => {
    const r = cli(['convert', '-t', 'ir', GOOD]);
    expect(r.code).toBe(0);
    expect(paths(r.stdout)).toEqual([GOOD]);
    expect(r.stderr).toBe('sigmantic: 1 rules: 1 exact, 0 approximate, 0 unsupported, 0 error\n');
  });

  test('exit 1 when a rule fails; diagnostics as file:line:col: severity code: message', () => {
    const r = cli(['convert', '-t', 'ir', GOOD, BAD]);
    expect(r.code).toBe(1);
    expect(paths(r.stdout)).toEqual([GOOD]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `${BAD}:7:21: error condition-syntax: unexpected end of condition; expected 'not', '(', '1', 'any', 'all' or an identifier`,
    );
    for (const l of lines.slice(0, -1))
      expect(l).toMatch(/^[^:]+:\d+:\d+: (error|warning|info) [a-z-]+: .+$/);
  });

  test('exit 1 for a missing input, which is reported; the others still convert', () => {
    const r = cli(['convert', '-t', 'ir', 'no/such/file.yml', GOOD]);
    expect(r.code).toBe(1);
    expect(paths(r.stdout)).toEqual([GOOD]);
    expect(r.stderr).toContain(
      'no/such/file.yml:1:1: error io-error: no such file, directory or matching glob',
    );
  });

  test.each([
    [['convert', '-t', 'nope', GOOD]],
    [['convert', GOOD]],
    [['convert', '-t', 'ir']],
    [['frobnicate']],
    [[]],
    [['convert', '-t', 'ir', '--no-such-option', GOOD]],
  ])('exit 2 on usage errors: %j', (args) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('--report: exactly the specified keys, every input rule once, in input order', () => {
    const report = join(tmp, 'report.json');
    const r = cli(['convert', '-t', 'ir', '--report', report, BAD, FIX, GOOD]);
    expect(r.code).toBe(1);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(Object.keys(json)).toEqual(['target', 'rules']);
    expect(json.target).toBe('ir');
    expect(json.rules.map((x: { path: string }) => x.path)).toEqual([
      BAD,
      `${FIX}/a-good.yml`,
      BAD,
      NESTED,
      GOOD,
    ]);
    for (const rule of json.rules) {
      expect(Object.keys(rule)).toEqual(['path', 'id', 'title', 'status', 'queries', 'diagnostics']);
      for (const d of rule.diagnostics)
        expect(Object.keys(d)).toEqual(['severity', 'code', 'message', 'line', 'column']);
    }
    expect(json.rules[1]).toMatchObject({
      id: '11111111-2222-4333-8444-555555555555',
      title: 'Good rule',
      status: 'exact',
      diagnostics: [],
    });
    expect(json.rules[1].queries).toHaveLength(1);
    expect(json.rules[0]).toMatchObject({ status: 'error', queries: [] });
    expect(json.rules[0].diagnostics).toEqual([
      {
        severity: 'error',
        code: 'condition-syntax',
        message: "unexpected end of condition; expected 'not', '(', '1', 'any', 'all' or an identifier",
        line: 7,
        column: 21,
      },
    ]);
  });

  test('-o writes the output to a file, nothing to stdout', () => {
    const out = join(tmp, 'out.json');
    const r = cli(['convert', '-t', 'ir', '-o', out, GOOD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(paths(readFileSync(out, 'utf8'))).toEqual([GOOD]);
  });

  test('a directory is read recursively (sorted, .yml and .yaml only)', () => {
    const r = cli(['convert', '-t', 'ir', FIX]);
    expect(r.code).toBe(1);
    expect(paths(r.stdout)).toEqual([GOOD, NESTED]);
    expect(r.stderr).toContain('sigmantic: 3 rules:');
  });

  test('globs', () => {
    const r = cli(['convert', '-t', 'ir', `${FIX}/**/*.y*ml`]);
    expect(paths(r.stdout)).toEqual([GOOD, NESTED]);
    expect(r.stderr).toContain('sigmantic: 3 rules:');
    const none = cli(['convert', '-t', 'ir', `${FIX}/*.nothing`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('io-error');
  });

  test('- reads a rule from standard input', () => {
    const r = cli(['convert', '-t', 'ir', '-'], readFileSync(join(ROOT, GOOD), 'utf8'));
    expect(r.code).toBe(0);
    expect(paths(r.stdout)).toEqual(['<stdin>']);
    const bad = cli(['convert', '-t', 'ir', '-'], readFileSync(join(ROOT, BAD), 'utf8'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin>:7:21: error condition-syntax: /);
  });

  test('list targets', () => {
    const r = cli(['list', 'targets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ir\s+\S/m);
    // The first word of each line is the name scripts/bundle.mjs and scripts/demo.sh read: the
    // registry's names, in its order, with their one description and aliases.
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(targetNames());
    expect(lines[targetNames().indexOf('sentinel')]).toBe(
      `sentinel   ${TARGETS.sentinel.description} (aliases: ${TARGETS.sentinel.aliases.join(', ')})`,
    );
  });

  test('--version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version']).stdout).toBe(`${pkg.version}\n`);
  });

  test('a damaged or missing V8 code cache costs time, not correctness: same output, cache made again', () => {
    // As a user runs it: the executable, with its cache in a folder of its own (SIGMANTIC_CACHE_DIR).
    const cacheRoot = mkdtempSync(join(tmpdir(), 'sigmantic-v8-'));
    const env = { ...process.env, SIGMANTIC_CACHE_DIR: cacheRoot };
    const run = () => spawnSync(CLI, ['convert', '-t', 'splunk', GOOD], { cwd: ROOT, encoding: 'utf8', env });
    const want = run();
    expect(want.status).toBe(0);
    const dir = join(cacheRoot, 'v8');
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files.length).toBeGreaterThan(0);
    // Never in the package (it serves one Node version and platform).
    expect(existsSync(join(ROOT, 'dist/bundle/.v8-cache'))).toBe(false);
    for (const f of files) writeFileSync(join(dir, f), 'not a code cache');
    const damaged = run();
    expect([damaged.status, damaged.stdout, damaged.stderr]).toEqual([0, want.stdout, want.stderr]);
    const remade = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(remade.some((f) => readFileSync(join(dir, f)).length > 1000)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    const missing = run();
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([0, want.stdout, want.stderr]);
    // SIGMANTIC_CODE_CACHE=off: no cache written.
    rmSync(dir, { recursive: true, force: true });
    const off = spawnSync(CLI, ['convert', '-t', 'splunk', GOOD], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...env, SIGMANTIC_CODE_CACHE: 'off' },
    });
    expect([off.status, off.stdout]).toEqual([0, want.stdout]);
    expect(existsSync(dir)).toBe(false);
    const again = run();
    expect(again.status).toBe(0);
    expect(readdirSync(dir).some((f) => f.endsWith('.bin'))).toBe(true);
  });
});
