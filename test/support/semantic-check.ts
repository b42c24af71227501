/**
 * An independent semantic check of conversions: a rule is converted with a backend (no
 * pipelines), its synthesized events (test/support/synth.ts) are evaluated by the reference
 * evaluator (the oracle: what the rule matches) and by an interpreter of the target's query
 * language (a dialect), and the verdicts are compared:
 *
 * - label `exact` and any event on which the two differ: a violation (`exact-differs`);
 * - label `approximate` and an event the rule matches but the query does not: a violation
 *   (`approximation-misses`); events the query matches beyond the rule are counted (widening);
 * - `unsupported` / `error` conversions are counted;
 * - an interpreter that throws (a construct it does not know) is an `interpreter-gap` with its
 *   message, never counted as agreement.
 *
 * Both sides see the event "as the vendor stores it" (a dialect's `store`): e.g. Splunk keeps the
 * raw text in `_raw`, an Elasticsearch keyword field holds strings, a Kusto column has one type.
 * The product promise is judged on that data (see notes/PREAMBLE.md: "Exact is judged on the
 * vendor's data").
 */
import { loadBackend } from '../../backends/index.js';
import type { Backend } from '../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import type { Label } from '../../src/diagnostics.js';
import { compileRule } from '../../src/evaluate/index.js';
import type { Match, Node } from '../../src/ir/types.js';
import { RAW_FIELD, synthesize, type Event } from './synth.js';
import ipaddr from 'ipaddr.js';
import { CONVENTIONS, hasDisputed, undisputed, type Convention } from './case-conventions.js';

export type Target = 'splunk' | 'sentinel' | 'elastic' | 'eql' | 'ir';

/** What a dialect may read besides the query: the rule's IR (no pipelines) and its field names. */
export interface DialectContext {
  readonly ir: Node;
  /** Every field the rule's IR names (keywords excluded), sorted. */
  readonly fields: readonly string[];
}

export interface Dialect {
  readonly name: string;
  readonly target: Target;
  /** Backend settings (`--set`), e.g. `{ table: 'SigmaEvents' }` for Sentinel. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * The event as the vendor stores it, or null when it cannot be stored (the event is then
   * skipped). Both the oracle and `evaluate` see the stored event. Default: the event as it is.
   */
  store?(event: Event, ctx: DialectContext): Event | null;
  /** Whether the query matches the (stored) event; throws on a construct it does not know. */
  evaluate(query: string, event: Event, ctx: DialectContext): boolean;
}

export interface Violation {
  readonly kind: 'exact-differs' | 'approximation-misses';
  readonly event: Event;
  /** The oracle's verdict (the rule) and the dialect's (the query). */
  readonly rule: boolean;
  readonly query: boolean;
  /**
   * The disagreement is about a case folding no vendor documents: the event holds a disputed
   * character (test/support/case-conventions.ts: long s, Kelvin sign, final sigma, dotted I, ...)
   * and the disagreement disappears when each is read by one convention (fold, lower, upper).
   */
  readonly undocumentedFolding: boolean;
  /**
   * The disagreement is about how a vendor reads an address written with surrounding whitespace
   * (" 127.0.0.1") or with an IPv6 zone ("::1%eth0"), which neither Splunk nor Kusto documents:
   * it disappears when such values are written plainly (see addressVariant).
   */
  readonly undocumentedAddress: boolean;
}

/** An address text: four-part decimal IPv4, or IPv6. */
function isAddress(t: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(t) || ipaddr.IPv6.isValid(t);
}

/**
 * The event with every value that is an address once trimmed or stripped of an IPv6 zone
 * written plainly; null when it holds none. No vendor documents whether its CIDR tests trim
 * text or accept a zone, so a disagreement that disappears here is not judged.
 */
function addressVariant(e: Event): Event | null {
  let changed = false;
  const out: Event = {};
  for (const [k, v] of Object.entries(e)) {
    out[k] = v;
    if (typeof v !== 'string') continue;
    let t = v.trim();
    const zone = t.indexOf('%');
    if (zone > 0 && t.includes(':')) t = t.slice(0, zone);
    if (t !== v && isAddress(t)) {
      out[k] = t;
      changed = true;
    }
  }
  return changed ? out : null;
}

