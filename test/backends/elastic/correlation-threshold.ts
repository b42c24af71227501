/**
 * A Kibana Security threshold rule interpreter for tests: runs the rule's executions over a
 * stream of documents and says whether any execution alerts. What it models (Elastic Security,
 * "Create rule" API, https://www.elastic.co/guide/en/security/8.5/rules-api-create.html;
 * "Threshold rules", https://www.elastic.co/docs/solutions/security/detect-and-alert/threshold):
 * - an execution at time `now` searches the documents whose `@timestamp` lies in
 *   [now - from, now] (the rule's look-back, `from: now-<d>`, to `now`) and matches the KQL query
 *   (test/support/eval-kql.ts);
 * - hits are grouped by the values of every `threshold.field` (a terms aggregation: a document
 *   without one of the fields is in no group; no field = one group of all hits);
 * - a group alerts when its hit count is at least `threshold.value` and, for each
 *   `threshold.cardinality` entry, its distinct values of `field` number at least `value`
 *   (Elasticsearch's cardinality aggregation is exact well below its precision threshold,
 *   the only range these tests use);
 * - executions run every `interval`, starting at a phase the caller gives.
 * Anything else in the rule (another type or language, a date math it does not know) throws.
 */
import { evalKql } from '../../support/eval-kql.js';
import type { ThresholdRule } from '../../../backends/elastic-kql/correlation.js';

function seconds(d: string): number {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`threshold: duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export interface ThresholdRun {
  /** Documents with `@timestamp` in seconds from the stream's start. */
  readonly docs: readonly Record<string, unknown>[];
  readonly fieldTypes: Record<string, string>;
  /** The time of the first execution, in seconds (the others follow every `interval`). */
  readonly phase: number;
}

/** Whether an execution of the rule alerts on the documents. */
export function thresholdFires(rule: ThresholdRule, run: ThresholdRun): boolean {
  if (rule.type !== 'threshold' || rule.language !== 'kuery')
    throw new Error('threshold: not a KQL threshold rule');
  const from = /^now-(.+)$/.exec(rule.from);
  if (!from) throw new Error(`threshold: from ${rule.from}`);
  const lookBack = seconds(from[1]);
  const interval = seconds(rule.interval);
  const times = run.docs.map((d) => d['@timestamp'] as number);
  const last = Math.max(...times) + lookBack + interval;
  const hits = run.docs.filter((d) => evalKql(rule.query, d, run.fieldTypes));
  for (let now = run.phase; now <= last; now += interval) {
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const d of hits) {
      const t = d['@timestamp'] as number;
      if (t < now - lookBack || t > now) continue;
      if (rule.threshold.field.some((f) => d[f] === undefined || d[f] === null)) continue;
      const key = JSON.stringify(rule.threshold.field.map((f) => d[f]));
      const g = groups.get(key);
      if (g) g.push(d);
      else groups.set(key, [d]);
    }
    for (const g of groups.values()) {
      if (g.length < rule.threshold.value) continue;
      const card = rule.threshold.cardinality ?? [];
      if (
        card.every(
          (c) =>
            new Set(g.filter((d) => d[c.field] != null).map((d) => JSON.stringify(d[c.field]))).size >=
            c.value,
        )
      )
        return true;
    }
  }
  return false;
}
