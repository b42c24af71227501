/**
 * An event synthesizer for semantic checks: from a rule's IR (no pipelines), a deterministic set
 * of flat events (`Record<string, unknown>`: field -> string | number | boolean | null, an absent
 * key = a missing field) that probe the rule's boundaries.
 *
 * - Per match leaf, probe values: values that match (the literal, case variants including
 *   Unicode ones, wildcard fillers, contains/startswith/endswith with text around), near misses
 *   (one character changed, truncated, one more character at either end), type variants (number
 *   vs numeric string, boolean vs "true"/"TRUE", empty string, null, missing), CIDR edges (first and
 *   last address, one outside, IPv6 compressed/expanded/uppercase, an address with a port),
 *   regex samples (see regexSamples below), time stamps.
 * - For the whole rule: witnesses that satisfy the condition (one per `or` branch / `1 of`
 *   alternative, built from the leaves of one satisfying path and kept only when the reference
 *   evaluator agrees), falsifiers, and mutations of the witnesses, one field at a time, with every
 *   probe value, so that `not`/`and`/`or` structure is probed.
 *
 * Keyword (field-less) values are placed in `_raw` (a raw-message field) and, as a variant, in
 * `Message` (a named field). The synthesizer knows nothing of backends: it reads only the IR and
 * uses the reference evaluator (src/evaluate) to keep true witnesses.
 */
import { compileRule, translateRegex, type CompiledRule } from '../../src/evaluate/index.js';
import { withOp } from '../../src/ir/sigma-string.js';
import type { Match, Network, Node, SigmaString, TimeUnit } from '../../src/ir/types.js';

export type Event = Record<string, unknown>;

/** Where keyword (field-less) values are placed: a raw-message field, and a named field. */
export const RAW_FIELD = '_raw';
export const KEYWORD_NAMED_FIELD = 'Message';

export interface SynthOptions {
  /** The most events per rule (default 300). */
  readonly maxEvents?: number;
}

export interface SynthResult {
  readonly events: Event[];
  /** Events the reference evaluator matches (positives among `events`). */
  readonly matching: number;
  /** Regex leaves for which no sample could be generated (with the reason). */
  readonly regexSkipped: readonly string[];
  /** The compiled reference rule (the oracle), for reuse. */
  readonly oracle: CompiledRule;
}

// ---------------------------------------------------------------------------------------------
// Probe values per leaf

/** A value for a field: `MISSING` deletes the field. */
export const MISSING: unique symbol = Symbol('missing');
type Val = string | number | boolean | null | typeof MISSING;

/** Case variants of a text: upper, lower, mixed, and Unicode lookalikes that fold (or not). */
function caseVariants(s: string): string[] {
  const out = [s.toUpperCase(), s.toLowerCase()];
  let mixed = '';
  let up = false;
  for (const c of s) {
    if (!/[a-z]/i.test(c)) {
      mixed += c;
      continue;
    }
    up = !up;
    mixed += up ? c.toUpperCase() : c.toLowerCase();
  }
  out.push(mixed);
  // Unicode: the Kelvin sign and long s fold to k/s; dotted/dotless i (Turkish) do not fold to i.
  if (/k/i.test(s)) out.push(s.replace(/k/i, '\u212a'));
  if (/s/i.test(s)) out.push(s.replace(/s/i, '\u017f'));
  if (/i/i.test(s)) out.push(s.replace(/i/i, '\u0130'), s.replace(/i/i, '\u0131'));
  if ([...s].some((c) => c.codePointAt(0)! > 0x7f)) out.push(s.normalize('NFD'));
  return out;
}

/** Near misses: one character changed, truncated at either end, one more character at either end. */
function nearMisses(s: string): string[] {
  if (s.length === 0) return ['x'];
  const change = (i: number) => s.slice(0, i) + (s[i] === 'q' ? 'z' : 'q') + s.slice(i + 1);
  const out = [change(0), change(s.length - 1), s.slice(1), s.slice(0, -1), 'q' + s, s + 'q'];
  if (s.length > 2) out.push(change(Math.floor(s.length / 2)));
  return out;
}

