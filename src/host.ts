/**
 * What the core needs from its surroundings, injected: the shipped files (backend data tables,
 * templates, ATT&CK data, package.json) and the reading of files a user names (rule files,
 * pipeline files). The core itself imports nothing of Node (eslint.config.js, "the core"), so the
 * same conversion serves the CLI, the library and the browser playground (web/):
 *
 * - under Node, src/node/host.ts installs readers over the file system (src/index.ts and
 *   src/run.ts import it, so the library and the CLI have it);
 * - in a browser bundle, the build defines `__SIGMANTIC_ASSETS__` (the shipped files' text by
 *   path) and there are no user files (scripts/build-web.mjs).
 */

/** The shipped files' text by path from the package root, in a browser bundle only. */
declare const __SIGMANTIC_ASSETS__: Readonly<Record<string, string>> | undefined;

export interface Host {
  /** The text of a shipped file, given relative to the package root. Throws when absent. */
  readAsset(rel: string): string;
  /**
   * The UTF-8 text of a file the user names (a rule file, a pipeline file); with `limit`, null
   * when the file is longer than `limit` bytes. Throws on I/O errors (with Node's `code`).
   */
  readTextFile(path: string, limit?: number): string | null;
  /** An environment variable (pipelines' opt-ins such as SIGMANTIC_ALLOW_EXTERNAL_SOURCES); none in a browser. */
  readonly env?: (name: string) => string | undefined;
}

function bundledAsset(rel: string): string {
  if (typeof __SIGMANTIC_ASSETS__ !== 'undefined' && Object.hasOwn(__SIGMANTIC_ASSETS__, rel))
    return __SIGMANTIC_ASSETS__[rel];
  throw new Error(`sigmantic: the shipped file '${rel}' is not available here`);
}

const NO_FILES: Host = {
  readAsset: bundledAsset,
  readTextFile() {
    throw new Error('no file access here');
  },
};

let current: Host = NO_FILES;

/** Installs the readers (the Node entry does, src/node/host.ts; a library user may too). */
export function setHost(host: Host): void {
  current = host;
}

/** The readers in use. */
export function host(): Host {
  return current;
}
