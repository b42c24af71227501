/**
 * A Sigma regex (PCRE, unanchored) as an EQL `regex` pattern, which is a Lucene regular
 * expression matched against the whole value (https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html:
 * "Lucene's regular expression engine ... patterns are always anchored"). Only constructs whose
 * meaning is the same in both are translated; anything else is refused (the caller approximates):
 * lookaround, backreferences, word boundaries, Unicode properties, inline flags past the start,
 * anchors that are not the pattern's first or last character, possessive quantifiers.
 */
import type { RegexMatch } from '../../src/ir/types.js';
import { luceneLiteral } from './escape.js';

export type LuceneRegex = { ok: true; pattern: string; caseless: boolean } | { ok: false; reason: string };

const NL = '\n';
// PCRE \s: space, \t, \n, \v (0x0B), \f, \r (PCRE2 pattern syntax, "Generic character types").
const SPACE = ' \t\n\u000b\f\r';
const CLASS_ESCAPES: Readonly<Record<string, string>> = {
  d: '0-9',
  w: '0-9A-Za-z_',
  s: classLiteral(SPACE),
};
const CHAR_ESCAPES: Readonly<Record<string, string>> = {
  t: '\t',
  n: '\n',
  r: '\r',
  f: '\f',
  v: '\u000b',
  e: '\u001b',
  a: '\u0007',
};

/** Characters as members of a Lucene class: `\` makes any character literal there too. */
function classLiteral(s: string): string {
  return s.replace(/[\]\\[^-]/g, (c) => '\\' + c);
}

/** A `\x..` or `\x{...}` escape at `i` (the `x`), as [character, length after the backslash]. */
function hexEscape(p: string, i: number): [string, number] | null {
  const braced = /^x\{([0-9A-Fa-f]{1,6})\}/.exec(p.slice(i));
  if (braced) {
    const c = parseInt(braced[1], 16);
    return c > 0x10ffff ? null : [String.fromCodePoint(c), braced[0].length];
  }
  const short = /^x([0-9A-Fa-f]{2})/.exec(p.slice(i));
  return short ? [String.fromCodePoint(parseInt(short[1], 16)), 3] : null;
}

