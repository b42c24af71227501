/**
 * The package's shipped files under Node, found the same way from the TypeScript sources (tests),
 * the compiled `dist/` and the bundle: by walking up from this module to the package root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root: the nearest ancestor directory whose package.json is sigmantic's. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sigmantic')
      return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('sigmantic: cannot find the package root (package.json)');
    dir = up;
  }
}

/** The absolute path of a shipped file, given relative to the package root. */
export function assetPath(rel: string): string {
  return join(packageRoot(), rel);
}

/** The text of a shipped file, given relative to the package root. */
export function readPackageFile(rel: string): string {
  return readFileSync(assetPath(rel), 'utf8');
}
