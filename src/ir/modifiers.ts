/**
 * Sigma v2.1 modifiers: the known names, their classes, and which combinations are legal.
 */
import type { CompareOp, StringOp, TimeUnit } from './types.js';
import { nearest } from '../rule/load.js';

export type Transform =
  'wide' | 'utf16le' | 'utf16be' | 'utf16' | 'base64' | 'base64offset' | 'windash' | 'expand';
export type TypeModifier = 're' | 'cidr' | CompareOp | 'exists' | 'fieldref' | TimeUnit;

const TRANSFORMS: ReadonlySet<string> = new Set([
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'base64',
  'base64offset',
  'windash',
  'expand',
]);
const OPS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);
const TYPES: ReadonlySet<string> = new Set([
  're',
  'cidr',
  'lt',
  'lte',
  'gt',
  'gte',
  'exists',
  'fieldref',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);
const REGEX_FLAGS: Readonly<Record<string, 'i' | 'm' | 's'>> = {
  i: 'i',
  ignorecase: 'i',
  m: 'm',
  multiline: 'm',
  s: 's',
  dotall: 's',
};
const FLAGS: ReadonlySet<string> = new Set(['all', 'cased', 'neq']);

export const ALL_MODIFIERS: readonly string[] = [
  ...TRANSFORMS,
  ...OPS,
  ...TYPES,
  ...Object.keys(REGEX_FLAGS),
  ...FLAGS,
];

/** The modifiers of one detection item, classified and checked. */
export interface ModifierSet {
  readonly transforms: readonly Transform[];
  readonly op: StringOp;
  readonly type?: TypeModifier;
  readonly regexFlags: { i: boolean; m: boolean; s: boolean };
  readonly all: boolean;
  readonly cased: boolean;
  readonly neq: boolean;
}

export type ModifierResult =
  | { ok: true; mods: ModifierSet }
  | { ok: false; code: 'unknown-modifier' | 'invalid-modifier-combination'; message: string };

export function classifyModifiers(names: readonly string[]): ModifierResult {
  const transforms: Transform[] = [];
  let op: StringOp = 'eq';
  let opIndex = -1;
  let type: TypeModifier | undefined;
  const regexFlags = { i: false, m: false, s: false };
  let all = false;
  let cased = false;
  let neq = false;
  const seen = new Set<string>();
  const bad = (message: string): ModifierResult => ({
    ok: false,
    code: 'invalid-modifier-combination',
    message,
  });

  for (let idx = 0; idx < names.length; idx++) {
    const name = names[idx];
    if (seen.has(name)) return bad(`modifier '${name}' is given twice`);
    seen.add(name);
    if (TRANSFORMS.has(name)) {
      if ((name === 'base64' || name === 'base64offset') && opIndex !== -1)
        return bad(
          `'${names[opIndex]}' before '${name}' would encode its wildcards: write '|${name}|${names[opIndex]}'`,
        );
      if (name === 'windash' && transforms.some((t) => t !== 'expand'))
        return bad(
          `'windash' must come before '${transforms.find((t) => t !== 'expand')}': it works on text`,
        );
      transforms.push(name as Transform);
    } else if (OPS.has(name)) {
      if (op !== 'eq') return bad(`'${op}' and '${name}' cannot be combined`);
      op = name as StringOp;
      opIndex = idx;
    } else if (TYPES.has(name)) {
      if (type) return bad(`'${type}' and '${name}' cannot be combined`);
      type = name as TypeModifier;
    } else if (name in REGEX_FLAGS) regexFlags[REGEX_FLAGS[name]] = true;
    else if (name === 'all') all = true;
    else if (name === 'cased') cased = true;
    else if (name === 'neq') neq = true;
    else
      return {
        ok: false,
        code: 'unknown-modifier',
        message: `unknown modifier '${name}'${nearModifier(name)} (Sigma v2.1 knows ${ALL_MODIFIERS.join(', ')})`,
      };
  }

  const anyFlag = regexFlags.i || regexFlags.m || regexFlags.s;
  if (anyFlag && type !== 're') return bad("regex flags 'i', 'm', 's' need 're'");
  if (type) {
    if (op !== 'eq' && type !== 'fieldref') return bad(`'${op}' cannot be combined with '${type}'`);
    if (transforms.length > 0) return bad(`'${transforms[0]}' cannot be combined with '${type}'`);
    if (cased && type !== 'fieldref') return bad(`'cased' cannot be combined with '${type}'`);
    if (type === 'exists' && (all || neq))
      return bad(`'exists' cannot be combined with '${all ? 'all' : 'neq'}'`);
  }
  if (transforms.includes('base64') && transforms.includes('base64offset'))
    return bad("'base64' and 'base64offset' cannot be combined");
  const utf = transforms.filter((t) => t === 'wide' || t.startsWith('utf16'));
  if (utf.length > 1) return bad(`'${utf[0]}' and '${utf[1]}' cannot be combined`);
  return { ok: true, mods: { transforms, op, type, regexFlags, all, cased, neq } };
}

/** ": did you mean 'endswith'?" for a typo of a modifier; '' for short names (`x` is no typo of `i`). */
function nearModifier(name: string): string {
  if (name.length < 4) return '';
  const near = nearest(name, new Set(ALL_MODIFIERS.filter((m) => m.length >= 4)));
  return near ? ` (did you mean '${near}'?)` : '';
}
