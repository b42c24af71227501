/**
 * Microsoft Sentinel (Kusto) backend: each rule becomes `Table | where <predicate>` on the table
 * that holds its events. Tables and fields come from the built-in pipelines (data/logsources.json)
 * or from `--set table=...`; schemas from data/tables.json. See docs/sentinel.md.
 */
import type { Backend, ConvertContext } from '../../src/backend.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import { buildRule } from '../../src/ir/build.js';
import type { Node } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { runPasses, type Capabilities } from '../../src/lowering/passes.js';
import { applyPipelines } from '../../src/pipeline/index.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from '../../src/pipeline/types.js';
import { stateMap, stateString } from '../../src/pipeline/state.js';
import { targetOf, targetString, type TargetSettings } from '../../src/settings.js';
import { convertCorrelation } from './correlation.js';
import { tableSchemas } from './data.js';
import { analyticsRuleFormat, armTemplateFormat, defaultFormat } from './formats.js';
import { kustoName, kustoString } from './literal.js';
import {
  combinedPipeline,
  entryById,
  entryForTable,
  entryPipeline,
  pipelineFor,
  STATE,
  valueTables,
  type Entry,
} from './pipelines.js';
import { KustoRenderer, type EnumField, type SentinelReason, type TableContext } from './render.js';
import { requiresValues } from './requires.js';
import { SETTINGS } from './settings.js';

// A field-less number is a keyword: its text anywhere (`* contains "4688"`), as a string keyword.
const CAPABILITIES: Capabilities = { keywordNumbersAsText: true };

/** The table `--set table=` names (not the pipelines' one), if any. */
function setTable(target: TargetSettings): string | undefined {
  return target.given.includes('table') ? targetString(target, 'table') : undefined;
}

/** An entry's derived fields as Kusto expressions, with their values.json rewrites applied. */
const derivedCache = new WeakMap<Entry, Record<string, string>>();
function derivedOf(e: Entry | null): Record<string, string> {
  if (!e?.derived) return {};
  const cached = derivedCache.get(e);
  if (cached) return cached;
  const out: Record<string, string> = {};
  derivedCache.set(e, out);
  const { rewrites } = valueTables();
  for (const [field, d] of Object.entries(e.derived)) {
    let expr = d.expr;
    // "replace_regex()": RE2 lookup, `\\` in the rewrite is a backslash; applied in order.
    for (const [re, rw] of d.rewrite ? rewrites[d.rewrite].rules : [])
      expr = `replace_regex(${expr}, ${kustoString(re)}, ${kustoString(rw)})`;
    out[field] = expr;
  }
  return out;
}

const enumsCache = new WeakMap<Entry, Record<string, EnumField>>();
function enumsOf(e: Entry | null): Record<string, EnumField> {
  if (!e?.enums) return {};
  const cached = enumsCache.get(e);
  if (cached) return cached;
  const out: Record<string, EnumField> = {};
  enumsCache.set(e, out);
  const { enums } = valueTables();
  for (const [field, x] of Object.entries(e.enums))
    out[field] = {
      column: x.column,
      values: enums[x.values].values,
      table: e.table,
      ...(enums[x.values].open ? { open: true } : {}),
    };
  return out;
}

/** The table and its schema for one rule: `--set table=` wins over the pipelines' `table` state. */
export function tableContext(ctx: ConvertContext, entry: Entry | null = null): TableContext | null {
  const target = targetOf(ctx, SETTINGS);
  const table = target && targetString(target, 'table');
  if (!target || !table) return null;
  const schemas = tableSchemas();
  const known = Object.prototype.hasOwnProperty.call(schemas, table) ? schemas[table] : null;
  const xml = stateString(ctx.state, STATE.xml);
  return {
    table,
    // A table outside tables.json (a custom `_CL` table): field names are kept, types unknown.
    columns: known,
    xmlColumns: new Set(xml ? [xml] : []),
    keywords: targetString(target, 'keywords')!,
    placeholderExpressions: stateMap(ctx.state, QUERY_EXPRESSION_PLACEHOLDERS),
    strict: ctx.options.strict === true,
    derived: derivedOf(entry),
    enums: enumsOf(entry),
  };
}

/**
 * `--set table=T` with the built-in pipelines on: the entry the pipelines chose is for another
 * table, so its field names and conditions do not fit T. The rule's own IR goes instead through
 * the built-in entry for this logsource on T, if there is one; otherwise it keeps the rule's field
 * names with no entry conditions, and says so.
 */
