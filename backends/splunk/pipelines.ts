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

interface CimEntry extends LogsourceEntry {
  readonly dataset: string;
  /** Set when the dataset holds more kinds of event than the log source: what widens. */
  readonly wider?: string;
  /** The name of the requirement (data/cim.json `requires`) a rule must meet for the dataset. */
  readonly requires?: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly unmapped?: Readonly<Record<string, string>>;
}
export interface CimDataset {
  /** The dataset's field prefix inside tstats (`Processes` for Endpoint.Processes). */
  readonly prefix: string;
  /** Fields every tstats query of the dataset groups by. */
  readonly by: readonly string[];
  /** The dataset's CIM fields (the CIM reference's field table). */
  readonly cimFields: readonly string[];
  /** CIM fields whose values CIM stores in another form than Sysmon (cim-values.ts). */
  readonly values?: Readonly<Record<string, CimValueKind>>;
  /**
   * CIM fields the data model fills with `unknown` where the event has none, or one of the
   * listed values (the empty string; `-` where the add-on drops it first): cim-values.ts.
   */
  readonly fillnull?: Readonly<Record<string, readonly string[]>>;
  /** The value the data model fills a `fillnull` field with, where not `unknown` (0 for ports). */
  readonly fillValue?: Readonly<Record<string, string>>;
}
/** The value translations of cim-values.ts. */
export type CimValueKind =
  'lowercase' | 'nonempty' | 'registry-hive' | 'sysmon-hashes' | 'sysmon-registry-data' | 'uri-query';
/**
 * A dataset that holds only some of the log source's events (data/cim.json `requires`, in CIM
 * field names): a rule converts only when its condition itself keeps to those events.
 */
export interface CimRequirement {
  /** The rule must require this field to be one of `values` (plain values, compared as text). */
  readonly field: string;
  readonly values: readonly string[];
  /** What the dataset holds, for the refusal. */
  readonly reason: string;
  /**
   * For a plain search of the events (the default format): the values for which the entry's
   * field mapping holds, and why (the data model's constraints do not apply there).
   */
  readonly searchValues?: readonly string[];
  readonly searchReason?: string;
  /** The rule's (Sigma) names of the CIM fields named here, for the messages. */
  readonly names?: Readonly<Record<string, string>>;
  /**
   * The data model leaves out successes whose `field` ends with `$`: the rule must exclude
   * such values, or require only the `failureOnly` values of the requirement's field.
   */
  readonly success?: {
    readonly field: string;
    readonly failureOnly: readonly string[];
    readonly reason: string;
  };
  /** A mapped CIM field that holds the rule's field only for some of the values. */
  readonly onlyFor?: Readonly<
    Record<string, { readonly values: readonly string[]; readonly reason: string }>
  >;
}
interface CimData {
  readonly datasets: Readonly<Record<string, CimDataset>>;
  readonly entries: readonly CimEntry[];
  readonly requires?: Readonly<Record<string, CimRequirement>>;
}

/** State key: the CIM `<model>.<dataset>` the splunk-cim pipeline chose for the rule. */
export const CIM_STATE = 'splunk.cim';
/** State key: why the dataset is wider than the rule's log source (an approximation), if it is. */
export const CIM_WIDER_STATE = 'splunk.cim.wider';
/** State key: the name of the requirement (data/cim.json `requires`) the rule must meet, if any. */
export const CIM_REQUIRES_STATE = 'splunk.cim.requires';

/** data/cim.json's datasets (sources: data/SOURCES.md). */
export function cimDatasets(): Readonly<Record<string, CimDataset>> {
  return backendData<CimData>('splunk', 'cim.json').datasets;
}

/** data/cim.json's requirements, by name. */
export function cimRequirements(): Readonly<Record<string, CimRequirement>> {
  return backendData<CimData>('splunk', 'cim.json').requires ?? {};
}

/**
 * `splunk-cim`: Sigma's Sysmon/Windows fields to the CIM fields of one data model dataset per log
 * source (data/cim.json). Fields the dataset lacks are refused with the reason (`unmapped`), and
 * any other field not in the entry's mapping too; a log source with no dataset is refused.
 */
export function cimPipeline(): PipelineSpec {
  const d = backendData<CimData>('splunk', 'cim.json');
  const categories = d.entries.map((e) => e.logsource.category ?? e.logsource.service).join(', ');
  return entryTablePipeline<CimEntry>({
    name: 'splunk-cim',
    stateKey: 'splunk.entry',
    rows: d.entries.map((entry) => ({ group: 'splunk-cim', entry })),
    items: ({ entry: e }) => [
      { type: 'set_state', key: CIM_STATE, val: e.dataset },
      ...(e.wider === undefined ? [] : [{ type: 'set_state', key: CIM_WIDER_STATE, val: e.wider }]),
      ...(e.requires === undefined ? [] : [{ type: 'set_state', key: CIM_REQUIRES_STATE, val: e.requires }]),
      ...Object.entries(e.unmapped ?? {}).map(([f, reason]) => ({
        type: 'detection_item_failure',
        message: `field '${f}' has no CIM field in ${e.dataset}: ${reason}`,
        field_name_conditions: [{ type: 'include_fields', fields: [f] }],
      })),
      {
        type: 'detection_item_failure',
        message: `no CIM field in ${e.dataset} for this field or keyword (splunk-cim maps ${Object.keys(e.fields).join(', ')})`,
        field_name_conditions: [{ type: 'exclude_fields', fields: Object.keys(e.fields) }],
      },
      { type: 'field_name_mapping', mapping: { ...e.fields } },
    ],
    unmatched: [
      {
        type: 'rule_failure',
        message: `no CIM data model dataset for this log source (splunk-cim maps windows ${categories})`,
      },
    ],
  });
}
