/**
 * `convert -o DIR --layout tree`: one output file per rule file and target, mirroring the input
 * tree (`rules/windows/x.yml` -> `DIR/splunk/windows/x.spl`). Each file is written atomically (a
 * temporary file beside it, renamed over it), so a failed or killed run never leaves a partial
 * file where a good one was; a file whose content is unchanged is not rewritten. The files
 * sigmantic wrote are listed in `DIR/.sigmantic-manifest.json`, so `prune` removes only those
 * whose rule is gone. A file not yet in the manifest is first added to a journal
 * (`DIR/.sigmantic-manifest.pending`, one path a line, appended before the file is written), which
 * the next run reads with the manifest and the end of a run folds into it: a file written by a
 * killed run is known to the next one, which prunes it when its rule is gone by then.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { OutputFormat } from '../backend.js';
import { UsageError } from '../batch.js';

export const MANIFEST = '.sigmantic-manifest.json';
/** The files a run is writing that the manifest does not list yet (folded into it at the end). */
export const JOURNAL = '.sigmantic-manifest.pending';
const TMP_SUFFIX = '.sigmantic-tmp';

/**
 * File extensions per target and format (a format's own `extension` otherwise, then `txt`):
 * the extension each SIEM's tooling expects of such a file.
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'splunk/default': 'spl',
  'splunk/savedsearches': 'conf',
  'sentinel/default': 'kql',
  'sentinel/analytics-rule': 'yaml',
  'elastic/default': 'kql',
  'elastic/detection-rule': 'ndjson',
  'ir/default': 'json',
};

export function treeExtension(backend: string, formatName: string, format: OutputFormat): string {
  return EXTENSIONS[`${backend}/${formatName}`] ?? format.extension ?? 'txt';
}

export interface TreeTarget {
  /** The target as named on the command line (the folder under DIR). */
  readonly target: string;
  readonly format: OutputFormat;
  readonly extension: string;
  /** The format's footer text (its header is what the run writes before the first rule). */
  readonly footer: string;
}

export interface TreeResult {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
  /** Two rule files that map to one output (`x.yml` and `x.yaml`): the second was not written. */
  readonly collisions: ReadonlyArray<readonly [string, string]>;
}

/** A problem with the output folder (exit 2, said plainly). */
export class OutputError extends UsageError {}

interface Pending {
  readonly source: string;
  readonly parts: string[];
}

