/**
 * The data-model pipelines on the corpus's rules/windows/process_creation (issue #16 acceptance):
 * `-p splunk-cim -f data-model` (every query a tstats search) and `-p sentinel-asim` (every query
 * binds against the declared ASIM schemas; a fifth of them unless SIGMANTIC_CORPUS_FULL=1, as in
 * sentinel.test.ts: binding costs ~50 ms a query). Prints the label counts per model dataset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sentinelBackend } from '../../backends/sentinel-kql/index.js';
import { tableSchemas } from '../../backends/sentinel-kql/data.js';
import { splunkBackend } from '../../backends/splunk/index.js';
import { requiredValues } from '../../src/ir/required-values.js';
import { cimRequirements } from '../../backends/splunk/pipelines.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import { buildRule } from '../../src/ir/build.js';
import type { RuleResult } from '../../src/backend.js';
import { convertLoaded, loadRuleFile } from '../../src/convert.js';
import { resolvePipeline } from '../../src/pipeline/index.js';
import { activeRuleFiles, CORPUS, describeWithCorpus, yamlFiles } from '../support/corpus.js';
import { bindKusto } from '../support/kusto.js';

const d = describeWithCorpus('data model corpus tests');
const FULL = process.env.SIGMANTIC_CORPUS_FULL === '1';
/** The converted rules measured per group (docs/data-models.md, ASIM). */
const WEB_MIN = { webserver: 83, proxy: 55, security: 4 };

function table(results: RuleResult[], model: (r: RuleResult) => string): string {
  const rows = new Map<string, Record<string, number>>();
  for (const r of results) {
    const k = r.status === 'unsupported' || r.status === 'error' ? '(refused)' : model(r);
    const row = rows.get(k) ?? { exact: 0, approximate: 0, unsupported: 0, error: 0 };
    row[r.status]++;
    rows.set(k, row);
  }
  return [...rows.entries()]
    .sort()
    .map(
      ([k, v]) =>
        `${k}: exact ${v.exact}, approximate ${v.approximate}, unsupported ${v.unsupported}, error ${v.error}`,
    )
    .join('\n');
}