/** A Sigma string (op folded in) made concrete: `*` becomes `any`, `?` becomes `one`. */
function realize(parts: SigmaString, any: string, one: string): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'any') out += any;
    else if (p.kind === 'one') out += one;
    else out += `%${p.name}%`;
  }
  return out;
}

/** At most n items of a list, spread evenly (first and last kept). */
function spread<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  const out: T[] = [];
  for (let k = 0; k < n; k++) out.push(list[Math.round((k * (list.length - 1)) / Math.max(1, n - 1))]);
  return [...new Set(out)];
}

const VALUES_PER_LEAF = 4;

/** The concrete text a string value needs at least (op folded in, wildcards as given fillers). */
function stringProbes(values: readonly SigmaString[], op: Match & { kind: 'string' }): Val[] {
  const out: Val[] = [];
  for (const v of spread(values, VALUES_PER_LEAF)) {
    const full = withOp(v, op.op);
    const bare = realize(v, '', 'x');
    const m0 = realize(full, '', 'x');
    out.push(m0, realize(full, 'a b\\"', 'Z'), realize(full, 'pre ', 'y'));
    // `?`: zero and two characters (misses), `*` with a long filler.
    if (v.some((p) => p.kind === 'one')) out.push(realize(full, '', ''), realize(full, '', 'xy'));
    if (v.some((p) => p.kind === 'any')) out.push(realize(full, 'FILL-er\\x', 'x'));
    // Text around: a prefix and a suffix (contains/startswith/endswith keep or lose the match).
    out.push('pre' + bare, bare + 'post', 'pre ' + bare + ' post', ' ' + bare, bare + ' ');
    out.push(...caseVariants(m0), ...nearMisses(bare));
    // Type variants: a numeric text as a number, a boolean text as a boolean.
    if (/^-?\d+(\.\d+)?$/.test(bare)) out.push(Number(bare));
    if (/^(true|false)$/i.test(bare)) out.push(bare.toLowerCase() === 'true', bare.toUpperCase());
  }
  out.push('', null, MISSING);
  return out;
}

function ipv4Text(b: readonly number[]): string {
  return b.join('.');
}

function ipv6Groups(b: readonly number[]): number[] {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  return g;
}

function ipv6Expanded(b: readonly number[]): string {
  return ipv6Groups(b)
    .map((x) => x.toString(16).padStart(4, '0'))
    .join(':');
}

