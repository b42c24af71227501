/**
 * pySigma's external-source placeholders (sigma/processing/transformations/external.py):
 * `file_placeholders` reads the values of `%name%` from a local file (plaintext, csv, json, yaml);
 * `http_placeholders` and `command_placeholders` are refused: a conversion that fetches from the
 * network or runs commands would not be reproducible or offline (write the values into a file).
 * As in pySigma, reading external sources is off unless the item says `allow_external_sources:
 * true` or the environment sets PYSIGMA_ALLOW_EXTERNAL_SOURCES=1 (or SIGMANTIC_ALLOW_EXTERNAL_SOURCES=1).
 * Files are read through the host (src/host.ts): none in a browser.
 */
import yaml from 'js-yaml';
import { parseSigmaString } from '../ir/sigma-string.js';
import type { SigmaString } from '../ir/types.js';
import { host } from '../host.js';
import { RuleFailure } from './context.js';
import { describe, scalarText, type Params } from './params.js';
import { compileRegex } from './regex.js';

const FORMATS = ['plaintext', 'csv', 'json', 'yaml'] as const;
/** pySigma's cap on the data taken from an external source (10 MiB). */
const MAX_BYTES = 10 * 1024 * 1024;

function allowed(p: Params): boolean {
  if (p.bool('allow_external_sources', false)) return true;
  const env = host().env;
  return ['1', 'true'].includes(
    (
      env?.('SIGMANTIC_ALLOW_EXTERNAL_SOURCES') ??
      env?.('PYSIGMA_ALLOW_EXTERNAL_SOURCES') ??
      ''
    ).toLowerCase(),
  );
}

/**
 * The values of a `file_placeholders` item, read once on first use. Returns a function that
 * gives them (throwing a RuleFailure with the reason when the file cannot serve).
 */
export function fileValues(p: Params): () => SigmaString[] {
  const path = p.text('path')!;
  if (path === '') p.fail("'path' must not be empty", 'path');
  const format = p.oneOf('format', FORMATS, 'plaintext');
  const filter = p.has('filter') && p.raw('filter') !== null ? compileRegex(p, 'filter', false) : undefined;
  const column = p.raw('csv_column');
  const hasHeader = p.bool('csv_has_header', true);
  const jq = p.text('jq_expression', true);
  if (format === 'csv' && (column === undefined || column === null))
    p.fail("'csv_column' must be given when format is 'csv'", 'csv_column');
  const colName = typeof column === 'string' ? column : undefined;
  const colIndex =
    colName === undefined && column !== undefined && column !== null ? Number(scalarText(column)) : undefined;
  if (colIndex !== undefined && !(Number.isInteger(colIndex) && colIndex >= 0))
    p.fail(`'csv_column' must be a column name or a 0-based index, not ${describe(column)}`, 'csv_column');
  if (colName !== undefined && !hasHeader)
    p.fail('a CSV column named by name needs a header row (csv_has_header: true)', 'csv_column');
  if ((format === 'json' || format === 'yaml') && jq === undefined)
    p.fail(`'jq_expression' must be given when format is '${format}'`, 'jq_expression');
  const path_ = jq !== undefined ? jqPath(jq, (m) => p.fail(`'jq_expression': ${m}`, 'jq_expression')) : [];
  const ok = allowed(p);
  let cache: SigmaString[] | undefined;
  return () => {
    if (cache) return cache;
    if (!ok)
      throw new RuleFailure(
        `file_placeholders reads '${path}': external sources are off by default, as in pySigma; allow them with 'allow_external_sources: true' on the item or SIGMANTIC_ALLOW_EXTERNAL_SOURCES=1`,
      );
    let text: string | null;
    try {
      text = host().readTextFile(path, MAX_BYTES);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new RuleFailure(
        `file_placeholders: cannot read '${path}'${code ? ` (${code})` : `: ${(e as Error).message}`}`,
      );
    }
    if (text === null) throw new RuleFailure(`file_placeholders: '${path}' exceeds ${MAX_BYTES} bytes`);
    let values: string[];
    if (format === 'plaintext')
      values = text
        .split(/\r\n|\n|\r/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
    else if (format === 'csv') values = csvColumn(text, colName, colIndex, hasHeader, path);
    else {
      let doc: unknown;
      try {
        doc = format === 'json' ? JSON.parse(text) : yaml.load(text);
      } catch (e) {
        throw new RuleFailure(`file_placeholders: '${path}' is not ${format}: ${(e as Error).message}`);
      }
      values = jqValues(doc, path_, jq!);
    }
    if (filter) values = values.filter((v) => filter.test(v));
    return (cache = values.map((v) => parseSigmaString(v)));
  };
}

/** Refusal of the placeholder types that need the network or a command. */
export function refuseExternal(kind: 'http_placeholders' | 'command_placeholders', p: Params): never {
  return p.fail(
    `'${kind}' ${kind === 'http_placeholders' ? 'fetches values over the network' : 'runs a command'} at conversion time: sigmantic converts offline and reproducibly; write the values into a file and use file_placeholders, or into the pipeline's vars`,
    'type',
  );
}

type Step = { readonly key: string } | { readonly each: true };

/** The jq subset a path needs: `.`, `.a`, `.a.b`, `.["a b"]`, `.a[]`, `.[]` chains. */
function jqPath(expr: string, fail: (m: string) => never): Step[] {
  const t = expr.trim();
  if (t === '.') return [];
  const steps: Step[] = [];
  const re = /\.([A-Za-z_][\w]*)|\.?\["((?:[^"\\]|\\.)*)"\]|\.?\[\]/y;
  let i = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m)
      fail(`'${expr}' is beyond the paths sigmantic evaluates (.a.b, .a[], .["k"]; no filters or functions)`);
    if (m![1] !== undefined) steps.push({ key: m![1] });
    else if (m![2] !== undefined) steps.push({ key: JSON.parse(`"${m![2]}"`) as string });
    else steps.push({ each: true });
    i = re.lastIndex;
  }
  return steps;
}

function jqValues(doc: unknown, steps: readonly Step[], expr: string): string[] {
  let cur: unknown[] = [doc];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('each' in s) {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
        else throw new RuleFailure(`file_placeholders: '${expr}' iterates over ${describe(v)}`);
      } else if (v === null || v === undefined) next.push(null);
      else if (typeof v === 'object' && !Array.isArray(v))
        next.push((v as Record<string, unknown>)[s.key] ?? null);
      else throw new RuleFailure(`file_placeholders: '${expr}' takes key '${s.key}' of ${describe(v)}`);
    }
    cur = next;
  }
  return cur
    .filter((v) => v !== null && v !== undefined)
    .map((v) => {
      if (typeof v === 'object')
        throw new RuleFailure(
          `file_placeholders: '${expr}' must select single values, not ${describe(v)} (e.g. '.items[]' instead of '.items')`,
        );
      return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    });
}

/** One column of RFC 4180 CSV text. */
function csvColumn(
  text: string,
  name: string | undefined,
  index: number | undefined,
  header: boolean,
  path: string,
): string[] {
  const rows = parseCsv(text);
  let col = index ?? 0;
  let body = rows;
  if (header) {
    const head = rows[0] ?? [];
    body = rows.slice(1);
    if (name !== undefined) {
      col = head.indexOf(name);
      if (col < 0) throw new RuleFailure(`file_placeholders: CSV column '${name}' not found in '${path}'`);
    }
  }
  return body.filter((r) => col < r.length).map((r) => r[col]);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') row.push(field);
      if (row.length) rows.push(row);
      row = [];
      field = '';
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field !== '') row.push(field);
  if (row.length) rows.push(row);
  return rows;
}
