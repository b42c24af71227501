/**
 * Builds the semantic IR of a rule: selections with their modifiers and values, combined by the
 * condition. Problems become diagnostics with the rule's positions; nothing throws.
 */
import { nameGlob, type NameGlob } from '../condition/glob.js';
import type { DiagnosticSink, Position } from '../diagnostics.js';
import { assertNever } from '../diagnostics.js';
import type { Condition } from '../condition/ast.js';
import { parseCondition } from '../condition/parser.js';
import type { SigmaRule } from '../rule/types.js';
import { YamlNumber, type PosNode } from '../rule/yaml.js';
import { translateRegex } from '../regex/index.js';
import { networkText, parseCidr } from './cidr.js';
import { base64, base64Offsets, encodeUtf16, windash, windashCount, type Encoded } from './encodings.js';
import { classifyModifiers, type ModifierSet } from './modifiers.js';
import { literal, normalize, parseSigmaString, plainText, stringKey } from './sigma-string.js';
import { deeperThan, TOO_DEEP } from './depth.js';
import { simplify } from './simplify.js';
import type { Network, Node, NumberValue, Origin, SigmaString, StringMatch } from './types.js';

export const BUILD_LIMITS = {
  /** Values one detection item may expand to (the largest SigmaHQ list has 4,432). */
  itemValues: 100_000,
  /** Variants windash may produce for one value (5 forms per dash: 5^5). */
  windashVariants: 3125,
};

/** The YAML 1.1 booleans that YAML 1.2 (our reader) keeps as strings (PyYAML's bool resolver). */
const YAML11_BOOL = /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

const NUMBER_TEXT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

class BuildError extends Error {
  constructor(
    readonly code:
      | 'invalid-detection'
      | 'invalid-value'
      | 'invalid-cidr'
      | 'invalid-regex'
      | 'expansion-limit'
      | 'unknown-modifier'
      | 'invalid-modifier-combination',
    message: string,
    readonly pos: Position,
  ) {
    super(message);
  }
}

type Scalar = string | YamlNumber | boolean | null;

/** Reports a warning for a value that is used, but not as written. */
type Warn = (code: 'cidr-host-bits' | 'empty-value-list', message: string, pos: Position) => void;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || v instanceof YamlNumber;
}
function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlNumber);
}
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof YamlNumber) return `the number ${v.text}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} '${String(v)}'`;
}

