/**
 * The detection-as-code layer of `convert` in process (issue #17): selection, the config file,
 * input expansion (test files, exclusions, `!` globs, symbolic links), the output tree writer,
 * per-target options through run(), duplicate ids, the progress line and colors. The command line
 * itself (exit codes, the kill-mid-way test) is in cli.test.ts.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UsageError, type RuleSummary } from '../../src/batch.js';
import { findConfig, loadConfig } from '../../src/config.js';
import { expandInputs, globRegExp, inputRoot } from '../../src/files.js';
import { JOURNAL, MANIFEST, TreeOutput, writeAtomic } from '../../src/output/tree.js';
import { Progress } from '../../src/progress.js';
import { run } from '../../src/run.js';
import { describeSelection, selector } from '../../src/select.js';
import type { SigmaRule } from '../../src/rule/types.js';
import { colorDiagnostic, useColor } from '../../src/cli/color.js';
import { convertPlan, targetGroups } from '../../src/cli/convert-options.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sigmantic-dac-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function rule(o: {
  title?: string;
  id?: string;
  status?: string;
  level?: string;
  tags?: string[];
  product?: string;
  category?: string;
}): string {
  return [
    `title: ${o.title ?? 'r'}`,
    ...(o.id ? [`id: ${o.id}`] : []),
    ...(o.status ? [`status: ${o.status}`] : []),
    ...(o.tags ? ['tags:', ...o.tags.map((t) => `  - ${t}`)] : []),
    'logsource:',
    `  product: ${o.product ?? 'windows'}`,
    `  category: ${o.category ?? 'process_creation'}`,
    'detection:',
    '  sel:',
    `    Image|endswith: '\\${o.title ?? 'r'}.exe'`,
    '  condition: sel',
    ...(o.level ? [`level: ${o.level}`] : []),
    '',
  ].join('\n');
}

function put(path: string, text: string): string {
  const p = join(tmp, path);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function treeFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const asRule = (o: Partial<SigmaRule>) => ({ tags: [], logsource: {}, ...o }) as unknown as SigmaRule;

describe('selection (--status, --level, --tag, --logsource)', () => {
  test('values of one filter are alternatives; every filter given must hold', () => {
    const sel = selector({ status: ['stable', 'test'], logsource: ['product:windows'] })!;
    expect(sel(asRule({ status: 'stable', logsource: { product: 'windows' } }))).toBe(true);
    expect(sel(asRule({ status: 'test', logsource: { product: 'Windows' } }))).toBe(true);
    expect(sel(asRule({ status: 'experimental', logsource: { product: 'windows' } }))).toBe(false);
    expect(sel(asRule({ status: 'stable', logsource: { product: 'linux' } }))).toBe(false);
  });

  test('name+ selects that status or level and above, in pySigma order; none ranks lowest', () => {
    const lvl = selector({ level: ['high+'] })!;
    expect(['critical', 'high', 'medium', undefined].map((level) => lvl(asRule({ level })))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const st = selector({ status: ['test+'] })!;
    expect(['stable', 'test', 'experimental', undefined].map((status) => st(asRule({ status })))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(selector({ status: ['unsupported+'] })!(asRule({}))).toBe(true);
  });

  test('tags with * wildcards, case-insensitive; log source pairs joined by commas all hold', () => {
    const t = selector({ tag: ['attack.t1059*'] })!;
    expect(t(asRule({ tags: ['attack.execution', 'attack.T1059.001'] }))).toBe(true);
    expect(t(asRule({ tags: ['attack.t1105'] }))).toBe(false);
    const ls = selector({ logsource: ['product:windows,category:process_creation'] })!;
    expect(ls(asRule({ logsource: { product: 'windows', category: 'process_creation' } }))).toBe(true);
    expect(ls(asRule({ logsource: { product: 'windows', category: 'file_event' } }))).toBe(false);
  });

  test('a value that can never match is a usage error; no filter selects all', () => {
    expect(() => selector({ status: ['stabel'] })).toThrow(UsageError);
    expect(() => selector({ level: ['hihg+'] })).toThrow(/informational, low, medium, high, critical/);
    expect(() => selector({ logsource: ['os:windows'] })).toThrow(/key:value/);
    expect(selector({ status: [] })).toBeUndefined();
    expect(describeSelection({ status: ['stable'], level: ['high+'] })).toBe('status stable, level high+');
  });

  test('run() converts only the selected rules and counts the others as skipped', async () => {
    put('r/a.yml', rule({ title: 'a', status: 'stable', level: 'high' }));
    put('r/b.yml', rule({ title: 'b', status: 'experimental', level: 'high' }));
    put('r/c.yml', rule({ title: 'c', status: 'stable', level: 'low' }));
    put('r/bad.yml', 'title: broken\ndetection: [\n');
    let out = '';
    const seen: string[] = [];
    const s = await run(
      { targets: ['splunk'], inputs: [join(tmp, 'r')], select: { status: ['stable'], level: ['medium+'] } },
      { write: (_t, c) => (out += c), onResult: (_t, r) => seen.push(relative(tmp, r.path)) },
    );
    // A rule that does not load is never left out: its error shows.
    expect(seen).toEqual(['r/a.yml', 'r/bad.yml']);
    expect(s.skipped).toBe(2);
    expect(s.counts.splunk).toEqual({ exact: 1, approximate: 0, unsupported: 0, error: 1 });
    expect(out).toContain('a.exe');
    expect(out).not.toContain('b.exe');
  });
});

describe('inputs: test files, --exclude, ! globs, symbolic links', () => {
  test('<rule>.test.yml beside a rule is not read from a folder or a glob; a named one is', async () => {
    put('r/x.yml', rule({ title: 'x' }));
    put('r/x.test.yml', 'rule: x.yml\nevents: []\n');
    put('r/y.test.yaml', 'rule: y.yml\n');
    const dir = await expandInputs([join(tmp, 'r')]);
    expect(dir.paths.map((p) => relative(tmp, p))).toEqual(['r/x.yml']);
    const glob = await expandInputs([`${tmp}/r/*.yml`]);
    expect(glob.paths.map((p) => relative(tmp, p))).toEqual(['r/x.yml']);
    const named = await expandInputs([join(tmp, 'r/x.test.yml')]);
    expect(named.paths).toHaveLength(1);
  });

  test('--exclude GLOB and an input !GLOB leave paths out (a folder glob: all under it)', async () => {
    put('r/a/one.yml', rule({}));
    put('r/deprecated/two.yml', rule({}));
    put('r/a/three_old.yml', rule({}));
    const r = join(tmp, 'r');
    const ex = await expandInputs([r], { exclude: [`${r}/deprecated`, '*_old.yml'] });
    expect(ex.paths.map((p) => relative(r, p))).toEqual(['a/one.yml']);
    const bang = await expandInputs([r, `!${r}/deprecated/**`]);
    expect(bang.paths.map((p) => relative(r, p))).toEqual(['a/one.yml', 'a/three_old.yml']);
    // The ! input is not taken for a missing file.
    expect(bang.missing).toEqual([]);
    expect(globRegExp('rules/{a,b}/*.yml').test('rules/b/x.yml')).toBe(true);
    expect(globRegExp('rules/**/x.yml').test('rules/x.yml')).toBe(true);
    expect(globRegExp('rules/*.yml').test('rules/sub/x.yml')).toBe(false);
  });

  test('symbolic links to rules and folders are followed; a loop is reported and stopped', async () => {
    put('r/a/one.yml', rule({}));
    put('elsewhere/linked.yml', rule({}));
    put('shared/two.yml', rule({}));
    symlinkSync(join(tmp, 'elsewhere/linked.yml'), join(tmp, 'r/a/link.yml'));
    symlinkSync(join(tmp, 'shared'), join(tmp, 'r/shared'));
    symlinkSync(join(tmp, 'r'), join(tmp, 'r/a/loop'));
    symlinkSync(join(tmp, 'nothing'), join(tmp, 'r/broken.yml'));
    const r = join(tmp, 'r');
    const got = await expandInputs([r]);
    expect(got.paths.map((p) => relative(r, p))).toEqual(['a/link.yml', 'a/one.yml', 'shared/two.yml']);
    expect(got.notes.map((n) => [relative(r, n.file!), n.code])).toEqual([
      ['a/loop', 'symlink-loop'],
      ['broken.yml', 'io-error'],
    ]);
  });

  test('the tree root is the common folder of the inputs', () => {
    put('rules/windows/x.yml', rule({}));
    put('rules-et/y.yml', rule({}));
    expect(inputRoot([join(tmp, 'rules')])).toBe(join(tmp, 'rules'));
    expect(inputRoot([join(tmp, 'rules/windows/x.yml')])).toBe(join(tmp, 'rules/windows'));
    expect(inputRoot([join(tmp, 'rules'), join(tmp, 'rules-et')])).toBe(tmp);
    expect(inputRoot([`${tmp}/rules/**/*.yml`])).toBe(join(tmp, 'rules'));
  });
});

