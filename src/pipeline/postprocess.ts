/**
 * pySigma's query post-processing (`postprocessing:`) and finalizers (`finalizers:`), the parts
 * of a pipeline that work on query text after the backend (pySigma sigma/processing/postprocessing.py
 * and finalization.py). Post-processing runs per query and keeps the query's label when it only
 * embeds the query (embed, simple_template, template, json); `replace` rewrites the query text, so
 * its label no longer vouches for it: a `query-rewritten` warning says so, an error under --strict.
 * Finalizers replace the output format of the run: they see every query of the target at once.
 */
import type nunjucks from 'nunjucks';
import yaml from 'js-yaml';
import type { DiagnosticSink } from '../diagnostics.js';
import type { SigmaRule } from '../rule/types.js';
import type { PosNode } from '../rule/yaml.js';
import { YamlNumber } from '../rule/yaml.js';
import { compileConditions, type RuleCond } from './conditions.js';
import type { RuleCtx } from './context.js';
import { pipelineError } from './errors.js';
import { describe, isMapping, Params } from './params.js';
import { compileRegex, pythonReplacement } from './regex.js';
import type { PipelineSpec } from './types.js';

/** What a post-processing item sees besides the query (pySigma: `rule`, `pipeline`). */
export interface PostContext {
  readonly rule: SigmaRule;
  readonly state: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
}

interface PostItem {
  readonly label: string;
  readonly matchRule: RuleCond | null;
  /** The item changes the query text itself (not only what surrounds it). */
  readonly rewrites: boolean;
  apply(query: string, ctx: PostContext): string;
}

type PostFactory = (
  p: Params,
  nest: (raw: unknown, key: string) => PostItem[],
) => Omit<PostItem, 'label' | 'matchRule'>;

const POST: Readonly<Record<string, PostFactory>> = {
  embed(p) {
    const prefix = p.text('prefix', true) ?? '';
    const suffix = p.text('suffix', true) ?? '';
    return { rewrites: false, apply: (q) => prefix + q + suffix };
  },
  simple_template(p) {
    const parts = parseFormatString(p.text('template')!, (m) => p.fail(m, 'template'));
    return { rewrites: false, apply: (q, ctx) => renderFormatString(parts, templateContext(q, ctx)) };
  },
  template(p) {
    const t = jinja(p);
    return { rewrites: false, apply: (q, ctx) => t.render({ ...templateContext(q, ctx) }) };
  },
  json(p) {
    const text = p.text('json_template')!;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      p.fail(`'json_template' is not JSON: ${(e as Error).message}`, 'json_template');
    }
    const fill = (v: unknown, q: string): unknown =>
      Array.isArray(v)
        ? v.map((x) => fill(x, q))
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, q)]))
          : v === '%QUERY%'
            ? q
            : v;
    return { rewrites: false, apply: (q) => pythonJson(fill(parsed, q), null) };
  },
  replace(p) {
    // Python re.sub replaces every match: the global flag.
    const re = compileRegex(p, 'pattern', false, undefined, 'g');
    const repl = pythonReplacement(p.text('replacement', true) ?? '');
    return { rewrites: true, apply: (q) => q.replace(re, repl) };
  },
  nest(p, nest) {
    const items = nest(p.raw('items'), 'items');
    return {
      rewrites: items.some((i) => i.rewrites),
      apply: (q, ctx) =>
        items.reduce((acc, i) => (i.matchRule && !i.matchRule(ruleCtx(ctx)) ? acc : i.apply(acc, ctx)), q),
    };
  },
};

/** The keys an item may have besides its type's parameters (pySigma QueryPostprocessingItem). */
const ITEM_KEYS = new Set([
  'id',
  'type',
  'rule_conditions',
  'rule_cond_op',
  'rule_cond_not',
  'rule_cond_expr',
]);

