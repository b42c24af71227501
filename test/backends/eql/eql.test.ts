/**
 * The EQL target: every case's query passes the grammar check (test/support/eql-grammar.ts) and,
 * on the case events, means what the rule means (exact cases) or matches at least its events
 * (approximate cases); every approximation reason fires in its direction, plain and under `not`;
 * escaping round-trips arbitrary strings through the grammar and the interpreter.
 */
import fc from 'fast-check';
import { eqlBackend } from '../../../backends/eql/index.js';
import { eqlField, eqlString } from '../../../backends/eql/escape.js';
import { eqlQuery, type Reason } from '../../../backends/eql/render.js';
import { DiagnosticSink, type Diagnostic } from '../../../src/diagnostics.js';
import type { Node, StringMatch, StringOp } from '../../../src/ir/types.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { compileRule } from '../../../src/evaluate/index.js';
import { CASES, caseRule } from '../../cases/cases.js';
import { expected } from '../../cases/expected.eql.js';
import { convertWith, ruleText } from '../../support/convert.js';
import { parseEql } from '../../support/eql-grammar.js';
import { evalEql } from '../../support/eval-eql.js';

const bare = (detection: string) => convertWith(eqlBackend, ruleText(detection));

describe('case table: grammar and meaning on the case events', () => {
  test.each(Object.entries(CASES))('%s', (name, c) => {
    const want = expected[name as keyof typeof expected];
    if (want.query === undefined) return;
    expect(() => parseEql(want.query!)).not.toThrow();
    for (const e of c.match) expect([e, evalEql(want.query, e)]).toEqual([e, true]);
    if (want.status === 'exact')
      for (const e of c.noMatch) expect([e, evalEql(want.query, e)]).toEqual([e, false]);
    // The rule itself agrees (the cases are right).
    const ir = loadRuleFromText(caseRule(name as keyof typeof CASES, c), 'c.yml').ir!;
    for (const e of c.match) expect(compileRule(ir)(e)).toBe(true);
  });
});

describe('approximation reasons: each fires wider (a keyword: refused), and narrower under not', () => {
  // One rule fragment per reason, with an event the rule matches (the approximation keeps it).
  const REASONS: Record<Reason, { sel: string; event: Record<string, unknown> }> = {
    regex: { sel: "    User|re: '^(?!SYSTEM$).*'", event: { User: 'bob' } },
    cidr: { sel: "    DestinationIp|cidr: 'fe80::/10'", event: { DestinationIp: 'fe80::1' } },
    'field-type': { sel: '    Count|gt: 5', event: { Count: '10' } },
    fieldref: { sel: '    A|fieldref: B', event: { A: 'x', B: 'x' } },
    time: { sel: "    '@timestamp|hour': 3", event: { '@timestamp': '2024-01-01T03:00:00Z' } },
    'field-less': { sel: "    - 'evil'", event: { Image: 'evil' } },
  };
  test.each(Object.entries(REASONS))('%s', (reason, { sel, event }) => {
    const anchor = "  anchor:\n    Image|endswith: '\\x.exe'\n";
    const isKeyword = sel.trimStart().startsWith('-');
    const plain = bare(`${anchor}  sel:\n${sel}\n  condition: anchor and sel`);
    const pins = (r: typeof plain) =>
      r.diagnostics.filter((d) => d.code === 'approximation').map((d) => [d.reason, d.direction]);
    if (isKeyword) {
      // A keyword left out would leave only the other conditions: refused, with the KQL way out.
      expect(plain.status).toBe('unsupported');
      expect(plain.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'unsupported-construct', reason: 'degenerate' }),
      );
      expect(plain.diagnostics.find((d) => d.reason === 'degenerate')!.message).toMatch(/-t elastic/);
      expect(pins(plain)).toEqual([]);
    } else {
      expect(plain.status).toBe('approximate');
      expect(pins(plain)).toContainEqual([reason, 'wider']);
      expect(() => parseEql(plain.queries[0])).not.toThrow();
      const ev = { Image: 'C:\\x.exe', ...event };
      expect(evalEql(plain.queries[0], ev)).toBe(true);
    }
    const neg = bare(`${anchor}  sel:\n${sel}\n  condition: anchor and not sel`);
    expect(neg.status).toBe('approximate');
    expect(pins(neg)).toContainEqual([reason, 'narrower']);
    expect(() => parseEql(neg.queries[0])).not.toThrow();
  });
});

