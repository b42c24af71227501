/** Turns command-line inputs (files, directories, globs, `-`) into an ordered list of rule paths. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Inputs {
  readonly paths: string[];
  /** Inputs that named nothing: reported, not fatal. */
  readonly missing: string[];
}

const RULE_FILE = /\.ya?ml$/i;

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  // join(dir, name) for every entry, normalising the directory once (a name has no separators).
  const prefix = join(dir, '_').slice(0, -1);
  for (const e of entries) {
    const p = prefix + e.name;
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && RULE_FILE.test(e.name)) out.push(p);
  }
}

/** Expands inputs in order; a directory is read recursively (sorted), a glob is expanded (sorted). */
export async function expandInputs(inputs: readonly string[]): Promise<Inputs> {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      paths.push('-');
      continue;
    }
    let st;
    try {
      st = statSync(input);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) walk(input, paths);
    else if (st) paths.push(input);
    else if (/[*?[{]/.test(input)) {
      const { glob } = await import('tinyglobby');
      const found = (await glob(input, { onlyFiles: true, expandDirectories: false })).sort();
      if (found.length === 0) missing.push(input);
      paths.push(...found);
    } else missing.push(input);
  }
  return { paths, missing };
}
