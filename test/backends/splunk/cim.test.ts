/**
 * `-p splunk-cim` with `-f data-model`: rules as tstats searches of the CIM data models, evaluated
 * with the SPL interpreter (test/support/eval-spl.ts, tstats part) on data model rows written from
 * the Splunk CIM reference (the rows cite it; they are not made from data/cim.json).
 */
import { splunkBackend } from '../../../backends/splunk/index.js';
import {
  convertCorrelationLoaded,
  convertLoaded,
  loadRuleFromText,
  loadRulesFromText,
} from '../../../src/convert.js';
import { link } from '../../../src/correlation/link.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { PROCESS_CREATION, ruleText } from '../../support/convert.js';
import { evalSpl } from '../../support/eval-spl.js';
import { verdicts, type Row, type Variant } from '../../support/vendor-rows.js';

/** Whether a search matches a data model row. */
const on =
  (q: string) =>
  (row: Row): boolean =>
    evalSpl(q, row);

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
  const rows: Variant[] = [
    [WHOAMI, true],
    [NOTEPAD, false],
    // Case-insensitive (search semantics of the tstats where clause), and no dest: filled, not dropped.
    [ORPHAN, true],
  ];
  expect(verdicts(on(r.queries[0]), {}, rows)).toEqual(rows);
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
  const rows: Variant[] = [
    [WHOAMI, true],
    [NOTEPAD, false],
    // No parent process: `not filter` holds, and the regex is case-sensitive as Sigma's |re.
    [{ ...ORPHAN, 'Processes.process': 'whoami.exe  /all' }, true],
    [ORPHAN, false],
    [{ ...WHOAMI, 'Processes.parent_process_path': 'C:\\Windows\\explorer.exe' }, false],
  ];
  expect(verdicts(on(q), {}, rows)).toEqual(rows);
});

test('|cased goes to the residual where and keeps its case', () => {
  const r = convert("sel:\n  CommandLine|cased|contains: 'WHOAMI'\ncondition: sel");
  expect(r.status).toBe('exact');
  const rows: Variant[] = [
    [ORPHAN, true],
    [WHOAMI, false],
  ];
  expect(verdicts(on(r.queries[0]), {}, rows)).toEqual(rows);
});