function compilePost(
  spec: { name: string; source: string },
  raw: unknown,
  pos: PosNode | undefined,
  prefix: string,
): PostItem[] {
  if (!Array.isArray(raw))
    throw pipelineError(
      { source: spec.source, pos: pos?.pos },
      `'postprocessing' must be a list, not ${describe(raw)}`,
    );
  return raw.map((obj, i) => {
    const ipos = pos?.items?.[i];
    const n = `${prefix}#${i + 1}`;
    if (!isMapping(obj))
      throw pipelineError(
        { source: spec.source, pos: ipos?.pos ?? pos?.pos, item: `postprocessing item ${n}` },
        `a post-processing item must be a mapping, not ${describe(obj)}`,
      );
    const id = typeof obj.id === 'string' && obj.id !== '' ? obj.id : undefined;
    const p = new Params(obj, ipos, {
      source: spec.source,
      pos: ipos?.pos ?? pos?.pos,
      item: `postprocessing item ${id !== undefined ? `'${id}'` : n}`,
    });
    const type = p.str('type');
    const make = Object.hasOwn(POST, type) ? POST[type] : undefined;
    if (!make)
      p.fail(`unknown post-processing type '${type}' (supported: ${Object.keys(POST).join(', ')})`, 'type');
    p.allowSet(ITEM_KEYS);
    const matchRule = compileConditions(p, 'rule');
    const made = make!(p, (nested, key) => {
      if (!Array.isArray(nested) || nested.length === 0)
        return p.fail(`'${key}' must be a non-empty list of post-processing items`, key);
      return compilePost(spec, nested, p.node(key), `${n} > `);
    });
    p.done(`post-processing '${type}'`);
    return { label: `${spec.name}/${id ?? `postprocessing ${n}`}`, matchRule, ...made };
  });
}

const postCache = new WeakMap<PipelineSpec, PostItem[]>();
function postItems(spec: PipelineSpec): PostItem[] {
  let items = postCache.get(spec);
  if (!items) {
    items = spec.postprocessing.length
      ? compilePost(spec, spec.postprocessing, spec.postprocessingPositions, '')
      : [];
    postCache.set(spec, items);
  }
  return items;
}

/** Checks a spec's post-processing items and finalizers when the pipeline is loaded (errors name file and line). */
export function checkPostprocessing(spec: PipelineSpec): void {
  postItems(spec);
  finalizerItems(spec);
}

/** Merged vars of the specs, later pipelines winning (as the value_placeholders see them). */
export function mergedVars(specs: readonly PipelineSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of ordered(specs)) for (const [k, v] of Object.entries(s.vars)) out[k] = plain(v);
  return out;
}

function ordered(specs: readonly PipelineSpec[]): PipelineSpec[] {
  return specs
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i)
    .map((x) => x.s);
}

/** Whether any pipeline of the run post-processes queries. */
export function hasPostprocessing(specs: readonly PipelineSpec[]): boolean {
  return specs.some((s) => s.postprocessing.length > 0);
}

/**
 * Applies the post-processing items of every pipeline (priority order) to each query of a rule.
 * Records each applied item in `applied`; a text rewrite (`replace`) gets a `query-rewritten`
 * warning. A template that fails is a `pipeline-error` on the rule (no query).
 */
export function postprocessQueries(
  specs: readonly PipelineSpec[],
  rule: SigmaRule,
  state: Readonly<Record<string, unknown>>,
  queries: readonly string[],
  sink: DiagnosticSink,
  applied: string[],
): string[] {
  const items = ordered(specs).flatMap(postItems);
  if (items.length === 0) return [...queries];
  const ctx: PostContext = { rule, state, vars: mergedVars(specs) };
  const rctx = ruleCtx(ctx);
  const used = items.filter((i) => !i.matchRule || i.matchRule(rctx));
  try {
    const out = queries.map((q) => used.reduce((acc, i) => i.apply(acc, ctx), q));
    for (const i of used) {
      applied.push(`${i.label}: post-processed the query${i.rewrites ? ' text (rewritten)' : ''}`);
      if (i.rewrites)
        sink.warning(
          'query-rewritten',
          `post-processing item ${i.label} rewrote the query text: the label covers the query before the rewrite`,
          rule.pos,
        );
    }
    return out;
  } catch (e) {
    sink.error('pipeline-error', `post-processing failed: ${(e as Error).message}`, rule.pos);
    return [];
  }
}

