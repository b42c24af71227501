/**
 * A small SPL (Splunk Search Processing Language) lexer for tests.
 *
 * It is meant to read back the queries the Splunk backend emits, precisely
 * enough to check that a hostile Sigma value stays inside its quoted string
 * (no new pipe, no new command) and that each literal reads back unchanged.
 * It is not a full SPL parser. The rules below follow backends/splunk/NOTES.md.
 *
 * Lexing rules:
 * - `"..."` is a string. Inside it a backslash escapes the next character the
 *   way Splunk does: `\\` is one backslash, `\"` is a quote, `\|` is a pipe.
 *   A backslash before any other character is kept together with that
 *   character (`\s` stays `\s`, Splunk leaves unknown sequences alone).
 *   A quote preceded by an odd number of backslashes does NOT end the string:
 *   `"C:\Windows\"` is unterminated, exactly the trap Splunk has.
 *   A backslash as the last character of the input makes the string
 *   unterminated too. Raw newlines inside a string are kept.
 * - `'...'` at the start of a token is a quoted field name (eval/where
 *   syntax); `\'` and `\\` are unescaped inside it. A `'` inside a bare word is
 *   part of the word.
 * - `` `name` `` / `` `name(args)` `` is a macro; ```` ```text``` ```` is a
 *   comment (Splunk replaces it with a space). Neither is recognised inside a
 *   string.
 * - `|` is a pipe, `(` `)` parentheses, `[` `]` subsearch brackets.
 * - Operators: `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `,`.
 * - Anything else up to whitespace or one of the characters above is a bare
 *   word (field names, OR/AND/NOT/IN, numbers, command names, `*`, `C:\x*`).
 *   A backslash inside a bare word escapes the next character for the purpose
 *   of token boundaries (`a\|b` is one word) and is kept in the word's value.
 */

export type SplToken =
  | { type: 'string'; value: string; raw: string }
  | { type: 'pipe' }
  | { type: 'lparen' }
  | { type: 'rparen' }
  | { type: 'lbracket' }
  | { type: 'rbracket' }
  | { type: 'op'; value: '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | ',' }
  | { type: 'word'; value: string }
  | { type: 'macro'; value: string }
  | { type: 'quotedField'; value: string }
  | { type: 'comment'; value: string };

export class SplLexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'SplLexError';
  }
}

const WORD_STOP = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '\f',
  '\v',
  '|',
  '(',
  ')',
  '[',
  ']',
  '=',
  '!',
  '<',
  '>',
  ',',
  '"',
  '`',
]);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** Reads a double-quoted string starting at `start` (which holds `"`). */
function readString(q: string, start: number): { token: SplToken; end: number } {
  let value = '';
  let i = start + 1;
  while (i < q.length) {
    const c = q[i]!;
    if (c === '\\') {
      if (i + 1 >= q.length) break; // lone trailing backslash: unterminated
      const n = q[i + 1]!;
      if (n === '\\' || n === '"' || n === '|') value += n;
      else value += c + n;
      i += 2;
      continue;
    }
    if (c === '"') {
      return { token: { type: 'string', value, raw: q.slice(start, i + 1) }, end: i + 1 };
    }
    value += c;
    i += 1;
  }
  throw new SplLexError('unterminated string', start);
}

