/**
 * Filters (Sigma filters specification 2.1): `--filter` adds each filter to the rules it names
 * (by id or name) whose log source it covers, as `rule and not filter`, in every target. Held to
 * the three dialect interpreters: the filtered query matches what the rule matches minus what the
 * filter excludes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/run.js';
import type { RuleSummary } from '../../src/batch.js';
import { compileRule } from '../../src/evaluate/compile.js';
import { loadRuleFromText } from '../../src/convert.js';
import { evalSpl } from '../support/eval-spl.js';
import { evalKusto } from '../support/eval-kusto.js';
import { evalKql } from '../support/eval-kql.js';

const RULE = `title: Rar compression
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
name: rar
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\\rar.exe'
  condition: sel
`;
const OTHER = `title: Other rule
id: 7f3e2987-db24-4c78-a860-b4f4095a7095
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\\rar.exe'
  condition: sel
`;
const LINUX = `title: Linux rar
name: rar_linux
logsource:
  category: process_creation
  product: linux
detection:
  sel:
    Image|endswith: '/rar'
  condition: sel
`;
const FILTER = `title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
  category: process_creation
  product: windows
filter:
  rules:
    - 6f3e2987-db24-4c78-a860-b4f4095a7095
    - rar_linux
  selection:
    User|startswith: 'adm_'
  condition: selection
`;

async function convert(target: string, filters: string[], files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-filter-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  });
  const fpaths = filters.map((text, i) => {
    const p = join(dir, `mf_filter_${i}.yml`);
    writeFileSync(p, text);
    return p;
  });
  const results: RuleSummary[] = [];
  let out = '';
  await run(
    {
      targets: [target],
      inputs: paths,
      filters: fpaths,
      defaultPipelines: false,
      settings: target === 'sentinel' ? { table: 'SigmaEvents' } : undefined,
    },
    { write: (_, s) => (out += s), onResult: (_, r) => results.push(r) },
  );
  return { results, out };
}

const EVENTS: Array<Record<string, string>> = [
  { Image: 'C:\\bin\\rar.exe', User: 'alice' },
  { Image: 'C:\\bin\\rar.exe', User: 'adm_bob' },
  { Image: 'C:\\bin\\RAR.EXE', User: 'ADM_carol' },
  { Image: 'C:\\bin\\rar.exe' },
  { Image: 'C:\\bin\\zip.exe', User: 'alice' },
];
const COLUMNS = { Image: 'string', User: 'string' };

const rule = compileRule(loadRuleFromText(RULE, 'r.yml').ir!);
const filter = compileRule(
  loadRuleFromText(
    RULE.replace(/detection:[\s\S]*/, "detection:\n  sel:\n    User|startswith: 'adm_'\n  condition: sel\n"),
    'f.yml',
  ).ir!,
);

