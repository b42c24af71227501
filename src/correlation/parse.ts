/**
 * Reading the `correlation:` section of a correlation document and the `filter:` section of a
 * filter document (Sigma correlation rules specification 2.1, Sigma filters specification 2.1),
 * with positions. Never throws: problems are diagnostics (codes invalid-correlation,
 * invalid-timespan, invalid-filter).
 */
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { Bound, CompareOp, CorrelationType } from '../ir/correlation.js';
import type { SigmaRule } from '../rule/types.js';
import { YamlNumber, type PosNode } from '../rule/yaml.js';

export const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
];
const OPS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];
/** Types whose condition counts a field (`field` required). */
const FIELD_TYPES = new Set<CorrelationType>(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
/** Units of a timespan in seconds: the specification's s, m, h, d and pySigma's w, M, y (sigma/correlations.py SigmaCorrelationTimespan). */
const UNITS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  M: 2629746,
  y: 31556952,
};

/** A correlation section as written (references not yet resolved). */
export interface CorrelationSpec {
  readonly type: CorrelationType;
  /** `rules`: names or ids, in order, each with its position. */
  readonly refs: readonly { readonly ref: string; readonly pos: Position }[];
  readonly groupBy: readonly string[];
  readonly timespan: string;
  readonly timespanSeconds: number;
  readonly field?: string;
  readonly percentile?: number;
  readonly bounds: readonly Bound[];
  /** alias -> rule name (or id) -> field. */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly generate: boolean;
  readonly pos: Position;
}

/** A timespan (`5m`) in seconds, or undefined. */
export function timespanSeconds(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,8})([smhdwMy])$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof YamlNumber) return v.text;
  return undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlNumber);
}

