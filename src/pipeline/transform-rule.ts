/** Rule-level transformations: conditions, log source, state, failures, dropping, nesting. */
import { DiagnosticSink } from '../diagnostics.js';
import { buildRule } from '../ir/build.js';
import type { Node, PipelineAdded } from '../ir/types.js';
import type { LogSource, SigmaRule } from '../rule/types.js';
import { YamlNumber } from '../rule/yaml.js';
import { forEachMatch, posOf, RuleFailure, where, type RuleCtx } from './context.js';
import {
  itemOk,
  rewriteItems,
  STATE_EFFECTS,
  type CompiledItem,
  type Transform,
  type TransformFactory,
} from './item.js';
import { describe, isMapping, scalarText } from './params.js';

/** A plain copy of a parameter value (YamlNumber -> number). */
function plain(v: unknown): unknown {
  if (v instanceof YamlNumber) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Numbers as the rule loader reads them, so add_condition values follow the core's value rules. */
function asRuleValue(v: unknown): unknown {
  if (typeof v === 'number') return new YamlNumber(v, String(v));
  if (Array.isArray(v)) return v.map(asRuleValue);
  return v;
}

/**
 * The nodes of a pipeline's condition, each marked as added by the item (in place of the places
 * the condition's own stand-in rule gave them, which are not in the rule file).
 */
function markAdded(n: Node, origin: PipelineAdded): Node {
  if (n.kind === 'and' || n.kind === 'or')
    return { ...n, children: n.children.map((c) => markAdded(c, origin)), origin };
  if (n.kind === 'not') return { ...n, child: markAdded(n.child, origin), origin };
  return { ...n, origin };
}

const TEMPLATE = /\$(?:\{(category|product|service)\}|(category|product|service)\b)/g;

/**
 * Builds the IR of a detection mapping with the core's rules (its nodes carry places in a stand-in
 * rule: mark them with `markAdded`); throws with the core's messages.
 */
function buildDetection(conditions: Record<string, unknown>, name: string, rule: SigmaRule): Node {
  const sink = new DiagnosticSink();
  const fake: SigmaRule = {
    ...rule,
    detection: { [name]: conditions, condition: name },
    positions: { pos: rule.pos },
  };
  const ir = buildRule(fake, sink);
  if (!ir) throw new Error(sink.list.map((d) => d.message).join('; ') || 'the conditions build nothing');
  return ir;
}

const DUMMY: SigmaRule = {
  path: '',
  type: 'rule',
  title: '',
  related: [],
  references: [],
  logsource: {},
  detection: {},
  fields: [],
  falsepositives: [],
  tags: [],
  scope: [],
  custom: {},
  positions: { pos: { line: 1, column: 1 } },
  pos: { line: 1, column: 1 },
};

function showConditions(c: Record<string, unknown>): string {
  return Object.entries(c)
    .map(
      ([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map((x) => scalarText(x)).join(', ')}]` : scalarText(v)}`,
    )
    .join(' ');
}

export const RULE_TRANSFORMATIONS: Record<string, TransformFactory> = {
  add_condition(p) {
    const raw = p.raw('conditions');
    if (!isMapping(raw) || Object.keys(raw).length === 0)
      return p.fail(
        `'conditions' must be a non-empty mapping of fields to values, not ${describe(raw)}`,
        'conditions',
      );
    const conditions = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, asRuleValue(v)]));
    const name = p.str('name', true) ?? '_pipeline_condition';
    const template = p.bool('template', false);
    const negated = p.bool('negated', false);
    let fixed: Node | undefined;
    try {
      // Checked once here; built once unless it is a template.
      const checked = buildDetection(
        template ? substitute(conditions, DUMMY.logsource, true) : conditions,
        name,
        DUMMY,
      );
      if (!template) fixed = checked;
    } catch (e) {
      return p.fail(`'conditions': ${(e as Error).message}`, 'conditions');
    }
    // The condition as added (marked, negated if asked), built once per item (and log source for a
    // template). The item is the same on every call of this transform.
    const cache = new Map<string, Node>();
    let added: Node | undefined;
    const mark = (cond: Node, label: string): Node => {
      const origin: PipelineAdded = { addedBy: label };
      const c = markAdded(cond, origin);
      return negated ? { kind: 'not', child: c, origin } : c;
    };
    return (ctx, item) => {
      if (!ctx.ir) return;
      let c = fixed && (added ??= mark(fixed, item.label));
      if (!c) {
        const ls = ctx.rule.logsource;
        const key = `${ls.category}\0${ls.product}\0${ls.service}`;
        c = cache.get(key);
        if (!c) {
          try {
            c = mark(buildDetection(substitute(conditions, ls, false), name, ctx.rule), item.label);
          } catch (e) {
            throw new RuleFailure(`add_condition: ${(e as Error).message}`);
          }
          cache.set(key, c);
        }
      }
      ctx.ir = { kind: 'and', children: [c, ctx.ir] };
      ctx.changed = true;
      ctx.applied.push(`${item.label}: add condition ${negated ? 'not ' : ''}${showConditions(conditions)}`);
    };
  },
  change_logsource(p) {
    const ls: { -readonly [K in keyof LogSource]: string } = {};
    for (const k of ['category', 'product', 'service'] as const) {
      const v = p.str(k, true);
      if (v !== undefined) ls[k] = v;
    }
    const text = Object.entries(ls)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return (ctx, item) => {
      ctx.rule = { ...ctx.rule, logsource: ls };
      ctx.applied.push(`${item.label}: logsource -> ${text || '(empty)'}`);
    };
  },
  set_state(p) {
    const key = p.str('key');
    const val = plain(p.raw('val'));
    if (val === undefined) return p.fail("'val' is required", 'val');
    // A scalar's JSON text once, not per rule (lists and mappings: per rule, as they are shared).
    const shown = val === null || typeof val !== 'object' ? JSON.stringify(val) : undefined;
    const run: Transform = (ctx, item) => {
      ctx.state[key] = val;
      ctx.applied.push(`${item.label}: state ${key} = ${shown ?? JSON.stringify(val)}`);
    };
    STATE_EFFECTS.set(run, { key, val });
    return run;
  },
  set_custom_attribute(p) {
    const attribute = p.str('attribute');
    const value = plain(p.raw('value'));
    return (ctx, item) => {
      ctx.rule = { ...ctx.rule, custom: { ...ctx.rule.custom, [attribute]: value } };
      ctx.applied.push(`${item.label}: custom attribute ${attribute} = ${JSON.stringify(value)}`);
    };
  },
  rule_failure(p) {
    const message = p.text('message')!;
    return (ctx) => {
      throw new RuleFailure(message, ctx.rule.pos);
    };
  },
  detection_item_failure(p) {
    const message = p.text('message')!;
    return (ctx, item) =>
      forEachMatch(ctx.ir, (m) => {
        if (itemOk(item, m, ctx)) throw new RuleFailure(`${message}${where(m)}`, posOf(m));
      });
  },
  strict_field_mapping_failure() {
    return (ctx) => {
      const unmapped: string[] = [];
      let first: ReturnType<typeof posOf>;
      const check = (f: string | null, m: Parameters<typeof posOf>[0]) => {
        if (f === null || ctx.mappedFields.has(f) || unmapped.includes(f)) return;
        unmapped.push(f);
        first ??= posOf(m);
      };
      forEachMatch(ctx.ir, (m) => {
        check(m.field, m);
        if (m.kind === 'fieldref') check(m.other, m);
      });
      if (unmapped.length)
        throw new RuleFailure(`the following fields are not mapped: ${unmapped.join(', ')}`, first);
    };
  },
  drop_detection_item() {
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        ctx.applied.push(`${item.label}: dropped ${m.field ?? 'keyword'} match${where(m)}`);
        return null;
      });
  },
  nest(p, env) {
    const items: CompiledItem[] = env.compileItems(p.raw('items'), p.node('items'), p, 'items');
    const run: Transform = (ctx) => {
      for (const it of items) runItem(ctx, it);
    };
    STATE_EFFECTS.set(run, 'any');
    return run;
  },
};

/** Runs one item on a rule if its rule conditions hold. */
export function runItem(ctx: RuleCtx, item: CompiledItem): void {
  if (item.matchRule !== null && !item.matchRule(ctx)) return;
  if (item.id !== undefined) ctx.ruleApplied.add(item.id);
  item.run(ctx, item);
}

function substitute(
  conditions: Record<string, unknown>,
  ls: LogSource,
  check: boolean,
): Record<string, unknown> {
  const sub = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sub);
    if (typeof v !== 'string') return v;
    return v.replace(TEMPLATE, (_m, a: string | undefined, b: string | undefined) => {
      const k = (a ?? b) as keyof LogSource;
      const val = ls[k];
      if (val === undefined && !check)
        throw new Error(`the template needs $${k} but the rule's logsource has no ${k}`);
      return val ?? k;
    });
  };
  return Object.fromEntries(Object.entries(conditions).map(([k, v]) => [k, sub(v)]));
}
