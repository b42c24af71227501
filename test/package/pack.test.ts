/**
 * The package as users install it (#17 items 7 and 13): `npm pack`, installed into an empty folder
 * with nothing else, then the CLI (`npx sigmantic`, every target and format on a sample rule) and
 * a TypeScript consumer of the library (compiled with full library checking, run as an ES module).
 * Runs in .ci/run (`npm run test:package`); needs the npm registry or npm's cache for the
 * dependencies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'sigmantic-pack-'));
const app = join(work, 'app');
const cacheDir = join(work, 'cache');
let tarball = '';
let files: string[] = [];

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SIGMANTIC_CACHE_DIR: cacheDir, ...env },
    timeout: 300_000,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  // npm pack runs `prepare` (the build), then lists what the tarball holds.
  const out = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], root)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarball = join(work, out[0].filename);
  files = out[0].files.map((f) => f.path);
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "type": "module" }\n');
  // TypeScript 5 and Node's types are what a TypeScript consumer on Node has; nothing else.
  const ts = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')) as {
    version: string;
  };
  const node = JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')) as {
    version: string;
  };
  sh(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `typescript@${ts.version}`,
      `@types/node@${node.version}`,
    ],
    app,
  );
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds what npx sigmantic and the library need, and no code cache of this machine', () => {
    for (const f of [
      'dist/bundle/cli.js',
      'dist/bundle/main.js',
      'dist/bundle/worker.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/core.d.ts',
      'README.md',
      'LICENSE',
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('templates/'))).toBe(true);
    expect(files.some((f) => /^backends\/[^/]+\/data\/.+\.json$/.test(f))).toBe(true);
    expect(files.some((f) => f.startsWith('src/data/'))).toBe(true);
    expect(files.filter((f) => /v8-cache|\.bin$|^test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('starts with a shebang BusyBox env can run (no env -S)', () => {
    const first = readFileSync(join(app, 'node_modules/sigmantic/dist/bundle/cli.js'), 'utf8').split('\n')[0];
    expect(first).toBe('#!/usr/bin/env node');
  });
});

describe('the CLI, installed', () => {
  // A rule every target converts (a sample rule with a regex is unsupported in Elastic KQL).
  const rule = () => {
    const path = join(work, 'rule.yml');
    writeFileSync(
      path,
      `title: Whoami
id: 5f8a3c2e-1b2d-4c3e-9f00-0123456789ab
level: high
tags: [attack.discovery, attack.t1033]
logsource: {product: windows, category: process_creation}
detection:
  sel:
    Image|endswith: '\\whoami.exe'
  condition: sel
`,
    );
    return path;
  };

  it('--version and list targets', () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect(sh('npx', ['--no-install', 'sigmantic', '--version'], app).trim()).toBe(version);
    expect(sh('npx', ['--no-install', 'sigmantic', 'list', 'targets'], app)).toMatch(/^splunk /m);
  });

  it('converts a rule for every target and format as the repository build does', () => {
    const targets = sh('npx', ['--no-install', 'sigmantic', 'list', 'targets'], app)
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter((t) => t !== '' && t !== 'ir');
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const t of targets) {
      const formats = sh('npx', ['--no-install', 'sigmantic', 'list', 'formats', '-t', t], app)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[1]);
      expect(formats).toContain('default');
      for (const f of formats) {
        const args = ['convert', '-q', '-t', t, '-f', f, rule()];
        const installed = spawnSync('npx', ['--no-install', 'sigmantic', ...args], {
          cwd: app,
          encoding: 'utf8',
          env: { ...process.env, SIGMANTIC_CACHE_DIR: cacheDir },
        });
        const repo = spawnSync(process.execPath, [join(root, 'dist/bundle/cli.js'), ...args], {
          cwd: root,
          encoding: 'utf8',
        });
        // Every target writes its default format; some formats need a pipeline (Splunk's
        // data-model needs -p splunk-cim) and then print nothing, as the repository build does.
        if (f === 'default') expect(installed.stdout.length).toBeGreaterThan(0);
        expect({ t, f, status: installed.status, out: installed.stdout }).toEqual({
          t,
          f,
          status: repo.status,
          out: repo.stdout,
        });
      }
    }
  }, 300_000);

  it('makes its code cache in the user cache folder at the first run, not in the package', () => {
    const ls = spawnSync('ls', [join(cacheDir, 'v8')], { encoding: 'utf8' });
    expect(ls.stdout).toMatch(/\.bin$/m);
  });
});

describe('the library, from a TypeScript consumer', () => {
  it("docs/library.md's examples compile and run against the installed package", () => {
    const doc = readFileSync(join(root, 'docs/library.md'), 'utf8');
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    // The first example defines `rule`; the others use it, and `run` reads rules/ in the app.
    const ruleDef = /^const rule = `[\s\S]*?`;\n/m.exec(blocks[0])![0];
    execFileSync('mkdir', ['-p', join(app, 'rules')]);
    writeFileSync(join(app, 'rules/whoami.yml'), /`([\s\S]*)`/.exec(ruleDef)![1].replace(/\\\\/g, '\\'));
    const names = blocks.map((b, i) => {
      const name = `example${i + 1}.ts`;
      writeFileSync(join(app, name), (b.includes('const rule =') || !/\brule\b/.test(b) ? '' : ruleDef) + b);
      return name;
    });
    writeFileSync(
      join(app, 'tsconfig.examples.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'examples',
        },
        files: names,
      }),
    );
    sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.examples.json'], app);
    const outputs = names.map((n) => sh(process.execPath, [`examples/${n.replace(/\.ts$/, '.js')}`], app));
    expect(outputs[0]).toMatch(/^exact\nDeviceProcessEvents\n/);
    expect(outputs[1]).toMatch(/exact: 1/);
    expect(outputs[2]).toContain(String.raw`[ 'Image="*\\\\whoami.exe"' ]`);
    expect(outputs[3].trim()).toBe('false');
  });

  it('compiles with full checking of the library types and runs as an ES module', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { convertText, CODES, type TextResult } from 'sigmantic';
import { convertText as coreConvert } from 'sigmantic/core';

const rule = \`title: t
logsource: {product: windows, category: process_creation}
detection:
  sel: {CommandLine|contains: whoami}
  condition: sel
\`;
const r: TextResult = await convertText(rule, { target: 'splunk' });
if ('usageError' in r) throw new Error(r.usageError);
const c = await coreConvert(rule, { target: 'sentinel' });
console.log(JSON.stringify({ splunk: r.output, status: r.status, core: 'output' in c, codes: Object.keys(CODES).length > 10 }));
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', '.'], app);
    const out = JSON.parse(sh(process.execPath, ['out/consumer.js'], app)) as Record<string, unknown>;
    expect(out).toEqual({ splunk: 'CommandLine="*whoami*"\n', status: 'exact', core: true, codes: true });
  });
});
