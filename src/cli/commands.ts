/** yargs command definitions: convert, list, test. Exit codes: 0 all converted, 1 some failed, 2 usage. */
import { EXIT_PIPE, isEpipe, watchStdoutPipe } from './pipe.js';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readAsset } from '../assets.js';
import yargs from 'yargs';
import { loadBackend, targetEntries, targetNames } from '../../backends/index.js';
import type { SettingDecl } from '../backend.js';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { reportEntry, UsageError, type ReportRule, type RuleSummary } from '../batch.js';
import { checkRunSettings, missingDiagnostic, prepare, run, type PreparedTarget } from '../run.js';
import { inputRoot } from '../files.js';
import { describeSelection } from '../select.js';
import type { Progress } from '../progress.js';
import type { TreeOutput } from '../output/tree.js';
import { isTerminal } from './tty.js';
import { colorDiagnostic, useColor } from './color.js';
import { checkOutputs, convertPlan, dacOptions, type DacArgs } from './convert-options.js';
import { skipHelpCache } from './startup/yargs-help.js';
import { testCommand } from './test-command.js';
import { checkCommand } from './check-command.js';

function version(): string {
  return (JSON.parse(readAsset('package.json')) as { version: string }).version;
}

/**
 * Buffered writes to a file descriptor: text is encoded straight into one buffer, written out
 * when full (joining the pieces and encoding the result cost more than the writes).
 */
class Out {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  constructor(private readonly fd: number) {}
  write(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (s.length * 3 > this.buf.length - this.used) {
      this.flush();
      if (s.length * 3 > this.buf.length) return writeAll(this.fd, Buffer.from(s));
    }
    this.used += this.buf.write(s, this.used);
  }
  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, b: Buffer): void {
  for (let done = 0; done < b.length;) done += writeSync(fd, b, done);
}

/**
 * Writes to standard error straight to the descriptor: Node's stream for it costs about 9 ms to
 * set up, a tenth of a small run's start-up. A non-blocking descriptor that is full (EAGAIN)
 * hands the rest to the stream.
 */
function writeStderr(s: string): void {
  const b = Buffer.from(s);
  let done = 0;
  try {
    while (done < b.length) done += writeSync(2, b, done);
  } catch {
    process.stderr.write(b.subarray(done));
  }
}

/**
 * One line of `list settings`: target, name, type (enum values), default, where it applies, the
 * pipeline state key that may give it, description.
 */
function settingLine(target: string, d: SettingDecl): string {
  const type = d.type === 'enum' ? `enum(${(d.values ?? []).join('|')})` : d.type;
  const cols = [
    target,
    d.name,
    type,
    d.default === undefined ? '-' : `default ${d.default}`,
    d.formats ? `formats ${d.formats.join(',')}` : 'queries',
    d.state ? `state ${d.state}` : '-',
    d.description,
  ];
  return cols.join('\t') + '\n';
}