/** Writes `content` to `file` through a temporary file and a rename; false when already equal. */
export function writeAtomic(file: string, content: string): boolean {
  try {
    if (readFileSync(file, 'utf8') === content) return false;
  } catch {
    // absent (or unreadable: the write says why)
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}${TMP_SUFFIX}`);
  writeFileSync(tmp, content);
  renameSync(tmp, file);
  return true;
}

function readManifest(dir: string): string[] {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files?: unknown };
    return Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/** The journal's paths: its whole lines (a line cut short by a kill names no file). */
function readJournal(dir: string): string[] {
  try {
    const lines = readFileSync(join(dir, JOURNAL), 'utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a line cut short
    return lines.filter((f) => f !== '');
  } catch {
    return [];
  }
}

/** Removes temporary files a killed run left behind. */
function removeLeftovers(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) removeLeftovers(p);
    else if (e.isFile() && e.name.startsWith('.') && e.name.endsWith(TMP_SUFFIX)) unlinkSync(p);
  }
}

export class TreeOutput {
  private readonly targets = new Map<string, TreeTarget>();
  private readonly headers = new Map<string, string>();
  private readonly started = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  /** Output path (relative to DIR, with `/`) -> the rule file it came from. */
  private readonly outputs = new Map<string, string>();
  private readonly collisions: Array<readonly [string, string]> = [];
  private written = 0;
  private unchanged = 0;
  /** The files of earlier runs: the manifest's, and the journal's (a killed run's). */
  private readonly known: Set<string>;
  /** The journal, open for appending from this run's first new file on. */
  private journal: number | undefined;

  /**
   * @param dir the output folder (made when missing; an existing file there is an OutputError)
   * @param root the folder the inputs are mirrored from (files.ts `inputRoot`)
   */
  constructor(
    private readonly dir: string,
    private readonly root: string,
    targets: readonly TreeTarget[],
  ) {
    for (const t of targets) this.targets.set(t.target, t);
    let st;
    try {
      st = statSync(dir);
    } catch {
      st = undefined;
    }
    if (st && !st.isDirectory())
      throw new OutputError(`-o ${dir}: is a file; --layout tree writes into a folder`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new OutputError(
        `-o ${dir}: cannot make the folder (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    this.known = new Set([...readManifest(dir), ...readJournal(dir)]);
  }

  /** Notes in the journal, before it is written, a file no earlier run is known to have written. */
  private record(out: string): void {
    if (this.known.has(out)) return;
    this.journal ??= openSync(join(this.dir, JOURNAL), 'a');
    writeSync(this.journal, `${out}\n`);
    this.known.add(out);
  }

  /** The run's stream for a target: its header (before the first rule) is kept for every file. */
  write(target: string, chunk: string): void {
    if (!this.started.has(target)) this.headers.set(target, (this.headers.get(target) ?? '') + chunk);
  }

  /** One rule's text; the documents of one rule file arrive one after the other. */
  rule(target: string, path: string, text: string): void {
    this.started.add(target);
    const cur = this.pending.get(target);
    if (cur && cur.source === path) {
      cur.parts.push(text);
      return;
    }
    if (cur) this.flush(target, cur);
    this.pending.set(target, { source: path, parts: [text] });
  }

  /** The output path of a rule file for a target, relative to DIR with `/` separators. */
  outputPath(target: string, source: string): string {
    const t = this.targets.get(target)!;
    let rel = relative(this.root, resolve(source));
    if (rel.startsWith('..') || isAbsolute(rel)) rel = basename(source);
    rel =
      rel
        .split(sep)
        .join('/')
        .replace(/\.ya?ml$/i, '') +
      '.' +
      t.extension;
    return `${target}/${rel}`;
  }

  private flush(target: string, p: Pending): void {
    const t = this.targets.get(target)!;
    const out = this.outputPath(target, p.source);
    const other = this.outputs.get(out);
    if (other !== undefined && other !== p.source) {
      this.collisions.push([other, p.source]);
      return;
    }
    this.outputs.set(out, p.source);
    const content = (this.headers.get(target) ?? '') + p.parts.join(t.format.separator ?? '') + t.footer;
    try {
      this.record(out);
      if (writeAtomic(join(this.dir, out), content)) this.written++;
      else this.unchanged++;
    } catch (e) {
      throw new OutputError(
        `cannot write ${join(this.dir, out)}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /**
   * Writes the last files, the manifest (this run's files, and with `prune` false the earlier
   * runs' too) and, with `prune`, removes the files of earlier runs that this run did not write.
   */
  finish(prune: boolean): TreeResult {
    for (const [target, p] of this.pending) this.flush(target, p);
    this.pending.clear();
    const old = [...this.known];
    const now = new Set(this.outputs.keys());
    let removed = 0;
    if (prune)
      for (const f of old) {
        if (now.has(f) || f.split('/').includes('..')) continue;
        const file = join(this.dir, f);
        try {
          unlinkSync(file);
          removed++;
        } catch {
          continue; // already gone
        }
        // Folders this left empty go too (up to DIR).
        for (let d = dirname(file); resolve(d) !== resolve(this.dir); d = dirname(d)) {
          try {
            rmdirSync(d);
          } catch {
            break;
          }
        }
      }
    const files = prune ? [...now] : [...new Set([...old, ...now])];
    files.sort();
    writeAtomic(join(this.dir, MANIFEST), JSON.stringify({ 'sigmantic-manifest': 1, files }, null, 1) + '\n');
    // The manifest now lists every file of the journal (or, pruned, those that stay).
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = undefined;
    try {
      unlinkSync(join(this.dir, JOURNAL));
    } catch {
      // none (no new file, and no killed run before)
    }
    for (const t of this.targets.keys()) removeLeftovers(join(this.dir, t));
    return { written: this.written, unchanged: this.unchanged, removed, collisions: this.collisions };
  }
}
