/**
 * Splunk correlation searches (docs/correlation.md, NOTES.md section "Correlations"): the
 * referenced rules' searches, each tagged with its rule (`eval sigma_rule="<ref>"`; several rules
 * through `| multisearch [search ...] ...`), put in time order (`sort 0 _time`), then a sliding
 * window per group with `streamstats time_window=<span>s ... by <group-by>` and a `where` on the
 * aggregate. The window slides with each event, as the specification's timespan does; no `bin`
 * (a tumbling window misses pairs across a bucket boundary: the reference tool's choice).
 */
import { referencedRuleContext, type CorrelationContext } from '../../src/backend.js';
import type { CorrelatedField, CorrelatedRule, Correlation } from '../../src/ir/correlation.js';
import { assertNever } from '../../src/diagnostics.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { cimValues } from './cim-values.js';
import { renderRule } from './render.js';
import { evalFieldName, isSafeFieldName, splString } from './spl.js';

type CorrelationReason = 'nested-correlation' | 'percentile' | 'field-name' | 'stream-window';

const condition = (c: Correlation, value: string): string =>
  c.condition.bounds.map((b) => `${value}${OP[b.op]}${number(b.value)}`).join(' AND ');

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

const PERCENTILE: [string, CorrelationReason] = [
  'value_percentile: the specification does not define the percentile compared, and the evaluator has no meaning to check a query against',
  'percentile',
];
const STREAM_WINDOW: [string, CorrelationReason] = [
  `a count of ${MAX_STREAM_WINDOW} or more: streamstats keeps at most max_stream_window (default ${MAX_STREAM_WINDOW}) events in a window`,
  'stream-window',
];

/** An event_count bound streamstats cannot reach: its window keeps at most MAX_STREAM_WINDOW events. */
function beyondStreamWindow(c: Correlation): boolean {
  return (
    c.type === 'event_count' &&
    c.condition.bounds.some(
      (b) => b.value >= MAX_STREAM_WINDOW && b.op !== 'lt' && b.op !== 'lte' && b.op !== 'neq',
    )
  );
}

/** A referenced rule's own search (null: refused), with -p splunk-cim's value forms (cim-values.ts) as for a rule of its own. */
function ruleSearch(r: CorrelatedRule, ctx: CorrelationContext): string | null {
  const base = referencedRuleContext(r, ctx);
  const rc = cimValues({
    ...base,
    rule: { ...r.rule, fields: [] },
    // A plain search of the events (renderRule), whatever the format: the data model's own
    // constraints and fills (cim-values.ts, -f data-model only) do not apply to it.
    options: { ...base.options, format: undefined },
  });
  return rc === null ? null : renderRule(rc);
}