d('data models: rules/windows/process_creation', () => {
  const files = () => yamlFiles(join(CORPUS, 'rules', 'windows', 'process_creation'));

  test('splunk-cim -f data-model: tstats queries, labelled', () => {
    const cim = [resolvePipeline('splunk-cim', splunkBackend)];
    const results = files().map((f) =>
      convertLoaded(loadRuleFile(f), splunkBackend, cim, { format: 'data-model' }),
    );
    const converted = results.filter((r) => r.status === 'exact' || r.status === 'approximate');
    for (const r of converted) {
      expect(r.queries).toHaveLength(1);
      expect(r.queries[0].startsWith('| tstats summariesonly=false ')).toBe(true);
      expect(r.queries[0]).toContain(' from datamodel=Endpoint.Processes');
    }
    // Every refusal says why (a field CIM lacks, named with the reason).
    for (const r of results.filter((x) => x.status === 'unsupported'))
      expect(r.diagnostics.some((x) => x.severity === 'error' && x.message.length > 0)).toBe(true);
    console.log(
      `splunk-cim data-model: ${converted.length}/${results.length}\n` +
        table(results, (r) => String(r.state['splunk.cim'])),
    );
    // 91.7% measured (1,043 exact, 42 approximate: Hashes tested as a process_hash digest, and
    // null or empty tests of fields the model fills with unknown): the
    // refusals are rules on Sysmon fields CIM has no field for (Description, Product, Company:
    // PE version information; ParentUser; LogonId). The issue asks for 90%.
    expect(converted.length / results.length).toBeGreaterThanOrEqual(0.9);
  });

  test('splunk-cim -f data-model: registry_* (Endpoint.Registry), webserver and proxy (Web)', () => {
    const cim = [resolvePipeline('splunk-cim', splunkBackend)];
    const dirs: [string, string][] = [
      [join(CORPUS, 'rules', 'windows', 'registry'), 'Endpoint.Registry'],
      [join(CORPUS, 'rules', 'web', 'webserver_generic'), 'Web.Web'],
      [join(CORPUS, 'rules', 'web', 'proxy_generic'), 'Web.Web'],
    ];
    const lines: string[] = [];
    const share: Record<string, number> = {};
    for (const [dir, dataset] of dirs) {
      const results = yamlFiles(dir).map((f) =>
        convertLoaded(loadRuleFile(f), splunkBackend, cim, { format: 'data-model' }),
      );
      const converted = results.filter((r) => r.status === 'exact' || r.status === 'approximate');
      for (const r of converted) {
        expect(r.queries[0].startsWith('| tstats summariesonly=false ')).toBe(true);
        expect(r.queries[0]).toContain(` from datamodel=${dataset}`);
      }
      for (const r of results.filter((x) => x.status === 'unsupported'))
        expect(r.diagnostics.some((x) => x.severity === 'error' && x.message.length > 0)).toBe(true);
      share[dir] = converted.length / results.length;
      lines.push(
        `${dir.slice(CORPUS.length + 1)}: ${converted.length}/${results.length}\n` +
          table(results, (r) => String(r.state['splunk.cim'])),
      );
    }
    console.log(`splunk-cim data-model, other datasets:\n${lines.join('\n')}`);
    // Measured: registry 178/247 (Image: no process path in Endpoint.Registry; EventType),
    // webserver 6/13 (the others are keyword rules), proxy 17/29 (cs-host has no fixed CIM field).
    expect(share[dirs[0][0]]).toBeGreaterThanOrEqual(0.7);
    expect(share[dirs[1][0]]).toBeGreaterThanOrEqual(0.45);
    expect(share[dirs[2][0]]).toBeGreaterThanOrEqual(0.55);
  });

  test('sentinel-asim: queries of _Im_ProcessCreate that bind, labelled', () => {
    const asim = [resolvePipeline('sentinel-asim', sentinelBackend)];
    const schemas = tableSchemas() as Record<string, Record<string, string>>;
    const results = files().map((f) => convertLoaded(loadRuleFile(f), sentinelBackend, asim));
    const converted = results.filter((r) => r.status === 'exact' || r.status === 'approximate');
    const errors: string[] = [];
    converted.forEach((r, i) => {
      expect(r.queries[0].split('\n')[0]).toBe('_Im_ProcessCreate');
      if (FULL || i % 5 === 0)
        for (const e of bindKusto(r.queries[0], schemas).errors) errors.push(`${r.path}: ${e}`);
    });
    expect(errors).toEqual([]);
    console.log(
      `sentinel-asim: ${converted.length}/${results.length}\n` +
        table(results, (r) => r.queries[0]?.split('\n')[0] ?? '-'),
    );
    // 99.7% measured (1,180 of 1,183): the refusals are LogonId (2: ASIM's session id is the
    // source's format) and one field no ASIM schema has.
    expect(converted.length / results.length).toBeGreaterThanOrEqual(0.99);
  });
});

/**
 * The other ASIM schemas on the whole active corpus: web server and proxy rules (`_Im_WebSession`)
 * and Windows Security rules (`_Im_Authentication`, which takes only the logon/logoff events
 * 4624, 4625, 4634, 4647). Every converted query names its parser and binds against the declared
 * schemas; prints the label counts per log source and the refusal reasons.
 */
