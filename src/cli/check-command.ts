/**
 * `sigmantic check <rules..> [-t target] [--disable CODE] [--sarif FILE]`: lints rules without
 * converting them (check.ts). Findings on stderr as `file:line:col: severity code: message`, a
 * count per code, exit 1 when any error is left after --disable, 2 on a usage error.
 */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { readAsset } from '../assets.js';
import { UsageError } from '../batch.js';
import { convertLoaded, loadRuleFromText, loadRulesFromText, readRuleFile } from '../convert.js';
import { CODES, formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { expandInputs } from '../files.js';
import type { LogSource } from '../rule/types.js';
import { prepare } from '../run.js';
import { sarifLog } from '../sarif.js';
import {
  acrossEntry,
  checkAcrossEntries,
  checkRule,
  type AcrossEntry,
  type LogsourceCheck,
} from '../check/check.js';
import { CHECK_CODES } from '../check/codes.js';

export interface CheckArgs {
  inputs?: string[];
  target?: string[];
  disable?: string[];
  sarif?: string;
}

/** A list option: repeated, or comma-separated. */
const items = (v: readonly string[] | undefined): string[] =>
  (v ?? [])
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Whether a target's default pipelines map a log source: a keyword-only rule with that log source
 * is converted once per distinct log source; a refusal is the target's reason. A target with no
 * default pipelines (it queries whatever the rule names) maps every log source.
 */
async function logsourceCheck(target: string): Promise<LogsourceCheck> {
  const p = await prepare(target, {});
  if (p.backend.defaultPipelines.length === 0) return () => null;
  const seen = new Map<string, string | null>();
  return (ls: LogSource) => {
    const key = JSON.stringify([ls.product, ls.category, ls.service]);
    const known = seen.get(key);
    if (known !== undefined) return known;
    const lines = (['product', 'category', 'service'] as const)
      .filter((k) => ls[k] !== undefined)
      .map((k) => `  ${k}: ${JSON.stringify(ls[k])}`);
    const text = `title: probe\nlogsource:\n${lines.join('\n') || '  {}'}\ndetection:\n  k:\n    - probe\n  condition: k\n`;
    const r = convertLoaded(loadRuleFromText(text, 'probe'), p.backend, p.pipelines, {});
    const err = r.diagnostics.find((d) => d.severity === 'error');
    const why = r.queries.length > 0 ? null : err ? err.message : 'no query for this log source';
    seen.set(key, why);
    return why;
  };
}

export async function runCheck(args: CheckArgs, err: (s: string) => void): Promise<number> {
  const inputs = args.inputs ?? [];
  if (inputs.length === 0)
    throw new UsageError(
      'no rules: give rule files, directories or globs' +
        swallowedHint([
          ['-t', args.target],
          ['--disable', args.disable],
        ]),
    );
  const disable = new Set(items(args.disable));
  const known = new Set([...Object.keys(CODES), ...Object.keys(CHECK_CODES)]);
  for (const c of disable) if (!known.has(c)) throw new UsageError(`--disable: unknown code '${c}'`);
  const logsources = [];
  for (const t of items(args.target)) logsources.push({ target: t, check: await logsourceCheck(t) });
  const { paths, missing } = await expandInputs(inputs);
  const all: Diagnostic[] = [];
  // What the checks across the input need of each document: the documents themselves (tree,
  // positions, IR) are dropped once checked, which keeps the heap small (a run over the corpus
  // spent a quarter of its time in the garbage collector moving them).
  const across: Array<AcrossEntry | undefined> = [];
  const keep = (d: Diagnostic) => !disable.has(d.code);
  for (const m of missing)
    all.push({
      severity: 'error',
      code: 'io-error',
      message: 'no such file, directory or matching glob',
      file: m,
      line: 1,
      column: 1,
    });
  for (const path of paths) {
    const text = path === '-' ? readRuleFile('/dev/stdin') : readRuleFile(path);
    const rules = typeof text === 'string' ? loadRulesFromText(text, path).rules : [text];
    for (const r of rules) {
      across.push(acrossEntry(r));
      all.push(...checkRule(r, { logsources }).filter(keep));
    }
  }
  all.push(...checkAcrossEntries(across).filter(keep));
  for (const d of all) err(formatDiagnostic(d) + '\n');
  const counts = new Map<string, number>();
  for (const d of all) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  const perCode = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c, n]) => `${c} ${n}`);
  err(
    `sigmantic check: ${across.length} rules, ${errors} errors, ${warnings} warnings${perCode.length ? ` (${perCode.join(', ')})` : ''}\n`,
  );
  if (args.sarif) {
    const version = (JSON.parse(readAsset('package.json')) as { version: string }).version;
    writeFileSync(
      args.sarif,
      JSON.stringify(sarifLog(all, { version, codes: CHECK_CODES, cwd: process.cwd() }), null, 2) + '\n',
    );
  }
  return errors > 0 ? 1 : 0;
}

export function checkCommand(setCode: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: 'check [inputs..]',
    describe: 'lint Sigma rules against the specification and SigmaHQ conventions, without converting',
    builder: (y: Argv) =>
      y
        .positional('inputs', {
          describe: 'rule files, directories (recursive) or globs',
          type: 'string',
          array: true,
        })
        .option('target', {
          alias: 't',
          type: 'string',
          array: true,
          describe: 'also check that these targets map each log source (repeatable or a,b)',
        })
        .option('disable', {
          type: 'string',
          array: true,
          describe: 'a finding code not to report (repeatable or a,b)',
        })
        .option('sarif', {
          type: 'string',
          describe: 'write the findings as SARIF 2.1.0 to FILE',
        }) as unknown as Argv<CheckArgs>,
    handler: async (args) => {
      setCode(await runCheck(args, (s) => process.stderr.write(s)));
    },
  };
}

/**
 * Options that take several values (`-t a b`, `--events a.json b.json`) also take the rules typed
 * after them: when no rule is left, say so (`check -t sentinel rules/` read `rules/` as a target).
 */
export function swallowedHint(given: ReadonlyArray<readonly [string, unknown]>): string {
  for (const [flag, v] of given)
    if (Array.isArray(v) && v.length > 1)
      return ` (${flag} took every value after it: ${v.map((x) => `'${String(x)}'`).join(', ')}; put the rules before ${flag})`;
  return '';
}
