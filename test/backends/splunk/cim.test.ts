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
 * process_integrity_level: Sysmon writes `High` (learn.microsoft.com/sysinternals/downloads/sysmon,
 * event ID 1, IntegrityLevel); the case a source normalized into CIM writes is not fixed. A row
 * in each case: the (case-insensitive) test matches both.
 */
test('IntegrityLevel matches in any case; a case-sensitive test is refused', () => {
  const r = convert("sel:\n  IntegrityLevel: 'High'\ncondition: sel");
  expect(r.status).toBe('exact');
  const rows: Variant[] = [
    [{ 'Processes.process_integrity_level': 'high' }, true],
    [{ 'Processes.process_integrity_level': 'High' }, true],
    [{ 'Processes.process_integrity_level': 'medium' }, false],
  ];
  expect(verdicts(on(r.queries[0]), WHOAMI, rows)).toEqual(rows);
  const cased = convert("sel:\n  IntegrityLevel|cased: 'High'\ncondition: sel");
  expect(cased.status).toBe('unsupported');
  expect(cased.diagnostics[0].message).toContain('case-sensitively');
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