describe('grammar check rejects what the reference rejects', () => {
  test.each([
    ["process where a = 'x'"],
    ["process where a == 'x'"],
    ['process where a == "x\\q"'],
    ['process where a == b'],
    ['process where 1 < a < 2'],
    ['process where a in "x"'],
    ['process where a like 5'],
    ['where a == "x"'],
    ['process where my-field == "x"'],
    ['process where a == "x" b'],
    ['process where a == "\\u{1}"'],
  ])('%s', (q) => expect(() => parseEql(q)).toThrow(/EQL grammar/));
  test('accepts the reference examples', () => {
    for (const q of [
      'process where process.name == "svchost.exe"',
      'any where network.protocol == "http"',
      'file where true',
      '"my-event-category" where `my-field` : "doc?"',
      'any where my_field like~ ("value-*", "value2", "val?")',
      'any where my_field not in~ ("value-1", "value2")',
      'any where `my``field` != null',
      'any where cidrMatch(source.address, "192.168.0.0/16", "10.6.48.157/8")',
      'any where a : """raw \\ "string"""',
      'any where a : "\\u{200F}"',
    ])
      expect(() => parseEql(q)).not.toThrow();
  });
});

describe('escaping round-trips (property)', () => {
  test('any string survives eqlString through the grammar', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const q = parseEql(`any where a == ${eqlString(s)}`);
        expect(q.condition).toMatchObject({ kind: 'compare', value: s });
      }),
      { numRuns: 500 },
    );
  });
  test('any field name survives eqlField', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, unit: 'grapheme-ascii' })
          .filter((s) => !s.split('.').includes('') || /[^A-Za-z0-9_@.]/.test(s)),
        (f) => {
          const q = parseEql(`any where ${eqlField(f)} != null`);
          expect(q.condition).toMatchObject({ kind: 'compare', field: f });
        },
      ),
      { numRuns: 500 },
    );
  });
  test('a converted value matches itself and not its neighbour (cased and not, with wildcards)', () => {
    const value = fc.string({
      unit: fc.constantFrom('a', 'B', '*', '?', '\\', '"', "'", ' ', '\n', 'é', '(', ')', ':'),
    });
    fc.assert(
      fc.property(
        value,
        fc.boolean(),
        fc.constantFrom('', '|contains', '|startswith', '|endswith'),
        (v, cased, op) => {
          const yaml = JSON.stringify(v);
          const r = bare(`  sel:\n    F${op}${cased ? '|cased' : ''}: ${yaml}\n  condition: sel`);
          if (r.status !== 'exact') return; // (an empty pattern of only wildcards is "exists")
          const q = r.queries[0];
          parseEql(q);
          const ir = loadRuleFromText(
            ruleText(`  sel:\n    F${op}${cased ? '|cased' : ''}: ${yaml}\n  condition: sel`),
            'r.yml',
          ).ir!;
          const rule = compileRule(ir);
          for (const candidate of [
            v,
            v.replace(/[*?\\]/g, ''),
            v.toUpperCase(),
            v + 'x',
            'x' + v,
            v.slice(1),
          ]) {
            const doc = { F: candidate };
            expect({ q, candidate, got: evalEql(q, doc) }).toEqual({ q, candidate, got: rule(doc) });
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('regexes: the Lucene form means what the PCRE form means', () => {
  const PATTERNS = [
    'a.c',
    '^abc',
    'abc$',
    '^a[b-d]+e?$',
    '\\d{2,3}',
    '(?i)hello',
    'a|b',
    'x\\.y',
    '[^a]z',
    '\\s-enc\\s',
    'a\\x41',
    '[\\w-]+@',
    'ab*?c',
    '(?:ab)+',
    '[]a]',
  ];
  const STRINGS = [
    'abc',
    'a\nc',
    'ABC',
    'xabc',
    'abc\n',
    'abce',
    'abde',
    '12',
    '1234',
    'HeLLo world',
    'b',
    'x.y',
    'xzy',
    'bz',
    ' -enc ',
    'aA',
    'foo-bar@',
    'abbbc',
    'ababx',
    ']',
    'zz',
  ];
  test.each(PATTERNS)('%s', (p) => {
    const r = bare(`  sel:\n    F|re: '${p}'\n  condition: sel`);
    expect(r.status).toBe('exact');
    const rule = compileRule(
      loadRuleFromText(ruleText(`  sel:\n    F|re: '${p}'\n  condition: sel`), 'r.yml').ir!,
    );
    for (const s of STRINGS)
      expect({ s, got: evalEql(r.queries[0], { F: s }) }).toEqual({ s, got: rule({ F: s }) });
  });
});

describe('ECS mapping through the Elastic target pipelines', () => {
  test('process creation: process where, ECS fields', () => {
    const r = convertWith(
      eqlBackend,
      ruleText(
        "  sel:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains: 'whoami'\n  condition: sel",
      ),
      { pipelines: ['ecs'] },
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toMatch(/^process where /);
    expect(r.queries[0]).toContain('process.executable : "*\\\\cmd.exe"');
    const q = r.queries[0];
    expect(
      evalEql(q, {
        'event.category': 'process',
        'event.type': 'start',
        'process.executable': 'C:\\Windows\\CMD.EXE',
        'process.command_line': 'WhoAmI /all',
      }),
    ).toBe(true);
    expect(
      evalEql(q, {
        'event.category': 'file',
        'event.type': 'start',
        'process.executable': 'C:\\Windows\\CMD.EXE',
        'process.command_line': 'WhoAmI /all',
      }),
    ).toBe(false);
  });
  test('a keyword rule is refused, not turned into every event of its log source', () => {
    // proc_creation_win_malware_notpetya.yml was `process where event.type == "start"`.
    const r = convertWith(
      eqlBackend,
      ruleText("  kw:\n    - 'dllhost.dat'\n    - 'perfc.dat'\n  condition: kw"),
      { pipelines: ['ecs'] },
    );
    expect(r.status).toBe('unsupported');
    expect(r.queries).toEqual([]);
    const d = r.diagnostics.filter((x) => x.code === 'unsupported-construct');
    expect(d.map((x) => x.reason)).toEqual(['degenerate']);
    expect(d[0].message).toMatch(/convert this rule with -t elastic/);
    // A selection beside the keyword does not make it a detection either (the keyword is the rule).
    const s = convertWith(
      eqlBackend,
      ruleText("  sel:\n    Image|endswith: '\\x.exe'\n  kw:\n    - 'evil'\n  condition: sel and kw"),
      { pipelines: ['ecs'] },
    );
    expect(s.status).toBe('unsupported');
  });
  test('a rule that lowers to `true` under a lifted category is refused (every event of the category)', () => {
    // Linux file_event adds only `event.category: file`; the keyword filter under `not` is dropped.
    const r = convertWith(
      eqlBackend,
      ruleText("  filter:\n    - 'evil'\n  condition: not filter", {
        logsource: '  product: linux\n  category: file_event',
      }),
      { pipelines: ['ecs'] },
    );
    expect(r.status).toBe('unsupported');
    expect(r.queries).toEqual([]);
    const d = r.diagnostics.find((x) => x.code === 'unsupported-construct')!;
    expect(d.reason).toBe('degenerate');
    expect(d.message).toMatch(/every 'file' event/);
    // Without the lift (category=any) the same rule is refused too.
    const a = convertWith(
      eqlBackend,
      ruleText("  filter:\n    - 'evil'\n  condition: not filter", {
        logsource: '  product: linux\n  category: file_event',
      }),
      { pipelines: ['ecs'], settings: { category: 'any' } },
    );
    expect(a.status).toBe('unsupported');
  });
  test('a rule left with only its log-source conditions after approximation is refused', () => {
    // Was `process where event.type == "start"` (every process start): the keyword filter under
    // `not` is dropped, leaving the pipeline's conditions only.
    const r = convertWith(eqlBackend, ruleText("  filter:\n    - 'evil'\n  condition: not filter"), {
      pipelines: ['ecs'],
    });
    expect(r.status).toBe('unsupported');
    const d = r.diagnostics.find((x) => x.code === 'unsupported-construct')!;
    expect(d.reason).toBe('degenerate');
    expect(d.message).toMatch(/only the log source's own conditions are left/);
    // A real test beside the dropped filter keeps the rule (approximate, wider).
    const k = convertWith(
      eqlBackend,
      ruleText(
        "  sel:\n    Image|endswith: '\\x.exe'\n  filter:\n    - 'evil'\n  condition: sel and not filter",
      ),
      { pipelines: ['ecs'] },
    );
    expect(k.status).toBe('approximate');
    expect(k.queries).toEqual(['process where event.type == "start" and process.executable : "*\\\\x.exe"']);
  });
  describe("the log source's conditions are the nodes marked as added by a pipeline", () => {
    // Hand-built IR, so that only the marks say what is whose (no rule positions anywhere).
    const added = { addedBy: 'ecs/process_creation' };
    const str = (field: string | null, op: StringOp, text: string): StringMatch => ({
      kind: 'string',
      field,
      op,
      values: [[{ kind: 'text', text }]],
      cased: false,
    });
    const start: Node = { ...str('event.type', 'eq', 'start'), origin: added };
    const dropped: Node = { kind: 'not', child: str(null, 'contains', 'evil') };
    const query = (...children: Node[]) => {
      const sink = new DiagnosticSink('t.yml');
      const q = eqlQuery({ kind: 'and', children }, {}, sink, false);
      return { q, diagnostics: sink.list };
    };
    const degenerate = (d: readonly Diagnostic[]) =>
      d.filter((x) => x.reason === 'degenerate').map((x) => x.message);
    test("a match of the rule without a position is the rule's own: kept, approximate", () => {
      const r = query(start, str('process.executable', 'endswith', '\\x.exe'), dropped);
      expect(r.q).toBe('any where event.type : "start" and process.executable : "*\\\\x.exe"');
      expect(degenerate(r.diagnostics)).toEqual([]);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['approximation']);
      // Without the log source's condition too (a position was never what made it the rule's).
      const alone = query(str('process.executable', 'endswith', '\\x.exe'), dropped);
      expect(alone.q).toBe('any where process.executable : "*\\\\x.exe"');
      expect(degenerate(alone.diagnostics)).toEqual([]);
    });
    test('marked conditions alone (a match, a negated one, a list) are refused as degenerate', () => {
      const only = [
        expect.stringMatching(/^after approximation only the log source's own conditions are left/),
      ];
      expect(query(start, dropped).q).toBeUndefined();
      expect(degenerate(query(start, dropped).diagnostics)).toEqual(only);
      const notTerminated: Node = {
        kind: 'not',
        child: { ...str('event.type', 'eq', 'end'), origin: added },
        origin: added,
      };
      expect(query(start, notTerminated, dropped).q).toBeUndefined();
      expect(degenerate(query(start, notTerminated, dropped).diagnostics)).toEqual(only);
      const either: Node = {
        kind: 'or',
        children: [
          { ...str('event.action', 'eq', 'a'), origin: added },
          { kind: 'exists', field: 'event.code', exists: true, origin: added },
        ],
        origin: added,
      };
      expect(query(either, dropped).q).toBeUndefined();
      expect(degenerate(query(either, dropped).diagnostics)).toEqual(only);
      // The same condition unmarked is the rule's own: a detection, kept.
      const own: Node = { kind: 'not', child: str('event.type', 'eq', 'end') };
      expect(query(start, own, dropped).q).toBe('any where event.type : "start" and not event.type : "end"');
    });
  });
  test('a log source no entry maps keeps the rule field names, and says so (as the Elastic target does)', () => {
    const r = convertWith(
      eqlBackend,
      ruleText("  sel:\n    query|endswith: '.onion'\n  condition: sel", {
        logsource: '  product: acme\n  service: widget',
      }),
      { pipelines: ['ecs'] },
    );
    expect(r.status).toBe('exact');
    expect(r.queries).toEqual(['any where query : "*.onion"']);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', code: 'unmapped-logsource' }),
    );
    expect(r.diagnostics.find((d) => d.code === 'unmapped-logsource')!.message).toMatch(
      /logsource acme\/widget: the query uses the rule's own field names/,
    );
  });
  test('the pipeline registry is the Elastic target one (by reference)', async () => {
    const { elasticBackend } = await import('../../../backends/elastic-kql/index.js');
    expect(eqlBackend.pipelines).toBe(elasticBackend.pipelines);
    expect(eqlBackend.defaultPipelines).toBe(elasticBackend.defaultPipelines);
  });
  test('no pattern alternative is a bare *', () => {
    const r = bare("  sel:\n    F|contains: ''\n  condition: sel");
    expect(r.queries[0]).toBe('any where F != null');
  });
  test('--set category=any keeps event.category as a test under any where', () => {
    const r = convertWith(eqlBackend, ruleText("  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel"), {
      pipelines: ['ecs'],
      settings: { category: 'any' },
    });
    expect(r.queries[0]).toMatch(/^any where .*event\.category == "process"/);
    expect(
      evalEql(r.queries[0], {
        'event.category': 'process',
        'event.type': 'start',
        'process.executable': 'C:\\cmd.exe',
      }),
    ).toBe(true);
    expect(
      evalEql(r.queries[0], {
        'event.category': 'file',
        'event.type': 'start',
        'process.executable': 'C:\\cmd.exe',
      }),
    ).toBe(false);
  });
});
