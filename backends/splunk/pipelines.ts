/**
 * Built-in pipelines, in pySigma's format, built from data/windows.json (sources and caveats in
 * NOTES.md section 4): one `add_condition` per log source entry, limited to it by a `logsource`
 * rule condition, and a `field_name_mapping` (EventID -> EventCode).
 */
import type { PipelineSpec } from '../../src/pipeline/types.js';
import { readRepoFile } from './files.js';

interface WindowsEntry {
  readonly logsource: Readonly<Record<string, string>>;
  readonly source: string | readonly string[];
  readonly conditions?: Readonly<Record<string, unknown>>;
}
interface WindowsData {
  readonly name: string;
  readonly description: string;
  readonly sources: readonly WindowsEntry[];
  readonly fields: Readonly<Record<string, string>>;
}

let data: WindowsData | undefined;
function windowsData(): WindowsData {
  data ??= JSON.parse(readRepoFile('backends/splunk/data/windows.json')) as WindowsData;
  return data;
}

/**
 * The Windows pipeline. `xml` writes every channel's source as `XmlWinEventLog:<channel>` (for
 * forwarder inputs with `renderXml = true`); by default only Sysmon uses the Xml prefix, as in
 * pySigma's Splunk Windows pipeline.
 */
export function windowsPipeline(xml = false): PipelineSpec {
  const d = windowsData();
  const src = (s: string): string => (xml ? s.replace(/^WinEventLog:/, 'XmlWinEventLog:') : s);
  const transformations: unknown[] = [
    { id: 'splunk_windows_field_mapping', type: 'field_name_mapping', mapping: { ...d.fields } },
  ];
  d.sources.forEach((e, i) => {
    const source = typeof e.source === 'string' ? src(e.source) : e.source.map(src);
    const name = Object.values(e.logsource).join('_');
    transformations.push({
      id: `splunk_windows_source_${name || i}`,
      type: 'add_condition',
      conditions: { source, ...(e.conditions ?? {}) },
      rule_conditions: [{ type: 'logsource', ...e.logsource }],
    });
  });
  return {
    name: xml ? 'windows-xml' : 'windows',
    priority: 20,
    vars: {},
    transformations,
    source: xml ? 'builtin:windows-xml' : 'builtin:windows',
  };
}
