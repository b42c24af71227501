/**
 * A Kibana Security EQL rule interpreter for tests: runs the rule's executions over a stream of
 * documents and returns every sequence (or event) any execution finds. What it models (Elastic
 * Security, "Create rule" API, https://www.elastic.co/guide/en/security/8.5/rules-api-create.html:
 * `type: eql`, `interval`, `from`): an execution at time `now` runs the EQL query
 * (test/support/eval-eql.ts evalEqlSearch) over the documents whose `@timestamp` lies in
 * [now - from, now]; executions run every `interval`, the first at the phase the caller gives.
 * Anything else (another type or language, a duration it does not know) throws.
 */
import type { EqlRule } from '../../../backends/elastic-kql/correlation.js';
import { evalEqlSearch, type EqlHit } from '../../support/eval-eql.js';

function seconds(d: string): number {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`eql rule: duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Every hit of every execution, with document indices into `docs`. */
export function eqlRuleHits(
  rule: EqlRule,
  docs: readonly Record<string, unknown>[],
  phase: number,
  fieldTypes?: Record<string, string>,
): EqlHit[] {
  if (rule.type !== 'eql' || rule.language !== 'eql') throw new Error('eql rule: not an EQL rule');
  const from = /^now-(.+)$/.exec(rule.from);
  if (!from) throw new Error(`eql rule: from ${rule.from}`);
  const lookBack = seconds(from[1]);
  const interval = seconds(rule.interval);
  const times = docs.map((d) => d['@timestamp'] as number);
  const out: EqlHit[] = [];
  for (let now = phase; now <= Math.max(...times) + lookBack + interval; now += interval) {
    const inRange = docs
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => (d['@timestamp'] as number) >= now - lookBack && (d['@timestamp'] as number) <= now);
    for (const h of evalEqlSearch(
      rule.query,
      inRange.map((x) => x.d),
      fieldTypes,
    ))
      out.push({ docs: h.docs.map((x) => inRange[x].i), key: h.key });
  }
  return out;
}
