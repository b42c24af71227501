/** Locates the backend's data files and templates from source (tests) and from dist (built CLI). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
// Source: backends/sentinel-kql/; built: dist/backends/sentinel-kql/ (data stays in the source tree).
const ROOTS = [here + '../../', here + '../../../'];

export function rootFile(rel: string): string {
  for (const r of ROOTS) if (existsSync(r + rel)) return r + rel;
  throw new Error(`sentinel-kql: missing ${rel}`);
}

export function dataFile(name: string): string {
  return rootFile('backends/sentinel-kql/data/' + name);
}

export function templateFile(name: string): string {
  return rootFile('templates/sentinel/' + name);
}

let tables: Record<string, Record<string, string>> | null = null;

/** Table name -> column name -> Kusto type (data/tables.json). */
export function tableSchemas(): Readonly<Record<string, Readonly<Record<string, string>>>> {
  tables ??= JSON.parse(readFileSync(dataFile('tables.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  return tables;
}
