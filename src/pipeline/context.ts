/**
 * The per-rule state of a pipeline run and the tree helpers transformations share. Nodes are
 * never changed: a transformation builds new nodes and shares the unchanged subtrees.
 */
import { assertNever, type DiagnosticSink, type Position } from '../diagnostics.js';
import type { Match, Node, SigmaString } from '../ir/types.js';
import type { SigmaRule } from '../rule/types.js';
import { isMatch } from '../ir/kinds.js';
import { placeOf } from '../ir/origin.js';

export interface RuleCtx {
  rule: SigmaRule;
  /** The current IR; null once every detection item was dropped. */
  ir: Node | null;
  readonly state: Record<string, unknown>;
  readonly applied: string[];
  readonly sink: DiagnosticSink;
  /**
   * Pipeline variables (merged over all pipelines, later ones win), parsed as Sigma strings; a
   * var that is not a value or list of values holds the text of the error its placeholder gets.
   */
  readonly vars: ReadonlyMap<string, readonly SigmaString[] | string>;
  /** Ids of items whose rule conditions matched (`processing_item_applied` on rules). */
  readonly ruleApplied: Set<string>;
  /** Ids of items applied to a match node (`processing_item_applied` on detection items). */
  readonly nodeApplied: WeakMap<Node, ReadonlySet<string>>;
  /** Field name -> ids of the items that produced it (`processing_item_applied` on field names). */
  readonly fieldApplied: Map<string, Set<string>>;
  /** Field names produced by a field mapping (`strict_field_mapping_failure`). */
  readonly mappedFields: Set<string>;
  /** Some item tests processing_item_applied, so applied items are tracked per node and field. */
  readonly track: boolean;
  /** The IR's shape changed (simplify at the end). */
  changed: boolean;
}

/** Stops the pipelines for one rule with a `pipeline-error` diagnostic. */
export class RuleFailure extends Error {
  constructor(
    message: string,
    readonly pos?: Position,
    readonly code: 'pipeline-error' | 'unresolved-placeholder' = 'pipeline-error',
  ) {
    // A diagnostic, never a crash: no stack trace to capture (capturing them showed in profiles
    // of the elastic pipeline, which fails hundreds of corpus rules).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** Result of a rewrite: undefined = unchanged, null = dropped, else the new node. */
export type Rewrite = Node | null | undefined;

/**
 * Rebuilds the tree, calling `fn` on every match with its polarity (under an odd number of
 * `not`s). Dropped children are removed from their and/or; an emptied and/or or not is dropped.
 */
export function mapMatches(
  node: Node,
  fn: (m: Match, negated: boolean) => Rewrite,
  negated = false,
): Rewrite {
  if (isMatch(node)) return fn(node, negated);
  switch (node.kind) {
    case 'and':
    case 'or': {
      let out: Node[] | undefined;
      for (let i = 0; i < node.children.length; i++) {
        const c = node.children[i];
        const r = mapMatches(c, fn, negated);
        if (r === undefined) {
          out?.push(c);
          continue;
        }
        if (!out) out = node.children.slice(0, i);
        if (r !== null) out.push(r);
      }
      if (!out) return undefined;
      return out.length === 0 ? null : { ...node, children: out };
    }
    case 'not': {
      const r = mapMatches(node.child, fn, !negated);
      return r === undefined || r === null ? r : { ...node, child: r };
    }
    default:
      return assertNever(node);
  }
}

/** Calls `fn` on every match. */
export function forEachMatch(node: Node | null, fn: (m: Match) => void): void {
  if (!node) return;
  if (node.kind === 'and' || node.kind === 'or') for (const c of node.children) forEachMatch(c, fn);
  else if (node.kind === 'not') forEachMatch(node.child, fn);
  else fn(node);
}

/** True if `fn` holds for some match. */
export function someMatch(node: Node | null, fn: (m: Match) => boolean): boolean {
  if (!node) return false;
  if (node.kind === 'and' || node.kind === 'or') return node.children.some((c) => someMatch(c, fn));
  if (node.kind === 'not') return someMatch(node.child, fn);
  return fn(node);
}

/** `(selection 'x', line 12)` for a match, or '' when it has no origin. */
export function where(m: Match): string {
  const o = placeOf(m);
  if (!o) return '';
  return o.selection !== undefined ? ` (selection '${o.selection}', line ${o.line})` : ` (line ${o.line})`;
}

export function posOf(m: Match): Position | undefined {
  const o = placeOf(m);
  return o ? { line: o.line, column: o.column } : undefined;
}

/** Records that item `id` produced `repl` from `old` (for processing_item_applied). */
export function markDerived(ctx: RuleCtx, old: Match, repl: Node, id: string | undefined): void {
  if (!ctx.track) return;
  const prev = ctx.nodeApplied.get(old);
  if (id === undefined && !prev) return;
  let next = prev;
  if (id !== undefined) {
    const s = new Set(prev);
    s.add(id);
    next = s;
  }
  forEachMatch(repl, (m) => ctx.nodeApplied.set(m, next!));
}

export function fieldOf(m: Match): string | null {
  return m.field;
}

export function or(children: Node[]): Node {
  return children.length === 1 ? children[0] : { kind: 'or', children };
}
