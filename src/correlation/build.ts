/**
 * The correlation builder: a correlation document and the rules it names (resolved by `name` or
 * `id` across every input of a run) become a `Correlation` (src/ir/correlation.ts) over the
 * referenced rules' IR after each rule's own pipelines. Group-by and condition fields are resolved
 * per referenced rule: the alias first (`aliases`), then the field mapping of that rule's pipelines.
 * Never throws for content: missing or ambiguous references, cycles and bad aliases are diagnostics.
 */
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { CorrelatedField, CorrelatedRule, Correlation } from '../ir/correlation.js';
import type { Node } from '../ir/types.js';
import { applyPipelines } from '../pipeline/index.js';
import type { PipelineSpec } from '../pipeline/types.js';
import { DiagnosticSink as Sink } from '../diagnostics.js';
import type { SigmaRule } from '../rule/types.js';
import type { CorrelationSpec } from './parse.js';

/** A document of the run that a correlation may name: a rule (with its IR) or another correlation. */
export interface Referable {
  readonly rule: SigmaRule;
  /** A plain rule's IR (before pipelines; filters already added); absent for a correlation. */
  readonly ir?: Node;
  readonly correlation?: CorrelationSpec;
}

/** Every document of a run by `name` and by `id` (a first pass over all inputs fills it). */
export class ReferenceIndex {
  private readonly byKey = new Map<string, Referable[]>();

  add(doc: Referable): void {
    const keys = new Set([doc.rule.name, doc.rule.id].filter((k): k is string => k !== undefined));
    for (const k of keys) {
      const list = this.byKey.get(k);
      if (list) {
        if (!list.includes(doc)) list.push(doc);
      } else this.byKey.set(k, [doc]);
    }
  }

  /** The documents a reference names (by name or id). */
  lookup(ref: string): readonly Referable[] {
    return this.byKey.get(ref) ?? [];
  }
}

/** What the builder needs of a target: its pipelines and the IR passes its backend wants. */
export interface BuildTarget {
  readonly pipelines: readonly PipelineSpec[];
  /** The backend's exact IR passes (src/lowering/passes.ts runPasses with its capabilities). */
  readonly passes: (ir: Node) => Node;
}

/** Where a referenced document's position is worth naming. */
function where(r: SigmaRule): string {
  return `${r.path}:${r.pos.line}`;
}

/** The field each pipeline maps `field` to for `rule` (the field itself when none maps it). */
function mapField(
  target: BuildTarget,
  rule: SigmaRule,
  field: string,
  sink: DiagnosticSink,
  pos: Position,
): string | undefined {
  if (target.pipelines.length === 0) return field;
  // The fields the pipelines turn an `exists` probe of `field` into. Pipelines also add conditions
  // of their own to every rule of a log source (the ECS entries add `event.category`): those come
  // out of a probe of a field no pipeline maps as well, and are not the field's mapping.
  const probed = (f: string): string[] => {
    const out = applyPipelines(
      target.pipelines,
      rule,
      { kind: 'exists', field: f, exists: true },
      new Sink(rule.path),
    );
    const fields: string[] = [];
    const walk = (n: Node): void => {
      if (n.kind === 'and' || n.kind === 'or') n.children.forEach(walk);
      else if (n.kind === 'not') walk(n.child);
      else if (n.kind === 'exists' && n.exists) fields.push(n.field);
    };
    walk(out.ir);
    return fields;
  };
  const added = new Set(probed('\u0000sigmantic-unmapped-probe'));
  const distinct = [...new Set(probed(field).filter((f) => !added.has(f) || f === field))];
  if (distinct.length === 1) return distinct[0];
  sink.error(
    'invalid-correlation',
    distinct.length === 0
      ? `field '${field}' of rule '${rule.title}' is dropped by the pipelines: it cannot group or count`
      : `field '${field}' of rule '${rule.title}' maps to several fields (${distinct.join(', ')}) in the pipelines: a correlation needs one`,
    pos,
  );
  return undefined;
}

/**
 * Builds the Correlation of a correlation document for one target. `stack` holds the documents
 * being built (a reference back into it is a cycle).
 */
