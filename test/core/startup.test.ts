/**
 * The start-up special cases that depend on yargs' internals (src/cli/startup/NOTES.md) still
 * apply to the installed yargs: each fails here, not silently in the bundle, when an upgrade
 * moves what it patches.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs from 'yargs';
import { lazyColumns, YARGS_SHIM } from '../../src/cli/startup/yargs-columns.mjs';
import { skipHelpCache, usageInstance } from '../../src/cli/startup/yargs-help.js';

const yargsDir = join(process.cwd(), 'node_modules', 'yargs');

describe('yargs source patch (scripts/bundle.mjs, lazy stdout columns)', () => {
  test('yargs loads the shim file the patch targets', () => {
    const shim = join(yargsDir, 'lib', 'platform-shims', 'esm.mjs');
    expect(YARGS_SHIM.test(shim)).toBe(true);
    expect(readFileSync(join(yargsDir, 'index.mjs'), 'utf8')).toContain(
      "from './lib/platform-shims/esm.mjs'",
    );
  });
  test('the patch applies to the installed shim: stdout columns become a getter', () => {
    const text = readFileSync(join(yargsDir, 'lib', 'platform-shims', 'esm.mjs'), 'utf8');
    const patched = lazyColumns(text);
    expect(patched).not.toBeNull();
    expect(patched).toContain('get stdColumns() { return typeof process.stdout.columns');
    expect(patched).not.toContain('stdColumns: typeof process.stdout.columns');
  });
  test('a shim without the eager read is reported, not patched', () => {
    expect(lazyColumns('export default { stdColumns: 80 }')).toBeNull();
  });
});

describe('skipHelpCache (src/cli/commands.ts)', () => {
  /** Runs one command through yargs, counting calls of the usage instance's help cache. */
  async function helpCacheCalls(skip: boolean): Promise<number> {
    const y = yargs(['go']).command('go', 'a command', {}, () => {});
    const usage = usageInstance(y);
    expect(typeof usage?.cacheHelpMessage).toBe('function');
    let calls = 0;
    const original = usage!.cacheHelpMessage!;
    usage!.cacheHelpMessage = function (this: unknown) {
      calls++;
      return original.call(this);
    };
    await (skip ? skipHelpCache(y) : y).exitProcess(false).parseAsync();
    return calls;
  }
  test('yargs caches the help text when a command runs (the hook exists and is called)', async () => {
    expect(await helpCacheCalls(false)).toBeGreaterThan(0);
  });
  test('skipHelpCache stops it', async () => {
    expect(await helpCacheCalls(true)).toBe(0);
  });
});

describe('the launcher lowers TurboFan inlining (src/cli/startup/launcher.cjs)', () => {
  const launcher = readFileSync(join(process.cwd(), 'src', 'cli', 'startup', 'launcher.cjs'), 'utf8');
  const flag = /const INLINING = '([^']+)'/.exec(launcher)?.[1];
  const value = /`\$\{INLINING\}=(\d+)`/.exec(launcher)?.[1];
  test('it sets the flag before reading the code cache (the runs it applies to: test/core/cli.test.ts)', () => {
    expect(flag).toBe('--max-inlined-bytecode-size-cumulative');
    expect(Number(value)).toBeGreaterThan(0);
    expect(launcher.indexOf('setFlagsFromString')).toBeLessThan(launcher.indexOf('new Script('));
  });
  test("this Node's V8 knows the flag (an unknown one is only complained about on stderr)", () => {
    const r = spawnSync(
      process.execPath,
      ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(`${flag}=${value}`)})`],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    // As a node option too: V8 rejects an unknown one outright.
    expect(spawnSync(process.execPath, [`${flag}=${value}`, '-e', '0']).status).toBe(0);
  });
});