describe('duplicate rule ids', () => {
  test('a warning on the second rule naming both positions, for every target', async () => {
    const id = '6f0c0f3e-1111-4111-8111-222222222222';
    put('r/a.yml', rule({ title: 'a', id }));
    put('r/b.yml', rule({ title: 'b', id }));
    put('r/c.yml', rule({ title: 'c', id: '6f0c0f3e-1111-4111-8111-333333333333' }));
    const results: Array<[string, RuleSummary]> = [];
    await run(
      { targets: ['splunk', 'sentinel'], inputs: [join(tmp, 'r')] },
      { write: () => {}, onResult: (t, r) => results.push([t, r]) },
    );
    const dups = results.flatMap(([t, r]) =>
      r.diagnostics.filter((d) => d.code === 'duplicate-id').map((d) => [t, d] as const),
    );
    expect(dups.map(([t, d]) => [t, relative(tmp, d.file!), d.line, d.column, d.severity])).toEqual([
      ['splunk', 'r/b.yml', 2, 5, 'warning'],
      ['sentinel', 'r/b.yml', 2, 5, 'warning'],
    ]);
    expect(dups[0][1].message).toBe(
      `rule id ${id} is also the id of the rule at ${join(tmp, 'r/a.yml')}:2:5`,
    );
  });
});

