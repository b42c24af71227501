/**
 * The registry of targets: the one place a target's name, aliases and description live, with a
 * lazy `load` that keeps start-up small. Tests, scripts (`sigmantic list targets`) and the demo
 * derive their target lists from here: adding a target is one line in `TARGETS` (see
 * DEVELOPERS.md, "Adding a backend").
 */
import type { Backend } from '../src/backend.js';

/** What the registry knows of a target before its backend is loaded. */
export interface TargetEntry {
  readonly description: string;
  readonly aliases: readonly string[];
  readonly load: () => Promise<Backend>;
}

const entry = (
  description: string,
  aliases: readonly string[],
  load: () => Promise<Backend>,
): TargetEntry => ({
  description,
  aliases,
  load,
});

const BUILTIN = {
  ir: entry('the semantic IR as JSON', [], async () => (await import('./ir/index.js')).irBackend),
  elastic: entry(
    'Elastic KQL (Kibana Query Language) for Kibana and Kibana Security detection rules',
    ['elastic-kql', 'kibana'],
    async () => (await import('./elastic-kql/index.js')).elasticBackend,
  ),
  splunk: entry(
    'Splunk SPL (search plus exact | where)',
    ['spl'],
    async () => (await import('./splunk/index.js')).splunkBackend,
  ),
  eql: entry(
    'Elastic EQL (Event Query Language) for EQL search and Kibana Security EQL rules',
    [],
    async () => (await import('./eql/index.js')).eqlBackend,
  ),
  sentinel: entry(
    'Microsoft Sentinel KQL (Kusto)',
    ['sentinel-kql', 'kusto'],
    async () => (await import('./sentinel-kql/index.js')).sentinelBackend,
  ),
} as const satisfies Record<string, TargetEntry>;

/** The name of a built-in target. */
export type TargetName = keyof typeof BUILTIN;

/** The built-in targets, in the order `list targets` shows them. */
export const TARGETS: Readonly<Record<TargetName, TargetEntry>> = BUILTIN;

/** Targets added at run time by `registerTarget` (a library user's or a test's own backend). */
const registered = new Map<string, TargetEntry>();

/**
 * Adds a target to this process's registry, for a backend that does not ship with sigmantic: after
 * it, `run`, `prepare` and `loadBackend` know the name and aliases like a built-in one. Worker
 * threads do not see it (a run with a registered target converts on the calling thread). A name or
 * alias already taken is an error.
 */
export function registerTarget(name: string, target: TargetEntry): void {
  for (const n of [name, ...target.aliases])
    if (findTarget(n) !== undefined) throw new Error(`target name '${n}' is already taken`);
  registered.set(name, target);
}

/** Whether a target name is one `registerTarget` added (not a built-in one). */
export function isRegisteredTarget(name: string): boolean {
  const key = findTarget(name);
  return key !== undefined && registered.has(key);
}

/** Every target, built-in first, as [name, entry]. */
export function targetEntries(): Array<[string, TargetEntry]> {
  return [...Object.entries(TARGETS), ...registered];
}

export function targetNames(): string[] {
  return targetEntries().map(([n]) => n);
}

/** The canonical name for a target name or alias, or undefined. */
function findTarget(name: string): string | undefined {
  return targetEntries().find(([k, t]) => k === name || t.aliases.includes(name))?.[0];
}

/** The backend for a target name or alias, or undefined. */
export async function loadBackend(name: string): Promise<Backend | undefined> {
  const key = findTarget(name);
  if (key === undefined) return undefined;
  return (Object.hasOwn(TARGETS, key) ? TARGETS[key as TargetName] : registered.get(key)!).load();
}
