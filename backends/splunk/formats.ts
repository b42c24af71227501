/**
 * Output formats: `default` (one search per line) and `savedsearches` (a savedsearches.conf
 * stanza per rule). Handlebars templates in templates/splunk/, compiled once, lazily, noEscape.
 */
import Handlebars from 'handlebars';
import type { OutputFormat, RuleResult } from '../../src/backend.js';
import { targetList, targetPrefix, targetString, type TargetSettings } from '../../src/settings.js';
import { formatTemplates } from '../common/files.js';
import { timespanSeconds } from '../../src/correlation/parse.js';
import { nestedLookback } from './correlation.js';
import { metadataLines, ruleDescription, ruleLevel } from '../common/metadata.js';

const template = formatTemplates(Handlebars, 'splunk', { strict: false });

/** One line of a .conf value: no control characters (a raw newline would start a new key). */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is matched
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/**
 * A multi-line .conf value: each line but the last ends in ` \` (continuation, NOTES section 3,
 * practice). A line's own trailing backslash would continue it too, so it gets a space after it.
 */
export function confValue(s: string): string {
  const lines = s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => oneLine(l))
    .filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\\') ? l + ' ' : l)).join(' \\\n');
}

/** alert.severity: 1-debug, 2-info, 3-warn, 4-error, 5-severe, 6-fatal (savedsearches.conf.spec). */
const SEVERITY: Record<string, number> = { informational: 2, low: 3, medium: 4, high: 5, critical: 6 };

/** Stanza names already used in this run (reset by the header). */
let names = new Set<string>();

function stanzaName(title: string): string {
  // pySigma strips brackets from titles used as stanza names (NOTES section 3).
  const base = oneLine(title.replace(/[[\]]/g, '')) || 'Sigma rule';
  let name = base;
  for (let i = 2; names.has(name); i++) name = `${base} (${i})`;
  names.add(name);
  return name;
}

/** A savedsearches setting (declared in settings.ts, with its default), on one line. */
function setting(t: TargetSettings, key: string): string {
  return oneLine(targetString(t, key) ?? '');
}

/**
 * dispatch.earliest_time of a correlation: unless `--set earliest=` gives one, the search looks
 * back the timespan plus the default schedule's 15 minutes, so that every window that ends
 * since the previous run is searched whole (the default `-15m@m` would cut a longer window short
 * and miss); a correlation over correlations, the sum of its levels' timespans. Relative time modifiers: Search Reference "Time modifiers" (`-<int><unit>@<snap>`).
 */
function earliestOf(r: RuleResult): string {
  const given = r.target.given.includes('earliest');
  const c =
    r.rule?.type === 'correlation' ? (r.rule.custom.correlation as Record<string, unknown>) : undefined;
  const own = typeof c?.timespan === 'string' ? timespanSeconds(c.timespan) : undefined;
  // A correlation over correlations reads back every level's timespan (correlation.ts).
  const span = own === undefined ? undefined : Math.max(own, ...r.queries.map((q) => nestedLookback(q) ?? 0));
  if (given || span === undefined) return setting(r.target, 'earliest');
  return `-${span + 900}s@m`;
}

function savedSearch(r: RuleResult): string {
  const o = r.target;
  const rule = r.rule!;
  const actions: Array<{ key: string; value: string }> = [];
  for (const a of (targetList(o, 'actions') ?? []).filter((s) => /^[\w.-]+$/.test(s)))
    actions.push({ key: `action.${a}`, value: '1' });
  // `actions = <list>` is not in the spec: `action.<name> = 1` keys instead (NOTES section 3).
  for (const [k, v] of targetPrefix(o, 'action.*'))
    if (/^action\.[\w.-]+$/.test(k)) actions.push({ key: k, value: oneLine(v) });
  const text = template('savedsearches')({
    path: oneLine(r.path),
    meta: metadataLines(rule),
    approximations: r.diagnostics.filter((d) => d.code === 'approximation').map((d) => oneLine(d.message)),
    name: stanzaName(rule.title),
    description: confValue(ruleDescription(rule)),
    search: confValue(r.queries.join(' ')),
    schedule: setting(o, 'schedule') === '0' ? '0' : '1',
    cron: setting(o, 'cron'),
    earliest: earliestOf(r),
    latest: setting(o, 'latest'),
    severity: SEVERITY[ruleLevel(rule)],
    actions,
  });
  return text.endsWith('\n') ? text : text + '\n';
}

export const FORMATS: Readonly<Record<string, OutputFormat>> & { readonly default: OutputFormat } = {
  default: {
    description: 'one SPL search per rule, one per line',
    rule: (r) => template('default')({ queries: r.queries }),
  },
  savedsearches: {
    description:
      'a savedsearches.conf stanza per rule (settings: cron, earliest, latest, schedule=0|1, actions=a,b, action.<name>.<param>)',
    header: () => {
      names = new Set();
      return template('savedsearches-header')({});
    },
    separator: '\n',
    rule: savedSearch,
  },
};
