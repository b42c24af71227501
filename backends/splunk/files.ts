/** Finds the backend's data and template files from source (tests) and from dist (built CLI). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads `rel` (relative to the repository root), looking from this module's source and dist locations. */
export function readRepoFile(rel: string): string {
  for (const up of ['../../', '../../../']) {
    const p = fileURLToPath(new URL(up + rel, import.meta.url));
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  throw new Error(`cannot find ${rel}`);
}
