/**
 * Processing conditions (pySigma's rule, detection item and field name conditions), compiled
 * once into predicates, and their linking (`*_cond_op`, `*_cond_not`, `*_cond_expr`).
 */
import type { Match, SigmaString } from '../ir/types.js';
import { hasWildcards, parseSigmaString, sameString, toSigmaText, withOp } from '../ir/sigma-string.js';
import { RULE_KEYS } from '../rule/load.js';
import type { PosNode } from '../rule/yaml.js';
import { RuleFailure, someMatch, type RuleCtx } from './context.js';
import { pipelineError } from './errors.js';
import { compileExpr, exprNames, parseExpr, type Expr } from './expr.js';
import { describe, isMapping, Params, scalar, scalarText, type Scalar } from './params.js';
import { compileRegex } from './regex.js';

export type RuleCond = (ctx: RuleCtx) => boolean;
export type ItemCond = (m: Match, ctx: RuleCtx) => boolean;
export type FieldCond = (field: string | null, ctx: RuleCtx) => boolean;

/** A value of a match as pySigma sees it (strings with the op's wildcards folded in). */
type Val =
  | { readonly t: 'string'; readonly s: SigmaString }
  | { readonly t: 'number'; readonly n: number }
  | { readonly t: 'boolean'; readonly b: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'other' };

export function valuesOf(m: Match): Val[] {
  switch (m.kind) {
    case 'string':
      return m.values.map((s) => ({ t: 'string', s: withOp(s, m.op) }));
    case 'number':
      return m.values.map((n) => ({ t: 'number', n: n.value }));
    case 'boolean':
      return [{ t: 'boolean', b: m.value }];
    case 'null':
      return [{ t: 'null' }];
    default:
      return [{ t: 'other' }];
  }
}

/** Equality of a match value with a pipeline scalar (pySigma's `value == self.value`). */
export function valueEquals(v: Val, x: Scalar): boolean {
  if (typeof x === 'string') return v.t === 'string' && sameString(v.s, parseSigmaString(x));
  if (typeof x === 'number') return v.t === 'number' && v.n === x;
  if (typeof x === 'boolean') return v.t === 'boolean' && v.b === x;
  return v.t === 'null';
}

function valueCond(p: Params, test: (v: Val) => boolean): ItemCond {
  const mode = p.oneOf('cond', ['any', 'all'], 'any');
  return mode === 'any' ? (m) => valuesOf(m).some(test) : (m) => valuesOf(m).every(test);
}

function condScalar(p: Params, key: string): Scalar {
  const v = p.raw(key);
  const s = scalar(v);
  if (s === undefined || s === null)
    return p.fail(`'${key}' must be a string, number or boolean, not ${describe(v)}`, key);
  return s;
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const STATUSES = ['unsupported', 'deprecated', 'experimental', 'test', 'stable'];
const OPS = ['eq', 'ne', 'gte', 'gt', 'lte', 'lt'] as const;
type Op = (typeof OPS)[number];

function compare<T extends string | number | boolean>(a: T, b: T, op: Op): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gte':
      return a >= b;
    case 'gt':
      return a > b;
    case 'lte':
      return a <= b;
    case 'lt':
      return a < b;
  }
}

/**
 * The attributes `rule_attribute` reads from the rule itself (any other name is a custom
 * attribute): every top-level key of a document but the rule's structure and the sections of the
 * other document types.
 */
const NOT_ATTRIBUTES = new Set(['related', 'logsource', 'detection', 'correlation', 'filter', 'generate']);
const RULE_ATTRIBUTES = new Set([...RULE_KEYS].filter((k) => !NOT_ATTRIBUTES.has(k)));

function ruleAttribute(p: Params): RuleCond {
  const attribute = p.str('attribute');
  const value = condScalar(p, 'value');
  const op = p.oneOf('op', [...OPS, 'in', 'not_in'], 'eq');
  const text = String(value);
  const fail = (msg: string): never => {
    throw new RuleFailure(`rule_attribute '${attribute}': ${msg}`);
  };
  return (ctx) => {
    const rule = ctx.rule as unknown as Record<string, unknown>;
    const v: unknown = RULE_ATTRIBUTES.has(attribute) ? rule[attribute] : ctx.rule.custom[attribute];
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) {
      const list = v.map((x) => scalarText(x));
      if (op === 'in') return list.includes(text);
      if (op === 'not_in') return !list.includes(text);
      return op === 'ne';
    }
    if (op === 'in' || op === 'not_in') return fail(`'${op}' needs a list attribute`);
    const order = attribute === 'level' ? LEVELS : attribute === 'status' ? STATUSES : undefined;
    if (order) {
      const a = order.indexOf(String(v).toLowerCase());
      const b = order.indexOf(text.toLowerCase());
      if (b < 0) return fail(`'${text}' is not a ${attribute}`);
      return a >= 0 && compare(a, b, op);
    }
    if (attribute === 'date' || attribute === 'modified') {
      const norm = (s: string) => s.replace(/\//g, '-');
      return compare(norm(String(v)), norm(text), op);
    }
    const n = scalar(v);
    if (typeof n === 'number') {
      const b = Number(value);
      if (Number.isNaN(b)) return fail(`'${text}' is not a number`);
      return compare(n, b, op);
    }
    if (typeof v === 'string') {
      if (op === 'eq') return v === text;
      if (op === 'ne') return v !== text;
      return fail(`'${op}' does not apply to a string attribute`);
    }
    return fail(`the attribute is ${describe(v)}, which cannot be compared`);
  };
}