/** yargs drops a lone `-` (stdin) from positionals: it travels under this name instead. */
const STDIN_ARG = '\0stdin';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const stderr = writeStderr;
  try {
    await skipHelpCache(yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a))))
      .scriptName('sigmantic')
      .version(version())
      .strict()
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .command(
        'convert [inputs..]',
        'convert Sigma rules to queries',
        (y) =>
          dacOptions(y)
            .positional('inputs', {
              describe: 'rule files, directories (recursive), globs, or - for stdin',
              type: 'string',
              array: true,
            })
            .option('target', {
              alias: 't',
              type: 'string',
              describe:
                "target (see `sigmantic list targets`); several (-t a -t b or a,b) need -o DIR; -f, -p and --set after a -t are that target's own",
            })
            .option('pipeline', {
              alias: 'p',
              type: 'string',
              describe:
                "built-in pipeline name or pipeline YAML file (repeatable); naming a built-in of the target replaces the target's default pipelines, a file runs after them",
            })
            .option('default-pipelines', {
              type: 'boolean',
              describe: "apply the target's default pipelines (--no-default-pipelines to skip; default true)",
            })
            .option('format', {
              alias: 'f',
              type: 'string',
              describe: 'output format (see `sigmantic list formats -t <target>`; default: default)',
            })
            .option('output', {
              alias: 'o',
              type: 'string',
              describe:
                'write output to this file instead of stdout (a directory with several targets); - for stdout, whatever the config file says',
            })
            .option('report', { type: 'string', describe: 'write a JSON report of every rule to this file' })
            .option('sarif', {
              type: 'string',
              describe: 'write the diagnostics as SARIF 2.1.0 to this file',
            })
            .option('strict', {
              type: 'boolean',
              describe: 'refuse approximations (they become errors)',
            })
            .option('explain', {
              type: 'boolean',
              default: false,
              describe: 'print, per rule, what the pipelines changed',
            })
            .option('set', {
              type: 'string',
              describe:
                'target setting key=value (repeatable; see `sigmantic list settings -t <target>`); beats the pipeline state, which beats the default',
            })
            .option('cache', {
              type: 'boolean',
              describe: 'reuse results of earlier runs for unchanged rules (see --cache-location)',
            })
            .option('cache-location', {
              type: 'string',
              describe: 'directory of the --cache files (default .sigmantic-cache)',
            })
            .option('jobs', {
              alias: 'j',
              type: 'number',
              describe: 'worker threads for large inputs (default 1: no threads)',
            })
            .option('filter', {
              // One value per --filter (repeatable), so that the rules typed after it stay inputs.
              type: 'string',
              describe:
                'Sigma filter file or directory (repeatable): each filter is added (and not) to the rules it names whose log source it covers',
            })
            .option('quiet', { alias: 'q', type: 'boolean', describe: 'print only errors' }),
        async (args) => {
          const inputs = ((args.inputs ?? []) as string[]).map((i) => (i === STDIN_ARG ? '-' : i));
          const plan = convertPlan(args as DacArgs, argv, inputs);
          const { options } = plan;
          const targets = [...options.targets];
          const several = targets.length > 1;
          const tree = plan.layout === 'tree';
          checkOutputs(plan, several);
          const color = useColor();
          const paint = color ? colorDiagnostic : (l: string) => l;
          let progress: Progress | undefined;
          const say = (s: string) => {
            progress?.clear();
            stderr(s);
          };
          // Check targets, pipelines and formats before opening any output.
          const outs = new Map<string, Out>();
          const fds: number[] = [];
          const preparedAll: PreparedTarget[] = [];
          for (const t of targets) preparedAll.push({ ...(await prepare(t, options)), target: t });
          checkRunSettings(preparedAll, options);
          let treeOut: TreeOutput | undefined;
          const finalized = preparedAll.find((p) => p.finalized);
          if (tree && finalized)
            throw new UsageError(
              `--layout tree writes a file per rule, but the pipelines of ${finalized.target} have finalizers, which make one output of all the rules`,
            );
          if (tree) {
            const { TreeOutput, treeExtension } = await import('../output/tree.js');
            treeOut = new TreeOutput(
              plan.output!,
              inputRoot(options.inputs),
              preparedAll.map((p) => ({
                target: p.target,
                format: p.format,
                extension: treeExtension(p.backend.name, p.options.format ?? 'default', p.format),
                footer: p.format.footer?.(p.options) ?? '',
              })),
            );
          } else {
            if (several) mkdirSync(plan.output!, { recursive: true });
            for (const p of preparedAll) {
              let fd = 1;
              if (several)
                fd = openSync(join(plan.output!, `${p.target}.${p.format.extension ?? 'txt'}`), 'w');
              else if (plan.output) fd = openSync(plan.output, 'w');
              if (fd !== 1) fds.push(fd);
              outs.set(p.target, new Out(fd));
            }
          }
          const reports = new Map<string, ReportRule[]>(targets.map((t) => [t, []]));
          const onResult = (target: string, r: RuleSummary) => {
            if (progress && target === targets[0]) progress.rule(r.path, r.status);
            for (const d of r.diagnostics) {
              if (d.severity === 'info' && !plan.explain) continue;
              if (plan.quiet && d.severity !== 'error') continue;
              say(paint((several ? `[${target}] ` : '') + formatDiagnostic(d)) + '\n');
            }
            if (plan.explain) for (const line of r.applied) say(`${r.path}: applied ${line}\n`);
            if (plan.report) reports.get(target)!.push(reportEntry(r));
            for (const d of args.sarif ? r.diagnostics : [])
              if (d.severity !== 'info')
                sarif.push(several ? { ...d, message: `[${target}] ${d.message}` } : d);
          };
          const onStart = async (files: number) => {
            // Asked for (--progress) or, by default, on a terminal unless --quiet.
            if (plan.progress === false) return;
            if (plan.progress === undefined && (plan.quiet || !isTerminal(2))) return;
            const { Progress } = await import('../progress.js');
            // Asked for outright, it is drawn from the first rule; by default, after a second.
            const after = plan.progress === true ? 0 : undefined;
            progress = new Progress(stderr, files, process.stderr.columns || 80, color, after);
          };
          const sarif: Diagnostic[] = [];
          try {
            const summary = await run(options, {
              write: treeOut ? (t, s) => treeOut.write(t, s) : (t, s) => outs.get(t)!.write(s),
              ...(treeOut
                ? { writeRule: (t: string, path: string, text: string) => treeOut.rule(t, path, text) }
                : {}),
              onResult,
              onStart,
            });
            for (const o of outs.values()) o.flush();
            const written = treeOut?.finish(plan.prune);
            progress?.clear();
            for (const n of summary.notes) say(paint(formatDiagnostic(n)) + '\n');
            for (const m of summary.missing) say(paint(formatDiagnostic(missingDiagnostic(m))) + '\n');
            for (const [a, b] of written?.collisions ?? [])
              say(`sigmantic: ${b}: not written: its output file is ${a}'s\n`);
            if (args.sarif) {
              sarif.push(...summary.notes, ...summary.missing.map(missingDiagnostic));
              const { sarifLog } = await import('../sarif.js');
              writeFileSync(
                args.sarif,
                JSON.stringify(sarifLog(sarif, { version: version(), cwd: process.cwd() }), null, 2) + '\n',
              );
            }
            let failed = summary.missing.length > 0;
            const selection = describeSelection(options.select);
            for (const t of targets) {
              if (plan.report) {
                const file = several
                  ? plan.report.replace(/(\.[^./]*)?$/, (ext) => `.${t}${ext}`)
                  : plan.report;
                const body = {
                  target: t,
                  ...(options.select ? { selection: options.select, skipped: summary.skipped } : {}),
                  rules: reports.get(t),
                };
                writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
              }
              const c = summary.counts[t];
              const total = c.exact + c.approximate + c.unsupported + c.error;
              if (!plan.quiet)
                stderr(
                  `sigmantic: ${several ? t + ': ' : ''}${total} rules: ${c.exact} exact, ${c.approximate} approximate, ${c.unsupported} unsupported, ${c.error} error` +
                    (selection ? `; ${summary.skipped} not selected (${selection})` : '') +
                    '\n',
                );
              if (c.error > 0 || (c.unsupported > 0 && !plan.skipUnsupported)) failed = true;
            }
            if (written && !plan.quiet)
              stderr(
                `sigmantic: ${plan.output}: ${written.written} files written, ${written.unchanged} unchanged${plan.prune ? `, ${written.removed} removed` : ''}\n`,
              );
            code = failed ? 1 : 0;
          } finally {
            for (const fd of fds) closeSync(fd);
          }
        },
      )
      .command(
        'list [what] [target]',
        'list targets, formats, pipelines or settings (of one target: list formats splunk, or -t splunk)',
        (y) =>
          y
            .positional('what', {
              choices: ['targets', 'formats', 'pipelines', 'settings'] as const,
            })
            .positional('target', { type: 'string', describe: 'the target (as -t)' })
            .option('target', {
              alias: 't',
              type: 'string',
              describe: 'the target whose formats, pipelines or settings to list',
            }),
        async (args) => {
          watchStdoutPipe();
          if (args.what === undefined)
            throw new UsageError(
              "say what to list: targets, formats, pipelines or settings (e.g. 'sigmantic list targets', 'sigmantic list pipelines splunk')",
            );
          if (args.what === 'targets') {
            for (const [name, t] of targetEntries())
              process.stdout.write(
                `${name.padEnd(10)} ${t.description}${t.aliases.length ? ` (aliases: ${t.aliases.join(', ')})` : ''}\n`,
              );
            return;
          }
          // `list formats splunk` (sigma-cli's order) or `-t splunk`; yargs gives both as `target`.
          const given = args.target as string | string[] | undefined;
          const names = given ? [...new Set(Array.isArray(given) ? given : [given])] : targetNames();
          for (const n of names) {
            const b = await loadBackend(n);
            if (!b) throw new UsageError(`unknown target '${n}' (see 'sigmantic list targets')`);
            if (args.what === 'formats')
              for (const [f, fmt] of Object.entries(b.formats))
                process.stdout.write(`${b.name}\t${f}\t${fmt.description}\n`);
            else if (args.what === 'settings')
              for (const d of b.settings ?? []) process.stdout.write(settingLine(b.name, d));
            else
              for (const p of Object.keys(b.pipelines))
                process.stdout.write(
                  `${b.name}\t${p}${b.defaultPipelines.includes(p) ? '\t(default)' : ''}\n`,
                );
          }
        },
      )
      .command(testCommand((c) => (code = c)))
      .command(checkCommand((c) => (code = c)))
      .demandCommand(1, 'give a command: convert, list, test, check')
      .help()
      .parseAsync();
  } catch (e) {
    if (isEpipe(e)) return EXIT_PIPE;
    if (e instanceof UsageError || (e instanceof Error && e.name === 'YError')) {
      stderr(`sigmantic: ${e.message}\n${sigmaCliHints(e.message)}Try 'sigmantic --help'.\n`);
      return 2;
    }
    stderr(`sigmantic: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return code;
}

/**
 * sigma-cli flags (sigma-cli's `convert --help`) that sigmantic spells otherwise, with sigmantic's
 * spelling: printed under yargs' "Unknown argument(s): ..." so muscle memory finds the flag. None
 * is an alias, because none means exactly the same (sigma-cli's `-c` is the correlation method,
 * `-s` skips every rule that failed, not only unsupported ones).
 */
const SIGMA_CLI_FLAGS: Readonly<Record<string, string>> = {
  s: "sigma-cli's -s (--skip-unconvertible) is --skip-unsupported here (it exits 0 when the only failures are rules the target cannot express; invalid rules still fail)",
  'skip-unconvertible': "sigma-cli's --skip-unconvertible is --skip-unsupported here",
  'without-pipeline':
    "sigmantic needs no pipeline to convert (no -p runs the target's default pipelines, listed by `sigmantic list pipelines`); --no-default-pipelines keeps the rule's own field names",
  O: "sigma-cli's -O key=value (backend option) is --set key=value here (see `sigmantic list settings -t <target>`)",
  'backend-option': "sigma-cli's --backend-option is --set key=value here",
  c: "sigmantic has no -c: the config file is --config FILE, correlations convert by the target's own method (docs/correlation.md)",
  'correlation-method':
    "correlations convert by the target's own method (docs/correlation.md); there is no --correlation-method",
  'file-pattern':
    "sigma-cli's --file-pattern is a glob input here (convert 'rules/**/*.yml') or --exclude GLOB",
};

function sigmaCliHints(message: string): string {
  const m = /^Unknown arguments?: (.*)$/m.exec(message);
  if (!m) return '';
  const seen = new Set<string>();
  let out = '';
  for (const a of m[1].split(', ')) {
    const hint = Object.hasOwn(SIGMA_CLI_FLAGS, a) ? SIGMA_CLI_FLAGS[a] : undefined;
    if (hint && !seen.has(hint)) {
      seen.add(hint);
      out += `  ${a.length === 1 ? '-' : '--'}${a}: ${hint}\n`;
    }
  }
  return out;
}
