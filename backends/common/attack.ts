/**
 * MITRE ATT&CK for output formats: one loader for src/data/attack.json (tactics, technique names
 * and tactics; see src/data/SOURCES.md) and one reading of a rule's `attack.*` tags.
 */
import { packageJson } from './files.js';

export interface AttackData {
  /** Tactic by its tag name (`defense-evasion`): ATT&CK id and name. */
  readonly tactics: Readonly<Record<string, { readonly id: string; readonly name: string }>>;
  /** Technique by id (`T1059`, `T1059.001`): name (null when unknown to the data) and tactics. */
  readonly techniques: Readonly<
    Record<string, { readonly name: string | null; readonly tactics: readonly string[] }>
  >;
}

/** src/data/attack.json, read once. */
export function attackData(): AttackData {
  return packageJson<AttackData>('src/data/attack.json');
}

/** The ATT&CK content of a rule's tags, each once, in tag order. */
export interface AttackTags {
  /** Tactics by tag name, only those attack.json knows. */
  readonly tactics: string[];
  /** Technique and sub-technique ids (`T1059`, `T1059.001`). */
  readonly techniques: string[];
}

/**
 * Reads `attack.*` tags (case-insensitive; `_` in a tactic name is read as `-`, the older Sigma
 * spelling): `attack.<tactic>` gives a tactic, `attack.tNNNN[.NNN]` a technique.
 */
export function attackTags(tags: readonly string[]): AttackTags {
  const a = attackData();
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const raw of tags) {
    const t = raw.toLowerCase();
    if (!t.startsWith('attack.')) continue;
    const v = t.slice(7).replace(/_/g, '-');
    if (Object.hasOwn(a.tactics, v) && !tactics.includes(v)) tactics.push(v);
    const m = /^t(\d{4})(?:\.(\d{3}))?$/.exec(v);
    if (m) {
      const id = 'T' + m[1] + (m[2] ? '.' + m[2] : '');
      if (!techniques.includes(id)) techniques.push(id);
    }
  }
  return { tactics, techniques };
}
