/**
 * `-p splunk-cim`: values that CIM stores in another form than Sysmon writes them, translated
 * before rendering (both the default format and `-f data-model`). Which CIM field gets which
 * translation is data (data/cim.json, a dataset's `values`; sources in data/SOURCES.md):
 *
 * - `registry-hive` (registry_path): Sysmon writes the hive abbreviated (`HKLM\`, `HKU\`), other
 *   sources spell it out (`HKEY_LOCAL_MACHINE\`) or in the kernel's form (`\REGISTRY\MACHINE\`);
 *   the CIM reference leaves it open. A value that starts with a hive gets every spelling, OR'ed:
 *   the same key in any spelling matches (exact).
 * - `sysmon-hashes` (process_hash): Sysmon's `Hashes` is `SHA1=..,MD5=..,IMPHASH=..`; the
 *   Sysmon add-on has filled process_hash with that whole string or with the digests alone, by
 *   version. A test of `ALGO=digest` becomes "process_hash contains the digest", which matches in
 *   both forms: wider (a digest of another algorithm would match too), so approximate; under
 *   `not` it narrows to nothing.
 * - `sysmon-registry-data` (registry_value_data): Sysmon writes a DWORD as `DWORD (0x00000001)`,
 *   the data model holds `0x00000001`. A value in Sysmon's typed form is tested in both forms
 *   (wider: a string value `0x00000001` matches too), and under `not` in Sysmon's form only.
 *   Other values (strings) are tested as written (exact).
 * - `lowercase` (process_integrity_level): Sysmon writes `High`, `System`; the Endpoint data model
 *   lower-cases the field in the Processes dataset's own search (`| eval
 *   process_integrity_level=lower(process_integrity_level)`, Splunk_SA_CIM Endpoint.json), so it
 *   holds `high`, `system`. Case-insensitive tests (Sigma's default) are exact; a case-sensitive
 *   one (`|cased`, a regex without `(?i)`) is tested case-insensitively: wider (a value the rule
 *   excludes by its case matches), and under `not` dropped.
 * - The unknown fill (a dataset's `fillnull`, applied after the translations above): the data
 *   models write `unknown` where a field is missing or empty (`if(isnull(user) OR user="",
 *   "unknown", user)`, Splunk_SA_CIM Authentication.json and Endpoint.json), and for the
 *   Authentication src_user the Windows add-on drops a `-` first (its transform
 *   `Caller_User_Name_as_src_user`, REGEX `(?!^-$)(.+)`). A test that matches neither `unknown`
 *   nor the values turned into it is exact; one that matches an emptied value also tests
 *   `unknown` (wider); one that matches `unknown` itself matches the emptied events too (wider;
 *   under `not`, `unknown` is kept out of the exclusion); a null test becomes `unknown`.
 * - `nonempty` (Authentication process): the add-on extracts ProcessName with `[^<]+`, so whether
 *   an empty ProcessName gives an empty process or none is not fixed: a test that matches the
 *   empty value, or a null or exists test, is refused.
 * - `uri-query` (uri_query): whether the query string keeps its leading `?` is not fixed by the
 *   CIM reference; a value that anchors at the start is tested with and without it (exact).
 */
import type { ConvertContext } from '../../src/backend.js';
import { assertNever } from '../../src/diagnostics.js';
import type { CompareOp, Match, Node, SigmaString, StringMatch } from '../../src/ir/types.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { FALSE, TRUE, and, fold, leaf, lowerLeaves, not, or, type Tree } from '../../src/lowering/tree.js';
import { stateString } from '../../src/pipeline/state.js';
import { sigmaToRegex } from '../../src/regex/index.js';
import { translateRegex } from '../../src/regex/index.js';
import { unmetRequirement } from './cim-requires.js';
import { DATA_MODEL_FORMATS } from './data-model.js';
import {
  CIM_REQUIRES_STATE,
  CIM_STATE,
  CIM_WIDER_STATE,
  cimDatasets,
  cimRequirements,
  type CimValueKind,
} from './pipelines.js';

type Reason = 'cim-value' | 'cim-dataset';

