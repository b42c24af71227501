/**
 * Splunk correlation searches (docs/correlation.md, NOTES.md section "Correlations"): the
 * referenced rules' searches, each tagged with its rule (`eval sigma_rule="<ref>"`; several rules
 * through `| multisearch [search ...] ...`), put in time order (`sort 0 _time`), then a sliding
 * window per group with `streamstats time_window=<span>s ... by <group-by>` and a `where` on the
 * aggregate. The window slides with each event, as the specification's timespan does; no `bin`
 * (a tumbling window misses pairs across a bucket boundary: the reference tool's choice).
 */
import type { CorrelationContext } from '../../src/backend.js';
import type { CorrelatedField, CorrelatedRule, Correlation } from '../../src/ir/correlation.js';
import { assertNever } from '../../src/diagnostics.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { cimValues } from './cim-values.js';
import { renderRule } from './render.js';
import { evalFieldName, isSafeFieldName, splString } from './spl.js';

type CorrelationReason = 'nested-correlation' | 'percentile' | 'field-name' | 'stream-window';

/**
 * streamstats keeps at most max_stream_window events in a window (limits.conf, default 10,000;
 * Search Reference "streamstats": "the default of 10,000 events set by the max_stream_window in
 * the limits.conf file applies"): a count bound beyond it could never be reached.
 */
const MAX_STREAM_WINDOW = 10_000;

const OP: Readonly<Record<string, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' };

/** A per-rule field as one name: the field itself when every rule names it alike, else an eval'd `sigma_<n>`. */
function unify(f: CorrelatedField, synthetic: string): { name: string; perRule?: readonly string[] } {
  const same = f.perRule.every((x) => x === f.perRule[0]);
  return same ? { name: f.perRule[0] } : { name: synthetic, perRule: f.perRule };
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(n);
}

export function renderCorrelation(ctx: CorrelationContext): string | null {
  const c: Correlation = ctx.correlation;
  const lowering = new Lowering<CorrelationReason>(ctx.sink);
  const refuse = (why: string, reason: CorrelationReason): null => {
    lowering.unsupported(undefined, why, reason);
    return null;
  };
  if (c.rules.some((r) => r.kind === 'correlation'))
    return refuse(
      'a correlation over another correlation has no single Splunk search here (the inner one would run as a subsearch over its own window)',
      'nested-correlation',
    );
  if (c.type === 'value_percentile')
    return refuse(
      'value_percentile: the specification does not define the percentile compared, and the evaluator has no meaning to check a query against',
      'percentile',
    );
  if (
    c.type === 'event_count' &&
    c.condition.bounds.some(
      (b) => b.value >= MAX_STREAM_WINDOW && b.op !== 'lt' && b.op !== 'lte' && b.op !== 'neq',
    )
  )
    return refuse(
      `a count of ${MAX_STREAM_WINDOW} or more: streamstats keeps at most max_stream_window (default ${MAX_STREAM_WINDOW}) events in a window`,
      'stream-window',
    );
  const rules = c.rules as readonly CorrelatedRule[];
  const group = c.groupBy.map((g, i) => unify(g, `sigma_group${i + 1}`));
  const value = c.condition.field ? unify(c.condition.field, 'sigma_field') : undefined;
  for (const f of [...c.groupBy.flatMap((g) => g.perRule), ...(c.condition.field?.perRule ?? [])])
    if (!isSafeFieldName(f))
      return refuse(`field name ${JSON.stringify(f)} cannot be written safely in SPL`, 'field-name');

  // 1. One tagged search per referenced rule (its own index and `| where`, no `| table`).
  const tagged: string[] = [];
  for (const [i, r] of rules.entries()) {
    // -p splunk-cim: the value forms CIM stores (cim-values.ts), as for a rule of its own.
    const rc = cimValues({
      rule: { ...r.rule, fields: [] },
      ir: r.ir,
      state: r.state,
      sink: ctx.sink,
      options: ctx.options,
    });
    const q = rc === null ? null : renderRule(rc);
    if (q === null) return null;
    const evals = [`sigma_rule=${splString(r.ref)}`];
    for (const g of group) if (g.perRule) evals.push(`${g.name}=${evalFieldName(g.perRule[i])}`);
    if (value?.perRule) evals.push(`${value.name}=${evalFieldName(value.perRule[i])}`);
    tagged.push(`${q} | eval ${evals.join(', ')}`);
  }
  let q = tagged.length === 1 ? tagged[0] : `| multisearch ${tagged.map((t) => `[search ${t}]`).join(' ')}`;

  // 2. Only events with every group-by field form groups; time order for the sliding window.
  const by = group.length ? ` by ${group.map((g) => g.name).join(' ')}` : '';
  if (group.length) q += ` | where ${group.map((g) => `isnotnull(${evalFieldName(g.name)})`).join(' AND ')}`;
  q += ' | sort 0 _time';
  const win = `time_window=${c.timespanSeconds}s`;

  // 3. The aggregate of each event's window, as `sigma_value`.
  switch (c.type) {
    case 'event_count':
      q += ` | streamstats ${win} count as sigma_value${by}`;
      break;
    case 'value_count':
      q += ` | streamstats ${win} dc(${evalFieldName(value!.name)}) as sigma_value${by}`;
      break;
    case 'value_sum':
      q += ` | streamstats ${win} sum(${evalFieldName(value!.name)}) as sigma_value${by}`;
      break;
    case 'value_avg':
      q += ` | streamstats ${win} avg(${evalFieldName(value!.name)}) as sigma_value${by}`;
      break;
    case 'temporal':
      q += ` | streamstats ${win} dc(sigma_rule) as sigma_value${by}`;
      break;
    case 'temporal_ordered': {
      // sigma_tK: the latest start of a chain of rules 1..K ending at this event, within the span.
      // streamstats current=f: the window of earlier events only (Search Reference "streamstats":
      // current "If true, the search includes the given, or current, event in the summary calculations").
      const tag = (k: number) => `sigma_rule==${splString(rules[k].ref)}`;
      q += ` | eval sigma_t1=if(${tag(0)}, _time, null())`;
      for (let k = 1; k < rules.length; k++) {
        q += ` | streamstats ${win} current=f max(sigma_t${k}) as sigma_c${k}${by}`;
        q += ` | eval sigma_t${k + 1}=if(${tag(k)} AND isnotnull(sigma_c${k}) AND _time - sigma_c${k} <= ${c.timespanSeconds}, sigma_c${k}, null())`;
      }
      const cases = rules.map((_, k) => `isnotnull(sigma_t${rules.length - k}), ${rules.length - k}`);
      q += ` | eval sigma_value=case(${cases.join(', ')}, true(), 0)`;
      break;
    }
    default:
      return assertNever(c.type);
  }
  // 4. The condition.
  q += ` | where ${c.condition.bounds.map((b) => `sigma_value${OP[b.op]}${number(b.value)}`).join(' AND ')}`;
  return q;
}