export function renderCorrelation(ctx: CorrelationContext): string | null {
  const c: Correlation = ctx.correlation;
  const lowering = new Lowering<CorrelationReason>(ctx.sink);
  const refuse = (why: string, reason: CorrelationReason): null => {
    lowering.unsupported(undefined, why, reason);
    return null;
  };
  if (c.rules.some((r) => r.kind === 'correlation')) return renderNested(ctx, lowering);
  if (c.type === 'value_percentile') return refuse(...PERCENTILE);
  if (beyondStreamWindow(c)) return refuse(...STREAM_WINDOW);
  const rules = c.rules as readonly CorrelatedRule[];
  const group = c.groupBy.map((g, i) => unify(g, `sigma_group${i + 1}`));
  const value = c.condition.field ? unify(c.condition.field, 'sigma_field') : undefined;
  for (const f of [...c.groupBy.flatMap((g) => g.perRule), ...(c.condition.field?.perRule ?? [])])
    if (!isSafeFieldName(f))
      return refuse(`field name ${JSON.stringify(f)} cannot be written safely in SPL`, 'field-name');

  // 1. One tagged search per referenced rule (its own index and `| where`, no `| table`).
  const tagged: string[] = [];
  for (const [i, r] of rules.entries()) {
    const q = ruleSearch(r, ctx);
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
  q += ` | where ${condition(c, 'sigma_value')}`;
  return q;
}

/* ------------------------------------------------------------------ nested correlations */

/**
 * A correlation over correlations (the specification's example: failed logons counted, then
 * followed by a success) as one search, no subsearch over results (whose limits would drop
 * events). Every referenced rule of every level is one tagged subsearch (`sigma_src="<n>"`, in
 * the order the levels name them, so that one event's rows keep the evaluator's order); after
 * `sort 0 _time` each correlation, innermost first, adds:
 *   | eval sigma_r<L>=case(<row is entry 0>, "0", ...)          its occurrence: a rule's row, or
 *                                                               a match of a nested level
 *   | eval sigma_g<L>_<i>=case(...), sigma_in<L>=if(...)       its group values, and whether the
 *                                                               row is an occurrence with all of them
 *   | streamstats time_window=<span>s <agg> as sigma_v<L> by sigma_in<L> sigma_g<L>_<i> ...
 *   | eval sigma_m<L>=if(sigma_in<L>==1 AND <condition>, 1, 0)  its matches
 * and the search ends with `| where sigma_m<top>==1`. Rows of other levels are in the group
 * `sigma_in<L>=0` (their group fields set to ""), so no window holds them: every by-field has a
 * value on every row. A match of a nested level is an occurrence of the outer one at its time,
 * with its group-by values by their names (the evaluator's reading).
 */
function renderNested(ctx: CorrelationContext, lowering: Lowering<CorrelationReason>): string | null {
  const refuse = (why: string, reason: CorrelationReason): null => {
    lowering.unsupported(undefined, why, reason);
    return null;
  };
  const leaves: string[] = [];
  const segments: string[] = [];
  let levels = 0;
  // Renders one level (after its nested levels); returns its number.
  const level = (c: Correlation): number | null => {
    if (c.type === 'value_percentile') return refuse(...PERCENTILE);
    if (beyondStreamWindow(c)) return refuse(...STREAM_WINDOW);
    const valued = c.condition.field !== undefined;
    const tests: string[] = [];
    const groups: string[][] = c.groupBy.map(() => []);
    const values: string[] = [];
    for (const [i, r] of c.rules.entries()) {
      if (r.kind === 'correlation') {
        if (valued)
          return refuse(
            `${c.type} over the correlation '${r.rule.name ?? r.rule.title}': its matches carry no value of '${c.condition.field!.name}'`,
            'nested-correlation',
          );
        const inner = level(r);
        if (inner === null) return null;
        tests.push(`sigma_m${inner}==1`);
        for (const [g, f] of c.groupBy.entries()) {
          const j = r.groupBy.findIndex((x) => x.name === f.perRule[i]);
          if (j < 0)
            return refuse(
              `group-by '${f.name}' is '${f.perRule[i]}' for the correlation '${r.rule.name ?? r.rule.title}', which does not group by it`,
              'nested-correlation',
            );
          groups[g].push(`sigma_g${inner}_${j}`);
        }
        continue;
      }
      for (const f of [
        ...c.groupBy.map((g) => g.perRule[i]),
        ...(valued ? [c.condition.field!.perRule[i]] : []),
      ])
        if (!isSafeFieldName(f))
          return refuse(`field name ${JSON.stringify(f)} cannot be written safely in SPL`, 'field-name');
      const q = ruleSearch(r, ctx);
      if (q === null) return null;
      tests.push(`sigma_src=="${leaves.length}"`);
      leaves.push(`${q} | eval sigma_src="${leaves.length}"`);
      for (const [g, f] of c.groupBy.entries()) groups[g].push(evalFieldName(f.perRule[i]));
      if (valued) values.push(evalFieldName(c.condition.field!.perRule[i]));
    }
    const L = ++levels;
    const pick = (exprs: readonly string[]) =>
      `case(${exprs.map((e, i) => `sigma_r${L}=="${i}", ${e}`).join(', ')}, true(), null())`;
    const seg: string[] = [];
    seg.push(`eval sigma_r${L}=case(${tests.map((t, i) => `${t}, "${i}"`).join(', ')}, true(), null())`);
    const g = groups.map((_, i) => `sigma_g${L}_${i}`);
    const evals = groups.map((exprs, i) => `${g[i]}=${pick(exprs)}`);
    if (valued) evals.push(`sigma_f${L}=${pick(values)}`);
    if (evals.length) seg.push(`eval ${evals.join(', ')}`);
    seg.push(
      `eval sigma_in${L}=if(${[`isnotnull(sigma_r${L})`, ...g.map((x) => `isnotnull(${x})`)].join(' AND ')}, 1, 0)`,
    );
    if (g.length) seg.push(`eval ${g.map((x) => `${x}=if(sigma_in${L}==1, ${x}, "")`).join(', ')}`);
    const by = ` by ${[`sigma_in${L}`, ...g].join(' ')}`;
    const win = `time_window=${c.timespanSeconds}s`;
    const v = `sigma_v${L}`;
    switch (c.type) {
      case 'event_count':
        seg.push(`streamstats ${win} count as ${v}${by}`);
        break;
      case 'value_count':
        seg.push(`streamstats ${win} dc(sigma_f${L}) as ${v}${by}`);
        break;
      case 'value_sum':
        seg.push(`streamstats ${win} sum(sigma_f${L}) as ${v}${by}`);
        break;
      case 'value_avg':
        seg.push(`streamstats ${win} avg(sigma_f${L}) as ${v}${by}`);
        break;
      case 'temporal':
        seg.push(`streamstats ${win} dc(sigma_r${L}) as ${v}${by}`);
        break;
      case 'temporal_ordered': {
        // As for one level (renderCorrelation): sigma_t<L>_<k> the latest start of a chain of
        // entries 1..k ending at this row, carried by streamstats current=f max().
        const t = (k: number) => `sigma_t${L}_${k}`;
        seg.push(`eval ${t(1)}=if(sigma_r${L}=="0", _time, null())`);
        for (let k = 1; k < c.rules.length; k++) {
          seg.push(`streamstats ${win} current=f max(${t(k)}) as sigma_c${L}_${k}${by}`);
          seg.push(
            `eval ${t(k + 1)}=if(sigma_r${L}=="${k}" AND isnotnull(sigma_c${L}_${k}) AND _time - sigma_c${L}_${k} <= ${c.timespanSeconds}, sigma_c${L}_${k}, null())`,
          );
        }
        const cases = c.rules.map((_, k) => `isnotnull(${t(c.rules.length - k)}), ${c.rules.length - k}`);
        seg.push(`eval ${v}=case(${cases.join(', ')}, true(), 0)`);
        break;
      }
      default:
        return assertNever(c.type);
    }
    seg.push(`eval sigma_m${L}=if(sigma_in${L}==1 AND ${condition(c, v)}, 1, 0)`);
    segments.push(...seg);
    return L;
  };
  const top = level(ctx.correlation);
  if (top === null) return null;
  const base =
    leaves.length === 1 ? leaves[0] : `| multisearch ${leaves.map((l) => `[search ${l}]`).join(' ')}`;
  return [base, 'sort 0 _time', ...segments, `where sigma_m${top}==1`].join(' | ');
}

/**
 * How far back a nested correlation's search must read for every window of its outer level that
 * ends now to be whole: an outer occurrence may be an inner match, whose own window reaches back
 * the inner timespan. The sum of every level's timespan (read from the search renderNested
 * wrote: `streamstats time_window=<N>s ... by sigma_in<L>`) bounds every chain of levels; undefined
 * for a search of one level.
 */
export function nestedLookback(query: string): number | undefined {
  const spans = new Map<string, number>();
  for (const m of query.matchAll(/\| streamstats time_window=(\d+)s [^|]* by sigma_in(\d+)\b/g))
    spans.set(m[2], Math.max(spans.get(m[2]) ?? 0, Number(m[1])));
  return spans.size > 1 ? [...spans.values()].reduce((a, b) => a + b, 0) : undefined;
}
