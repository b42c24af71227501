/**
 * Metadata in every format that has a place for it (issue #17 item 9): name, related,
 * date/modified, license, author, references and tags; one default level (medium) for a rule
 * without one, in every format.
 */
import yaml from 'js-yaml';
import { loadRuleFromText } from '../../src/convert.js';
import { convertForTargets, prepare, type PreparedTarget } from '../../src/run.js';

const RULE = `title: Meta rule
id: 11111111-1111-4111-8111-111111111111
name: meta_rule
related:
  - id: 22222222-2222-4222-8222-222222222222
    type: derived
status: test
description: what it finds
license: DRL-1.1
author: Ann, Bob
references:
  - https://example.com/ref
date: 2024-01-02
modified: 2024-03-04
tags:
  - attack.execution
  - attack.t1059
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\\x.exe'
  condition: sel
`;

async function out(target: string, format: string, text = RULE): Promise<string> {
  const p: PreparedTarget = { ...(await prepare(target, { format })), target };
  const [o] = convertForTargets(loadRuleFromText(text, 'rules/m.yml'), [p], {});
  return o.text!;
}

describe('metadata in every format', () => {
  test('splunk savedsearches: one comment line per attribute', async () => {
    const text = await out('splunk', 'savedsearches');
    for (const line of [
      '# sigma.id = 11111111-1111-4111-8111-111111111111',
      '# sigma.name = meta_rule',
      '# sigma.status = test',
      '# sigma.author = Ann, Bob',
      '# sigma.date = 2024-01-02',
      '# sigma.modified = 2024-03-04',
      '# sigma.license = DRL-1.1',
      '# sigma.related = derived 22222222-2222-4222-8222-222222222222',
      '# sigma.reference = https://example.com/ref',
      '# sigma.tag = attack.t1059',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).toContain('description = what it finds');
  });

  test('elastic detection-rule: fields, and meta.sigma for the rest', async () => {
    const r = JSON.parse(await out('elastic', 'detection-rule')) as Record<string, unknown>;
    expect(r).toMatchObject({
      rule_id: '11111111-1111-4111-8111-111111111111',
      name: 'Meta rule',
      description: 'what it finds',
      license: 'DRL-1.1',
      author: ['Ann', 'Bob'],
      references: ['https://example.com/ref'],
      tags: ['Sigma', 'attack.execution', 'attack.t1059'],
      meta: {
        sigma: {
          id: '11111111-1111-4111-8111-111111111111',
          name: 'meta_rule',
          related: [{ id: '22222222-2222-4222-8222-222222222222', type: 'derived' }],
          date: '2024-01-02',
          modified: '2024-03-04',
        },
      },
    });
  });

  test('sentinel analytics-rule: comments for the Sigma metadata, tags', async () => {
    const text = await out('sentinel', 'analytics-rule');
    expect(text).toContain('# sigma.license = DRL-1.1\n');
    expect(text).toContain('# sigma.related = derived 22222222-2222-4222-8222-222222222222\n');
    expect(text).toContain('# sigma.reference = https://example.com/ref\n');
    const doc = yaml.load(text) as Record<string, unknown>;
    expect(doc.tags).toEqual(['attack.execution', 'attack.t1059']);
    expect(doc.description).toBe('what it finds');
  });

  test('a metadata value cannot leave its comment line', async () => {
    const text = await out(
      'sentinel',
      'analytics-rule',
      RULE.replace('license: DRL-1.1', 'license: "a\\nid: evil"'),
    );
    expect((yaml.load(text) as Record<string, unknown>).id).toBe('11111111-1111-4111-8111-111111111111');
    expect(text).toContain('# sigma.license = a id: evil\n');
  });

  test('one default level (medium) for a rule without one, in every format', async () => {
    const text = RULE; // no level
    expect(await out('splunk', 'savedsearches', text)).toContain('alert.severity = 4\n');
    expect(JSON.parse(await out('elastic', 'detection-rule', text))).toMatchObject({
      severity: 'medium',
      risk_score: 47,
    });
    expect(
      (yaml.load(await out('sentinel', 'analytics-rule', text)) as Record<string, unknown>).severity,
    ).toBe('Medium');
    const arm = JSON.parse(await out('sentinel', 'arm-template', text)) as {
      properties: { severity: string };
    };
    expect(arm.properties.severity).toBe('Medium');
  });
});
