/** Applying compiled pipelines to one rule's IR. */
import type { DiagnosticSink } from '../diagnostics.js';
import { simplify } from '../ir/simplify.js';
import type { Node } from '../ir/types.js';
import type { LogSource, SigmaRule, SigmaRule as Rule } from '../rule/types.js';
import { compilePipelines } from './compile.js';
import { RuleFailure, type RuleCtx } from './context.js';
import { runItem } from './transform-rule.js';
import { staticValue, UNSET, type PlanProbe } from './conditions.js';
import { STATE_EFFECTS, UNKNOWN_VALUE, type CompiledItem } from './item.js';
import type { PipelineOutcome, PipelineSpec } from './types.js';

// Shared empty trackers for runs without processing_item_applied conditions (never written).
const NO_NODES = new WeakMap<Node, ReadonlySet<string>>();
const NO_FIELDS = new Map<string, Set<string>>();

/**
 * Applies pipelines in priority order (stable for equal priorities). A pipeline problem with the
 * rule (rule_failure, an unresolved placeholder, ...) is a diagnostic; the rule keeps its IR.
 */
export function applyPipelines(
  specs: readonly PipelineSpec[],
  rule: SigmaRule,
  ir: Node,
  sink: DiagnosticSink,
): PipelineOutcome {
  if (specs.length === 0) return { rule, ir, state: {}, applied: [] };
  const { items, vars, track } = compilePipelines(specs);
  const ctx: RuleCtx = {
    rule,
    ir,
    state: {},
    applied: [],
    sink,
    vars,
    ruleApplied: new Set(),
    nodeApplied: track ? new WeakMap() : NO_NODES,
    fieldApplied: track ? new Map() : NO_FIELDS,
    mappedFields: new Set(),
    track,
    changed: false,
  };
  const plans = planCache(items);
  const ls = rule.logsource;
  const plan = plans(ls);
  let next = 0; // the first item index not yet decided
  for (const i of plan) {
    if (ctx.rule.logsource !== ls) break;
    if (!runOne(ctx, items[i], rule, sink)) return failed(ctx, ir);
    next = i + 1;
  }
  // A change_logsource item invalidated the plan: check every later item against the new logsource.
  if (ctx.rule.logsource !== ls)
    for (let j = next; j < items.length; j++) if (!runOne(ctx, items[j], rule, sink)) return failed(ctx, ir);
  if (ctx.ir === null) {
    sink.error(
      'pipeline-error',
      'the pipelines dropped every detection item: nothing is left to match',
      rule.pos,
    );
    return { rule: ctx.rule, ir, state: ctx.state, applied: ctx.applied };
  }
  return {
    rule: ctx.rule,
    ir: ctx.changed ? simplify(ctx.ir) : ctx.ir,
    state: ctx.state,
    applied: ctx.applied,
  };
}

function failed(ctx: RuleCtx, ir: Node): PipelineOutcome {
  return { rule: ctx.rule, ir, state: ctx.state, applied: ctx.applied };
}

/** Runs one item; false when it failed the rule (reported). */
function runOne(ctx: RuleCtx, item: CompiledItem, rule: Rule, sink: DiagnosticSink): boolean {
  try {
    runItem(ctx, item);
    return true;
  } catch (e) {
    if (!(e instanceof RuleFailure)) throw e;
    sink.error(e.code, `pipeline ${item.label}: ${e.message}`, e.pos ?? rule.pos);
    return false;
  }
}

const plansByItems = new WeakMap<readonly CompiledItem[], (ls: LogSource) => number[]>();

/**
 * Per logsource, the indexes of the items that may apply. Rule conditions that the logsource and
 * the state set by earlier items decide (logsource, processing_state and their combinations) are
 * decided once per distinct logsource: big built-in pipelines hold hundreds of logsource-specific
 * items, or items gated by a state key that an earlier logsource-gated set_state chose, and a
 * rule needs a handful. Every item the plan keeps still checks its conditions when it runs.
 */
function planCache(items: readonly CompiledItem[]): (ls: LogSource) => number[] {
  let f = plansByItems.get(items);
  if (f) return f;
  const cache = new Map<string, number[]>();
  f = (ls) => {
    const key = `${ls.product ?? ''}\0${ls.category ?? ''}\0${ls.service ?? ''}`;
    let plan = cache.get(key);
    if (plan) return plan;
    // Per state key, the values it may hold so far ('any': not known); runs start with no state.
    const possible = new Map<string, unknown[] | 'any'>();
    let anything = false; // after an item that may write any key
    const probe: PlanProbe = {
      ctx: { rule: { logsource: ls } } as unknown as RuleCtx,
      possible(k) {
        const vs = anything ? 'any' : (possible.get(k) ?? [UNSET]);
        return vs === 'any' ? undefined : vs;
      },
    };
    plan = [];
    for (let i = 0; i < items.length; i++) {
      const m = items[i].matchRule;
      const applies = m === null ? true : staticValue(m, probe);
      if (applies === false) continue;
      plan.push(i);
      const effect = STATE_EFFECTS.get(items[i].run);
      if (effect === undefined || anything) continue;
      if (effect === 'any') {
        anything = true;
        continue;
      }
      const before = possible.get(effect.key) ?? [UNSET];
      possible.set(
        effect.key,
        effect.val === UNKNOWN_VALUE || (before === 'any' && applies !== true)
          ? 'any'
          : applies === true
            ? [effect.val]
            : [...before, effect.val],
      );
    }
    cache.set(key, plan);
    return plan;
  };
  plansByItems.set(items, f);
  return f;
}