describe('per-target options', () => {
  test('each target converts with its own format and settings', async () => {
    put('r/a.yml', rule({ title: 'a' }));
    const out: Record<string, string> = { splunk: '', sentinel: '' };
    await run(
      {
        targets: ['splunk', 'sentinel'],
        inputs: [join(tmp, 'r')],
        targetOptions: {
          splunk: { format: 'savedsearches', settings: { index: 'win' } },
          sentinel: { format: 'analytics-rule' },
        },
      },
      { write: (t, c) => (out[t] += c) },
    );
    expect(out.splunk).toMatch(/^\[a\]$/m);
    expect(out.splunk).toContain('search = index="win" ');
    expect(out.sentinel).toMatch(/^queryFrequency: /m);
  });

  test('-f, -p and --set after a -t are its own; before the first -t, every target’s', () => {
    const g = targetGroups([
      'convert',
      '-p',
      'common.yml',
      '-t',
      'splunk',
      '-f',
      'savedsearches',
      '--set',
      'index=win',
      '--target=sentinel,elastic',
      '--format=x',
      '-p',
      'own.yml',
      '--no-default-pipelines',
      'rules',
    ]);
    expect(g.targets).toEqual(['splunk', 'sentinel', 'elastic']);
    expect(g.all).toEqual({ pipelines: ['common.yml'] });
    expect(g.own.get('splunk')).toEqual({ format: 'savedsearches', settings: { index: 'win' } });
    expect(g.own.get('elastic')).toEqual({ format: 'x', pipelines: ['own.yml'], defaultPipelines: false });
  });
});