/** Reads the correlation section of a loaded correlation document; undefined when it is invalid (reported). */
export function parseCorrelation(rule: SigmaRule, sink: DiagnosticSink): CorrelationSpec | undefined {
  const sectionPos = rule.positions.keys?.get('correlation');
  const raw = rule.custom.correlation;
  const pos = sectionPos?.key ?? rule.pos;
  const before = sink.list.length;
  const bad = (message: string, at?: Position) => sink.error('invalid-correlation', message, at ?? pos);
  if (!isMap(raw)) {
    bad("'correlation' must be a mapping");
    return undefined;
  }
  const keys = sectionPos?.value.keys;
  const at = (k: string): Position => keys?.get(k)?.value.pos ?? pos;
  const child = (k: string): PosNode | undefined => keys?.get(k)?.value;
  for (const k of Object.keys(raw))
    if (!['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate'].includes(k))
      bad(`unknown correlation attribute '${k}'`, keys?.get(k)?.key);

  const typeText = scalar(raw.type);
  const type = CORRELATION_TYPES.find((t) => t === typeText);
  if (type === undefined)
    bad(
      raw.type === undefined
        ? "'correlation.type' is required"
        : `'correlation.type' must be one of ${CORRELATION_TYPES.join(', ')}, not '${String(typeText ?? raw.type)}'`,
      at('type'),
    );

  const refs: { ref: string; pos: Position }[] = [];
  const rulesRaw = typeof raw.rules === 'string' ? [raw.rules] : raw.rules;
  if (!Array.isArray(rulesRaw) || rulesRaw.length === 0)
    bad("'correlation.rules' must be a non-empty list of rule names or ids", at('rules'));
  else
    rulesRaw.forEach((r, i) => {
      const s = scalar(r);
      const p = child('rules')?.items?.[i]?.pos ?? at('rules');
      if (s === undefined || s === '') bad(`'correlation.rules' item ${i + 1} must be a name or an id`, p);
      else if (refs.some((x) => x.ref === s)) bad(`'correlation.rules' names '${s}' twice`, p);
      else refs.push({ ref: s, pos: p });
    });

  const groupBy: string[] = [];
  const gb = typeof raw['group-by'] === 'string' ? [raw['group-by']] : raw['group-by'];
  if (gb !== undefined && gb !== null) {
    if (!Array.isArray(gb)) bad("'correlation.group-by' must be a list of field names", at('group-by'));
    else
      gb.forEach((g, i) => {
        const s = scalar(g);
        const p = child('group-by')?.items?.[i]?.pos ?? at('group-by');
        if (s === undefined || s === '') bad(`'correlation.group-by' item ${i + 1} must be a field name`, p);
        else if (groupBy.includes(s)) bad(`'correlation.group-by' names '${s}' twice`, p);
        else groupBy.push(s);
      });
  }

  const timespan = scalar(raw.timespan);
  let seconds = 0;
  if (timespan === undefined)
    sink.error('invalid-timespan', "'correlation.timespan' is required (e.g. 5m)", at('timespan'));
  else {
    const s = timespanSeconds(timespan);
    if (s === undefined)
      sink.error(
        'invalid-timespan',
        `'correlation.timespan' must be a whole number and one unit of s, m, h, d, w, M, y (e.g. 90m), not '${timespan}'`,
        at('timespan'),
      );
    else seconds = s;
  }

  const bounds: Bound[] = [];
  let field: string | undefined;
  let percentile: number | undefined;
  const cond = raw.condition;
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (cond === undefined || cond === null) {
    if (type !== undefined && !temporal) bad(`'correlation.condition' is required for ${type}`, pos);
  } else if (!isMap(cond)) bad("'correlation.condition' must be a mapping (e.g. gte: 10)", at('condition'));
  else {
    const ck = child('condition')?.keys;
    for (const [k, v] of Object.entries(cond)) {
      const p = ck?.get(k)?.value.pos ?? at('condition');
      if (k === 'field') {
        const f = scalar(v);
        if (f === undefined || f === '') bad("'condition.field' must be a field name", p);
        else field = f;
      } else if (k === 'percentile') {
        if (!(v instanceof YamlNumber) || !Number.isInteger(v.value) || v.value < 1 || v.value > 100)
          bad("'condition.percentile' must be a whole number from 1 to 100", p);
        else percentile = v.value;
      } else if ((OPS as readonly string[]).includes(k)) {
        if (!(v instanceof YamlNumber) || !Number.isFinite(v.value))
          bad(`'condition.${k}' must be a number`, p);
        else bounds.push({ op: k as CompareOp, value: v.value });
      } else
        bad(
          `unknown condition key '${k}' (${[...OPS, 'field', 'percentile'].join(', ')})`,
          ck?.get(k)?.key ?? p,
        );
    }
    if (bounds.length === 0)
      bad("'correlation.condition' needs one of gt, gte, lt, lte, eq, neq", at('condition'));
  }
  if (type !== undefined && FIELD_TYPES.has(type) && field === undefined && isMap(cond))
    bad(`'condition.field' is required for ${type}`, at('condition'));
  if (type !== undefined && !FIELD_TYPES.has(type) && field !== undefined)
    bad(`'condition.field' is not used by ${type}`, at('condition'));
  if (type === 'value_percentile' && percentile === undefined && isMap(cond))
    bad(
      "'condition.percentile' is required for value_percentile (pySigma's reading of the specification)",
      at('condition'),
    );
  if (type !== undefined && type !== 'value_percentile' && percentile !== undefined)
    bad(`'condition.percentile' is not used by ${type}`, at('condition'));

  const aliases: Record<string, Record<string, string>> = {};
  if (raw.aliases !== undefined && raw.aliases !== null) {
    if (!isMap(raw.aliases)) bad("'correlation.aliases' must be a mapping", at('aliases'));
    else
      for (const [alias, m] of Object.entries(raw.aliases)) {
        const p = child('aliases')?.keys?.get(alias)?.value.pos ?? at('aliases');
        if (!isMap(m)) {
          bad(`alias '${alias}' must map rule names to field names`, p);
          continue;
        }
        const out: Record<string, string> = {};
        for (const [r, f] of Object.entries(m)) {
          const s = scalar(f);
          if (s === undefined || s === '') bad(`alias '${alias}': the field for '${r}' must be a name`, p);
          else if (!refs.some((x) => x.ref === r))
            bad(`alias '${alias}' names '${r}', which is not in 'correlation.rules'`, p);
          else out[r] = s;
        }
        aliases[alias] = out;
      }
  }

  // `generate` inside the section (pySigma) or beside it (the specification lists it with level).
  const gen = raw.generate ?? rule.custom.generate;
  let generate = false;
  if (gen !== undefined && gen !== null) {
    if (typeof gen !== 'boolean') bad("'generate' must be true or false", at('generate'));
    else generate = gen;
  }

  if (sink.list.length > before || type === undefined) return undefined;
  return {
    type,
    refs,
    groupBy,
    timespan: timespan ?? '',
    timespanSeconds: seconds,
    field,
    percentile,
    bounds,
    aliases,
    generate,
    pos,
  };
}