d('data models: sentinel-asim web sessions and authentication', () => {
  type Ls = { product?: string; category?: string; service?: string };
  const groups: Array<[string, (ls: Ls) => boolean, string]> = [
    ['webserver', (ls) => ls.category === 'webserver', '_Im_WebSession'],
    ['proxy', (ls) => ls.category === 'proxy', '_Im_WebSession'],
    ['windows/security', (ls) => ls.product === 'windows' && ls.service === 'security', '_Im_Authentication'],
  ];
  test('webserver, proxy, windows/security: queries that bind, labelled', () => {
    const asim = [resolvePipeline('sentinel-asim', sentinelBackend)];
    const schemas = tableSchemas() as Record<string, Record<string, string>>;
    // Only files that name one of the log sources are loaded (the corpus has 3,780 rules).
    const loaded = activeRuleFiles()
      .filter((f) =>
        /^\s+(category:\s*(webserver|proxy)|service:\s*security)\s*$/m.test(readFileSync(f, 'utf8')),
      )
      .map((f) => loadRuleFile(f));
    const lines: string[] = [];
    const errors: string[] = [];
    const counts: Record<string, number> = {};
    for (const [name, pick, parser] of groups) {
      const results = loaded
        .filter((l) => l.rule !== undefined && pick(l.rule.logsource))
        .map((l) => convertLoaded(l, sentinelBackend, asim));
      const converted = results.filter((r) => r.status === 'exact' || r.status === 'approximate');
      for (const r of converted) {
        if (r.queries[0].split('\n')[0] !== parser) errors.push(`${r.path}: not ${parser}`);
        for (const e of bindKusto(r.queries[0], schemas).errors) errors.push(`${r.path}: ${e}`);
      }
      const why = new Map<string, number>();
      for (const r of results.filter((x) => x.status === 'unsupported' || x.status === 'error')) {
        const m = r.diagnostics.find((x) => x.severity === 'error')?.message ?? '(no message)';
        const k = (/field '[^']+'/.exec(m) ?? [m.slice(0, 60)])[0];
        why.set(k, (why.get(k) ?? 0) + 1);
      }
      counts[name] = converted.length;
      lines.push(
        `${name} (${parser}): ${converted.length}/${results.length}\n` +
          table(results, () => parser) +
          '\n  refused: ' +
          [...why]
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${n}`)
            .join(', '),
      );
    }
    expect(errors).toEqual([]);
    console.log(lines.join('\n'));
    // Measured: see docs/data-models.md (ASIM); a drop means a mapping was lost.
    expect(counts.webserver).toBeGreaterThanOrEqual(WEB_MIN.webserver);
    expect(counts.proxy).toBeGreaterThanOrEqual(WEB_MIN.proxy);
    expect(counts['windows/security']).toBeGreaterThanOrEqual(WEB_MIN.security);
  });
});

/**
 * The CIM Authentication data model on the whole active corpus's windows/security rules: every
 * converted query is a tstats search of Authentication.Authentication; prints the label counts
 * and the refusal reasons (the first error of each rule: a field the model does not hold, named,
 * or the events it does not hold).
 */
d('data models: splunk-cim Authentication (windows/security)', () => {
  test('windows/security: tstats queries of Authentication, labelled, refusals counted by reason', () => {
    const cim = [resolvePipeline('splunk-cim', splunkBackend)];
    const loaded = activeRuleFiles()
      .filter((f) => /^\s+service:\s*security\s*$/m.test(readFileSync(f, 'utf8')))
      .map((f) => loadRuleFile(f))
      .filter(
        (l) =>
          l.rule !== undefined &&
          l.rule.logsource.product === 'windows' &&
          l.rule.logsource.service === 'security',
      );
    const results = loaded.map((l) => convertLoaded(l, splunkBackend, cim, { format: 'data-model' }));
    const converted = results.filter((r) => r.status === 'exact' || r.status === 'approximate');
    for (const r of converted)
      expect(r.queries[0]).toMatch(
        /^\| tstats summariesonly=false .* from datamodel=Authentication\.Authentication where /,
      );
    // The reason of each refusal: first whether the rule keeps to the EventIDs the model holds
    // (checked on the rule before its fields, as the pipeline's field refusals come first).
    const held = cimRequirements()['windows-logon'];
    const why = new Map<string, number>();
    let naming = 0;
    results.forEach((r, i) => {
      const ir = buildRule(loaded[i].rule!, new DiagnosticSink());
      const ids = ir === undefined ? null : requiredValues(ir, 'EventID');
      const keeps = ids !== null && ids.size > 0 && [...ids].every((v) => held.values.includes(v));
      if (keeps) naming++;
      if (r.status !== 'unsupported' && r.status !== 'error') return;
      const m = r.diagnostics.find((x) => x.severity === 'error')?.message ?? '(no message)';
      const k = !keeps
        ? 'the condition does not require an EventID the model holds'
        : ((/field '[^']+'/.exec(m) ?? [])[0] ??
          (/NOT \(action=success/.test(m)
            ? 'a success of an account ending with $ could match'
            : /no CIM field in/.test(m)
              ? 'another field (not in the mapping)'
              : m.slice(0, 60)));
      why.set(k, (why.get(k) ?? 0) + 1);
    });
    console.log(
      `splunk-cim Authentication: ${converted.length}/${results.length} (${naming} keep to the EventIDs it holds)\n` +
        table(results, () => 'Authentication.Authentication') +
        '\n  refused: ' +
        [...why]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
    );
    // Every refusal says why.
    for (const r of results.filter((x) => x.status === 'unsupported'))
      expect(r.diagnostics.some((x) => x.severity === 'error' && x.message.length > 0)).toBe(true);
    expect(results.length).toBeGreaterThan(100);
    // Measured (docs/data-models.md, CIM): no corpus rule converts; each refusal is one of these
    // reasons, and a new kind of reason (a mapping lost or a check gone wrong) fails here.
    expect(
      [...why.keys()].filter(
        (k) => !/^(field '|the condition does not|a success of an account|another field)/.test(k),
      ),
    ).toEqual([]);
  });
});