/** Builds the IR of a rule's detection, or undefined (with diagnostics) when it cannot. */
export function buildRule(rule: SigmaRule, sink: DiagnosticSink): Node | undefined {
  const detPos = rule.positions.keys?.get('detection')?.value;
  const fallback = detPos?.pos ?? rule.pos;
  const selections = new Map<string, Node | null>();
  for (const [name, value] of Object.entries(rule.detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const entry = detPos?.keys?.get(name);
    try {
      const warn: Warn = (code, message, pos) => sink.warning(code, `${name}: ${message}`, pos);
      selections.set(
        name,
        buildSelection(name, value, entry?.value ?? { pos: entry?.key ?? fallback }, warn),
      );
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      sink.error(e.code, `${name}: ${e.message}`, e.pos);
      selections.set(name, null);
    }
  }
  const condEntry = detPos?.keys?.get('condition');
  const rawCond = rule.detection.condition;
  const conds: Array<{ text: string; pos: PosNode }> = [];
  if (typeof rawCond === 'string') conds.push({ text: rawCond, pos: condEntry?.value ?? { pos: fallback } });
  else if (Array.isArray(rawCond) && rawCond.length > 0 && rawCond.every((c) => typeof c === 'string'))
    rawCond.forEach((c, i) =>
      conds.push({ text: c as string, pos: condEntry?.value.items?.[i] ?? { pos: fallback } }),
    );
  else {
    sink.error(
      'invalid-detection',
      "'condition' must be a string or a list of strings",
      condEntry?.value.pos ?? fallback,
    );
    return undefined;
  }
  const trees: Node[] = [];
  for (const c of conds) {
    const r = parseCondition(c.text);
    // Offsets map onto the line for plain and quoted one-line conditions; multi-line ones point at the start.
    const at = (offset: number): Position =>
      c.text.includes('\n')
        ? c.pos.pos
        : { line: c.pos.pos.line, column: c.pos.pos.column + offset + (c.pos.quoted ? 1 : 0) };
    if (!r.ok) {
      sink.error(r.code, r.message, at(r.offset));
      continue;
    }
    const node = resolve(r.condition, selections, sink, at);
    if (node) trees.push(node);
  }
  if (sink.hasErrors || trees.length === 0) return undefined;
  const tree: Node = trees.length === 1 ? trees[0] : { kind: 'or', children: trees };
  if (deeperThan(tree)) {
    sink.error('too-deep', TOO_DEEP, condEntry?.value.pos ?? fallback);
    return undefined;
  }
  return simplify(tree);
}

/** Identifier patterns (`selection_*`) as matchers; rules share a few dozen. */
const globs = new Map<string, NameGlob>();

function globMatcher(pattern: string): NameGlob {
  let re = globs.get(pattern);
  if (!re) {
    re = nameGlob(pattern);
    if (globs.size >= 10_000) globs.clear();
    globs.set(pattern, re);
  }
  return re;
}

function resolve(
  c: Condition,
  selections: Map<string, Node | null>,
  sink: DiagnosticSink,
  at: (offset: number) => Position,
): Node | undefined {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const children = c.children.map((x) => resolve(x, selections, sink, at));
      if (children.some((x) => !x)) return undefined;
      return { kind: c.kind, children: children as Node[] };
    }
    case 'not': {
      const child = resolve(c.child, selections, sink, at);
      return child && { kind: 'not', child };
    }
    case 'ref': {
      if (!selections.has(c.name)) {
        sink.error('undefined-identifier', `'${c.name}' is not defined in the detection`, at(c.offset));
        return undefined;
      }
      return selections.get(c.name) ?? undefined;
    }
    case 'of': {
      // `them` and patterns not starting with `_` skip the identifiers that start with `_`
      // (excluded "by convention", spec: Condition); a pattern written with a leading `_` asks
      // for them, so it selects them.
      const all = [...selections.keys()];
      const names = c.target.startsWith('_') ? all : all.filter((n) => !n.startsWith('_'));
      const re = c.target === 'them' ? undefined : globMatcher(c.target);
      const matched = re === undefined ? names : names.filter((n) => re.test(n));
      if (matched.length === 0) {
        sink.error('empty-pattern', `'${c.target}' matches no selection`, at(c.offset));
        return undefined;
      }
      const children = matched.map((n) => selections.get(n));
      if (children.some((x) => !x)) return undefined;
      return { kind: c.quantifier === 'all' ? 'and' : 'or', children: children as Node[] };
    }
    default:
      return assertNever(c);
  }
}

function buildSelection(name: string, value: unknown, pos: PosNode, warn: Warn): Node {
  const origin = (p: Position): Origin => ({ line: p.line, column: p.column, selection: name });
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw new BuildError('invalid-detection', 'an empty list matches nothing', pos.pos);
    const children: Node[] = value.map((item, i) => {
      const ip = pos.items?.[i] ?? pos;
      if (isMapping(item)) return buildMapping(item, ip, origin, warn);
      if (isScalar(item) && item !== null && typeof item !== 'boolean') return keyword(item, origin(ip.pos));
      throw new BuildError(
        'invalid-detection',
        `a keyword list item must be a string or number, not ${describe(item)}`,
        ip.pos,
      );
    });
    return { kind: 'or', children };
  }
  if (isMapping(value)) return buildMapping(value, pos, origin, warn);
  if (typeof value === 'string' || value instanceof YamlNumber) return keyword(value, origin(pos.pos));
  throw new BuildError(
    'invalid-detection',
    `a selection must be a mapping, a list or a keyword, not ${describe(value)}`,
    pos.pos,
  );
}

