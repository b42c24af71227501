/**
 * node:assert's strictEqual and notStrictEqual, all yargs imports from it: the bundle puts this
 * module in place of `assert` (scripts/bundle.mjs), as loading node:assert costs about 4 ms of
 * start-up. yargs uses them to check its own invariants.
 */
export function strictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected))
    throw new Error(message ?? `expected ${String(expected)}, got ${String(actual)}`);
}

export function notStrictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected))
    throw new Error(message ?? `expected a value other than ${String(expected)}`);
}
