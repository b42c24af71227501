/**
 * IR -> EQL condition (docs/eql.md part of docs/elastic.md, NOTES.md here). Leaves are lowered with
 * the kit (`lowerLeaves`, one `Lowering`): approximations widen a leaf that is not negated and
 * narrow one under `not`. Field types come from the Elastic target's tables (fields.ts there), so
 * `exact` means exact on the ECS mapping the built-in pipelines write to; a field nobody declares
 * is taken as `keyword`, as the Elastic target takes it.
 */
import { domainSplitTree } from '../elastic-kql/domain-split.js';
import { widenedField } from '../elastic-kql/widen.js';
import ipaddr from 'ipaddr.js';
import type { ConvertContext } from '../../src/backend.js';
import { assertNever, type DiagnosticSink } from '../../src/diagnostics.js';
import { isMatch } from '../../src/ir/kinds.js';
import { addedBy } from '../../src/ir/origin.js';
import { canonicalNumber } from '../../src/ir/number.js';
import { withOp } from '../../src/ir/sigma-string.js';
import type { CidrMatch, Match, Node, SigmaString, StringMatch } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { ipv4CidrToPrefixes } from '../../src/lowering/cidr.js';
import { and, fold, FALSE, leaf, lowerLeaves, not, or, type Tree } from '../../src/lowering/tree.js';
// The Elastic target's field types and pipeline data, by reference (one ECS table for both languages).
import { fieldClass, type FieldClass } from '../elastic-kql/fields.js';
import { domainSplitOf, warnUnmapped, widenFieldsOf } from '../elastic-kql/pipelines.js';
import { eqlField, eqlString, luceneLiteral } from './escape.js';
import { toLucene } from './regex.js';
import { SETTINGS } from './settings.js';
import { targetOf, targetString } from '../../src/settings.js';

/** Stable reasons of EQL approximations (a diagnostic's `reason`). */
export type Reason = 'regex' | 'cidr' | 'field-type' | 'fieldref' | 'time' | 'field-less';
/** Reasons of refusals only. */
export type UnsupportedReason = 'placeholder' | 'degenerate';

type E = Tree<string>;
type Low = Lowering<Reason | UnsupportedReason>;
type RuleLogsource = ConvertContext['rule']['logsource'];

interface Env {
  readonly low: Low;
  readonly domainSplit?: Readonly<Record<string, string>>;
  readonly widen?: Readonly<Record<string, string>>;
}

const exists = (f: string): E => leaf(`${eqlField(f)} != null`);
const list = (xs: readonly string[]): string => (xs.length === 1 ? xs[0] : `(${xs.join(', ')})`);

function where(m: Match): string {
  return m.field === null ? 'a keyword' : `field '${m.field}'`;
}

/** A leaf EQL cannot test: "the field exists" (wider), or nothing under `not` (narrower). */
function giveUp(m: Match & { field: string }, env: Env, negated: boolean, reason: Reason, what: string): E {
  return env.low.bound(
    m,
    negated,
    reason,
    negated
      ? `${what}; under 'not' the test is dropped (the query matches more events)`
      : `${what}; the query tests only that ${where(m)} exists (matches more events)`,
    { wider: exists(m.field), narrower: FALSE },
  );
}

/**
 * A keyword (a value without a field): EQL has no full-text search [S]. Under `not` it is dropped
 * (the negated part narrows to nothing: approximate, the query matches more events). Elsewhere
 * leaving it out would keep only the rule's other conditions, usually just its log source
 * (`process where event.type == "start"`: every process start), so it is refused as degenerate,
 * as the Elastic target refuses its degenerate widenings; KQL searches keywords in the index's
 * default fields, so `-t elastic` is the way out (and `-f detection-rule` picks it).
 */
function fieldLess(m: Match, env: Env, negated: boolean, what: string): E {
  if (negated)
    return env.low.drop(
      m,
      negated,
      'field-less',
      `EQL has no full-text search: ${what} under 'not' is dropped (the query matches more events)`,
    );
  env.low.unsupported(
    m,
    `EQL has no full-text search, so ${what} cannot be tested; leaving it out would leave only the rule's other conditions (often just its log source), which matches (nearly) every event of the log source: convert this rule with -t elastic, whose KQL searches keywords in the index's default fields`,
    'degenerate',
  );
  return FALSE;
}

