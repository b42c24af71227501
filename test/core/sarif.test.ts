/**
 * SARIF 2.1.0 output (`convert --sarif`, `check --sarif`): validated against the OASIS schema
 * (test/fixtures/sarif/, vendored with its source), one result per diagnostic with a relative
 * URI, region, level and ruleId described in tool.driver.rules.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runCheck } from '../../src/cli/check-command.js';
import { CHECK_CODES } from '../../src/check/codes.js';
import { main } from '../../src/cli/commands.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { artifactUri, sarifLog } from '../../src/sarif.js';

// The schema is draft-04 (`id`); Ajv 8 reads draft-07, whose `$id` is the same thing. Nothing
// else in it differs between the drafts (no boolean exclusiveMinimum/Maximum).
const schema = JSON.parse(readFileSync('test/fixtures/sarif/sarif-schema-2.1.0.json', 'utf8')) as Record<
  string,
  unknown
>;
schema.$id = schema.id;
delete schema.id;
delete schema.$schema;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uri', (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s));
ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

function valid(log: unknown): void {
  const ok = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const tmp = mkdtempSync(join(tmpdir(), 'sigmantic-sarif-'));
const RULE = `title: t
id: 11111111-1111-4111-8111-111111111111
status: test
description: d
author: a
date: 2024-01-01
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|re: 'a(?<=b)c'
  unused:
    X: 1
  condition: sel
level: high
tags:
  - attack.t9999
`;

describe('sarif', () => {
  test('the schema rejects what it must (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
    expect(validate({ version: '9', runs: [] })).toBe(false);
  });

  test('one result per diagnostic: ruleId, ruleIndex, level, relative URI, region', () => {
    const ds: Diagnostic[] = [
      {
        severity: 'error',
        code: 'duplicate-id',
        message: 'm1',
        file: join(process.cwd(), 'rules/a b.yml'),
        line: 3,
        column: 5,
      },
      {
        severity: 'warning',
        code: 'approximation',
        message: 'm2',
        file: 'rules/x.yml',
        line: 9,
        column: 7,
        reason: 'case',
        direction: 'wider',
      },
      { severity: 'info', code: 'unmapped-field', message: 'm3', file: 'rules/x.yml' },
    ];
    const log = sarifLog(ds, { version: '1.2.3', codes: CHECK_CODES, cwd: process.cwd() }) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
        results: Array<Record<string, unknown>>;
      }>;
    };
    valid(log);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level])).toEqual([
      ['approximation', 'warning'],
      ['duplicate-id', 'error'],
      ['unmapped-field', 'note'],
    ]);
    expect(run.results).toHaveLength(3);
    expect(run.results[0]).toMatchObject({
      ruleId: 'duplicate-id',
      ruleIndex: 1,
      level: 'error',
      message: { text: 'm1' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'rules/a%20b.yml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 5 },
          },
        },
      ],
    });
    expect(run.results[1]).toMatchObject({
      level: 'warning',
      properties: { reason: 'case', direction: 'wider' },
    });
    expect(run.results[2]).toMatchObject({
      level: 'note',
      locations: [{ physicalLocation: { region: { startLine: 1, startColumn: 1 } } }],
    });
    expect(artifactUri('C:\\w\\x\\y.yml', 'C:\\w')).toBe('x/y.yml');
    expect(artifactUri('/elsewhere/y.yml', '/w')).toBe('/elsewhere/y.yml');
  });

  test('check --sarif: every finding, valid', async () => {
    const f = join(tmp, 'r.yml');
    writeFileSync(f, RULE);
    const out = join(tmp, 'check.sarif');
    const err: string[] = [];
    const code = await runCheck({ inputs: [f], sarif: out }, (s) => err.push(s));
    const log = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: Array<{ results: Array<{ ruleId: string }> }>;
    };
    valid(log);
    const lines = err.join('').trim().split('\n');
    expect(log.runs[0].results).toHaveLength(lines.length - 1);
    expect(log.runs[0].results.map((r) => r.ruleId).sort()).toEqual([
      'unknown-attack-tag',
      'unused-identifier',
    ]);
    expect(code).toBe(0);
  });

  test('convert --sarif: the conversion diagnostics, valid', async () => {
    const f = join(tmp, 'c.yml');
    writeFileSync(
      f,
      RULE.replace("'a(?<=b)c'", "'abc'")
        .replace('    X: 1\n', '    X: 1\n  more:\n    - kw\n')
        .replace('condition: sel', 'condition: sel and not more'),
    );
    const out = join(tmp, 'convert.sarif');
    const code = await main([
      'convert',
      '-t',
      'elastic',
      '-f',
      'detection-rule',
      '-o',
      join(tmp, 'o.ndjson'),
      '--sarif',
      out,
      f,
    ]);
    const log = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: Array<{ results: Array<{ ruleId: string; locations: unknown[] }> }>;
    };
    valid(log);
    const ids = log.runs[0].results.map((r) => r.ruleId);
    expect(ids).toContain('unknown-attack-tag');
    expect(code).toBe(0);
  });
});
