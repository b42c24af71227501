/**
 * A rule's metadata for output formats, read once the same way for every format: the level with
 * its one default, the description, and the Sigma attributes a format keeps as comments or
 * fields (name, related, date, modified, license, author, references, tags).
 */
import type { SigmaRule } from '../../src/rule/types.js';

/** The Sigma levels (specification: informational, low, medium, high, critical). */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** The level every format gives a rule without one (or with a level Sigma does not define). */
export const DEFAULT_LEVEL: Level = 'medium';

export function ruleLevel(rule: SigmaRule | undefined): Level {
  const l = rule?.level?.toLowerCase();
  return (LEVELS as readonly string[]).includes(l ?? '') ? (l as Level) : DEFAULT_LEVEL;
}

/** The description, else the title. */
export function ruleDescription(rule: SigmaRule | undefined): string {
  return rule?.description?.trim() || rule?.title || '';
}

/** The rule's authors (`author: A, B`). */
export function ruleAuthors(rule: SigmaRule | undefined): string[] {
  return (rule?.author ?? '')
    .split(/,\s*/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/**
 * The Sigma metadata as `key = value` pairs, in one order for every format that keeps them as
 * comments (`sigma.<key>`; lists give a pair per item): id, name, status, level, author, date,
 * modified, license, related (`<type> <id>`), reference, tag.
 */
export function metadataLines(rule: SigmaRule | undefined): Array<{ key: string; value: string }> {
  if (!rule) return [];
  const out: Array<{ key: string; value: string }> = [];
  const add = (key: string, v: string | undefined) => {
    // One line each: a line break would end the comment.
    if (v !== undefined && v !== '')
      // eslint-disable-next-line no-control-regex -- control characters are what is replaced
      out.push({ key, value: v.replace(/[\x00-\x1f\x7f\u2028\u2029]+/g, ' ').trim() });
  };
  add('id', rule.id);
  add('name', rule.name);
  add('status', rule.status);
  add('level', rule.level);
  add('author', rule.author);
  add('date', rule.date);
  add('modified', rule.modified);
  add('license', rule.license);
  for (const r of rule.related) add('related', `${r.type} ${r.id}`);
  for (const r of rule.references) add('reference', r);
  for (const t of rule.tags) add('tag', t);
  return out;
}