/** A string pattern as EQL wildcard text, or null when its text holds a literal `*` or `?` (EQL has no escape for them). */
function wildcardText(parts: SigmaString): string | null {
  let s = '';
  for (const p of parts) {
    if (p.kind === 'text') {
      if (/[*?]/.test(p.text)) return null;
      s += p.text;
    } else if (p.kind === 'any') s += '*';
    else if (p.kind === 'one') s += '?';
    else return null;
  }
  return s;
}

/** A string pattern as an anchored Lucene regex (for literal `*`/`?` beside wildcards). */
function patternRegex(parts: SigmaString, cased: boolean): string {
  // `regex~` folds ASCII letters only: a caseless pattern spells each other cased letter as a class.
  const text = (t: string) => {
    if (cased) return luceneLiteral(t);
    let out = '';
    for (const ch of t) {
      const other = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
      out +=
        ch.codePointAt(0)! > 0x7f && other !== ch && [...other].length === 1
          ? `[${ch}${other}]`
          : luceneLiteral(ch);
    }
    return out;
  };
  return parts
    .map((p) => (p.kind === 'text' ? text(p.text) : p.kind === 'any' ? '.*' : p.kind === 'one' ? '.' : ''))
    .join('');
}

const isWild = (parts: SigmaString) => parts.some((p) => p.kind === 'any' || p.kind === 'one');
const textOf = (parts: SigmaString) => parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');

/**
 * String values on a keyword-family field: `:` (case-insensitive, `*` and `?` wildcards),
 * `in~` (case-insensitive equality, for a literal `*`/`?`), `==`/`in`/`like` when |cased, and
 * `regex`/`regex~` for a literal `*`/`?` beside wildcards. A value that is only `*` is "exists".
 */
function keywordValues(field: string, patterns: readonly SigmaString[], cased: boolean): E {
  const f = eqlField(field);
  const colon: string[] = []; // `:` (or `like` when cased)
  const equal: string[] = []; // `in~` (or `in`/`==` when cased)
  const regex: string[] = [];
  let any = false;
  for (const v of patterns) {
    if (v.length > 0 && v.every((p) => p.kind === 'any')) {
      any = true;
      continue;
    }
    if (!isWild(v)) {
      const t = textOf(v);
      // Uncased and free of `*`/`?`: `:`, the documented case-insensitive equality.
      if (!cased && !/[*?]/.test(t)) colon.push(eqlString(t));
      else equal.push(eqlString(t));
      continue;
    }
    const w = wildcardText(v);
    if (w !== null) colon.push(eqlString(w));
    else regex.push(eqlString(patternRegex(v, cased)));
  }
  const out: E[] = [];
  if (any) out.push(exists(field));
  if (colon.length) out.push(leaf(`${f} ${cased ? 'like' : ':'} ${list(colon)}`));
  if (equal.length)
    out.push(
      leaf(
        cased
          ? equal.length === 1
            ? `${f} == ${equal[0]}`
            : `${f} in (${equal.join(', ')})`
          : `${f} in~ (${equal.join(', ')})`,
      ),
    );
  if (regex.length) out.push(leaf(`${f} ${cased ? 'regex' : 'regex~'} ${list(regex)}`));
  return out.length === 1 ? out[0] : or(out);
}

