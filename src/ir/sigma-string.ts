/**
 * Sigma string values (specification v2.1): `*` any run of characters, `?` exactly one;
 * `\*`, `\?` and `\\` are the literal characters; a backslash before any other character, or at
 * the end, is a literal backslash. So `C:\Windows\` is exactly that text.
 */
import type { Part, SigmaString } from './types.js';

const PLACEHOLDER = /%(\w+)%/y;

/**
 * Parses a raw YAML string into parts. With `expand`, `%name%` becomes a placeholder part and
 * `\%` is a literal `%` that starts no placeholder (spec, Placeholders: in `\%plain%name%`,
 * `%plain` is text and `%name%` a placeholder). Without `expand`, `\%` is those two characters.
 */
export function parseSigmaString(raw: string, expand = false): SigmaString {
  const parts: Part[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\' || (expand && n === '%')) {
        text += n;
        i++;
      } else text += '\\';
    } else if (c === '*') {
      flush();
      parts.push({ kind: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'one' });
    } else if (c === '%' && expand) {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(raw);
      if (m === null) text += c;
      else {
        flush();
        parts.push({ kind: 'placeholder', name: m[1] });
        i += m[0].length - 1;
      }
    } else text += c;
  }
  flush();
  return parts;
}

/** A literal string as a one-part SigmaString (no wildcard interpretation). */
export function literal(text: string): SigmaString {
  return text ? [{ kind: 'text', text }] : [];
}

/** Merges adjacent text parts and drops empty ones. */
export function normalize(parts: readonly Part[]): SigmaString {
  const out: Part[] = [];
  for (const p of parts) {
    if (p.kind === 'text') {
      if (!p.text) continue;
      const last = out[out.length - 1];
      if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + p.text };
      else out.push(p);
    } else out.push(p);
  }
  return out;
}

/** The text if the string is plain (no wildcard or placeholder), else null. */
export function plainText(s: SigmaString): string | null {
  let t = '';
  for (const p of s) {
    if (p.kind !== 'text') return null;
    t += p.text;
  }
  return t;
}

export function hasWildcards(s: SigmaString): boolean {
  return s.some((p) => p.kind === 'any' || p.kind === 'one');
}

export function hasPlaceholders(s: SigmaString): boolean {
  return s.some((p) => p.kind === 'placeholder');
}

/** Back to Sigma syntax (escaping `*`, `?` and backslashes where the reading would differ). */
export function toSigmaText(s: SigmaString): string {
  // With placeholders the text is read under `|expand`, where `\%` is a literal `%`.
  const special = hasPlaceholders(s) ? /\\(?=[*?\\%]|$)|[*?%]/g : /\\(?=[*?\\]|$)|[*?]/g;
  let out = '';
  for (const p of s) {
    switch (p.kind) {
      case 'text':
        out += p.text.replace(special, (m) => '\\' + m);
        break;
      case 'any':
        out += '*';
        break;
      case 'one':
        out += '?';
        break;
      case 'placeholder':
        out += `%${p.name}%`;
        break;
    }
  }
  // A backslash at a text/wildcard boundary must be doubled so it does not escape the wildcard.
  return out;
}

/** Applies `fn` to every text part. */
export function mapText(s: SigmaString, fn: (t: string) => string): SigmaString {
  return normalize(s.map((p) => (p.kind === 'text' ? { kind: 'text', text: fn(p.text) } : p)));
}

/** Equality of two strings, part by part. */
export function sameString(a: SigmaString, b: SigmaString): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.kind !== y.kind) return false;
    if (x.kind === 'text' && x.text !== (y as typeof x).text) return false;
    if (x.kind === 'placeholder' && x.name !== (y as typeof x).name) return false;
  }
  return true;
}

/** The string with the op folded in: contains -> `*s*`, startswith -> `s*`, endswith -> `*s`. */
export function withOp(s: SigmaString, op: 'eq' | 'contains' | 'startswith' | 'endswith'): SigmaString {
  const any: Part = { kind: 'any' };
  const pre = op === 'contains' || op === 'endswith';
  const post = op === 'contains' || op === 'startswith';
  const out = [...(pre && s[0]?.kind !== 'any' ? [any] : []), ...s];
  if (post && out[out.length - 1]?.kind !== 'any') out.push(any);
  return out;
}

/** A compact identity key for a string (for sets and dedupe): cheaper than JSON. */
export function stringKey(s: SigmaString): string {
  // A lone text is its own key unless it could be mistaken for an encoded key (leading NUL).
  if (s.length === 1 && s[0].kind === 'text' && s[0].text.charCodeAt(0) !== 0) return s[0].text;
  let k = '\u0000';
  for (const p of s) {
    if (p.kind === 'text') k += p.text.split('\u0000').join('\u0000\u0000') + '\u0000t';
    else if (p.kind === 'any') k += '\u0000*';
    else if (p.kind === 'one') k += '\u0000?';
    else k += p.name + '\u0000%';
  }
  return k;
}
