/**
 * `-p splunk-cim` with `-f data-model`: rules as tstats searches of the CIM data models, evaluated
 * with the SPL interpreter (test/support/eval-spl.ts, tstats part) on data model rows written from
 * the Splunk CIM reference (the rows cite it; they are not made from data/cim.json).
 */
import { splunkBackend } from '../../../backends/splunk/index.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { PROCESS_CREATION, ruleText } from '../../support/convert.js';
import { evalSpl } from '../../support/eval-spl.js';

const indent = (d: string) =>
  d
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');

function convert(detection: string, format = 'data-model', logsource = PROCESS_CREATION) {
  return convertLoaded(
    loadRuleFromText(ruleText(indent(detection), { logsource }), 'r.yml'),
    splunkBackend,
    [resolvePipeline('splunk-cim', splunkBackend)],
    { format },
  );
}

/*
 * Endpoint.Processes rows, field names and value formats from the Splunk CIM reference, Endpoint
 * data model (docs.splunk.com/Documentation/CIM/latest/User/Endpoint, "Processes" dataset):
 * process ("The full command string of the spawned process"), process_name ("The name of the
 * executable, such as notepad.exe", the path stripped), process_path ("The file path of the
 * process, such as C:\Windows\System32\notepad.exe"), parent_process_path, parent_process,
 * dest ("The endpoint for which the process was spawned"), user. tstats names them
 * `Processes.<field>`.
 */
const WHOAMI = {
  'Processes.dest': 'WKS-01',
  'Processes.user': 'CORP\\alice',
  'Processes.process_name': 'whoami.exe',
  'Processes.process_path': 'C:\\Windows\\System32\\whoami.exe',
  'Processes.process': 'whoami.exe /all',
  'Processes.parent_process_name': 'cmd.exe',
  'Processes.parent_process_path': 'C:\\Windows\\System32\\cmd.exe',
  'Processes.parent_process': 'cmd.exe /c whoami.exe /all',
};
const NOTEPAD = {
  'Processes.dest': 'WKS-02',
  'Processes.process_name': 'notepad.exe',
  'Processes.process_path': 'C:\\Windows\\System32\\notepad.exe',
  'Processes.process': 'notepad.exe C:\\notes.txt',
};
// A row of a source that reports no parent and no dest (fields the data model leaves null).
const ORPHAN = {
  'Processes.process_name': 'whoami.exe',
  'Processes.process_path': 'C:\\Windows\\System32\\whoami.exe',
  'Processes.process': 'WHOAMI.EXE /ALL',
};

test('a process_creation rule becomes a tstats search of Endpoint.Processes, exact', () => {
  const r = convert("sel:\n  Image|endswith: '\\whoami.exe'\n  CommandLine|contains: '/all'\ncondition: sel");
  expect(r.status).toBe('exact');
  expect(r.queries).toEqual([
    '| tstats summariesonly=false allow_old_summaries=true fillnull_value="sigmantic:null" count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where Processes.process_path="*\\\\whoami.exe" Processes.process="*/all*" by Processes.dest | rename Processes.* as *',
  ]);
  expect(evalSpl(r.queries[0], WHOAMI)).toBe(true);
  expect(evalSpl(r.queries[0], NOTEPAD)).toBe(false);
  // Case-insensitive (search semantics of the tstats where clause), and no dest: filled, not dropped.
  expect(evalSpl(r.queries[0], ORPHAN)).toBe(true);
});

test('what a search term cannot say is tested after tstats on grouped fields, nulls kept', () => {
  const r = convert(
    "sel:\n  CommandLine|re: 'whoami\\.exe\\s+/all'\nfilter:\n  ParentImage|endswith: '\\explorer.exe'\ncondition: sel and not filter",
  );
  expect(r.status).toBe('exact');
  const q = r.queries[0];
  expect(q.startsWith('| tstats ')).toBe(true);
  expect(q).toContain(
    'by Processes.dest Processes.process | rename Processes.* as * | eval process=nullif(process, "sigmantic:null") | where ',
  );
  expect(evalSpl(q, WHOAMI)).toBe(true);
  expect(evalSpl(q, NOTEPAD)).toBe(false);
  // No parent process: `not filter` holds, and the regex is case-sensitive as Sigma's |re.
  expect(evalSpl(q, { ...ORPHAN, 'Processes.process': 'whoami.exe  /all' })).toBe(true);
  expect(evalSpl(q, ORPHAN)).toBe(false);
  expect(evalSpl(q, { ...WHOAMI, 'Processes.parent_process_path': 'C:\\Windows\\explorer.exe' })).toBe(false);
});

