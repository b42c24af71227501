/** Lazy access to the backend's data files (ECS field types, pipelines), from source or dist. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The directory holding `name`: next to this module (source) or in the package (dist). */
function locate(rel: string): string {
  const candidates = [
    new URL('./' + rel, import.meta.url),
    new URL('../../../backends/elastic-kql/' + rel, import.meta.url),
  ];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return p;
  }
  throw new Error(`elastic backend: missing data file ${rel}`);
}

export function readData<T>(name: string): T {
  return JSON.parse(readFileSync(locate('data/' + name), 'utf8')) as T;
}

/** A template of templates/elastic, from source or dist. */
export function readTemplate(name: string): string {
  const candidates = [
    new URL('../../templates/elastic/' + name, import.meta.url),
    new URL('../../../templates/elastic/' + name, import.meta.url),
  ];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  throw new Error(`elastic backend: missing template ${name}`);
}