function ruleCtx(ctx: PostContext): RuleCtx {
  return {
    rule: ctx.rule,
    ir: null,
    state: { ...ctx.state },
    applied: [],
    sink: undefined as never,
    vars: new Map(),
    ruleApplied: new Set(),
    nodeApplied: new WeakMap(),
    fieldApplied: new Map(),
    mappedFields: new Set(),
    track: false,
    changed: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Finalizers

interface Finalizer {
  apply(
    queries: readonly unknown[],
    ctx: { state: Record<string, unknown>; vars: Record<string, unknown> },
  ): string;
}

type FinalizerFactory = (p: Params, nest: (raw: unknown, key: string) => Finalizer[]) => Finalizer;

const FINALIZERS: Readonly<Record<string, FinalizerFactory>> = {
  concat(p) {
    const separator = p.has('separator') ? (p.text('separator', true) ?? '') : '\n';
    const prefix = p.text('prefix', true) ?? '';
    const suffix = p.text('suffix', true) ?? '';
    return { apply: (qs) => prefix + qs.map(String).join(separator) + suffix };
  },
  json(p) {
    const indent = optionalInt(p, 'indent');
    return { apply: (qs) => pythonJson(qs, indent) };
  },
  yaml(p) {
    const indent = optionalInt(p, 'indent');
    return { apply: (qs) => yaml.dump(qs, { indent: indent ?? 2, lineWidth: -1, noRefs: true }) };
  },
  template(p) {
    const t = jinja(p);
    return { apply: (qs, ctx) => t.render({ queries: qs, pipeline: { state: ctx.state, vars: ctx.vars } }) };
  },
  nested(p, nest) {
    const list = nest(p.raw('finalizers'), 'finalizers');
    return {
      apply: (qs, ctx) => list.reduce<unknown[]>((acc, f) => [f.apply(acc, ctx)], [...qs])[0] as string,
    };
  },
};

function optionalInt(p: Params, key: string): number | null {
  const v = p.raw(key);
  if (v === undefined || v === null) return null;
  const n = v instanceof YamlNumber ? v.value : typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < 0) p.fail(`'${key}' must be a whole number, not ${describe(v)}`, key);
  return n;
}

function compileFinalizers(
  spec: { name: string; source: string },
  raw: unknown,
  pos: PosNode | undefined,
): Finalizer[] {
  if (!Array.isArray(raw))
    throw pipelineError(
      { source: spec.source, pos: pos?.pos },
      `'finalizers' must be a list, not ${describe(raw)}`,
    );
  return raw.map((obj, i) => {
    const ipos = pos?.items?.[i];
    if (!isMapping(obj))
      throw pipelineError(
        { source: spec.source, pos: ipos?.pos ?? pos?.pos, item: `finalizer #${i + 1}` },
        `a finalizer must be a mapping, not ${describe(obj)}`,
      );
    const p = new Params(obj, ipos, {
      source: spec.source,
      pos: ipos?.pos ?? pos?.pos,
      item: `finalizer #${i + 1}`,
    });
    const type = p.str('type');
    const make = Object.hasOwn(FINALIZERS, type) ? FINALIZERS[type] : undefined;
    if (!make)
      p.fail(`unknown finalizer type '${type}' (supported: ${Object.keys(FINALIZERS).join(', ')})`, 'type');
    const f = make!(p, (nested, key) => {
      if (!Array.isArray(nested) || nested.length === 0)
        return p.fail(`'${key}' must be a non-empty list of finalizers`, key);
      return compileFinalizers(spec, nested, p.node(key));
    });
    p.done(`finalizer '${type}'`);
    return f;
  });
}

const finalizerCache = new WeakMap<PipelineSpec, Finalizer[]>();
function finalizerItems(spec: PipelineSpec): Finalizer[] {
  let items = finalizerCache.get(spec);
  if (!items) {
    items = spec.finalizers.length ? compileFinalizers(spec, spec.finalizers, spec.finalizersPositions) : [];
    finalizerCache.set(spec, items);
  }
  return items;
}

/** Whether any pipeline of the run has finalizers (they replace the output format). */
export function hasFinalizers(specs: readonly PipelineSpec[]): boolean {
  return specs.some((s) => s.finalizers.length > 0);
}

/**
 * The run's output from every query of the target (in output order), through each pipeline's
 * finalizers in priority order; each finalizer gets the previous one's output as its one query,
 * as pySigma's pipeline chain does.
 */
export function finalize(specs: readonly PipelineSpec[], queries: readonly string[]): string {
  const list = ordered(specs).flatMap(finalizerItems);
  const ctx = { state: {}, vars: mergedVars(specs) };
  let out: unknown[] = [...queries];
  for (const f of list) out = [f.apply(out, ctx)];
  return String(out[0]);
}

// ---------------------------------------------------------------------------------------------
// Templates

/** Loaded on first use only: evaluating nunjucks costs about 100 ms, which no other run should pay. */
let engine: typeof nunjucks | undefined;
declare const require: ((id: string) => unknown) | undefined;

function nunjucksEngine(): typeof nunjucks {
  if (engine) return engine;
  // In a bundle (the CLI's, the page's) esbuild makes this a lazy require of the bundled module.
  if (typeof require === 'function') return (engine = require('nunjucks') as typeof nunjucks);
  // ES modules on Node (the library): Node 20.16+ gives createRequire without a static import.
  const builtin = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:module') as
    { createRequire(url: string): (id: string) => unknown } | undefined;
  if (builtin) return (engine = builtin.createRequire(import.meta.url)('nunjucks') as typeof nunjucks);
  throw new Error('Jinja templates need Node.js 20.16 or later when sigmantic is used as an ES module');
}

function jinja(p: Params): nunjucks.Template {
  const text = p.text('template')!;
  if (p.has('path') && p.raw('path') !== null)
    p.fail("'path' (a template file under a folder) is not supported: write the template inline", 'path');
  if (p.has('vars') && p.raw('vars') !== null)
    p.fail("'vars' runs Python code from a file: sigmantic runs no Python; not supported", 'vars');
  const autoescape = p.bool('autoescape', false);
  // Jinja2's defaults: no autoescaping, undefined renders empty (nunjucks follows Jinja2's syntax).
  try {
    const nj = nunjucksEngine();
    const env = new nj.Environment(null, { autoescape, throwOnUndefined: false });
    return new nj.Template(text, env, undefined, true);
  } catch (e) {
    return p.fail(`'template' is not a valid template: ${(e as Error).message}`, 'template');
  }
}

function templateContext(query: string, ctx: PostContext): Record<string, unknown> {
  return { query, rule: ruleView(ctx.rule), pipeline: { state: plain(ctx.state), vars: ctx.vars } };
}

/** The rule's attributes as a template sees them (pySigma's SigmaRule attribute names). */
function ruleView(rule: SigmaRule): Record<string, unknown> {
  return {
    ...(plain(rule.custom) as Record<string, unknown>),
    title: rule.title,
    id: rule.id ?? null,
    name: rule.name ?? null,
    status: rule.status ?? null,
    description: rule.description ?? null,
    license: rule.license ?? null,
    author: rule.author ?? null,
    references: rule.references,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    logsource: rule.logsource,
    fields: rule.fields,
    falsepositives: rule.falsepositives,
    level: rule.level ?? null,
    tags: rule.tags,
    source: rule.path,
  };
}

/** A YAML value with numbers as numbers. */
function plain(v: unknown): unknown {
  if (v instanceof YamlNumber) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// Python str.format: `{name.attr[key]}`, `{{` and `}}`; conversions and format specs are refused.
type FormatPart = string | { readonly path: readonly string[]; readonly text: string };

export function parseFormatString(t: string, fail: (m: string) => never): FormatPart[] {
  const parts: FormatPart[] = [];
  let lit = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '{' && t[i + 1] === '{') {
      lit += '{';
      i++;
    } else if (c === '}' && t[i + 1] === '}') {
      lit += '}';
      i++;
    } else if (c === '}') fail(`a single '}' at offset ${i} (write '}}' for a brace)`);
    else if (c === '{') {
      const end = t.indexOf('}', i);
      if (end < 0) fail(`'{' at offset ${i} is not closed`);
      const field = t.slice(i + 1, end);
      if (/[!:]/.test(field)) fail(`'{${field}}': conversions and format specifications are not supported`);
      const m = /^([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[[^\]]+\])*)$/.exec(field);
      if (!m) fail(`'{${field}}' is not a field reference (query, rule.<attribute>, pipeline.state[<key>])`);
      const path = [m![1], ...[...m![2].matchAll(/\.(\w+)|\[([^\]]+)\]/g)].map((x) => x[1] ?? x[2])];
      if (!['query', 'rule', 'pipeline'].includes(path[0]))
        fail(`'{${field}}': unknown name '${path[0]}' (query, rule, pipeline)`);
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ path, text: field });
      i = end;
    } else lit += c;
  }
  if (lit) parts.push(lit);
  return parts;
}

function renderFormatString(parts: readonly FormatPart[], ctx: Record<string, unknown>): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      let v: unknown = ctx;
      for (const k of p.path)
        v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      if (v === undefined) throw new Error(`simple_template: '{${p.text}}' has no value for this rule`);
      if (v === null) return 'None';
      if (typeof v === 'object') throw new Error(`simple_template: '{${p.text}}' is not a single value`);
      return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    })
    .join('');
}

/** Python's json.dumps (ensure_ascii, its separators): pySigma's output for the same data. */
export function pythonJson(v: unknown, indent: number | null, level = 0): string {
  const str = (s: string) =>
    JSON.stringify(s).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : JSON.stringify(v);
  const nl = indent === null ? '' : '\n' + ' '.repeat(indent * (level + 1));
  const close = indent === null ? '' : '\n' + ' '.repeat(indent * level);
  const sep = indent === null ? ', ' : ',';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + pythonJson(x, indent, level + 1)).join(sep)}${close}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, x]) => `${nl}${str(k)}: ${pythonJson(x, indent, level + 1)}`).join(sep)}${close}}`;
}
