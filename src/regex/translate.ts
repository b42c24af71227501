/**
 * Sigma regular expressions (PCRE-like, unanchored) translated to JavaScript RegExp with the
 * same meaning. The translation is exact for what it accepts and refuses the rest with a reason.
 *
 * - Always compiled with the `u` flag: `.` and `[^x]` match one code point; `i` folds case by
 *   Unicode simple case folding, as the string matches do.
 * - PCRE's default newline is LF: `.` is `[^\n]` (anything with `s`), `$` matches at the end or
 *   before a final `\n`, and under `m` `^`/`$` are at `\n` boundaries only (JavaScript would also
 *   use `\r`, U+2028, U+2029). `\A`, `\z`, `\Z` are translated.
 * - Leading inline flags `(?i)`, `(?s)`, `(?m)`, `(?x)` (any combination) apply to the whole
 *   pattern. Other PCRE syntax translated: `\Q...\E`, `(?#...)`, `(?P<n>...)`, `(?'n'...)`,
 *   `(?P=n)`, `\k{n}`, `\g{n}`, `\gN`, `\x{...}`, `\e`, `\a`, `\h`, `\H`, `\v`, `\V`, `\R`, `\N`,
 *   `\pL`, POSIX classes `[[:alpha:]]`, a `]` first in a class, a `{` that is not a quantifier,
 *   escaped punctuation (`\"`, `\-`, ...).
 * - Not supported (the rule cannot be evaluated): possessive quantifiers (`a++`), atomic groups
 *   `(?>...)`, inline flags after the start or scoped `(?i:...)` (unless the flag is already on),
 *   conditionals, recursion, `(?|...)`, `\G`, `\K`, `\X`, `\C`, relative back-references, callouts.
 * - Known differences: `\w`, `\d`, `\s`, `\b` are JavaScript's (`\s` includes Unicode spaces,
 *   PCRE's only ASCII; under `i`, `\w` also matches U+017F and U+212A).
 */

export type RegexResult = { ok: true; regexp: RegExp; source: string } | { ok: false; reason: string };

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const H_SPACE = '\\t\\x20\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
const V_SPACE = '\\n-\\r\\x85\\u2028\\u2029';
const POSIX: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t-\\r\\x20',
  blank: '\\t\\x20',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  ascii: '\\x00-\\x7f',
};

class Unsupported extends Error {}

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** A literal character, escaped for outside or inside a class under the `u` flag. */
function literal(c: string, inClass: boolean): string {
  if (SYNTAX.has(c) || (inClass && c === '-')) return '\\' + c;
  return c;
}

/** Translates a PCRE-like pattern with Sigma's `i`, `m`, `s` flags into a JavaScript RegExp. */
export function translateRegex(pattern: string, flags: { i: boolean; m: boolean; s: boolean }): RegexResult {
  let { i, m, s } = flags;
  let x = false;
  let p = pattern;
  // Leading inline flags, possibly several groups: (?i)(?s)...
  for (;;) {
    const lead = /^\(\?([a-zA-Z]+)\)/.exec(p);
    if (!lead) break;
    for (const f of lead[1]) {
      if (f === 'i') i = true;
      else if (f === 'm') m = true;
      else if (f === 's') s = true;
      else if (f === 'x') x = true;
      else return { ok: false, reason: `inline flag '${f}' is not supported` };
    }
    p = p.slice(lead[0].length);
  }
  let source: string;
  try {
    source = translate(p, { i, m, s, x });
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
  try {
    const regexp = new RegExp(source, i ? 'iu' : 'u');
    try {
      // V8 compiles a RegExp at its first use: a valid pattern beyond its limits ("Regular
      // expression too large", "Stack overflow") fails here, as a construct JavaScript lacks.
      regexp.test('');
    } catch (e) {
      const why =
        e instanceof Error ? e.message.replace(/^Invalid regular expression: .*: /s, '') : String(e);
      return {
        ok: false,
        reason: `a regular expression beyond JavaScript's limits (${why}) is not supported`,
      };
    }
    return { ok: true, regexp, source };
  } catch (e) {
    return {
      ok: false,
      reason: e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e),
    };
  }
}

