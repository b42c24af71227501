/**
 * Value encodings of the Sigma modifiers wide/utf16*, base64, base64offset and windash, byte-exact
 * as the reference implementation (pySigma) produces them.
 */
import { normalize } from './sigma-string.js';
import type { Part, SigmaString } from './types.js';

/**
 * A value under transformation. `bytes` marks text parts as byte strings (one char per byte,
 * 0-255), as the UTF-16 encodings leave them; otherwise text parts are Unicode.
 */
export interface Encoded {
  readonly parts: SigmaString;
  readonly bytes: boolean;
}

function utf16(text: string, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const hi = String.fromCharCode(u >> 8);
    const lo = String.fromCharCode(u & 0xff);
    out += bigEndian ? hi + lo : lo + hi;
  }
  return out;
}

export function encodeUtf16(v: Encoded, variant: 'le' | 'be' | 'bom'): Encoded {
  if (v.bytes) return v;
  const parts: Part[] = v.parts.map((p) =>
    p.kind === 'text' ? { kind: 'text', text: utf16(p.text, variant === 'be') } : p,
  );
  // `utf16` is little-endian with a byte order mark, as Windows writes it.
  if (variant === 'bom') parts.unshift({ kind: 'text', text: '\xff\xfe' });
  return { parts: normalize(parts), bytes: true };
}

/** The bytes of a text: byte strings as latin1 (the low byte of each char), otherwise UTF-8. */
function toBytes(text: string, bytes: boolean): Uint8Array {
  if (!bytes) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (RFC 4648), in plain JavaScript: the core runs in the browser too. */
function toBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < b.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < b.length ? B64[n & 63] : '=';
  }
  return out;
}

export function base64(text: string, bytes: boolean): string {
  return toBase64(toBytes(text, bytes));
}

/**
 * The three base64 forms of a text at byte offsets 0, 1, 2 inside a larger encoded string,
 * trimmed of the characters that depend on the unknown neighbouring bytes.
 */
export function base64Offsets(text: string, bytes: boolean): string[] {
  const val = toBytes(text, bytes);
  const start = [0, 2, 3];
  const end: Array<number | null> = [null, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = new Uint8Array(i + val.length);
    shifted.fill(0x20, 0, i);
    shifted.set(val, i);
    const enc = toBase64(shifted);
    const e = end[(val.length + i) % 3];
    out.push(enc.slice(start[i], e === null ? undefined : enc.length + e));
  }
  return out;
}

/** The dash forms Windows command lines accept for a flag: hyphen, slash, en dash, em dash, horizontal bar. */
export const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** How many variants windash produces for a value. */
export function windashCount(s: SigmaString): number {
  let n = 0;
  for (const p of s) if (p.kind === 'text') for (const c of p.text) if (WINDASH.includes(c)) n++;
  return Math.pow(WINDASH.length, n);
}

/** Every permutation: each dash-like character takes each of the five forms. */
export function windash(s: SigmaString): SigmaString[] {
  let acc: Part[][] = [[]];
  for (const p of s) {
    if (p.kind !== 'text') {
      acc = acc.map((a) => [...a, p]);
      continue;
    }
    // Split the text at dash-like characters.
    let segs: string[] = [''];
    for (const c of p.text) {
      if (WINDASH.includes(c)) segs = segs.flatMap((x) => WINDASH.map((d) => x + d));
      else segs = segs.map((x) => x + c);
    }
    acc = acc.flatMap((a) => segs.map((t) => [...a, { kind: 'text' as const, text: t }]));
  }
  return acc.map(normalize);
}
