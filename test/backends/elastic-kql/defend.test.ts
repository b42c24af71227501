/**
 * The `elastic-defend` pipeline on Elastic Defend events: each rule of defend-documents.json is
 * converted with `-p elastic-defend` and its query evaluated (test/support/eval-kql.ts) against
 * the documents as Elasticsearch indexes them under the Defend mapping: the field types of
 * data/defend-fields.json (from the integration's own field definitions), `<field>.caseless` the
 * lowercased value when it is at most 1,024 characters (normalizer lowercase, ignore_above 1024),
 * a keyword main field's value only within its own ignore_above. The documents are written from
 * Elastic's documentation of Defend events (cited in the fixture). An exact query fires exactly
 * when the rule does; an approximate one never misses an event the rule matches.
 */
import { readFileSync } from 'node:fs';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { esType } from '../../../backends/elastic-kql/fields.js';
import type { RuleResult } from '../../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { evalKql } from '../../support/eval-kql.js';

type Doc = Record<string, unknown>;
interface Fixture {
  readonly source: string;
  readonly detection: string;
  readonly status: 'exact' | 'approximate';
  readonly docs: readonly { readonly fire: boolean; readonly variant?: string; readonly doc: Doc }[];
}
const fixtures = JSON.parse(readFileSync(new URL('./defend-documents.json', import.meta.url), 'utf8'))
  .entries as Record<string, Fixture>;

const mapping = JSON.parse(
  readFileSync(new URL('../../../backends/elastic-kql/data/defend-fields.json', import.meta.url), 'utf8'),
) as { caseless: Record<string, string>; ignoreAbove: Record<string, number> };

/** What Elasticsearch indexes of a source document under the Defend mapping (see the header). */
function indexed(doc: Doc): Doc {
  const out: Doc = {};
  const fits = (v: unknown, limit: number | undefined) =>
    limit === undefined || typeof v !== 'string' || [...v].length <= limit;
  for (const [k, v] of Object.entries(doc)) {
    const values: unknown[] = Array.isArray(v) ? v : [v];
    const main = values.filter((x) => fits(x, mapping.ignoreAbove[k]));
    if (main.length) out[k] = Array.isArray(v) ? main : main[0];
    const sub = Object.hasOwn(mapping.caseless, k) ? mapping.caseless[k] : undefined;
    if (sub) {
      const lower = values
        .filter((x) => fits(x, 1024))
        .map((x) => (typeof x === 'string' ? x.toLowerCase() : x));
      if (lower.length) out[`${k}.${sub}`] = Array.isArray(v) ? lower : lower[0];
    }
  }
  return out;
}

function typesOf(doc: Doc): Record<string, string> {
  return Object.fromEntries(Object.keys(doc).map((k) => [k, esType(k, 'defend') ?? 'keyword']));
}

const defend = [resolvePipeline('elastic-defend', elasticBackend)];
function convert(logsource: string, detection: string, settings: Record<string, string> = {}): RuleResult {
  const [product, category] = logsource.split('/');
  const text =
    `title: t\nid: 00000000-0000-4000-8000-0000000000dd\nstatus: test\nlogsource:\n  product: ${product}\n  category: ${category}\n` +
    'detection:\n' +
    detection.replace(/^/gm, '  ') +
    '\nlevel: low\n';
  return convertLoaded(loadRuleFromText(text, 'r.yml'), elasticBackend, defend, { settings });
}

describe('elastic-defend queries on Defend events', () => {
  test.each(Object.entries(fixtures))('%s', (id, fx) => {
    const r = convert(id.split('#')[0], fx.detection);
    expect({ status: r.status, errors: r.diagnostics.filter((d) => d.severity === 'error') }).toEqual({
      status: fx.status,
      errors: [],
    });
    const q = r.queries[0];
    for (const { fire, doc } of fx.docs) {
      const ix = indexed(doc);
      const got = evalKql(q, ix, typesOf(ix));
      if (fire || r.status === 'exact') expect({ doc, q, fires: got }).toEqual({ doc, q, fires: fire });
    }
  });
});

describe('.caseless and values longer than 1,024 characters', () => {
  test('a keyword field with a caseless sub-field (ignore_above 1024 on both) is matched on .caseless, exact', () => {
    const r = convert('windows/process_creation', "sel:\n  Image|endswith: '\\Svchost.exe'\ncondition: sel");
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('process.executable.caseless: *\\\\svchost.exe');
  });

  test('the wildcard-typed command line: .caseless, plus the main field for values .caseless does not index', () => {
    const r = convert(
      'windows/process_creation',
      "sel:\n  CommandLine|contains: 'wersvcgroup'\ncondition: sel",
    );
    expect(r.status).toBe('approximate');
    expect(r.queries[0]).toContain(
      'process.command_line.caseless: *wersvcgroup* or (not process.command_line.caseless: * and process.command_line: ',
    );
    const reasons = r.diagnostics
      .filter((d) => d.code === 'approximation')
      .map((d) => [d.reason, d.direction]);
    expect(reasons).toEqual([['long-value', 'wider']]);
  });

  test('few case variants: the main wildcard field with every variant, exact for values of any length', () => {
    const r = convert('windows/process_creation', "sel:\n  CommandLine|contains: '-k'\ncondition: sel");
    expect(r.status).toBe('exact');
    // k's case class: k, K and the Kelvin sign (U+212A), which the rule's folding equates.
    expect(r.queries[0]).toContain('process.command_line: (*-k* or *-K* or *-\u212a*)');
    const long = indexed({
      'event.dataset': 'endpoint.events.process',
      'event.action': 'start',
      'host.os.type': 'windows',
      'process.command_line': 'svchost.exe -K x' + ' '.repeat(2000) + 'y',
    });
    expect(long['process.command_line.caseless']).toBeUndefined();
    expect(evalKql(r.queries[0], long, typesOf(long))).toBe(true);
  });

  test('a field without a caseless sub-field in Defend (process.pe.original_file_name) widens by case', () => {
    const r = convert(
      'windows/process_creation',
      "sel:\n  OriginalFileName: 'PowerShell.EXE'\ncondition: sel",
    );
    expect(r.status).toBe('approximate');
    expect(r.diagnostics.map((d) => d.reason)).toContain('case');
    expect(r.queries[0]).not.toContain('.caseless');
  });

  test('--set case=caseless is refused under elastic-defend (the data decides)', () => {
    const r = convert('windows/process_creation', "sel:\n  Image: 'x'\ncondition: sel", { case: 'caseless' });
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics[0].message).toContain("Elastic Defend's mapping contradicts");
  });

  test('a log source Defend does not record is refused; registry events are not mapped', () => {
    for (const ls of ['windows/registry_set', 'linux/auditd_x']) {
      const r = convert(ls, "sel:\n  TargetObject: 'x'\ncondition: sel");
      expect(r.status).toBe('unsupported');
      expect(r.diagnostics[0].message).toContain('Elastic Defend records no events');
    }
  });

  test('a field Defend has no faithful counterpart for is refused with the reason', () => {
    const r = convert('windows/process_creation', "sel:\n  Hashes|contains: 'MD5='\ncondition: sel");
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics[0].message).toContain('process.hash.md5');
  });
});
