/**
 * `sigmantic check` (issue #17 item 2): each finding code with its severity and position,
 * --disable, duplicate ids and references across the whole input, log sources of chosen
 * targets, exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAcross, checkRule } from '../../src/check/check.js';
import { runCheck } from '../../src/cli/check-command.js';
import { loadRulesFromText } from '../../src/convert.js';
import { UsageError } from '../../src/batch.js';

const tmp = mkdtempSync(join(tmpdir(), 'sigmantic-check-'));
const HEAD = `title: t
id: 11111111-1111-4111-8111-111111111111
status: test
description: d
author: a
date: 2024-01-02
level: high
logsource:
  product: windows
  category: process_creation
`;

/** Findings of one rule text as [code, severity, line, column]. */
function findings(text: string): Array<[string, string, number | undefined, number | undefined]> {
  return loadRulesFromText(text, 'r.yml').rules.flatMap((r) =>
    checkRule(r).map(
      (d) =>
        [d.code, d.severity, d.line, d.column] as [string, string, number | undefined, number | undefined],
    ),
  );
}

describe('check: one rule', () => {
  test('a clean rule has no finding', () => {
    expect(findings(HEAD + 'detection:\n  sel:\n    Image: x\n  condition: sel\n')).toEqual([]);
  });

  test('null in a value list, |all on one value, unused identifier', () => {
    const text =
      HEAD +
      `detection:
  sel:
    Image:
      - x
      - null
    CommandLine|contains|all: 'one'
  other:
    A: 1
  _hidden:
    B: 2
  condition: sel or 1 of _h*
`;
    expect(findings(text)).toEqual([
      ['null-in-list', 'warning', 15, 9],
      ['all-single-value', 'warning', 16, 5],
      ['unused-identifier', 'warning', 17, 3],
    ]);
  });

  test('`them` uses every identifier but those starting with _', () => {
    const text = HEAD + 'detection:\n  a:\n    X: 1\n  _b:\n    Y: 2\n  condition: all of them\n';
    expect(findings(text)).toEqual([['unused-identifier', 'warning', 14, 3]]);
  });

  test('tags: ATT&CK ids that exist, namespaces, format', () => {
    const text =
      HEAD.replace(
        'level: high\n',
        'level: high\ntags:\n  - attack.t1059.001\n  - attack.t9999\n  - attack.stealth\n  - attack.g0016\n  - attack.nosuchtactic\n  - foo.bar\n  - Attack.T1059\n  - cve.2021-44228\n',
      ) + 'detection:\n  sel:\n    Image: x\n  condition: sel\n';
    expect(findings(text)).toEqual([
      ['unknown-attack-tag', 'warning', 10, 5],
      ['unknown-attack-tag', 'warning', 13, 5],
      ['tag-namespace', 'warning', 14, 5],
      ['invalid-tag', 'warning', 15, 5],
    ]);
  });

  test('missing recommended attributes, modified before date; the loader findings pass through', () => {
    const text = `title: t
date: 2024-05-01
modified: 2024-01-01
referencs:
  - x
logsource:
  product: windows
detection:
  sel:
    X: 1
  condition: sel and missing
`;
    const f = findings(text);
    expect(f.filter(([c]) => c === 'missing-recommended').map(([, , l]) => l)).toEqual([1, 1, 1, 1, 1]);
    expect(f).toContainEqual(['modified-before-date', 'warning', 3, 11]);
    expect(f).toContainEqual(['unknown-attribute', 'warning', 4, 1]);
    expect(f.some(([c, s]) => c === 'undefined-identifier' && s === 'error')).toBe(true);
    const unknown = loadRulesFromText(text, 'r.yml').rules[0].diagnostics.find(
      (d) => d.code === 'unknown-attribute',
    )!;
    expect(unknown.message).toContain("did you mean 'references'");
  });

  test('bad id, level, status: the loader errors', () => {
    const text =
      HEAD.replace(/^id: .*$/m, 'id: nope')
        .replace('level: high', 'level: severe')
        .replace('status: test', 'status: done') + 'detection:\n  sel:\n    X: 1\n  condition: sel\n';
    expect(
      findings(text)
        .filter(([, s]) => s === 'error')
        .map(([c, , l]) => [c, l]),
    ).toEqual([
      ['invalid-attribute', 2],
      ['invalid-attribute', 3],
      ['invalid-attribute', 7],
    ]);
  });
});