function retarget(ctx: ConvertContext, table: string): { ctx: ConvertContext; entry: Entry | null } | null {
  const ls = ctx.rule.logsource;
  const scratch = new DiagnosticSink('');
  const ir: Node | undefined = buildRule(ctx.rule, scratch);
  if (!ir) return null;
  const alt = entryForTable(ls, table);
  if (!alt) {
    ctx.sink.warning(
      'unmapped-logsource',
      `--set table=${table}: no built-in mapping for this log source on ${table}; the rule's field names are kept and no log-source conditions are added`,
    );
    return { ctx: { ...ctx, ir: runPasses(ir, CAPABILITIES), state: {}, target: undefined }, entry: null };
  }
  const out = applyPipelines([entryPipeline(alt.pipeline, alt.entry)], ctx.rule, ir, ctx.sink);
  if (ctx.sink.hasErrors) return null;
  // The rebuilt IR gets the shared passes convert.ts gives every rule before the backend.
  const passed = runPasses(out.ir, CAPABILITIES);
  return { ctx: { ...ctx, ir: passed, state: out.state, target: undefined }, entry: alt.entry };
}

export const sentinelBackend: Backend = {
  name: 'sentinel',
  pipelines: {
    sentinel: combinedPipeline,
    'sentinel-defender': () => pipelineFor('sentinel-defender'),
    'sentinel-windows': () => pipelineFor('sentinel-windows'),
    'sentinel-linux': () => pipelineFor('sentinel-linux'),
    'sentinel-cloud': () => pipelineFor('sentinel-cloud'),
    // The ASIM unifying parsers (_Im_ProcessCreate, ...): data/asim.json, docs/data-models.md.
    'sentinel-asim': () => pipelineFor('sentinel-asim'),
  },
  defaultPipelines: ['sentinel'],
  capabilities: CAPABILITIES,
  formats: {
    default: defaultFormat,
    'analytics-rule': analyticsRuleFormat,
    'arm-template': armTemplateFormat,
  },
  settings: SETTINGS,
  convertCorrelation: (ctx) =>
    convertCorrelation(ctx, {
      convert: (c) => sentinelBackend.convert(c),
      table: (c) => {
        const t = tableContext(c);
        return t && { table: t.table, columns: t.columns };
      },
    }),
  convert(original) {
    let ctx = original;
    const target = targetOf(ctx, SETTINGS);
    if (!target) return [];
    const ls = ctx.rule.logsource;
    const named = setTable(target);
    const entryState = stateString(ctx.state, STATE.entry);
    let chosen = entryState ? entryById(entryState) : null;
    if (named && chosen && chosen.entry.table !== named) {
      const r = retarget(ctx, named);
      if (!r) return [];
      ctx = r.ctx;
      chosen = r.entry ? { pipeline: chosen.pipeline, entry: r.entry } : null;
    }
    const t = tableContext(ctx, chosen?.entry ?? null);
    if (!t) {
      const what = [ls.product, ls.category, ls.service].filter(Boolean).join('/') || 'none';
      ctx.sink.error(
        'unmapped-logsource',
        `no Sentinel table for logsource ${what}: use a pipeline that maps it (-p sentinel-windows, ...) or name the table with --set table=<Table>`,
      );
      return [];
    }
    // One reporter for the rule's approximations and refusals (the table's and the predicate's).
    const lowering = new Lowering<SentinelReason>(ctx.sink);
    if (chosen) {
      // The most specific entry whose logsource is a subset of the rule's applied: the rule's own
      // log source (a category or service the data does not list) is not filtered on.
      const l = chosen.entry.logsource;
      const extra = (['product', 'category', 'service'] as const).filter(
        (k) => ls[k] !== undefined && l[k] === undefined,
      );
      if (chosen.entry.widens)
        lowering.report(
          undefined,
          'logsource-widens',
          `${chosen.entry.widens}; the query may match more events than the rule`,
          'wider',
        );
      if (extra.length > 0)
        lowering.report(
          undefined,
          'logsource-partial',
          `no mapping for the rule's ${extra.map((k) => `${k} '${ls[k]}'`).join(' and ')}: the query searches all of ${t.table} (${[l.product, l.category, l.service].map((x) => x ?? '*').join('/')}), which may match more events than the rule`,
          'wider',
        );
    }
    const req = chosen?.entry.requires;
    if (req && !requiresValues(ctx.ir, req)) {
      // The table holds only some of the log source's events: a rule that does not itself require
      // one of them would lose the others (data/asim.json `requires`).
      ctx.sink.error(
        'unmapped-logsource',
        `${t.table} holds only ${req.reason}: the rule's condition does not require ${req.field} to be one of ${req.values.join(', ')}, so the query would miss events the rule matches`,
      );
      return [];
    }
    const renderer = new KustoRenderer(t, lowering);
    const predicate = renderer.render(ctx.ir);
    if (predicate === null || ctx.sink.hasErrors) return [];
    const ext = [...renderer.extends].map(([name, expr]) => `${kustoName(name)} = ${expr}`);
    const extend = ext.length > 0 ? `\n| extend ${ext.join(', ')}` : '';
    return [`${kustoName(t.table)}${extend}\n| where ${predicate}`];
  },
};
