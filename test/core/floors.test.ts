/**
 * The floor plan is kept by lint (eslint.config.js, DEVELOPERS.md "Floors"): each folder rule
 * fires on an import that runs back up, and leaves the allowed ones alone; scripts/check-cycles.mjs
 * finds an import circle.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** The floor-plan messages ESLint gives for `code` written in the file `path`. */
async function floorMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

// [file, an import that runs back up, an import that is allowed there]
const cases: ReadonlyArray<readonly [string, string, string]> = [
  [
    'src/ir/probe.ts',
    "import { compileRule } from '../evaluate/index.js';",
    "import { x } from '../regex/index.js';",
  ],
  [
    'src/ir/probe.ts',
    "import type { PipelineSpec } from '../pipeline/types.js';",
    "import { y } from './types.js';",
  ],
  [
    'src/ir/probe.ts',
    "export { loadBackend } from '../../backends/index.js';",
    "import { z } from '../rule/types.js';",
  ],
  [
    'src/regex/probe.ts',
    "import { buildRule } from '../ir/build.js';",
    "import type { Part } from '../ir/types.js';",
  ],
  [
    'src/rule/probe.ts',
    "import type { Node } from '../ir/types.js';",
    "import { d } from '../diagnostics.js';",
  ],
  [
    'src/pipeline/probe.ts',
    "import type { Backend } from '../backend.js';",
    "import { s } from '../ir/simplify.js';",
  ],
  ['src/lowering/probe.ts', "import { run } from '../run.js';", "import { k } from '../ir/kinds.js';"],
  [
    'src/evaluate/probe.ts',
    "import { main } from '../cli/commands.js';",
    "import { l } from '../convert.js';",
  ],
  [
    'src/convert.ts',
    "import { splunkBackend } from '../backends/splunk/index.js';",
    "import { b } from './backend.js';",
  ],
  [
    'src/settings.ts',
    "import { TARGETS } from '../backends/index.js';",
    "import { q } from './pipeline/state.js';",
  ],
  [
    'src/run.ts',
    "import { render } from '../backends/splunk/render.js';",
    "import { loadBackend } from '../backends/index.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "import { run } from '../../src/run.js';",
    "import { b } from '../../src/backend.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "import { convert } from '../../src/convert.js';",
    "import { r } from '../../src/regex/index.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "import { main } from '../../src/cli/commands.js';",
    "import { c } from '../common/x.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "import { kustoName } from '../sentinel-kql/literal.js';",
    "import { t } from './tree.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "const m = await import('../elastic-kql/index.js');",
    "const m = await import('./formats.js');",
  ],
  [
    'src/ir/probe.ts',
    "const e = await import('../evaluate/index.js');",
    "const e = await import('./simplify.js');",
  ],
];

describe('floor plan (eslint.config.js)', () => {
  test.each(cases)('%s: %s is refused; %s is not', async (path, up, allowed) => {
    const refused = await floorMessages(path, `${up}\n`);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/floor plan: .* must not import /);
    expect(await floorMessages(path, `${allowed}\n`)).toEqual([]);
  });
});

/** The core floor's messages (its own rule, so that it adds to the floors above). */
async function coreMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

// [core file, an import of Node or of the Node side, an import the core may make]
const coreCases: ReadonlyArray<readonly [string, string, string]> = [
  ['src/convert.ts', "import { readFileSync } from 'node:fs';", "import { host } from './host.js';"],
  ['src/pipeline/probe.ts', "import { readFileSync } from 'fs';", "import { host } from '../host.js';"],
  ['src/core.ts', "import { run } from './run.js';", "import { prepare } from './prepare.js';"],
  ['src/ir/probe.ts', "import { nodeHost } from '../node/host.js';", "import { a } from './kinds.js';"],
  ['src/evaluate/probe.ts', "import { t } from './testing.js';", "import { c } from './compile.js';"],
  [
    'backends/elastic-kql/probe.ts',
    "import { createHash } from 'node:crypto';",
    "import { sha256Hex } from '../common/sha256.js';",
  ],
  [
    'backends/splunk/probe.ts',
    "import { expandInputs } from '../../src/files.js';",
    "import { backendData } from '../common/files.js';",
  ],
];

describe('the core floor: no Node in what the browser runs (eslint.config.js)', () => {
  test.each(coreCases)('%s: %s is refused; %s is not', async (path, bad, allowed) => {
    const refused = await coreMessages(path, `${bad}\n`);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/the core must not import .*: it runs in the browser/);
    expect(await coreMessages(path, `${allowed}\n`)).toEqual([]);
  });
  test('the Node side may use Node', async () => {
    expect(await coreMessages('src/node/host.ts', "import { readFileSync } from 'node:fs';\n")).toEqual([]);
    expect(await coreMessages('src/run.ts', "import { readFileSync } from 'node:fs';\n")).toEqual([]);
  });
});

describe('import circles (scripts/check-cycles.mjs)', () => {
  function check(files: Record<string, string>): { status: number | null; stderr: string } {
    const root = mkdtempSync(join(tmpdir(), 'sigmantic-cycles-'));
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const r = spawnSync(process.execPath, ['scripts/check-cycles.mjs', '--root', root, 'src'], {
        encoding: 'utf8',
      });
      return { status: r.status, stderr: r.stderr };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  test('a circle through a type-only import and a dynamic import is found and printed', () => {
    const r = check({
      'src/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
      'src/b.ts': "export type B = 1;\nexport const c = () => import('./c/index.js');\n",
      'src/c/index.ts': "export { A } from '../a.js';\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('import circle: src/a.ts -> src/b.ts -> src/c/index.ts -> src/a.ts');
  });
  test('imports that only run down are accepted', () => {
    const r = check({
      'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/b.ts': "// import { a } from './a.js' (a comment, not an import)\nexport const b = 1;\n",
    });
    expect(r).toEqual({ status: 0, stderr: '' });
  });
});
