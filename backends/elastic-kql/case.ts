/**
 * Case handling for keyword fields. KQL compares keyword values exactly, "including
 * punctuation and case" (Kibana guide, KQL), while Sigma strings are case-insensitive (simple
 * Unicode case folding, as the reference evaluator does). Three tools:
 * - exact: all case variants of a value, when there are few (`cmd` -> 8 variants);
 * - superset (widens): the first few case-variable characters expanded, later ones replaced
 *   by `*`, which matches every case variant and more;
 * - subset (narrows, for use under `not`): the value as written, lowercase and uppercase.
 */

/** A pattern: literal segments with a `*` between consecutive segments (one segment = plain). */
export type Pattern = readonly string[];

/** At most this many exact case variants per value. */
export const MAX_VARIANTS = 16;

let classes: Map<string, string[]> | undefined;

const CASED_BLOCKS: readonly (readonly [number, number])[] = [
  [0x41, 0x24f],
  [0x250, 0x2af],
  [0x345, 0x345],
  [0x370, 0x52f],
  [0x531, 0x587],
  [0x10a0, 0x10ff],
  [0x13a0, 0x13fd],
  [0x1c80, 0x1cbf],
  [0x1d00, 0x1fff],
  [0x2100, 0x218f],
  [0x24b6, 0x24e9],
  [0x2c00, 0x2d2f],
  [0xa640, 0xa7ff],
  [0xab50, 0xabbf],
  [0xfb00, 0xfb17],
  [0xff21, 0xff5a],
  [0x10400, 0x104ff],
  [0x10570, 0x105bf],
  [0x10c80, 0x10cff],
  [0x10d50, 0x10d85],
  [0x118a0, 0x118df],
  [0x16e40, 0x16e7f],
  [0x16ea0, 0x16ed3],
  [0x1e900, 0x1e94f],
];

function* CASED_CODE_POINTS(): Generator<number> {
  for (const [a, b] of CASED_BLOCKS) for (let cp = a; cp <= b; cp++) yield cp;
}

function oneCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff);
}

/** Simple case folding of one code point: the same rule as src/evaluate/fold.ts (not its cache). */
function fold(c: string): string {
  const upper = c.toUpperCase();
  if (oneCodePoint(upper)) {
    const lower = upper.toLowerCase();
    return oneCodePoint(lower) ? lower : c;
  }
  const lower = c.toLowerCase();
  return oneCodePoint(lower) ? lower : c;
}

const memo = new Map<string, readonly string[]>();

/** Every code point with the same simple case fold as `ch` (first: `ch` itself). Memoised. */
export function caseClass(ch: string): readonly string[] {
  const code = ch.charCodeAt(0);
  if (code < 128 && ch.length === 1) return (ASCII[code] ??= asciiClass(ch));
  return classOf(ch);
}

const ASCII: (readonly string[] | undefined)[] = [];

/**
 * The code points outside ASCII whose simple case fold is an ASCII letter (Kelvin sign, long s,
 * dotless i). With them the class of an ASCII character needs no scan of the cased blocks (about
 * 12 ms, most of a one-rule elastic run); the tests check them against the scan.
 */
export const ASCII_FOLD_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  i: ['\u0131'],
  k: ['\u212a'],
  s: ['\u017f'],
};

function asciiClass(ch: string): readonly string[] {
  const f = fold(ch);
  const members = new Set([f, f.toUpperCase(), f.toLowerCase(), ...(ASCII_FOLD_EXTRAS[f] ?? [])]);
  return members.size < 2 ? [ch] : [ch, ...[...members].filter((c) => c !== ch).sort()];
}

/** caseClass by the scan of the cased blocks, for every character (for the tests). */
export function caseClassByScan(ch: string): readonly string[] {
  return classOf(ch);
}

function classOf(ch: string): readonly string[] {
  let r = memo.get(ch);
  if (r) return r;
  if (!classes) {
    classes = new Map();
    // The blocks that hold cased letters (Unicode 16: Latin, Greek, Cyrillic, Armenian, Georgian,
    // Cherokee, Glagolitic, Coptic, letterlike and enclosed forms, fullwidth, Deseret, Osage,
    // Vithkuqi, Old Hungarian, Garay, Warang Citi, Medefaidrin, Adlam ...); one scan, on first use.
    for (const cp of CASED_CODE_POINTS()) {
      const c = String.fromCodePoint(cp);
      const f = fold(c);
      if (f === c && c.toUpperCase() === c && c.toLowerCase() === c) continue;
      let list = classes.get(f);
      if (!list) classes.set(f, (list = f === c ? [] : [f]));
      if (!list.includes(c)) list.push(c);
    }
  }
  const list = classes.get(fold(ch));
  r = !list || list.length < 2 ? [ch] : [ch, ...list.filter((c) => c !== ch).sort()];
  memo.set(ch, r);
  return r;
}

