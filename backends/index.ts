/** The registry of targets: name -> backend, loaded on demand to keep start-up small. */
import type { Backend } from '../src/backend.js';

interface Entry {
  readonly description: string;
  readonly aliases: readonly string[];
  readonly load: () => Promise<Backend>;
}

export const TARGETS: Readonly<Record<string, Entry>> = {
  ir: {
    description: 'the semantic IR as JSON',
    aliases: [],
    load: async () => (await import('./ir/index.js')).irBackend,
  },
  elastic: {
    description: 'Elastic KQL (Kibana Query Language) for Kibana and Kibana Security detection rules',
    aliases: ['elastic-kql', 'kibana'],
    load: async () => (await import('./elastic-kql/index.js')).elasticBackend,
  },
  splunk: {
    description: 'Splunk SPL (search plus exact | where)',
    aliases: ['spl'],
    load: async () => (await import('./splunk/index.js')).splunkBackend,
  },
  sentinel: {
    description: 'Microsoft Sentinel KQL (Kusto)',
    aliases: ['sentinel-kql', 'kusto'],
    load: async () => (await import('./sentinel-kql/index.js')).sentinelBackend,
  },
};

export function targetNames(): string[] {
  return Object.keys(TARGETS);
}

/** The backend for a target name or alias, or undefined. */
export async function loadBackend(name: string): Promise<Backend | undefined> {
  const key = Object.keys(TARGETS).find((k) => k === name || TARGETS[k].aliases.includes(name));
  return key === undefined ? undefined : TARGETS[key].load();
}
