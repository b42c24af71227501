/**
 * `sigmantic test <rules..> [--events <files..>]`: which events each rule matches, and the
 * expectations of rule test files. Exit code 0 all passed, 1 a test failed or a rule or file had
 * an error, 2 usage. A thin layer over src/evaluate/testing.ts.
 */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadRulesFile } from '../convert.js';
import { formatDiagnostic } from '../diagnostics.js';
import {
  besideTestFile,
  eventFiles,
  isTestFile,
  loadEventFile,
  loadTestFile,
  prepareRule,
  runTest,
  type EventMatch,
  type EventsResult,
  type SourcedEvent,
  type TestableRule,
  type TestResult,
} from '../evaluate/testing.js';
import { expandInputs } from '../files.js';
import { buildCorrelation } from '../correlation/build.js';
import { link } from '../correlation/link.js';
import { DiagnosticSink } from '../diagnostics.js';
import { evaluateCorrelation } from '../evaluate/correlation.js';
import type { Correlation } from '../ir/correlation.js';
import { UsageError } from '../batch.js';
import { swallowedHint } from './check-command.js';
import { watchStdoutPipe } from './pipe.js';

interface TestArgs {
  inputs?: string[];
  'time-field'?: string;
  events?: string[];
  report?: string;
  quiet: boolean;
}

/** The JSON report: `rules` (path, id, matches) and, when test files were used, `expectations`. */
export interface TestReport {
  rules: Array<{ path: string; id: string | null; matches: EventMatch[] }>;
  expectations?: Array<
    Omit<TestResult, 'failures'> & {
      failures: Array<{ file: string; index: number; expected: boolean; matched: boolean }>;
    }
  >;
}

/** A path relative to the working directory when it lies inside it, else as it is. */
function label(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') ? r : path;
}

