#!/usr/bin/env node
/**
 * `npm run bench`: whole-process and in-process timings of sigmantic on the SigmaHQ corpus.
 *   node bench/run.mjs [--runs N] [--scale] [--quick] [--startup]
 * (--startup: only the start-up figures, printed, not written)
 * Prints a table and writes bench/results/latest.json. Needs ../shared/sigma-corpus (skips
 * with a message without it) and a build (`npm run build`, which `npm run bench` does first).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'sigma-corpus');
const CLI = join(root, 'dist', 'bundle', 'cli.js');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (args.includes('--quick') ? 3 : 7);
const ACTIVE = [
  'rules',
  'rules-emerging-threats',
  'rules-threat-hunting',
  'rules-placeholder',
  'rules-compliance',
  'rules-dfir',
];

if (!existsSync(corpus)) {
  console.log(`bench: skipped: the corpus is not at ${corpus}`);
  process.exit(0);
}
if (!existsSync(CLI)) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), min: s[0], max: s[s.length - 1], p50: q(0.5), p99: q(0.99) };
};
const ms = (x) => `${x.toFixed(0)} ms`;

// One temporary folder per bench run (removed at the end). The V8 code cache goes in it too
// (SIGMANTIC_CACHE_DIR): the user's cache folder keeps 8 files, so other processes' caches
// would push the bench's out and a measured run would pay for making it again.
const out = mkdtempSync(join(tmpdir(), 'sigmantic-bench-'));
const benchEnv = { ...process.env, SIGMANTIC_CACHE_DIR: join(out, 'code-cache') };

function timeProcess(argv, runs = RUNS, withStats = true) {
  const times = [];
  let rss = 0;
  let last = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    // The CLI runs as a user runs it: as an executable, so its shebang's node flags apply.
    const [cmd, ...rest] = argv[0] === CLI ? argv : [process.execPath, ...argv];
    const r = spawnSync(cmd, rest, {
      encoding: 'utf8',
      env: withStats ? { ...benchEnv, SIGMANTIC_STATS: '1' } : benchEnv,
      maxBuffer: 1 << 30,
    });
    const t = performance.now() - t0;
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`bench: ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
    const m = /sigmantic-stats (\{.*\})/.exec(r.stderr ?? '');
    if (m) rss = Math.max(rss, JSON.parse(m[1]).maxRSS);
    last = t;
    if (i > 0) times.push(t); // the first run warms the file cache
  }
  return { ...(times.length ? stats(times) : {}), runs, maxRSSMB: rss / 1024, last };
}

const targetList = spawnSync(process.execPath, [CLI, 'list', 'targets'], {
  encoding: 'utf8',
  env: benchEnv,
})
  .stdout.split('\n')
  .map((l) => l.split(/\s+/)[0])
  .filter((t) => t && t !== 'ir');
const activeDirs = ACTIVE.map((d) => join(corpus, d));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  runs: RUNS,
  targets: targetList,
  wholeProcess: {},
  startup: {},
  inProcess: {},
  scale: {},
};

console.log(
  `sigmantic bench: ${RUNS} runs after a warm-up; targets ${targetList.join(', ')}; ${cpus().length} cores`,
);
console.log('\nWhole process (active corpus, 3,780 rules unless noted):');
const startupOnly = args.includes('--startup');
const scenario = (name, argv) => {
  if (startupOnly) return;
  const r = timeProcess(argv);
  results.wholeProcess[name] = r;
  console.log(
    `  ${name.padEnd(48)} median ${ms(r.median).padStart(7)}  min ${ms(r.min).padStart(7)}  max ${ms(r.max).padStart(7)}  peak RSS ${r.maxRSSMB.toFixed(0)} MB`,
  );
};
/** `sigmantic convert -q` for the targets (comma-separated), with options, on inputs. */
const convertArgv = (targets, inputs, ...options) => [
  CLI,
  'convert',
  '-q',
  ...options,
  '-t',
  targets,
  '-o',
  join(out, targets.includes(',') ? 'all' : `${targets}.out`),
  ...inputs,
];
const rulesDir = [join(corpus, 'rules')];
for (const t of targetList) {
  scenario(`${t}`, convertArgv(t, activeDirs));
  scenario(`${t} (no default pipelines)`, convertArgv(t, activeDirs, '--no-default-pipelines'));
  scenario(`${t}, rules/ only`, convertArgv(t, rulesDir));
}
const allTargets = targetList.join(',');
if (targetList.length > 1) {
  scenario(`all targets in one run`, convertArgv(allTargets, activeDirs));
  scenario(
    `all targets in one run (no default pipelines)`,
    convertArgv(allTargets, activeDirs, '--no-default-pipelines'),
  );
}