function hasDisputedText(e: Event): boolean {
  return Object.values(e).some((v) => typeof v === 'string' && hasDisputed(v));
}

/** The event with every disputed character of its texts replaced by its reading under a convention. */
function undisputedEvent(e: Event, convention: Convention): Event {
  const out: Event = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'string' ? undisputed(v, convention) : v;
  return out;
}

export interface RuleCheck {
  readonly path: string;
  readonly dialect: string;
  readonly target: Target;
  /** The conversion's label; `error` also for a rule that does not load. */
  readonly label: Label;
  readonly queries: readonly string[];
  /** Events evaluated (after `store`), and how many the rule / the query matched. */
  readonly events: number;
  readonly ruleMatches: number;
  readonly queryMatches: number;
  /** Every disagreement that breaks the promise (examples: at most `maxExamples`). */
  readonly violationCount: number;
  /** Violations not explained by undocumented vendor behaviour (Violation.undocumentedFolding, .undocumentedAddress). */
  readonly judgedViolationCount: number;
  readonly violations: readonly Violation[];
  /** Events the query matches and the rule does not (widening), for any label. */
  readonly widened: number;
  /** The interpreter threw: its message (the rule is not judged). */
  readonly gap?: string;
  /** The oracle could not evaluate the rule exactly (an untranslatable regex): not judged. */
  readonly oracleInexact?: string;
  /** Approximation messages, for reports. */
  readonly approximations: readonly string[];
}

export interface CheckOptions {
  /** The most violation examples kept per rule (default 3). */
  readonly maxExamples?: number;
  /** Passed to the synthesizer. */
  readonly maxEvents?: number;
}

function collectFields(n: Node, out: Set<string>): Set<string> {
  if (n.kind === 'and' || n.kind === 'or') for (const c of n.children) collectFields(c, out);
  else if (n.kind === 'not') collectFields(n.child, out);
  else {
    if (n.field !== null) out.add(n.field);
    if (n.kind === 'fieldref') out.add(n.other);
  }
  return out;
}

function hasKeywords(n: Node): boolean {
  if (n.kind === 'and' || n.kind === 'or') return n.children.some(hasKeywords);
  if (n.kind === 'not') return hasKeywords(n.child);
  return n.field === null;
}

