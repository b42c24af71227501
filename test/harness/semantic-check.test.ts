/**
 * The semantic checker proves itself: the synthesizer probes a rule's boundaries, the reference
 * evaluator as a dialect (through the `ir` target's query text) agrees everywhere, and dialects
 * that are wrong in known ways are caught, with the right classification per label.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleFromText } from '../../src/convert.js';
import { compileRule } from '../../src/evaluate/index.js';
import type { Node } from '../../src/ir/types.js';
import {
  formatTable,
  formatViolations,
  kustoColumns,
  kustoStore,
  makeChecker,
  splunkStore,
  summarize,
  elasticStore,
  type Dialect,
  type RuleCheck,
} from '../support/semantic-check.js';
import { KEYWORD_NAMED_FIELD, RAW_FIELD, synthesize } from '../support/synth.js';

function rule(detection: string): string {
  return `title: t\nlogsource: {product: windows}\ndetection:\n${detection
    .trim()
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')}\n`;
}

function irOf(text: string): Node {
  const l = loadRuleFromText(text, 't.yml');
  if (!l.ir) throw new Error(JSON.stringify(l.diagnostics));
  return l.ir;
}

/** Hand-written rules covering each kind of leaf and the condition operators. */
const HAND: Record<string, string> = {
  strings: rule(`
sel:
  Image|endswith: '\\cmd.exe'
  CommandLine|contains|all: ['/c', 'whoami']
  User|startswith: 'NT AUTHORITY'
  Desc: 'a?c*d'
  Cased|cased: 'MiXed'
condition: sel`),
  keywords: rule(`
kw: ['mimikatz', 'sekurlsa::*']
condition: kw`),
  cidr: rule(`
sel:
  Ip|cidr: ['10.0.0.0/8', 'fe80::/10']
condition: sel`),
  notFilter: rule(`
sel: {Image|endswith: '\\rundll32.exe'}
filter: {DestinationIp|cidr: '192.168.0.0/16'}
condition: sel and not filter`),
  oneOf: rule(`
sel1: {A: 'alpha'}
sel2: {B: 5}
sel3: {C|re: 'ab+c'}
condition: 1 of sel*`),
  types: rule(`
sel:
  Flag: true
  N|gte: 10
  M: null
  E|exists: true
  F|fieldref: G
condition: sel`),
  allOf: rule(`
a: {X|contains: 'foo'}
b: {X|endswith: 'bar'}
c: {Y: ['one', 'two']}
condition: all of them`),
};

const irDialect: Dialect = {
  name: 'reference (ir query)',
  target: 'ir',
  // The `ir` target's query is the IR as JSON: evaluating it is evaluating what was converted.
  evaluate: (query, event) => compileRule(JSON.parse(query) as Node)(event as never),
};

/** Wrong on purpose: string matches are case-sensitive. */
const casedDialect: Dialect = {
  name: 'fake: case-sensitive strings',
  target: 'ir',
  evaluate: (query, event) => {
    const cased = (n: Node): Node =>
      n.kind === 'and' || n.kind === 'or'
        ? { ...n, children: n.children.map(cased) }
        : n.kind === 'not'
          ? { ...n, child: cased(n.child) }
          : n.kind === 'string'
            ? { ...n, cased: true }
            : n;
    return compileRule(cased(JSON.parse(query) as Node))(event as never);
  },
};

/** Wrong on purpose: every `not` subtree is dropped (read as true). */
const noNotDialect: Dialect = {
  name: 'fake: not dropped',
  target: 'ir',
  evaluate: (query, event) => {
    const strip = (n: Node): Node =>
      n.kind === 'and' || n.kind === 'or'
        ? { ...n, children: n.children.map(strip) }
        : n.kind === 'not'
          ? { kind: 'and', children: [] }
          : n;
    return compileRule(strip(JSON.parse(query) as Node))(event as never);
  },
};