function ipv6Compressed(b: readonly number[]): string {
  const g = ipv6Groups(b);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The network's first and last addresses and the addresses just outside, as byte arrays. */
function edges(n: Network): number[][] {
  const first = [...n.bytes];
  const last = first.map((b, i) => {
    const keep = Math.max(0, Math.min(8, n.prefix - i * 8));
    return b | (0xff >> keep);
  });
  const step = (bytes: number[], d: 1 | -1): number[] | null => {
    const out = [...bytes];
    for (let i = out.length - 1; i >= 0; i--) {
      const v = out[i] + d;
      if (v >= 0 && v <= 255) {
        out[i] = v;
        return out;
      }
      out[i] = d === 1 ? 0 : 255;
    }
    return null;
  };
  return [first, last, step(first, -1), step(last, 1)].filter((x): x is number[] => x !== null);
}

function cidrProbes(networks: readonly Network[]): Val[] {
  const out: Val[] = [];
  for (const n of spread(networks, VALUES_PER_LEAF)) {
    const [first, last, ...outside] = edges(n);
    for (const b of [first, last, ...outside]) {
      if (n.version === 4) out.push(ipv4Text(b));
      else out.push(ipv6Compressed(b), ipv6Expanded(b).toUpperCase());
    }
    if (n.version === 4) {
      out.push(
        `${ipv4Text(first)}:443`,
        `::ffff:${ipv4Text(first)}`,
        ipv4Text(first).split('.')[0] + '.example.org',
      );
      out.push(` ${ipv4Text(first)}`);
    } else out.push(ipv6Expanded(first), `[${ipv6Compressed(first)}]:443`, `${ipv6Compressed(first)}%eth0`);
  }
  out.push('', null, MISSING, 'not-an-ip');
  return out;
}

function numberProbes(values: readonly { value: number; text: string }[]): Val[] {
  const out: Val[] = [];
  for (const v of spread(values, VALUES_PER_LEAF)) {
    out.push(v.value, v.text, String(v.value), v.value + 1, String(v.value - 1), `0${v.text}`, `${v.text}.0`);
    out.push(` ${v.text}`, `${v.text}x`, `x${v.text}`);
  }
  out.push('', null, MISSING);
  return out;
}

function compareProbes(x: number): Val[] {
  return [
    x,
    x - 1,
    x + 1,
    x - 0.5,
    x + 0.5,
    String(x),
    String(x + 1),
    String(x - 1),
    `${x}abc`,
    '',
    null,
    MISSING,
  ];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** An ISO timestamp whose `unit` part is `v` (and a neighbour), as the reference evaluator reads it. */
function timeProbes(unit: TimeUnit, values: readonly { value: number }[]): Val[] {
  const out: Val[] = [];
  for (const { value: v } of spread(values, VALUES_PER_LEAF)) {
    for (const w of [v, v + 1]) {
      let d: Date;
      switch (unit) {
        case 'minute':
          d = new Date(Date.UTC(2024, 2, 5, 10, w % 60, 7));
          break;
        case 'hour':
          d = new Date(Date.UTC(2024, 2, 5, w % 24, 30, 7));
          break;
        case 'day':
          d = new Date(Date.UTC(2024, 2, Math.max(1, Math.min(31, w)), 10, 30));
          break;
        case 'week':
          d = new Date(Date.UTC(2024, 0, 3 + 7 * (w - 1), 10, 30));
          break;
        case 'month':
          d = new Date(Date.UTC(2024, Math.max(0, Math.min(11, w - 1)), 15, 10, 30));
          break;
        case 'year':
          d = new Date(Date.UTC(w, 5, 15, 10, 30));
          break;
      }
      if (Number.isNaN(d.getTime())) continue;
      const iso = d.toISOString();
      out.push(iso, iso.replace('T', ' ').replace('.000Z', ''));
      out.push(
        `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00+02:00`,
      );
    }
  }
  out.push('', 'not a time', MISSING);
  return out;
}

interface RegexInfo {
  samples: string[];
  skipped?: string;
}

function regexInfo(m: Match & { kind: 'regex' }, cache: Map<Match, RegexInfo>): RegexInfo {
  let r = cache.get(m);
  if (r) return r;
  const t = translateRegex(m.pattern, m.flags);
  r = t.ok ? regexSamples(t.regexp) : { samples: [], skipped: `untranslatable: ${t.reason}` };
  cache.set(m, r);
  return r;
}

function regexProbes(info: RegexInfo): Val[] {
  const out: Val[] = [];
  for (const s of info.samples.slice(0, 4)) {
    out.push(s, `pre ${s} post`, `${s}\npost`, ...caseVariants(s).slice(0, 3), ...nearMisses(s).slice(0, 4));
  }
  out.push('', MISSING);
  return out;
}

/** The probe values of a leaf, keyed by field (`null` = a keyword). */
function leafProbes(m: Match, rx: Map<Match, RegexInfo>): { field: string | null; values: Val[] }[] {
  switch (m.kind) {
    case 'string':
      return [{ field: m.field, values: stringProbes(m.values, m) }];
    case 'regex':
      return [{ field: m.field, values: regexProbes(regexInfo(m, rx)) }];
    case 'cidr':
      return [{ field: m.field, values: cidrProbes(m.networks) }];
    case 'number':
      return [{ field: m.field, values: numberProbes(m.values) }];
    case 'boolean':
      return [
        {
          field: m.field,
          values: [
            true,
            false,
            'true',
            'TRUE',
            'True',
            'false',
            'FALSE',
            'yes',
            1,
            0,
            '1',
            '',
            null,
            MISSING,
          ],
        },
      ];
    case 'compare':
      return [{ field: m.field, values: compareProbes(m.value.value) }];
    case 'exists':
    case 'null':
      return [{ field: m.field, values: ['x', '', ' ', 0, false, null, MISSING] }];
    case 'fieldref':
      return [
        { field: m.field, values: ['Same-Value', 'same-value', 'Same', 'Same-Value-Plus', '', MISSING] },
        { field: m.other, values: ['Same-Value', 'SAME-VALUE', 'Value', 'Same', '', MISSING] },
      ];
    case 'time':
      return [{ field: m.field, values: timeProbes(m.unit, m.values) }];
  }
}

// ---------------------------------------------------------------------------------------------
// Witnesses: assignments of fields that satisfy (or falsify) a node

/** A piece of a field's value: whole value, or text that must start / be inside / end it. */
/**
 * A piece of a field's value: the whole value (`eq`), text it must start with, contain or end
 * with, or a falsifier (`neg`: a value that makes a leaf false, used only when no positive piece
 * constrains the field).
 */
type Frag = { pos: 'eq' | 'start' | 'mid' | 'end' | 'neg'; value: Val };
type Assign = ReadonlyMap<string, readonly Frag[]>;

const KW = '\u0000keyword';
const CAP = 12;

function one(field: string | null, frag: Frag): Assign {
  return new Map([[field ?? KW, [frag]]]);
}

function merge(a: Assign, b: Assign): Assign {
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, [...(out.get(k) ?? []), ...v]);
  return out;
}

/** The value of a field from its fragments. */
function valueOf(frags: readonly Frag[]): Val {
  const pos = frags.filter((f) => f.pos !== 'neg');
  if (pos.length === 0) return (frags.find((f) => f.value !== MISSING) ?? frags[0]).value;
  const eq = pos.find((f) => f.pos === 'eq');
  if (eq) return eq.value;
  const txt = (p: Frag['pos']) => pos.filter((f) => f.pos === p).map((f) => String(f.value));
  return [...txt('start'), txt('mid').join(' '), ...txt('end')].join('');
}

/** Whether two assignments can hold together (no clash of whole values, no falsifier on a constrained field). */
function compatible(a: Assign, b: Assign): boolean {
  for (const [k, fb] of b) {
    const fa = a.get(k);
    if (!fa) continue;
    const all = [...fa, ...fb];
    const positive = all.filter((f) => f.pos !== 'neg');
    if (positive.length && positive.length < all.length) return false;
    const eqs = positive.filter((f) => f.pos === 'eq');
    if (eqs.length && (eqs.some((f) => !Object.is(f.value, eqs[0].value)) || eqs.length < positive.length))
      return false;
  }
  return true;
}

/** Distinct assignments, at most CAP, spread evenly. */
function cap(list: Assign[]): Assign[] {
  return spread(list, CAP);
}

function sat(n: Node, want: boolean, rx: Map<Match, RegexInfo>): Assign[] {
  switch (n.kind) {
    case 'and':
    case 'or': {
      const conj = (n.kind === 'and') === want; // all children must have `want`
      const lists = n.children.map((c) => sat(c, want, rx));
      if (!conj) return cap(lists.flat());
      if (lists.some((l) => l.length === 0)) return [];
      const width = Math.min(CAP, Math.max(...lists.map((l) => l.length)));
      const out: Assign[] = [];
      for (let i = 0; i < width; i++)
        out.push(
          lists.reduce<Assign>((acc, l) => {
            // The i-th alternative of each child, or the next one that fits what is chosen so far.
            for (let k = 0; k < Math.min(l.length, 6); k++) {
              const c = l[(i + k) % l.length];
              if (compatible(acc, c)) return merge(acc, c);
            }
            return merge(acc, l[i % l.length]);
          }, new Map()),
        );
      return out;
    }
    case 'not':
      return sat(n.child, !want, rx);
    default:
      return leafSat(n, want, rx);
  }
}

function leafSat(m: Match, want: boolean, rx: Map<Match, RegexInfo>): Assign[] {
  if (!want) {
    if (m.kind === 'null' || (m.kind === 'exists' && !m.exists))
      return [one(m.field, { pos: 'neg', value: 'x' })];
    if (m.field === null) return [new Map()];
    return [one(m.field, { pos: 'neg', value: MISSING })];
  }
  switch (m.kind) {
    case 'string':
      return spread(m.values, CAP).map((v) => {
        const text = realize(v, '', 'x');
        // Wildcards inside the value are realized (any -> '', one -> 'x'); `contains` etc. keep
        // room for the other constraints on the same field.
        const pos =
          m.op === 'eq' ? 'eq' : m.op === 'contains' ? 'mid' : m.op === 'startswith' ? 'start' : 'end';
        return one(m.field, { pos: m.field === null ? 'mid' : pos, value: text });
      });
    case 'regex':
      return regexInfo(m, rx)
        .samples.slice(0, 3)
        .map((s) => one(m.field, { pos: m.field === null ? 'mid' : 'eq', value: s }));
    case 'cidr':
      return spread(m.networks, CAP).map((n) =>
        one(m.field, { pos: 'eq', value: n.version === 4 ? ipv4Text(n.bytes) : ipv6Compressed(n.bytes) }),
      );
    case 'number':
      return spread(m.values, CAP).map((v) =>
        one(m.field, { pos: m.field === null ? 'mid' : 'eq', value: m.field === null ? v.text : v.value }),
      );
    case 'boolean':
      return [one(m.field, { pos: 'eq', value: m.value })];
    case 'compare': {
      const x = m.value.value;
      const v = m.op === 'gt' ? x + 1 : m.op === 'lt' ? x - 1 : x;
      return [one(m.field, { pos: 'eq', value: v })];
    }
    case 'exists':
      return [one(m.field, { pos: 'eq', value: m.exists ? 'x' : MISSING })];
    case 'null':
      return [one(m.field, { pos: 'eq', value: MISSING })];
    case 'fieldref':
      return [
        merge(
          one(m.field, { pos: 'eq', value: 'Same-Value' }),
          one(m.other, { pos: 'eq', value: 'Same-Value' }),
        ),
      ];
    case 'time': {
      const probes = timeProbes(m.unit, m.values.slice(0, 1));
      return [one(m.field, { pos: 'eq', value: probes[0] })];
    }
  }
}

/** An event from an assignment (keywords go to `_raw`). */
function toEvent(a: Assign): Event {
  const e: Event = {};
  for (const [k, frags] of a) {
    const v = valueOf(frags);
    if (v === MISSING) continue;
    e[k === KW ? RAW_FIELD : k] = v;
  }
  return e;
}

// ---------------------------------------------------------------------------------------------

function leaves(n: Node, out: Match[] = []): Match[] {
  if (n.kind === 'and' || n.kind === 'or') for (const c of n.children) leaves(c, out);
  else if (n.kind === 'not') leaves(n.child, out);
  else out.push(n);
  return out;
}

/** A stable key of an event (for dedupe): field order as inserted, values with their types. */
function eventKey(e: Event): string {
  return JSON.stringify(Object.entries(e).map(([k, v]) => [k, typeof v, v]));
}

function withValue(e: Event, field: string, v: Val): Event {
  const out = { ...e };
  if (v === MISSING) delete out[field];
  else out[field] = v;
  return out;
}

/** The events for one rule's IR. */
export function synthesize(ir: Node, options: SynthOptions = {}): SynthResult {
  const max = options.maxEvents ?? 300;
  const oracle = compileRule(ir);
  const rx = new Map<Match, RegexInfo>();
  const ls = leaves(ir);

  // Probe values per field (a keyword's go to _raw and to a named field).
  const probes = new Map<string, Val[]>();
  const addProbes = (field: string, values: Val[]) => {
    const list = probes.get(field) ?? [];
    for (const v of values) if (!list.some((x) => Object.is(x, v))) list.push(v);
    probes.set(field, list);
  };
  for (const m of ls)
    for (const { field, values } of leafProbes(m, rx)) {
      if (field === null) {
        const texts = values.filter((v) => typeof v === 'string' && v !== '');
        addProbes(RAW_FIELD, values);
        addProbes(KEYWORD_NAMED_FIELD, [...texts.slice(0, 12), MISSING]);
      } else addProbes(field, values);
    }

  const seen = new Set<string>();
  const events: Event[] = [];
  const add = (e: Event): boolean => {
    const k = eventKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    events.push(e);
    return true;
  };

  // Witnesses (kept when the oracle agrees), then falsifiers.
  const witnesses: Event[] = [];
  for (const a of sat(ir, true, rx)) {
    const e = toEvent(a);
    if (oracle(e as never) && add(e)) witnesses.push(e);
  }
  // A keyword witness placed in a named field instead of _raw.
  for (const w of witnesses.slice(0, 4))
    if (RAW_FIELD in w && !(KEYWORD_NAMED_FIELD in w)) {
      const e: Event = { ...w, [KEYWORD_NAMED_FIELD]: w[RAW_FIELD] };
      delete e[RAW_FIELD];
      add(e);
    }
  for (const a of sat(ir, false, rx)) add(toEvent(a));
  add({});

  // Mutations: each (field, probe) applied to one witness in turn (to the empty event when the
  // rule has no witness), the first witness getting every probe while the budget lasts.
  const bases = witnesses.length ? witnesses : [{}];
  const pairs: [string, Val][] = [];
  for (const [f, vs] of probes) for (const v of vs) pairs.push([f, v]);
  const budget = Math.max(0, max - events.length);
  const chosen = spread(pairs, budget);
  chosen.forEach(([f, v], j) => add(withValue(bases[j % bases.length], f, v)));
  if (bases.length > 1)
    for (const [f, v] of chosen) {
      if (events.length >= max) break;
      add(withValue(bases[0], f, v));
    }

  const regexSkipped = ls.flatMap((m) => {
    if (m.kind !== 'regex') return [];
    const r = regexInfo(m, rx);
    return r.samples.length ? [] : [`/${m.pattern}/: ${r.skipped ?? 'no sample'}`];
  });
  let matching = 0;
  for (const e of events) if (oracle(e as never)) matching++;
  return { events, matching, regexSkipped, oracle };
}

// ---------------------------------------------------------------------------------------------
// Regex samples
// Sample strings that a regular expression matches: a small generator over the JavaScript
// pattern the reference evaluator translates a Sigma regex into (`translateRegex`, `u` flag).
// It understands the common constructs (literals, escapes, classes, groups, alternation,
// quantifiers, anchors; look-arounds are skipped as zero-width) and gives up (no samples) on
// back-references. Every sample is checked against the RegExp itself: a wrong guess is dropped.

type Re =
  | { t: 'lit'; c: string }
  | { t: 'set'; test: (ch: string) => boolean; pick: (n: number) => string }
  | { t: 'seq'; items: Re[] }
  | { t: 'alt'; alts: Re[] }
  | { t: 'rep'; item: Re; min: number; max: number }
  | { t: 'empty' };

class GiveUp extends Error {}

/** Candidate characters for classes, in the order they are tried. */
const CANDIDATES = [
  'a',
  'b',
  'x',
  'Z',
  'A',
  '0',
  '1',
  '9',
  '_',
  '-',
  ' ',
  '.',
  '/',
  '\\',
  ':',
  '=',
  '"',
  "'",
  ',',
  '@',
  '\t',
  '\n',
  '$',
  '%',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '+',
  '*',
  '?',
  '|',
  '^',
  'é',
  'ß',
];

function parse(src: string): Re {
  let i = 0;
  const peek = () => src[i];
  const alt = (): Re => {
    const alts: Re[] = [seq()];
    while (peek() === '|') {
      i++;
      alts.push(seq());
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  };
  const seq = (): Re => {
    const items: Re[] = [];
    while (i < src.length && peek() !== '|' && peek() !== ')') {
      let a = atom();
      a = quant(a);
      items.push(a);
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  };
  const quant = (a: Re): Re => {
    for (;;) {
      const c = peek();
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) return a;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length - 1;
      } else return a;
      i++;
      if (peek() === '?') i++; // lazy
      a = { t: 'rep', item: a, min, max };
    }
  };
  const escape = (inClass: boolean): Re => {
    const c = src[i++];
    switch (c) {
      case 'd':
        return set((ch) => /\d/.test(ch));
      case 'D':
        return set((ch) => !/\d/.test(ch));
      case 'w':
        return set((ch) => /\w/.test(ch));
      case 'W':
        return set((ch) => !/\w/.test(ch));
      case 's':
        return set((ch) => /\s/.test(ch));
      case 'S':
        return set((ch) => !/\s/.test(ch));
      case 'b':
        if (inClass) return { t: 'lit', c: '\b' };
        return { t: 'empty' };
      case 'B':
        return { t: 'empty' };
      case 'n':
        return { t: 'lit', c: '\n' };
      case 'r':
        return { t: 'lit', c: '\r' };
      case 't':
        return { t: 'lit', c: '\t' };
      case 'f':
        return { t: 'lit', c: '\f' };
      case 'v':
        return { t: 'lit', c: '\v' };
      case '0':
        return { t: 'lit', c: '\0' };
      case 'x': {
        const h = src.slice(i, i + 2);
        i += 2;
        return { t: 'lit', c: String.fromCharCode(parseInt(h, 16)) };
      }
      case 'u': {
        if (src[i] === '{') {
          const end = src.indexOf('}', i);
          const cp = parseInt(src.slice(i + 1, end), 16);
          i = end + 1;
          return { t: 'lit', c: String.fromCodePoint(cp) };
        }
        const h = src.slice(i, i + 4);
        i += 4;
        return { t: 'lit', c: String.fromCharCode(parseInt(h, 16)) };
      }
      case 'c':
        i++;
        throw new GiveUp('control escape');
      case 'p':
      case 'P': {
        const end = src.indexOf('}', i);
        const prop = src.slice(i - 1, end + 1);
        i = end + 1;
        const re = new RegExp(`^\\${c}${prop.slice(1)}$`, 'u');
        return set((ch) => re.test(ch));
      }
      case 'k':
        throw new GiveUp('back-reference');
      default:
        if (/[1-9]/.test(c)) throw new GiveUp('back-reference');
        return { t: 'lit', c };
    }
  };
  const set = (test: (ch: string) => boolean): Re => {
    const ok = CANDIDATES.filter(test);
    if (ok.length === 0) throw new GiveUp('empty class');
    return { t: 'set', test, pick: (n) => ok[n % ok.length] };
  };
  const cls = (): Re => {
    // src[i] is just after '['
    let neg = false;
    if (src[i] === '^') {
      neg = true;
      i++;
    }
    const tests: ((ch: string) => boolean)[] = [];
    const extra: string[] = [];
    const one = (): { lit?: string; test?: (ch: string) => boolean } => {
      if (src[i] === '\\') {
        i++;
        const e = escape(true);
        if (e.t === 'set') return { test: e.test };
        if (e.t === 'lit') return { lit: e.c };
        return {};
      }
      const ch = String.fromCodePoint(src.codePointAt(i)!);
      i += ch.length;
      return { lit: ch };
    };
    while (i < src.length && src[i] !== ']') {
      const lo = one();
      if (lo.lit !== undefined && src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
        i++;
        const hi = one();
        if (hi.lit === undefined) throw new GiveUp('class range to a set');
        const a = lo.lit.codePointAt(0)!;
        const b = hi.lit.codePointAt(0)!;
        tests.push((ch) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b);
        extra.push(lo.lit, hi.lit);
      } else if (lo.lit !== undefined) {
        const l = lo.lit;
        tests.push((ch) => ch === l);
        extra.push(l);
      } else if (lo.test) tests.push(lo.test);
    }
    if (src[i] !== ']') throw new GiveUp('unterminated class');
    i++;
    const inSet = (ch: string) => tests.some((t) => t(ch));
    const test = (ch: string) => (neg ? !inSet(ch) : inSet(ch));
    const ok = [...new Set([...CANDIDATES, ...extra])].filter(test);
    if (ok.length === 0) throw new GiveUp('empty class');
    return { t: 'set', test, pick: (n) => ok[n % ok.length] };
  };
  const atom = (): Re => {
    const c = src[i];
    if (c === '(') {
      i++;
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src[i + 1] === '<' && src[i + 2] !== '=' && src[i + 2] !== '!') {
          i = src.indexOf('>', i) + 1;
        } else {
          // A look-around is zero-width: its content is skipped and the sample is checked later.
          i = src.indexOf(src[i + 1] === '<' ? src[i + 2] : src[i + 1], i) + 1;
          alt();
          if (src[i] !== ')') throw new GiveUp('unbalanced group');
          i++;
          return { t: 'empty' };
        }
      }
      const inner = alt();
      if (src[i] !== ')') throw new GiveUp('unbalanced group');
      i++;
      return inner;
    }
    if (c === '[') {
      i++;
      return cls();
    }
    if (c === '\\') {
      i++;
      return escape(false);
    }
    if (c === '.') {
      i++;
      return set((ch) => ch !== '\n' && ch !== '\r');
    }
    if (c === '^' || c === '$') {
      i++;
      return { t: 'empty' };
    }
    const ch = [...src.slice(i)][0];
    i += ch.length;
    return { t: 'lit', c: ch };
  };
  const out = alt();
  if (i < src.length) throw new GiveUp(`unexpected '${src[i]}'`);
  return out;
}

