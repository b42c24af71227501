/**
 * `-p sentinel-asim`: rules as queries of the ASIM unifying parsers, bound with Microsoft's Kusto
 * parser against the declared ASIM schemas (data/asim-schemas.json) and evaluated with the Kusto
 * interpreter on rows written from Microsoft's ASIM schema references (cited per row set).
 */
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { tableSchemas } from '../../../backends/sentinel-kql/data.js';
import { convertLoaded, loadRuleFromText } from '../../../src/convert.js';
import { resolvePipeline } from '../../../src/pipeline/index.js';
import { PROCESS_CREATION, ruleText } from '../../support/convert.js';
import { evalKusto } from '../../support/eval-kusto.js';
import { bindKusto } from '../../support/kusto.js';

const SCHEMAS = tableSchemas() as Record<string, Record<string, string>>;
const indent = (d: string) =>
  d
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');

function convert(detection: string, logsource = PROCESS_CREATION) {
  return convertLoaded(
    loadRuleFromText(ruleText(indent(detection), { logsource }), 'r.yml'),
    sentinelBackend,
    [resolvePipeline('sentinel-asim', sentinelBackend)],
  );
}

/*
 * ProcessEvent rows (learn.microsoft.com/azure/sentinel/normalization-schema-process-event and
 * the ASimProcessEventLogs table reference, learn.microsoft.com/azure/azure-monitor/reference/
 * tables/asimprocesseventlogs): TargetProcessName and ActingProcessName hold the full path of the
 * image ("actingprocess_has_any: ... the acting process name, including the whole process path");
 * the acting process is the one that created the target; TargetProcessId is a string.
 */
const WHOAMI = {
  EventType: 'ProcessCreated',
  DvcHostname: 'WKS-01',
  TargetUsername: 'CORP\\alice',
  TargetProcessName: 'C:\\Windows\\System32\\whoami.exe',
  TargetProcessCommandLine: 'whoami.exe /all',
  TargetProcessId: '4242',
  TargetProcessFileOriginalName: 'whoami.exe',
  ActingProcessName: 'C:\\Windows\\System32\\cmd.exe',
  ActingProcessCommandLine: 'cmd.exe /c whoami.exe /all',
};

test('process_creation queries _Im_ProcessCreate, binds, and matches ASIM rows', () => {
  const r = convert(
    "sel:\n  Image|endswith: '\\whoami.exe'\n  ParentImage|endswith: '\\cmd.exe'\n  CommandLine|contains: '/ALL'\ncondition: sel",
  );
  expect(r.status).toBe('exact');
  const q = r.queries[0];
  expect(q.split('\n')[0]).toBe('_Im_ProcessCreate');
  expect(bindKusto(q, SCHEMAS).errors).toEqual([]);
  const cols = SCHEMAS._Im_ProcessCreate;
  expect(evalKusto(q, WHOAMI, cols)).toBe(true);
  expect(evalKusto(q, { ...WHOAMI, ActingProcessName: 'C:\\Windows\\explorer.exe' }, cols)).toBe(false);
  expect(evalKusto(q, { ...WHOAMI, TargetProcessName: 'C:\\Temp\\whoami.exe.bak' }, cols)).toBe(false);
});

test('a field the schema lacks is refused with the reason', () => {
  const r = convert("sel:\n  Hashes|contains: 'IMPHASH=ABC'\ncondition: sel");
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics[0].message).toMatch(
    /field 'Hashes' has no faithful column in _Im_ProcessCreate: .*TargetProcessIMPHASH/,
  );
});

/*
 * RegistryEvent rows (learn.microsoft.com/azure/sentinel/normalization-schema-registry-event):
 * RegistryKey with the full root key names ("HKEY_LOCAL_MACHINE\Software\..."), RegistryValue
 * the value name, EventType one of RegistryKeyCreated, RegistryKeyDeleted, RegistryKeyRenamed,
 * RegistryValueDeleted, RegistryValueSet.
 */
test('registry_set: TargetObject in Sysmon form (HKLM\\...) against ASIM keys with full hive names', () => {
  const r = convert(
    "sel:\n  TargetObject|startswith: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\'\n  EventType: SetValue\ncondition: sel",
    '  product: windows\n  category: registry_set',
  );
  expect(r.status).toBe('exact');
  const q = r.queries[0];
  expect(q.split('\n')[0]).toBe('_Im_RegistryEvent');
  expect(bindKusto(q, SCHEMAS).errors).toEqual([]);
  const cols = SCHEMAS._Im_RegistryEvent;
  const row = {
    EventType: 'RegistryValueSet',
    RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
    RegistryValue: 'Updater',
    RegistryValueData: 'C:\\Users\\Public\\u.exe',
    ActingProcessName: 'C:\\Windows\\System32\\reg.exe',
  };
  expect(evalKusto(q, row, cols)).toBe(true);
  expect(
    evalKusto(
      q,
      { ...row, RegistryKey: 'HKEY_USERS\\S-1-5-21\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run' },
      cols,
    ),
  ).toBe(false);
  expect(evalKusto(q, { ...row, EventType: 'RegistryKeyCreated' }, cols)).toBe(false);
});

/*
 * Dns rows (learn.microsoft.com/azure/sentinel/normalization-schema-dns): DnsQuery the queried
 * domain name; NetworkSession rows (normalization-schema-network): DstIpAddr, DstPortNumber (int).
 */
test('dns_query and network_connection bind and match', () => {
  const dns = convert(
    "sel:\n  QueryName|endswith: '.onion'\ncondition: sel",
    '  product: windows\n  category: dns_query',
  );
  expect(bindKusto(dns.queries[0], SCHEMAS).errors).toEqual([]);
  expect(evalKusto(dns.queries[0], { DnsQuery: 'abc.ONION', SrcIpAddr: '10.0.0.9' }, SCHEMAS._Im_Dns)).toBe(
    true,
  );
  const net = convert(
    'sel:\n  DestinationPort: 4444\ncondition: sel',
    '  product: windows\n  category: network_connection',
  );
  expect(bindKusto(net.queries[0], SCHEMAS).errors).toEqual([]);
  expect(
    evalKusto(net.queries[0], { DstPortNumber: 4444, DstIpAddr: '10.0.0.5' }, SCHEMAS._Im_NetworkSession),
  ).toBe(true);
  expect(
    evalKusto(net.queries[0], { DstPortNumber: 443, DstIpAddr: '10.0.0.5' }, SCHEMAS._Im_NetworkSession),
  ).toBe(false);
});
