/**
 * Output formats: `default` (one KQL query per line) and `detection-rule` (Kibana Security
 * detection rules as NDJSON, the rule import format: one JSON object per line, built as objects
 * and serialised with JSON.stringify). Text goes through Handlebars templates in
 * templates/elastic/.
 */
import Handlebars from 'handlebars';
import type { OutputFormat, RuleResult } from '../../src/backend.js';
import type { SigmaRule } from '../../src/rule/types.js';
import { targetBoolean, targetList } from '../../src/settings.js';
import { attackData, attackTags, attackWarnings } from '../common/attack.js';
import { formatTemplates } from '../common/files.js';
import { sha256Hex } from '../common/sha256.js';
import type { EqlRule, ThresholdRule } from './correlation.js';
import { ruleLanguage } from './language.js';
import { ruleAuthors, ruleDescription, ruleLevel, type Level } from '../common/metadata.js';

const template = formatTemplates(Handlebars, 'elastic', { strict: true });

/* ------------------------------------------------------------ ATT&CK threat */

export interface Threat {
  framework: 'MITRE ATT&CK';
  tactic: { id: string; name: string; reference: string };
  technique?: {
    id: string;
    name: string;
    reference: string;
    subtechnique?: { id: string; name: string; reference: string }[];
  }[];
}

/**
 * The Kibana `threat` array for a rule's ATT&CK tags (tactic, technique and sub-technique tags),
 * with MITRE's technique-to-tactic mapping (src/data/attack.json): a technique goes under each of
 * the rule's tactics it belongs to, or under its own first tactic when the rule tags none of them.
 * Tags unknown to the data are left out (a warning, `unknown-attack-tag`).
 */
export function threatOf(tags: readonly string[]): Threat[] {
  const a = attackData();
  const { tactics, techniques } = attackTags(tags);
  for (const id of techniques) {
    const own = a.techniques[id].tactics;
    if (own.length && !own.some((t) => tactics.includes(t))) tactics.push(own[0]);
  }
  return tactics.map((tn) => {
    const tac = a.tactics[tn];
    const threat: Threat = {
      framework: 'MITRE ATT&CK',
      tactic: { id: tac.id, name: tac.name, reference: `https://attack.mitre.org/tactics/${tac.id}/` },
    };
    const byParent = new Map<string, Set<string>>();
    for (const id of techniques) {
      if (!a.techniques[id].tactics.includes(tn)) continue;
      const parent = id.slice(0, 5);
      let subs = byParent.get(parent);
      if (!subs) byParent.set(parent, (subs = new Set()));
      if (id.length > 5) subs.add(id);
    }
    if (byParent.size)
      threat.technique = [...byParent].map(([p, subs]) => ({
        id: p,
        name: a.techniques[p].name,
        reference: `https://attack.mitre.org/techniques/${p}/`,
        ...(subs.size
          ? {
              subtechnique: [...subs].map((s) => ({
                id: s,
                name: a.techniques[s].name,
                reference: `https://attack.mitre.org/techniques/${p}/${s.slice(6)}/`,
              })),
            }
          : {}),
      }));
    return threat;
  });
}

/* ------------------------------------------------------------ detection rule */

/** The Sigma attributes without a Kibana field of their own: id, name, related, date, modified. */
function sigmaMeta(rule: SigmaRule | undefined): Record<string, unknown> | undefined {
  if (!rule) return undefined;
  const m: Record<string, unknown> = {};
  if (rule.id) m.id = rule.id;
  if (rule.name) m.name = rule.name;
  if (rule.related.length) m.related = rule.related.map((r) => ({ id: r.id, type: r.type }));
  if (rule.date) m.date = rule.date;
  if (rule.modified) m.modified = rule.modified;
  return Object.keys(m).length ? m : undefined;
}

/** Sigma level -> Kibana severity and risk score (Elastic's prebuilt-rule convention: 21/47/73/99). */
const LEVELS: Readonly<Record<Level, { severity: 'low' | 'medium' | 'high' | 'critical'; risk: number }>> = {
  informational: { severity: 'low', risk: 21 },
  low: { severity: 'low', risk: 21 },
  medium: { severity: 'medium', risk: 47 },
  high: { severity: 'high', risk: 73 },
  critical: { severity: 'critical', risk: 99 },
};