function keyword(v: string | YamlNumber, origin: Origin): Node {
  const text = typeof v === 'string' ? v : v.text;
  return {
    kind: 'string',
    field: null,
    op: 'contains',
    values: [parseSigmaString(text)],
    cased: false,
    origin,
  };
}

function buildMapping(
  map: Record<string, unknown>,
  pos: PosNode,
  origin: (p: Position) => Origin,
  warn: Warn,
): Node {
  const keys = Object.keys(map);
  if (keys.length === 0)
    throw new BuildError('invalid-detection', 'an empty mapping matches nothing', pos.pos);
  const children = keys.map((key) => {
    const entry = pos.keys?.get(key);
    return buildItem(key, map[key], entry?.key ?? pos.pos, entry?.value ?? pos, origin, warn);
  });
  return children.length === 1 ? children[0] : { kind: 'and', children };
}

function buildItem(
  key: string,
  raw: unknown,
  keyPos: Position,
  valuePos: PosNode,
  originOf: (p: Position) => Origin,
  warn: Warn,
): Node {
  const [fieldPart, ...modNames] = key.split('|');
  const field = fieldPart === '' ? null : fieldPart;
  const cls = classifyModifiers(modNames);
  if (!cls.ok) throw new BuildError(cls.code, cls.message, keyPos);
  const mods = cls.mods;
  // A keyword (no field) is searched in the whole event: without an explicit operator it is a
  // "contains" (spec, Keywords search), whatever other modifiers (`|all`, `|cased`, `|windash`,
  // ...) are written, exactly as in a plain keyword list.
  const op = field === null && mods.op === 'eq' ? 'contains' : mods.op;
  const origin = originOf(keyPos);
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) {
    // An empty value list reads as null (the field is absent or null), as the reference tool
    // reads it (pySigma SigmaDetectionItem.postprocess: "no value: map to none type"); with
    // modifiers or without a field it has no meaning anyone agrees on, so it is refused.
    if (field === null || modNames.length > 0)
      throw new BuildError(
        'invalid-detection',
        `'${key}' has an empty list of values; ${field === null ? 'a keyword' : 'with modifiers it'} has no meaning`,
        valuePos.pos,
      );
    warn(
      'empty-value-list',
      `'${key}: []' (an empty list) is read as '${key}: null': the field is absent or null`,
      valuePos.pos,
    );
    return { kind: 'null', field, origin };
  }
  values.forEach((v, i) => {
    if (!isScalar(v))
      throw new BuildError(
        'invalid-value',
        `'${key}' values must be scalars, not ${describe(v)}`,
        valuePos.items?.[i]?.pos ?? valuePos.pos,
      );
  });
  const needField = (what: string): string => {
    if (field === null) throw new BuildError('invalid-detection', `'${what}' needs a field name`, keyPos);
    return field;
  };

  // One node per raw value; combined with OR (or AND under |all).
  const perValue = (v: Scalar, vnode: PosNode): Node => {
    const vpos = vnode.pos;
    const bad = (msg: string): never => {
      throw new BuildError('invalid-value', `'${key}': ${msg}`, vpos);
    };
    switch (mods.type) {
      case 're': {
        if (typeof v !== 'string') return bad(`a regular expression must be a string, not ${describe(v)}`);
        // A pattern that does not parse is an error; a valid one using a construct the JS
        // translation lacks is left to the backends (their dialects decide).
        const check = translateRegex(v, mods.regexFlags);
        if (!check.ok && !/is not supported$/.test(check.reason))
          throw new BuildError(
            'invalid-regex',
            `'${key}': invalid regular expression: ${check.reason}`,
            vpos,
          );
        return { kind: 'regex', field, pattern: v, flags: { ...mods.regexFlags }, origin };
      }
      case 'cidr': {
        const f = needField('cidr');
        if (typeof v !== 'string') return bad(`a cidr value must be a string, not ${describe(v)}`);
        const r = parseCidr(v);
        if (!r.ok) throw new BuildError('invalid-cidr', `'${key}': invalid CIDR '${v}': ${r.reason}`, vpos);
        if (r.hostBits)
          warn(
            'cidr-host-bits',
            `'${key}': '${v}' has host bits set; the network ${networkText(r.network)} is used`,
            vpos,
          );
        return { kind: 'cidr', field: f, networks: [r.network], origin };
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const f = needField(mods.type);
        const n = toNumber(v);
        if (!n) return bad(`'${mods.type}' needs a number, not ${describe(v)}`);
        finite(n, vpos);
        return { kind: 'compare', field: f, op: mods.type, value: n, origin };
      }
      case 'minute':
      case 'hour':
      case 'day':
      case 'week':
      case 'month':
      case 'year': {
        const f = needField(mods.type);
        const n = toNumber(v);
        if (!n) return bad(`'${mods.type}' needs a number, not ${describe(v)}`);
        finite(n, vpos);
        return { kind: 'time', field: f, unit: mods.type, values: [n], origin };
      }
      case 'exists': {
        const f = needField('exists');
        // Unquoted `yes`/`no`/`on`/`off` are YAML 1.1 booleans, as PyYAML (the reference tool)
        // reads them; a quoted 'yes' is a string there too, so it stays refused.
        const b = typeof v === 'string' && !vnode.quoted && YAML11_BOOL.test(v) ? /^(?:yes|on)$/i.test(v) : v;
        if (typeof b !== 'boolean') return bad(`'exists' needs true or false, not ${describe(v)}`);
        return { kind: 'exists', field: f, exists: b, origin };
      }
      case 'fieldref': {
        const f = needField('fieldref');
        if (typeof v !== 'string' || v === '')
          return bad(`'fieldref' needs a field name, not ${describe(v)}`);
        return { kind: 'fieldref', field: f, other: v, op: mods.op, cased: mods.cased, origin };
      }
      case undefined:
        return plainValue(v, vpos);
      default:
        return assertNever(mods.type);
    }
  };

  /** A number too large for a double (`1e400`) reads as Infinity: no query can compare with it. */
  const finite = (n: NumberValue | YamlNumber, vpos: Position): void => {
    if (!Number.isFinite(n.value))
      throw new BuildError(
        'invalid-value',
        `'${key}': the number ${n.text} is out of range (not a finite double-precision number)`,
        vpos,
      );
  };

  const plainValue = (v: Scalar, vpos: Position): Node => {
    if (v === null) {
      if (field === null) throw new BuildError('invalid-value', `'${key}': a keyword cannot be null`, vpos);
      if (mods.op !== 'eq' || mods.transforms.length > 0)
        throw new BuildError('invalid-value', `'${key}': null cannot be combined with modifiers`, vpos);
      return { kind: 'null', field, origin };
    }
    if (typeof v === 'boolean') {
      if (field === null || mods.op !== 'eq' || mods.transforms.length > 0 || mods.cased)
        throw new BuildError(
          'invalid-value',
          `'${key}': a boolean value cannot be combined with modifiers or keywords`,
          vpos,
        );
      return { kind: 'boolean', field, value: v, origin };
    }
    if (v instanceof YamlNumber && op === 'eq' && mods.transforms.length === 0 && !mods.cased) {
      finite(v, vpos);
      return { kind: 'number', field, values: [{ value: v.value, text: v.text }], origin };
    }
    const text = typeof v === 'string' ? v : v.text;
    const strings = transformValue(text, mods, key, vpos);
    return { kind: 'string', field, op, values: strings, cased: mods.cased, origin };
  };

  const nodes = values.map((v, i) =>
    perValue(v as Scalar, Array.isArray(raw) ? (valuePos.items?.[i] ?? valuePos) : valuePos),
  );
  let total = 0;
  for (const n of nodes) total += n.kind === 'string' ? n.values.length : 1;
  if (total > BUILD_LIMITS.itemValues)
    throw new BuildError(
      'expansion-limit',
      `'${key}' expands to ${total} values; the limit is ${BUILD_LIMITS.itemValues}`,
      keyPos,
    );
  let node: Node;
  if (nodes.length === 1) node = nodes[0];
  else if (mods.all) node = { kind: 'and', children: nodes, origin };
  else if (nodes.every((n) => n.kind === 'string'))
    // One list node for the usual value list (what simplify would merge, without the work).
    node = { ...(nodes[0] as StringMatch), values: dedupe(nodes.flatMap((n) => (n as StringMatch).values)) };
  else node = { kind: 'or', children: nodes, origin };
  return mods.neq ? { kind: 'not', child: node, origin } : node;
}

