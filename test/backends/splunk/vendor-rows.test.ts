/**
 * The Splunk Windows pipelines held against events as Splunk stores them (issue 12, "make the
 * data side testable"): for every log-source entry of backends/splunk/data/windows.json, a rule
 * for that log source and a few events in the Splunk add-ons' schema (source
 * `WinEventLog:<channel>` / `XmlWinEventLog:<channel>`, sourcetype, `EventCode`, EventData
 * fields under their XML names), written from the vendor documents cited in each fixture
 * (test/fixtures/vendor-rows/splunk/*.json), with whether the rule must fire. The query is run
 * with the SPL test interpreter (test/support/eval-spl.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { splunkBackend } from '../../../backends/splunk/index.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { evalSpl } from '../../support/eval-spl.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const DIR = `${ROOT}test/fixtures/vendor-rows/splunk`;

interface Row {
  readonly channel: string;
  readonly EventCode: number;
  readonly fields: Readonly<Record<string, string>>;
  readonly fires: boolean;
  readonly why: string;
}
interface Fixture {
  readonly logsource: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  /** How the `windows` pipeline expects this channel to be collected (Sysmon: XML). */
  readonly windowsRendering: 'classic' | 'xml';
  readonly detection: Readonly<Record<string, unknown>>;
  readonly rows: readonly Row[];
}
interface Entry {
  readonly logsource: Readonly<Record<string, string>>;
}

const entries = (
  JSON.parse(readFileSync(`${ROOT}backends/splunk/data/windows.json`, 'utf8')) as { sources: Entry[] }
).sources;
const fileOf = (ls: Readonly<Record<string, string>>): string =>
  `${ls.product}_${ls.category ?? ls.service}.json`;

function fixture(e: Entry): Fixture | undefined {
  try {
    return JSON.parse(readFileSync(`${DIR}/${fileOf(e.logsource)}`, 'utf8')) as Fixture;
  } catch {
    return undefined;
  }
}

/** An event as the add-on indexes it: XmlWinEventLog or WinEventLog source and sourcetype. */
function event(row: Row, rendering: 'classic' | 'xml'): Record<string, unknown> {
  const prefix = rendering === 'xml' ? 'XmlWinEventLog' : 'WinEventLog';
  return {
    source: `${prefix}:${row.channel}`,
    sourcetype: prefix,
    EventCode: String(row.EventCode),
    ...row.fields,
  };
}

function query(f: Fixture, pipeline: string): string {
  const yaml = `title: t\nlogsource: ${JSON.stringify(f.logsource)}\ndetection: ${JSON.stringify(f.detection)}\n`;
  const r = convertLoaded(loadRuleFromText(yaml, 't.yml'), splunkBackend, [
    resolvePipeline(pipeline, splunkBackend),
  ]);
  expect(r.diagnostics).toEqual([]);
  expect(r.status).toBe('exact');
  return r.queries[0];
}

/** Rules that test an EventData field: classic (non-XML) events name fields after the message text. */
const testsDataFields = (f: Fixture): boolean =>
  Object.keys((f.detection.sel ?? {}) as object).some((k) => !/^EventID$/.test(k));

describe('splunk windows pipelines on events in the add-ons schema', () => {
  test('every entry of windows.json has a fixture with rows that fire and rows that do not', () => {
    const missing = entries.filter((e) => {
      const f = fixture(e);
      return !f || !f.rows.some((r) => r.fires) || !f.rows.some((r) => !r.fires) || f.sources.length === 0;
    });
    expect(missing.map((e) => fileOf(e.logsource))).toEqual([]);
    // ... and no fixture is left without an entry.
    const names = new Set(entries.map((e) => fileOf(e.logsource)));
    expect(readdirSync(DIR).filter((n) => !names.has(n))).toEqual([]);
  });

  test.each(entries.map((e) => [fileOf(e.logsource), e] as const))('%s', (_name, e) => {
    const f = fixture(e)!;
    // windows-xml: every channel collected with renderXml = true.
    const xml = query(f, 'windows-xml');
    for (const row of f.rows)
      expect([row.why, evalSpl(xml, event(row, 'xml'))]).toEqual([row.why, row.fires]);
    // windows: Sysmon as XML, the other channels classic. Classic events carry the message's
    // field names, not the XML Data names Sigma uses (NOTES section 4): only EventID rules there.
    if (f.windowsRendering === 'xml' || !testsDataFields(f)) {
      const q = query(f, 'windows');
      for (const row of f.rows)
        expect([row.why, evalSpl(q, event(row, f.windowsRendering))]).toEqual([row.why, row.fires]);
    }
  });
});
