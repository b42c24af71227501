/** A compiled processing item, and the helpers detection-item transformations share. */
import type { Match } from '../ir/types.js';
import type { PosNode } from '../rule/yaml.js';
import type { FieldCond, ItemCond, RuleCond } from './conditions.js';
import { mapMatches, markDerived, type Rewrite, type RuleCtx } from './context.js';
import type { Params } from './params.js';

export interface CompiledItem {
  /** The item's `id`, if it has one (for processing_item_applied). */
  readonly id: string | undefined;
  /** `pipeline-name/id` (or `pipeline-name/#n`), the prefix of its `applied` lines. */
  readonly label: string;
  readonly type: string;
  readonly matchRule: RuleCond | null;
  readonly matchItem: ItemCond | null;
  readonly matchField: FieldCond | null;
  readonly run: Transform;
}

export type Transform = (ctx: RuleCtx, item: CompiledItem) => void;

/** A value of the state that is not known before the rule runs. */
export const UNKNOWN_VALUE = Symbol('unknown state value');

/**
 * How a transformation writes the per-rule state (`ctx.state`), for pipeline plans that decide
 * processing_state conditions ahead of the run: one key with a fixed value, one key with a value
 * that depends on the rule, or any key ('any', for nested items). A transformation that writes
 * the state must register here; the others leave it alone.
 */
export const STATE_EFFECTS = new WeakMap<
  Transform,
  { readonly key: string; readonly val: unknown } | 'any'
>();

export interface CompileEnv {
  /** Compiles nested items (for `nest`). */
  compileItems(raw: unknown, pos: PosNode | undefined, at: Params, key: string): CompiledItem[];
}

export type TransformFactory = (p: Params, env: CompileEnv) => Transform;

/** The field name conditions hold for a name (true without conditions). */
export function fieldOk(item: CompiledItem, field: string | null, ctx: RuleCtx): boolean {
  return item.matchField === null || item.matchField(field, ctx);
}

/** The detection item and field name conditions hold for a match (pySigma's match_detection_item). */
export function itemOk(item: CompiledItem, m: Match, ctx: RuleCtx): boolean {
  if (item.matchItem !== null && !item.matchItem(m, ctx)) return false;
  if (item.matchField === null) return true;
  return item.matchField(m.field, ctx) || (m.kind === 'fieldref' && item.matchField(m.other, ctx));
}

/**
 * Rewrites the matches the item's conditions select; records the change in ctx. `reshapes`:
 * the rewrite may add and/or nodes or drop matches (the IR is simplified at the end).
 */
export function rewriteItems(
  ctx: RuleCtx,
  item: CompiledItem,
  fn: (m: Match, negated: boolean) => Rewrite,
  reshapes = true,
): void {
  if (!ctx.ir) return;
  const r = mapMatches(ctx.ir, (m, negated) => {
    if (!itemOk(item, m, ctx)) return undefined;
    const out = fn(m, negated);
    if (out) markDerived(ctx, m, out, item.id);
    return out;
  });
  if (r === undefined) return;
  if (reshapes || r === null) ctx.changed = true;
  ctx.ir = r;
}