describe('sigmantic.config.yml', () => {
  const CONFIG = [
    'inputs: [rules]',
    'targets:',
    '  splunk:',
    '    format: savedsearches',
    '    settings: { index: win }',
    '  sentinel:',
    '    pipelines: [sentinel-windows, extra.yml]',
    'output: out',
    'layout: tree',
    'prune: true',
    'select:',
    '  status: [stable, test]',
    'exclude: [rules/deprecated]',
    'filters: [filters/ok.yml]',
    'skip-unsupported: true',
    '',
  ].join('\n');

  test('found upward from the working directory; paths are the config folder’s', () => {
    put('repo/sigmantic.config.yml', CONFIG);
    mkdirSync(join(tmp, 'repo/sub/deeper'), { recursive: true });
    const cwd = join(tmp, 'repo/sub/deeper');
    expect(findConfig(cwd)).toBe('../../sigmantic.config.yml');
    const c = loadConfig(findConfig(cwd)!, cwd);
    expect(c.inputs).toEqual(['../../rules']);
    expect(c.output).toBe('../../out');
    expect(c.targets).toEqual([
      { name: 'splunk', options: { format: 'savedsearches', settings: { index: 'win' } } },
      { name: 'sentinel', options: { pipelines: ['sentinel-windows', '../../extra.yml'] } },
    ]);
    expect(c.exclude).toEqual(['../../rules/deprecated']);
    expect(c.filters).toEqual(['../../filters/ok.yml']);
    expect(c.select).toEqual({ status: ['stable', 'test'] });
  });

  test('an unknown key is a usage error naming the near key', () => {
    put('a.yml', 'targetts: [splunk]\n');
    expect(() => loadConfig(join(tmp, 'a.yml'), tmp)).toThrow(
      new UsageError(`${join(tmp, 'a.yml')}: unknown key 'targetts': did you mean 'targets'?`),
    );
    put('b.yml', 'targets:\n  splunk:\n    formt: default\n');
    expect(() => loadConfig(join(tmp, 'b.yml'), tmp)).toThrow(
      /targets\.splunk: unknown key 'formt': did you mean 'format'\?/,
    );
    put('c.yml', 'select:\n  levle: [high]\n');
    expect(() => loadConfig(join(tmp, 'c.yml'), tmp)).toThrow(/did you mean 'level'/);
    put('d.yml', 'layout: trees\n');
    expect(() => loadConfig(join(tmp, 'd.yml'), tmp)).toThrow(/layout: must be file or tree/);
    expect(() => findConfig(tmp, join(tmp, 'none.yml'))).toThrow(/no such file/);
  });

  test('command-line flags override the config; its per-target options stay for what they do not name', () => {
    put('sigmantic.config.yml', CONFIG);
    const argv = ['convert', '-t', 'splunk', '--set', 'index=cli', '--status', 'stable', '-o', 'elsewhere'];
    const plan = convertPlan(
      { config: undefined, status: 'stable', output: 'elsewhere', filter: undefined },
      argv,
      [],
      tmp,
    );
    expect(plan.options.targets).toEqual(['splunk']);
    expect(plan.options.inputs).toEqual(['rules']);
    expect(plan.options.targetOptions?.splunk).toEqual({
      format: 'savedsearches',
      pipelines: [],
      defaultPipelines: true,
      settings: { index: 'cli' },
    });
    expect(plan.options.select?.status).toEqual(['stable']);
    expect(plan.output).toBe('elsewhere');
    expect(plan.layout).toBe('tree');
    expect(plan.prune).toBe(true);
    expect(plan.skipUnsupported).toBe(true);
    expect(plan.filters).toEqual(['filters/ok.yml']);
    const none = () => convertPlan({ config: false }, ['convert'], ['x.yml'], tmp);
    expect(none).toThrow(/give a target/);
  });
});