/** One string from the tree: `variant` picks alternation branches and repetition counts. */
function gen(re: Re, variant: number, counter: { n: number }): string {
  switch (re.t) {
    case 'lit':
      return re.c;
    case 'empty':
      return '';
    case 'set':
      return re.pick(variant + counter.n++);
    case 'seq':
      return re.items.map((x) => gen(x, variant, counter)).join('');
    case 'alt':
      return gen(re.alts[(variant + counter.n++) % re.alts.length], variant, counter);
    case 'rep': {
      const extra = variant % 3; // 0: the minimum, 1: one more, 2: two more
      const times = Math.min(re.max, re.min + extra, re.min + 2);
      let s = '';
      for (let k = 0; k < times; k++) s += gen(re.item, variant, counter);
      return s;
    }
  }
}

export interface RegexSamples {
  readonly samples: string[];
  /** Why no sample could be made (a construct the generator does not know), else undefined. */
  readonly skipped?: string;
}

/** Up to `max` distinct strings the RegExp matches (checked), generated from its source. */
export function regexSamples(regexp: RegExp, max = 6): RegexSamples {
  let tree: Re;
  try {
    tree = parse(regexp.source);
  } catch (e) {
    return { samples: [], skipped: e instanceof Error ? e.message : String(e) };
  }
  const out = new Set<string>();
  for (let v = 0; v < max * 3 && out.size < max; v++) {
    let s: string;
    try {
      s = gen(tree, v, { n: 0 });
    } catch {
      continue;
    }
    regexp.lastIndex = 0;
    if (regexp.test(s)) out.add(s);
  }
  return out.size ? { samples: [...out] } : { samples: [], skipped: 'no generated sample matched' };
}
