/** Locates the backend's data files and templates from source (tests) and from dist (built CLI). */
import { readFileSync } from 'node:fs';
import { assetPath } from '../../src/assets.js';

/** A shipped file, relative to the package root. */
export function rootFile(rel: string): string {
  return assetPath(rel);
}

export function dataFile(name: string): string {
  return rootFile('backends/sentinel-kql/data/' + name);
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