describe('output tree writer', () => {
  const fmt = { description: '', header: () => 'H\n', separator: '--\n', rule: () => '' };
  const targets = [{ target: 'splunk', format: fmt, extension: 'spl', footer: 'F\n' }];

  test('one file per rule file (its documents joined), header and footer in each; prune only what it wrote', () => {
    const out = join(tmp, 'out');
    const root = join(tmp, 'rules');
    const t1 = new TreeOutput(out, root, targets);
    t1.write('splunk', 'H\n');
    t1.rule('splunk', join(root, 'w/a.yml'), 'A1\n');
    t1.rule('splunk', join(root, 'w/a.yml'), 'A2\n');
    t1.rule('splunk', join(root, 'b.yaml'), 'B\n');
    expect(t1.finish(false)).toEqual({ written: 2, unchanged: 0, removed: 0, collisions: [] });
    writeFileSync(join(out, 'splunk/mine.txt'), 'not sigmantic’s');
    expect(treeFiles(out)).toEqual({
      [MANIFEST]:
        JSON.stringify({ 'sigmantic-manifest': 1, files: ['splunk/b.spl', 'splunk/w/a.spl'] }, null, 1) +
        '\n',
      'splunk/w/a.spl': 'H\nA1\n--\nA2\nF\n',
      'splunk/b.spl': 'H\nB\nF\n',
      'splunk/mine.txt': 'not sigmantic’s',
    });
    // The rule of w/a.yml is gone: --prune removes its file and the folder it leaves empty.
    const t2 = new TreeOutput(out, root, targets);
    t2.write('splunk', 'H\n');
    t2.rule('splunk', join(root, 'b.yaml'), 'B\n');
    t2.rule('splunk', join(root, 'b.yml'), 'B2\n');
    expect(t2.finish(true)).toEqual({
      written: 0,
      unchanged: 1,
      removed: 1,
      collisions: [[join(root, 'b.yaml'), join(root, 'b.yml')]],
    });
    expect(Object.keys(treeFiles(out)).sort()).toEqual([MANIFEST, 'splunk/b.spl', 'splunk/mine.txt']);
  });

  test('a file written by a run that never finished (killed) is pruned by the next run once its rule is gone', () => {
    const out = join(tmp, 'out-killed');
    const root = join(tmp, 'rules');
    // A first run into an empty folder writes w/a.spl, then dies before finish (no manifest).
    const t1 = new TreeOutput(out, root, targets);
    t1.write('splunk', 'H\n');
    t1.rule('splunk', join(root, 'w/a.yml'), 'A\n');
    t1.rule('splunk', join(root, 'b.yml'), 'B\n'); // flushes w/a.yml
    expect(Object.keys(treeFiles(out)).sort()).toEqual([JOURNAL, 'splunk/w/a.spl']);
    // The journal names the file, written before the file itself; a line cut short names nothing.
    expect(readFileSync(join(out, JOURNAL), 'utf8')).toBe('splunk/w/a.spl\n');
    writeFileSync(join(out, JOURNAL), 'splunk/w/a.spl\nsplunk/b.s', { flag: 'w' });
    writeFileSync(join(out, 'splunk/b.s'), 'not sigmantic’s');
    // The rule of w/a.yml is gone by the next run: --prune removes its file.
    const t2 = new TreeOutput(out, root, targets);
    t2.write('splunk', 'H\n');
    t2.rule('splunk', join(root, 'b.yml'), 'B\n');
    expect(t2.finish(true)).toEqual({ written: 1, unchanged: 0, removed: 1, collisions: [] });
    expect(treeFiles(out)).toEqual({
      [MANIFEST]: JSON.stringify({ 'sigmantic-manifest': 1, files: ['splunk/b.spl'] }, null, 1) + '\n',
      'splunk/b.spl': 'H\nB\nF\n',
      'splunk/b.s': 'not sigmantic’s',
    });
    // Without --prune a killed run's files join the manifest (a later --prune still knows them).
    const t3 = new TreeOutput(out, root, targets);
    t3.rule('splunk', join(root, 'c.yml'), 'C\n');
    t3.rule('splunk', join(root, 'b.yml'), 'B\n');
    const t4 = new TreeOutput(out, root, targets);
    t4.rule('splunk', join(root, 'b.yml'), 'B\n');
    t4.finish(false);
    expect(JSON.parse(readFileSync(join(out, MANIFEST), 'utf8'))).toEqual({
      'sigmantic-manifest': 1,
      files: ['splunk/b.spl', 'splunk/c.spl'],
    });
    expect(Object.keys(treeFiles(out))).not.toContain(JOURNAL);
  });

  test('a write goes through a temporary file renamed over the old one; leftovers are cleared', () => {
    const f = join(tmp, 'o/splunk/x.spl');
    expect(writeAtomic(f, 'one')).toBe(true);
    expect(writeAtomic(f, 'one')).toBe(false);
    writeFileSync(join(tmp, 'o/splunk/.y.spl.sigmantic-tmp'), 'half');
    const t = new TreeOutput(join(tmp, 'o'), tmp, targets);
    t.finish(false);
    expect(readdirSync(join(tmp, 'o/splunk'))).toEqual(['x.spl']);
  });

  test('-o naming a file is an OutputError (a usage error)', () => {
    put('file', 'x');
    expect(() => new TreeOutput(join(tmp, 'file'), tmp, targets)).toThrow(UsageError);
  });
});