describe('check: across the input', () => {
  test('duplicate ids and unresolved correlation references', () => {
    const a = loadRulesFromText(
      HEAD.replace('title: t', 'title: a\nname: rule_a') + 'detection:\n  s:\n    X: 1\n  condition: s\n',
      'a.yml',
    ).rules;
    const b = loadRulesFromText(HEAD + 'detection:\n  s:\n    X: 2\n  condition: s\n', 'b.yml').rules;
    const corr = loadRulesFromText(
      `title: c
id: 22222222-2222-4222-8222-222222222222
correlation:
  type: event_count
  rules:
    - rule_a
    - 11111111-1111-4111-8111-111111111111
    - nowhere
  group-by:
    - User
  timespan: 1h
  condition:
    gte: 10
`,
      'c.yml',
    ).rules;
    const found = checkAcross([...a, ...b, ...corr]).map((d) => [
      d.code,
      d.severity,
      d.file,
      d.line,
      d.column,
      d.message,
    ]);
    expect(found).toEqual([
      [
        'duplicate-id',
        'error',
        'b.yml',
        2,
        5,
        'id 11111111-1111-4111-8111-111111111111 is also the id of a.yml:3',
      ],
      [
        'unresolved-reference',
        'error',
        'c.yml',
        8,
        7,
        "correlation rule 'nowhere' is not in the input (by id or name)",
      ],
    ]);
  });
});

describe('check: the command', () => {
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  const good = write('good.yml', HEAD + 'detection:\n  sel:\n    Image: x\n  condition: sel\n');
  const dup = write('dup.yml', HEAD + 'detection:\n  sel:\n    Image: y\n  condition: sel\n');
  const bogus = write(
    'bogus.yml',
    HEAD.replace('  product: windows\n  category: process_creation\n', '  product: nosuch\n') +
      'detection:\n  sel:\n    Image: x\n  condition: sel\n',
  );

  test('exit 1 on errors, every finding with file:line:col, a count per code', async () => {
    const err: string[] = [];
    expect(await runCheck({ inputs: [good, dup] }, (s) => err.push(s))).toBe(1);
    const text = err.join('');
    expect(text).toContain(
      `${dup}:2:5: error duplicate-id: id 11111111-1111-4111-8111-111111111111 is also the id of ${good}:2`,
    );
    expect(text).toContain('sigmantic check: 2 rules, 1 errors, 0 warnings (duplicate-id 1)');
  });

  test('--disable CODE drops the code (and its exit status)', async () => {
    expect(await runCheck({ inputs: [good, dup], disable: ['duplicate-id'] }, () => {})).toBe(0);
    await expect(runCheck({ inputs: [good], disable: ['no-such-code'] }, () => {})).rejects.toThrow(
      UsageError,
    );
  });

  test('-t: log sources the chosen targets do not map; splunk maps every log source, and elastic ecs passes unknown ones through (#14 item 4)', async () => {
    const err: string[] = [];
    expect(
      await runCheck(
        { inputs: [good, bogus], target: ['sentinel,elastic', 'splunk'], disable: ['duplicate-id'] },
        (s) => err.push(s),
      ),
    ).toBe(0);
    const lines = err
      .join('')
      .split('\n')
      .filter((l) => l.includes('warning unknown-logsource'));
    expect(lines.map((l) => l.replace(/: (sentinel|elastic): .*/, ': $1'))).toEqual([
      `${bogus}:8:1: warning unknown-logsource: sentinel`,
    ]);
  });

  test('a missing input is an io-error (exit 1); no input is a usage error', async () => {
    expect(await runCheck({ inputs: [join(tmp, 'none.yml')] }, () => {})).toBe(1);
    await expect(runCheck({ inputs: [] }, () => {})).rejects.toThrow(UsageError);
  });
});
