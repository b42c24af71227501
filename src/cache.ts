/**
 * `convert --cache`: conversion results kept between runs, keyed by everything that decides
 * them, so that re-converting a repository where few rules changed costs little (as in CI on
 * every commit). A rule's entry is keyed by its path and exact text; the cache file by the
 * sigmantic build, targets, format, pipelines (with the text of pipeline files), settings and
 * strictness. Only the entries a run used are written back, so the file never grows stale.
 */
import { createHash, hash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAsset } from './assets.js';
import type { Diagnostic, Direction } from './diagnostics.js';
import type { RuleOutput, RunOptions } from './batch.js';

/**
 * The file: this first line, a line of JSON (the strings that diagnostics use, and per entry
 * the length of its output text, status and diagnostics, per document of the file and per target),
 * then the output texts one after the
 * other. Texts (most of the bytes) need no JSON escaping or parsing, and the hundreds of
 * distinct diagnostic messages are stored once: reading the corpus's cache (all targets) takes
 * about 80 ms, where format 2 (gzipped JSON) took about 300 ms.
 */
const MAGIC = 'sigmantic-cache 6\n';

/** A stored output in the file: text length in UTF-8 bytes (-1: none), status, diagnostics, detail. */
type Row = [
  number,
  Stored['s'],
  ReadonlyArray<
    readonly [Diagnostic['severity'], number, number, number | null, number | null, number?, Direction?]
  >,
  Stored['x']?,
];

/** A rule's output for one target as stored: text, status, diagnostics; the rest only in detail mode. */
interface Stored {
  readonly t: string | null;
  readonly s: RuleOutput['summary']['status'];
  /** Diagnostics as [severity, code, message, line, column, reason?, direction?]. */
  readonly d: ReadonlyArray<
    readonly [Diagnostic['severity'], string, string, number | null, number | null, string?, Direction?]
  >;
  /**
   * Detail mode (--report, --explain): id, title, queries, applied lines; the id and its position
   * (for the duplicate-id warning) in every mode.
   */
  readonly x?: {
    id: string | null;
    title: string | null;
    q: readonly string[];
    a: readonly string[];
    p?: readonly [number, number];
  };
}

function store(o: RuleOutput, detail: boolean): Stored {
  const m = o.summary;
  const d = m.diagnostics.map((x) =>
    x.reason === undefined && x.direction === undefined
      ? ([x.severity, x.code, x.message, x.line ?? null, x.column ?? null] as const)
      : ([x.severity, x.code, x.message, x.line ?? null, x.column ?? null, x.reason, x.direction] as const),
  );
  const p = m.idAt ? ([m.idAt.line, m.idAt.column] as const) : undefined;
  if (detail)
    return { t: o.text, s: m.status, d, x: { id: m.id, title: m.title, q: m.queries, a: m.applied, p } };
  return m.id === null
    ? { t: o.text, s: m.status, d }
    : { t: o.text, s: m.status, d, x: { id: m.id, title: null, q: [], a: [], p } };
}

function restore(v: Stored, path: string): RuleOutput {
  // Literals written out, not `{ path, ...(p ? { idAt } : {}), ... }` nor `{ ...d, reason }`:
  // V8 (Node 20) builds those on a slow path, about 10 microseconds each, and a warm cache
  // restores every rule for every target. Same keys in the same order.
  const diagnostics = v.d.map(([severity, code, message, line, column, reason, direction]): Diagnostic =>
    reason === undefined && direction === undefined
      ? { severity, code, message, file: path, line: line ?? undefined, column: column ?? undefined }
      : {
          severity,
          code,
          message,
          file: path,
          line: line ?? undefined,
          column: column ?? undefined,
          reason,
          direction,
        },
  );
  const id = v.x?.id ?? null;
  const title = v.x?.title ?? null;
  const queries = v.x?.q ?? [];
  const applied = v.x?.a ?? [];
  const p = v.x?.p;
  return {
    text: v.t,
    summary: p
      ? {
          path,
          idAt: { line: p[0], column: p[1] },
          id,
          title,
          status: v.s,
          queries,
          applied,
          diagnostics,
        }
      : { path, id, title, status: v.s, queries, applied, diagnostics },
  };
}

/**
 * The build's identity: the version and a digest of the modules beside this one (the bundle's
 * main.js and worker.js, or the compiled modules of dist/src), so any code change gives a new one.
 */
function buildId(): string {
  const version = (JSON.parse(readAsset('package.json')) as { version: string }).version;
  const here = dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha256');
  for (const f of readdirSync(here).sort())
    if (f.endsWith('.js'))
      h.update(`${f}\0`)
        .update(readFileSync(join(here, f)))
        .update('\0');
  return `${version}|${h.digest('base64url')}`;
}

function sha(text: string): string {
  return hash('sha256', text, 'base64url');
}

export class ConversionCache {
  /** Per file entry: per document, per target. */
  private readonly old: Record<string, Stored[][]>;
  private readonly used: Record<string, Stored[][]> = {};
  hits = 0;
  misses = 0;

