/**
 * The command line, run as a user runs it: the built CLI (`dist/bundle/cli.js`) in a child process.
 * The build is refreshed once before the tests; they skip with a note when no build can be made.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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
function cli(args: string[], input?: string, cwd = ROOT, env?: NodeJS.ProcessEnv): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: env ?? process.env,
    input,
    encoding: 'utf8',
    timeout: 120_000,
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

  test('a run given a folder lowers TurboFan inlining (launcher), one given a file does not: a code cache each', () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'sigmantic-v8-'));
    const env = { ...process.env, SIGMANTIC_CACHE_DIR: cacheRoot };
    const dir = join(cacheRoot, 'v8');
    const bins = () => readdirSync(dir).filter((f) => f.endsWith('.bin'));
    const file = spawnSync(CLI, ['convert', '-t', 'splunk', GOOD], { cwd: ROOT, encoding: 'utf8', env });
    expect(file.status).toBe(0);
    expect(bins()).toHaveLength(1);
    const folder = spawnSync(CLI, ['convert', '-t', 'splunk', FIX], { cwd: ROOT, encoding: 'utf8', env });
    expect(folder.stdout).toContain(file.stdout.trim());
    // The flag is part of the cache's name (V8 refuses a cache made with other flags).
    expect(bins()).toHaveLength(2);
    // Each run takes its own cache as it is (V8 accepts it: not written again).
    const stamps = () => bins().map((f) => statSync(join(dir, f)).mtimeMs);
    const before = stamps();
    spawnSync(CLI, ['convert', '-t', 'splunk', FIX], { cwd: ROOT, encoding: 'utf8', env });
    spawnSync(CLI, ['convert', '-t', 'splunk', GOOD], { cwd: ROOT, encoding: 'utf8', env });
    expect(stamps()).toEqual(before);
  });
});

/** Every file under a folder (relative path -> content), temporary files included. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function ruleText(title: string, extra = ''): string {
  return `title: ${title}\nstatus: test\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\${title}.exe'\n  condition: sel\n${extra}`;
}

maybe('sigmantic CLI: detection-as-code (issue #17)', () => {
  test('--layout tree: one file per rule and target mirroring the input, extension per format; twice: identical', () => {
    const out = join(tmp, 'tree');
    const args = ['convert', '-t', 'splunk', '-f', 'savedsearches', '-t', 'sentinel', '-t', 'elastic'];
    const r1 = cli([...args, '-f', 'detection-rule', 'rules', '-o', out, '--layout', 'tree']);
    // Elastic cannot express one sample rule (a regex over a network connection): it gets no file;
    // the other regex rule is written as an EQL detection rule (#14 language choice).
    expect(r1.code).toBe(1);
    const first = tree(out);
    const names = Object.keys(first).sort();
    const rules = readdirSync(join(ROOT, 'rules'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.ya?ml$/.test(f),
    );
    const elastic = rules.filter((f) => !/rundll32_net_connections/.test(f));
    expect(elastic.length).toBe(rules.length - 1);
    expect(names).toEqual(
      [
        '.sigmantic-manifest.json',
        ...rules.map((f) => `splunk/${f.replace(/\.ya?ml$/, '.conf')}`),
        ...rules.map((f) => `sentinel/${f.replace(/\.ya?ml$/, '.kql')}`),
        ...elastic.map((f) => `elastic/${f.replace(/\.ya?ml$/, '.ndjson')}`),
      ].sort(),
    );
    // Each target in its own format: Splunk's stanza, Elastic's NDJSON, Sentinel's bare query.
    const one = rules[0].replace(/\.ya?ml$/, '');
    expect(first[`splunk/${one}.conf`]).toMatch(/^search = /m);
    expect(JSON.parse(first[`elastic/${one}.ndjson`].split('\n')[0]).language).toMatch(/^(kuery|eql)$/);
    expect(first[`sentinel/${one}.kql`]).not.toMatch(/^\[/);
    const files = names.length - 1;
    expect(r1.stderr).toContain(`sigmantic: ${out}: ${files} files written, 0 unchanged\n`);
    const r2 = cli([...args, '-f', 'detection-rule', 'rules', '-o', out, '--layout', 'tree']);
    expect(r2.code).toBe(1);
    expect(tree(out)).toEqual(first);
    expect(r2.stderr).toContain(`sigmantic: ${out}: 0 files written, ${files} unchanged\n`);
  });

  test('--prune removes only the outputs of rules that are gone (files sigmantic wrote)', () => {
    const src = join(tmp, 'prune-src');
    const out = join(tmp, 'prune-out');
    mkdirSync(join(src, 'a'), { recursive: true });
    writeFileSync(join(src, 'a/one.yml'), ruleText('one'));
    writeFileSync(join(src, 'two.yml'), ruleText('two'));
    expect(cli(['convert', '-t', 'splunk', src, '-o', out, '--layout', 'tree']).code).toBe(0);
    writeFileSync(join(out, 'splunk/notes.md'), 'mine');
    rmSync(join(src, 'a/one.yml'));
    // Without --prune the old output stays; with it, it goes (and its empty folder), notes.md stays.
    expect(cli(['convert', '-t', 'splunk', src, '-o', out, '--layout', 'tree']).code).toBe(0);
    expect(Object.keys(tree(out)).sort()).toEqual([
      '.sigmantic-manifest.json',
      'splunk/a/one.spl',
      'splunk/notes.md',
      'splunk/two.spl',
    ]);
    const r = cli(['convert', '-t', 'splunk', src, '-o', out, '--layout', 'tree', '--prune']);
    expect(r.stderr).toContain('0 files written, 1 unchanged, 1 removed');
    expect(Object.keys(tree(out)).sort()).toEqual([
      '.sigmantic-manifest.json',
      'splunk/notes.md',
      'splunk/two.spl',
    ]);
  });

  test('a run killed mid-way leaves every output file whole (old or new), and the next run completes it', async () => {
    const src = join(tmp, 'kill-src');
    mkdirSync(src);
    const N = 3000;
    for (let i = 0; i < N; i++)
      writeFileSync(join(src, `r${String(i).padStart(5, '0')}.yml`), ruleText(`r${i}`));
    const out = join(tmp, 'kill-out');
    const want = join(tmp, 'kill-want');
    const base = ['convert', '-t', 'splunk', src, '--layout', 'tree', '-q'];
    expect(cli([...base, '-o', out, '--set', 'index=one']).code).toBe(0);
    expect(cli([...base, '-o', want, '--set', 'index=two']).code).toBe(0);
    const before = tree(out);
    const after = tree(want);
    const firstFile = join(out, 'splunk/r00000.spl');
    const child = spawn(process.execPath, [CLI, ...base, '-o', out, '--set', 'index=two'], { cwd: ROOT });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill as soon as the first file was replaced (the run is then mid-way through its files).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (readFileSync(firstFile, 'utf8').includes('"two"')) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await exited;
    const killed = tree(join(out, 'splunk'));
    let old = 0;
    let fresh = 0;
    for (const [f, text] of Object.entries(killed)) {
      if (f.endsWith('.sigmantic-tmp')) continue; // a temporary file, never an output
      const key = `splunk/${f}`;
      if (text === before[key]) old++;
      else if (text === after[key]) fresh++;
      else throw new Error(`${key} is neither the old nor the new file: ${JSON.stringify(text)}`);
    }
    expect(old + fresh).toBe(N);
    expect(fresh).toBeGreaterThan(0);
    expect(old).toBeGreaterThan(0); // it was killed mid-way
    // The next run completes the tree and clears the temporary files.
    expect(cli([...base, '-o', out, '--set', 'index=two']).code).toBe(0);
    expect(tree(out)).toEqual(after);
  }, 180_000);

  test('--prune removes a file that a killed run wrote for a rule gone by the next run', async () => {
    const src = join(tmp, 'killprune-src');
    mkdirSync(src);
    const N = 1500;
    for (let i = 0; i < N; i++)
      writeFileSync(join(src, `r${String(i).padStart(5, '0')}.yml`), ruleText(`r${i}`));
    const out = join(tmp, 'killprune-out');
    const base = ['convert', '-t', 'splunk', src, '--layout', 'tree', '-q', '-o', out];
    const first = join(out, 'splunk/r00000.spl');
    // The first run into an empty folder is killed as soon as it wrote its first file.
    const child = spawn(process.execPath, [CLI, ...base], { cwd: ROOT });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(first)) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await exited;
    // It died before its end: no manifest lists r00000.spl, only the journal.
    expect(existsSync(join(out, '.sigmantic-manifest.json'))).toBe(false);
    expect(readFileSync(join(out, '.sigmantic-manifest.pending'), 'utf8')).toMatch(/^splunk\/r00000\.spl\n/);
    rmSync(join(src, 'r00000.yml'));
    const r = cli([...base.filter((a) => a !== '-q'), '--prune']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ files written, \d+ unchanged, 1 removed\n/);
    const files = Object.keys(tree(out)).sort();
    expect(files).toHaveLength(N); // N - 1 rule files and the manifest
    expect(files[0]).toBe('.sigmantic-manifest.json');
    expect(files).not.toContain('splunk/r00000.spl');
    expect(files[1]).toBe('splunk/r00001.spl');
  }, 180_000);

  test('-f/-p/--set after a -t are that target’s own (single-file outputs as before)', () => {
    const out = join(tmp, 'per-target');
    const r = cli([
      'convert',
      '-t',
      'splunk',
      '-f',
      'savedsearches',
      '-t',
      'sentinel',
      '-f',
      'analytics-rule',
      GOOD,
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    // Each format's extension (analytics rules are YAML).
    expect(readdirSync(out).sort()).toEqual(['sentinel.yaml', 'splunk.txt']);
    expect(readFileSync(join(out, 'splunk.txt'), 'utf8')).toMatch(/^\[Good rule\]$/m);
    expect(readFileSync(join(out, 'sentinel.yaml'), 'utf8')).toMatch(/^queryFrequency: /m);
  });

  test('selection: only the selected rules convert; the summary and the report say what was left out', () => {
    const src = join(tmp, 'sel');
    mkdirSync(src);
    writeFileSync(join(src, 'a.yml'), ruleText('a', 'level: high\ntags:\n  - attack.t1059.001\n'));
    writeFileSync(join(src, 'b.yml'), ruleText('b', 'level: low\n'));
    writeFileSync(
      join(src, 'c.yml'),
      ruleText('c', 'level: critical\n').replace('product: windows', 'product: linux'),
    );
    const report = join(tmp, 'sel.json');
    const r = cli([
      'convert',
      '-t',
      'splunk',
      src,
      '--level',
      'high+',
      '--logsource',
      'product:windows',
      '--report',
      report,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a.exe');
    expect(r.stdout).not.toMatch(/[bc]\.exe/);
    expect(r.stderr).toBe(
      'sigmantic: 1 rules: 1 exact, 0 approximate, 0 unsupported, 0 error; 2 not selected (level high+, logsource product:windows)\n',
    );
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(Object.keys(rep)).toEqual(['target', 'selection', 'skipped', 'rules']);
    expect(rep.skipped).toBe(2);
    expect(cli(['convert', '-t', 'splunk', src, '--tag', 'attack.t1059*']).stdout).toContain('a.exe');
    const bad = cli(['convert', '-t', 'splunk', src, '--status', 'stabel']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([
      2,
      'sigmantic: --status stabel: one of unsupported, deprecated, experimental, test, stable (or name+ for that and above)',
    ]);
  });

  test('sigmantic.config.yml from a parent folder does the build; flags override; unknown keys exit 2', () => {
    const repo = join(tmp, 'repo');
    mkdirSync(join(repo, 'rules/sub'), { recursive: true });
    mkdirSync(join(repo, 'work'));
    cpSync(join(ROOT, GOOD), join(repo, 'rules/sub/good.yml'));
    writeFileSync(join(repo, 'rules/sub/good.test.yml'), 'rule: good.yml\n');
    writeFileSync(
      join(repo, 'sigmantic.config.yml'),
      'inputs: [rules]\ntargets:\n  splunk:\n    format: savedsearches\n  sentinel: {}\noutput: out\nlayout: tree\n',
    );
    const r = cli(['convert'], undefined, join(repo, 'work'));
    expect([r.code, r.stderr]).toEqual([
      0,
      'sigmantic: splunk: 1 rules: 1 exact, 0 approximate, 0 unsupported, 0 error\n' +
        'sigmantic: sentinel: 1 rules: 1 exact, 0 approximate, 0 unsupported, 0 error\n' +
        'sigmantic: ../out: 2 files written, 0 unchanged\n',
    ]);
    expect(Object.keys(tree(join(repo, 'out'))).sort()).toEqual([
      '.sigmantic-manifest.json',
      'sentinel/sub/good.kql',
      'splunk/sub/good.conf',
    ]);
    // Flags beat the config: -t splunk -f default, one file with --layout file.
    const f = cli(
      ['convert', '-t', 'splunk', '-f', 'default', '--layout', 'file', '-o', 'x.spl'],
      undefined,
      repo,
    );
    expect(f.code).toBe(0);
    expect(readFileSync(join(repo, 'x.spl'), 'utf8')).toMatch(/^Image="\*\\\\cmd\.exe"/);
    writeFileSync(join(repo, 'sigmantic.config.yml'), 'inputs: [rules]\ntargets: [splunk]\nlayuot: tree\n');
    const bad = cli(['convert'], undefined, repo);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      "sigmantic: sigmantic.config.yml: unknown key 'layuot': did you mean 'layout'?\nTry 'sigmantic --help'.\n",
    ]);
    // --config names another file; --no-config reads none.
    writeFileSync(join(tmp, 'other.yml'), 'targets: [ir]\n');
    expect(
      cli(['convert', '--config', join(tmp, 'other.yml'), join(repo, 'rules')], undefined, repo).code,
    ).toBe(0);
    expect(cli(['convert', '--no-config', 'rules'], undefined, repo).code).toBe(2);
  });

  test('-o on a folder, a missing --report folder: what is wrong, exit 2, no internal error', () => {
    const o = cli(['convert', '-t', 'splunk', GOOD, '-o', tmp]);
    expect([o.code, o.stderr.split('\n')[0]]).toEqual([
      2,
      `sigmantic: -o ${tmp}: is a folder; give a file name (or --layout tree to write one file per rule into it)`,
    ]);
    const rep = cli(['convert', '-t', 'splunk', GOOD, '--report', join(tmp, 'no/such/r.json')]);
    expect([rep.code, rep.stderr.split('\n')[0]]).toEqual([
      2,
      `sigmantic: --report ${join(tmp, 'no/such/r.json')}: the folder ${join(tmp, 'no/such')} does not exist`,
    ]);
    const out = cli(['convert', '-t', 'splunk', GOOD, '-o', join(tmp, 'no/such/out.spl')]);
    expect(out.code).toBe(2);
    expect(out.stderr).not.toContain('internal error');
  });

  test('--skip-unsupported: exit 0 when the only failures are rules the target cannot express', () => {
    const re = join(tmp, 're.yml');
    writeFileSync(re, ruleText('re').replace("Image|endswith: '\\re.exe'", "CommandLine|re: 'a[0-9]+b'"));
    expect(cli(['convert', '-t', 'elastic', re, GOOD]).code).toBe(1);
    const skip = cli(['convert', '-t', 'elastic', re, GOOD, '--skip-unsupported']);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toContain('1 unsupported');
    // An invalid rule still fails the run.
    expect(cli(['convert', '-t', 'elastic', re, BAD, '--skip-unsupported']).code).toBe(1);
  });

  test('duplicate ids, test files and ! globs through the command line', () => {
    const src = join(tmp, 'hyg');
    mkdirSync(join(src, 'old'), { recursive: true });
    cpSync(join(ROOT, GOOD), join(src, 'a.yml'));
    cpSync(join(ROOT, GOOD), join(src, 'b.yml'));
    cpSync(join(ROOT, GOOD), join(src, 'old/c.yml'));
    writeFileSync(join(src, 'a.test.yml'), 'rule: a.yml\nexpect: []\n');
    const r = cli(['convert', '-t', 'splunk', src, `!${src}/old`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `${src}/b.yml:2:5: warning duplicate-id: rule id 11111111-2222-4333-8444-555555555555 is also the id of the rule at ${src}/a.yml:2:5\n` +
        'sigmantic: 2 rules: 2 exact, 0 approximate, 0 unsupported, 0 error\n',
    );
  });

  test('start-up: off a terminal, the terminal check loads neither node:tty nor net', () => {
    const hook = join(tmp, 'modules-hook.cjs');
    writeFileSync(
      hook,
      "process.on('exit', () => require('fs').writeSync(2, 'loaded:' + process.moduleLoadList.filter((m) => /^NativeModule (tty|net)$/.test(m)).join(',') + '\\n'));",
    );
    const r = spawnSync(process.execPath, ['-r', hook, CLI, 'convert', '-t', 'splunk', GOOD], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('loaded:'))).toEqual(['loaded:']);
  });

  test('progress: none when stderr is not a terminal; --progress draws it; no colors off a terminal', () => {
    const src = join(tmp, 'prog');
    mkdirSync(src);
    for (let i = 0; i < 300; i++) writeFileSync(join(src, `r${i}.yml`), ruleText(`r${i}`));
    const plain = cli(['convert', '-t', 'splunk', src, '-o', join(tmp, 'prog.spl')]);
    expect(plain.stderr).toBe('sigmantic: 300 rules: 300 exact, 0 approximate, 0 unsupported, 0 error\n');
    const forced = cli([
      'convert',
      '-t',
      'splunk',
      '-t',
      'sentinel',
      '-t',
      'elastic',
      src,
      '-o',
      join(tmp, 'prog-out'),
      '--progress',
    ]);
    expect(forced.code).toBe(0);
    // Asked for outright, it is drawn from the first rule on, however fast the machine.
    expect(forced.stderr).toMatch(/^\r\[[#-]+\] 1\/300 files {2}1 rules {2}\d+ rules\/s {2}1 exact/);
    expect(forced.stderr).toContain('\r\x1b[Ksigmantic: splunk: 300 rules');
    const noColor = cli(['convert', '-t', 'ir', BAD], undefined, ROOT, { ...process.env, NO_COLOR: '1' });
    expect(noColor.stderr).not.toContain('\x1b[');
  }, 60_000);
});

// A sigma-cli user's first hour (notes/briefs/trial.md): the names and flags typed from sigma-cli
// habit either work or the error says what sigmantic calls them.
maybe('sigmantic CLI: coming from sigma-cli', () => {
  test('a pySigma pipeline name: the error names the sigmantic pipeline for that target', () => {
    const want: Array<[string, string, string]> = [
      ['splunk', 'sysmon', 'windows'],
      ['splunk', 'splunk_windows', 'windows'],
      ['splunk', 'splunk_cim', 'splunk-cim'],
      ['sentinel', 'microsoft_xdr', 'sentinel-defender'],
      ['sentinel', 'sentinel_asim', 'sentinel-asim'],
      ['sentinel', 'windows', 'sentinel-windows'],
      ['elastic', 'ecs_windows', 'ecs-windows'],
      ['eql', 'ecs_windows', 'ecs-windows'],
    ];
    for (const [target, given, hint] of want) {
      const r = cli(['convert', '-t', target, '-p', given, GOOD]);
      expect([target, given, r.code, r.stdout]).toEqual([target, given, 2, '']);
      expect(r.stderr).toContain(`unknown pipeline '${given}' for target '${target}': `);
      expect(r.stderr).toContain(`use -p ${hint} (sigmantic's own mapping, not a copy`);
      // The named pipeline exists and converts the rule.
      expect(cli(['convert', '-t', target, '-p', hint, GOOD]).code).toBe(0);
    }
    const other = cli(['convert', '-t', 'sentinel', '-p', 'splunk_windows', GOOD]);
    expect(other.stderr).toContain('with no counterpart for this target; built-in pipelines are sentinel,');
    const spelled = cli(['convert', '-t', 'elastic', '-p', 'ecs_linux', GOOD]);
    expect(spelled.stderr).toContain("did you mean 'ecs-linux'? built-in pipelines are");
    // A name nobody uses keeps the plain message.
    const plain = cli(['convert', '-t', 'splunk', '-p', 'nothing', GOOD]);
    expect(plain.stderr.split('\n')[0]).toBe(
      "sigmantic: unknown pipeline 'nothing' for target 'splunk': built-in pipelines are windows, windows-xml, splunk-cim; a pipeline file must end in .yml or .yaml",
    );
  });

  test("sigma-cli flags sigmantic spells otherwise: exit 2 with sigmantic's spelling under the error", () => {
    const r = cli(['convert', '-t', 'splunk', '-s', '--without-pipeline', '-O', 'index=main', GOOD]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^sigmantic: Unknown arguments: s, without-pipeline/);
    expect(lines[1]).toMatch(/^ {2}-s: sigma-cli's -s \(--skip-unconvertible\) is --skip-unsupported here/);
    expect(lines[2]).toMatch(/^ {2}--without-pipeline: sigmantic needs no pipeline to convert/);
    expect(lines[3]).toMatch(/^ {2}-O: sigma-cli's -O key=value \(backend option\) is --set key=value here/);
    expect(lines[4]).toBe("Try 'sigmantic --help'.");
    expect(lines[5]).toBe('');
    // An unknown flag sigma-cli does not have gets no hint.
    const other = cli(['convert', '-t', 'splunk', '--bogus', GOOD]);
    expect(other.stderr).toBe("sigmantic: Unknown argument: bogus\nTry 'sigmantic --help'.\n");
    // The suggested spellings work.
    expect(cli(['convert', '-t', 'splunk', '--skip-unsupported', '--set', 'index=main', GOOD]).stdout).toBe(
      'index="main" Image="*\\\\cmd.exe"\n',
    );
  });

  test('list formats|pipelines|settings <target>, as sigma-cli takes it; -t still works; aliases resolve', () => {
    const positional = cli(['list', 'formats', 'splunk']);
    expect(positional.code).toBe(0);
    expect(positional.stdout).toBe(cli(['list', 'formats', '-t', 'splunk']).stdout);
    expect(positional.stdout.split('\n')[0]).toBe('splunk\tdefault\tone SPL search per rule, one per line');
    const alias = cli(['list', 'pipelines', 'kusto']);
    expect(alias.stdout.split('\n')[0]).toBe('sentinel\tsentinel\t(default)');
    expect(
      alias.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('sentinel\t')),
    ).toBe(true);
    const unknown = cli(['list', 'formats', 'lucene']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      "sigmantic: unknown target 'lucene' (see 'sigmantic list targets')\nTry 'sigmantic --help'.\n",
    ]);
    const none = cli([]);
    expect(none.stderr.split('\n')[0]).toBe('sigmantic: give a command: convert, list, test, check');
    // `list` alone says what it lists, instead of yargs' count of arguments.
    const bare = cli(['list']);
    expect([bare.code, bare.stderr.split('\n')[0]]).toEqual([
      2,
      "sigmantic: say what to list: targets, formats, pipelines or settings (e.g. 'sigmantic list targets', 'sigmantic list pipelines splunk')",
    ]);
  });

  test('--filter F takes one value, so the rules typed after it are inputs; repeatable', () => {
    const f = join(tmp, 'mf_cmd.yml');
    writeFileSync(
      f,
      'title: Filter cmd of admins\nlogsource:\n  product: windows\n  category: process_creation\n' +
        'filter:\n  rules: [11111111-2222-4333-8444-555555555555]\n  sel:\n    User: admin\n  condition: sel\n',
    );
    const once = cli(['convert', '-t', 'splunk', '--filter', f, GOOD]);
    expect([once.code, once.stdout]).toEqual([0, 'Image="*\\\\cmd.exe" NOT User="admin"\n']);
    const g = join(tmp, 'mf_root.yml');
    writeFileSync(
      g,
      readFileSync(f, 'utf8').replace('User: admin', 'User: root').replace('of admins', 'of root'),
    );
    const two = cli(['convert', '-t', 'splunk', '--filter', f, '--filter', g, GOOD]);
    expect([two.code, two.stdout]).toEqual([0, 'Image="*\\\\cmd.exe" NOT User="admin" NOT User="root"\n']);
  });

  test('check -t X rules, test --events e.json rules: the flag took the rules; the error says so', () => {
    const c = cli(['check', '-t', 'sentinel', GOOD]);
    expect([c.code, c.stderr]).toEqual([
      2,
      `sigmantic: no rules: give rule files, directories or globs (-t took every value after it: 'sentinel', '${GOOD}'; put the rules before -t)\nTry 'sigmantic --help'.\n`,
    ]);
    expect(cli(['check', GOOD, '-t', 'sentinel']).code).toBe(0);
    const ev = join(tmp, 'ev.json');
    writeFileSync(ev, '{"Image": "C:\\\\Windows\\\\cmd.exe"}\n');
    const t = cli(['test', '--events', ev, GOOD]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(
      `(--events took every value after it: '${ev}', '${GOOD}'; put the rules before --events)`,
    );
    const ok = cli(['test', GOOD, '--events', ev]);
    expect([ok.code, ok.stdout.split('\n')[0]]).toEqual([
      0,
      `${GOOD} (11111111-2222-4333-8444-555555555555): 1 of 1 events match`,
    ]);
  });

  test('a reader that stops reading (| head): exit 141 as SIGPIPE, nothing on stderr, no stack trace', () => {
    const src = join(tmp, 'pipe');
    mkdirSync(src);
    for (let i = 0; i < 300; i++) writeFileSync(join(src, `r${i}.yml`), ruleText(`r${i}`));
    const ev = join(tmp, 'pipe-events.json');
    writeFileSync(ev, '{"Image": "C:\\\\Windows\\\\cmd.exe"}\n'.repeat(500));
    // ir (convert: synchronous writes to fd 1) and test (process.stdout) print megabytes, more
    // than a pipe holds, so the writer always meets the closed pipe.
    for (const args of [
      ['convert', '-t', 'ir', src],
      ['test', src, '--events', ev],
    ]) {
      const sh = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${CLI}" "$@" 2>"${tmp}/pipe.err" | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}`,
          '_',
          ...args,
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect([args[0], sh.stdout.trim(), readFileSync(join(tmp, 'pipe.err'), 'utf8')]).toEqual([
        args[0],
        '141',
        '',
      ]);
    }
  }, 60_000);

  test('-o - writes to stdout, even where sigmantic.config.yml gives a tree output', () => {
    const repo = join(tmp, 'repo-stdout');
    mkdirSync(join(repo, 'rules'), { recursive: true });
    cpSync(join(ROOT, GOOD), join(repo, 'rules/good.yml'));
    writeFileSync(
      join(repo, 'sigmantic.config.yml'),
      'inputs: [rules]\ntargets: [splunk]\noutput: out\nlayout: tree\nprune: true\n',
    );
    const r = cli(['convert', '-t', 'splunk', 'rules/good.yml', '-o', '-'], undefined, repo);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      'Image="*\\\\cmd.exe"\n',
      'sigmantic: 1 rules: 1 exact, 0 approximate, 0 unsupported, 0 error\n',
    ]);
    expect(existsSync(join(repo, 'out'))).toBe(false);
    // Without -o -, the config's tree is written (what a user pasting into a console trips on).
    const t = cli(['convert', '-t', 'splunk', 'rules/good.yml'], undefined, repo);
    expect([t.code, t.stdout]).toEqual([0, '']);
    expect(existsSync(join(repo, 'out/splunk/good.spl'))).toBe(true);
    // --layout tree with -o - is refused as any tree without a folder.
    const bad = cli(
      ['convert', '-t', 'splunk', 'rules/good.yml', '-o', '-', '--layout', 'tree'],
      undefined,
      repo,
    );
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([
      2,
      'sigmantic: --layout tree needs -o DIR (the folder to write into)',
    ]);
  });
});