describe('terminal: progress line and colors', () => {
  test('the line: bar, files of the total, rules, rules/s, labels so far', () => {
    const writes: string[] = [];
    const p = new Progress((s) => writes.push(s), 4, 120);
    p.rule('a.yml', 'exact');
    p.rule('a.yml', 'approximate');
    p.rule('b.yml', 'unsupported');
    const start = (p as unknown as { start: number }).start;
    expect(p.line(start + 2000)).toBe(
      '[###############---------------] 2/4 files  3 rules  2 rules/s  1 exact 1 approx 1 unsupported 0 error',
    );
    // Nothing drawn within the first second, so a short run shows no bar; clear() then writes nothing.
    p.clear();
    expect(writes).toEqual([]);
  });

  test('asked for outright (no delay), the line is drawn from the first rule and cleared at the end', () => {
    const writes: string[] = [];
    const p = new Progress((s) => writes.push(s), 4, 120, false, 0);
    p.rule('a.yml', 'exact');
    p.rule('a.yml', 'exact'); // within 100 ms of the first: not drawn again
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\[#{8}-{22}\] 1\/4 files {2}1 rules {2}\d+ rules\/s {2}1 exact 0 approx/);
    p.clear();
    expect(writes[1]).toBe('\r\x1b[K');
  });

  test('the severity is colored; NO_COLOR turns colors off', () => {
    expect(colorDiagnostic('r.yml:3:5: error unsupported-construct [regex]: x')).toBe(
      'r.yml:3:5: \x1b[31;1merror\x1b[0m unsupported-construct [regex]: x',
    );
    expect(colorDiagnostic('[splunk] r.yml:1:1: warning approximation: y')).toBe(
      '[splunk] r.yml:1:1: \x1b[33;1mwarning\x1b[0m approximation: y',
    );
    expect(useColor({ NO_COLOR: '1' }, 2)).toBe(false);
    // Jest's stderr here is not a terminal.
    expect(useColor({}, 99)).toBe(false);
  });
});

describe('--cache with the new options', () => {
  test('a warm cache keeps the selection apart and still reports duplicate ids at their positions', async () => {
    const id = '6f0c0f3e-1111-4111-8111-444444444444';
    put('r/a.yml', rule({ title: 'a', id, status: 'stable' }));
    put('r/b.yml', rule({ title: 'b', id, status: 'test' }));
    const cache = join(tmp, 'cache');
    const go = async (select?: { status: string[] }) => {
      const diags: string[] = [];
      const s = await run(
        { targets: ['splunk'], inputs: [join(tmp, 'r')], cache, ...(select ? { select } : {}) },
        {
          write: () => {},
          onResult: (_t, r) =>
            diags.push(
              ...r.diagnostics.map((d) => `${relative(tmp, d.file!)}:${d.line}:${d.column} ${d.code}`),
            ),
        },
      );
      return { skipped: s.skipped, exact: s.counts.splunk.exact, diags };
    };
    const cold = await go();
    expect(cold).toEqual({ skipped: 0, exact: 2, diags: ['r/b.yml:2:5 duplicate-id'] });
    expect(await go()).toEqual(cold);
    expect(await go({ status: ['stable'] })).toEqual({ skipped: 1, exact: 1, diags: [] });
    expect(await go({ status: ['stable'] })).toEqual({ skipped: 1, exact: 1, diags: [] });
    expect(await go()).toEqual(cold);
  });
});