// `sigmantic check` lints without converting (issue #17: it must cost less than a conversion).
scenario(`check`, [CLI, 'check', ...activeDirs]);
if (targetList.length > 0)
  scenario(`check -t (log sources of all targets)`, [CLI, 'check', ...activeDirs, '-t', allTargets]);

// With --cache, the warm-up run fills the cache and the measured runs reuse it (CI on a commit
// that changed few rules).
const cached = ['--cache', '--cache-location', join(out, 'cache')];
scenario(`all targets, --cache (warm)`, convertArgv(allTargets, activeDirs, ...cached));
for (const t of targetList)
  scenario(`${t}, rules/ only, --cache (warm)`, convertArgv(t, rulesDir, ...cached));

console.log('\nStart-up:');
const small = join(out, 'small.yml');
writeFileSync(
  small,
  'title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: \\x.exe}\n  condition: sel\n',
);
// Interleaved (node -e 0, then each command, round after round): this machine's speed drifts
// over minutes, and the start-up figures are differences from node's own start-up.
const startupCommands = [
  ['node -e 0', ['-e', '0']],
  ['sigmantic --version', [CLI, '--version']],
  ...targetList.map((t) => [`one small rule (${t})`, [CLI, 'convert', '-q', '-t', t, small]]),
];
const rounds = Math.max(RUNS, 25);
const samples = startupCommands.map(() => []);
for (let i = 0; i <= rounds; i++)
  startupCommands.forEach(([, argv], k) => {
    const r = timeProcess(argv, 0, false);
    if (i > 0) samples[k].push(r.last); // the first round warms the file cache
  });
startupCommands.forEach(([name], k) => {
  const r = { ...stats(samples[k]), runs: rounds };
  results.startup[name] = r;
  const extra = k > 0 ? `  (node + ${ms(r.median - results.startup['node -e 0'].median)})` : '';
  console.log(
    `  ${name.padEnd(48)} median ${ms(r.median).padStart(7)}  min ${ms(r.min).padStart(7)}  max ${ms(r.max).padStart(7)}${extra}`,
  );
});

if (startupOnly) {
  rmSync(out, { recursive: true, force: true });
  process.exit(0);
}

