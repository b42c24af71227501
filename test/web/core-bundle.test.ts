/**
 * The core runs without Node (src/host.ts, issue #18): bundled for the browser by esbuild
 * (platform=browser) it has no unresolved import, and run in a bare JavaScript context (no
 * Buffer, process, require or file system: only what a browser also has) it converts the sample
 * rules of rules/ to every target and format exactly as the library does under Node.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { browserCoreOptions } from '../../scripts/web-core.mjs';
import {
  convertText,
  loadBackend,
  run,
  targetNames,
  type ConvertTextOptions,
  type TextResult,
} from '../../src/index.js';
import { base64, base64Offsets } from '../../src/ir/encodings.js';
import { sha256Hex } from '../../backends/common/sha256.js';

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? ruleFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

let code = '';
let errors: string[] = [];

beforeAll(async () => {
  const r = await build({
    ...browserCoreOptions(),
    entryPoints: ['src/core.ts'],
    format: 'iife',
    globalName: 'sigmantic',
    write: false,
    logLevel: 'silent',
  }).catch((e: { errors?: Array<{ text: string; location?: { file: string } }> }) => {
    errors = (e.errors ?? []).map((x) => `${x.location?.file ?? '?'}: ${x.text}`);
    return undefined;
  });
  if (r?.outputFiles) code = r.outputFiles[0].text;
}, 60_000);

test('the core bundles for the browser with no unresolved import', () => {
  expect(errors).toEqual([]);
  expect(code.length).toBeGreaterThan(0);
  expect(code).not.toMatch(/\brequire\(["']node:/);
});

describe('the browser bundle in a context without Node converts as the library does', () => {
  const files = ruleFiles('rules');
  let ctx: vm.Context;
  beforeAll(() => {
    // A bare context: the JavaScript built-ins, TextEncoder (a browser has it), nothing of Node.
    ctx = vm.createContext({ TextEncoder });
    vm.runInContext(code, ctx);
    expect(vm.runInContext('typeof Buffer + typeof process + typeof require', ctx)).toBe(
      'undefinedundefinedundefined',
    );
  });
  const convertInBundle = (text: string, options: object): Promise<TextResult> =>
    vm.runInContext(`sigmantic.convertText(${JSON.stringify(text)}, ${JSON.stringify(options)})`, ctx);

  test('every sample rule, target and format', async () => {
    expect(files.length).toBeGreaterThan(3);
    let compared = 0;
    for (const target of targetNames()) {
      const backend = (await loadBackend(target))!;
      for (const format of Object.keys(backend.formats))
        for (const f of files) {
          const text = readFileSync(f, 'utf8');
          const options = { target, format, path: f };
          const inNode = await convertText(text, options);
          const inBundle = await convertInBundle(text, options);
          expect(JSON.parse(JSON.stringify(inBundle))).toEqual(JSON.parse(JSON.stringify(inNode)));
          if ('output' in inNode) compared += inNode.output.length > 0 ? 1 : 0;
        }
    }
    expect(compared).toBeGreaterThan(files.length * 3);
  });

  test('a pasted pipeline, settings and a usage error', async () => {
    const text = readFileSync(files[0], 'utf8');
    const pipeline = {
      yaml: 'name: t\ntransformations:\n  - id: f\n    type: field_name_mapping\n    mapping:\n      CommandLine: cmd\n',
    };
    const cases: ConvertTextOptions[] = [
      { target: 'splunk', pipelines: [pipeline], settings: { index: 'main' } },
      { target: 'elastic', pipelines: ['ecs-windows'] },
      { target: 'splunk', settings: { nope: '1' } },
      { target: 'nope' },
      { target: 'splunk', pipelines: [{ yaml: 'transformations: [' }] },
    ];
    for (const options of cases) {
      const inNode = await convertText(text, options);
      expect(JSON.parse(JSON.stringify(await convertInBundle(text, options)))).toEqual(
        JSON.parse(JSON.stringify(inNode)),
      );
    }
  });
});

test('convertText with a pasted pipeline that has finalizers gives what a run writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-finalize-'));
  try {
    const yaml =
      "name: p\ntransformations: []\nfinalizers:\n  - {type: concat, separator: ' | '}\n  - {type: json}\n";
    const pfile = join(dir, 'p.yml');
    writeFileSync(pfile, yaml);
    const text = readFileSync('rules/windows/proc_creation_win_whoami_all_execution.yml', 'utf8');
    writeFileSync(join(dir, 'rule.yml'), text);
    let written = '';
    await run(
      { targets: ['splunk'], inputs: [join(dir, 'rule.yml')], pipelines: [pfile] },
      { write: (_t, c) => (written += c) },
    );
    const r = await convertText(text, { target: 'splunk', pipelines: [{ yaml }] });
    expect('output' in r && r.output).toBe(written);
    expect(written).toMatch(/^\["/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the plain-JavaScript replacements of node:crypto and Buffer', () => {
  const samples = [
    '',
    'a',
    'abc',
    'x'.repeat(55),
    'y'.repeat(56),
    'z'.repeat(64),
    'Ünïcødé ✓ 𝄞',
    '\0\u00ff\ud800',
  ];
  test.each(samples)('sha256Hex(%j) is node:crypto', (s) => {
    expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
  });
  test.each(samples)('base64 / base64Offsets of %j are Buffer', (s) => {
    for (const bytes of [false, true]) {
      const buf = Buffer.from(s, bytes ? 'latin1' : 'utf8');
      expect(base64(s, bytes)).toBe(buf.toString('base64'));
      const offs = [0, 1, 2].map((i) => Buffer.concat([Buffer.alloc(i, 0x20), buf]).toString('base64'));
      const start = [0, 2, 3];
      const end = [null, -3, -2];
      expect(base64Offsets(s, bytes)).toEqual(
        offs.map((enc, i) => {
          const e = end[(buf.length + i) % 3];
          return enc.slice(start[i], e === null ? undefined : enc.length + e);
        }),
      );
    }
  });
});