/** A stable UUID-shaped id for rules without one (from the title and path). */
function derivedId(rule: SigmaRule | undefined, path: string): string {
  const h = sha256Hex((rule?.title ?? '') + '\0' + path);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `--set index=`, else the pipeline's `index` state, else `logs-*` (resolved once: src/settings.ts). */
function indexOf(result: RuleResult): string[] {
  return [...(targetList(result.target, 'index') ?? [])];
}

/** The Kibana detection rules (one per query) for a converted rule. */
export function detectionRules(result: RuleResult): object[] {
  const rule = result.rule;
  const level = LEVELS[ruleLevel(rule)];
  const ruleId = rule?.id ?? derivedId(rule, result.path);
  const notes = result.diagnostics
    .filter((d) => d.severity !== 'info')
    // The reason leads the message, as the note has always shown it (`[case] KQL compares ...`).
    .map(
      (d) =>
        `- ${d.code}${d.line ? ` (line ${d.line})` : ''}: ${d.reason ? `[${d.reason}] ` : ''}${d.message}`,
    );
  // The language the rule's query is written in, chosen where it was converted (language.ts).
  const { language, why } = ruleLanguage(result.diagnostics);
  const note =
    `Converted from Sigma by sigmantic: ${result.status}.` +
    (why ? ` Written in ${why}.` : '') +
    (notes.length ? `\n\n${notes.join('\n')}` : '');
  const authors = ruleAuthors(rule);
  return result.queries.map((query, i) => ({
    rule_id: result.queries.length > 1 ? `${ruleId}-${i + 1}` : ruleId,
    name: rule?.title || ruleId,
    description: ruleDescription(rule) || ruleId,
    risk_score: level.risk,
    severity: level.severity,
    // Kibana's rule types: a custom query rule (KQL) or an event correlation rule (EQL).
    type: language === 'eql' ? 'eql' : 'query',
    language,
    query,
    index: indexOf(result),
    // Imported rules start disabled: enable them after review (`--set enabled=true`).
    enabled: targetBoolean(result.target, 'enabled'),
    from: 'now-6m',
    interval: '5m',
    max_signals: 100,
    version: 1,
    author: authors,
    ...(rule?.license ? { license: rule.license } : {}),
    references: [...(rule?.references ?? [])],
    false_positives: [...(rule?.falsepositives ?? [])],
    tags: ['Sigma', ...(rule?.tags ?? [])],
    threat: threatOf(rule?.tags ?? []),
    note,
    meta: {
      sigmantic: { status: result.status, ...(rule?.status ? { sigma_status: rule.status } : {}) },
      // Sigma metadata Kibana has no field for (`meta` is free-form and kept on import).
      ...(sigmaMeta(rule) ? { sigma: sigmaMeta(rule) } : {}),
    },
  }));
}

/** A detection rule completed by a correlation's rule definition (threshold or EQL: type, language, query, schedule). */
function correlationRule(base: object, definition: string): object {
  return { ...base, ...(JSON.parse(definition) as ThresholdRule | EqlRule) };
}

export const formats: Readonly<Record<string, OutputFormat>> & { readonly default: OutputFormat } = {
  default: {
    description: 'KQL queries, one per line (for the Kibana search bar)',
    rule: (r) => template('default')({ queries: r.queries }),
  },
  'detection-rule': {
    description:
      'Kibana Security detection rules (KQL custom query, or EQL where only EQL is exact), NDJSON for Import rules',
    rule: (r) =>
      template('detection-rule')({
        rules: detectionRules(r).map((x, i) =>
          // A correlation's query is its threshold or EQL rule definition (correlation.ts).
          JSON.stringify(r.rule?.type === 'correlation' ? correlationRule(x, r.queries[i]) : x),
        ),
      }),
    check: (r) => attackWarnings(r, "left out of the rule's threat"),
  },
};