/** One character's choices (a fixed character is a one-element list), or null for `*`. */
export type Token = readonly string[] | null;

/**
 * The token of one fixed character, shared: tokens are read-only, and one array per character of
 * every value was most of the elastic backend's allocation.
 */
export function fixed(ch: string): Token {
  const code = ch.charCodeAt(0);
  if (code < 128 && ch.length === 1) return (FIXED_ASCII[code] ??= [ch]);
  let t = fixedMemo.get(ch);
  if (!t) fixedMemo.set(ch, (t = [ch]));
  return t;
}

const FIXED_ASCII: (readonly string[] | undefined)[] = [];
const fixedMemo = new Map<string, readonly string[]>();

/** A pattern as tokens, runs of `*` collapsed. */
export function tokens(p: Pattern): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    if (i > 0 && out[out.length - 1] !== null) out.push(null);
    for (const ch of p[i]) out.push(fixed(ch));
  }
  return out;
}

/** Number of strings the tokens spell (ANY counts once). */
export function variantCount(toks: readonly Token[]): number {
  let n = 1;
  for (const t of toks) if (t) n *= t.length;
  return n;
}

/** True when some character has other case forms. */
export function hasCase(p: Pattern): boolean {
  for (const seg of p) {
    // Fast path: ASCII text without letters has no case.
    if (!NON_ASCII_OR_LETTER.test(seg)) continue;
    for (const ch of seg) if (caseClass(ch).length > 1) return true;
  }
  return false;
}

const NON_ASCII_OR_LETTER = /[A-Za-z\u0080-\u{10ffff}]/u;

/** Every case variant of every character: exact (count with variantCount first). */
export function exactTokens(toks: readonly Token[]): Token[] {
  return toks.map((t) => (t === null ? t : caseClass(t[0])));
}

/** A subset of the case variants: as written, lowercase, uppercase (per character, within its class). */
export function subsetTokens(toks: readonly Token[]): Token[][] {
  const pick = (f: (c: string) => string) =>
    toks.map((t) => {
      if (t === null) return t;
      const c = f(t[0]);
      return caseClass(t[0]).includes(c) ? fixed(c) : t;
    });
  const out = [toks.slice(), pick((c) => c.toLowerCase()), pick((c) => c.toUpperCase())];
  return out.filter((q, i) => !out.slice(0, i).some((r) => sameTokens(q, r)));
}

/** The same characters and `*` in the same places (the three lists of subsetTokens have one length). */
function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const t = a[i];
    const u = b[i];
    if (t !== u && (t === null || u === null || t[0] !== u[0])) return false;
  }
  return true;
}

/**
 * A superset of the case variants: the first `expand` case-variable characters take every case
 * form, each later one becomes `*`.
 */
export function supersetTokens(toks: readonly Token[], expand: number): Token[] {
  let left = expand;
  const out: Token[] = [];
  for (const t of toks) {
    if (t === null) {
      if (out[out.length - 1] !== null) out.push(t);
      continue;
    }
    const cls = caseClass(t[0]);
    if (cls.length < 2) out.push(t);
    else if (left > 0) {
      out.push(cls);
      left--;
    } else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/** Whitespace characters become `*` (runs collapsed). */
export function whitespaceToAny(toks: readonly Token[], isSpace: (c: string) => boolean): Token[] {
  const out: Token[] = [];
  for (const t of toks) {
    const any = t === null || isSpace(t[0]);
    if (any) {
      if (out[out.length - 1] !== null) out.push(null);
    } else out.push(t);
  }
  return out;
}

/**
 * The strings the tokens spell, each character passed through `esc` once and `*` written as
 * `star`, in mixed-radix order (first token varies slowest).
 */
export function spell(toks: readonly Token[], esc: (c: string) => string, star: string): string[] {
  const parts: string[][] = [];
  let fixed = '';
  for (const t of toks) {
    if (t === null) fixed += star;
    else if (t.length === 1) fixed += esc(t[0]);
    else {
      parts.push([fixed]);
      parts.push(t.map(esc));
      fixed = '';
    }
  }
  parts.push([fixed]);
  let acc = [''];
  for (const choices of parts) {
    if (choices.length === 1) {
      const c = choices[0];
      if (c) for (let i = 0; i < acc.length; i++) acc[i] += c;
      continue;
    }
    const next: string[] = [];
    for (const a of acc) for (const c of choices) next.push(a + c);
    acc = next;
  }
  return acc;
}