export function toLucene(m: RegexMatch): LuceneRegex {
  let p = m.pattern;
  let { i: caseless, s: dotall } = m.flags;
  const multiline = m.flags.m;
  const lead = /^\(\?([ims]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('i')) caseless = true;
    if (lead[1].includes('s')) dotall = true;
    if (lead[1].includes('m')) return { ok: false, reason: 'the multiline flag' };
    p = p.slice(lead[0].length);
  }
  // Lucene's case-insensitive matching covers ASCII letters only (RegExp.ASCII_CASE_INSENSITIVE).
  if (caseless && [...p].some((ch) => ch.codePointAt(0)! > 0x7f))
    return { ok: false, reason: 'case-insensitive non-ASCII letters' };
  let out = '';
  let startAnchor = false;
  let endAnchor = false;
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return { ok: false, reason: 'a trailing backslash' };
      if (Object.hasOwn(CLASS_ESCAPES, n)) out += `[${CLASS_ESCAPES[n]}]`;
      else if (Object.hasOwn(CLASS_ESCAPES, n.toLowerCase())) out += `[^${CLASS_ESCAPES[n.toLowerCase()]}]`;
      else if (Object.hasOwn(CHAR_ESCAPES, n)) out += luceneLiteral(CHAR_ESCAPES[n]);
      else if (n === 'x') {
        const h = hexEscape(p, i + 1);
        if (!h) return { ok: false, reason: `the escape \\x` };
        out += luceneLiteral(h[0]);
        i += h[1] - 1;
      } else if (/[A-Za-z0-9]/.test(n)) return { ok: false, reason: `the escape \\${n}` };
      else out += luceneLiteral(n);
      i++;
      continue;
    }
    if (c === '[') {
      const cls = translateClass(p, i);
      if (!cls) return { ok: false, reason: 'a character class' };
      out += cls.text;
      i = cls.end;
      continue;
    }
    if (c === '(') {
      if (p[i + 1] === '?') {
        if (p[i + 2] !== ':') return { ok: false, reason: 'a group with (?' };
        i += 2;
      }
      depth++;
      out += '(';
      continue;
    }
    if (c === ')') {
      if (depth === 0) return { ok: false, reason: 'an unbalanced )' };
      depth--;
      out += ')';
      continue;
    }
    if (c === '|') {
      // An anchor binds to one alternative only when the whole pattern is not one: refuse.
      if (startAnchor || p.endsWith('$')) return { ok: false, reason: 'an anchor beside |' };
      out += '|';
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let q = c;
      if (c === '{') {
        const r = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
        if (!r) {
          out += '\\{'; // PCRE: a '{' that starts no quantifier is literal
          continue;
        }
        q = r[0];
      }
      if (out === '' || out.endsWith('(') || out.endsWith('|'))
        return { ok: false, reason: 'a quantifier with nothing before it' };
      out += q;
      i += q.length - 1;
      if (p[i + 1] === '+') return { ok: false, reason: 'a possessive quantifier' };
      if (p[i + 1] === '?') i++; // lazy: the same set of matches
      continue;
    }
    if (c === '^') {
      if (i !== 0 || multiline) return { ok: false, reason: 'an anchor inside the pattern' };
      startAnchor = true;
      continue;
    }
    if (c === '$') {
      if (i !== p.length - 1 || multiline) return { ok: false, reason: 'an anchor inside the pattern' };
      endAnchor = true;
      continue;
    }
    if (c === '.') {
      // Lucene's '.' is any character; PCRE's excludes a newline unless the s flag is set.
      out += dotall ? '.' : `[^${NL}]`;
      continue;
    }
    out += luceneLiteral(c);
  }
  if (depth !== 0) return { ok: false, reason: 'an unbalanced (' };
  if (startAnchor && p.includes('|')) return { ok: false, reason: 'an anchor beside |' };
  // PCRE's '$' (no D flag) also matches before a final newline.
  const head = startAnchor ? '' : '.*';
  const tail = endAnchor ? `(${NL})?` : '.*';
  return { ok: true, pattern: `${head}(${out})${tail}`, caseless };
}

/** A PCRE character class from `[` at `at`, as a Lucene class, or null when it uses more. */
function translateClass(p: string, at: number): { text: string; end: number } | null {
  let i = at + 1;
  let neg = false;
  if (p[i] === '^') {
    neg = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === ']' && !first) return body === '' ? null : { text: `[${neg ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '[') {
      if (p[i + 1] === ':' || p[i + 1] === '=' || p[i + 1] === '.') return null; // POSIX classes
      body += '\\[';
      continue;
    }
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return null;
      i++;
      if (Object.hasOwn(CLASS_ESCAPES, n)) body += CLASS_ESCAPES[n];
      else if (Object.hasOwn(CHAR_ESCAPES, n)) body += classLiteral(CHAR_ESCAPES[n]);
      else if (n === 'x') {
        const h = hexEscape(p, i);
        if (!h) return null;
        body += classLiteral(h[0]);
        i += h[1] - 1;
      } else if (/[A-Za-z0-9]/.test(n))
        return null; // \D \W \S \b \p ... inside a class
      else body += classLiteral(n);
      continue;
    }
    if (c === '-') {
      // A range between two literal members stays a range; a '-' first or last is literal.
      const prevIsMember = body !== '' && !body.endsWith('-');
      const next = p[i + 1];
      if (prevIsMember && next !== undefined && next !== ']' && next !== '\\' && next !== '[') {
        body += '-';
        continue;
      }
      body += '\\-';
      continue;
    }
    body += classLiteral(c);
  }
  return null;
}