function lowerString(m: StringMatch, env: Env, negated: boolean, split = true): E {
  if (m.values.some((v) => v.some((p) => p.kind === 'placeholder'))) {
    env.low.unsupported(
      m,
      `${where(m)} has an unresolved placeholder: give it a value with a pipeline`,
      'placeholder',
    );
    return FALSE;
  }
  if (m.field === null) return fieldLess(m, env, negated, 'a keyword (a value without a field)');
  const field = m.field;
  if (split && env.domainSplit && Object.hasOwn(env.domainSplit, field)) {
    // Where the source's "DOMAIN\name" is stored split (Sysmon User -> user.domain + user.name, the
    // Elastic target's `domainSplit` data), as the Elastic target does.
    const domain = env.domainSplit[field];
    const lower = (part: StringMatch) => lowerString(part, env, negated, false);
    return domainSplitTree(m, field, domain, lower, () => not(exists(domain)));
  }
  const patterns = m.values.map((v) => withOp(v, m.op));
  const cls = fieldClass(field);
  switch (cls) {
    case 'keyword':
    case 'unknown':
      return keywordValues(field, patterns, m.cased);
    case 'numeric': {
      // A number written as text: the numeric term, exact when it is a plain decimal.
      const nums = patterns
        .map((p) => (isWild(p) ? null : textOf(p)))
        .filter((t) => t !== null && /^-?\d+$/.test(t));
      if (nums.length === patterns.length)
        return leaf(
          nums.length === 1
            ? `${eqlField(field)} == ${nums[0]}`
            : `${eqlField(field)} in (${(nums as string[]).join(', ')})`,
        );
      return giveUp(
        { ...m, field },
        env,
        negated,
        'field-type',
        `'${field}' is numeric and a text value with wildcards cannot be compared with it`,
      );
    }
    case 'ip': {
      // A plain address (dotted quad, or IPv6) as a one-address network; the core imports no Node module.
      const isIP = (t: string): 0 | 4 | 6 =>
        ipaddr.IPv4.isValidFourPartDecimal(t) ? 4 : ipaddr.IPv6.isValid(t) ? 6 : 0;
      const ips = patterns.map((p) => (isWild(p) ? '' : textOf(p))).filter((t) => isIP(t) !== 0);
      if (ips.length === patterns.length)
        return leaf(
          `cidrMatch(${eqlField(field)}, ${ips.map((t) => eqlString(`${t}/${isIP(t) === 4 ? 32 : 128}`)).join(', ')})`,
        );
      return giveUp(
        { ...m, field },
        env,
        negated,
        'field-type',
        `'${field}' is an ip field: a text pattern cannot be tested on it`,
      );
    }
    case 'boolean': {
      // "true"/"false" in any case on a boolean field is the boolean (as the source wrote it).
      const bools = patterns.map((p) => (isWild(p) ? '' : textOf(p).toLowerCase()));
      if (!m.cased && bools.every((b) => b === 'true' || b === 'false') && new Set(bools).size === 1)
        return leaf(`${eqlField(field)} == ${bools[0]}`);
      return giveUp(
        { ...m, field },
        env,
        negated,
        'field-type',
        `'${field}' is a boolean field, which EQL's string comparisons do not test`,
      );
    }
    case 'text':
    case 'date':
    case 'other':
      return giveUp(
        { ...m, field },
        env,
        negated,
        'field-type',
        `'${field}' is a ${cls} field, which EQL's string comparisons do not test`,
      );
    default:
      return assertNever(cls);
  }
}

