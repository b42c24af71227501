/**
 * One way for every backend to approximate and to refuse, so that the direction rule holds by
 * construction: an approximation widens a leaf that is not negated and narrows a leaf under
 * `not`, so the query as a whole may match more events than the rule, never fewer. Each report
 * is a diagnostic with a stable `reason` (declared by the backend) and the changed part's
 * `direction`; `--strict` turns it into an error in convert.ts, `--report` shows both fields.
 */
import type { Direction, DiagnosticSink } from '../diagnostics.js';
import { placeOf } from '../ir/origin.js';
import type { Match, RulePlace } from '../ir/types.js';
import { FALSE, TRUE, type Tree } from './tree.js';

/** The two sound replacements of a leaf: one that matches at least its events, one at most. */
export interface Bounds<L> {
  /** Matches every event the leaf matches (and maybe more). */
  readonly wider: Tree<L>;
  /** Matches only events the leaf matches (maybe fewer). */
  readonly narrower: Tree<L>;
}

/** Where a report points: a match (its place in the rule file, if any) or a position. */
type At = Match | RulePlace | undefined;

function originOf(at: At): RulePlace | undefined {
  if (at === undefined) return undefined;
  return 'kind' in at ? placeOf(at) : at;
}

/**
 * A backend's reporter for one rule. Identical reports (same code, reason, message and
 * position) are given once: one rule may lower the same match several times.
 */
export class Lowering<Reason extends string = string> {
  private readonly seen = new Set<string>();
  private approximated = false;

  constructor(readonly sink: DiagnosticSink) {}

  /** Whether an approximation was reported for this rule. */
  get approximate(): boolean {
    return this.approximated;
  }

  /**
   * Replaces a leaf by the bound its polarity allows: `wider` when it is not negated, `narrower`
   * under `not` (so the whole query widens), and reports it. `message` says what changed, in
   * the rule's terms; the direction travels as the diagnostic's `direction`.
   */
  bound<L>(at: At, negated: boolean, reason: Reason, message: string, bounds: Bounds<L>): Tree<L> {
    this.report(at, reason, message, negated ? 'narrower' : 'wider');
    return negated ? bounds.narrower : bounds.wider;
  }

  /**
   * Replaces a leaf that has no usable form by the constant its polarity allows: true (every
   * event) when it is not negated, false under `not`.
   */
  drop<L>(at: At, negated: boolean, reason: Reason, message: string): Tree<L> {
    return this.bound<L>(at, negated, reason, message, { wider: TRUE, narrower: FALSE });
  }

  /**
   * Reports an approximation the backend made itself (a leaf whose replacement it built), with
   * the direction of the changed part. Use `bound` or `drop` where they fit.
   */
  report(at: At, reason: Reason, message: string, direction: Direction): void {
    this.approximated = true;
    this.once('warning', 'approximation', at, reason, message, direction);
  }

  /**
   * Reports a construct the target cannot express: an error, the rule gets no query. `reason`
   * is optional (a stable code for tools); the message says what and why.
   */
  unsupported(at: At, message: string, reason?: Reason): void {
    this.once('error', 'unsupported-construct', at, reason, message, undefined);
  }

  /** Whether an error was reported for this rule (by this reporter or before it). */
  get failed(): boolean {
    return this.sink.hasErrors;
  }

  private once(
    severity: 'warning' | 'error',
    code: 'approximation' | 'unsupported-construct',
    at: At,
    reason: Reason | undefined,
    message: string,
    direction: Direction | undefined,
  ): void {
    const pos = originOf(at);
    const key = `${code}\0${reason ?? ''}\0${message}\0${pos?.line}\0${pos?.column}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const detail =
      reason === undefined && direction === undefined
        ? undefined
        : direction === undefined
          ? { reason }
          : { reason, direction };
    this.sink.report(severity, code, message, pos, detail);
  }
}