describe('--filter', () => {
  test.each([
    ['splunk', (q: string, e: Record<string, unknown>) => evalSpl(q, e)],
    ['sentinel', (q: string, e: Record<string, unknown>) => evalKusto(q, e, COLUMNS)],
    ['elastic', (q: string, e: Record<string, unknown>) => evalKql(q, e)],
  ] as const)(
    '%s: the rule minus the filter, and only the named rule of a covered log source',
    async (target, evaluate) => {
      const { results } = await convert(target, [FILTER], {
        'rar.yml': RULE,
        'other.yml': OTHER,
        'linux.yml': LINUX,
      });
      const [rar, other, linux] = results;
      // Elastic keyword values compare case-sensitively: its conversions are labelled approximate
      // (docs/elastic.md), and then may match more events, never fewer.
      const exact = target !== 'elastic';
      expect(rar.status).toBe(exact ? 'exact' : 'approximate');
      // SigmaEvents is a table whose columns sigmantic does not know: each field is unverified.
      expect(
        rar.diagnostics.map((d) => d.code).filter((c) => c !== 'approximation' && c !== 'unverified-field'),
      ).toEqual(['filter-applied']);
      expect(rar.applied[0]).toMatch(
        /^filter 'Filter Administrator account' \(.*mf_filter_0\.yml:1\): added as 'and not'/,
      );
      // Not named: untouched. Named but of a log source the filter does not cover (linux): untouched.
      const touched = (ds: readonly { code: string }[]) =>
        ds.filter((d) => d.code !== 'approximation' && d.code !== 'unverified-field');
      expect(touched(other.diagnostics)).toEqual([]);
      expect(touched(linux.diagnostics)).toEqual([]);
      for (const e of EVENTS) {
        const want = rule(e) && !filter(e);
        if (exact) {
          expect([e, evaluate(rar.queries[0], e)]).toEqual([e, want]);
          expect([e, evaluate(other.queries[0], e)]).toEqual([e, rule(e)]);
        } else if (want) expect([e, evaluate(rar.queries[0], e)]).toEqual([e, true]);
      }
      // The exactly-cased excluded event is excluded by every target.
      expect(evaluate(rar.queries[0], EVENTS[1])).toBe(false);
      // The filter removes some events the rule keeps (the test is not vacuous).
      expect(EVENTS.filter((e) => rule(e) && filter(e)).length).toBe(2);
    },
  );

  test('a filter document among the inputs applies too, and gives no query of its own', async () => {
    const { results } = await convert('splunk', [], { 'rar.yml': RULE, 'mf.yml': FILTER });
    expect(results.map((r) => [r.title, r.status, r.queries.length])).toEqual([
      ['Rar compression', 'exact', 1],
      ['Filter Administrator account', 'exact', 0],
    ]);
    expect(results[0].queries[0]).toContain('NOT');
  });

  test("a filter written for pySigma ('condition: not selection', added there as 'and') gets a warning", async () => {
    const negated = FILTER.replace('condition: selection', 'condition: not selection');
    const { results } = await convert('splunk', [negated], { 'rar.yml': RULE });
    const [rar] = results;
    expect(rar.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['info', 'filter-applied'],
      ['warning', 'filter-negated'],
    ]);
    expect(rar.diagnostics[1].message).toMatch(
      /^filter 'Filter Administrator account' \(.*mf_filter_0\.yml:1\): its condition is a 'not', and sigmantic adds a filter as 'and not' .* for sigmantic write 'condition: selection'$/,
    );
    // The query is what the specification's reading gives (rule and not not selection), as said.
    for (const e of EVENTS) expect([e, evalSpl(rar.queries[0], e)]).toEqual([e, rule(e) && filter(e)]);
    // The specification's form gets no warning.
    const plain = await convert('splunk', [FILTER], { 'rar.yml': RULE });
    expect(plain.results[0].diagnostics.map((d) => d.code)).toEqual(['filter-applied']);
  });

  test('a filter file given twice, or also as an input, is applied once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmantic-filter-'));
    const rar = join(dir, 'rar.yml');
    const mf = join(dir, 'mf.yml');
    writeFileSync(rar, RULE);
    writeFileSync(mf, FILTER);
    for (const [inputs, filters] of [
      [[rar], [mf, join(dir, '.', 'mf.yml')]],
      [[rar, mf], [mf]],
    ]) {
      const results: RuleSummary[] = [];
      await run(
        { targets: ['splunk'], inputs, filters, defaultPipelines: false },
        { write: () => undefined, onResult: (_, r) => results.push(r) },
      );
      expect(results[0].queries[0].match(/NOT/g)).toHaveLength(1);
      expect(results[0].diagnostics.map((d) => d.code)).toEqual(['filter-applied']);
    }
  });

  test('filters: any applies to every rule of the covered log source', async () => {
    const { results } = await convert('splunk', [FILTER.replace(/rules:\n.*\n.*\n/, 'rules: any\n')], {
      'rar.yml': RULE,
      'other.yml': OTHER,
      'linux.yml': LINUX,
    });
    expect(results.map((r) => r.diagnostics.map((d) => d.code))).toEqual([
      ['filter-applied'],
      ['filter-applied'],
      [],
    ]);
  });
});