test('a field the dataset lacks is refused with the reason', () => {
  const r = convert("sel:\n  Description: 'Windows Command Processor'\ncondition: sel");
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(
    /field 'Description' has no CIM field in Endpoint\.Processes: .*PE version information/,
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

/*
 * process_hash. The Sysmon add-on has filled it in two forms, by version (splunk/TA-microsoft-sysmon,
 * pull request #50: "switches from a single string value (e.g. MD5=xxxxxx,SHA256=xxxxxx,IMPHASH=xxxxxx)
 * to a multi-value with the prefixes removed"; issue #39: process_hash mapped to the multivalue
 * `hashes` field, "We have tried it both ways in the past"). Rows in both forms; a multivalue
 * field matches a search term when one of its values does, so the digest-form row holds the one
 * digest the rule names.
 */
const IMPHASH = '1B1A3F43BF37B5BFE60751F2EE2F326E';
const SHA256 = '0F0FD4B9DFD555E4A53AE9070447E330EAAF96FF51F012CD982157DEDFDDD9A6';
const HASH_STRING_ROW = {
  ...NOTEPAD,
  'Processes.process_hash': `MD5=FB82EE2318700D2A1CF497636A9B4710,SHA256=${SHA256},IMPHASH=${IMPHASH}`,
};
const HASH_DIGEST_ROW = { ...NOTEPAD, 'Processes.process_hash': IMPHASH };
const OTHER_HASH_ROW = { ...NOTEPAD, 'Processes.process_hash': 'MD5=09D278F9DE118EF09163C6140255C690' };

test('Hashes is tested as a process_hash digest in both add-on forms, labelled approximate', () => {
  const r = convert(
    `sel:\n  Hashes|contains:\n    - 'IMPHASH=${IMPHASH}'\n    - 'SHA256=${SHA256.toLowerCase()}'\ncondition: sel`,
  );
  expect(r.status).toBe('approximate');
  const warning = r.diagnostics.find((d) => d.code === 'approximation');
  expect(warning?.message).toMatch(/process_hash containing the digest.*by version/);
  expect(r.queries[0]).toContain(
    `where Processes.process_hash IN ("*${IMPHASH}*", "*${SHA256.toLowerCase()}*")`,
  );
  const rows: Variant[] = [
    [HASH_STRING_ROW, true],
    [HASH_DIGEST_ROW, true],
    [OTHER_HASH_ROW, false],
    [NOTEPAD, false],
  ];
  expect(verdicts(on(r.queries[0]), {}, rows)).toEqual(rows);
});

test('under not, a Hashes test is dropped (the query widens), and a hash that is not a digest is refused', () => {
  const r = convert(
    `sel:\n  Image|endswith: '\\notepad.exe'\nfilter:\n  Hashes|contains: 'IMPHASH=${IMPHASH}'\ncondition: sel and not filter`,
  );
  expect(r.status).toBe('approximate');
  expect(r.diagnostics.find((d) => d.code === 'approximation')?.direction).toEqual('narrower');
  // The rule excludes this row; the query cannot tell the algorithm, so it keeps it (more, never fewer).
  const rows: Variant[] = [
    [HASH_STRING_ROW, true],
    [WHOAMI, false],
  ];
  expect(verdicts(on(r.queries[0]), {}, rows)).toEqual(rows);
  const bad = convert("sel:\n  Hashes: 'SHA1=ABC,MD5=DEF'\ncondition: sel");
  expect(bad.status).toBe('unsupported');
  expect(bad.diagnostics[0].message).toContain('can only be tested for a digest');
});

/*
 * Endpoint.Registry rows. Field names: the Splunk CIM reference, Endpoint data model, "Registry"
 * dataset (docs.splunk.com/Documentation/CIM/latest/User/Endpoint), as Splunk's own detections
 * group by them (github.com/splunk/security_content, detections/endpoint/*.yml: registry_path,
 * registry_key_name, registry_value_name, registry_value_data, dest, user, process_guid, ...).
 * Values: Splunk's detection "Windows DisableAntiSpyware Registry" (security_content,
 * detections/endpoint/windows_disableantispyware_registry.yml; data source "Splunk Add-on for
 * Sysmon", splunkbase 5709) tests `Registry.registry_value_data="0x00000001"`: the data model
 * holds a DWORD as `0x00000001`, where Sysmon's Details writes `DWORD (0x00000001)`
 * (learn.microsoft.com/sysinternals/downloads/sysmon, event ID 13). The hive: Sysmon writes
 * `HKLM\...` (event ID 13 TargetObject); the registry's own name of the key is
 * `HKEY_LOCAL_MACHINE` (learn.microsoft.com/windows/win32/sysinfo/predefined-keys), and the
 * Security log's event 4657 writes `\REGISTRY\MACHINE\...` (learn.microsoft.com/
 * windows/security/threat-protection/auditing/event-4657, Object Name).
 */
const REGISTRY = '  product: windows\n  category: registry_set';
const SPYWARE_KEY = 'SOFTWARE\\Policies\\Microsoft\\Windows Defender\\DisableAntiSpyware';
const SPYWARE = {
  'Registry.dest': 'WKS-01',
  'Registry.registry_path': `HKLM\\${SPYWARE_KEY}`,
  'Registry.registry_key_name': 'Windows Defender',
  'Registry.registry_value_name': 'DisableAntiSpyware',
  'Registry.registry_value_data': '0x00000001',
};

test('registry_set: hive spellings match exactly, the Sysmon DWORD form in both forms, labelled', () => {
  const r = convert(
    "sel:\n  TargetObject: 'HKLM\\" +
      SPYWARE_KEY.replace(/\\/g, '\\') +
      "'\n  Details: 'DWORD (0x00000001)'\ncondition: sel",
    'data-model',
    REGISTRY,
  );
  expect(r.status).toBe('approximate');
  const reasons = r.diagnostics.filter((d) => d.code === 'approximation').map((d) => d.reason);
  // The dataset holds every registry event (not only value sets); the DWORD form is tested in both.
  expect(reasons.sort()).toEqual(['cim-dataset', 'cim-value']);
  const q = r.queries[0];
  expect(q).toContain('from datamodel=Endpoint.Registry where Registry.registry_path IN (');
  expect(q).toContain('Registry.registry_value_data IN ("DWORD (0x00000001)", "0x00000001")');
  const rows: Variant[] = [
    [{}, true],
    [{ 'Registry.registry_path': `HKEY_LOCAL_MACHINE\\${SPYWARE_KEY}` }, true],
    [{ 'Registry.registry_path': `\\REGISTRY\\MACHINE\\${SPYWARE_KEY}` }, true],
    [{ 'Registry.registry_value_data': 'DWORD (0x00000001)' }, true],
    [{ 'Registry.registry_value_data': '0x00000000' }, false],
    [{ 'Registry.registry_path': `HKU\\${SPYWARE_KEY}` }, false],
  ];
  expect(verdicts(on(q), SPYWARE, rows)).toEqual(rows);
});

test("registry: a negated DWORD test narrows to Sysmon's form; Image is refused; registry_event is not widened", () => {
  const r = convert(
    "sel:\n  TargetObject|endswith: '\\DisableAntiSpyware'\nfilter:\n  Details: 'DWORD (0x00000000)'\ncondition: sel and not filter",
    'data-model',
    REGISTRY,
  );
  expect(r.status).toBe('approximate');
  expect(r.queries[0]).toContain('NOT Registry.registry_value_data="DWORD (0x00000000)"');
  // The rule excludes a DWORD 0 value; in the data model's form it is kept (more, never fewer).
  const rows: Variant[] = [
    [{ 'Registry.registry_value_data': '0x00000000' }, true],
    [{ 'Registry.registry_value_data': 'DWORD (0x00000000)' }, false],
  ];
  expect(verdicts(on(r.queries[0]), SPYWARE, rows)).toEqual(rows);
  const prefix = convert(
    "sel:\n  Details|startswith: 'DWORD (0x00000001)'\ncondition: sel",
    'data-model',
    REGISTRY,
  );
  expect(prefix.queries[0]).toContain(
    'Registry.registry_value_data IN ("DWORD (0x00000001)*", "0x00000001*")',
  );
  expect(evalSpl(prefix.queries[0], SPYWARE)).toBe(true);
  const image = convert("sel:\n  Image|endswith: '\\reg.exe'\ncondition: sel", 'data-model', REGISTRY);
  expect(image.status).toBe('unsupported');
  expect(image.diagnostics[0].message).toContain("field 'Image' has no CIM field in Endpoint.Registry");
  const event = convert(
    "sel:\n  TargetObject|contains: '\\CurrentVersion\\Run\\'\ncondition: sel",
    'data-model',
    '  product: windows\n  category: registry_event',
  );
  expect(event.status).toBe('exact');
  expect(
    evalSpl(event.queries[0], {
      'Registry.registry_path': 'HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x',
    }),
  ).toBe(true);
  const re = convert(
    "sel:\n  TargetObject|re: '^HKLM\\\\\\\\(Software|System)'\ncondition: sel",
    'data-model',
    REGISTRY,
  );
  expect(re.status).toBe('unsupported');
});

/*
 * Web rows: the Splunk CIM reference, Web data model (docs.splunk.com/Documentation/CIM/latest/User/Web):
 * http_method (the HTTP method of the request, GET, POST, ...), status (the HTTP response code,
 * 200, 404, ...), url (the URL of the requested resource), uri_path (the path of the resource),
 * uri_query (its query string), http_user_agent, src (the client), dest (the server). Whether
 * uri_query keeps the leading `?` is not fixed by the reference: a row in each form.
 */
const WEBSHELL = {
  'Web.dest': 'web-01',
  'Web.src': '203.0.113.9',
  'Web.http_method': 'POST',
  'Web.status': 200,
  'Web.uri_path': '/uploads/shell.aspx',
  'Web.uri_query': 'cmd=whoami',
  'Web.url': 'https://web-01/uploads/shell.aspx?cmd=whoami',
  'Web.http_user_agent': 'curl/8.4.0',
};

test('webserver and proxy rules become tstats searches of Web, exact', () => {
  const web = convert(
    "sel:\n  cs-method: 'POST'\n  cs-uri-stem|endswith: '.aspx'\n  cs-uri-query|startswith: 'cmd='\n  sc-status: 200\ncondition: sel",
    'data-model',
    '  category: webserver',
  );
  expect(web.status).toBe('exact');
  expect(web.queries[0]).toContain(
    'from datamodel=Web.Web where Web.http_method="POST" Web.uri_path="*.aspx"',
  );
  const webRows: Variant[] = [
    [{}, true],
    [{ 'Web.uri_query': '?cmd=whoami' }, true],
    [{ 'Web.uri_query': 'x=1&cmd=whoami' }, false],
    [{ 'Web.status': 404 }, false],
  ];
  expect(verdicts(on(web.queries[0]), WEBSHELL, webRows)).toEqual(webRows);
  const proxy = convert(
    "sel:\n  c-uri|contains: '/uploads/shell.aspx'\n  c-useragent|startswith: 'curl/'\ncondition: sel",
    'data-model',
    '  category: proxy',
  );
  expect(proxy.status).toBe('exact');
  const proxyRows: Variant[] = [
    [{}, true],
    [{ 'Web.http_user_agent': 'Mozilla/5.0' }, false],
  ];
  expect(verdicts(on(proxy.queries[0]), WEBSHELL, proxyRows)).toEqual(proxyRows);
  const host = convert("sel:\n  cs-host: 'evil.example'\ncondition: sel", 'data-model', '  category: proxy');
  expect(host.status).toBe('unsupported');
  expect(host.diagnostics[0].message).toContain("field 'cs-host' has no CIM field in Web.Web");
});

test('a correlation of splunk-cim rules gets the same value forms', () => {
  const text = [
    'title: hashes\nid: 33333333-3333-4333-8333-333333333333\nname: hashes\nlogsource:',
    PROCESS_CREATION,
    `detection:\n  sel:\n    Hashes|contains: 'IMPHASH=${IMPHASH}'\n  condition: sel\nlevel: high\n---`,
    'title: c\nid: 44444444-4444-4444-8444-444444444444\nlevel: high\ncorrelation:\n  type: event_count\n  rules: [hashes]',
    '  group-by: [Computer]\n  timespan: 1h\n  condition:\n    gte: 3\n',
  ].join('\n');
  const linked = link(loadRulesFromText(text, 'c.yml').rules);
  const doc = linked.documents.find((d) => d.correlation)!;
  const r = convertCorrelationLoaded(
    doc,
    linked.index,
    splunkBackend,
    [resolvePipeline('splunk-cim', splunkBackend)],
    {},
  );
  expect(r.status).toBe('approximate');
  expect(r.queries[0]).toContain(`process_hash="*${IMPHASH}*"`);
});

/*
 * Authentication (windows / security). Rows in the Authentication data model as it holds Windows
 * Security events, written from the vendors' sources, not from data/cim.json:
 * - Field names and the data model's own calculations: Splunk_SA_CIM
 *   default/data/models/Authentication.json (mirror github.com/aplura/splunk-sa-cim, commit
 *   733c1a28490d0bacea4d92ca18f87b43bbe9cf57): signature_id "The unique identifier or event code
 *   of the event signature", process "Full path and the name of the executable for the process
 *   that attempted the logon"; the calculations Authentication_fillnull_user / _src_user / _dest
 *   `if(isnull(user) OR user="","unknown",user)`; the dataset's constraint `tag=authentication
 *   NOT (action=success user=*$)`.
 * - Values: the Splunk Add-on for Microsoft Windows 8.4.0 (Splunk_TA_windows, default/props.conf
 *   and transforms.conf, as vendored in github.com/JohnnyMirza/confluent_splunk_demo at commit
 *   d3a9bc0dd117cc191dad5b3bf3d3cb9e2c282ffd), [source::XmlWinEventLog:Security]:
 *   `EVAL-signature_id = ... EventCode` (EventCode = EventID), `REPORT-user_for_windows_security
 *   = ...,Target_User_Name_as_user,...` (user = TargetUserName as written, REGEX `(.+)`),
 *   `REPORT-src_user_for_windows_security = Caller_User_Name_as_src_user,...` (SubjectUserName,
 *   REGEX `(?!^-$)(.+)`: a `-` is dropped), `REPORT-dest_for_windows_security =
 *   Target_Server_Name_as_dest,Computer_as_dest` (dest = the event's <Computer>),
 *   `EXTRACT-process_for_windows_security_from_xml` (process = ProcessName).
 * - The event: Splunk's data source "Windows Event Log Security 4624" (github.com/splunk/
 *   security_content, data_sources/windows_event_log_security_4624.yml, example_log, add-on
 *   8.9.0): TargetUserName ELMER_SALAS, Computer ar-win-7.attackrange.local, ProcessName `-`,
 *   SubjectUserName `-`.
 */
describe('Authentication data model: windows security logons', () => {
  const SECURITY = '  product: windows\n  service: security';
  const auth = (detection: string, format = 'data-model') => convert(detection, format, SECURITY);
  // 4624 of the data source above, as the data model holds it.
  const LOGON = {
    'Authentication.signature_id': '4624',
    'Authentication.action': 'success',
    'Authentication.user': 'ELMER_SALAS',
    'Authentication.src_user': 'unknown', // SubjectUserName '-': dropped by the add-on, filled by the model
    'Authentication.dest': 'ar-win-7.attackrange.local',
    'Authentication.process': '-',
  };
  // The same 4624 with a named subject and a process: SubjectUserName and ProcessName as
  // Microsoft describes them (event-4624, learn.microsoft.com/previous-versions/windows/it-pro/
  // windows-10/security/threat-protection/auditing/event-4624: ProcessName "full path and the
  // name of the executable"); the values are ours.
  const SVC = {
    ...LOGON,
    'Authentication.user': 'svc_backup',
    'Authentication.src_user': 'WIN-GG82ULGC9GO$',
    'Authentication.process': 'C:\\Windows\\System32\\svchost.exe',
  };

  test('EventID, TargetUserName, Computer and ProcessName map exactly to signature_id, user, dest, process', () => {
    const r = auth(
      "sel:\n  EventID: 4624\n  TargetUserName: 'ELMER_SALAS'\n  Computer|endswith: '.attackrange.local'\ncondition: sel",
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain(
      'from datamodel=Authentication.Authentication where Authentication.signature_id=4624 Authentication.user="ELMER_SALAS" Authentication.dest="*.attackrange.local" by Authentication.dest',
    );
    expect(evalSpl(r.queries[0], LOGON)).toBe(true);
    expect(evalSpl(r.queries[0], { ...LOGON, 'Authentication.signature_id': '4648' })).toBe(false);
    expect(evalSpl(r.queries[0], SVC)).toBe(false);
    const p = auth(
      "sel:\n  EventID: 4624\n  TargetUserName: 'svc_backup'\n  ProcessName|endswith: '\\svchost.exe'\ncondition: sel",
    );
    expect(p.status).toBe('exact');
    expect(evalSpl(p.queries[0], SVC)).toBe(true);
    expect(evalSpl(p.queries[0], { ...SVC, 'Authentication.process': '-' })).toBe(false);
  });

  test('a rule that could match an event the data model does not hold is refused, with the reason', () => {
    // No EventID: the log source holds every Security event.
    const none = auth("sel:\n  TargetUserName: 'svc_backup'\ncondition: sel");
    expect(none.status).toBe('unsupported');
    expect(none.diagnostics[0].message).toContain('holds only the Windows Security events');
    // 4625: its eventtype leaves out failed logons with Status 0xC0000133 or 0xC0000225.
    const failed = auth("sel:\n  EventID: 4625\n  TargetUserName: 'AAAAAAA'\ncondition: sel");
    expect(failed.status).toBe('unsupported');
    expect(failed.diagnostics[0].message).toMatch(/not 4625.*0xC0000133/);
    // A success of any account: the model leaves out those of accounts ending with $.
    const any = auth("sel:\n  EventID: 4624\n  ProcessName|endswith: '\\svchost.exe'\ncondition: sel");
    expect(any.status).toBe('unsupported');
    expect(any.diagnostics[0].message).toContain('NOT (action=success user=*$)');
    const prefix = auth("sel:\n  EventID: 4624\n  TargetUserName|startswith: 'Admin'\ncondition: sel");
    expect(prefix.status).toBe('unsupported');
    // 4648: dest is TargetServerName there, not Computer.
    const explicit = auth(
      "sel:\n  EventID: 4648\n  TargetUserName: 'svc_backup'\n  Computer: 'ar-win-7.attackrange.local'\ncondition: sel",
    );
    expect(explicit.status).toBe('unsupported');
    expect(explicit.diagnostics[0].message).toContain('TargetServerName');
    // Fields the data model does not hold, named with the reason.
    const logonType = auth('sel:\n  EventID: 4771\n  LogonType: 3\ncondition: sel');
    expect(logonType.status).toBe('unsupported');
    expect(logonType.diagnostics[0].message).toMatch(
      /field 'LogonType' has no CIM field in Authentication.Authentication: .*Logon_Type/,
    );
    const ip = auth("sel:\n  EventID: 4771\n  IpAddress: '10.0.1.16'\ncondition: sel");
    expect(ip.diagnostics[0].message).toMatch(/field 'IpAddress' .*src_ip/);
  });

  test('excluding accounts ending with $, or a failure-only event, keeps to what the model holds', () => {
    const r = auth(
      "sel:\n  EventID: 4624\n  ProcessName|endswith: '\\svchost.exe'\nmachine:\n  TargetUserName|endswith: '$'\ncondition: sel and not machine",
    );
    expect(r.status).toBe('exact');
    expect(r.queries[0]).toContain('NOT Authentication.user="*$"');
    expect(evalSpl(r.queries[0], SVC)).toBe(true);
    // Kerberos pre-authentication failures (4771) are only ever failures.
    const k = auth("sel:\n  EventID: 4771\n  TargetUserName|contains: 'adm'\ncondition: sel");
    expect(k.status).toBe('exact');
    // A 4771 row: Microsoft's example event (learn.microsoft.com/windows/security/threat-protection/
    // auditing/event-4771: TargetUserName dadmin; "4771(F)", logged for failures only), action failure.
    const PREAUTH = {
      'Authentication.signature_id': '4771',
      'Authentication.action': 'failure',
      'Authentication.user': 'dadmin',
      'Authentication.src_user': 'unknown',
      'Authentication.dest': 'DC01.contoso.local',
    };
    expect(evalSpl(k.queries[0], PREAUTH)).toBe(true);
    expect(evalSpl(k.queries[0], { ...PREAUTH, 'Authentication.user': 'bob' })).toBe(false);
  });

  test("the model's unknown: '-' and missing users are written unknown, tests of them are labelled", () => {
    // SubjectUserName '-' is dropped by the add-on and filled with unknown by the model.
    const dash = auth("sel:\n  EventID: 4771\n  SubjectUserName: '-'\ncondition: sel");
    expect(dash.status).toBe('approximate');
    expect(dash.diagnostics.find((d) => d.code === 'approximation')?.message).toMatch(
      /writes unknown in src_user/,
    );
    expect(dash.queries[0]).toContain('(Authentication.src_user="-" OR Authentication.src_user="unknown")');
    const preauth = {
      'Authentication.signature_id': '4771',
      'Authentication.user': 'dadmin',
      'Authentication.src_user': 'unknown',
    };
    expect(evalSpl(dash.queries[0], preauth)).toBe(true);
    expect(evalSpl(dash.queries[0], { ...preauth, 'Authentication.src_user': 'bob' })).toBe(false);
    // Under not, the exclusion keeps to the values the model holds as written.
    const notDash = auth(
      "sel:\n  EventID: 4771\nfilter:\n  SubjectUserName: '-'\ncondition: sel and not filter",
    );
    expect(notDash.status).toBe('approximate');
    expect(evalSpl(notDash.queries[0], preauth)).toBe(true);
    // A value that is not emptied and is not unknown: exact.
    const exact = auth("sel:\n  EventID: 4771\n  SubjectUserName: 'bob'\ncondition: sel");
    expect(exact.status).toBe('exact');
    // A test that matches unknown itself matches the missing values too (wider, labelled).
    const unk = auth("sel:\n  EventID: 4771\n  TargetUserName|startswith: 'unk'\ncondition: sel");
    expect(unk.status).toBe('approximate');
    // Null: the model holds unknown.
    const nul = auth('sel:\n  EventID: 4771\n  TargetUserName: null\ncondition: sel');
    expect(nul.status).toBe('approximate');
    expect(nul.queries[0]).toContain('Authentication.user="unknown"');
  });

  test('an empty ProcessName is refused (the add-on may drop it)', () => {
    const r = auth("sel:\n  EventID: 4771\n  ProcessName: ''\ncondition: sel");
    expect(r.status).toBe('unsupported');
    expect(r.diagnostics[0].message).toContain('[^<]+');
  });

  test('the default format keeps a plain search with the CIM field names', () => {
    const r = auth("sel:\n  EventID: 4771\n  TargetUserName: 'dadmin'\ncondition: sel", 'default');
    expect(r.queries).toEqual(['signature_id=4771 user="dadmin"']);
  });
});

/*
 * process_integrity_level. Sysmon writes `High` (learn.microsoft.com/sysinternals/downloads/sysmon,
 * event ID 1; Splunk's data source "Sysmon EventID 1", security_content
 * data_sources/sysmon_eventid_1.yml, example_log: `<Data Name='IntegrityLevel'>High</Data>`).
 * The Endpoint data model lower-cases it in the Processes dataset's search: Splunk_SA_CIM
 * default/data/models/Endpoint.json (mirror github.com/aplura/splunk-sa-cim, commit
 * 254c447b460696015f8c1752173b22ed02d54ac2), Processes baseSearch `... tag=process tag=report |
 * eval process_integrity_level=lower(process_integrity_level)`, expected values "system", "high",
 * "medium", "low", "untrusted". So the row holds `high`.
 */
describe('Endpoint.Processes process_integrity_level, lower-cased by the model', () => {
  const HIGH = { ...WHOAMI, 'Processes.process_integrity_level': 'high' };
  test('case-insensitive tests are exact on the lower-cased value', () => {
    const r = convert("sel:\n  IntegrityLevel:\n    - 'High'\n    - 'System'\ncondition: sel");
    expect(r.status).toBe('exact');
    expect(evalSpl(r.queries[0], HIGH)).toBe(true);
    expect(evalSpl(r.queries[0], { ...WHOAMI, 'Processes.process_integrity_level': 'medium' })).toBe(false);
  });
  test('a case-sensitive test is tested case-insensitively (wider, labelled); under not it is dropped', () => {
    const r = convert("sel:\n  IntegrityLevel|cased: 'High'\ncondition: sel");
    expect(r.status).toBe('approximate');
    expect(r.diagnostics.find((d) => d.code === 'approximation')?.message).toContain(
      'lower(process_integrity_level)',
    );
    expect(evalSpl(r.queries[0], HIGH)).toBe(true);
    const re = convert("sel:\n  IntegrityLevel|re: '^(High|System)$'\ncondition: sel");
    expect(re.status).toBe('approximate');
    expect(evalSpl(re.queries[0], HIGH)).toBe(true);
    expect(evalSpl(re.queries[0], { ...WHOAMI, 'Processes.process_integrity_level': 'low' })).toBe(false);
    const neg = convert(
      "sel:\n  Image|endswith: '\\whoami.exe'\nfilter:\n  IntegrityLevel|cased: 'High'\ncondition: sel and not filter",
    );
    expect(neg.status).toBe('approximate');
    expect(neg.diagnostics.find((d) => d.code === 'approximation')?.direction).toBe('narrower');
    // The rule excludes Sysmon's High; the model cannot tell its case, so nothing is excluded.
    expect(evalSpl(neg.queries[0], HIGH)).toBe(true);
  });
});

/*
 * The Endpoint data model's unknown fill: Splunk_SA_CIM default/data/models/Endpoint.json (mirror
 * github.com/aplura/splunk-sa-cim, commit 254c447b460696015f8c1752173b22ed02d54ac2), calculations
 * Endpoint_Processes_fillnull_process / _dest / _original_file_name / _parent_process / _user:
 * `if(isnull(process) OR process="","unknown",process)`. A process event without a command line
 * is held with process="unknown".
 */
describe('Endpoint.Processes: the model writes unknown for a missing command line', () => {
  const NO_CLI = {
    'Processes.dest': 'WKS-03',
    'Processes.process_path': 'C:\\Windows\\System32\\dllhost.exe',
    'Processes.process_name': 'dllhost.exe',
    'Processes.process': 'unknown',
  };
  const WITH_CLI = {
    ...NO_CLI,
    'Processes.process': 'dllhost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}',
  };
  test('a null test is tested on unknown (labelled); under not it is dropped', () => {
    const r = convert("sel:\n  Image|endswith: '\\dllhost.exe'\n  CommandLine: null\ncondition: sel");
    expect(r.status).toBe('approximate');
    expect(r.queries[0]).toContain('Processes.process="unknown"');
    expect(evalSpl(r.queries[0], NO_CLI)).toBe(true);
    expect(evalSpl(r.queries[0], WITH_CLI)).toBe(false);
    const n = convert(
      "sel:\n  Image|endswith: '\\dllhost.exe'\nfilter:\n  CommandLine: null\ncondition: sel and not filter",
    );
    expect(n.status).toBe('approximate');
    expect(n.diagnostics.find((d) => d.code === 'approximation')?.direction).toBe('narrower');
    // The rule keeps WITH_CLI; the query keeps it too (and NO_CLI: more, never fewer).
    expect(evalSpl(n.queries[0], WITH_CLI)).toBe(true);
  });
  test('an empty-value test also tests unknown; a plain value stays exact', () => {
    const e = convert("sel:\n  Image|endswith: '\\dllhost.exe'\n  CommandLine: ''\ncondition: sel");
    expect(e.status).toBe('approximate');
    expect(evalSpl(e.queries[0], NO_CLI)).toBe(true);
    const x = convert("sel:\n  CommandLine|contains: '/Processid:'\ncondition: sel");
    expect(x.status).toBe('exact');
    expect(evalSpl(x.queries[0], WITH_CLI)).toBe(true);
    expect(evalSpl(x.queries[0], NO_CLI)).toBe(false);
  });
});

describe('the default format searches the events, not the data model', () => {
  test("the model's constraints and unknown fill do not apply to a plain search", () => {
    // A plain search reads the add-on's search-time fields: no `unknown` fill, no tag constraint.
    const n = convert(
      "sel:\n  Image|endswith: '\\dllhost.exe'\n  CommandLine: null\ncondition: sel",
      'default',
    );
    expect(n.status).toBe('exact');
    expect(n.queries[0]).toContain('NOT process=*');
    expect(evalSpl(n.queries[0], { process_path: 'C:\\Windows\\System32\\dllhost.exe' })).toBe(true);
    const f = convert(
      "sel:\n  EventID: 4625\n  TargetUserName: 'AAAAAAA'\ncondition: sel",
      'default',
      '  product: windows\n  service: security',
    );
    expect(f.status).toBe('exact');
    expect(f.queries).toEqual(['signature_id=4625 user="AAAAAAA"']);
    // Other Security events: the add-on fills user from other fields there (props.conf EVAL-user,
    // e.g. SubjectUserName for 4673, 4674, 4689, 4697), so the mapping is not theirs.
    const other = convert(
      "sel:\n  EventID: 4673\n  TargetUserName: 'bob'\ncondition: sel",
      'default',
      '  product: windows\n  service: security',
    );
    expect(other.status).toBe('unsupported');
    expect(other.diagnostics[0].message).toContain('the fields are mapped only for');
  });
});

/*
 * Network_Traffic fills a missing port with 0: Splunk_SA_CIM default/data/models/Network_Traffic.json
 * (mirror github.com/aplura/splunk-sa-cim, commit 337e5bbad8b35bc9b9332d8562c5257b2d04e453),
 * calculation All_Traffic_fillnull_dest_port `if(isnum(dest_port),dest_port,0)`; Network_Resolution
 * fills a missing query with unknown (Network_Resolution.json, commit 254c447b, DNS_0fillnull_query).
 */
describe('Network_Traffic ports and DNS queries: the model fills them', () => {
  const NET = '  product: windows\n  category: network_connection';
  test('a port test that matches 0 matches the events without a port too (labelled); others stay exact', () => {
    const low = convert('sel:\n  DestinationPort|lt: 10\ncondition: sel', 'data-model', NET);
    expect(low.status).toBe('approximate');
    // A connection row without a port, as the model holds it (dest_port 0).
    expect(evalSpl(low.queries[0], { 'All_Traffic.dest': '10.0.0.5', 'All_Traffic.dest_port': 0 })).toBe(
      true,
    );
    const high = convert('sel:\n  DestinationPort|gt: 1024\ncondition: sel', 'data-model', NET);
    expect(high.status).toBe('exact');
    expect(evalSpl(high.queries[0], { 'All_Traffic.dest_port': 4444 })).toBe(true);
    expect(evalSpl(high.queries[0], { 'All_Traffic.dest_port': 0 })).toBe(false);
    const nul = convert('sel:\n  DestinationPort: null\ncondition: sel', 'data-model', NET);
    expect(nul.status).toBe('approximate');
    expect(nul.queries[0]).toContain('All_Traffic.dest_port="0"');
  });
  test('a DNS query test that matches unknown is labelled', () => {
    const dns = '  product: windows\n  category: dns_query';
    const r = convert("sel:\n  QueryName|endswith: 'own'\ncondition: sel", 'data-model', dns);
    expect(r.status).toBe('approximate');
    expect(evalSpl(r.queries[0], { 'DNS.query': 'unknown', 'DNS.src': '10.0.0.9' })).toBe(true);
    const x = convert("sel:\n  QueryName|endswith: '.onion'\ncondition: sel", 'data-model', dns);
    expect(x.status).toBe('exact');
  });
});

test("a correlation searches the events: its rules do not get the data model's unknown fill", () => {
  const text = [
    'title: base\nid: 55555555-5555-4555-8555-555555555555\nname: base\nlogsource:',
    PROCESS_CREATION,
    "detection:\n  sel:\n    Image|endswith: '\\dllhost.exe'\n    CommandLine: null\n  condition: sel\nlevel: high\n---",
    'title: c\nid: 66666666-6666-4666-8666-666666666666\nlevel: high\ncorrelation:\n  type: event_count\n  rules: [base]',
    '  group-by: [Computer]\n  timespan: 1h\n  condition:\n    gte: 3\n',
  ].join('\n');
  const linked = link(loadRulesFromText(text, 'c.yml').rules);
  const doc = linked.documents.find((d) => d.correlation)!;
  const r = convertCorrelationLoaded(
    doc,
    linked.index,
    splunkBackend,
    [resolvePipeline('splunk-cim', splunkBackend)],
    {
      format: 'data-model',
    },
  );
  expect(r.status).toBe('exact');
  expect(r.queries[0]).toContain('NOT process=*');
});
