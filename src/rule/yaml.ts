/**
 * YAML reading for Sigma rules: js-yaml with a schema that reads scalars the way the Sigma
 * ecosystem (PyYAML) does when in doubt (as strings), keeps the source text of numbers, and
 * records the source position of every mapping key, value and sequence item.
 */
import yaml from 'js-yaml';
import type { Position } from '../diagnostics.js';

/** A number as written in the rule: `value` for comparisons, `text` for matching as text. */
export class YamlNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

const nullType = new yaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL',
  construct: () => null,
});
const boolType = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(s),
  construct: (s: string) => s === 'true' || s === 'True' || s === 'TRUE',
});
// Only plain decimal numbers are numbers; `00000429`, `0x1F`, `1_000` stay text, as PyYAML reads
// the first (not valid octal) and as a Sigma author means the others when in doubt.
const NUMBER = /^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
const numberType = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => NUMBER.test(s),
  construct: (s: string) => new YamlNumber(Number(s), s),
  instanceOf: YamlNumber,
});

export const SIGMA_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, numberType] });

/** Where a node of the document starts, and where its children start. */
export interface PosNode {
  readonly pos: Position;
  /** A scalar written in quotes (its text starts one column later). */
  quoted?: boolean;
  /** Mapping: key name -> positions of the key and of its value. */
  keys?: Map<string, { key: Position; value: PosNode }>;
  /** Sequence: positions of the items. */
  items?: PosNode[];
}

export interface YamlDocument {
  readonly value: unknown;
  readonly root: PosNode;
}

interface Frame {
  start: number;
  children: Array<{ node: PosNode; result: unknown }>;
}

export class YamlError extends Error {
  constructor(
    message: string,
    readonly pos: Position,
  ) {
    super(message);
  }
}

/** Parses one YAML document with positions. Throws YamlError on bad syntax or several documents. */
export function parseYaml(text: string): YamlDocument {
  // Line starts, to turn offsets into line/column.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const toPos = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  // js-yaml reports a node's start before separating white space and comments: skip them.
  const skip = (offset: number): number => {
    let i = offset;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 35 /* # */) {
        const nl = text.indexOf('\n', i);
        if (nl === -1) return i;
        i = nl + 1;
      } else return i;
    }
  };

  const stack: Frame[] = [{ start: 0, children: [] }];
  let value: unknown;
  try {
    value = yaml.load(text, {
      schema: SIGMA_SCHEMA,
      listener(this: unknown, event: string, state: { position: number; result: unknown }) {
        if (event === 'open') {
          stack.push({ start: state.position, children: [] });
          return;
        }
        const frame = stack.pop()!;
        const result = state.result;
        // js-yaml nests a sequence entry in a second node with the same result: collapse it.
        if (frame.children.length === 1 && frame.children[0].result === result) {
          stack[stack.length - 1].children.push(frame.children[0]);
          return;
        }
        const start = skip(frame.start);
        const node: PosNode = { pos: toPos(start) };
        if (typeof result === 'string') {
          const q = text.charCodeAt(start);
          if (q === 34 || q === 39) node.quoted = true;
        }
        if (Array.isArray(result)) {
          if (frame.children.length === result.length) node.items = frame.children.map((c) => c.node);
        } else if (result !== null && typeof result === 'object' && !(result instanceof YamlNumber)) {
          const keys = Object.keys(result);
          if (frame.children.length === keys.length * 2) {
            node.keys = new Map();
            for (let i = 0; i < frame.children.length; i += 2) {
              node.keys.set(String(frame.children[i].result), {
                key: frame.children[i].node.pos,
                value: frame.children[i + 1].node,
              });
            }
          }
        }
        stack[stack.length - 1].children.push({ node, result });
      },
    } as yaml.LoadOptions);
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const mark = (e as yaml.YAMLException & { mark?: { line: number; column: number } }).mark;
      const reason = (e as yaml.YAMLException & { reason?: string }).reason ?? e.message;
      throw new YamlError(
        reason,
        mark ? { line: mark.line + 1, column: mark.column + 1 } : { line: 1, column: 1 },
      );
    }
    throw e;
  }
  const top = stack[0].children;
  const root = top.length > 0 ? top[top.length - 1].node : { pos: { line: 1, column: 1 } };
  return { value, root };
}

/** Splits a multi-document stream at `---` lines (for the legacy-format diagnostic). */
export function countDocuments(text: string): number {
  return (text.match(/^---\s*$/gm) ?? []).length;
}

/**
 * Size of the tree with aliases expanded, stopping once `limit` is passed. js-yaml shares the
 * object of an anchor between its aliases, so a tiny "billion laughs" file is cheap to parse
 * but explodes when walked: this counts each shared object once per reference, memoised.
 */
export function expandedSize(value: unknown, limit: number): number {
  const memo = new Map<object, number>();
  const depthLimit = 64;
  const size = (v: unknown, depth: number): number => {
    if (v === null || typeof v !== 'object' || v instanceof YamlNumber) return 1;
    if (depth > depthLimit) return Infinity;
    const known = memo.get(v);
    if (known !== undefined) return known;
    let n = 1;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      n += size(c, depth + 1);
      if (n > limit) break;
    }
    memo.set(v, n);
    return n;
  };
  return size(value, 0);
}

/** Whether a tree (without aliases) nests deeper than `limit`. */
export function tooDeep(value: unknown, limit: number, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || value instanceof YamlNumber) return false;
  if (depth > limit) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const c of children) if (tooDeep(c, limit, depth + 1)) return true;
  return false;
}
