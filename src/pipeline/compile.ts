/**
 * Compiling pipeline specs: every item's conditions and transformation are checked and turned
 * into closures once, so applying them per rule is cheap. Errors name the file, line and item.
 */
import { parseSigmaString } from '../ir/sigma-string.js';
import type { SigmaString } from '../ir/types.js';
import { nearest } from '../rule/load.js';
import type { PosNode } from '../rule/yaml.js';
import { compileConditions } from './conditions.js';
import { pipelineError } from './errors.js';
import type { CompileEnv, CompiledItem, TransformFactory } from './item.js';
import { describe, isMapping, Params, scalarText } from './params.js';
import { checkPostprocessing } from './postprocess.js';
import { FIELD_TRANSFORMATIONS } from './transform-fields.js';
import { RULE_TRANSFORMATIONS } from './transform-rule.js';
import { VALUE_TRANSFORMATIONS } from './transform-values.js';
import type { PipelineSpec } from './types.js';

export const TRANSFORMATIONS: Readonly<Record<string, TransformFactory>> = {
  ...FIELD_TRANSFORMATIONS,
  ...VALUE_TRANSFORMATIONS,
  ...RULE_TRANSFORMATIONS,
};

/** Keys every item may have besides its transformation's parameters. */
const ITEM_KEYS = new Set(['id', 'type']);
for (const k of ['rule', 'detection_item', 'field_name'])
  for (const key of [`${k}_conditions`, `${k}_cond_op`, `${k}_cond_not`, `${k}_cond_expr`])
    ITEM_KEYS.add(key);

/**
 * Compiles a list of raw processing items. `lazy` (built-in pipelines, whose items the tests
 * compile in full): an item's rule conditions are compiled now, for pipeline plans; the rest
 * (transformation, detection item and field name conditions, the check of its keys) when a rule
 * first needs it. A rule needs a handful of a built-in pipeline's hundreds of items, and compiling
 * them all was most of the start-up of a one-rule run.
 */
export function compileItems(
  spec: { name: string; source: string },
  raw: unknown,
  pos: PosNode | undefined,
  prefix = '',
  lazy = false,
): CompiledItem[] {
  if (!Array.isArray(raw))
    throw pipelineError(
      { source: spec.source, pos: pos?.pos },
      `'transformations' must be a list, not ${describe(raw)}`,
    );
  const env: CompileEnv = {
    compileItems(nested, npos, at, key) {
      if (!Array.isArray(nested) || nested.length === 0)
        return at.fail(`'${key}' must be a non-empty list of processing items`, key);
      return compileItems(spec, nested, npos, `${prefix}${at.where.item ?? ''} > `);
    },
  };
  const ids = new Set<string>();
  return raw.map((obj, i) => {
    const ipos = pos?.items?.[i];
    const at = ipos?.pos ?? pos?.pos;
    const n = `#${i + 1}`;
    if (!isMapping(obj))
      throw pipelineError(
        { source: spec.source, pos: at, item: `${prefix}item ${n}` },
        `a processing item must be a mapping, not ${describe(obj)}`,
      );
    const id = typeof obj.id === 'string' && obj.id !== '' ? obj.id : undefined;
    const type = typeof obj.type === 'string' ? obj.type : undefined;
    const name = `${prefix}item ${id !== undefined ? `'${id}'` : n}${type ? ` (${type})` : ''}`;
    const p = new Params(obj, ipos, { source: spec.source, pos: at, item: name });
    if (obj.id !== undefined && obj.id !== null && id === undefined)
      p.fail(`'id' must be a non-empty string, not ${describe(obj.id)}`, 'id');
    if (id !== undefined) {
      if (ids.has(id)) p.fail(`duplicate item id '${id}'`, 'id');
      ids.add(id);
    }
    if (type === undefined)
      return p.fail(
        obj.type === undefined
          ? "the item has no 'type'"
          : `'type' must be a string, not ${describe(obj.type)}`,
        'type',
      );
    const make = TRANSFORMATIONS[type];
    if (!make) {
      const near = type.length >= 4 ? nearest(type, new Set(Object.keys(TRANSFORMATIONS))) : undefined;
      return p.fail(
        near
          ? `unknown transformation type '${type}' (did you mean '${near}'?)`
          : `unknown transformation type '${type}' (supported: ${Object.keys(TRANSFORMATIONS).sort().join(', ')})`,
        'type',
      );
    }
    p.allowSet(ITEM_KEYS);
    const label = `${spec.name}/${id ?? n}`;
    const matchRule = compileConditions(p, 'rule');
    const rest = () => {
      const matchItem = compileConditions(p, 'detection_item');
      const matchField = compileConditions(p, 'field_name');
      const run = make(p, env);
      p.done(`transformation '${type}'`);
      return { matchItem, matchField, run };
    };
    if (!lazy) return { id, label, type, matchRule, ...rest() };
    let done: ReturnType<typeof rest> | undefined;
    return {
      id,
      label,
      type,
      matchRule,
      get matchItem() {
        return (done ??= rest()).matchItem;
      },
      get matchField() {
        return (done ??= rest()).matchField;
      },
      get run() {
        return (done ??= rest()).run;
      },
    };
  });
}

