/**
 * Declared settings (`--set`), their one precedence rule (`--set` beats the pipeline state, which
 * beats the default), typed pipeline-state reads, and which pipelines a run applies (issues 12
 * items 6 and 8, 13 item 2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBackend, TARGETS } from '../../backends/index.js';
import type { Backend } from '../../src/backend.js';
import { DiagnosticSink } from '../../src/diagnostics.js';
import { pipelineNames } from '../../src/pipeline/index.js';
import { stateList, stateMap, stateString, StateTypeError } from '../../src/pipeline/state.js';
import { UsageError, type RunOptions, type RuleSummary } from '../../src/batch.js';
import { run } from '../../src/run.js';
import {
  checkStateSettings,
  resolveSettings,
  settingList,
  settingString,
  settingsProblem,
  targetList,
  targetNumber,
  targetPrefix,
  targetString,
} from '../../src/settings.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';

const RULE = `title: t
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\cmd.exe'}
  condition: sel
`;

const dir = mkdtempSync(join(tmpdir(), 'sigmantic-settings-'));
function pipelineFile(name: string, body: string): string {
  const p = join(dir, `${name}.yml`);
  writeFileSync(p, `name: ${name}\ntransformations:\n${body}`);
  return p;
}
const INDEX_LIST = pipelineFile(
  'index-list',
  '  - type: set_state\n    key: index\n    val: [main, security]\n',
);
const INDEX_STRING = pipelineFile(
  'index-string',
  '  - type: set_state\n    key: index\n    val: fromstate\n',
);
const INDEX_MAP = pipelineFile('index-map', '  - type: set_state\n    key: index\n    val: {a: 1}\n');
const TABLE = pipelineFile('table', '  - type: set_state\n    key: table\n    val: StateTable\n');

interface Out {
  text: string;
  results: RuleSummary[];
}

async function convert(
  target: string,
  opts: Partial<Omit<RunOptions, 'targets' | 'inputs'>> = {},
  rule = RULE,
): Promise<Out> {
  const out: Out = { text: '', results: [] };
  await run(
    { targets: [target], inputs: ['-'], ...opts },
    {
      write: (_t, s) => (out.text += s),
      onResult: (_t, r) => out.results.push(r),
      readStdin: () => rule,
    },
  );
  return out;
}

async function backend(name: string): Promise<Backend> {
  return (await loadBackend(name))!;
}

describe('declared settings', () => {
  test('every target but ir declares settings with a description; enum settings list values', async () => {
    for (const name of Object.keys(TARGETS)) {
      const b = await backend(name);
      if (name === 'ir') continue;
      expect(b.settings?.length).toBeGreaterThan(0);
      for (const d of b.settings!) {
        expect(d.description.length).toBeGreaterThan(10);
        if (d.type === 'enum') expect(d.values?.length).toBeGreaterThan(1);
        // A default fits its own declaration.
        if (d.default !== undefined) expect(settingsProblem([b], { [d.name]: d.default })).toBeNull();
      }
    }
  });

  test('an unknown key or a bad value is one usage error, before any rule', async () => {
    const splunk = await backend('splunk');
    const elastic = await backend('elastic');
    expect(settingsProblem([splunk], { bogus: '1' })).toMatch(/^unknown setting 'bogus' \(splunk: index, /);
    expect(settingsProblem([elastic], { case: 'foo' })).toBe(
      'setting case=foo for elastic: the value must be one of widen, caseless',
    );
    expect(settingsProblem([elastic], { 'max-clauses': '1.5' })).toMatch(/whole number of at least 1/);
    expect(settingsProblem([elastic], { 'max-clauses': 'x' })).toMatch(/whole number/);
    expect(settingsProblem([elastic], { enabled: 'yes' })).toMatch(/true or false/);
    expect(settingsProblem([splunk], { schedule: '2' })).toMatch(/one of 0, 1/);
    expect(settingsProblem([splunk], { index: ' , ' })).toMatch(/at least one item/);
    // Prefix declarations: action.<name>.<param>.
    expect(settingsProblem([splunk], { 'action.email.to': 'soc@example.com' })).toBeNull();
    expect(settingsProblem([splunk], { 'action.': 'x' })).toMatch(/unknown setting/);
    // A key one target of the run declares is accepted (it applies to that target).
    const sentinel = await backend('sentinel');
    expect(settingsProblem([splunk, sentinel], { table: 'X', index: 'main' })).toBeNull();
    expect(settingsProblem([splunk], { table: 'X' })).toMatch(/unknown setting 'table'/);
    // run() refuses before writing anything; the CLI exits 2.
    let written = 0;
    await expect(
      run(
        { targets: ['elastic'], inputs: ['-'], settings: { case: 'foo' } },
        { write: () => written++, readStdin: () => RULE },
      ),
    ).rejects.toThrow(UsageError);
    expect(written).toBe(0);
    // The CLI's exit 2 and `list settings`: test/core/cli.test.ts.
  });
});

describe('one precedence rule: --set beats the pipeline state beats the default', () => {
  test('reading functions', async () => {
    const e = (await backend('elastic')).settings;
    expect(settingList(e, 'index', {}, {})).toEqual(['logs-*']);
    expect(settingList(e, 'index', {}, { index: 'a, b' })).toEqual(['a', 'b']);
    expect(settingList(e, 'index', {}, { index: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(settingList(e, 'index', { settings: { index: 'x' } }, { index: ['a'] })).toEqual(['x']);
    expect(settingString(e, 'case', {}, {})).toBe('widen');
    expect(() => settingString(e, 'undeclared', {}, {})).toThrow(/not declared/);
  });

  test('resolved once per rule: every declared setting, list items, given keys, prefixes', async () => {
    const sp = (await backend('splunk')).settings;
    const t = resolveSettings(sp, { settings: { index: 'x,y', 'action.email.to': 'a@b' } }, { index: ['a'] });
    expect(targetList(t, 'index')).toEqual(['x', 'y']);
    expect(targetString(t, 'index')).toBe('x,y');
    expect(t.given).toEqual(['action.email.to', 'index']);
    expect(targetPrefix(t, 'action.*')).toEqual([['action.email.to', 'a@b']]);
    const fromState = resolveSettings(sp, {}, { index: ['a', 'b'] });
    expect(targetList(fromState, 'index')).toEqual(['a', 'b']);
    expect(fromState.given).toEqual([]);
    const e = (await backend('elastic')).settings;
    const d = resolveSettings(e, {}, {});
    expect([targetString(d, 'case'), targetList(d, 'index')]).toEqual(['widen', ['logs-*']]);
    expect(targetNumber(resolveSettings(e, { settings: { 'max-clauses': '12' } }, {}), 'max-clauses')).toBe(
      12,
    );
  });

  test('convertLoaded resolves the settings once and hands them to the result (for the formats)', async () => {
    const b = await backend('sentinel');
    const loaded = loadRuleFromText(RULE, 'r.yml');
    const r = convertLoaded(loaded, b, [], { settings: { table: 'DeviceProcessEvents' } });
    expect(targetString(r.target, 'table')).toBe('DeviceProcessEvents');
    expect(r.target.given).toEqual(['table']);
  });

  test('splunk index: list state, string state, --set over state', async () => {
    expect((await convert('splunk', { pipelines: [INDEX_LIST] })).text).toBe(
      '(index="main" OR index="security") Image="*\\\\cmd.exe"\n',
    );
    expect((await convert('splunk', { pipelines: [INDEX_STRING] })).text).toBe(
      'index="fromstate" Image="*\\\\cmd.exe"\n',
    );
    // Before: the pipeline's index beat --set for Splunk (and Elastic) while --set table beat it for Sentinel.
    expect((await convert('splunk', { pipelines: [INDEX_LIST], settings: { index: 'x,y' } })).text).toBe(
      '(index="x" OR index="y") Image="*\\\\cmd.exe"\n',
    );
    expect((await convert('splunk', {})).text).toBe('Image="*\\\\cmd.exe"\n');
  });

  test('a state value of the wrong type is a clear pipeline-error of the rule, not a crash', async () => {
    const o = await convert('splunk', { pipelines: [INDEX_MAP] });
    expect(o.text).toBe('');
    expect(o.results[0].status).toBe('unsupported');
    expect(o.results[0].diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      "pipeline-error: pipeline state 'index' (set_state) must be a string or a list of strings, not a mapping",
    ]);
    // --set hides the state value: it is not read, so it is not an error.
    expect((await convert('splunk', { pipelines: [INDEX_MAP], settings: { index: 'x' } })).text).toBe(
      'index="x" Image="*\\\\cmd.exe"\n',
    );
    const e = await convert('elastic', {
      pipelines: [INDEX_MAP],
      format: 'detection-rule',
      defaultPipelines: false,
    });
    expect(e.results[0].diagnostics.map((d) => d.code)).toContain('pipeline-error');
  });

  test('elastic detection-rule index: --set beats the pipeline state, which beats logs-*', async () => {
    const index = async (opts: Partial<RunOptions>) =>
      (
        JSON.parse(
          (await convert('elastic', { format: 'detection-rule', defaultPipelines: false, ...opts })).text,
        ) as {
          index: string[];
        }
      ).index;
    expect(await index({})).toEqual(['logs-*']);
    expect(await index({ pipelines: [INDEX_LIST] })).toEqual(['main', 'security']);
    expect(await index({ pipelines: [INDEX_LIST], settings: { index: 'x' } })).toEqual(['x']);
  });

  test('sentinel table: --set beats the pipeline state', async () => {
    const q = async (opts: Partial<RunOptions>) => (await convert('sentinel', opts)).text.split('\n')[0];
    expect(await q({ pipelines: [TABLE], defaultPipelines: false })).toBe('StateTable');
    expect(await q({ pipelines: [TABLE], defaultPipelines: false, settings: { table: 'SetTable' } })).toBe(
      'SetTable',
    );
  });
});

describe('typed pipeline-state accessors', () => {
  test('strings, lists and mappings; the wrong type throws StateTypeError naming the key', () => {
    expect(stateString({ k: 'v' }, 'k')).toBe('v');
    expect(stateString({ k: 5 }, 'k')).toBe('5');
    expect(stateString({ k: '' }, 'k')).toBeUndefined();
    expect(stateString({}, 'k')).toBeUndefined();
    expect(() => stateString({ k: ['a'] }, 'k')).toThrow(StateTypeError);
    expect(() => stateString({ k: ['a'] }, 'k')).toThrow("pipeline state 'k' (set_state) must be a string");
    expect(stateList({ k: 'a, b' }, 'k')).toEqual(['a', 'b']);
    expect(stateList({ k: ['a', ' b ', ''] }, 'k')).toEqual(['a', 'b']);
    expect(stateList({ k: [] }, 'k')).toBeUndefined();
    expect(() => stateList({ k: [{}] }, 'k')).toThrow(StateTypeError);
    expect(() => stateList({ k: true }, 'k')).toThrow(StateTypeError);
    expect(stateMap({ k: { a: 'x' } }, 'k')).toEqual({ a: 'x' });
    expect(stateMap({}, 'k')).toEqual({});
    expect(() => stateMap({ k: 'x' }, 'k')).toThrow(StateTypeError);
  });

  test('checkStateSettings reports a bad placeholder-expression state too', () => {
    const sink = new DiagnosticSink('x');
    expect(checkStateSettings([], {}, { queryExpressionPlaceholders: 'oops' }, sink)).toBe(false);
    expect(sink.list[0].code).toBe('pipeline-error');
  });
});

describe('which pipelines a run applies', () => {
  test('naming a built-in replaces the defaults; a file runs after them', async () => {
    const elastic = await backend('elastic');
    const sentinel = await backend('sentinel');
    const splunk = await backend('splunk');
    expect(pipelineNames(elastic, [])).toEqual(['ecs']);
    expect(pipelineNames(elastic, ['ecs-windows'])).toEqual(['ecs-windows']);
    expect(pipelineNames(elastic, ['ecs'])).toEqual(['ecs']);
    expect(pipelineNames(elastic, ['my.yml'])).toEqual(['ecs', 'my.yml']);
    expect(pipelineNames(elastic, ['my.yml'], false)).toEqual(['my.yml']);
    expect(pipelineNames(sentinel, ['sentinel-windows', 'my.yml'])).toEqual(['sentinel-windows', 'my.yml']);
    expect(pipelineNames(sentinel, ['my.yml'])).toEqual(['sentinel', 'my.yml']);
    expect(pipelineNames(splunk, ['windows', 'windows'])).toEqual(['windows']);
  });

  test('elastic -p ecs-windows maps once', async () => {
    const { text } = await convert('elastic', { pipelines: ['ecs-windows'] });
    expect(text).toContain('process.executable');
    expect(text).not.toMatch(/winlog\.event_data\.winlog|process\.executable\.|\.process\.executable/);
    expect(text).toBe((await convert('elastic', {})).text);
  });

  test('sentinel -p sentinel-windows puts Sysmon names in EventData, not Defender columns', async () => {
    const { text } = await convert('sentinel', { pipelines: ['sentinel-windows'] });
    expect(text).toBe(
      'WindowsEvent\n| where Channel =~ "Microsoft-Windows-Sysmon/Operational" and EventID == 1 and tostring(EventData.Image) endswith @"\\cmd.exe"\n',
    );
  });

  test('splunk -p windows (no defaults to replace)', async () => {
    const { text } = await convert('splunk', { pipelines: ['windows'] });
    expect(text).toBe(
      'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\cmd.exe"\n',
    );
  });
});