/** A filter section as written. */
export interface FilterSpec {
  /** `rules`: names or ids; `any` (pySigma): every rule of the filter's log source. */
  readonly refs: readonly { readonly ref: string; readonly pos: Position }[] | 'any';
  /** The rule-shaped document whose detection is the filter's selections and condition (for buildRule). */
  readonly detectionRule: SigmaRule;
  readonly pos: Position;
}

/** Reads the filter section of a loaded filter document; undefined when it is invalid (reported). */
export function parseFilter(rule: SigmaRule, sink: DiagnosticSink): FilterSpec | undefined {
  const sectionPos = rule.positions.keys?.get('filter');
  const raw = rule.custom.filter;
  const pos = sectionPos?.key ?? rule.pos;
  const before = sink.list.length;
  const bad = (message: string, at?: Position) => sink.error('invalid-filter', message, at ?? pos);
  if (!isMap(raw)) {
    bad("'filter' must be a mapping of 'rules', selections and 'condition'");
    return undefined;
  }
  const keys = sectionPos?.value.keys;
  const at = (k: string): Position => keys?.get(k)?.value.pos ?? pos;
  if (rule.positions.keys?.get('logsource') === undefined) bad("a filter needs a 'logsource'", rule.pos);
  let refs: { ref: string; pos: Position }[] | 'any' = [];
  const rr = raw.rules;
  if (typeof rr === 'string' && rr.toLowerCase() === 'any') refs = 'any';
  else {
    const list = typeof rr === 'string' ? [rr] : rr;
    if (!Array.isArray(list) || list.length === 0)
      bad("'filter.rules' must be a non-empty list of rule names or ids (or 'any')", at('rules'));
    else
      list.forEach((r, i) => {
        const s = scalar(r);
        const p = keys?.get('rules')?.value.items?.[i]?.pos ?? at('rules');
        if (s === undefined || s === '') bad(`'filter.rules' item ${i + 1} must be a name or an id`, p);
        else (refs as { ref: string; pos: Position }[]).push({ ref: s, pos: p });
      });
  }
  if (!('condition' in raw)) bad("'filter' needs a 'condition'", pos);
  const detection: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (k !== 'rules') detection[k] = v;
  if (sink.list.length > before) return undefined;
  // The filter's selections are a detection: the rule builder reads them at `detection`.
  const entries = new Map(keys ?? []);
  entries.delete('rules');
  const detPos: PosNode = { pos: sectionPos?.value.pos ?? pos, keys: entries };
  const rootKeys = new Map(rule.positions.keys ?? []);
  rootKeys.set('detection', { key: pos, value: detPos });
  const detectionRule: SigmaRule = {
    ...rule,
    type: 'rule',
    detection,
    positions: { ...rule.positions, keys: rootKeys },
  };
  return { refs, detectionRule, pos };
}
