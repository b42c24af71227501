/**
 * Test helper: parse Kibana Query Language (KQL) with Kibana's own grammar.
 *
 * Backed by the npm package `@cybernetex/kbn-es-query` 1.0.2, a republished copy of
 * Kibana 7.x's `kbn-es-query` (a CommonJS module; its `kuery.peg` grammar is the 7.x one).
 * We import named exports only: Node's ESM loader detects them on the CJS module, and the
 * same import also works when a transform turns ESM into CJS.
 *
 * What this 7.x grammar does (probed; evidence in backends/elastic-kql/NOTES.md):
 * - No nested-field syntax: `a: { b: c }` is a syntax error (added in Kibana 7.6+ grammars).
 * - Escapes in unquoted values: `\\ \( \) \: \< \> \" \*`, the keywords `\and` `\or` `\not`
 *   (any case), and `\t` `\r` `\n` (turned into TAB/CR/LF). Any other backslash sequence is a
 *   syntax error, including `\{`, `\}` and `\ ` (escaped space) and a trailing backslash.
 *   Unescaped `{` and `}` are ordinary characters in this grammar.
 * - Quoted values: only `\"` and `\\` escape (plus `\t` `\r` `\n`, which become TAB/CR/LF!);
 *   any other backslash stays a literal backslash: `"a\*b"` is the 4 characters a \ * b.
 *   Quoted values are phrases, never wildcards.
 * - Unquoted values may contain spaces: `f: a b` is ONE value "a b"; `f: *a b*` is ONE wildcard
 *   value. Surrounding whitespace is trimmed. A word `and`/`or` between spaces splits values.
 * - Unquoted values that look like numbers become JS numbers (Number()): `0x42` -> 66,
 *   `00042` -> 42, `1e3` -> 1000; `true`/`false`/`null` become booleans/null. Quote them to
 *   keep the text.
 * - Field names are parsed like values: quote them (`"a b": x`) or escape specials (`a\:b: x`).
 *   `-`, `.`, `@`, `/` need no escaping.
 * - `kqlToDsl` without an index pattern gives: phrase -> match_phrase, plain -> match,
 *   wildcard -> query_string (whitespace NOT escaped: Kibana issue #23001), `f: *` -> exists.
 */
import { fromKueryExpression, toElasticsearchQuery } from '@cybernetex/kbn-es-query';

/** The marker the 7.x grammar puts where an unescaped `*` stood in a wildcard value. */
export const WILDCARD_SYMBOL = '@kuery-wildcard@';

export type ParseResult = { ok: true; ast: unknown } | { ok: false; error: string };

/** Parse a KQL query; never throws. */
export function parseKql(query: string): ParseResult {
  try {
    const ast: unknown = fromKueryExpression(query);
    return { ok: true, ast };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: message };
  }
}

/** A field mapping for kqlToDsl (subset of a Kibana index-pattern field). */
export interface KqlIndexField {
  name: string;
  type: string;
  scripted?: boolean;
}

/**
 * Convert KQL to Elasticsearch query DSL the way Kibana 7.x does. Throws on a syntax error.
 * Without `fields`, field names pass through unchanged (no index pattern); with `fields`,
 * Kibana's index-pattern behaviour applies (wildcard field names expand, date fields become
 * ranges).
 */
export function kqlToDsl(query: string, fields?: KqlIndexField[]): unknown {
  const ast: unknown = fromKueryExpression(query);
  const indexPattern = fields
    ? { title: 'test-*', fields: fields.map((f) => ({ scripted: false, ...f })) }
    : undefined;
  return toElasticsearchQuery(ast, indexPattern);
}

/** One (field, value) leaf of a KQL query, as the grammar read it. */
export interface KqlLeaf {
  /** Field name as parsed (escapes removed); null for a field-less term. Wildcards in a
   * field name are shown as `*`. */
  field: string | null;
  /** Value text as parsed: escapes removed; in a wildcard value each wildcard is `*` (use
   * `segments` to tell a wildcard from a literal `*`). Numbers/booleans/null from unquoted
   * values are rendered with String(). For a range, the bound. */
  value: string;
  /** True when the value holds at least one unescaped `*`. */
  wildcard: boolean;
  /** Literal text between wildcards (length = number of wildcards + 1); [value] otherwise. */
  segments: string[];
  /** True for a quoted value (match_phrase). */
  phrase: boolean;
  /** The typed value the grammar produced (number for `42`, boolean for `true`, ...). */
  raw: unknown;
  /** `is` for `field: value`, or the range operator. */
  op: 'is' | 'lt' | 'lte' | 'gt' | 'gte';
  /** True when the leaf sits under an odd number of `not`. */
  negated: boolean;
}

/** A node of the 7.x grammar's AST. */
export interface KueryNode {
  type: string;
  function?: string;
  arguments?: KueryNode[];
  value?: unknown;
  name?: string;
}

function isNode(x: unknown): x is KueryNode {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}

function leafText(node: KueryNode): { text: string; wildcard: boolean; segments: string[]; raw: unknown } {
  if (node.type === 'wildcard') {
    const v = String(node.value);
    const segments = v.split(WILDCARD_SYMBOL);
    return { text: segments.join('*'), wildcard: true, segments, raw: v };
  }
  const raw = node.value;
  const text = typeof raw === 'string' ? raw : String(raw);
  return { text, wildcard: false, segments: [text], raw };
}

/**
 * Walk the AST of `query` and return every (field, value) leaf in source order.
 * Throws if the query does not parse.
 */
export function kqlFieldValues(query: string): KqlLeaf[] {
  const ast: unknown = fromKueryExpression(query);
  const out: KqlLeaf[] = [];
  const walk = (n: unknown, negated: boolean): void => {
    if (!isNode(n) || n.type !== 'function') return;
    const args = n.arguments ?? [];
    switch (n.function) {
      case 'and':
      case 'or':
        for (const a of args) walk(a, negated);
        return;
      case 'not':
        for (const a of args) walk(a, !negated);
        return;
      case 'is': {
        const [fieldNode, valueNode, phraseNode] = args;
        if (!fieldNode || !valueNode) return;
        const f = leafText(fieldNode);
        const v = leafText(valueNode);
        out.push({
          field: fieldNode.type === 'literal' && fieldNode.value === null ? null : f.text,
          value: v.text,
          wildcard: v.wildcard,
          segments: v.segments,
          phrase: phraseNode?.value === true,
          raw: v.raw,
          op: 'is',
          negated,
        });
        return;
      }
      case 'range': {
        const [fieldNode, namedArg] = args;
        if (!fieldNode || !namedArg || !isNode(namedArg.value)) return;
        const f = leafText(fieldNode);
        const v = leafText(namedArg.value);
        out.push({
          field: f.text,
          value: v.text,
          wildcard: false,
          segments: [v.text],
          phrase: false,
          raw: v.raw,
          op: (namedArg.name ?? 'gte') as KqlLeaf['op'],
          negated,
        });
        return;
      }
      default:
        return;
    }
  };
  walk(ast, false);
  return out;
}

/**
 * The emitted queries target Kibana 7.6+/8.x, whose grammar requires `\{` `\}` in unquoted
 * values; the 7.x grammar of the test parser rejects those escapes and reads bare braces as
 * literals. So for parsing, `\{` `\}` outside quotes become `{` `}` (same meaning in 7.x).
 */
export function for7x(q: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '\\') {
      const n = q[i + 1] ?? '';
      out += !quoted && (n === '{' || n === '}') ? n : c + n;
      i++;
    } else {
      if (c === '"') quoted = !quoted;
      out += c;
    }
  }
  return out;
}
