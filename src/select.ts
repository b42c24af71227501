/**
 * Rule selection (`convert --status/--level/--tag/--logsource`, or `select:` in the config file),
 * applied to each loaded rule before it is converted. Semantics as sigma-cli's: the values of one
 * filter are alternatives, every filter given must hold. `status` and `level` order as pySigma's
 * `SigmaStatus` / `SigmaLevel` do (sigma-cli `sigma/analyze/attack.py`, `--min-status` /
 * `--min-level`: a rule without one ranks lowest); `name+` selects that name and above.
 */
import type { Selection } from './batch.js';
import { UsageError } from './batch.js';
import type { SigmaRule } from './rule/types.js';

/** pySigma's SigmaStatus / SigmaLevel orders, lowest first (compared with >= in sigma-cli's analyze). */
const STATUS = ['unsupported', 'deprecated', 'experimental', 'test', 'stable'];
const LEVEL = ['informational', 'low', 'medium', 'high', 'critical'];
const LOGSOURCE_KEYS = ['product', 'category', 'service'] as const;

type Test = (rule: SigmaRule) => boolean;

function ranked(what: 'status' | 'level', order: readonly string[], values: readonly string[]): Test {
  const tests = values.map((raw): Test => {
    const v = raw.trim().toLowerCase();
    const plus = v.endsWith('+');
    const name = plus ? v.slice(0, -1) : v;
    const rank = order.indexOf(name);
    if (rank < 0)
      throw new UsageError(`--${what} ${raw}: one of ${order.join(', ')} (or name+ for that and above)`);
    return (rule) => {
      const own = (rule[what] ?? '').toLowerCase();
      if (!plus) return own === name;
      // A rule without one (or with a value outside the order) ranks lowest, as in sigma-cli.
      return Math.max(0, order.indexOf(own)) >= rank;
    };
  });
  return (rule) => tests.some((t) => t(rule));
}

function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`, 'i');
}

function tags(values: readonly string[]): Test {
  const res = values.map((v) => globRegex(v.trim()));
  return (rule) => rule.tags.some((t) => res.some((re) => re.test(t)));
}

function logsources(values: readonly string[]): Test {
  const tests = values.map((raw): Test => {
    const pairs = raw.split(',').map((p) => {
      const colon = p.indexOf(':');
      const key = p.slice(0, colon).trim().toLowerCase();
      if (colon <= 0 || !(LOGSOURCE_KEYS as readonly string[]).includes(key))
        throw new UsageError(
          `--logsource ${raw}: give key:value pairs (keys ${LOGSOURCE_KEYS.join(', ')}), e.g. product:windows`,
        );
      return [
        key as (typeof LOGSOURCE_KEYS)[number],
        p
          .slice(colon + 1)
          .trim()
          .toLowerCase(),
      ] as const;
    });
    return (rule) => pairs.every(([k, v]) => (rule.logsource[k] ?? '').toLowerCase() === v);
  });
  return (rule) => tests.some((t) => t(rule));
}

/**
 * The predicate of a selection, or undefined when it selects every rule. Throws a UsageError for
 * a value that can never match (an unknown status or level, a malformed log source).
 */
export function selector(sel: Selection | undefined): ((rule: SigmaRule) => boolean) | undefined {
  if (!sel) return undefined;
  const tests: Test[] = [];
  if (sel.status?.length) tests.push(ranked('status', STATUS, sel.status));
  if (sel.level?.length) tests.push(ranked('level', LEVEL, sel.level));
  if (sel.tag?.length) tests.push(tags(sel.tag));
  if (sel.logsource?.length) tests.push(logsources(sel.logsource));
  if (tests.length === 0) return undefined;
  return (rule) => tests.every((t) => t(rule));
}

/** The selection in a few words, for the summary line: `status stable|test, level high+`. */
export function describeSelection(sel: Selection | undefined): string {
  if (!sel) return '';
  return (['status', 'level', 'tag', 'logsource'] as const)
    .filter((k) => sel[k]?.length)
    .map((k) => `${k} ${sel[k]!.join('|')}`)
    .join(', ');
}