/** A checker of rule texts for one dialect (the backend loaded once). */
export async function makeChecker(
  dialect: Dialect,
  options: CheckOptions = {},
): Promise<(ruleText: string, path?: string) => RuleCheck> {
  const backend: Backend | undefined = await loadBackend(dialect.target);
  if (!backend) throw new Error(`no backend for target '${dialect.target}'`);
  const maxExamples = options.maxExamples ?? 3;
  return (ruleText, path = 'rule.yml') => {
    const base = { path, dialect: dialect.name, target: dialect.target };
    const empty = {
      events: 0,
      ruleMatches: 0,
      queryMatches: 0,
      violationCount: 0,
      judgedViolationCount: 0,
      violations: [],
      widened: 0,
      approximations: [],
    };
    const loaded = loadRuleFromText(ruleText, path);
    if (!loaded.ir) return { ...base, ...empty, label: 'error', queries: [] };
    const result = convertLoaded(loaded, backend, [], { settings: dialect.settings });
    const approximations = result.diagnostics.filter((d) => d.code === 'approximation').map((d) => d.message);
    const label = result.status;
    if (label !== 'exact' && label !== 'approximate')
      return { ...base, ...empty, label, queries: result.queries, approximations };
    const ir = loaded.ir;
    const oracle = compileRule(ir);
    if (!oracle.exact)
      return {
        ...base,
        ...empty,
        label,
        queries: result.queries,
        approximations,
        oracleInexact: oracle.diagnostics.map((d) => d.message).join('; '),
      };
    const ctx: DialectContext = { ir, fields: [...collectFields(ir, new Set())].sort() };
    const { events } = synthesize(ir, { maxEvents: options.maxEvents });
    let n = 0;
    let ruleMatches = 0;
    let queryMatches = 0;
    let widened = 0;
    let violationCount = 0;
    let judgedViolationCount = 0;
    const violations: Violation[] = [];
    const foldingExamples: Violation[] = [];
    const verdicts = (event: Event): [boolean, boolean] => {
      const r = oracle(event as never);
      let q = false;
      for (const query of result.queries) if ((q = dialect.evaluate(query, event, ctx))) break;
      return [r, q];
    };
    const violates = (r: boolean, q: boolean) => (label === 'exact' ? r !== q : r && !q);
    for (const raw of events) {
      const event = dialect.store ? dialect.store(raw, ctx) : raw;
      if (event === null) continue;
      n++;
      let r: boolean;
      let q: boolean;
      let undocumentedFolding = false;
      let undocumentedAddress = false;
      try {
        [r, q] = verdicts(event);
        // A disagreement that disappears once the disputed characters are folded is about a
        // folding no vendor documents (test/support/case-conventions.ts), not about the query.
        if (violates(r, q) && hasDisputedText(event))
          undocumentedFolding = CONVENTIONS.some((x) => !violates(...verdicts(undisputedEvent(event, x))));
        if (violates(r, q) && !undocumentedFolding) {
          const plain = addressVariant(event);
          undocumentedAddress = plain !== null && !violates(...verdicts(plain));
        }
      } catch (e) {
        const gap = e instanceof Error ? e.message : String(e);
        return { ...base, ...empty, label, queries: result.queries, approximations, gap };
      }
      if (r) ruleMatches++;
      if (q) queryMatches++;
      if (q && !r) widened++;
      if (violates(r, q)) {
        violationCount++;
        const undocumented = undocumentedFolding || undocumentedAddress;
        if (!undocumented) judgedViolationCount++;
        const v: Violation = {
          kind: label === 'exact' ? 'exact-differs' : 'approximation-misses',
          event,
          rule: r,
          query: q,
          undocumentedFolding,
          undocumentedAddress,
        };
        // Examples of judged violations first: they are the defects.
        if (!undocumented && violations.length < maxExamples) violations.push(v);
        else if (undocumented && foldingExamples.length < maxExamples) foldingExamples.push(v);
      }
    }
    violations.push(...foldingExamples.slice(0, maxExamples - violations.length));
    return {
      ...base,
      label,
      queries: result.queries,
      approximations,
      events: n,
      ruleMatches,
      queryMatches,
      violationCount,
      judgedViolationCount,
      violations,
      widened,
    };
  };
}

/** Checks one rule text with a dialect. */
export async function checkRule(
  ruleText: string,
  dialect: Dialect,
  options: CheckOptions & { path?: string } = {},
): Promise<RuleCheck> {
  return (await makeChecker(dialect, options))(ruleText, options.path);
}

// ---------------------------------------------------------------------------------------------
// Summaries and reports