export async function runTestCommand(
  args: TestArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const inputs = args.inputs ?? [];
  if (inputs.length === 0)
    throw new UsageError(
      'no rules: give rule files, directories or globs (and test files)' +
        swallowedHint([['--events', args.events]]),
    );
  const { paths, missing } = await expandInputs(inputs);
  let failed = missing.length > 0;
  for (const m of missing) err(`sigmantic: ${m}: no such file, directory or matching glob\n`);

  const rulePaths = paths.filter((p) => p !== '-' && !isTestFile(p));
  const testPaths = new Set(paths.filter(isTestFile).map((p) => resolve(p)));
  for (const p of rulePaths) {
    const t = besideTestFile(p);
    if (t) testPaths.add(resolve(t));
  }

  // Per rule file, its documents (a rule collection has several), each a rule of its own.
  const rules = new Map<string, TestableRule[]>();
  const rulesOf = (path: string): TestableRule[] => {
    const key = resolve(path);
    let docs = rules.get(key);
    if (!docs) {
      docs = loadRulesFile(path).rules.map(prepareRule);
      rules.set(key, docs);
      for (const r of docs) {
        for (const d of r.diagnostics)
          if (d.severity === 'error' || !args.quiet) err(formatDiagnostic(d) + '\n');
        if (r.loaded.correlation) continue;
        if (!r.compiled || !r.compiled.exact) failed = true;
      }
    }
    return docs;
  };
  for (const p of rulePaths) rulesOf(p);

  // Correlations: their references resolve across every rule input (src/correlation/link.ts).
  const allDocs = rulePaths.flatMap(rulesOf);
  const linked = link(allDocs.map((r) => r.loaded));
  const correlations = new Map<TestableRule, Correlation>();
  for (const r of allDocs) {
    if (!r.loaded.correlation || !r.loaded.rule) continue;
    const sink = new DiagnosticSink(r.loaded.path);
    const c = buildCorrelation(
      { rule: r.loaded.rule, correlation: r.loaded.correlation },
      linked.index,
      { pipelines: [], passes: (ir) => ir },
      sink,
    );
    for (const d of sink.list) err(formatDiagnostic(d) + '\n');
    if (c) correlations.set(r, c);
    else failed = true;
  }

  if (!args.events?.length && testPaths.size === 0)
    throw new UsageError(
      'nothing to test: give --events <files>, or test files (<rule>.test.yml, sigmantic-tests.yml)',
    );

  // Event files are read once, whichever tests use them.
  const fileCache = new Map<string, EventsResult>();
  const loadFile = (path: string, label = path): EventsResult => {
    const key = resolve(path);
    let r = fileCache.get(key);
    if (!r) {
      r = loadEventFile(path, label);
      fileCache.set(key, r);
    }
    return r;
  };

  const report: TestReport = { rules: [] };
  if (args.events?.length) {
    const events: SourcedEvent[] = [];
    for (const input of args.events) {
      let files: string[];
      try {
        files = eventFiles(input);
      } catch {
        err(`sigmantic: ${input}: no such file or directory\n`);
        failed = true;
        continue;
      }
      for (const f of files) {
        const r = loadFile(f);
        if (r.ok) events.push(...r.events);
        else {
          err(`sigmantic: ${r.message}\n`);
          failed = true;
        }
      }
    }
    for (const r of rulePaths.flatMap(rulesOf)) {
      const c = correlations.get(r);
      let matches: EventMatch[] = [];
      if (c) {
        // A correlation over the events in time order (--time-field, default @timestamp): the
        // events at which it triggers.
        const res = evaluateCorrelation(
          c,
          events.map((e) => e.event.raw),
          { timeField: args['time-field'] ?? '@timestamp' },
        );
        for (const e of res.errors) err(`sigmantic: ${r.loaded.path}: ${e}\n`);
        if (res.errors.length) failed = true;
        const seen = new Set<number>();
        for (const m of res.matches)
          if (!seen.has(m.index)) {
            seen.add(m.index);
            matches.push({ file: events[m.index].file, index: events[m.index].index });
          }
      } else if (r.compiled)
        matches = events.filter((e) => r.compiled!(e.event)).map((e) => ({ file: e.file, index: e.index }));
      report.rules.push({ path: r.loaded.path, id: r.loaded.rule?.id ?? null, matches });
      if (!args.quiet || matches.length) {
        out(
          `${r.loaded.path}${r.loaded.rule?.id ? ` (${r.loaded.rule.id})` : ''}: ${matches.length} of ${events.length} events match\n`,
        );
        for (const m of matches) out(`  ${m.file} #${m.index}\n`);
      }
    }
  }

  if (testPaths.size > 0) {
    const results: TestResult[] = [];
    const byId = (id: string): TestableRule | undefined =>
      [...rules.values()].flat().find((r) => r.loaded.rule?.id === id);
    for (const tp of [...testPaths].sort()) {
      const tf = loadTestFile(label(tp));
      if (!tf.ok) {
        err(`sigmantic: ${tf.message}\n`);
        failed = true;
        continue;
      }
      for (const rt of tf.rules) {
        let rule: TestableRule | undefined;
        if ('path' in rt.rule) {
          const docs = rulesOf(rt.rule.path);
          if (docs.length > 1) {
            err(
              `sigmantic: ${tp}: ${rt.rule.path} holds ${docs.length} rules (documents): name the rule by its id\n`,
            );
            failed = true;
            continue;
          }
          rule = docs[0];
        } else {
          rule = byId(rt.rule.id);
          if (!rule) {
            err(`sigmantic: ${tp}: no loaded rule has id ${rt.rule.id} (give the rule file as an input)\n`);
            failed = true;
            continue;
          }
        }
        for (const t of rt.tests) results.push(runTest(rule, t, (f) => loadFile(f, label(f))));
      }
    }
    let passed = 0;
    for (const r of results) {
      if (r.passed) {
        passed++;
        if (!args.quiet)
          out(`PASS ${r.rule} — ${r.test}: ${r.expected} (${r.matches.length}/${r.events} matched)\n`);
        continue;
      }
      failed = true;
      out(
        `FAIL ${r.rule}${r.id ? ` (${r.id})` : ''} — ${r.test} [${r.source}]\n  expected: ${r.expected}; ${r.matches.length} of ${r.events} events matched\n`,
      );
      for (const e of r.errors) out(`  ${e}\n`);
      for (const m of r.failures.length ? [] : r.matches) out(`  matched: ${m.file} #${m.index}\n`);
      for (const f of r.failures) {
        out(
          `  ${f.file} #${f.index}: expected ${f.expected ? 'a match' : 'no match'}, but it ${f.matched ? 'matched' : 'did not match'}\n`,
        );
        for (const line of f.explanation) out(`    ${line}\n`);
      }
    }
    out(`sigmantic: ${results.length} tests: ${passed} passed, ${results.length - passed} failed\n`);
    report.expectations = results.map((r) => ({
      ...r,
      failures: r.failures.map(({ file, index, expected, matched }) => ({ file, index, expected, matched })),
    }));
  }
  if (args.report) writeFileSync(args.report, JSON.stringify(report, null, 2) + '\n');
  return failed ? 1 : 0;
}

/** The yargs command; `setCode` receives the exit code. */
export function testCommand(setCode: (code: number) => void): CommandModule<object, TestArgs> {
  return {
    command: 'test [inputs..]',
    describe: 'apply rules to JSON events and check rule test files',
    builder: (y: Argv<object>) =>
      y
        .positional('inputs', {
          describe: 'rule files, directories, globs, and test files (*.test.yml, sigmantic-tests.yml)',
          type: 'string',
          array: true,
        })
        .option('events', {
          alias: 'e',
          type: 'string',
          array: true,
          describe: 'event files or directories (JSON, JSON Lines, arrays, concatenated objects)',
        })
        .option('report', {
          type: 'string',
          describe: 'write a JSON report of the matches and expectations to this file',
        })
        .option('time-field', {
          type: 'string',
          describe: 'the timestamp field correlations order events by (default @timestamp)',
        })
        .option('quiet', {
          alias: 'q',
          type: 'boolean',
          default: false,
          describe: 'print only failures and matches',
        }) as unknown as Argv<TestArgs>,
    handler: async (args) => {
      watchStdoutPipe();
      setCode(
        await runTestCommand(
          args,
          (s) => process.stdout.write(s),
          (s) => process.stderr.write(s),
        ),
      );
    },
  };
}
