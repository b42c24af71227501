/**
 * Microsoft Sentinel (Kusto) backend: each rule becomes `Table | where <predicate>` on the table
 * that holds its events. Tables and fields come from the built-in pipelines (data/logsources.json)
 * or from `--set table=...`; schemas from data/tables.json. See docs/sentinel.md.
 */
import type { Backend, ConvertContext } from '../../src/backend.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from '../../src/pipeline/types.js';
import { stateMap, stateString } from '../../src/pipeline/state.js';
import { checkStateSettings, settingGiven, settingString } from '../../src/settings.js';
import { tableSchemas } from './data.js';
import { analyticsRuleFormat, defaultFormat } from './formats.js';
import { kustoName } from './literal.js';
import { combinedPipeline, pipelineFor, STATE } from './pipelines.js';
import { KustoRenderer, type TableContext } from './render.js';
import { SETTINGS } from './settings.js';

/** The table and its schema for one rule: `--set table=` wins over the pipelines' `table` state. */
export function tableContext(ctx: ConvertContext): TableContext | null {
  const table = settingString(SETTINGS, 'table', ctx.options, ctx.state);
  if (!table) return null;
  const schemas = tableSchemas();
  const known = Object.prototype.hasOwnProperty.call(schemas, table) ? schemas[table] : null;
  const xml = stateString(ctx.state, STATE.xml);
  return {
    table,
    // A table outside tables.json (a custom `_CL` table): field names are kept, types unknown.
    columns: known,
    xmlColumns: new Set(xml ? [xml] : []),
    keywords: settingString(SETTINGS, 'keywords', ctx.options, ctx.state)!,
    placeholderExpressions: stateMap(ctx.state, QUERY_EXPRESSION_PLACEHOLDERS),
    strict: ctx.options.strict === true,
  };
}

export const sentinelBackend: Backend = {
  name: 'sentinel',
  aliases: ['sentinel-kql', 'kusto'],
  description: 'Microsoft Sentinel KQL (Kusto): a `Table | where ...` query per rule',
  pipelines: {
    sentinel: combinedPipeline,
    'sentinel-defender': () => pipelineFor('sentinel-defender'),
    'sentinel-windows': () => pipelineFor('sentinel-windows'),
    'sentinel-linux': () => pipelineFor('sentinel-linux'),
    'sentinel-cloud': () => pipelineFor('sentinel-cloud'),
  },
  defaultPipelines: ['sentinel'],
  formats: { default: defaultFormat, 'analytics-rule': analyticsRuleFormat },
  settings: SETTINGS,
  convert(ctx) {
    if (!checkStateSettings(SETTINGS, ctx.options, ctx.state, ctx.sink)) return [];
    const t = tableContext(ctx);
    const ls = ctx.rule.logsource;
    if (!t) {
      const what = [ls.product, ls.category, ls.service].filter(Boolean).join('/') || 'none';
      ctx.sink.error(
        'unmapped-logsource',
        `no Sentinel table for logsource ${what}: use a pipeline that maps it (-p sentinel-windows, ...) or name the table with --set table=<Table>`,
      );
      return [];
    }
    const entry = stateString(ctx.state, STATE.entry);
    if (entry && !settingGiven(ctx.options, 'table')) {
      // The most specific entry whose logsource is a subset of the rule's applied: the rule's own
      // log source (a category or service the data does not list) is not filtered on.
      const [, key] = entry.split(':');
      const [p, c, s] = key.split('/').map((x) => (x === '*' ? undefined : x));
      const extra = (['product', 'category', 'service'] as const).filter(
        (k, i) => ls[k] !== undefined && [p, c, s][i] === undefined,
      );
      if (extra.length > 0)
        ctx.sink.warning(
          'approximation',
          `no mapping for the rule's ${extra.map((k) => `${k} '${ls[k]}'`).join(' and ')}: the query searches all of ${t.table} (${key}), which may match more events than the rule`,
        );
    }
    const predicate = new KustoRenderer(t, ctx.sink).render(ctx.ir);
    if (predicate === null || ctx.sink.hasErrors) return [];
    return [`${kustoName(t.table)}\n| where ${predicate}`];
  },
};
