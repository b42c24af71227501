/**
 * A start-up special case that reaches into yargs' internals (see NOTES.md in this folder).
 * yargs renders and caches the whole help text after every command handler starts, in case a
 * later failure shows it (about 30 ms, a tenth of a small run's start-up). sigmantic never shows
 * help on failure (it prints a hint), so the cache is skipped; `--help` renders as usual.
 * test/core/startup.test.ts fails when the hook is gone or yargs no longer calls it.
 */

type UsageInstance = { cacheHelpMessage?: () => void };

/** yargs' usage instance, through its internal methods, or undefined when yargs has none. */
export function usageInstance(y: unknown): UsageInstance | undefined {
  return (y as { getInternalMethods?: () => { getUsageInstance?: () => UsageInstance } })
    .getInternalMethods?.()
    ?.getUsageInstance?.();
}

/** Turns off yargs' help cache on `y` (nothing changes when this yargs has no such hook). */
export function skipHelpCache<T>(y: T): T {
  const usage = usageInstance(y);
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return y;
}