export interface Summary {
  readonly dialect: string;
  readonly target: Target;
  readonly rules: number;
  readonly exact: number;
  readonly approximate: number;
  readonly unsupported: number;
  readonly error: number;
  /** Rules (not events) with at least one judged violation (not explained by undocumented vendor behaviour). */
  readonly violationsExact: number;
  readonly violationsApproximateMiss: number;
  /** Rules whose only violations are explained by undocumented vendor behaviour (folding, address text). */
  readonly violationsUndocumentedOnly: number;
  readonly interpreterGaps: number;
  readonly oracleInexact: number;
  readonly events: number;
  /** Median over approximate rules the rule matches of (query matches / rule matches). */
  readonly medianWidening: number | null;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(checks: readonly RuleCheck[]): Summary {
  const c = checks[0];
  const count = (f: (r: RuleCheck) => boolean) => checks.filter(f).length;
  const judged = (r: RuleCheck) => r.gap === undefined && r.oracleInexact === undefined;
  return {
    dialect: c?.dialect ?? '',
    target: c?.target ?? 'ir',
    rules: checks.length,
    exact: count((r) => r.label === 'exact'),
    approximate: count((r) => r.label === 'approximate'),
    unsupported: count((r) => r.label === 'unsupported'),
    error: count((r) => r.label === 'error'),
    violationsExact: count((r) => judged(r) && r.label === 'exact' && r.judgedViolationCount > 0),
    violationsApproximateMiss: count(
      (r) => judged(r) && r.label === 'approximate' && r.judgedViolationCount > 0,
    ),
    violationsUndocumentedOnly: count(
      (r) => judged(r) && r.violationCount > 0 && r.judgedViolationCount === 0,
    ),
    interpreterGaps: count((r) => r.gap !== undefined),
    oracleInexact: count((r) => r.oracleInexact !== undefined),
    events: checks.reduce((a, r) => a + r.events, 0),
    medianWidening: median(
      checks
        .filter((r) => judged(r) && r.label === 'approximate' && r.ruleMatches > 0)
        .map((r) => r.queryMatches / r.ruleMatches),
    ),
  };
}

/** A table of summaries, one row per dialect. */
export function formatTable(summaries: readonly Summary[]): string {
  const head = [
    'target',
    'rules',
    'exact',
    'approx',
    'unsupp',
    'error',
    'viol.exact',
    'viol.approx-miss',
    'viol.undocumented-only',
    'interp.gaps',
    'oracle-inexact',
    'events',
    'median widening',
  ];
  const rows = summaries.map((s) => [
    s.dialect,
    s.rules,
    s.exact,
    s.approximate,
    s.unsupported,
    s.error,
    s.violationsExact,
    s.violationsApproximateMiss,
    s.violationsUndocumentedOnly,
    s.interpreterGaps,
    s.oracleInexact,
    s.events,
    s.medianWidening === null ? '-' : `${s.medianWidening.toFixed(2)}x`,
  ]);
  const all = [head, ...rows].map((r) => r.map(String));
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((x, i) => x.padStart(w[i])).join('  ')).join('\n');
}

/** Up to `perTarget` violations per dialect, each with path, query, event and both verdicts. */
export function formatViolations(checks: readonly RuleCheck[], perTarget: number): string {
  const out: string[] = [];
  const shown = new Map<string, number>();
  // Judged violations first: those explained by undocumented vendor behaviour are not defects.
  const ordered = [...checks].sort(
    (a, b) => Number(b.judgedViolationCount > 0) - Number(a.judgedViolationCount > 0),
  );
  for (const c of ordered) {
    if (c.violationCount === 0 || c.gap !== undefined) continue;
    const k = shown.get(c.dialect) ?? 0;
    if (k >= perTarget) continue;
    shown.set(c.dialect, k + 1);
    const v = c.violations[0];
    out.push(
      [
        `--- ${c.dialect} ${c.label} ${c.path} (${c.violationCount} of ${c.events} events, ${c.violationCount - c.judgedViolationCount} explained by undocumented vendor behaviour)`,
        ...c.queries.map((q) => `query: ${q}`),
        ...c.approximations.map((a) => `approximation: ${a}`),
        ...c.violations.map(
          (x) =>
            `${x.kind}${x.undocumentedFolding ? ' (undocumented folding)' : ''}${x.undocumentedAddress ? ' (undocumented address text)' : ''}: rule=${x.rule} query=${x.query} event=${JSON.stringify(x.event)}`,
        ),
        v ? '' : '',
      ].join('\n'),
    );
  }
  return out.join('\n');
}