/** Exact patterns for the canonical dotted-quad addresses of an IPv4 network, as Lucene regexes. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
function ipv4Regex(prefix: { text: string; op: 'eq' | 'startswith' }): string {
  if (prefix.op === 'eq') return luceneLiteral(prefix.text);
  const left = 4 - (prefix.text.match(/\./g)?.length ?? 0) - (prefix.text === '' ? 0 : 0);
  const rest = prefix.text === '' ? 4 : left;
  return luceneLiteral(prefix.text) + Array.from({ length: rest }, () => OCTET).join('\\.');
}

function lowerCidr(m: CidrMatch, env: Env, negated: boolean): E {
  const cls = fieldClass(m.field);
  const f = eqlField(m.field);
  // cidrMatch: "If using a field as the argument, this parameter supports only the ip field datatype."
  if (cls === 'ip')
    return leaf(
      `cidrMatch(${f}, ${m.networks.map((n) => eqlString(`${n.address}/${n.prefix}`)).join(', ')})`,
    );
  if (cls !== 'keyword' && cls !== 'unknown')
    return giveUp(m, env, negated, 'field-type', `'${m.field}' is a ${cls} field and cannot hold an address`);
  // On a keyword field the canonical dotted-quad text of the network's addresses, exactly.
  const res: string[] = [];
  let v6 = false;
  for (const n of m.networks)
    if (n.version === 4) for (const p of ipv4CidrToPrefixes(n)) res.push(eqlString(ipv4Regex(p)));
    else v6 = true;
  const out: E[] = res.length ? [leaf(`${f} regex ${list(res)}`)] : [];
  if (v6)
    out.push(
      env.low.bound(
        m,
        negated,
        'cidr',
        negated
          ? `'${m.field}' is not an ip field and IPv6 text has many spellings: under 'not' its IPv6 networks are dropped (the query matches more events)`
          : `'${m.field}' is not an ip field and IPv6 text has many spellings: its IPv6 networks became "holds a ':'" (matches more events)`,
        { wider: leaf(`${f} : "*:*"`), narrower: FALSE },
      ),
    );
  return out.length === 1 ? out[0] : or(out);
}

function lowerMatch(m: Match, env: Env, negated: boolean): E {
  const dropped = widenedField<string>(m, env.widen, env.low, negated);
  if (dropped) return dropped;
  switch (m.kind) {
    case 'string':
      return lowerString(m, env, negated);
    case 'regex': {
      if (m.field === null) return fieldLess(m, env, negated, `the keyword regex /${m.pattern}/`);
      const cls = fieldClass(m.field);
      const r = toLucene(m);
      if (!r.ok || (cls !== 'keyword' && cls !== 'unknown'))
        return giveUp(
          { ...m, field: m.field },
          env,
          negated,
          'regex',
          r.ok
            ? `'${m.field}' is a ${cls} field, which EQL's regex does not test`
            : `regex /${m.pattern}/ uses ${r.reason}, which Lucene regular expressions (EQL regex) do not have`,
        );
      return leaf(`${eqlField(m.field)} ${r.caseless ? 'regex~' : 'regex'} ${eqlString(r.pattern)}`);
    }
    case 'cidr':
      return lowerCidr(m, env, negated);
    case 'number': {
      if (m.field === null) return fieldLess(m, env, negated, 'a keyword number');
      const cls = fieldClass(m.field);
      const f = eqlField(m.field);
      const nums = m.values.map((v) => canonicalNumber(v));
      if (cls === 'numeric')
        return leaf(nums.length === 1 ? `${f} == ${nums[0]}` : `${f} in (${nums.join(', ')})`);
      // A keyword field holds the number's digits (`winlog.event_id` is keyword in ECS).
      if (cls === 'keyword' || cls === 'unknown') {
        const s = nums.map(eqlString);
        return leaf(s.length === 1 ? `${f} == ${s[0]}` : `${f} in (${s.join(', ')})`);
      }
      return giveUp(
        { ...m, field: m.field },
        env,
        negated,
        'field-type',
        `'${m.field}' is a ${cls} field and holds no number`,
      );
    }
    case 'boolean': {
      const cls = fieldClass(m.field);
      if (cls === 'boolean') return leaf(`${eqlField(m.field)} == ${m.value}`);
      // On keyword data the text "true"/"false" in any case (Sysmon writes "true", others "True").
      if (cls === 'keyword' || cls === 'unknown')
        return leaf(`${eqlField(m.field)} : ${eqlString(String(m.value))}`);
      return giveUp(m, env, negated, 'field-type', `'${m.field}' is not a boolean or keyword field`);
    }
    case 'compare': {
      const cls = fieldClass(m.field);
      if (cls === 'numeric') {
        const op = ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as const)[m.op];
        return leaf(`${eqlField(m.field)} ${op} ${canonicalNumber(m.value)}`);
      }
      return giveUp(
        m,
        env,
        negated,
        'field-type',
        cls === 'unknown'
          ? `'${m.field}' has no known numeric type: on keyword data EQL compares strings lexicographically ("10" < "5")`
          : `'${m.field}' is a ${cls} field: EQL would not compare it as a number`,
      );
    }
    case 'exists':
      // "To match events containing any value for a field, compare the field to null using !=".
      return leaf(`${eqlField(m.field)} ${m.exists ? '!=' : '=='} null`);
    case 'null':
      // Elasticsearch does not index null: "absent or null" is `field == null`.
      return leaf(`${eqlField(m.field)} == null`);
    case 'fieldref':
      // "You also cannot compare a field to another field" (EQL syntax, limitations).
      return env.low.bound(
        m,
        negated,
        'fieldref',
        negated
          ? `EQL cannot compare the fields '${m.field}' and '${m.other}': under 'not' the comparison is dropped (the query matches more events)`
          : `EQL cannot compare the fields '${m.field}' and '${m.other}': the query tests only that both exist (matches more events)`,
        { wider: and([exists(m.field), exists(m.other)]), narrower: FALSE },
      );
    case 'time':
      return giveUp(m, env, negated, 'time', `EQL has no function for the ${m.unit} of '${m.field}'`);
    default:
      return assertNever(m);
  }
}

/** `event.category` tested with one exact value at the top of the rule (the ECS pipelines add it). */
function eventCategory(ir: Node): { category: string; rest: Node } | undefined {
  if (ir.kind !== 'and') return undefined;
  const flat: Node[] = [];
  const walk = (n: Node) => (n.kind === 'and' ? n.children.forEach(walk) : flat.push(n));
  walk(ir);
  const i = flat.findIndex(
    (n) =>
      isMatch(n) &&
      n.kind === 'string' &&
      n.field === 'event.category' &&
      n.cased &&
      n.op === 'eq' &&
      n.values.length === 1 &&
      n.values[0].length === 1 &&
      n.values[0][0].kind === 'text' &&
      /^[a-z][a-z_]*$/.test(n.values[0][0].text),
  );
  if (i < 0) return undefined;
  const m = flat[i] as StringMatch;
  const category = (m.values[0][0] as { text: string }).text;
  const rest = flat.filter((_, j) => j !== i);
  return { category, rest: rest.length === 1 ? rest[0] : { kind: 'and', children: rest } };
}

