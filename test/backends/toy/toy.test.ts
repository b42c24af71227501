/**
 * A toy fourth backend (prefix-form IR), written only in this folder, converts rules through the
 * public library API after one registry line (`registerTarget` below): no file outside
 * test/backends/toy/ knows it. Its approximation goes through the shared lowering kit.
 */
import { join } from 'node:path';
import { loadBackend, registerTarget, run, targetNames, type RunSummary } from '../../../src/index.js';

// The one registry line.
registerTarget('toy', {
  description: 'prefix-form IR (a test dialect)',
  aliases: ['prefix'],
  load: async () => (await import('./index.js')).toyBackend,
});

const RULES = join(new URL('.', import.meta.url).pathname, 'rules');

async function convert(target: string, inputs: string[]) {
  let out = '';
  const results: Array<{
    path: string;
    status: string;
    queries: readonly string[];
    diagnostics: readonly {
      code: string;
      reason?: string;
      direction?: string;
      message: string;
      line?: number;
    }[];
  }> = [];
  const summary: RunSummary = await run(
    { targets: [target], inputs },
    { write: (_t, chunk) => (out += chunk), onResult: (_t, r) => results.push(r) },
  );
  return { out, results, summary };
}

test('the one registry line makes the toy a target like the built-in ones', async () => {
  expect(targetNames().slice(-1)).toEqual(['toy']);
  expect((await loadBackend('prefix'))?.name).toBe('toy');
  expect(() =>
    registerTarget('prefix', {
      description: '',
      aliases: [],
      load: async () => (await import('./index.js')).toyBackend,
    }),
  ).toThrow("target name 'prefix' is already taken");
  expect(() =>
    registerTarget('other', {
      description: '',
      aliases: ['spl'],
      load: async () => (await import('./index.js')).toyBackend,
    }),
  ).toThrow("target name 'spl' is already taken");
});

test('sample rules convert through the library API: exact, approximate through the lowering kit, refused', async () => {
  const { out, results, summary } = await convert('prefix', [RULES]);
  expect(out).toBe(
    [
      String.raw`(and (endswith Image "\\powershell.exe") (cased-startswith ParentImage "C:\\Windows\\\\"))`,
      String.raw`(or (and (endswith Image "\\cmd.exe") (contains CommandLine "/c") (contains CommandLine "whoami") (not (startswith User "NT AUTHORITY\\\\"))) (cidr DestinationIp "10.0.0.0/8"))`,
      '',
    ].join('\n'),
  );
  expect(summary.counts).toEqual({ prefix: { exact: 1, approximate: 1, unsupported: 1, error: 0 } });
  const by = Object.fromEntries(results.map((r) => [r.path.replace(/^.*\//, ''), r]));
  // The regex that is exactly a prefix went through the shared pass (capabilities) and stays exact;
  // the other two are dropped by Lowering.drop: widened where the rule requires them, narrowed under not.
  expect(by['approximate.yml'].status).toBe('approximate');
  expect(by['approximate.yml'].diagnostics.map((d) => [d.code, d.reason, d.direction, d.line])).toEqual([
    ['approximation', 'regex', 'wider', 10],
    ['approximation', 'regex', 'narrower', 14],
  ]);
  expect(by['approximate.yml'].diagnostics[1].message).toBe(
    String.raw`the prefix form has no regex: /Get-Help\s/ on CommandLine is left out`,
  );
  expect(by['exact.yml']).toMatchObject({ status: 'exact', diagnostics: [] });
  expect(by['unsupported.yml']).toMatchObject({ status: 'unsupported', queries: [] });
  expect(by['unsupported.yml'].diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
    ['unsupported-construct', 'the prefix form cannot compare ParentUser with the field User', 9],
  ]);
});

test('--strict turns the toy approximation into an error like any backend', async () => {
  let out = '';
  const summary = await run(
    { targets: ['toy'], inputs: [join(RULES, 'approximate.yml')], strict: true },
    { write: (_t, chunk) => (out += chunk) },
  );
  expect(out).toBe('');
  expect(summary.counts.toy.approximate).toBe(0);
});

test("the repository's sample rules: every rule gets a label and at most one query line", async () => {
  const { out, results, summary } = await convert('toy', [join(RULES, '../../../../rules')]);
  expect(results.length).toBeGreaterThanOrEqual(6);
  expect(summary.counts.toy.error).toBe(0);
  const converted = results.filter((r) => r.queries.length > 0);
  expect(out.split('\n').filter(Boolean)).toEqual(converted.map((r) => r.queries[0]));
  for (const q of converted.map((r) => r.queries[0])) expect(q).toMatch(/^\([a-z-]+ /);
  // A rule whose every part was a regex the toy drops would match every event: refused, not `true`.
  const refused = results.find((r) => r.diagnostics.some((d) => d.message.startsWith('after approximation')));
  expect(refused).toMatchObject({ status: 'unsupported', queries: [] });
});
