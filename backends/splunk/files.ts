/** The backend's data and template files, relative to the package root. */
import { readAsset } from '../../src/assets.js';

/** Reads `rel` (relative to the package root). */
export function readRepoFile(rel: string): string {
  return readAsset(rel);
}
