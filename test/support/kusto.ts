/**
 * Kusto (KQL) test helpers built on Microsoft's parser, `@kusto/language-service-next`, and on `re2js`.
 *
 * Usage (jest, ESM):
 *   import { parseKusto, bindKusto, stringLiteralValues, re2Compiles } from '../support/kusto.js';
 *   import tables from '../../backends/sentinel-kql/data/tables.json' with { type: 'json' };
 *   expect(parseKusto(q).errors).toEqual([]);                 // syntax only
 *   expect(bindKusto(q, tables).errors).toEqual([]);          // + unknown tables/columns/functions, operand types
 *   expect(stringLiteralValues(q)).toContain(value);          // every string literal token, parsed value, in order
 *   expect(re2Compiles(pattern)).toBe(true);                  // what `matches regex` accepts (RE2 syntax)
 *
 * Notes
 * - The package is a Bridge.NET bundle that installs globals (`Bridge`, `Kusto`) instead of exporting a module.
 *   It is loaded once, lazily, through createRequire; the first call costs ~0.4 s to load plus ~1 s of JIT
 *   warm-up; after that a parse takes ~1 ms and parse+bind ~3 ms for a typical rule query.
 * - Error strings look like `KS142 @28+3: The name 'Foo' does not refer to any known column, ...`
 *   (code, start offset + length, message). Only diagnostics with severity Error are returned.
 * - The analyzer does not flag every type mismatch (e.g. `LongColumn == "x"` passes); it does flag operators that
 *   are undefined for the operand types (e.g. `LongColumn contains "x"`, KS106).
 * - stringLiteralValues returns one entry per string literal token: `"a" "b"` (implicit concatenation) gives
 *   ["a", "b"]; `h"..."` / `@"..."` / ```...``` are decoded like any other string literal.
 */
import { createRequire } from 'node:module';
import { RE2JS } from 're2js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Diagnostic = { Code: string; Severity: string; Start: number; Length: number; Message: string };
type BridgeList<T> = { Count: number; getItem(i: number): T };

export type TableSchemas = Record<string, Record<string, string>>;

let kustoNs: any = null;

function kusto(): any {
  if (kustoNs) return kustoNs;
  const require = createRequire(import.meta.url);
  require('@kusto/language-service-next/bridge.min.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  const g = globalThis as any;
  if (!g.Kusto?.Language?.KustoCode)
    throw new Error('@kusto/language-service-next did not register the Kusto global');
  kustoNs = g.Kusto.Language;
  return kustoNs;
}

function errorsOf(list: BridgeList<Diagnostic> | null | undefined): string[] {
  const out: string[] = [];
  if (!list) return out;
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    if (String(d.Severity) === 'Error') out.push(`${d.Code} @${d.Start}+${d.Length}: ${d.Message}`);
  }
  return out;
}

/** Syntax errors only (no name or type checking). */
export function parseKusto(query: string): { errors: string[] } {
  const K = kusto();
  const code = K.KustoCode.Parse(query);
  return { errors: errorsOf(code.GetSyntaxDiagnostics()) };
}

function scalarType(K: any, type: string, where: string): any {
  const S = K.Symbols.ScalarTypes;
  switch (type.toLowerCase()) {
    case 'string':
      return S.String;
    case 'int':
      return S.Int;
    case 'long':
      return S.Long;
    case 'real':
    case 'double':
      return S.Real;
    case 'bool':
    case 'boolean':
      return S.Bool;
    case 'datetime':
      return S.DateTime;
    case 'dynamic':
      return S.Dynamic;
    case 'guid':
      return S.Guid;
    case 'timespan':
      return S.TimeSpan;
    case 'decimal':
      return S.Decimal;
    default:
      throw new Error(`unknown Kusto type "${type}" for ${where}`);
  }
}

const globalsCache = new WeakMap<TableSchemas, any>();

function globalsFor(tables: TableSchemas): any {
  const cached = globalsCache.get(tables);
  if (cached) return cached;
  const K = kusto();
  const Sym = K.Symbols;
  const tableSymbols = Object.entries(tables).map(
    ([name, cols]) =>
      new Sym.TableSymbol.$ctor6(
        name,
        Object.entries(cols).map(
          ([col, type]) =>
            new Sym.ColumnSymbol(col, scalarType(K, type, `${name}.${col}`), null, null, null, null),
        ),
        null,
      ),
  );
  const db = new Sym.DatabaseSymbol.$ctor1('sentinel', tableSymbols, false);
  const globals = K.GlobalState.Default.WithDatabase(db);
  globalsCache.set(tables, globals);
  return globals;
}

/** Syntax and semantic errors (unknown tables, columns, functions; operators undefined for operand types). */
export function bindKusto(query: string, tables: TableSchemas): { errors: string[] } {
  const K = kusto();
  const code = K.KustoCode.ParseAndAnalyze(query, globalsFor(tables));
  return { errors: errorsOf(code.GetDiagnostics()) };
}

/** The decoded value of every string literal token of the parsed query, in source order. */
export function stringLiteralValues(query: string): string[] {
  const K = kusto();
  const code = K.KustoCode.Parse(query);
  const kind = K.Syntax.SyntaxKind.StringLiteralToken;
  const out: string[] = [];
  code.Syntax.WalkTokens((t: any) => {
    if (t.Kind === kind) out.push(String(t.Value ?? t.ValueText ?? ''));
  });
  return out;
}

/** True if `pattern` compiles as an RE2 regular expression (the dialect of Kusto `matches regex`). */
export function re2Compiles(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}
