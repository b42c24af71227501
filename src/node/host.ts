/**
 * The Node host (src/host.ts): shipped files from the package root, user files from the file
 * system. Importing this module installs it; the Node entries (src/index.ts, src/run.ts) do.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { setHost, type Host } from '../host.js';
import { readPackageFile } from './assets.js';

/** A reusable read buffer, one byte larger than the largest limit asked for so far. */
let readBuffer: Buffer | undefined;

/** Reads a file of at most `limit` bytes; null when it is larger. One open, no stat. */
function readLimited(path: string, limit: number): string | null {
  if (!readBuffer || readBuffer.length < limit + 1) readBuffer = Buffer.allocUnsafe(limit + 1);
  const end = limit + 1;
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (;;) {
      const got = readSync(fd, readBuffer, n, end - n, null);
      if (got === 0) break;
      n += got;
      if (n === end) return null;
    }
    return readBuffer.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

export const nodeHost: Host = {
  readAsset: readPackageFile,
  readTextFile: (path, limit) =>
    limit === undefined ? readFileSync(path, 'utf8') : readLimited(path, limit),
  env: (name) => process.env[name],
};

setHost(nodeHost);
