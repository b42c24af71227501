/**
 * The reference evaluator of correlation rules: the executable definition of what a correlation
 * matches (docs/correlation.md "Semantics"), the oracle of every backend's correlation queries.
 *
 * - An occurrence is a pair (event, referenced rule) where the rule matches the event (an event
 *   that two referenced rules match is two occurrences, as the reference tool's multisearch gives
 *   it). Its group is the values of the group-by fields as that rule names them; an occurrence
 *   without one of them (missing, null or not a scalar) belongs to no group and is left out.
 * - Occurrences are ordered by time (the time field: a number of seconds since the epoch, or an
 *   ISO 8601 text), ties in input order, then per referenced rule in the order written.
 * - The window of an occurrence o is a sliding one: the occurrences of o's group at or before o
 *   whose time is at least time(o) - timespan (both ends inclusive). The aggregate of the window:
 *   event_count its size; value_count the distinct texts of the field (missing values left out);
 *   value_sum / value_avg the sum / mean of the field's numeric values (none: no value);
 *   temporal the number of distinct referenced rules; temporal_ordered the largest k such that
 *   occurrences of rules 1..k, in that order (strictly earlier in the order), lie in the window
 *   and the last is o (0 when o does not end such a chain).
 * - The correlation matches at o when the aggregate satisfies every bound. value_percentile has no
 *   agreed meaning (the specification gives no definition of the percentile): refused.
 * - A nested correlation's matches are its occurrences (its time and group-by values).
 */
import { assertNever } from '../diagnostics.js';
import { holds, type Correlation } from '../ir/correlation.js';
import { compileRule, type CompiledRule } from './compile.js';
import type { JsonObject } from './events.js';

export interface CorrelationEvalOptions {
  /** The timestamp field (default `@timestamp`). */
  readonly timeField?: string;
}

/** One match of a correlation: the occurrence at which the condition holds. */
export interface CorrelationMatch {
  /** Index of the occurrence's event in the input. */
  readonly index: number;
  readonly time: number;
  /** The group-by values by their correlation names. */
  readonly group: Readonly<Record<string, string>>;
  /** The aggregate's value at this occurrence. */
  readonly value: number;
}

export interface CorrelationEvalResult {
  readonly matches: readonly CorrelationMatch[];
  /** Why the correlation could not be evaluated (then no matches). */
  readonly errors: readonly string[];
}

interface Occurrence {
  readonly index: number;
  readonly order: number;
  readonly time: number;
  readonly rule: number;
  readonly key: string;
  readonly group: Record<string, string>;
  /** The value of the condition field, as this rule names it (undefined: missing). */
  readonly value?: unknown;
}

/** Seconds since the epoch of a time value, or undefined. */
export function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^[-+]?\d+(?:\.\d+)?$/.test(v.trim())) return Number(v);
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  return undefined;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A flat event's field (the contract's Record<string, unknown>; a nested object is read by its dotted path too). */
function get(event: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(event, field)) return event[field];
  let cur: unknown = event;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The occurrences of a correlation's referenced rules (or nested correlations) in time order. */
function occurrences(
  c: Correlation,
  events: readonly Record<string, unknown>[],
  timeField: string,
  errors: string[],
): Occurrence[] {
  const out: Occurrence[] = [];
  const times = events.map((e) => timeOf(get(e, timeField)));
  const groupNames = c.groupBy.map((g) => g.name);
  c.rules.forEach((r, ri) => {
    const groupFields = c.groupBy.map((g) => g.perRule[ri]);
    const valueField = c.condition.field?.perRule[ri];
    const add = (index: number, time: number, read: (f: string) => unknown) => {
      const group: Record<string, string> = {};
      for (let g = 0; g < groupFields.length; g++) {
        const t = scalarText(read(groupFields[g]));
        if (t === undefined) return;
        group[groupNames[g]] = t;
      }
      out.push({
        index,
        order: 0,
        time,
        rule: ri,
        key: JSON.stringify(groupNames.map((n) => group[n])),
        group,
        value: valueField === undefined ? undefined : read(valueField),
      });
    };
    if (r.kind === 'rule') {
      let compiled: CompiledRule;
      try {
        compiled = compileRule(r.ir);
      } catch (e) {
        errors.push(`rule '${r.ref}': ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (!compiled.exact)
        errors.push(
          `rule '${r.ref}' cannot be evaluated exactly: ${compiled.diagnostics.map((d) => d.message).join('; ')}`,
        );
      events.forEach((e, i) => {
        const t = times[i];
        if (t === undefined || !compiled(e as JsonObject)) return;
        add(i, t, (f) => get(e, f));
      });
    } else {
      const inner = evaluateCorrelation(r, events, { timeField });
      errors.push(...inner.errors);
      for (const m of inner.matches) add(m.index, m.time, (f) => m.group[f]);
    }
  });
  // Time order, ties in input order, then rule order (a stable sort of a list built per rule).
  out.sort((a, b) => a.time - b.time || a.index - b.index || a.rule - b.rule);
  return out.map((o, order) => ({ ...o, order }));
}

/** Evaluates a correlation over events (any order; they are put in time order). */
export function evaluateCorrelation(
  c: Correlation,
  events: readonly Record<string, unknown>[],
  options: CorrelationEvalOptions = {},
): CorrelationEvalResult {
  const errors: string[] = [];
  if (c.type === 'value_percentile')
    return {
      matches: [],
      errors: [
        'value_percentile: the specification does not define the percentile it compares; not evaluated',
      ],
    };
  const occ = occurrences(c, events, options.timeField ?? '@timestamp', errors);
  if (errors.length) return { matches: [], errors };
  const span = c.timespanSeconds;
  const byGroup = new Map<string, Occurrence[]>();
  for (const o of occ) {
    const list = byGroup.get(o.key);
    if (list) list.push(o);
    else byGroup.set(o.key, [o]);
  }
  const matches: CorrelationMatch[] = [];
  for (const list of byGroup.values()) {
    let start = 0;
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      while (list[start].time < o.time - span) start++;
      const window = list.slice(start, i + 1);
      let value: number | undefined;
      switch (c.type) {
        case 'event_count':
          value = window.length;
          break;
        case 'value_count':
          value = new Set(window.map((w) => scalarText(w.value)).filter((v) => v !== undefined)).size;
          break;
        case 'value_sum':
        case 'value_avg': {
          const nums = window.map((w) => numeric(w.value)).filter((v): v is number => v !== undefined);
          if (nums.length === 0) value = undefined;
          else {
            const sum = nums.reduce((a, b) => a + b, 0);
            value = c.type === 'value_sum' ? sum : sum / nums.length;
          }
          break;
        }
        case 'temporal':
          value = new Set(window.map((w) => w.rule)).size;
          break;
        case 'temporal_ordered': {
          // The longest chain of rules 1..k ending at o: walk back from o, taking for each earlier
          // rule the latest occurrence before the one after it (the latest keeps the chain shortest).
          if (o.rule === 0) value = 1;
          else {
            const k = o.rule;
            let pos = window.length - 1;
            let ok = true;
            for (let want = k - 1; want >= 0; want--) {
              let j = pos - 1;
              while (j >= 0 && window[j].rule !== want) j--;
              if (j < 0) {
                ok = false;
                break;
              }
              pos = j;
            }
            value = ok ? k + 1 : 0;
          }
          break;
        }
        default:
          assertNever(c.type);
      }
      if (value !== undefined && holds(c.condition.bounds, value))
        matches.push({ index: o.index, time: o.time, group: o.group, value });
    }
  }
  matches.sort((a, b) => a.time - b.time || a.index - b.index);
  return { matches, errors };
}
