/** Turns command-line inputs (files, directories, globs, `-`) into an ordered list of rule paths. */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';

export interface Inputs {
  readonly paths: string[];
  /** Inputs that named nothing: reported, not fatal. */
  readonly missing: string[];
  /** Warnings about the inputs (a symbolic link loop, a broken link). */
  readonly notes: Diagnostic[];
}

export interface InputOptions {
  /** Globs of paths to leave out (also given as inputs starting with `!`). */
  readonly exclude?: readonly string[];
}

const RULE_FILE = /\.ya?ml$/i;
/** The expectations docs/testing-rules.md puts beside a rule (`<rule>.test.yml`): not rules. */
const TEST_FILE = /\.test\.ya?ml$/i;

/**
 * A glob as a regular expression over a path with `/` separators: `**` any folders, `*` and `?`
 * within a name, `[...]` a class, `{a,b}` alternatives. A glob without `/` matches a file's name
 * in any folder (as .gitignore reads one).
 */
export function globRegExp(glob: string): RegExp {
  let g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!g.includes('/')) g = `**/${g}`;
  let re = '';
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = g.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re +=
          '[' +
          g
            .slice(i + 1, end)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = end;
      }
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // A glob naming a folder leaves out everything under it too.
  return new RegExp(`^(?:\\./)?${re}(?:/.*)?$`, process.platform === 'win32' ? 'i' : '');
}

class Walker {
  readonly paths: string[] = [];
  readonly notes: Diagnostic[] = [];
  /** The real paths of the folders being read, outermost first: a link back into one is a loop. */
  private readonly open: string[] = [];
  constructor(private readonly excluded: (path: string) => boolean) {}

  add(path: string): void {
    if (!this.excluded(path)) this.paths.push(path);
  }

  /**
   * `real`: the folder's real path when its parent's is known and it is not a link (the parent's
   * real path and its name); otherwise worked out here. realpathSync looks up every component of
   * the path, which for the 552 folders of the SigmaHQ corpus cost about 100 ms of a 1.7 s run.
   */
  walk(dir: string, real: string = realpathSync(dir)): void {
    if (this.open.includes(real)) {
      const sink = new DiagnosticSink(dir);
      sink.warning(
        'symlink-loop',
        `a symbolic link back to ${real}, a folder being read: not followed again`,
      );
      this.notes.push(sink.list[0]);
      return;
    }
    this.open.push(real);
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    // join(dir, name) for every entry, normalising the directory once (a name has no separators).
    const prefix = join(dir, '_').slice(0, -1);
    const realPrefix = join(real, '_').slice(0, -1);
    for (const e of entries) this.entry(prefix + e.name, e, realPrefix);
    this.open.pop();
  }

  private entry(p: string, e: Dirent, realPrefix: string): void {
    let dir = e.isDirectory();
    let file = e.isFile();
    // A folder that is not a link lies where its parent really is.
    let real: string | undefined = dir ? realPrefix + e.name : undefined;
    if (e.isSymbolicLink()) {
      real = undefined;
      // Followed: a linked rule or folder is read like any other (loops are stopped in walk).
      try {
        const st = statSync(p);
        dir = st.isDirectory();
        file = st.isFile();
      } catch {
        const sink = new DiagnosticSink(p);
        sink.warning('io-error', 'a symbolic link to nothing: skipped');
        this.notes.push(sink.list[0]);
        return;
      }
    }
    if (dir) {
      if (!this.excluded(p)) this.walk(p, real);
    } else if (file && RULE_FILE.test(e.name) && !TEST_FILE.test(e.name)) this.add(p);
  }
}

/**
 * Expands inputs in order; a directory is read recursively (sorted, symbolic links followed), a
 * glob is expanded (sorted). `<rule>.test.yml` files are left out of directories and globs; an
 * input starting with `!` is a glob of paths to leave out, like `exclude`.
 */
export async function expandInputs(inputs: readonly string[], options: InputOptions = {}): Promise<Inputs> {
  const missing: string[] = [];
  const excludes = [
    ...(options.exclude ?? []),
    ...inputs.filter((i) => i.startsWith('!')).map((i) => i.slice(1)),
  ];
  const res = excludes.map(globRegExp);
  const excluded =
    res.length === 0 ? () => false : (p: string) => res.some((re) => re.test(p.replace(/\\/g, '/')));
  const w = new Walker(excluded);
  for (const input of inputs) {
    if (input.startsWith('!')) continue;
    if (input === '-') {
      w.paths.push('-');
      continue;
    }
    let st;
    try {
      st = statSync(input);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) w.walk(input);
    else if (st) w.add(input);
    else if (/[*?[{]/.test(input)) {
      const { glob } = await import('tinyglobby');
      const found = (
        await glob(input, { onlyFiles: true, expandDirectories: false, followSymbolicLinks: true })
      ).sort();
      if (found.length === 0) missing.push(input);
      for (const f of found) if (!TEST_FILE.test(f)) w.add(f);
    } else missing.push(input);
  }
  return { paths: w.paths, missing, notes: w.notes };
}

/** The folder a glob starts from: its leading part without wildcards. */
function globBase(glob: string): string {
  const parts = glob.replace(/\\/g, '/').split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (/[*?[{]/.test(p)) break;
    fixed.push(p);
  }
  return fixed.length === parts.length ? dirname(glob) : fixed.join('/') || '.';
}

/**
 * The folder that every input lies in (`--layout tree` mirrors the input below it): the common
 * ancestor of the inputs' folders (a directory itself, a file's folder, a glob's fixed start).
 */
export function inputRoot(inputs: readonly string[]): string {
  const dirs = inputs
    .filter((i) => i !== '-' && !i.startsWith('!'))
    .map((i) => {
      let st;
      try {
        st = statSync(i);
      } catch {
        return resolve(globBase(i));
      }
      return resolve(st.isDirectory() ? i : dirname(i));
    });
  if (dirs.length === 0) return resolve('.');
  let root = dirs[0];
  for (const d of dirs.slice(1))
    while (root !== dirname(root) && (relative(root, d).startsWith('..') || isAbsolute(relative(root, d))))
      root = dirname(root);
  return root;
}