/** Checks a pipeline document and returns its spec (items are compiled once and cached). */
export function specFromDocument(obj: unknown, source: string, root: PosNode | undefined): PipelineSpec {
  if (!isMapping(obj))
    throw pipelineError(
      { source, pos: root?.pos },
      `a pipeline must be a mapping with 'name' and 'transformations', not ${describe(obj)}`,
    );
  const p = new Params(obj, root, { source, pos: root?.pos });
  const name = p.text('name', true) ?? source.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  const prio = p.raw('priority');
  let priority = 0;
  if (prio !== undefined && prio !== null) {
    const n =
      typeof prio === 'number'
        ? prio
        : typeof (prio as { value?: unknown }).value === 'number'
          ? (prio as { value: number }).value
          : NaN;
    if (!Number.isFinite(n)) p.fail(`'priority' must be a number, not ${describe(prio)}`, 'priority');
    priority = n;
  }
  // pySigma keeps any YAML value in vars (templates read mappings); value_placeholders take a
  // value or a list of values and say so when a placeholder names anything else.
  const rawVars = p.raw('vars');
  if (rawVars !== undefined && rawVars !== null && !isMapping(rawVars))
    p.fail(`'vars' must be a mapping, not ${describe(rawVars)}`, 'vars');
  const vars: Record<string, unknown> = isMapping(rawVars) ? { ...rawVars } : {};
  const list = (k: 'postprocessing' | 'finalizers'): unknown[] => {
    const v = p.raw(k);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return p.fail(`'${k}' must be a list, not ${describe(v)}`, k);
    return v;
  };
  const postprocessing = list('postprocessing');
  const finalizers = list('finalizers');
  p.allow('allowed_backends', 'description');
  const transformations = p.raw('transformations') ?? [];
  p.done('a pipeline');
  const spec: PipelineSpec = {
    name,
    priority,
    vars,
    transformations: transformations as unknown[],
    source,
    positions: p.node('transformations'),
    postprocessing,
    postprocessingPositions: p.node('postprocessing'),
    finalizers,
    finalizersPositions: p.node('finalizers'),
  };
  compiledItems(spec);
  checkPostprocessing(spec);
  return spec;
}

const itemCache = new WeakMap<PipelineSpec, CompiledItem[]>();

/** The compiled items of a spec (compiled on first use, then cached). */
export function compiledItems(spec: PipelineSpec): CompiledItem[] {
  let items = itemCache.get(spec);
  if (!items) {
    items = compileItems(spec, spec.transformations, spec.positions, '', spec.source.startsWith('builtin:'));
    itemCache.set(spec, items);
  }
  return items;
}

export interface CompiledPipelines {
  readonly items: readonly CompiledItem[];
  /** Some item tests processing_item_applied on detection items or field names. */
  readonly track: boolean;
  /** Values of each var for placeholders, or why the var cannot be one. */
  readonly vars: ReadonlyMap<string, readonly SigmaString[] | string>;
}

const listCache = new WeakMap<readonly PipelineSpec[], CompiledPipelines>();

/**
 * Whether some raw item (or an item nested in one) has a processing_item_applied detection item
 * or field name condition: only then do runs record which items changed which matches and fields.
 */
function testsAppliedItems(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  const applied = (conds: unknown): boolean =>
    conds !== null &&
    typeof conds === 'object' &&
    Object.values(conds).some((c) => isMapping(c) && (c.type === 'processing_item_applied' || applied(c)));
  return items.some(
    (it) =>
      isMapping(it) &&
      (applied(it.detection_item_conditions) ||
        applied(it.field_name_conditions) ||
        testsAppliedItems(it.items)),
  );
}

/**
 * A var as the values of a placeholder: a value or a list of values (strings or numbers), each a
 * Sigma string; anything else is the text of the error a placeholder naming it gets.
 */
function placeholderValues(name: string, v: unknown): SigmaString[] | string {
  const list = Array.isArray(v) ? v : [v];
  const texts = list.map((x) => (typeof x === 'boolean' ? undefined : scalarText(x)));
  if (texts.length === 0 || texts.some((t) => t === undefined))
    return `the variable '${name}' is ${describe(v)}, not a value or a list of values (only templates can read it)`;
  return (texts as string[]).map((t) => parseSigmaString(t));
}

/** Specs in priority order (stable), their items concatenated and their vars merged. */
export function compilePipelines(specs: readonly PipelineSpec[]): CompiledPipelines {
  let c = listCache.get(specs);
  if (c) return c;
  const ordered = specs.map((s, i) => ({ s, i })).sort((a, b) => a.s.priority - b.s.priority || a.i - b.i);
  const vars = new Map<string, SigmaString[] | string>();
  const items: CompiledItem[] = [];
  for (const { s } of ordered) {
    for (const [k, v] of Object.entries(s.vars)) vars.set(k, placeholderValues(k, v));
    items.push(...compiledItems(s));
  }
  const track = specs.some((s) => testsAppliedItems(s.transformations));
  c = { items, vars, track };
  listCache.set(specs, c);
  return c;
}