const REPO_RULES = join(process.cwd(), 'rules');
function repoRules(dir = REPO_RULES): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) =>
      e.isDirectory() ? repoRules(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
    );
}

async function runAll(d: Dialect): Promise<RuleCheck[]> {
  const check = await makeChecker(d);
  const out: RuleCheck[] = [];
  for (const p of repoRules()) out.push(check(readFileSync(p, 'utf8'), p));
  for (const [name, text] of Object.entries(HAND)) out.push(check(text, name));
  return out;
}

describe('synthesizer', () => {
  test('deterministic, bounded, with witnesses the reference evaluator matches', () => {
    for (const [name, text] of Object.entries(HAND)) {
      const ir = irOf(text);
      const a = synthesize(ir);
      const b = synthesize(ir);
      expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
      expect(a.events.length).toBeLessThanOrEqual(300);
      expect(a.events.length).toBeGreaterThan(20);
      expect([name, a.matching]).not.toEqual([name, 0]);
      expect([name, a.matching]).not.toEqual([name, a.events.length]);
    }
  });

  test('string probes: case variants, wildcard fillers, near misses, text around', () => {
    const { events } = synthesize(irOf(HAND.strings));
    const values = (f: string) => new Set(events.map((e) => e[f]));
    const desc = values('Desc');
    // `a?c*d`: `?` with one char, with none and with two; `*` empty and filled.
    for (const v of ['axcd', 'acd', 'axycd', 'AXCD']) expect(desc.has(v)).toBe(true);
    expect([...desc].some((v) => typeof v === 'string' && /^ax?c.+d$/.test(v) && v.length > 5)).toBe(true);
    const image = values('Image');
    for (const v of [
      '\\cmd.exe',
      '\\CMD.EXE',
      'pre\\cmd.exe',
      '\\cmd.exepost',
      '\\cmd.ex',
      'cmd.exe',
      '',
      null,
    ])
      expect(image.has(v)).toBe(true);
    expect(image.has('\\cmd.exe'.replace('x', 'q'))).toBe(false); // one changed char: the last one
    expect(image.has('\\cmd.exq')).toBe(true);
    // Unicode case variants: the Kelvin-free text has none, `mixed` gets long s and Turkish i.
    expect(values('Cased').has('M\u0130Xed')).toBe(true);
    // A field missing altogether.
    expect(events.some((e) => !('User' in e))).toBe(true);
  });

  test('keywords go to _raw and to a named field; CIDR edges; type variants', () => {
    const kw = synthesize(irOf(HAND.keywords));
    expect(kw.events.some((e) => String(e[RAW_FIELD] ?? '').includes('mimikatz'))).toBe(true);
    expect(kw.events.some((e) => String(e[KEYWORD_NAMED_FIELD] ?? '').includes('mimikatz'))).toBe(true);
    const ip = new Set(synthesize(irOf(HAND.cidr)).events.map((e) => e.Ip));
    for (const v of ['10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0', '10.0.0.0:443', 'fe80::'])
      expect(ip.has(v)).toBe(true);
    expect([...ip].some((v) => typeof v === 'string' && v.startsWith('FEBF:FFFF'))).toBe(true);
    const t = synthesize(irOf(HAND.types)).events;
    const flag = new Set(t.map((e) => e.Flag));
    for (const v of [true, 'true', 'TRUE', false, null, '']) expect(flag.has(v)).toBe(true);
    const n = new Set(t.map((e) => e.N));
    for (const v of [10, 9, 11, '10', 9.5]) expect(n.has(v)).toBe(true);
  });

  test('a witness per `1 of` branch, and mutations that flip `not`', () => {
    const ir = irOf(HAND.oneOf);
    const { events, oracle } = synthesize(ir);
    const hits = events.filter((e) => oracle(e as never));
    expect(hits.some((e) => 'A' in e && !('B' in e) && !('C' in e))).toBe(true);
    expect(hits.some((e) => 'B' in e && !('A' in e) && !('C' in e))).toBe(true);
    expect(hits.some((e) => 'C' in e && !('A' in e) && !('B' in e))).toBe(true);
    const nf = synthesize(irOf(HAND.notFilter));
    const sel = (e: Record<string, unknown>) =>
      String(e.Image ?? '')
        .toLowerCase()
        .endsWith('\\rundll32.exe');
    // Events where the selection holds and the filter turns the verdict to false.
    expect(nf.events.some((e) => sel(e) && nf.oracle(e as never))).toBe(true);
    expect(nf.events.some((e) => sel(e) && !nf.oracle(e as never))).toBe(true);
  });
});