function stateCond(p: Params): (ctx: RuleCtx) => boolean {
  const key = p.str('key');
  const val = condScalar(p, 'val');
  const op = p.oneOf('op', OPS, 'eq');
  const pred = (ctx: RuleCtx): boolean => {
    if (!(key in ctx.state)) return false;
    const s = scalar(ctx.state[key]);
    if (s === undefined || s === null || typeof s !== typeof val) return op === 'ne';
    return compare(s, val as typeof s, op);
  };
  // The test of one possible value, once per value (plans are made per logsource and target).
  const byValue = new Map<unknown, boolean>();
  const test = (v: unknown): boolean => {
    let r = byValue.get(v);
    if (r === undefined) {
      r = pred({ state: v === UNSET ? {} : { [key]: v } } as RuleCtx);
      byValue.set(v, r);
    }
    return r;
  };
  STATIC.set(pred, (pr) => {
    const vs = pr.possible(key);
    if (vs === undefined) return undefined;
    let result: boolean | undefined;
    for (const v of vs) {
      const r = test(v);
      if (result !== undefined && r !== result) return undefined;
      result = r;
    }
    return result;
  });
  return pred;
}

/** The state key is not set (a possible "value" of a key at plan time). */
export const UNSET = Symbol('unset');

/**
 * What a pipeline plan knows before a rule runs: its logsource (`ctx.rule.logsource`) and, per
 * state key, the values it may hold at that point (UNSET among them when it may be unset), or
 * undefined when it may hold anything.
 */
export interface PlanProbe {
  readonly ctx: RuleCtx;
  possible(key: string): readonly unknown[] | undefined;
}

/**
 * Three-valued evaluation of a rule condition at plan time: true or false when the logsource and
 * the known state decide it, undefined otherwise. Conditions without an entry are undecided.
 */
const STATIC = new WeakMap<object, (probe: PlanProbe) => boolean | undefined>();

export function staticValue(pred: object, probe: PlanProbe): boolean | undefined {
  const s = STATIC.get(pred);
  return s === undefined ? undefined : s(probe);
}

/** Three-valued and/or of parts: `stop` (false for and, true for or) decides it. */
function staticLink(parts: readonly object[], stop: boolean, probe: PlanProbe): boolean | undefined {
  let open = false;
  for (const p of parts) {
    const v = staticValue(p, probe);
    if (v === stop) return stop;
    if (v === undefined) open = true;
  }
  return open ? undefined : !stop;
}

function staticNot(v: boolean | undefined): boolean | undefined {
  return v === undefined ? undefined : !v;
}

function staticExpr(e: Expr, named: ReadonlyMap<string, object>, probe: PlanProbe): boolean | undefined {
  switch (e.kind) {
    case 'id':
      return staticValue(named.get(e.name)!, probe);
    case 'not':
      return staticNot(staticExpr(e.child, named, probe));
    case 'and': {
      const l = staticExpr(e.left, named, probe);
      if (l === false) return false;
      const r = staticExpr(e.right, named, probe);
      return r === false ? false : l === true && r === true ? true : undefined;
    }
    case 'or': {
      const l = staticExpr(e.left, named, probe);
      if (l === true) return true;
      const r = staticExpr(e.right, named, probe);
      return r === true ? true : l === false && r === false ? false : undefined;
    }
  }
}

