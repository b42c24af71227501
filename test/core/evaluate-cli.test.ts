/** `sigmantic test` on the fixtures: matches, test files, report shape, failures. */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand } from '../../src/cli/test-command.js';

const FIX = join(process.cwd(), 'test', 'fixtures', 'events');

async function run(args: Parameters<typeof runTestCommand>[0]) {
  let out = '';
  let err = '';
  const code = await runTestCommand(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

test('matches per rule and the report has exactly path, id, matches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgt-'));
  const report = join(dir, 'r.json');
  const r = await run({
    inputs: [join(FIX, 'rules')],
    events: [join(FIX, 'attack.jsonl'), join(FIX, 'benign.json'), join(FIX, 'sysmon-evtx.json')],
    report,
    quiet: false,
  });
  expect(r.code).toBe(0);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  expect(Object.keys(rep.rules[0]).sort()).toEqual(['id', 'matches', 'path']);
  expect(rep.rules[0].matches.map((m: { index: number }) => m.index)).toEqual([0, 1, 0]);
  expect(rep.expectations).toHaveLength(3);
  expect(rep.expectations.every((e: { passed: boolean }) => e.passed)).toBe(true);
});

test('a failing expectation exits 1 and explains per selection and node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgt-'));
  copyFileSync(join(FIX, 'rules', 'proc_creation_win_encoded_powershell.yml'), join(dir, 'r.yml'));
  writeFileSync(
    join(dir, 'r.test.yml'),
    `tests:\n  - name: wrong\n    events: ${join(FIX, 'benign.json')}\n    match: all\n`,
  );
  const r = await run({ inputs: [join(dir, 'r.yml')], quiet: false });
  expect(r.code).toBe(1);
  expect(r.out).toContain('FAIL');
  expect(r.out).toContain('#0: expected a match, but it did not match');
  expect(r.out).toContain('selections: selection_img=true, selection_cli=true, filter_admin=true');
  expect(r.out).toMatch(/✓ User\|startswith: 'CORP\\admin' \(filter_admin, line 13\)/);
});

test('a bad test file is an error, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgt-'));
  copyFileSync(join(FIX, 'rules', 'proc_creation_win_encoded_powershell.yml'), join(dir, 'r.yml'));
  writeFileSync(join(dir, 'r.test.yml'), 'tests:\n  - match: sometimes\n    events: x.json\n');
  const r = await run({ inputs: [join(dir, 'r.yml')], quiet: false });
  expect(r.code).toBe(1);
  expect(r.err).toContain("'match' must be all, none");
});