test('|cased goes to the residual where and keeps its case', () => {
  const r = convert("sel:\n  CommandLine|cased|contains: 'WHOAMI'\ncondition: sel");
  expect(r.status).toBe('exact');
  expect(evalSpl(r.queries[0], ORPHAN)).toBe(true);
  expect(evalSpl(r.queries[0], WHOAMI)).toBe(false);
});

test('a field the dataset lacks is refused with the reason', () => {
  const r = convert("sel:\n  Hashes|contains: 'IMPHASH=ABC'\ncondition: sel");
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(
    /field 'Hashes' has no CIM field in Endpoint\.Processes: .*process_hash/,
  );
  const other = convert("sel:\n  Provider_Name: 'x'\ncondition: sel");
  expect(other.status).toBe('unsupported');
  expect(other.diagnostics[0].message).toContain('no CIM field in Endpoint.Processes');
});

test('keywords are refused in the data-model form (no raw text in a summary)', () => {
  const r = convert("keywords:\n  - 'whoami'\ncondition: keywords");
  expect(r.status).toBe('unsupported');
});

test('a log source with no CIM dataset is refused', () => {
  const r = convert(
    "sel:\n  ScriptBlockText|contains: 'x'\ncondition: sel",
    'data-model',
    '  product: windows\n  category: ps_script',
  );
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics[0].message).toContain('no CIM data model dataset for this log source');
});

test('data-model without the splunk-cim pipeline is an error', () => {
  const r = convertLoaded(
    loadRuleFromText(ruleText(indent('sel:\n  Image: x\ncondition: sel')), 'r.yml'),
    splunkBackend,
    [],
    { format: 'data-model' },
  );
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics[0].code).toBe('unmapped-logsource');
});

test('the default format keeps a plain search with the CIM field names', () => {
  const r = convert("sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel", 'default');
  expect(r.queries).toEqual(['process_path="*\\\\whoami.exe"']);
});

test('other datasets: Filesystem, Network_Traffic, Network_Resolution', () => {
  const file = convert(
    "sel:\n  TargetFilename|endswith: '.lnk'\ncondition: sel",
    'data-model',
    '  product: windows\n  category: file_event',
  );
  expect(file.queries[0]).toContain(
    'from datamodel=Endpoint.Filesystem where Filesystem.file_path="*.lnk" by Filesystem.dest',
  );
  // Endpoint.Filesystem row (CIM reference, Filesystem: file_path "The full path of the file", file_name).
  expect(
    evalSpl(file.queries[0], {
      'Filesystem.file_path': 'C:\\Users\\a\\x.LNK',
      'Filesystem.file_name': 'x.LNK',
    }),
  ).toBe(true);
  const net = convert(
    'sel:\n  DestinationPort: 4444\ncondition: sel',
    'data-model',
    '  product: windows\n  category: network_connection',
  );
  expect(net.queries[0]).toContain(
    'from datamodel=Network_Traffic.All_Traffic where All_Traffic.dest_port=4444',
  );
  // Network_Traffic row (CIM reference, Network_Traffic: dest_port "The destination port of the network traffic").
  expect(evalSpl(net.queries[0], { 'All_Traffic.dest_port': 4444, 'All_Traffic.dest': '10.0.0.5' })).toBe(
    true,
  );
  const dns = convert(
    "sel:\n  QueryName|endswith: '.onion'\ncondition: sel",
    'data-model',
    '  product: windows\n  category: dns_query',
  );
  expect(dns.queries[0]).toContain(
    'from datamodel=Network_Resolution.DNS where DNS.query="*.onion" by DNS.src',
  );
  // Network_Resolution row (CIM reference, Network_Resolution: query "The domain which needs to be resolved").
  expect(evalSpl(dns.queries[0], { 'DNS.query': 'abc.onion', 'DNS.src': '10.0.0.9' })).toBe(true);
});

test('the savedsearches variant holds the tstats search', () => {
  const r = convert("sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel", 'data-model-savedsearches');
  const text = splunkBackend.formats['data-model-savedsearches'].rule(r, {});
  expect(text).toMatch(/^search = \| tstats summariesonly=false /m);
});
