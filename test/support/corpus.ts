/**
 * Where the corpus tests find the SigmaHQ corpus (../shared/sigma-corpus, beside the repository),
 * and the active rule files in a stable order. Without the corpus, tests skip with a message.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(process.cwd(), '..', 'shared', 'sigma-corpus');

/** `describe` when the corpus is present, else `describe.skip` after saying why. */
export function describeWithCorpus(what: string): jest.Describe {
  if (existsSync(join(CORPUS, 'rules'))) return describe;
  console.warn(`${what}: skipped: the Sigma corpus is not at ${CORPUS}`);
  return describe.skip;
}

/** YAML files under `dir`, recursively, sorted by name. */
export function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The rule files of the active corpus: the six `rules*` folders. */
export function activeRuleFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((x) => x.startsWith('rules'))
    .sort()
    .flatMap((d) => yamlFiles(join(CORPUS, d)));
}
