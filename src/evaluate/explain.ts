/**
 * Explanations: why a rule matched an event or not, per selection (true/false) and per IR node
 * (with the event's value of the field), in a form a rule author can act on.
 */
import { assertNever, DiagnosticSink } from '../diagnostics.js';
import { buildRule } from '../ir/build.js';
import { networkText } from '../ir/cidr.js';
import { toSigmaText } from '../ir/sigma-string.js';
import type { Node } from '../ir/types.js';
import { placeOf } from '../ir/origin.js';
import type { SigmaRule } from '../rule/types.js';
import {
  compileRule,
  prepareEvent,
  type CompiledNode,
  type CompiledRule,
  type CompileOptions,
  type EventInput,
} from './compile.js';
import type { Json } from './events.js';

export interface ExplainNode {
  readonly kind: Node['kind'];
  readonly result: boolean;
  /** The node in Sigma-like notation, e.g. `Image|endswith: '\cmd.exe'`. */
  readonly text: string;
  readonly selection?: string;
  readonly line?: number;
  readonly column?: number;
  /** The event's value of the node's field (JSON text), or null when the field is missing. */
  readonly eventValue?: string | null;
  readonly children: readonly ExplainNode[];
}

export interface SelectionResult {
  readonly name: string;
  readonly matched: boolean;
}

export interface Explanation {
  readonly matched: boolean;
  /** Each detection identifier evaluated on its own (needs the rule; empty without it). */
  readonly selections: readonly SelectionResult[];
  readonly tree: ExplainNode;
}

const MAX_VALUES = 4;
const MAX_TEXT = 120;

function clip(s: string): string {
  return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT - 3) + '...' : s;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, MAX_VALUES).map((s) => clip(s));
  const more = items.length > MAX_VALUES ? `, ... (${items.length - MAX_VALUES} more)` : '';
  return items.length === 1 ? shown[0] : `[${shown.join(', ')}${more}]`;
}

/** A match node in Sigma-like notation. */
export function describeNode(node: Node): string {
  const f = (field: string | null) => field ?? '<keyword>';
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.kind;
    case 'not':
      return 'not';
    case 'string': {
      const mods = (node.op === 'eq' ? '' : `|${node.op}`) + (node.cased ? '|cased' : '');
      return `${f(node.field)}${mods}: ${list(node.values.map((v) => quote(toSigmaText(v))))}`;
    }
    case 'regex': {
      const flags = (['i', 'm', 's'] as const).filter((k) => node.flags[k]).map((k) => `|${k}`);
      return `${f(node.field)}|re${flags.join('')}: ${quote(node.pattern)}`;
    }
    case 'cidr':
      return `${node.field}|cidr: ${list(node.networks.map(networkText))}`;
    case 'number':
      return `${f(node.field)}: ${list(node.values.map((v) => v.text))}`;
    case 'boolean':
      return `${node.field}: ${node.value}`;
    case 'compare':
      return `${node.field}|${node.op}: ${node.value.text}`;
    case 'exists':
      return `${node.field}|exists: ${node.exists}`;
    case 'null':
      return `${node.field}: null`;
    case 'fieldref':
      return `${node.field}|fieldref${node.op === 'eq' ? '' : `|${node.op}`}${node.cased ? '|cased' : ''}: ${node.other}`;
    case 'time':
      return `${node.field}|${node.unit}: ${list(node.values.map((v) => v.text))}`;
    default:
      return assertNever(node);
  }
}

function fieldOf(node: Node): string | null | undefined {
  return 'field' in node ? node.field : undefined;
}

function show(v: Json | undefined): string | null {
  if (v === undefined) return null;
  return clip(JSON.stringify(v));
}

function walk(c: CompiledNode, e: ReturnType<typeof prepareEvent>): ExplainNode {
  const node = c.node;
  const field = fieldOf(node);
  const place = placeOf(node);
  return {
    kind: node.kind,
    result: c.test(e),
    text: describeNode(node),
    selection: place?.selection,
    line: place?.line,
    column: place?.column,
    eventValue: typeof field === 'string' ? show(e.get(field)) : undefined,
    children: c.children.map((x) => walk(x, e)),
  };
}

/** The detection identifiers of a rule, each built on its own (for per-selection results). */
function selectionRules(
  rule: SigmaRule,
  options: CompileOptions,
): Array<{ name: string; test: CompiledRule }> {
  const out: Array<{ name: string; test: CompiledRule }> = [];
  for (const name of Object.keys(rule.detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const ir = buildRule(
      { ...rule, detection: { ...rule.detection, condition: name } },
      new DiagnosticSink(),
    );
    if (ir) out.push({ name, test: compileRule(ir, options) });
  }
  return out;
}

/** A reusable explainer for one rule (the selections are compiled once). */
export function explainer(
  rule: CompiledRule | Node,
  sigmaRule?: SigmaRule,
  options: CompileOptions = {},
): (event: EventInput) => Explanation {
  const compiled = typeof rule === 'function' ? rule : compileRule(rule, options);
  const selections = sigmaRule ? selectionRules(sigmaRule, options) : [];
  return (event) => {
    const e = prepareEvent(event);
    const tree = walk(compiled.root, e);
    return {
      matched: tree.result,
      selections: selections.map((s) => ({ name: s.name, matched: s.test(e) })),
      tree,
    };
  };
}

/** Explains one rule on one event. Give the rule document for per-selection results. */
export function explain(
  rule: CompiledRule | Node,
  event: EventInput,
  sigmaRule?: SigmaRule,
  options?: CompileOptions,
): Explanation {
  return explainer(rule, sigmaRule, options)(event);
}

/** An explanation as indented text lines. */
export function renderExplanation(x: Explanation, indent = ''): string[] {
  const lines: string[] = [];
  const mark = (b: boolean) => (b ? '✓' : '✗');
  if (x.selections.length) {
    lines.push(`${indent}selections: ${x.selections.map((s) => `${s.name}=${s.matched}`).join(', ')}`);
  }
  const rec = (n: ExplainNode, depth: number) => {
    const where =
      n.line !== undefined && n.kind !== 'and' && n.kind !== 'or' && n.kind !== 'not'
        ? ` (${n.selection ?? '?'}, line ${n.line})`
        : '';
    const value =
      n.eventValue === undefined
        ? ''
        : n.eventValue === null
          ? ' — field missing'
          : ` — event has ${n.eventValue}`;
    lines.push(`${indent}${'  '.repeat(depth)}${mark(n.result)} ${n.text}${where}${value}`);
    for (const c of n.children) rec(c, depth + 1);
  };
  rec(x.tree, 0);
  return lines;
}