/** The interpreter gaps, grouped by message (most frequent first). */
export function formatGaps(checks: readonly RuleCheck[], perTarget: number): string {
  const by = new Map<string, { n: number; path: string }>();
  for (const c of checks)
    if (c.gap !== undefined) {
      const key = `${c.dialect}: ${c.gap.slice(0, 200)}`;
      const e = by.get(key);
      if (e) e.n++;
      else by.set(key, { n: 1, path: c.path });
    }
  return [...by]
    .sort((a, b) => b[1].n - a[1].n)
    .slice(0, perTarget)
    .map(([k, v]) => `${v.n}x ${k} (e.g. ${v.path})`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// How each target stores an event (shared by the corpus test and the self-tests)

/** Every value scalar: nulls dropped (a null field is a missing field in each store). */
function withoutNulls(e: Event): Event {
  const out: Event = {};
  for (const [k, v] of Object.entries(e)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/**
 * Splunk: the event's raw text is in `_raw` (keyword searches read it: `match(_raw, ...)`), and a
 * raw event holds every value of the event: `_raw` is the synthesized `_raw` (if any) and every
 * other value, one per line. A null value is no field (Splunk extracts no field for it).
 */
export function splunkStore(event: Event, ctx: DialectContext): Event {
  const e = withoutNulls(event);
  if (hasKeywords(ctx.ir)) {
    const others = Object.entries(e)
      .filter(([k]) => k !== RAW_FIELD)
      .map(([, v]) => String(v));
    e[RAW_FIELD] = (RAW_FIELD in e ? [String(e[RAW_FIELD]), ...others] : others).join('\n');
  }
  return e;
}

/**
 * Elasticsearch with every field mapped `keyword` (the default the Elastic interpreter assumes):
 * a keyword field holds the value's text (a JSON number 5 is indexed as "5", a boolean as
 * "true"); a null is no value.
 */
export function elasticStore(event: Event): Event {
  const e: Event = {};
  for (const [k, v] of Object.entries(event)) if (v !== null && v !== undefined) e[k] = String(v);
  return e;
}

/**
 * The columns of the Sentinel test table (`--set table=SigmaEvents`, a table outside the
 * backend's schemas, whose columns the backend types `unknown` and renders as strings, except
 * numbers it compares as numbers: `Num == 5`, `Num > 5`). A field the rule compares only as a
 * number (a number value or `|lt`...) is a `long` column (`real` when a value has a fraction);
 * every other field, `_raw` and every field of the event is a `string` column (Sysmon-like
 * data: booleans are the strings "true"/"false").
 */
export function kustoColumns(ir: Node, event: Event): Record<string, string> {
  const numeric = new Map<string, boolean>(); // field -> integral
  const other = new Set<string>();
  const walk = (n: Node): void => {
    if (n.kind === 'and' || n.kind === 'or') n.children.forEach(walk);
    else if (n.kind === 'not') walk(n.child);
    else leaf(n);
  };
  const leaf = (m: Match): void => {
    if (m.field === null) return;
    if (m.kind === 'number' || m.kind === 'compare') {
      const vals = m.kind === 'number' ? m.values : [m.value];
      const integral = vals.every((v) => Number.isInteger(v.value));
      numeric.set(m.field, (numeric.get(m.field) ?? true) && integral);
    } else {
      other.add(m.field);
      if (m.kind === 'fieldref') other.add(m.other);
    }
  };
  walk(ir);
  const cols: Record<string, string> = {};
  for (const k of Object.keys(event)) cols[k] = 'string';
  for (const f of other) cols[f] = 'string';
  for (const [f, integral] of numeric) if (!other.has(f)) cols[f] = integral ? 'long' : 'real';
  return cols;
}

/**
 * A row of the Sentinel test table: a string column holds text (numbers and booleans as their
 * text), a `long`/`real` column a number (a numeric text becomes its number, other text null,
 * as ingestion into a typed column does); nulls are dropped (a missing string column reads "").
 */
export function kustoStore(event: Event, ctx: DialectContext): Event | null {
  const cols = kustoColumns(ctx.ir, event);
  const e: Event = {};
  for (const [k, v] of Object.entries(event)) {
    if (v === null || v === undefined) continue;
    const t = cols[k];
    if (t === 'long' || t === 'real') {
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
      if (n === null || (t === 'long' && !Number.isInteger(n))) continue;
      e[k] = n;
    } else e[k] = String(v);
  }
  return e;
}
