/**
 * Files shipped with the package (backend data, templates, ATT&CK data, package.json), read
 * through the host (src/host.ts): from the package root under Node (src/node/assets.ts), from
 * the bundled table in the browser.
 */
import { host } from './host.js';

/** The text of a shipped file, given relative to the package root. */
export function readAsset(rel: string): string {
  return host().readAsset(rel);
}
