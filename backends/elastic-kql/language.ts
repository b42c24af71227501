/**
 * Which language a Kibana Security detection rule is written in (`-f detection-rule`, issue #14):
 * KQL (`type: query`, `language: kuery`) when the KQL conversion is exact, else EQL (`type: eql`,
 * `language: eql`) when the EQL conversion has a better label, else KQL. `--set language=kuery|eql`
 * forces one. The choice is made here, where the rule is converted, so that the rule's label and
 * diagnostics are those of the query actually written; the format reads the choice from the
 * `query-language` info diagnostic (its `reason` is the language, its message says why).
 */
import type { ConvertContext } from '../../src/backend.js';
import { DiagnosticSink, type Diagnostic, type Label } from '../../src/diagnostics.js';
import { targetOf, targetString } from '../../src/settings.js';
import { eqlQuery } from '../eql/render.js';
import { SETTINGS } from './settings.js';

export type RuleLanguage = 'kuery' | 'eql';

/** The format whose rules may be written in EQL. */
export const DETECTION_RULE = 'detection-rule';

function labelOf(sink: DiagnosticSink): Label {
  if (sink.hasErrors) return 'unsupported';
  return sink.list.some((d) => d.severity === 'warning' && d.code === 'approximation')
    ? 'approximate'
    : 'exact';
}
const RANK: Readonly<Record<Label, number>> = { exact: 0, approximate: 1, unsupported: 2, error: 3 };

function replay(into: DiagnosticSink, from: readonly Diagnostic[]): void {
  for (const d of from)
    into.report(
      d.severity,
      d.code as Parameters<DiagnosticSink['report']>[1],
      d.message,
      d.line === undefined ? undefined : { line: d.line, column: d.column ?? 1 },
      { reason: d.reason, direction: d.direction },
    );
}

/** A short account of a conversion's label for the rule's note. */
function account(name: string, label: Label, sink: DiagnosticSink): string {
  if (label === 'exact') return `the ${name} conversion is exact`;
  const reasons = [
    ...new Set(sink.list.filter((d) => d.severity !== 'info').map((d) => d.reason ?? d.code)),
  ].join(', ');
  return `the ${name} conversion is ${label}${reasons ? ` (${reasons})` : ''}`;
}

/**
 * Converts for the detection-rule format: KQL or EQL as the `language` setting and the labels
 * decide. Other formats get the KQL conversion untouched.
 */
export function convertForRule(ctx: ConvertContext, kql: (ctx: ConvertContext) => string[]): string[] {
  if (ctx.options.format !== DETECTION_RULE) return kql(ctx);
  const target = targetOf(ctx, SETTINGS);
  if (!target) return [];
  const setting = targetString(target, 'language') ?? 'auto';
  const file = ctx.sink.file;
  const kSink = new DiagnosticSink(file);
  const kQueries = setting === 'eql' ? [] : kql({ ...ctx, target, sink: kSink });
  const kLabel = labelOf(kSink);
  let choice: RuleLanguage = 'kuery';
  let why: string;
  let eSink: DiagnosticSink | undefined;
  let eQuery: string | undefined;
  if (setting === 'kuery') why = 'set by --set language=kuery';
  else if (setting === 'auto' && kLabel === 'exact') why = account('KQL', kLabel, kSink);
  else {
    eSink = new DiagnosticSink(file);
    eQuery = eqlQuery(ctx.ir, ctx.state, eSink, true, ctx.rule.logsource);
    const eLabel = labelOf(eSink);
    if (setting === 'eql') {
      choice = 'eql';
      why = 'set by --set language=eql';
    } else if (RANK[eLabel] < RANK[kLabel]) {
      choice = 'eql';
      why = `${account('KQL', kLabel, kSink)}, ${account('EQL', eLabel, eSink)}`;
    } else why = `${account('KQL', kLabel, kSink)}, ${account('EQL', eLabel, eSink)}: KQL is kept`;
  }
  const chosen = choice === 'eql' ? eSink! : kSink;
  replay(ctx.sink, chosen.list);
  ctx.sink.report('info', 'query-language', `${choice === 'eql' ? 'EQL' : 'KQL'}: ${why}`, undefined, {
    reason: choice,
  });
  if (choice === 'eql') return eQuery === undefined || eSink!.hasErrors ? [] : [eQuery];
  return kQueries;
}

/** The language a converted rule's detection rule is written in (KQL when none was chosen). */
export function ruleLanguage(diagnostics: readonly Diagnostic[]): { language: RuleLanguage; why?: string } {
  const d = diagnostics.find((x) => x.code === 'query-language');
  return d ? { language: d.reason === 'eql' ? 'eql' : 'kuery', why: d.message } : { language: 'kuery' };
}
