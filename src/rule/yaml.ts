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
  readonly quoted?: boolean;
  /** Mapping: key name -> positions of the key and of its value. */
  readonly keys?: ReadonlyMap<string, { key: Position; value: PosNode }>;
  /** Sequence: positions of the items. */
  readonly items?: readonly PosNode[];
}

export interface YamlDocument {
  readonly value: unknown;
  readonly root: PosNode;
}

interface Frame {
  start: number;
  /** Closed children: node and value, alternating. */
  children: unknown[] | null;
}

/** A document's text, for positions worked out on demand. */
class Locator {
  private lineStarts: number[] | undefined;
  constructor(readonly text: string) {}

  /** js-yaml reports a node's start before separating white space and comments: skip them. */
  skip(offset: number): number {
    const text = this.text;
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
  }

  position(offset: number): Position {
    if (this.lineStarts === undefined) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const lineStarts = this.lineStarts;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  }
}

/**
 * A node's positions, worked out when first asked for: a rule's diagnostics and IR need the
 * positions of a few dozen of its nodes (the detection), the parse sees them all.
 */
class LazyPosNode implements PosNode {
  private p: Position | undefined;
  private k: ReadonlyMap<string, { key: Position; value: PosNode }> | undefined | null = null;
  private i: readonly PosNode[] | undefined | null = null;

  constructor(
    private readonly loc: Locator,
    private readonly start: number,
    private readonly result: unknown,
    private readonly children: unknown[] | null,
  ) {}

  get pos(): Position {
    return (this.p ??= this.loc.position(this.loc.skip(this.start)));
  }

  get quoted(): boolean | undefined {
    if (typeof this.result !== 'string') return undefined;
    const q = this.loc.text.charCodeAt(this.loc.skip(this.start));
    return q === 34 || q === 39 ? true : undefined;
  }

  get items(): readonly PosNode[] | undefined {
    if (this.i !== null) return this.i;
    const r = this.result;
    if (!Array.isArray(r)) return (this.i = undefined);
    const c = trimStray(this.children ?? [], r.length * 2);
    if (c.length !== r.length * 2) return (this.i = undefined);
    const items: PosNode[] = new Array(r.length);
    for (let j = 0; j < r.length; j++) items[j] = c[2 * j] as PosNode;
    return (this.i = items);
  }

  get keys(): ReadonlyMap<string, { key: Position; value: PosNode }> | undefined {
    if (this.k !== null) return this.k;
    const r = this.result;
    if (r === null || typeof r !== 'object' || Array.isArray(r) || r instanceof YamlNumber)
      return (this.k = undefined);
    const c = trimStray(this.children ?? [], Object.keys(r).length * 4);
    // Keys and values alternate, each as two entries (node, value).
    if (c.length !== Object.keys(r).length * 4) return (this.k = undefined);
    const keys = new Map<string, { key: Position; value: PosNode }>();
    for (let j = 0; j < c.length; j += 4)
      keys.set(String(c[j + 1]), { key: (c[j] as PosNode).pos, value: c[j + 2] as PosNode });
    return (this.k = keys);
  }
}

/**
 * A block collection that a `---` or `...` line ends gets one more child from js-yaml: an empty
 * node (value null) where it looked for another entry. Dropped, so entries and nodes line up.
 */
function trimStray(c: readonly unknown[], expected: number): readonly unknown[] {
  return c.length === expected + 2 && c[c.length - 1] === null ? c.slice(0, expected) : c;
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
  return parseStream(text, false)[0];
}

/**
 * Parses a YAML stream (documents separated by `---`) with positions, all relative to the whole
 * text. Empty documents are kept (their value is null). Throws YamlError on bad syntax.
 */
export function parseYamlDocuments(text: string): YamlDocument[] {
  return parseStream(text, true);
}

function parseStream(text: string, all: boolean): YamlDocument[] {
  const loc = new Locator(text);
  const stack: Frame[] = [{ start: 0, children: null }];
  let values: unknown[];
  const options = {
    schema: SIGMA_SCHEMA,
    listener(this: unknown, event: string, state: { position: number; result: unknown }) {
      if (event === 'open') {
        stack.push({ start: state.position, children: null });
        return;
      }
      const frame = stack.pop()!;
      const parent = stack[stack.length - 1];
      const c = frame.children;
      const result = state.result;
      // js-yaml nests a sequence entry in a second node with the same result: collapse it.
      if (c !== null && c.length === 2 && c[1] === result) (parent.children ??= []).push(c[0], result);
      else (parent.children ??= []).push(new LazyPosNode(loc, frame.start, result, c), result);
    },
  } as yaml.LoadOptions;
  try {
    values = all ? yaml.loadAll(text, null, options) : [yaml.load(text, options)];
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
  // One top-level node per document, in order (each document is composed once).
  const top = stack[0].children ?? [];
  const aligned = top.length === values.length * 2;
  return values.map((value, i) => {
    const last = all ? 2 * i : top.length - 2;
    const root: PosNode =
      (aligned || !all) && last >= 0 && last < top.length
        ? (top[last] as PosNode)
        : { pos: { line: 1, column: 1 } };
    return { value, root };
  });
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
