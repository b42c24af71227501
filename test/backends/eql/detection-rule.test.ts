/**
 * `-t elastic -f detection-rule` picks the rule's language (issue #14 item 3): KQL when the KQL
 * conversion is exact, EQL when only EQL is (or has the better label), `--set language=` forces
 * one. The rule's label and diagnostics are those of the query written; the note says which
 * language and why; every rule passes the Kibana rule schema (test/support/kibana-rule.schema.json).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import type { RuleResult } from '../../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { ruleText } from '../../support/convert.js';
import { parseEql } from '../../support/eql-grammar.js';
import { evalEql } from '../../support/eval-eql.js';
import { for7x, kqlToDsl } from '../../support/kql.js';

const schema = JSON.parse(
  readFileSync(new URL('../../support/kibana-rule.schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function convert(
  detection: string,
  settings: Record<string, string> = {},
  format = 'detection-rule',
): RuleResult {
  const pipelines = elasticBackend.defaultPipelines.map((n) => resolvePipeline(n, elasticBackend));
  return convertLoaded(loadRuleFromText(ruleText(detection), 'r.yml'), elasticBackend, pipelines, {
    settings,
    format,
  });
}
function ruleOf(r: RuleResult) {
  const lines = elasticBackend.formats['detection-rule']
    .rule(r, { format: 'detection-rule' })
    .split('\n')
    .filter(Boolean);
  expect(lines).toHaveLength(1);
  const obj = JSON.parse(lines[0]);
  expect([validate(obj), validate.errors]).toEqual([true, null]);
  return obj;
}

// Exact in KQL: a number on winlog.event_id-like fields and |cased values need no case variants.
const KQL_EXACT = '  sel:\n    ProcessId: 4242\n  condition: sel';
// KQL must approximate case-insensitive text on keyword fields; EQL's `:` is exact.
const EQL_ONLY = "  sel:\n    CommandLine|contains: 'whoami'\n  condition: sel";
// Neither is exact: a keyword (a value without a field) beside a selection: KQL searches text
// fields (approximate), EQL has no full-text search and refuses it (degenerate: leaving it out
// would leave only the selection): KQL is kept. (A field reference was this case until KQL
// refused its exists-only form as degenerate, #14 item 5.)
const NEITHER =
  "  sel:\n    Image|endswith: '\\\\whoami.exe'\n  kw:\n    - mimikatz\n  condition: sel and kw";

test('auto: KQL when the KQL conversion is exact', () => {
  const r = convert(KQL_EXACT);
  expect(r.status).toBe('exact');
  const obj = ruleOf(r);
  expect(obj).toMatchObject({ type: 'query', language: 'kuery' });
  expect(() => kqlToDsl(for7x(obj.query))).not.toThrow();
  expect(obj.note).toContain('Written in KQL: the KQL conversion is exact');
});

test('auto: EQL when only EQL is exact; the label is the EQL one', () => {
  const r = convert(EQL_ONLY);
  expect(r.status).toBe('exact');
  expect(r.diagnostics.filter((d) => d.code === 'approximation')).toEqual([]);
  const obj = ruleOf(r);
  expect(obj).toMatchObject({ type: 'eql', language: 'eql' });
  expect(obj.query).toBe('process where event.type == "start" and process.command_line : "*whoami*"');
  parseEql(obj.query);
  expect(
    evalEql(obj.query, {
      'event.category': 'process',
      'event.type': 'start',
      'process.command_line': 'WHOAMI /all',
    }),
  ).toBe(true);
  expect(obj.note).toMatch(
    /Written in EQL: the KQL conversion is approximate \(case\), the EQL conversion is exact/,
  );
  expect(obj.meta.sigmantic.status).toBe('exact');
});

test('auto: neither exact, labels equal: KQL is kept with its own diagnostics', () => {
  const r = convert(NEITHER);
  expect(r.status).toBe('approximate');
  const obj = ruleOf(r);
  expect(obj).toMatchObject({ type: 'query', language: 'kuery' });
  expect(obj.note).toContain('the EQL conversion is unsupported (degenerate): KQL is kept');
});

test('auto: a rule of keywords only (EQL refuses it as degenerate) is a KQL rule', () => {
  // proc_creation_win_malware_notpetya.yml-like: EQL would be every process start.
  const r = convert("  kw:\n    - 'dllhost.dat'\n    - 'perfc.dat'\n  condition: kw");
  expect(r.status).toBe('approximate');
  const obj = ruleOf(r);
  expect(obj).toMatchObject({ type: 'query', language: 'kuery' });
  expect(obj.query).toMatch(/\*dat\*/);
  expect(obj.note).toContain('the EQL conversion is unsupported (degenerate)');
});

test('--set language=eql and language=kuery force the language, and the label follows', () => {
  const e = convert(KQL_EXACT, { language: 'eql' });
  expect(ruleOf(e)).toMatchObject({
    type: 'eql',
    language: 'eql',
    query: 'process where event.type == "start" and process.pid == 4242',
  });
  const k = convert(EQL_ONLY, { language: 'kuery' });
  expect(k.status).toBe('approximate');
  expect(ruleOf(k)).toMatchObject({ type: 'query', language: 'kuery' });
  expect(ruleOf(k).note).toContain('set by --set language=kuery');
});

test('a rule KQL refuses (a regex without wildcard form) becomes an EQL rule', () => {
  const r = convert("  sel:\n    CommandLine|re: '\\s-e(nc)?\\s'\n  condition: sel");
  expect(r.status).toBe('exact');
  expect(ruleOf(r)).toMatchObject({ type: 'eql', language: 'eql' });
});

test('an EQL rule of an unmapped log source carries the unmapped-logsource warning too', () => {
  const pipelines = elasticBackend.defaultPipelines.map((n) => resolvePipeline(n, elasticBackend));
  const text = ruleText("  sel:\n    query|endswith: '.onion'\n  condition: sel").replace(
    '  product: windows\n  category: process_creation',
    '  product: acme\n  service: widget',
  );
  const r = convertLoaded(loadRuleFromText(text, 'r.yml'), elasticBackend, pipelines, {
    format: 'detection-rule',
  });
  expect(ruleOf(r)).toMatchObject({ type: 'eql', language: 'eql', query: 'any where query : "*.onion"' });
  expect(r.diagnostics.map((d) => d.code)).toContain('unmapped-logsource');
});

test('other formats are untouched: the KQL conversion, no language diagnostic', () => {
  const r = convert(EQL_ONLY, {}, 'default');
  expect(r.status).toBe('approximate');
  expect(r.diagnostics.some((d) => d.code === 'query-language')).toBe(false);
  expect(elasticBackend.formats.default.rule(r, {})).toMatch(/ and process\.command_line: \(\*who\* or /);
});

test('the schema tells the two rule types apart', () => {
  const base = {
    rule_id: 'x',
    name: 'n',
    description: 'd',
    risk_score: 1,
    severity: 'low',
    query: 'q',
    index: ['i'],
  };
  expect(validate({ ...base, type: 'eql', language: 'eql' })).toBe(true);
  expect(validate({ ...base, type: 'query', language: 'kuery' })).toBe(true);
  expect(validate({ ...base, type: 'eql', language: 'kuery' })).toBe(false);
  expect(validate({ ...base, type: 'query', language: 'eql' })).toBe(false);
});
