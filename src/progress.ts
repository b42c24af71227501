/**
 * The progress bar of `convert` on a terminal (stderr): files done of the total, rules, rules/s and
 * the labels so far, drawn on one line at most ten times a second. By default (stderr a terminal)
 * it is drawn from the first second on, so a run that ends sooner never shows one; `--progress`
 * asks for it outright and it is drawn from the first rule on. Loaded only in those two cases.
 */
import type { Counts } from './batch.js';

const SHOW_AFTER_MS = 1000;
const EVERY_MS = 100;

export class Progress {
  private readonly start = performance.now();
  private last = -Infinity;
  private shown = false;
  private files = 0;
  private rules = 0;
  private lastPath: string | undefined;
  private readonly counts: Counts = { exact: 0, approximate: 0, unsupported: 0, error: 0 };

  constructor(
    private readonly write: (s: string) => void,
    private readonly total: number,
    private readonly width = 80,
    private readonly color = false,
    /** How long a run goes before the line is first drawn (0: from the first rule). */
    private readonly showAfterMs = SHOW_AFTER_MS,
  ) {}

  /** One rule's result for the first target (the others convert the same rules). */
  rule(path: string, status: keyof Counts): void {
    if (path !== this.lastPath) {
      this.files++;
      this.lastPath = path;
    }
    this.rules++;
    this.counts[status]++;
    const now = performance.now();
    if (now - this.start < this.showAfterMs || now - this.last < EVERY_MS) return;
    this.last = now;
    this.draw(now);
  }

  /** The line as it stands (for tests): bar, files, rules, rules/s, labels. */
  line(now = performance.now()): string {
    const rate = this.rules / Math.max(0.001, (now - this.start) / 1000);
    const c = this.counts;
    const text = ` ${this.files}/${this.total} files  ${this.rules} rules  ${Math.round(rate)} rules/s  ${c.exact} exact ${c.approximate} approx ${c.unsupported} unsupported ${c.error} error`;
    const room = Math.max(10, Math.min(30, this.width - text.length - 3));
    const filled = this.total > 0 ? Math.round((room * Math.min(this.files, this.total)) / this.total) : 0;
    const bar = '#'.repeat(filled) + '-'.repeat(room - filled);
    return `[${this.color ? `\x1b[32m${bar.slice(0, filled)}\x1b[0m${bar.slice(filled)}` : bar}]${text}`.slice(
      0,
      this.width - 1 + (this.color ? 9 : 0),
    );
  }

  private draw(now: number): void {
    this.write(`\r${this.line(now)}\x1b[K`);
    this.shown = true;
  }

  /** Clears the line (before a diagnostic is written, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[K');
    this.shown = false;
  }
}
