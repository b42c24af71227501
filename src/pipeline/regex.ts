/** Python regular expressions in pipeline files (pySigma uses `re`), as JavaScript RegExps. */
import type { Params } from './params.js';

/**
 * Translates the Python-only syntax that has a JavaScript equivalent: named groups `(?P<n>`,
 * back-references `(?P=n)`, `\A`, `\Z`, and leading inline flags `(?i)`, `(?s)`, `(?m)`.
 */
export function pythonRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let source = pattern;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  return { source, flags };
}

/** Compiles a pattern parameter; `anchored` = Python's re.match (anchored at the start). */
export function compileRegex(
  p: Params,
  key: string,
  anchored: boolean,
  pattern?: string,
  extraFlags = '',
): RegExp {
  const text = pattern ?? p.str(key);
  const { source, flags } = pythonRegex(text);
  try {
    return new RegExp(anchored ? `^(?:${source})` : source, [...new Set(flags + extraFlags)].join('') + 'u');
  } catch {
    try {
      // Without the u flag, for patterns with escapes unicode mode rejects (`\-`, `\ `).
      return new RegExp(anchored ? `^(?:${source})` : source, [...new Set(flags + extraFlags)].join(''));
    } catch (e) {
      return p.fail(`'${key}': invalid regular expression '${text}': ${(e as Error).message}`, key);
    }
  }
}

/** Python `re.sub` replacement syntax (`\1`, `\g<1>`, `\g<name>`) as a JavaScript replacement. */
export function pythonReplacement(repl: string): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c === '$') out += '$$';
    else if (c === '\\' && i + 1 < repl.length) {
      const n = repl[i + 1];
      const g = /^g<(\w+)>/.exec(repl.slice(i + 1));
      if (/[0-9]/.test(n)) {
        const d = /^[0-9]{1,2}/.exec(repl.slice(i + 1))![0];
        out += `$${d}`;
        i += d.length;
      } else if (g) {
        out += /^\d+$/.test(g[1]) ? `$${g[1]}` : `$<${g[1]}>`;
        i += g[0].length;
      } else if (n === '\\') {
        out += '\\';
        i++;
      } else if (n === 'n') {
        out += '\n';
        i++;
      } else if (n === 't') {
        out += '\t';
        i++;
      } else out += c;
    } else out += c;
  }
  return out;
}