function print(t: E, top = true): string {
  switch (t.kind) {
    case 'const':
      return String(t.value);
    case 'leaf':
      return t.leaf;
    case 'not':
      // `not` is written with parentheses around anything but a leaf, so no precedence is relied on.
      return t.child.kind === 'leaf' ? `not ${t.child.leaf}` : `not (${print(t.child)})`;
    case 'and':
    case 'or': {
      const s = t.children
        .map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${print(c, false)})` : print(c, false)))
        .join(` ${t.kind} `);
      return top ? s : s;
    }
    default:
      return assertNever(t);
  }
}

/**
 * One rule's EQL query, or undefined when EQL cannot say it (reported to `sink`). `state` is the
 * pipelines' (the Elastic target's ECS entry gives the domain splits and widening fields).
 */
export function eqlQuery(
  ir: Node,
  state: Readonly<Record<string, unknown>>,
  sink: DiagnosticSink,
  /** Lift the log source's `event.category` test into the category (`process where`); else `any where`. */
  liftCategory = true,
  /** The rule's log source, for the warning that no built-in entry maps it (the rule's own field names). */
  logsource?: RuleLogsource,
): string | undefined {
  if (logsource) warnUnmapped(state, logsource, sink);
  const low: Low = new Lowering(sink);
  const entry = typeof state.ecs_entry === 'string' ? state.ecs_entry : '';
  const env: Env = {
    low,
    domainSplit: entry ? domainSplitOf(entry) : undefined,
    widen: entry ? widenFieldsOf(entry) : undefined,
  };
  const cat = liftCategory ? eventCategory(ir) : undefined;
  const lowered = new Map<Match, Partial<Record<'plain' | 'negated', E>>>();
  const tree = fold(
    lowerLeaves(cat ? cat.rest : ir, (m, negated) => {
      const e = lowerMatch(m, env, negated);
      // Set on the entry (not `{ ...entry, [key]: e }`: V8 builds a spread with a computed key on
      // a slow path, and this runs for every leaf).
      const entry = lowered.get(m);
      if (entry) entry[negated ? 'negated' : 'plain'] = e;
      else lowered.set(m, negated ? { negated: e } : { plain: e });
      return e;
    }),
  );
  if (low.failed) return undefined;
  // The rule's own part: the top-level conjuncts other than the pipeline's log-source conditions
  // (the nodes `add_condition` builds, marked `addedBy` in their origin). When approximation left it
  // `true`, the query is every event of the log source (`process where event.type == "start"` for
  // a process_creation rule whose one filter was dropped), which is no detection.
  if (low.approximate && tree.kind !== 'const') {
    const conjuncts: Node[] = [];
    const walk = (n: Node) => (n.kind === 'and' ? n.children.forEach(walk) : conjuncts.push(n));
    walk(cat ? cat.rest : ir);
    const own = conjuncts.filter((n) => addedBy(n) === undefined);
    if (own.length < conjuncts.length) {
      const rest = fold(
        lowerLeaves(own.length === 1 ? own[0] : { kind: 'and', children: own }, (m, negated) => {
          const e = lowered.get(m)?.[negated ? 'negated' : 'plain'];
          return e ?? lowerMatch(m, env, negated);
        }),
      );
      if (rest.kind === 'const' && rest.value) {
        low.unsupported(
          undefined,
          "after approximation only the log source's own conditions are left: the query would match every event of the log source, which is no detection",
          'degenerate',
        );
        return undefined;
      }
    }
  }
  // A rule that lowers to a constant is no detection: `true` with a lifted category is still
  // "every event of the category" (`process where true`).
  if (tree.kind === 'const') {
    const every = cat ? `every '${cat.category}' event of its log source` : 'every event';
    low.unsupported(
      undefined,
      tree.value
        ? `${low.approximate ? 'after approximation ' : ''}the rule matches ${every}, which is no detection`
        : 'the rule can never match an event',
      'degenerate',
    );
    return undefined;
  }
  return `${cat ? cat.category : 'any'} where ${print(tree)}`;
}

export function convertEql(ctx: ConvertContext): string[] {
  const target = targetOf(ctx, SETTINGS);
  if (!target) return [];
  const q = eqlQuery(
    ctx.ir,
    ctx.state,
    ctx.sink,
    targetString(target, 'category') !== 'any',
    ctx.rule.logsource,
  );
  return q === undefined ? [] : [q];
}

export type { FieldClass };