// In-process breakdown, per phase and per rule.
console.log('\nIn process (one pass after a warm-up pass):');
const { expandInputs } = await import('../dist/src/files.js');
const { parseYaml } = await import('../dist/src/rule/yaml.js');
const { loadRuleText } = await import('../dist/src/rule/load.js');
const { parseCondition } = await import('../dist/src/condition/parser.js');
const { buildRule } = await import('../dist/src/ir/build.js');
const { DiagnosticSink } = await import('../dist/src/diagnostics.js');
const { applyPipelines } = await import('../dist/src/pipeline/index.js');
const { prepare } = await import('../dist/src/run.js');
const { runPasses } = await import('../dist/src/lowering/passes.js');
const { paths } = await expandInputs(activeDirs);
const prepared = [];
for (const t of targetList) prepared.push({ t, ...(await prepare(t, {})) });
const phases = {
  read: 0,
  yamlParse: 0,
  typeCheck: 0,
  conditionParse: 0,
  ir: 0,
  pipelines: 0,
  render: 0,
  output: 0,
};
const perRule = [];
for (let pass = 0; pass < 2; pass++) {
  for (const k of Object.keys(phases)) phases[k] = 0;
  perRule.length = 0;
  for (const p of paths) {
    const r0 = performance.now();
    const text = readFileSync(p, 'utf8');
    const t1 = performance.now();
    phases.read += t1 - r0;
    try {
      parseYaml(text);
    } catch {
      /* counted below as part of loading */
    }
    const t2 = performance.now();
    phases.yamlParse += t2 - t1;
    const loaded = loadRuleText(text, p);
    const t3 = performance.now();
    phases.typeCheck += Math.max(0, t3 - t2 - (t2 - t1)); // loadRuleText parses again: subtract the parse
    const cond = loaded.rule?.detection?.condition;
    for (const c of Array.isArray(cond) ? cond : typeof cond === 'string' ? [cond] : [])
      if (typeof c === 'string') parseCondition(c);
    const t4 = performance.now();
    phases.conditionParse += t4 - t3;
    const sink = new DiagnosticSink(p);
    const ir = loaded.rule ? buildRule(loaded.rule, sink) : undefined;
    const t5 = performance.now();
    phases.ir += Math.max(0, t5 - t4 - (t4 - t3));
    let ruleTime = t5 - r0 - (t2 - t1);
    if (ir) {
      for (const pr of prepared) {
        const a = performance.now();
        const s2 = new DiagnosticSink(p);
        const o = applyPipelines(pr.pipelines, loaded.rule, ir, s2);
        const b = performance.now();
        let queries = [];
        if (!s2.hasErrors)
          // The shared passes the backend's capabilities select run before it, as in convert.ts.
          queries = pr.backend.convert({
            rule: o.rule,
            ir: runPasses(o.ir, pr.backend.capabilities),
            state: o.state,
            sink: s2,
            options: {},
          });
        const c = performance.now();
        if (queries.length)
          pr.format.rule(
            {
              path: p,
              rule: o.rule,
              status: 'exact',
              queries,
              diagnostics: s2.list,
              state: o.state,
              applied: o.applied,
            },
            {},
          );
        const d = performance.now();
        phases.pipelines += b - a;
        phases.render += c - b;
        phases.output += d - c;
        ruleTime += d - a;
      }
    }
    perRule.push([ruleTime, relative(corpus, p)]);
  }
}
const total = Object.values(phases).reduce((a, b) => a + b, 0);
for (const [k, v] of Object.entries(phases))
  console.log(`  ${k.padEnd(16)} ${ms(v).padStart(8)}  ${((100 * v) / total).toFixed(0).padStart(3)}%`);
console.log(
  `  ${'total'.padEnd(16)} ${ms(total).padStart(8)}   (${paths.length} rules, ${prepared.length} targets)`,
);
const pr = stats(perRule.map((x) => x[0]));
console.log(
  `  per rule (all targets): p50 ${pr.p50.toFixed(3)} ms, p99 ${pr.p99.toFixed(3)} ms, max ${pr.max.toFixed(2)} ms`,
);
const slowest = [...perRule].sort((a, b) => b[0] - a[0]).slice(0, 5);
for (const [t, p] of slowest) console.log(`    ${t.toFixed(2).padStart(7)} ms  ${p}`);
results.inProcess = {
  phasesMs: phases,
  totalMs: total,
  rules: paths.length,
  perRuleMs: { p50: pr.p50, p99: pr.p99, max: pr.max },
  slowest,
};

