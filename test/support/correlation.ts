/**
 * Converting a correlation document (with the rules it names, in the same text) for a backend,
 * and its Correlation IR for the evaluator: the harness of the correlation suites.
 */
import type { Backend } from '../../src/backend.js';
import { buildCorrelation } from '../../src/correlation/build.js';
import { link } from '../../src/correlation/link.js';
import { convertCorrelationLoaded, loadRulesFromText } from '../../src/convert.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import type { Correlation } from '../../src/ir/correlation.js';

export interface Converted {
  readonly query: string;
  /** Every query (a target may need several for one correlation). */
  readonly queries: readonly string[];
  readonly status: string;
  readonly diagnostics: string[];
  readonly correlation?: Correlation;
}

export function convertCorrelationWith(backend: Backend, text: string): Converted {
  const docs = loadRulesFromText(text, 'c.yml').rules;
  const linked = link(docs);
  const doc = linked.documents.find((d) => d.correlation && !linked.correlationOnly.has(d));
  if (!doc) throw new Error('no correlation: ' + JSON.stringify(docs.flatMap((d) => d.diagnostics)));
  const r = convertCorrelationLoaded(doc, linked.index, backend, [], {});
  const sink = new DiagnosticSink('c.yml');
  const c = buildCorrelation(
    { rule: doc.rule!, correlation: doc.correlation! },
    linked.index,
    { pipelines: [], passes: (ir) => ir },
    sink,
  );
  return {
    query: r.queries[0] ?? '',
    queries: r.queries,
    status: r.status,
    diagnostics: r.diagnostics.map((d) => `${d.code}${d.reason ? `[${d.reason}]` : ''}: ${d.message}`),
    correlation: c,
  };
}