function translate(p: string, f: { i: boolean; m: boolean; s: boolean; x: boolean }): string {
  let out = '';
  let pos = 0;
  /** Whether the last thing emitted can take a quantifier suffix check (for possessive detection). */
  let afterQuantifier = false;
  const n = p.length;
  const fail = (what: string): never => {
    throw new Unsupported(`${what} (at offset ${pos}) is not supported`);
  };

  /** Translates an escape at p[pos] === '\\'; returns the JS text; advances pos. */
  const escape = (inClass: boolean): string => {
    const c = p[pos + 1];
    if (c === undefined) throw new Unsupported('a trailing backslash is not a valid regular expression');
    pos += 2;
    if (/[1-9]/.test(c) && !inClass) {
      let digits = c;
      while (/[0-9]/.test(p[pos] ?? '')) digits += p[pos++];
      return '\\' + digits;
    }
    if (c === '0') {
      let oct = '';
      while (oct.length < 2 && /[0-7]/.test(p[pos] ?? '')) oct += p[pos++];
      return hexEscape(parseInt(oct || '0', 8));
    }
    if (/[0-9]/.test(c)) fail(`the escape '\\${c}' in a class`);
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
      case 'n':
      case 'r':
      case 't':
      case 'f':
        return '\\' + c;
      case 'b':
        return inClass ? '\\x08' : '\\b';
      case 'B':
        if (inClass) fail("'\\B' in a class");
        return '\\B';
      case 'e':
        return '\\x1b';
      case 'a':
        return '\\x07';
      case 'h':
        return inClass ? H_SPACE : `[${H_SPACE}]`;
      case 'H':
        if (inClass) fail("'\\H' in a class");
        return `[^${H_SPACE}]`;
      case 'v':
        return inClass ? V_SPACE : `[${V_SPACE}]`;
      case 'V':
        if (inClass) fail("'\\V' in a class");
        return `[^${V_SPACE}]`;
      case 'R':
        if (inClass) fail("'\\R' in a class");
        return `(?:\\r\\n|[${V_SPACE}])`;
      case 'N':
        if (inClass) fail("'\\N' in a class");
        return '[^\\n]';
      case 'A':
        if (inClass) fail("'\\A' in a class");
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) fail("'\\z' in a class");
        return '(?![\\s\\S])';
      case 'Z':
        if (inClass) fail("'\\Z' in a class");
        return '(?=\\n?(?![\\s\\S]))';
      case 'c': {
        const k = p[pos++];
        if (!k || !/[a-zA-Z]/.test(k)) fail("'\\c' without a letter");
        return '\\c' + k;
      }
      case 'x': {
        if (p[pos] === '{') {
          const end = p.indexOf('}', pos);
          const hex = end === -1 ? '' : p.slice(pos + 1, end);
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) fail("a '\\x{...}' escape without hex digits");
          pos = end + 1;
          return hexEscape(parseInt(hex, 16));
        }
        let hex = '';
        while (hex.length < 2 && /[0-9a-fA-F]/.test(p[pos] ?? '')) hex += p[pos++];
        return hexEscape(parseInt(hex || '0', 16));
      }
      case 'p':
      case 'P': {
        let name: string;
        if (p[pos] === '{') {
          const end = p.indexOf('}', pos);
          if (end === -1) fail(`'\\${c}' without a closing brace`);
          name = p.slice(pos + 1, end);
          pos = end + 1;
        } else name = p[pos++] ?? '';
        let neg = c === 'P';
        if (name.startsWith('^')) {
          neg = !neg;
          name = name.slice(1);
        }
        const esc = neg ? 'P' : 'p';
        for (const cand of [name, `Script=${name}`]) {
          try {
            new RegExp(`\\${esc}{${cand}}`, 'u');
            return `\\${esc}{${cand}}`;
          } catch {
            // try the next spelling
          }
        }
        return fail(`the Unicode property '${name}'`);
      }
      case 'g': {
        if (inClass) fail("'\\g' in a class");
        const m = /^(?:\{(-?\d+|\w+)\}|(-?\d+)|<(\w+)>|'(\w+)')/.exec(p.slice(pos));
        if (!m) return fail("'\\g'");
        pos += m[0].length;
        const ref = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (m[3] !== undefined || m[4] !== undefined) fail('subroutine calls');
        if (ref.startsWith('-')) fail('relative back-references');
        return /^\d+$/.test(ref) ? '\\' + ref : `\\k<${ref}>`;
      }
      case 'k': {
        if (inClass) fail("'\\k' in a class");
        const m = /^(?:<(\w+)>|'(\w+)'|\{(\w+)\})/.exec(p.slice(pos));
        if (!m) return fail("'\\k' without a name");
        pos += m[0].length;
        return `\\k<${m[1] ?? m[2] ?? m[3]}>`;
      }
      case 'Q': {
        const end = p.indexOf('\\E', pos);
        const text = end === -1 ? p.slice(pos) : p.slice(pos, end);
        pos = end === -1 ? n : end + 2;
        let lit = '';
        for (const ch of text) lit += literal(ch, inClass);
        return inClass || [...text].length <= 1 ? lit : `(?:${lit})`;
      }
      case 'E':
        return '';
      default:
        if (/[a-zA-Z]/.test(c)) return fail(`the escape '\\${c}'`);
        return literal(c, inClass);
    }
  };

  const klass = (): string => {
    // p[pos] === '['
    pos++;
    let body = '';
    let neg = false;
    if (p[pos] === '^') {
      neg = true;
      pos++;
    }
    // A ']' right after '[' or '[^' is a literal in PCRE.
    if (p[pos] === ']') {
      body += '\\]';
      pos++;
    }
    for (;;) {
      if (pos >= n) throw new Unsupported('a character class without a closing bracket');
      const c = p[pos];
      if (c === ']') {
        pos++;
        break;
      }
      if (c === '\\') {
        body += escape(true);
        continue;
      }
      if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(pos));
        if (posix) {
          const set = POSIX[posix[2]];
          if (set === undefined) fail(`the POSIX class '${posix[2]}'`);
          if (posix[1]) fail('a negated POSIX class');
          body += set;
          pos += posix[0].length;
          continue;
        }
        body += '\\[';
        pos++;
        continue;
      }
      const cp = p.codePointAt(pos)!;
      const ch = String.fromCodePoint(cp);
      body += c === '-' ? '-' : literal(ch, true);
      pos += ch.length;
    }
    return `[${neg ? '^' : ''}${body}]`;
  };

  while (pos < n) {
    const c = p[pos];
    if (f.x && /\s/.test(c)) {
      pos++;
      continue;
    }
    if (f.x && c === '#') {
      while (pos < n && p[pos] !== '\n') pos++;
      continue;
    }
    // Quantifiers, and the possessive form that JavaScript lacks.
    if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(?:,\d*)?\}/.test(p.slice(pos)))) {
      if (c === '+' && afterQuantifier) fail('a possessive quantifier');
      if (c === '?' && afterQuantifier) {
        out += '?';
        pos++;
        afterQuantifier = false;
        continue;
      }
      if (c === '{') {
        const q = /^\{\d+(?:,\d*)?\}/.exec(p.slice(pos))![0];
        out += q;
        pos += q.length;
      } else {
        out += c;
        pos++;
      }
      afterQuantifier = true;
      continue;
    }
    afterQuantifier = false;
    switch (c) {
      case '\\':
        out += escape(false);
        break;
      case '[':
        out += klass();
        break;
      case '{':
      case '}':
      case ']':
        out += '\\' + c;
        pos++;
        break;
      case '.':
        out += f.s ? '[\\s\\S]' : '[^\\n]';
        pos++;
        break;
      case '^':
        out += f.m ? '(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))' : '^';
        pos++;
        break;
      case '$':
        out += f.m ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
        pos++;
        break;
      case '(': {
        if (p[pos + 1] !== '?') {
          out += '(';
          pos++;
          break;
        }
        const rest = p.slice(pos + 2);
        let m: RegExpExecArray | null;
        if (/^(?::|=|!|<=|<!)/.test(rest)) {
          const len = rest.startsWith('<') ? 3 : 2;
          out += p.slice(pos, pos + len + 1);
          pos += len + 1;
        } else if ((m = /^(?:P?<(\w+)>|'(\w+)')/.exec(rest))) {
          out += `(?<${m[1] ?? m[2]}>`;
          pos += 2 + m[0].length;
        } else if ((m = /^P=(\w+)\)/.exec(rest))) {
          out += `\\k<${m[1]}>`;
          pos += 2 + m[0].length;
        } else if (rest.startsWith('#')) {
          const end = p.indexOf(')', pos);
          if (end === -1) fail('an unterminated comment');
          pos = end + 1;
        } else if ((m = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest))) {
          // Inline flags in the middle: accepted only when they change nothing.
          const on = m[1];
          const off = m[2] ?? '';
          const current = { i: f.i, m: f.m, s: f.s, x: f.x } as Record<string, boolean>;
          const noop =
            [...on].every((k) => current[k] === true) && [...off].every((k) => current[k] === false);
          if (!noop) fail(`the inline flags '(?${m[0].slice(0, -1)}' after the start of the pattern`);
          if (m[3] === ':') out += '(?:';
          pos += 2 + m[0].length;
        } else if (rest.startsWith('>')) fail('an atomic group');
        else fail(`the group '(?${rest.slice(0, 2)}'`);
        break;
      }
      default: {
        const cp = p.codePointAt(pos)!;
        const ch = String.fromCodePoint(cp);
        out += ch;
        pos += ch.length;
      }
    }
  }
  return out;
}