export function buildCorrelation(
  doc: Referable & { readonly correlation: CorrelationSpec },
  index: ReferenceIndex,
  target: BuildTarget,
  sink: DiagnosticSink,
  stack: readonly Referable[] = [],
): Correlation | undefined {
  const spec = doc.correlation;
  const rules: (CorrelatedRule | Correlation)[] = [];
  let ok = true;
  for (const { ref, pos } of spec.refs) {
    const found = index.lookup(ref);
    if (found.length === 0) {
      sink.error(
        'missing-reference',
        `correlation rule '${ref}' is not defined by any input (by name or id)`,
        pos,
      );
      ok = false;
      continue;
    }
    if (found.length > 1) {
      sink.error(
        'ambiguous-reference',
        `correlation rule '${ref}' names several documents: ${found.map((f) => where(f.rule)).join(', ')}`,
        pos,
      );
      ok = false;
      continue;
    }
    const r = found[0];
    if (r === doc || stack.includes(r)) {
      sink.error(
        'reference-cycle',
        `correlation '${doc.rule.name ?? doc.rule.title}' refers back to itself through '${ref}'`,
        pos,
      );
      ok = false;
      continue;
    }
    if (r.correlation) {
      const inner = new Sink(doc.rule.path);
      const c = buildCorrelation(r as Referable & { correlation: CorrelationSpec }, index, target, inner, [
        ...stack,
        doc,
      ]);
      for (const d of inner.list)
        if (d.severity === 'error')
          sink.error(d.code as never, `in correlation '${ref}' (${where(r.rule)}): ${d.message}`, pos);
      if (!c) ok = false;
      else rules.push(c);
      continue;
    }
    if (r.rule.type !== 'rule' || r.ir === undefined) {
      sink.error(
        'invalid-correlation',
        r.rule.type === 'filter'
          ? `'${ref}' is a filter (${where(r.rule)}), not a rule a correlation can count`
          : `rule '${ref}' (${where(r.rule)}) did not load: see its own diagnostics`,
        pos,
      );
      ok = false;
      continue;
    }
    const inner = new Sink(r.rule.path);
    const outcome = applyPipelines(target.pipelines, r.rule, r.ir, inner);
    for (const d of inner.list)
      if (d.severity === 'error')
        sink.error(d.code as never, `referenced rule '${ref}' (${where(r.rule)}): ${d.message}`, pos);
    if (inner.hasErrors) {
      ok = false;
      continue;
    }
    rules.push({
      kind: 'rule',
      ref,
      rule: outcome.rule,
      ir: target.passes(outcome.ir),
      state: outcome.state,
    });
  }
  if (!ok) return undefined;

  const resolve = (name: string): CorrelatedField | undefined => {
    const perRule: string[] = [];
    const alias = spec.aliases[name];
    for (const r of rules) {
      const ref = r.kind === 'rule' ? r.ref : (r.rule.name ?? r.rule.id ?? '');
      const docRule = r.rule;
      const named = alias
        ? (alias[ref] ??
          (docRule.name !== undefined ? alias[docRule.name] : undefined) ??
          (docRule.id !== undefined ? alias[docRule.id] : undefined))
        : name;
      if (named === undefined) {
        sink.error('invalid-correlation', `alias '${name}' gives no field for rule '${ref}'`, spec.pos);
        return undefined;
      }
      // A nested correlation's output carries its group-by fields by their correlation names.
      const mapped = r.kind === 'rule' ? mapField(target, r.rule, named, sink, spec.pos) : named;
      if (mapped === undefined) return undefined;
      perRule.push(mapped);
    }
    return { name, perRule };
  };
  const groupBy: CorrelatedField[] = [];
  for (const g of spec.groupBy) {
    const f = resolve(g);
    if (!f) return undefined;
    groupBy.push(f);
  }
  let field: CorrelatedField | undefined;
  if (spec.field !== undefined) {
    field = resolve(spec.field);
    if (!field) return undefined;
  }
  const temporal = spec.type === 'temporal' || spec.type === 'temporal_ordered';
  // temporal without a condition: every referenced rule within the span (the specification's
  // "All events defined by the rules referred ... must occur in the time frame").
  const bounds =
    spec.bounds.length === 0 && temporal ? [{ op: 'gte' as const, value: rules.length }] : spec.bounds;
  return {
    kind: 'correlation',
    type: spec.type,
    rule: doc.rule,
    rules,
    groupBy,
    timespanSeconds: spec.timespanSeconds,
    condition: { field, percentile: spec.percentile, bounds },
    generate: spec.generate,
  };
}
