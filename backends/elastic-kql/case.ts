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

/** Every code point with the same simple case fold as `ch` (first: `ch` itself). */
export function caseClass(ch: string): readonly string[] {
  if (!classes) {
    classes = new Map();
    // The blocks that hold cased letters (Unicode 15: Latin, Greek, Cyrillic, Armenian, Georgian,
    // Cherokee, Glagolitic, Coptic, letterlike and enclosed forms, fullwidth, Deseret, Osage,
    // Vithkuqi, Old Hungarian, Warang Citi, Medefaidrin, Adlam); one scan, on first use.
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
  if (!list || list.length < 2) return [ch];
  return [ch, ...list.filter((c) => c !== ch).sort()];
}

type Token = readonly string[] | null; // choices for one character, or `*`

function tokens(p: Pattern): Token[] {
  const out: Token[] = [];
  p.forEach((seg, i) => {
    if (i > 0) out.push(null);
    for (const ch of seg) out.push([ch]);
  });
  return out;
}

function patterns(toks: readonly Token[]): Pattern[] {
  let acc: string[][] = [['']];
  for (const t of toks) {
    if (t === null) {
      acc = acc.map((segs) => (segs[segs.length - 1] === '' && segs.length > 1 ? segs : [...segs, '']));
      continue;
    }
    const next: string[][] = [];
    for (const segs of acc)
      for (const ch of t) {
        const s = segs.slice();
        s[s.length - 1] += ch;
        next.push(s);
      }
    acc = next;
  }
  return acc;
}

/** True when some character of the pattern has other case forms. */
export function hasCase(p: Pattern): boolean {
  for (const seg of p) for (const ch of seg) if (caseClass(ch).length > 1) return true;
  return false;
}

/** All case variants, or null when there are more than MAX_VARIANTS. */
export function exactVariants(p: Pattern): Pattern[] | null {
  let n = 1;
  const toks = tokens(p).map((t) => (t === null ? t : caseClass(t[0])));
  for (const t of toks) if (t) n *= t.length;
  if (n > MAX_VARIANTS) return null;
  return patterns(toks);
}

/** A subset of the case variants: as written, lowercase, uppercase (per character, within its class). */
export function subsetVariants(p: Pattern): Pattern[] {
  const pick = (f: (c: string) => string) =>
    p.map((seg) => [...seg].map((ch) => (caseClass(ch).includes(f(ch)) ? f(ch) : ch)).join(''));
  const out = [p, pick((c) => c.toLowerCase()), pick((c) => c.toUpperCase())];
  const seen = new Set<string>();
  return out.filter((q) => {
    const key = JSON.stringify(q);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A superset of the case variants: the first `expand` case-variable characters take every case
 * form, each later one becomes `*`.
 */
export function supersetVariants(p: Pattern, expand: number): Pattern[] {
  let left = expand;
  const toks: Token[] = [];
  for (const t of tokens(p)) {
    if (t === null) toks.push(t);
    else {
      const cls = caseClass(t[0]);
      if (cls.length < 2) toks.push(t);
      else if (left > 0) {
        toks.push(cls);
        left--;
      } else if (toks[toks.length - 1] !== null) toks.push(null);
    }
  }
  return patterns(toks);
}