const RULE_CONDITIONS: Record<string, (p: Params) => RuleCond> = {
  logsource(p) {
    const want = {
      category: p.str('category', true),
      product: p.str('product', true),
      service: p.str('service', true),
    };
    const pred: RuleCond = (ctx) => {
      const ls = ctx.rule.logsource;
      return (
        (want.category === undefined || ls.category === want.category) &&
        (want.product === undefined || ls.product === want.product) &&
        (want.service === undefined || ls.service === want.service)
      );
    };
    STATIC.set(pred, (pr) => pred(pr.ctx));
    return pred;
  },
  contains_detection_item(p) {
    const field = p.str('field');
    const value = condScalar(p, 'value');
    return (ctx) =>
      someMatch(ctx.ir, (m) => m.field === field && valuesOf(m).some((v) => valueEquals(v, value)));
  },
  contains_field(p) {
    const field = p.str('field');
    return (ctx) => someMatch(ctx.ir, (m) => m.field === field);
  },
  processing_item_applied(p) {
    const id = p.str('processing_item_id');
    return (ctx) => ctx.ruleApplied.has(id);
  },
  processing_state: stateCond,
  is_sigma_rule: () => () => true,
  is_sigma_correlation_rule: () => () => false,
  rule_attribute: ruleAttribute,
  tag(p) {
    const tag = p.str('tag').toLowerCase();
    return (ctx) => ctx.rule.tags.some((t) => t.toLowerCase() === tag);
  },
};

const ITEM_CONDITIONS: Record<string, (p: Params) => ItemCond> = {
  match_string(p) {
    const re = compileRegex(p, 'pattern', true);
    const negate = p.bool('negate', false);
    return valueCond(p, (v) => (v.t === 'string' && re.test(toSigmaText(v.s))) !== negate);
  },
  match_value(p) {
    const value = condScalar(p, 'value');
    return valueCond(p, (v) => valueEquals(v, value));
  },
  contains_wildcard(p) {
    return valueCond(p, (v) => v.t === 'string' && hasWildcards(v.s));
  },
  is_null(p) {
    return valueCond(p, (v) => v.t === 'null');
  },
  processing_item_applied(p) {
    const id = p.str('processing_item_id');
    return (m, ctx) => ctx.nodeApplied.get(m)?.has(id) ?? false;
  },
  processing_state(p) {
    const c = stateCond(p);
    return (_m, ctx) => c(ctx);
  },
};

function fieldList(p: Params, negate: boolean): FieldCond {
  const fields = p.strList('fields')!;
  const mode = p.oneOf('mode', ['plain', 're'], 'plain');
  if (mode === 'plain') {
    const set = new Set(fields);
    return (f) => (f !== null && set.has(f)) !== negate;
  }
  const res = fields.map((f) => compileRegex(p, 'fields', true, f));
  return (f) => (f !== null && res.some((r) => r.test(f))) !== negate;
}

const FIELD_CONDITIONS: Record<string, (p: Params) => FieldCond> = {
  include_fields: (p) => fieldList(p, false),
  exclude_fields: (p) => fieldList(p, true),
  processing_item_applied(p) {
    const id = p.str('processing_item_id');
    return (f, ctx) => f !== null && (ctx.fieldApplied.get(f)?.has(id) ?? false);
  },
  processing_state(p) {
    const c = stateCond(p);
    return (_f, ctx) => c(ctx);
  },
};

export type ConditionKind = 'rule' | 'detection_item' | 'field_name';

const TABLES = { rule: RULE_CONDITIONS, detection_item: ITEM_CONDITIONS, field_name: FIELD_CONDITIONS };

/** The condition type names, for docs and messages. */
export const CONDITION_TYPES: Readonly<Record<ConditionKind, readonly string[]>> = {
  rule: Object.keys(RULE_CONDITIONS),
  detection_item: Object.keys(ITEM_CONDITIONS),
  field_name: Object.keys(FIELD_CONDITIONS),
};

type Pred<K extends ConditionKind> = K extends 'rule'
  ? RuleCond
  : K extends 'detection_item'
    ? ItemCond
    : FieldCond;

/**
 * Compiles the `<kind>_conditions` of an item with their linking, or null when there are none
 * (always true).
 */
export function compileConditions<K extends ConditionKind>(item: Params, kind: K): Pred<K> | null {
  const key = `${kind}_conditions`;
  const opKey = kind === 'rule' ? 'rule_cond_op' : `${kind}_cond_op`;
  const notKey = `${kind}_cond_not`;
  const exprKey = `${kind}_cond_expr`;
  const raw = item.raw(key);
  const exprText = item.str(exprKey, true);
  const negate = item.bool(notKey, false);
  const opGiven = item.has(opKey);
  // `any`/`all` are read as `or`/`and`: pySigma maps only and/or and silently takes any other
  // word for `and`, which no author of `any` means (docs/pipelines.md).
  const opWord = item.oneOf(opKey, ['and', 'or', 'all', 'any'], 'and');
  const op = opWord === 'any' ? 'or' : opWord === 'all' ? 'and' : opWord;
  if (raw === undefined || raw === null) {
    if (exprText !== undefined)
      item.fail(`'${exprKey}' needs '${key}' as a mapping of names to conditions`, exprKey);
    return null;
  }
  if (typeof raw !== 'object') return compileList(item, kind, raw, exprText, negate, opGiven, op);
  // Items built from objects (the built-in pipelines) share condition lists: compiled once.
  const memoKey = `${kind}|${exprText ?? ''}|${negate}|${opGiven}|${op}`;
  let memo = compiledConditions.get(raw);
  if (!memo) compiledConditions.set(raw, (memo = new Map()));
  if (memo.has(memoKey)) return memo.get(memoKey) as Pred<K> | null;
  const compiled = compileList(item, kind, raw, exprText, negate, opGiven, op);
  memo.set(memoKey, compiled);
  return compiled;
}