if (args.includes('--scale')) {
  console.log(
    '\nScale (synthetic copies of the active corpus with new ids; all targets in one run, 1 run each):',
  );
  const base = [];
  for (const p of paths) base.push(readFileSync(p, 'utf8'));
  const rows = [];
  for (const factor of [1, 10, 50]) {
    const dir = mkdtempSync(join(tmpdir(), `sigmantic-scale-${factor}x-`));
    let n = 0;
    for (let k = 0; k < factor; k++) {
      const sub = join(dir, String(k).padStart(3, '0'));
      mkdirSync(sub);
      base.forEach((text, i) => {
        const id = `00000000-0000-4000-8000-${(k * 100000 + i).toString(16).padStart(12, '0')}`;
        writeFileSync(join(sub, `r${i}.yml`), text.replace(/^id:.*$/m, `id: ${id}`));
        n++;
      });
    }
    const r = timeProcess(
      [CLI, 'convert', '-q', '-t', targetList.join(',') || 'ir', '-o', join(out, `scale${factor}`), dir],
      1,
    );
    rows.push({ factor, rules: n, ms: r.median, maxRSSMB: r.maxRSSMB, msPerRule: r.median / n });
    console.log(
      `  ${String(factor).padStart(3)}x  ${String(n).padStart(7)} rules  ${ms(r.median).padStart(9)}  ${(r.median / n).toFixed(3)} ms/rule  peak RSS ${r.maxRSSMB.toFixed(0)} MB`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  const per = rows.map((r) => r.msPerRule);
  const spread = (Math.max(...per.slice(1)) / Math.min(...per.slice(1)) - 1) * 100;
  // Linear within 20%: 50x costs at most 1.2 times five times 10x (ms/rule grows by <= 20%);
  // ms/rule falling with size (start-up and JIT warm-up spread thinner) is within it.
  const growth = (per[2] / per[1] - 1) * 100;
  console.log(
    `  linearity: ms/rule from 10x to 50x ${growth >= 0 ? '+' : ''}${growth.toFixed(0)}% (spread ${spread.toFixed(0)}%)`,
  );
  results.scale = { rows, linearitySpreadPercent: spread, growthPercent10xTo50x: growth };
}

// The acceptance targets of the benchmark issue, against this run's medians.
console.log('\nAcceptance (targets of issue #8):');
const check = (what, value, limit, unit) => {
  const ok = value <= limit;
  console.log(
    `  ${ok ? 'met   ' : 'missed'} ${what.padEnd(58)} ${value.toFixed(0).padStart(6)} ${unit} (target <= ${limit} ${unit})`,
  );
  return { what, value, limit, ok };
};
const acceptance = [];
const all = results.wholeProcess['all targets in one run'];
if (all)
  acceptance.push(
    check(`all ${targetList.length} targets, active corpus, one run (median)`, all.median, 800, 'ms'),
  );
for (const t of targetList) {
  const r = results.wholeProcess[`${t}, rules/ only`];
  if (r) acceptance.push(check(`${t}, rules/ only (median)`, r.median, 500, 'ms'));
}
const checkRun = results.wholeProcess['check'];
const splunkRun = results.wholeProcess['splunk'];
if (checkRun && splunkRun)
  // Issue #17: check runs in under the time of a conversion (one target, the active corpus).
  acceptance.push(
    check(
      'check minus convert -t splunk, active corpus (medians)',
      checkRun.median - splunkRun.median,
      0,
      'ms',
    ),
  );
const node0 = results.startup['node -e 0'].median;
for (const t of targetList) {
  const r = results.startup[`one small rule (${t})`];
  acceptance.push(check(`one small rule (${t}) minus node -e 0 (medians)`, r.median - node0, 100, 'ms'));
}
if (results.scale.rows) {
  acceptance.push(check('10x to 50x: growth of ms/rule', results.scale.growthPercent10xTo50x, 20, '%'));
  const peak = Math.max(...results.scale.rows.map((r) => r.maxRSSMB));
  acceptance.push(check('peak RSS up to 50x', peak, 300, 'MB'));
}
results.acceptance = acceptance;

rmSync(out, { recursive: true, force: true });
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\nwritten: bench/results/latest.json');
void statSync;
void readdirSync;
