/**
 * pySigma pipeline files as users have them (#17 item 8): post-processing, finalizers, vars with
 * any value, `any`/`all` condition linking, file placeholders; http/command placeholders refused.
 * Expected texts follow pySigma's own (sigma/processing/postprocessing.py, finalization.py).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splunkBackend } from '../../backends/splunk/index.js';
import type { RuleResult } from '../../src/backend.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import { pipelineFromYaml, PipelineError } from '../../src/pipeline/index.js';
import { pythonJson } from '../../src/pipeline/postprocess.js';
import { run } from '../../src/run.js';

const RULE = `title: Whoami
id: 11111111-1111-1111-1111-111111111111
level: high
logsource: {product: windows, category: process_creation}
detection:
  sel:
    CommandLine|contains: whoami
  condition: sel
`;
const QUERY = 'CommandLine="*whoami*"';

function convert(pipelineYaml: string, opts: { strict?: boolean; rule?: string } = {}): RuleResult {
  const spec = pipelineFromYaml(pipelineYaml, 'p.yml');
  return convertLoaded(loadRuleFromText(opts.rule ?? RULE, 'r.yml'), splunkBackend, [spec], {
    strict: opts.strict,
  });
}

function loadError(pipelineYaml: string): string {
  try {
    pipelineFromYaml(pipelineYaml, 'p.yml');
  } catch (e) {
    if (e instanceof PipelineError) return e.message;
    throw e;
  }
  throw new Error('the pipeline loaded');
}

describe('postprocessing', () => {
  const cases: Array<[string, string, string]> = [
    ['embed', `  - type: embed\n    prefix: '[ '\n    suffix: ' ]'`, `[ ${QUERY} ]`],
    [
      'simple_template (Python str.format)',
      `  - type: simple_template\n    template: '{{{rule.title}}} {rule.level}: {query} ({pipeline.state[src]})'`,
      `{Whoami} high: ${QUERY} (win)`,
    ],
    [
      'template (Jinja2 syntax)',
      `  - type: template\n    template: '{{ rule.title | upper }}|{% for t in ["a","b"] %}{{ t }}{% endfor %}|{{ query }}|{{ pipeline.vars.team.name }}'`,
      `WHOAMI|ab|${QUERY}|blue`,
    ],
    [
      'json (%QUERY%, Python json.dumps separators)',
      `  - type: json\n    json_template: '{"q": "%QUERY%", "n": [1, "%QUERY%"]}'`,
      `{"q": ${JSON.stringify(QUERY)}, "n": [1, ${JSON.stringify(QUERY)}]}`,
    ],
    [
      'replace (Python re.sub, every match, \\g<1>)',
      `  - type: replace\n    pattern: '(Command)Line'\n    replacement: '\\g<1>_line'`,
      'Command_line="*whoami*"',
    ],
    [
      'nest',
      `  - type: nest\n    items:\n      - {type: embed, prefix: '('}\n      - {type: embed, suffix: ')'}`,
      `(${QUERY})`,
    ],
    [
      'rule conditions (not matching: untouched)',
      `  - type: embed\n    prefix: X\n    rule_conditions: [{type: logsource, product: linux}]`,
      QUERY,
    ],
  ];
  it.each(cases)('%s', (_name, items, expected) => {
    const r = convert(
      `name: p\nvars:\n  team: {name: blue}\ntransformations:\n  - type: set_state\n    key: src\n    val: win\npostprocessing:\n${items}\n`,
    );
    expect(r.diagnostics.filter((d) => d.code !== 'query-rewritten')).toEqual([]);
    expect(r.queries).toEqual([expected]);
  });

  it('replace keeps the label but says the label covers the query before the rewrite; --strict refuses it', () => {
    const p = `name: p\npostprocessing:\n  - type: replace\n    pattern: whoami\n    replacement: id\n`;
    const r = convert(p);
    expect(r.status).toBe('exact');
    expect(r.queries).toEqual(['CommandLine="*id*"']);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['query-rewritten', 'warning']]);
    expect(r.applied).toContain('p/postprocessing #1: post-processed the query text (rewritten)');
    const s = convert(p, { strict: true });
    expect(s.status).toBe('unsupported');
    expect(s.queries).toEqual([]);
  });

  it('a template naming what the rule lacks is a pipeline-error on that rule, not a crash', () => {
    const r = convert(`name: p\npostprocessing:\n  - type: simple_template\n    template: '{rule.nope}'\n`);
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['pipeline-error']);
    expect(r.diagnostics[0].message).toMatch(/'\{rule\.nope\}' has no value/);
  });

  it.each([
    [
      'unknown type',
      `  - type: wrap`,
      /p\.yml:3:11: postprocessing item #1: unknown post-processing type 'wrap'/,
    ],
    [
      'bad format string',
      `  - type: simple_template\n    template: '{query!r}'`,
      /conversions and format specifications/,
    ],
    ['bad Jinja', `  - type: template\n    template: '{% for %}'`, /'template' is not a valid template/],
    ['Python vars file', `  - type: template\n    template: x\n    vars: helpers.py`, /runs Python code/],
    ['bad JSON', `  - type: json\n    json_template: '{'`, /'json_template' is not JSON/],
    ['bad regex', `  - type: replace\n    pattern: '('\n    replacement: x`, /invalid regular expression/],
    ['unknown parameter', `  - type: embed\n    prefixx: a`, /unknown parameter 'prefixx'/],
  ])('refused when loaded: %s', (_n, items, re) => {
    expect(loadError(`name: p\npostprocessing:\n${items}\n`)).toMatch(re);
  });
});

describe('vars and condition linking', () => {
  it('vars may hold mappings (for templates); a placeholder naming one gets a clear error', () => {
    const rule = RULE.replace('CommandLine|contains: whoami', 'CommandLine|expand: "%admins%"');
    const p = `name: p\nvars:\n  admins: {a: 1}\ntransformations:\n  - type: value_placeholders\n`;
    const r = convert(p, { rule });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unresolved-placeholder']);
    expect(r.diagnostics[0].message).toMatch(/'admins' is a mapping, not a value or a list of values/);
    const ok = convert(
      `name: p\nvars:\n  admins: [root, 0]\ntransformations:\n  - type: value_placeholders\n`,
      {
        rule,
      },
    );
    expect(ok.queries).toEqual(['CommandLine IN ("root", "0")']);
  });

  it.each([
    ['any', 'or', 'Cmd="*whoami*"'],
    ['all', 'and', QUERY],
  ])('field_name_cond_op: %s reads as %s', (word, _op, expected) => {
    const r = convert(
      `name: p\ntransformations:\n  - type: field_name_mapping\n    mapping: {CommandLine: Cmd}\n    field_name_conditions:\n      - {type: include_fields, fields: [CommandLine]}\n      - {type: include_fields, fields: [Image]}\n    field_name_cond_op: ${word}\n`,
    );
    expect(r.queries).toEqual([expected]);
  });
});

describe('external placeholders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-ext-'));
  const rule = RULE.replace('CommandLine|contains: whoami', 'User|expand: "%admins%"');
  writeFileSync(join(dir, 'admins.txt'), 'root\n\n  admin  \n');
  writeFileSync(join(dir, 'admins.csv'), 'name,role\nroot,"a, b"\n"ad""min",x\n');
  writeFileSync(join(dir, 'admins.json'), '{"users": [{"n": "root"}, {"n": "adm*"}, {"x": 1}]}');
  const file = (extra: string) =>
    `name: p\ntransformations:\n  - type: file_placeholders\n    allow_external_sources: true\n${extra}\n`;

  it.each([
    [
      'plaintext (trimmed, blank lines skipped)',
      `    path: ${join(dir, 'admins.txt')}`,
      'User IN ("root", "admin")',
    ],
    [
      'csv by column name',
      `    path: ${join(dir, 'admins.csv')}\n    format: csv\n    csv_column: name`,
      'User IN ("root", "ad\\"min")',
    ],
    [
      'csv by index, filtered',
      `    path: ${join(dir, 'admins.csv')}\n    format: csv\n    csv_column: 1\n    filter: ','`,
      'User="a, b"',
    ],
    [
      'json with a jq path (values are Sigma strings: * is a wildcard)',
      `    path: ${join(dir, 'admins.json')}\n    format: json\n    jq_expression: '.users[].n'`,
      'User IN ("root", "adm*")',
    ],
  ])('%s', (_n, extra, expected) => {
    const r = convert(file(extra), { rule });
    expect(r.diagnostics).toEqual([]);
    expect(r.queries).toEqual([expected]);
  });

  it('off by default, as in pySigma: the rule says how to allow it', () => {
    const r = convert(
      `name: p\ntransformations:\n  - type: file_placeholders\n    path: ${join(dir, 'admins.txt')}\n`,
      {
        rule,
      },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['pipeline-error']);
    expect(r.diagnostics[0].message).toMatch(
      /external sources are off by default.*SIGMANTIC_ALLOW_EXTERNAL_SOURCES=1/,
    );
  });

  it('a missing file is a pipeline-error on the rule', () => {
    const r = convert(file(`    path: ${join(dir, 'nope.txt')}`), { rule });
    expect(r.diagnostics[0].message).toMatch(/cannot read '.*nope\.txt' \(ENOENT\)/);
  });

  it.each([
    ['http_placeholders', /fetches values over the network.*file_placeholders/],
    ['command_placeholders', /runs a command.*file_placeholders/],
  ])('%s refused when loaded', (type, re) => {
    expect(loadError(`name: p\ntransformations:\n  - type: ${type}\n    url: x\n`)).toMatch(re);
  });

  it('a jq expression beyond paths is refused when loaded', () => {
    expect(
      loadError(file(`    path: x.json\n    format: json\n    jq_expression: '.a | select(.b)'`)),
    ).toMatch(/beyond the paths sigmantic evaluates/);
  });
});

describe('finalizers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigmantic-fin-'));
  writeFileSync(join(dir, 'a.yml'), RULE);
  writeFileSync(join(dir, 'b.yml'), RULE.replace(/whoami/g, 'hostname').replace('Whoami', 'Hostname'));
  async function output(finalizers: string, format?: string): Promise<string> {
    const pfile = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(pfile, `name: p\ntransformations: []\nfinalizers:\n${finalizers}\n`);
    let out = '';
    await run(
      { targets: ['splunk'], inputs: [join(dir, 'a.yml'), join(dir, 'b.yml')], pipelines: [pfile], format },
      { write: (_t, c) => (out += c) },
    );
    return out;
  }
  const Q2 = 'CommandLine="*hostname*"';

  it.each([
    ['concat', `  - {type: concat, separator: ' OR ', prefix: '(', suffix: ')'}`, `(${QUERY} OR ${Q2})\n`],
    ['json (Python json.dumps)', `  - {type: json}`, `${pythonJson([QUERY, Q2], null)}\n`],
    [
      'json with indent',
      `  - {type: json, indent: 2}`,
      `[\n  ${JSON.stringify(QUERY)},\n  ${JSON.stringify(Q2)}\n]\n`,
    ],
    ['yaml', `  - {type: yaml}`, `- CommandLine="*whoami*"\n- CommandLine="*hostname*"\n`],
    [
      'template',
      `  - type: template\n    template: "{% for q in queries %}[{{ loop.index }}] {{ q }}\\n{% endfor %}"`,
      `[1] ${QUERY}\n[2] ${Q2}\n`,
    ],
    [
      'nested',
      `  - type: nested\n    finalizers:\n      - {type: concat, separator: ' | '}\n      - {type: json}`,
      `[${JSON.stringify(`${QUERY} | ${Q2}`)}]\n`,
    ],
  ])('%s', async (_n, finalizers, expected) => {
    expect(await output(finalizers)).toBe(expected);
  });

  it('finalizers make the output: another -f is a usage error', async () => {
    await expect(output(`  - {type: concat}`, 'savedsearches')).rejects.toThrow(
      /finalizers.*leave out -f savedsearches/,
    );
  });

  it('Python json.dumps escapes non-ASCII', () => {
    expect(pythonJson(['é', { k: [1, 2.5, true, null] }], null)).toBe(
      '["\\u00e9", {"k": [1, 2.5, true, null]}]',
    );
  });
});

describe('finalizers through the library (convertText, as the playground converts)', () => {
  it('a pasted pipeline with finalizers makes the output', async () => {
    const { convertText } = await import('../../src/core.js');
    const r = await convertText(RULE, {
      target: 'splunk',
      pipelines: [{ yaml: 'name: f\ntransformations: []\nfinalizers:\n  - {type: json}\n' }],
    });
    expect(r).toMatchObject({ output: `[${JSON.stringify(QUERY)}]\n`, status: 'exact' });
    const bad = await convertText(RULE, {
      target: 'splunk',
      format: 'savedsearches',
      pipelines: [{ yaml: 'name: f\ntransformations: []\nfinalizers:\n  - {type: json}\n' }],
    });
    expect(bad).toMatchObject({ usageError: expect.stringMatching(/leave out -f savedsearches/) });
  });
});
