/** Shared helpers of the core unit tests: build a rule from a detection written as YAML. */
import { loadRuleFromText } from '../../src/convert.js';
import type { Node, Part } from '../../src/ir/types.js';

export const HEAD = 'title: t\nlogsource: {product: windows}\ndetection:\n';
/** Line of the first detection line in a rule made by `rule()`. */
export const DET_LINE = 4;

/** A rule whose detection is `det` (already indented by two spaces per line). */
export function rule(det: string): string {
  return HEAD + det;
}

export interface Built {
  readonly ir: Node | undefined;
  readonly diags: string[];
  readonly codes: string[];
}

/** Loads and builds a rule text; diagnostics as `line:col severity code: message`. */
export function buildText(text: string): Built {
  const r = loadRuleFromText(text, 't.yml');
  return {
    ir: r.ir,
    diags: r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`),
    codes: r.diagnostics.map((d) => d.code),
  };
}

/** Builds one selection `sel` from its YAML mapping lines (indented by 4) with condition `sel`. */
export function buildSel(items: string, condition = 'sel'): Built {
  return buildText(rule(`  sel:\n${items.replace(/^/gm, '    ')}\n  condition: ${condition}\n`));
}

/** The IR without origins, for compact expectations. */
export function strip(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strip);
  if (n && typeof n === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (k !== 'origin') out[k] = strip(v);
    return out;
  }
  return n;
}

export const t = (text: string): Part => ({ kind: 'text', text });
export const any: Part = { kind: 'any' };
export const one: Part = { kind: 'one' };
export const ph = (name: string): Part => ({ kind: 'placeholder', name });

/** A string match node (no origin). */
export function str(field: string | null, op: string, values: Part[][], cased = false): unknown {
  return { kind: 'string', field, op, values, cased };
}