function dedupe(values: SigmaString[]): SigmaString[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = stringKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toNumber(v: Scalar): NumberValue | undefined {
  if (v instanceof YamlNumber) return { value: v.value, text: v.text };
  if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) return { value: Number(v), text: v.trim() };
  return undefined;
}

/** Applies the value transformations in the order written; returns the ORed string values. */
function transformValue(text: string, mods: ModifierSet, key: string, pos: Position): SigmaString[] {
  const expand = mods.transforms.includes('expand');
  const parsed = parseSigmaString(text, expand);
  if (mods.transforms.length === 0 || (expand && mods.transforms.length === 1)) return [parsed];
  let vals: Encoded[] = [{ parts: parsed, bytes: false }];
  for (const t of mods.transforms) {
    switch (t) {
      case 'expand':
        break; // placeholders were parsed above; they stay placeholders until a pipeline resolves them
      case 'wide':
      case 'utf16le':
        vals = vals.map((v) => encodeUtf16(v, 'le'));
        break;
      case 'utf16be':
        vals = vals.map((v) => encodeUtf16(v, 'be'));
        break;
      case 'utf16':
        vals = vals.map((v) => encodeUtf16(v, 'bom'));
        break;
      case 'windash': {
        const out: Encoded[] = [];
        for (const v of vals) {
          const n = windashCount(v.parts);
          if (n > BUILD_LIMITS.windashVariants)
            throw new BuildError(
              'expansion-limit',
              `'${key}': windash would make ${n} variants; the limit is ${BUILD_LIMITS.windashVariants}`,
              pos,
            );
          for (const p of windash(v.parts)) out.push({ parts: p, bytes: v.bytes });
        }
        vals = out;
        break;
      }
      case 'base64':
      case 'base64offset': {
        const out: Encoded[] = [];
        for (const v of vals) {
          const plain = plainText(v.parts);
          if (plain === null)
            throw new BuildError(
              'invalid-value',
              `'${key}': '${t}' cannot encode wildcards or placeholders; escape them or drop the wildcard`,
              pos,
            );
          const encoded = t === 'base64' ? [base64(plain, v.bytes)] : base64Offsets(plain, v.bytes);
          // A value under 3 bytes has an offset form with no fully determined character: as a
          // contains it would match every event, so refuse it rather than widen silently.
          if (encoded.some((e) => e === ''))
            throw new BuildError(
              'invalid-value',
              `'${key}': '${t}' of so short a value has an empty offset form, which would match everything`,
              pos,
            );
          for (const e of encoded) out.push({ parts: literal(e), bytes: false });
        }
        vals = out;
        break;
      }
      default:
        assertNever(t);
    }
  }
  // Dedupe (base64offset of short values can repeat) keeping the first occurrence.
  const seen = new Set<string>();
  const result: SigmaString[] = [];
  for (const v of vals) {
    const k = stringKey(v.parts);
    if (seen.has(k)) continue;
    seen.add(k);
    result.push(normalize(v.parts));
  }
  return result;
}

export type { Network };