  private constructor(
    private readonly file: string,
    private readonly detail: boolean,
  ) {
    let old: Record<string, Stored[][]> = {};
    if (existsSync(file)) {
      try {
        old = ConversionCache.parse(readFileSync(file));
      } catch {
        old = {}; // a damaged cache is ignored and rewritten
      }
    }
    this.old = old;
  }

  private static parse(content: Buffer): Record<string, Stored[][]> {
    if (content.toString('latin1', 0, MAGIC.length) !== MAGIC) return {};
    const nl = content.indexOf(10, MAGIC.length);
    const head = JSON.parse(content.toString('utf8', MAGIC.length, nl)) as {
      strings: string[];
      entries: Array<[string, Row[][]]>;
    };
    const str = head.strings;
    const out: Record<string, Stored[][]> = {};
    let at = nl + 1;
    for (const [key, docs] of head.entries)
      out[key] = docs.map((rows) =>
        rows.map(([len, s, d, x]) => {
          // Each text decoded on its own: one decode of them all made a slow two-byte string.
          const t = len < 0 ? null : content.toString('utf8', at, (at += len));
          const diags = d.map(([sev, code, msg, line, col, reason, dir]) =>
            // JSON writes a missing reason inside the array as null.
            reason == null && dir == null
              ? ([sev, str[code], str[msg], line, col] as const)
              : ([
                  sev,
                  str[code],
                  str[msg],
                  line,
                  col,
                  reason == null ? undefined : str[reason],
                  dir ?? undefined,
                ] as const),
          );
          return x === undefined ? { t, s, d: diags } : { t, s, d: diags, x };
        }),
      );
    if (at !== content.length) throw new Error('cache file: texts do not add up');
    return out;
  }

  /** Opens the cache file for this run's options in `dir`. */
  static open(dir: string, options: RunOptions, detail: boolean): ConversionCache {
    const fileKey = (p: string) => {
      // A pipeline file's text is part of the key; a built-in name stands for itself (the build).
      try {
        return statSync(p).isFile() ? `${p}:${sha(readFileSync(p, 'utf8'))}` : p;
      } catch {
        return p;
      }
    };
    const pipelines = (options.pipelines ?? []).map(fileKey);
    const targetOptions = Object.entries(options.targetOptions ?? {}).map(([t, o]) => [
      t,
      { ...o, pipelines: o.pipelines?.map(fileKey) },
    ]);
    const key = sha(
      JSON.stringify({
        build: buildId(),
        targets: options.targets,
        format: options.format ?? 'default',
        pipelines,
        defaultPipelines: options.defaultPipelines !== false,
        settings: Object.entries(options.settings ?? {}).sort(),
        strict: options.strict === true,
        // Each target's own options and the selection (a rule left out is stored as such).
        targetOptions,
        select: options.select ?? null,
        detail,
      }),
    );
    mkdirSync(dir, { recursive: true });
    return new ConversionCache(join(dir, `${key}.cache`), detail);
  }

  private static entryKey(path: string, text: string): string {
    return sha(`${path}\u0000${text}`);
  }

  /** A file's outputs: per document (in file order), per target. */
  get(path: string, text: string): RuleOutput[][] | undefined {
    const k = ConversionCache.entryKey(path, text);
    const hit = this.old[k];
    if (!hit) return undefined;
    this.used[k] = hit;
    this.hits++;
    return hit.map((doc) => doc.map((v) => restore(v, path)));
  }

  set(path: string, text: string, outputs: RuleOutput[][]): void {
    this.used[ConversionCache.entryKey(path, text)] = outputs.map((doc) =>
      doc.map((o) => store(o, this.detail)),
    );
    this.misses++;
  }

  /** Writes the entries this run used (atomically: a temporary file renamed over the old). */
  save(): void {
    // Nothing new and nothing dropped: the file already says exactly this.
    if (this.misses === 0 && this.hits === Object.keys(this.old).length) return;
    const strings: string[] = [];
    const index = new Map<string, number>();
    const intern = (x: string): number => {
      let i = index.get(x);
      if (i === undefined) index.set(x, (i = strings.push(x) - 1));
      return i;
    };
    const texts: string[] = [];
    const entries = Object.entries(this.used).map(([key, docs]) => [
      key,
      docs.map((outs) =>
        outs.map((o): Row => {
          if (o.t !== null) texts.push(o.t);
          const d = o.d.map(([sev, code, msg, line, col, reason, dir]) =>
            reason === undefined && dir === undefined
              ? ([sev, intern(code), intern(msg), line, col] as const)
              : ([
                  sev,
                  intern(code),
                  intern(msg),
                  line,
                  col,
                  reason === undefined ? undefined : intern(reason),
                  dir,
                ] as const),
          );
          const len = o.t === null ? -1 : Buffer.byteLength(o.t);
          return o.x === undefined ? [len, o.s, d] : [len, o.s, d, o.x];
        }),
      ),
    ]);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, MAGIC + JSON.stringify({ strings, entries }) + '\n' + texts.join(''));
    renameSync(tmp, this.file);
  }
}