describe('semantic check', () => {
  test('the reference evaluator as a dialect: zero violations on rules/ and the hand-written rules', async () => {
    const checks = await runAll(irDialect);
    const s = summarize(checks);
    console.log(formatTable([s]));
    expect(s.rules).toBe(repoRules().length + Object.keys(HAND).length);
    expect(s.exact).toBe(s.rules);
    expect(s.interpreterGaps).toBe(0);
    expect(s.violationsExact).toBe(0);
    for (const c of checks) {
      expect([c.path, c.ruleMatches > 0]).toEqual([c.path, true]);
      expect(c.ruleMatches).toBe(c.queryMatches);
    }
  });

  test('a case-sensitive dialect is caught on exact conversions', async () => {
    const checks = await runAll(casedDialect);
    const s = summarize(checks);
    expect(s.violationsExact).toBeGreaterThanOrEqual(8);
    const v = checks.find((c) => c.path === 'strings')!;
    expect(v.violationCount).toBeGreaterThan(0);
    expect(v.violations[0]).toMatchObject({ kind: 'exact-differs', rule: true, query: false });
    expect(formatViolations(checks, 2)).toMatch(/exact-differs: rule=true query=false event=/);
  });

  test('a dialect that folds by per-character lowercase differs only on disputed characters', async () => {
    // Kusto's tolower convention: the long s is not an s (the reference evaluator folds it to s).
    const lowerDialect: Dialect = {
      name: 'fake: lowercase convention',
      target: 'ir',
      evaluate: (query, event) => {
        const e = Object.fromEntries(
          Object.entries(event).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\u017f/g, '#') : v]),
        );
        return compileRule(JSON.parse(query) as Node)(e as never);
      },
    };
    const check = await makeChecker(lowerDialect);
    const c = check(
      `title: t\nlogsource: {product: windows}\ndetection:\n  s: {Image|endswith: '\\\\powershell.exe'}\n  condition: s\n`,
    );
    expect(c.violationCount).toBeGreaterThan(0);
    expect(c.judgedViolationCount).toBe(0);
    expect(c.violations[0]).toMatchObject({ undocumentedFolding: true });
    expect(summarize([c])).toMatchObject({ violationsExact: 0, violationsUndocumentedOnly: 1 });
    // The same convention plus a real defect (case-sensitive strings) is still caught.
    const both: Dialect = {
      ...lowerDialect,
      evaluate: (q, e) =>
        lowerDialect.evaluate(q, e, undefined as never) && casedDialect.evaluate(q, e, undefined as never),
    };
    const d = (await makeChecker(both))(
      `title: t\nlogsource: {product: windows}\ndetection:\n  s: {Image|endswith: '\\\\powershell.exe'}\n  condition: s\n`,
    );
    expect(d.judgedViolationCount).toBeGreaterThan(0);
  });

  test('a dialect that trims address text differs only where no vendor documents the reading', async () => {
    // The Splunk and Kusto interpreters read " 127.0.0.1" as an address; the reference evaluator does not.
    const trimming: Dialect = {
      name: 'fake: trims values',
      target: 'ir',
      evaluate: (query, event) => {
        const e = Object.fromEntries(
          Object.entries(event).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]),
        );
        return compileRule(JSON.parse(query) as Node)(e as never);
      },
    };
    const text = `title: t\nlogsource: {category: network_connection, product: windows}\ndetection:\n  s: {DestinationIp|cidr: '127.0.0.0/8'}\n  condition: not s\n`;
    const c = (await makeChecker(trimming))(text);
    expect(c.violationCount).toBeGreaterThan(0);
    expect(c.judgedViolationCount).toBe(0);
    expect(c.violations[0]).toMatchObject({ undocumentedAddress: true, undocumentedFolding: false });
  });

  test('a dialect that drops `not` is caught', async () => {
    const checks = await runAll(noNotDialect);
    const nf = checks.find((c) => c.path === 'notFilter')!;
    expect(nf.violationCount).toBeGreaterThan(0);
    // The filter no longer excludes: the query matches an event the rule does not.
    expect(nf.violations[0]).toMatchObject({ rule: false, query: true });
  });

  test('an interpreter that throws is an interpreter gap, never agreement', async () => {
    const check = await makeChecker({
      name: 'throws',
      target: 'ir',
      evaluate: () => {
        throw new Error('unknown construct: frobnicate');
      },
    });
    const c = check(HAND.strings, 'strings');
    expect(c.gap).toBe('unknown construct: frobnicate');
    expect(summarize([c])).toMatchObject({ interpreterGaps: 1, violationsExact: 0 });
  });

  test('approximate conversions: a miss is a violation, widening is counted', async () => {
    // The Elastic backend labels case-insensitive values approximate (KQL keyword is cased).
    const text = rule(`sel: {Image|endswith: '\\cmd.exe', Flag: 'x'}\ncondition: sel`);
    const oracleOf = (q: string, e: Record<string, unknown>, ctx: { ir: Node }) =>
      compileRule(ctx.ir)(e as never);
    const mk = (name: string, evaluate: Dialect['evaluate']): Dialect => ({
      name,
      target: 'elastic',
      evaluate,
    });
    const same = (await makeChecker(mk('same', oracleOf)))(text);
    expect(same.label).toBe('approximate');
    expect(same).toMatchObject({ violationCount: 0, widened: 0 });
    const wide = (await makeChecker(mk('wide', () => true)))(text);
    expect(wide.violationCount).toBe(0);
    expect(wide.widened).toBe(wide.events - wide.ruleMatches);
    expect(summarize([wide]).medianWidening).toBe(wide.events / wide.ruleMatches);
    const narrow = (await makeChecker(mk('narrow', () => false)))(text);
    expect(narrow.violationCount).toBe(narrow.ruleMatches);
    expect(narrow.violations[0]).toMatchObject({ kind: 'approximation-misses', rule: true, query: false });
  });

  test('stores: Splunk _raw for keywords, Elastic keyword text, Kusto typed columns', () => {
    const kw = irOf(HAND.keywords);
    const ctx = { ir: kw, fields: [] };
    expect(splunkStore({ Message: 'run mimikatz', N: 5, Z: null }, ctx)).toEqual({
      Message: 'run mimikatz',
      N: 5,
      _raw: 'run mimikatz\n5',
    });
    expect(splunkStore({ _raw: 'dd if=', Message: 'of=' }, ctx)).toEqual({
      _raw: 'dd if=\nof=',
      Message: 'of=',
    });
    expect(elasticStore({ A: 5, B: true, C: null, D: 'x' })).toEqual({ A: '5', B: 'true', D: 'x' });
    const t = irOf(HAND.types);
    expect(kustoColumns(t, { Other: 1 })).toEqual({
      Other: 'string',
      Flag: 'string',
      N: 'long',
      M: 'string',
      E: 'string',
      F: 'string',
      G: 'string',
    });
    expect(kustoStore({ N: '12', Flag: true, M: null, Other: 3 }, { ir: t, fields: [] })).toEqual({
      N: 12,
      Flag: 'true',
      Other: '3',
    });
    expect(kustoStore({ N: 'abc' }, { ir: t, fields: [] })).toEqual({});
  });
});
