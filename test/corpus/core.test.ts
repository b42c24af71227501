/**
 * The core against the SigmaHQ corpus (`npm run test:corpus`): every active rule loads and builds
 * IR; every old rule (deprecated/, unsupported/) gives IR or clean diagnostics, never an internal error.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleFile, type LoadedRule } from '../../src/convert.js';
import type { CidrMatch, Node, StringMatch } from '../../src/ir/types.js';
import { CORPUS, describeWithCorpus } from '../support/corpus.js';

const maybe = describeWithCorpus('test/corpus/core.test.ts');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}
function load(path: string): LoadedRule {
  let r: LoadedRule | undefined;
  expect(() => (r = loadRuleFile(path))).not.toThrow();
  return r!;
}

maybe('active corpus (the six rules* folders)', () => {
  test('all 3,780 rules load and build IR with no error', () => {
    const folders = readdirSync(CORPUS).filter((d) => d.startsWith('rules'));
    expect(folders.sort()).toEqual([
      'rules',
      'rules-compliance',
      'rules-dfir',
      'rules-emerging-threats',
      'rules-placeholder',
      'rules-threat-hunting',
    ]);
    const files = folders.flatMap((d) => walk(join(CORPUS, d)));
    expect(files).toHaveLength(3780);
    const failed: string[] = [];
    let withIr = 0;
    for (const f of files) {
      const r = load(f);
      if (r.ir) withIr++;
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (!r.ir || errors.length > 0)
        failed.push(`${f}: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
    }
    expect(failed).toEqual([]);
    expect(withIr).toBe(3780);
  });
});

maybe('old rules (deprecated/, unsupported/)', () => {
  test('each gives IR or clean diagnostics (counts by outcome, no internal-error)', () => {
    const files = ['deprecated', 'unsupported'].flatMap((d) => walk(join(CORPUS, d)));
    expect(files).toHaveLength(259); // the folders' other 4 files are README.md, .json, .csv
    const outcomes: Record<string, number> = {};
    for (const f of files) {
      const r = load(f);
      for (const d of r.diagnostics) {
        expect(d.code).not.toBe('internal-error');
        expect(d.line).toEqual(expect.any(Number));
        expect(d.column).toEqual(expect.any(Number));
      }
      const key = r.ir ? 'ir' : (r.diagnostics.find((d) => d.severity === 'error')?.code ?? 'no-diagnostic');
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    expect(outcomes).toEqual({
      ir: 198,
      'legacy-aggregation': 54,
      'condition-syntax': 4,
      'multi-document': 3,
    });
  });
});

function collect(n: Node, out: Node[] = []): Node[] {
  out.push(n);
  if (n.kind === 'and' || n.kind === 'or') for (const c of n.children) collect(c, out);
  if (n.kind === 'not') collect(n.child, out);
  return out;
}

maybe('seed rule: SMB connection without signing or encryption', () => {
  const path = join(
    CORPUS,
    'rules/windows/builtin/smbserver/connectivity/win_smbserver_connectivity_unsigned_and_unencrypted_share_connection.yml',
  );
  test('0200????7F is a contains of a literal and one-char parts; the five CIDRs are parsed networks', () => {
    const r = load(path);
    expect(r.diagnostics).toEqual([]);
    const nodes = collect(r.ir!);
    const contains = nodes.find(
      (n): n is StringMatch => n.kind === 'string' && n.field === 'ClientAddress' && n.op === 'contains',
    )!;
    expect(contains.values).toContainEqual([
      { kind: 'text', text: '0200' },
      { kind: 'one' },
      { kind: 'one' },
      { kind: 'one' },
      { kind: 'one' },
      { kind: 'text', text: '7F' },
    ]);
    expect(contains.values).toContainEqual([{ kind: 'text', text: '00000000000000000000000000000001' }]);
    const cidr = nodes.find((n): n is CidrMatch => n.kind === 'cidr')!;
    expect(cidr.field).toBe('ClientAddress');
    expect(cidr.networks.map((n) => [n.version, n.address, n.prefix])).toEqual([
      [4, '127.0.0.0', 8],
      [4, '169.254.0.0', 16],
      [6, '::1', 128],
      [6, 'fe80::', 10],
      [6, 'fc00::', 7],
    ]);
    expect(cidr.networks[4].bytes).toEqual([0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // all of selection_* and not 1 of filter_main_*
    expect(r.ir!.kind).toBe('and');
    const not = nodes.find((n) => n.kind === 'not');
    expect(not).toBeDefined();
  });
});