/** The long spellings of each hive abbreviation Sysmon writes (and rules use). */
const HIVES: readonly (readonly string[])[] = [
  ['HKLM\\', 'HKEY_LOCAL_MACHINE\\', '\\REGISTRY\\MACHINE\\'],
  ['HKU\\', 'HKEY_USERS\\', '\\REGISTRY\\USER\\'],
  ['HKCU\\', 'HKEY_CURRENT_USER\\'],
  ['HKCR\\', 'HKEY_CLASSES_ROOT\\'],
  ['HKCC\\', 'HKEY_CURRENT_CONFIG\\'],
];

const HASH = /^(?:(?:MD5|SHA1|SHA256|SHA384|SHA512|IMPHASH)=)?([0-9A-F]{32,128})$/i;
const SYSMON_TYPED = /DWORD|QWORD|Binary Data|\(0x/i;
const DWORD = /^DWORD \(/i;

function text(s: string): SigmaString {
  return [{ kind: 'text', text: s }];
}

/** The value with its leading text replaced (the value must start with that text, any case). */
function withPrefix(v: SigmaString, from: number, to: string): SigmaString {
  const first = v[0] as { kind: 'text'; text: string };
  const rest = first.text.slice(from);
  return [...(to + rest === '' ? [] : text(to + rest)), ...v.slice(1)];
}

function firstText(v: SigmaString): string {
  return v.length > 0 && v[0].kind === 'text' ? v[0].text : '';
}

function allText(v: SigmaString): string | null {
  return v.every((p) => p.kind === 'text') ? v.map((p) => (p as { text: string }).text).join('') : null;
}

function dedupe(values: readonly SigmaString[]): SigmaString[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** registry-hive: every spelling of a leading hive (exact). */
function hiveSpellings(m: StringMatch): Match {
  const out: SigmaString[] = [];
  for (const v of m.values) {
    out.push(v);
    const t = firstText(v).toUpperCase();
    for (const names of HIVES) {
      const hit = names.find((n) => t.startsWith(n));
      if (hit === undefined) continue;
      for (const n of names) if (n !== hit) out.push(withPrefix(v, hit.length, n));
    }
  }
  return { ...m, values: dedupe(out) };
}

/** uri-query: a value anchored at the start, with and without the `?` (exact). */
function queryForms(m: StringMatch): Match {
  if (m.op !== 'eq' && m.op !== 'startswith') return m;
  const out: SigmaString[] = [];
  for (const v of m.values) {
    out.push(v);
    const t = firstText(v);
    out.push(t.startsWith('?') ? withPrefix(v, 1, '') : [...text('?'), ...v]);
  }
  return { ...m, values: dedupe(out) };
}

/** What a leaf becomes, or undefined to keep it. */
type Translate = (m: Match, negated: boolean, low: Lowering<Reason>) => Tree<Match> | undefined;

const describe = (m: Match, sigma: string): string =>
  m.kind === 'string'
    ? `${sigma}|${m.op} ${m.values.map((v) => `'${allText(v) ?? '…'}'`).join(', ')}`
    : sigma;

/**
 * Whether a string or regex test matches a value (the test as Sigma means it), or undefined for
 * a test of another kind or one this cannot decide (a placeholder, a regex JavaScript lacks).
 */
function testMatches(m: Match, value: string): boolean | undefined {
  if (m.kind === 'string') {
    if (m.values.some((v) => v.some((p) => p.kind === 'placeholder'))) return undefined;
    try {
      return m.values.some((v) =>
        new RegExp(sigmaToRegex(v, m.op, { cased: m.cased, dialect: 'js' }), m.cased ? 'u' : 'iu').test(
          value,
        ),
      );
    } catch {
      // V8 refuses the RegExp of a value of tens of thousands of characters ("Stack overflow"
      // compiling it under `iu`): undecided, as for a regex JavaScript lacks.
      return undefined;
    }
  }
  if (m.kind === 'regex') {
    const r = translateRegex(m.pattern, m.flags);
    return r.ok ? r.regexp.test(value) : undefined;
  }
  return undefined;
}

/** The data model's fill value (`unknown`) as a test of the field. */
function unknownLeaf(field: string, at: Match, fill: string): Tree<Match> {
  const u: StringMatch = {
    kind: 'string',
    field,
    op: 'eq',
    values: [text(fill)],
    cased: false,
    origin: at.origin,
  };
  return leaf(u);
}

/** Whether `a op b` holds (a compare match's operators). */
function compares(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    default:
      return assertNever(op);
  }
}

/**
 * fillnull: the data model writes `fill` (`unknown`, or 0 for a port) where the field is missing
 * or one of `emptied` (the empty string, and `-` where the add-on drops it).
 */
function fillnull(emptied: readonly string[], fill: string): Translate {
  return (m, negated, low) => {
    const field = m.field;
    if (field === null) return undefined;
    const unknown = unknownLeaf(field, m, fill);
    const shown = emptied.map((e) => JSON.stringify(e)).join(' or ');
    const lead = `the data model writes ${fill} in ${m.field} where the event has none or ${shown}`;
    if (m.kind === 'null' || m.kind === 'exists') {
      // null (or exists: false): the field is missing, which the data model holds as unknown.
      const missing = m.kind === 'null' || !m.exists;
      const u = unknown;
      return low.bound(
        m,
        negated,
        'cim-value',
        `${lead}: a test of ${m.field} being ${missing ? 'missing' : 'present'} is tested on ${fill}${negated ? ' (under not, narrowed)' : ' (wider: a value unknown or emptied matches too)'}`,
        missing ? { wider: u, narrower: FALSE } : { wider: TRUE, narrower: not(u) },
      );
    }
    // A number or a comparison never matches an emptied value; it matches the fill when that is
    // a number it holds.
    if (m.kind === 'number' || m.kind === 'compare') {
      const n = Number(fill);
      const hit =
        fill.trim() !== '' &&
        Number.isFinite(n) &&
        (m.kind === 'number' ? m.values.some((v) => v.value === n) : compares(n, m.op, m.value.value));
      if (!hit) return undefined;
      return low.bound(
        m,
        negated,
        'cim-value',
        `${lead}, and this test matches ${fill}: ${negated ? `under not, ${fill} is kept out of the exclusion` : 'events without the value match too'}`,
        { wider: leaf(m), narrower: and([leaf(m), not(unknown)]) },
      );
    }
    if (m.kind !== 'string' && m.kind !== 'regex') {
      low.unsupported(m, `${lead}, so a ${m.kind} test of it cannot be made exact`, 'cim-value');
      return FALSE;
    }
    const onUnknown = testMatches(m, fill);
    const onEmptied = emptied.map((e) => testMatches(m, e));
    if (onUnknown === undefined || onEmptied.includes(undefined))
      // Undecided (a placeholder, a regex JavaScript cannot run): both bounds hold whatever the
      // test matches.
      return low.bound(
        m,
        negated,
        'cim-value',
        `${lead}, and whether this test matches those values cannot be decided: ${negated ? `under not, ${fill} is kept out of the exclusion` : `${fill} is tested too`}`,
        { wider: or([leaf(m), unknown]), narrower: and([leaf(m), not(unknown)]) },
      );
    if (onUnknown)
      // The events the data model holds as unknown (missing or emptied) match too.
      return low.bound(
        m,
        negated,
        'cim-value',
        `${lead}, and this test matches ${fill}: ${negated ? `under not, ${fill} is kept out of the exclusion` : 'events without the value match too'}`,
        { wider: leaf(m), narrower: and([leaf(m), not(unknown)]) },
      );
    const hit = emptied.filter((_, i) => onEmptied[i]).map((e) => JSON.stringify(e));
    if (hit.length > 0)
      // The rule matches the emptied value, which the data model holds as unknown.
      return low.bound(
        m,
        negated,
        'cim-value',
        `${lead}, and this test matches ${hit.join(' and ')}: ${negated ? "under not, only the data model's other values are excluded" : `${fill} is tested too (events without the value match too)`}`,
        { wider: or([leaf(m), unknown]), narrower: leaf(m) },
      );
    return undefined;
  };
}

const TRANSLATE: Record<CimValueKind, Translate> = {
  lowercase(m, negated, low) {
    const cased = (m.kind === 'string' && m.cased) || (m.kind === 'regex' && !m.flags.i);
    if (!cased) return undefined;
    const widened: Match =
      m.kind === 'string'
        ? { ...m, cased: false }
        : m.kind === 'regex'
          ? { ...m, flags: { ...m.flags, i: true } }
          : m;
    return low.bound(
      m,
      negated,
      'cim-value',
      `${m.field} is tested case-sensitively, but the data model holds it lower-cased (the Processes dataset's lower(process_integrity_level)): ${negated ? 'under not, the test is dropped (nothing is excluded)' : 'tested case-insensitively (a value the rule excludes by its case matches too)'}`,
      { wider: leaf(widened), narrower: FALSE },
    );
  },
  nonempty(m, _negated, low) {
    const empty = m.kind === 'null' || m.kind === 'exists' || testMatches(m, '') !== false;
    if (m.kind !== 'string' && m.kind !== 'regex' && m.kind !== 'null' && m.kind !== 'exists')
      return undefined;
    if (!empty) return undefined;
    low.unsupported(
      m,
      `${m.field} may be missing or empty where the event's value is empty (the add-on extracts it with [^<]+), so a test that matches an empty or missing ${m.field} cannot be made exact`,
      'cim-value',
    );
    return FALSE;
  },
  'registry-hive'(m, _negated, low) {
    if (m.kind === 'string') return leaf(hiveSpellings(m));
    if (m.kind === 'regex' && /HK(LM|U|CU|CR|CC)\b|HKEY_/i.test(m.pattern)) {
      low.unsupported(
        m,
        `a regex on a registry hive (${m.field}) cannot be matched in every spelling of the hive the data model may hold (HKLM\\, HKEY_LOCAL_MACHINE\\, \\REGISTRY\\MACHINE\\)`,
        'cim-value',
      );
      return FALSE;
    }
    return undefined;
  },
  'uri-query'(m) {
    return m.kind === 'string' ? leaf(queryForms(m)) : undefined;
  },
  'sysmon-hashes'(m, negated, low) {
    const digests: SigmaString[] = [];
    if (m.kind === 'string' && m.op !== 'eq')
      for (const v of m.values) {
        const h = HASH.exec(allText(v) ?? '');
        if (!h) break;
        digests.push(text(h[1]));
      }
    if (m.kind !== 'string' || m.op === 'eq' || digests.length !== m.values.length) {
      low.unsupported(
        m,
        `${m.field} can only be tested for a digest (Hashes|contains 'ALGO=digest'): the Sysmon add-on stores process_hash as Sysmon's Hashes string or as the digests alone, by version`,
        'cim-value',
      );
      return FALSE;
    }
    return low.bound(
      m,
      negated,
      'cim-value',
      `${describe(m, 'Hashes')} is tested as ${m.field} containing the digest: the Sysmon add-on stores process_hash as Sysmon's Hashes string (SHA1=..,MD5=..) or as the digests alone, by version, so the algorithm name cannot be tested (a digest of another algorithm matches too)${negated ? '; under not, the test is dropped (nothing is excluded)' : ''}`,
      // Case-insensitive: the add-on's forms need not keep Sysmon's upper-case digests.
      { wider: leaf({ ...m, op: 'contains', values: digests, cased: false }), narrower: FALSE },
    );
  },
  'sysmon-registry-data'(m, negated, low) {
    if (m.kind === 'regex') {
      if (!SYSMON_TYPED.test(m.pattern)) return undefined;
      return low.bound(
        m,
        negated,
        'cim-value',
        `the regex on ${m.field} tests Sysmon's typed form (DWORD (0x...)), which the data model holds as 0x...; it is dropped${negated ? ' (under not: nothing is excluded)' : ''}`,
        { wider: TRUE, narrower: FALSE },
      );
    }
    if (m.kind !== 'string' || !m.values.some((v) => SYSMON_TYPED.test(allText(v) ?? firstText(v))))
      return undefined;
    // The CIM form of each typed value (the value as written stays too: add-on versions differ).
    const wider: SigmaString[] = [];
    let whole = true;
    for (const v of m.values) {
      wider.push(v);
      const t = allText(v) ?? firstText(v);
      if (!SYSMON_TYPED.test(t)) continue;
      const f = firstText(v);
      const d = DWORD.exec(f);
      if (d && (m.op === 'eq' || m.op === 'startswith')) {
        let cim = withPrefix(v, d[0].length, '');
        const last = cim[cim.length - 1];
        // The closing parenthesis goes too (for startswith, the shorter prefix is wider: sound).
        if (last?.kind === 'text' && last.text.endsWith(')'))
          cim = [...cim.slice(0, -1), ...(last.text === ')' ? [] : text(last.text.slice(0, -1)))];
        else if (m.op === 'eq' && last?.kind !== 'any') whole = false;
        wider.push(cim);
      } else whole = false;
    }
    const what = `${describe(m, 'Details')} is Sysmon's typed form (DWORD (0x00000001)); the data model holds a DWORD as 0x00000001`;
    if (!whole)
      return low.bound(
        m,
        negated,
        'cim-value',
        `${what}, and this test has no form in it: dropped${negated ? " (under not: tested in Sysmon's form only)" : ''}`,
        { wider: TRUE, narrower: leaf(m) },
      );
    return low.bound(
      m,
      negated,
      'cim-value',
      negated
        ? `${what}: under not it is tested in Sysmon's form only (a row in the data model's form is not excluded)`
        : `${what}: tested in both forms (a string value 0x... matches too)`,
      { wider: leaf({ ...m, values: dedupe(wider) }), narrower: leaf(m) },
    );
  },
};

function toNode(t: Tree<Match>): Node {
  switch (t.kind) {
    case 'leaf':
      return t.leaf;
    case 'and':
    case 'or':
      return { kind: t.kind, children: t.children.map(toNode) };
    case 'not':
      return { kind: 'not', child: toNode(t.child) };
    case 'const':
      throw new Error('a constant is folded away before toNode');
    default:
      return assertNever(t);
  }
}

/**
 * The rule with the CIM value translations of its dataset applied, or null (reported) when it
 * has no query. A rule of another pipeline, or without a translated field, is returned as is.
 */
export function cimValues(ctx: ConvertContext): ConvertContext | null {
  const dataset = stateString(ctx.state, CIM_STATE);
  const values = dataset === undefined ? undefined : cimDatasets()[dataset]?.values;
  const wider = stateString(ctx.state, CIM_WIDER_STATE);
  const low = new Lowering<Reason>(ctx.sink);
  // What the data model holds and how (its constraints, its unknown fill) matters only where
  // the query searches the data model (-f data-model); the default format searches the events
  // with the add-ons' search-time fields, which have neither.
  const model = DATA_MODEL_FORMATS.has(ctx.options.format ?? '');
  // The dataset holds only some of the log source's events (data/cim.json `requires`).
  const required = stateString(ctx.state, CIM_REQUIRES_STATE);
  if (dataset !== undefined && required !== undefined) {
    const req = cimRequirements()[required];
    const why =
      req &&
      unmetRequirement(ctx.ir, dataset, req, (f) => (req.names?.[f] ? `${req.names[f]} (${f})` : f), model);
    if (!req || why !== undefined) {
      low.unsupported(undefined, why ?? `unknown CIM requirement ${JSON.stringify(required)}`, 'cim-dataset');
      return null;
    }
  }
  // The dataset holds more kinds of event than the rule's log source (data/cim.json `wider`).
  if (wider !== undefined) low.report(undefined, 'cim-dataset', wider, 'wider');
  const fills = dataset === undefined || !model ? undefined : cimDatasets()[dataset]?.fillnull;
  const fillValues = dataset === undefined ? undefined : cimDatasets()[dataset]?.fillValue;
  // Two passes: the value forms of the dataset's fields, then the model's unknown fill on the
  // result (a field can have both: registry_path is spelled in every hive form, then filled).
  let ir = ctx.ir;
  let changed = false;
  const passes: ((m: Match, negated: boolean) => Tree<Match> | undefined)[] = [
    (m, negated) => {
      const kind = m.field === null || !values ? undefined : values[m.field];
      return kind === undefined ? undefined : TRANSLATE[kind](m, negated, low);
    },
    (m, negated) => {
      const emptied = m.field === null || !fills ? undefined : fills[m.field];
      const fill = (m.field === null ? undefined : fillValues?.[m.field]) ?? 'unknown';
      return emptied === undefined ? undefined : fillnull(emptied, fill)(m, negated, low);
    },
  ];
  for (const pass of passes) {
    const tree = fold(
      lowerLeaves(ir, (m, negated) => {
        const t = pass(m, negated);
        if (t === undefined) return leaf(m);
        changed = true;
        return t;
      }),
    );
    if (low.failed) return null;
    if (tree.kind === 'const') {
      low.unsupported(
        undefined,
        `with the data model's value forms the rule would match ${tree.value ? 'every event' : 'nothing'}`,
        'cim-value',
      );
      return null;
    }
    ir = toNode(tree);
  }
  if (!changed) return ctx;
  return { ...ctx, ir };
}