function readQuotedField(q: string, start: number): { token: SplToken; end: number } {
  let value = '';
  let i = start + 1;
  while (i < q.length) {
    const c = q[i]!;
    if (c === '\\' && i + 1 < q.length && (q[i + 1] === "'" || q[i + 1] === '\\')) {
      value += q[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") return { token: { type: 'quotedField', value }, end: i + 1 };
    value += c;
    i += 1;
  }
  throw new SplLexError('unterminated quoted field name', start);
}

export function tokenizeSpl(query: string): SplToken[] {
  const q = query;
  const tokens: SplToken[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (isSpace(c)) {
      i += 1;
      continue;
    }
    if (c === '"') {
      const r = readString(q, i);
      tokens.push(r.token);
      i = r.end;
      continue;
    }
    if (c === '`') {
      if (q.startsWith('```', i)) {
        const close = q.indexOf('```', i + 3);
        if (close < 0) throw new SplLexError('unterminated comment', i);
        tokens.push({ type: 'comment', value: q.slice(i + 3, close) });
        i = close + 3;
        continue;
      }
      const close = q.indexOf('`', i + 1);
      if (close < 0) throw new SplLexError('unterminated macro', i);
      tokens.push({ type: 'macro', value: q.slice(i + 1, close) });
      i = close + 1;
      continue;
    }
    if (c === "'") {
      const r = readQuotedField(q, i);
      tokens.push(r.token);
      i = r.end;
      continue;
    }
    if (c === '|') {
      tokens.push({ type: 'pipe' });
      i += 1;
      continue;
    }
    if (c === '(') {
      tokens.push({ type: 'lparen' });
      i += 1;
      continue;
    }
    if (c === ')') {
      tokens.push({ type: 'rparen' });
      i += 1;
      continue;
    }
    if (c === '[') {
      tokens.push({ type: 'lbracket' });
      i += 1;
      continue;
    }
    if (c === ']') {
      tokens.push({ type: 'rbracket' });
      i += 1;
      continue;
    }
    if (c === ',') {
      tokens.push({ type: 'op', value: ',' });
      i += 1;
      continue;
    }
    if (c === '=') {
      if (q[i + 1] === '=') {
        tokens.push({ type: 'op', value: '==' });
        i += 2;
      } else {
        tokens.push({ type: 'op', value: '=' });
        i += 1;
      }
      continue;
    }
    if (c === '<' || c === '>') {
      if (q[i + 1] === '=') {
        tokens.push({ type: 'op', value: c === '<' ? '<=' : '>=' });
        i += 2;
      } else {
        tokens.push({ type: 'op', value: c });
        i += 1;
      }
      continue;
    }
    if (c === '!' && q[i + 1] === '=') {
      tokens.push({ type: 'op', value: '!=' });
      i += 2;
      continue;
    }
    // Bare word. A lone '!' (not followed by '=') is part of a word.
    let j = i;
    let value = '';
    while (j < q.length) {
      const d = q[j]!;
      if (d === '\\' && j + 1 < q.length) {
        value += d + q[j + 1];
        j += 2;
        continue;
      }
      if (d === '!' && q[j + 1] !== '=') {
        value += d;
        j += 1;
        continue;
      }
      if (WORD_STOP.has(d)) break;
      value += d;
      j += 1;
    }
    if (j === i) throw new SplLexError(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ type: 'word', value });
    i = j;
  }
  return tokens;
}

/** The unescaped values of all double-quoted strings, in order. */
export function splStringLiterals(query: string): string[] {
  const out: string[] = [];
  for (const t of tokenizeSpl(query)) if (t.type === 'string') out.push(t.value);
  return out;
}

/**
 * The command names of the pipeline: 'search' for the leading (implicit or
 * explicit) search, then the word after each top-level pipe. Pipes inside
 * `[ ... ]` subsearches are not top-level. A query that starts with a pipe
 * (`| tstats ...`) has no leading search. Throws if a top-level pipe is not
 * followed by a bare word, or if brackets do not balance.
 */
export function splCommands(query: string): string[] {
  const tokens = tokenizeSpl(query).filter((t) => t.type !== 'comment');
  const out: string[] = [];
  let depth = 0;
  if (tokens.length > 0 && tokens[0]!.type !== 'pipe') out.push('search');
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type === 'lbracket') depth += 1;
    else if (t.type === 'rbracket') {
      depth -= 1;
      if (depth < 0) throw new Error(`unbalanced ] at token ${k}`);
    } else if (t.type === 'pipe' && depth === 0) {
      const next = tokens[k + 1];
      if (!next || next.type !== 'word') {
        throw new Error(`top-level pipe not followed by a command name at token ${k}`);
      }
      out.push(next.value);
    }
  }
  if (depth !== 0) throw new Error('unbalanced [ in query');
  return out;
}

/**
 * Quotes a value the way the backend must: a double-quoted SPL string with
 * `\` and `"` escaped. Provided so tests can build expected queries; the
 * property `splStringLiterals(splQuote(v))[0] === v` holds for every string.
 */
export function splQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}
