/**
 * Built-in pipelines, in pySigma's format, built from data/windows.json (sources and caveats in
 * NOTES.md section 4) by the shared entry-table generator (backends/common/logsource-table.ts):
 * a `field_name_mapping` (EventID -> EventCode) for every rule, then the `add_condition` (source)
 * of the one entry the rule's logsource picks (the most specific; the first listed among equals).
 */
import type { PipelineSpec } from '../../src/pipeline/types.js';
import { backendData } from '../common/files.js';
import { entryTablePipeline, type LogsourceEntry } from '../common/logsource-table.js';

interface WindowsEntry extends LogsourceEntry {
  readonly source: string | readonly string[];
  readonly conditions?: Readonly<Record<string, unknown>>;
}
interface WindowsData {
  readonly name: string;
  readonly description: string;
  readonly sources: readonly WindowsEntry[];
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The Windows pipeline. `xml` writes every channel's source as `XmlWinEventLog:<channel>` (for
 * forwarder inputs with `renderXml = true`); by default only Sysmon uses the Xml prefix, as in
 * pySigma's Splunk Windows pipeline.
 */
export function windowsPipeline(xml = false): PipelineSpec {
  const d = backendData<WindowsData>('splunk', 'windows.json');
  const src = (s: string): string => (xml ? s.replace(/^WinEventLog:/, 'XmlWinEventLog:') : s);
  return entryTablePipeline<WindowsEntry>({
    name: xml ? 'windows-xml' : 'windows',
    stateKey: 'splunk.entry',
    before: [{ id: 'splunk_windows_field_mapping', type: 'field_name_mapping', mapping: { ...d.fields } }],
    rows: d.sources.map((entry) => ({ group: 'windows', entry })),
    items: ({ entry: e }) => [
      {
        type: 'add_condition',
        conditions: {
          source: typeof e.source === 'string' ? src(e.source) : e.source.map(src),
          ...(e.conditions ?? {}),
        },
      },
    ],
  });
}
