/**
 * `-f data-model` (and `data-model-savedsearches`): a rule mapped by `-p splunk-cim` as a search
 * of the accelerated CIM data model (docs/data-models.md, NOTES.md section 5):
 *
 *   | tstats summariesonly=false allow_old_summaries=true fillnull_value="sigmantic:null"
 *       count min(_time) as firstTime max(_time) as lastTime
 *       from datamodel=<model>.<dataset> [where <search terms>] by <dataset>.<field> ...
 *     | rename <dataset>.* as * [| eval f=nullif(f, "sigmantic:null"), ...] [| where <residual>]
 *
 * The tstats `where` takes a search query (Search Reference, tstats: `WHERE <search-query>`) on
 * the `<dataset>.<field>` names: it gets the base search of the Splunk renderer (the exact search
 * terms and the sound over-approximation of the rest). What a search term cannot say (regexes,
 * `|cased`, literal `*`, field references) is tested exactly after tstats by `| where`, on
 * fields the tstats groups by. tstats omits rows whose group-by fields are null unless
 * `fillnull_value` is given (tstats, fillnull_value), so every query fills them with a marker and
 * turns the marker back into null before the residual test (`nullif`): a missing field stays
 * missing for `isnull`, `NOT` and `match`.
 */
import type { ConvertContext } from '../../src/backend.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { everyLeaf, fromIR, mapLeaves, leaf, fold, and } from '../../src/lowering/tree.js';
import type { Match } from '../../src/ir/types.js';
import { stateString } from '../../src/pipeline/state.js';
import { CIM_STATE, cimDatasets } from './pipelines.js';
import { planRule, renderSearch, renderWhere, type SplunkReason } from './render.js';
import { isSafeFieldName, splString } from './spl.js';

/** The formats that render the tstats form. */
export const DATA_MODEL_FORMATS: ReadonlySet<string> = new Set(['data-model', 'data-model-savedsearches']);

/** What tstats writes in a grouped field that an event lacks (turned back into null after it). */
export const FILL_NULL = 'sigmantic:null';

function fieldsOf(m: Match): string[] {
  if (m.kind === 'fieldref') return [m.field, m.other];
  return m.field === null ? [] : [m.field];
}

function prefixed(m: Match, prefix: string): Match {
  if (m.kind === 'fieldref') return { ...m, field: `${prefix}.${m.field}`, other: `${prefix}.${m.other}` };
  return m.field === null ? m : { ...m, field: `${prefix}.${m.field}` };
}

/** The tstats query of a rule, or null (reported) when it has none. */
export function renderDataModel(ctx: ConvertContext): string | null {
  const dataset = stateString(ctx.state, CIM_STATE);
  const ds = dataset === undefined ? undefined : cimDatasets()[dataset];
  if (!dataset || !ds) {
    ctx.sink.error(
      'unmapped-logsource',
      'the data-model format searches a CIM data model: map the rule with -p splunk-cim (no CIM dataset was chosen for this rule)',
    );
    return null;
  }
  // A keyword is a test of the raw event text, which a data model summary does not hold.
  if (!everyLeaf(fromIR(ctx.ir), (m) => m.field !== null)) {
    new Lowering<SplunkReason>(ctx.sink).unsupported(
      undefined,
      `a keyword searches the raw event text, which tstats over ${dataset} cannot search (only the data model's fields)`,
      'data-model',
    );
    return null;
  }
  const plan = planRule(ctx);
  if (!plan) return null;
  const p = ds.prefix;
  const filter = fold(mapLeaves(plan.base, (m) => leaf(prefixed(m, p))));
  if (filter.kind === 'const' && !filter.value) {
    plan.lowering.unsupported(undefined, 'the search part of the rule matches nothing', 'constant-condition');
    return null;
  }
  const residualFields: string[] = [];
  for (const r of plan.residual)
    everyLeaf(r, (m) => {
      for (const f of fieldsOf(m)) if (!residualFields.includes(f)) residualFields.push(f);
      return true;
    });
  const wanted = ctx.rule.fields.filter((f) => ds.cimFields.includes(f));
  const by: string[] = [];
  for (const f of [...ds.by, ...residualFields, ...wanted]) if (!by.includes(f)) by.push(f);
  const bad = by.find((f) => !isSafeFieldName(`${p}.${f}`));
  if (bad !== undefined) {
    plan.lowering.unsupported(
      undefined,
      `field name ${JSON.stringify(bad)} cannot be written safely in SPL`,
      'field-name',
    );
    return null;
  }
  const where = filter.kind === 'const' ? '' : ` where ${renderSearch(filter, plan.ph, 'top')}`;
  // summariesonly=false: events not yet summarized are searched too (tstats reads the raw index
  // for them), so a detection never misses recent events; allow_old_summaries=true keeps using
  // summaries built by an older data model definition (NOTES.md section 5).
  let q =
    `| tstats summariesonly=false allow_old_summaries=true fillnull_value=${splString(FILL_NULL)}` +
    ` count min(_time) as firstTime max(_time) as lastTime from datamodel=${dataset}${where}` +
    ` by ${by.map((f) => `${p}.${f}`).join(' ')} | rename ${p}.* as *`;
  if (residualFields.length)
    q += ` | eval ${residualFields.map((f) => `${f}=nullif(${f}, ${splString(FILL_NULL)})`).join(', ')}`;
  if (plan.residual.length) q += ` | where ${renderWhere(fold(and([...plan.residual])), false, 'top')}`;
  return q;
}
