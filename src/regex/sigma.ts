/**
 * Regular expressions for Sigma strings, and Sigma strings for regular expressions (the backends'
 * regex helpers). Output is written in the common subset of PCRE (Splunk), RE2 (Kusto) and JavaScript.
 */
import type { Part, RegexMatch, SigmaString, StringMatch, StringOp } from '../ir/types.js';

export type RegexDialect = 'pcre' | 're2' | 'js';

/** Escapes text so that it matches itself; control characters become `\xHH`. */
export function escapeRegex(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ('\\^$.|?*+()[]{}/'.includes(ch)) out += '\\' + ch;
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

/**
 * An anchored regex matching exactly what the Sigma string matches under `op`.
 * `*` becomes `[\s\S]*` and `?` `[\s\S]` (newlines included, as Sigma wildcards match any
 * character). The end anchor is `\z` for PCRE and RE2 (PCRE's `$` also matches before a final
 * newline) and `$` for JavaScript. Case-insensitive matching is a `(?i)` prefix for PCRE/RE2;
 * for JavaScript (`dialect: 'js'`) no prefix is written: the caller sets the `i` flag.
 */
export function sigmaToRegex(
  value: SigmaString,
  op: StringOp,
  opts: { cased: boolean; dialect?: RegexDialect },
): string {
  const dialect = opts.dialect ?? 'pcre';
  let body = '';
  for (const p of value) body += partRegex(p);
  const start = op === 'eq' || op === 'startswith' ? '^' : '';
  const end = op === 'eq' || op === 'endswith' ? (dialect === 'js' ? '$' : '\\z') : '';
  const flags = opts.cased || dialect === 'js' ? '' : '(?i)';
  return flags + start + body + end;
}

function partRegex(p: Part): string {
  switch (p.kind) {
    case 'text':
      return escapeRegex(p.text);
    case 'any':
      return '[\\s\\S]*';
    case 'one':
      return '[\\s\\S]';
    case 'placeholder':
      throw new Error(`placeholder %${p.name}% must be resolved before building a regex`);
  }
}

export interface SigmaForm {
  readonly op: StringOp;
  readonly value: SigmaString;
  readonly cased: boolean;
  /**
   * True when the wildcard form matches exactly the regex's events; false when it matches more
   * (a `.` or `.*` without the `s` flag does not match a newline, a Sigma wildcard does).
   */
  readonly exact: boolean;
}

/**
 * A regex match as the string match of its wildcard form (see regexToSigma), with whether it is
 * exact; null when the regex has no wildcard form.
 */
export function regexAsString(
  m: RegexMatch,
): { readonly match: StringMatch; readonly exact: boolean } | null {
  const s = regexToSigma(m.pattern, m.flags);
  if (!s) return null;
  return {
    match: { kind: 'string', field: m.field, op: s.op, values: [s.value], cased: s.cased, origin: m.origin },
    exact: s.exact,
  };
}

/**
 * The wildcard form of a regex that is a sequence of literals, `.`, `.*` and `.+`, optionally
 * anchored, with a leading `(?i)` or the i flag for case-insensitivity. Null when the regex uses
 * anything else (classes, groups, alternation, other quantifiers).
 */
export function regexToSigma(
  pattern: string,
  flags: { i: boolean; m: boolean; s: boolean },
): SigmaForm | null {
  let p = pattern;
  let i = flags.i;
  let s = flags.s;
  const lead = /^\(\?([is]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('i')) i = true;
    if (lead[1].includes('s')) s = true;
    p = p.slice(lead[0].length);
  }
  let anchoredStart = false;
  let anchoredEnd = false;
  if (p.startsWith('^')) {
    anchoredStart = true;
    p = p.slice(1);
  }
  // `$` (without m) matches at the end or before a final newline in PCRE; `\z` only at the end.
  let dollarEnd = false;
  if (p.endsWith('\\z') && !p.endsWith('\\\\z')) {
    anchoredEnd = true;
    p = p.slice(0, -2);
  } else if (/(^|[^\\])(\\\\)*\$$/.test(p)) {
    anchoredEnd = true;
    dollarEnd = true;
    p = p.slice(0, -1);
  }
  if (flags.m && (anchoredStart || anchoredEnd)) return null; // ^/$ then match at every line
  const parts: Part[] = [];
  let text = '';
  let exact = !dollarEnd;
  const flush = () => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let k = 0; k < p.length; k++) {
    const c = p[k];
    if (c === '\\') {
      const n = p[k + 1];
      if (n === undefined) return null;
      if (/[^A-Za-z0-9]/.test(n)) {
        text += n;
        k++;
        continue;
      }
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(p.slice(k + 2, k + 4))) {
        text += String.fromCharCode(parseInt(p.slice(k + 2, k + 4), 16));
        k += 3;
        continue;
      }
      return null; // \d, \w, \s, \b ... are classes or assertions
    }
    if (c === '.') {
      const q = p[k + 1];
      if (!s) exact = false;
      flush();
      if (q === '*') {
        parts.push({ kind: 'any' });
        k++;
      } else if (q === '+') {
        parts.push({ kind: 'one' }, { kind: 'any' });
        k++;
      } else if (q === '?' || q === '{') return null;
      else parts.push({ kind: 'one' });
      continue;
    }
    if ('^$|?*+()[]{}'.includes(c)) return null;
    const q = p[k + 1];
    if (q === '*' || q === '+' || q === '?' || q === '{') return null; // a quantified literal
    text += c;
  }
  flush();
  // Fold the anchors into an op.
  let op: StringOp;
  if (!anchoredStart && !anchoredEnd) op = 'contains';
  else if (anchoredStart && !anchoredEnd) op = 'startswith';
  else if (!anchoredStart && anchoredEnd) op = 'endswith';
  else op = 'eq';
  // Leading/trailing `.*` make the op wider: an anchored `^.*x` is endswith-like.
  const out = [...parts];
  if (op !== 'contains' && out[0]?.kind === 'any') {
    out.shift();
    op = op === 'eq' ? 'endswith' : 'contains';
  }
  if (op !== 'contains' && out[out.length - 1]?.kind === 'any') {
    out.pop();
    op = op === 'eq' ? 'startswith' : 'contains';
  }
  if (op === 'contains') {
    while (out[0]?.kind === 'any') out.shift();
    while (out[out.length - 1]?.kind === 'any') out.pop();
  }
  return { op, value: out, cased: !i, exact };
}