/** Compiled conditions by their raw list or mapping, and the linking settings. */
const compiledConditions = new WeakMap<object, Map<string, unknown>>();

function compileList<K extends ConditionKind>(
  item: Params,
  kind: K,
  raw: unknown,
  exprText: string | undefined,
  negate: boolean,
  opGiven: boolean,
  op: 'and' | 'or',
): Pred<K> | null {
  const key = `${kind}_conditions`;
  const opKey = kind === 'rule' ? 'rule_cond_op' : `${kind}_cond_op`;
  const exprKey = `${kind}_cond_expr`;
  const table = TABLES[kind] as Record<string, (p: Params) => Pred<K>>;
  const node = item.node(key);
  const one = (def: unknown, ref: string, pos: PosNode | undefined): Pred<K> => {
    const where = { ...item.where, pos: pos?.pos ?? item.posOf(key) };
    if (!isMapping(def))
      throw pipelineError(where, `${kind} condition ${ref} must be a mapping, not ${describe(def)}`);
    const p = new Params(def, pos, { ...item.where, pos: where.pos });
    const type = p.str('type', true);
    if (type === undefined) throw pipelineError(where, `${kind} condition ${ref} has no 'type'`);
    const make = table[type];
    if (!make)
      throw pipelineError(
        where,
        `unknown ${kind} condition type '${type}' in condition ${ref} (known: ${Object.keys(table).join(', ')})`,
      );
    const pred = make(p);
    p.done(`${kind} condition '${type}'`);
    return pred;
  };
  let preds: Array<Pred<K>>;
  let combined: Pred<K>;
  if (Array.isArray(raw)) {
    if (exprText !== undefined)
      item.fail(`'${exprKey}' needs '${key}' as a mapping of names to conditions, not a list`, key);
    preds = raw.map((d, i) => one(d, String(i + 1), node?.items?.[i]));
    if (preds.length === 0) return null;
    combined = link(preds, op) as Pred<K>;
  } else if (isMapping(raw)) {
    const named = new Map<string, Pred<K>>();
    for (const [name, d] of Object.entries(raw))
      named.set(name, one(d, `'${name}'`, node?.keys?.get(name)?.value));
    if (exprText !== undefined) {
      if (opGiven) item.fail(`'${exprKey}' and '${opKey}' cannot be combined`, opKey);
      let expr;
      try {
        expr = parseExpr(exprText);
      } catch (e) {
        return item.fail(`'${exprKey}': ${(e as Error).message}`, exprKey);
      }
      const names = exprNames(expr);
      for (const n of names)
        if (!named.has(n)) item.fail(`'${exprKey}' names '${n}', which is not in '${key}'`, exprKey);
      const unused = [...named.keys()].filter((n) => !names.has(n));
      if (unused.length) item.fail(`'${exprKey}' does not use the conditions ${unused.join(', ')}`, exprKey);
      const e = expr;
      combined = compileExpr(e, named as unknown as Map<string, (...a: unknown[]) => boolean>) as Pred<K>;
      // An expression that is one name is that condition itself (already decided on its own).
      if (e.kind !== 'id') STATIC.set(combined, (pr) => staticExpr(e, named, pr));
    } else {
      preds = [...named.values()];
      if (preds.length === 0) return null;
      combined = link(preds, op) as Pred<K>;
    }
  } else return item.fail(`'${key}' must be a list or a mapping of conditions, not ${describe(raw)}`, key);
  if (!negate) return combined;
  const c = combined as (...a: unknown[]) => boolean;
  const negated = (...a: unknown[]) => !c(...a);
  STATIC.set(negated, (pr) => staticNot(staticValue(c, pr)));
  return negated as unknown as Pred<K>;
}

function link(preds: Array<(...a: never[]) => boolean>, op: 'and' | 'or'): (...a: unknown[]) => boolean {
  const ps = preds as unknown as Array<(...a: unknown[]) => boolean>;
  if (ps.length === 1) return ps[0];
  const f =
    op === 'and'
      ? (...a: unknown[]) => ps.every((p) => p(...a))
      : (...a: unknown[]) => ps.some((p) => p(...a));
  const stop = op !== 'and';
  STATIC.set(f, (pr) => staticLink(ps, stop, pr));
  return f;
}
