/** Applying compiled pipelines to one rule's IR. */
import type { DiagnosticSink } from '../diagnostics.js';
import { simplify } from '../ir/simplify.js';
import type { Node } from '../ir/types.js';
import type { SigmaRule } from '../rule/types.js';
import { compilePipelines } from './compile.js';
import { RuleFailure, type RuleCtx } from './context.js';
import { runItem } from './transform-rule.js';
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
  for (const item of items) {
    try {
      runItem(ctx, item);
    } catch (e) {
      if (!(e instanceof RuleFailure)) throw e;
      sink.error(e.code, `pipeline ${item.label}: ${e.message}`, e.pos ?? rule.pos);
      return { rule: ctx.rule, ir, state: ctx.state, applied: ctx.applied };
    }
  }
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
