/**
 * Whether a descriptor is a terminal, without loading `node:tty` (which loads `net` and the
 * stream machinery, about 10 ms of a small run's start-up) when it cannot be one: a pipe or a
 * file is not a character device; only a character device (a terminal, or /dev/null) is asked.
 */
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';

export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}
