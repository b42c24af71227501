#!/usr/bin/env node
// Writes pipelines.json (Sigma -> ECS mappings for the Elastic KQL backend) from the tables below.
// The tables are the source; pipelines.json is committed output. Re-run after editing:
//   node backends/elastic-kql/data/gen-pipelines.mjs
// Facts: Winlogbeat's Sysmon module script (x-pack/winlogbeat/module/sysmon/config/winlogbeat-sysmon.js:
// which event_data fields are *renamed* to ECS and so disappear from winlog.event_data, which are copied,
// which stay), Winlogbeat's PowerShell module script, Winlogbeat fields.common.yml (winlog.* types), and
// pySigma-backend-elasticsearch's ecs_windows pipeline as a cross-check. See NOTES.md.
// Checked against the Elastic Agent Windows integration's Sysmon ingest pipeline
// (elastic/integrations packages/windows/data_stream/sysmon_operational/elasticsearch/ingest_pipeline/
// default.yml): per-entry sources and what was checked are in SOURCES.md next to this file.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
const SYSMON_INDEX = ['winlogbeat-*', 'logs-windows.sysmon_operational-*'];
const WINDOWS_INDEX = ['winlogbeat-*', 'logs-windows.*', 'logs-system.*'];

// Fields present on every Windows event (Winlogbeat top-level winlog.* fields).
const WINDOWS_COMMON = {
  EventID: 'winlog.event_id',
  Channel: 'winlog.channel',
  Provider_Name: 'winlog.provider_name',
  Computer: 'winlog.computer_name',
  ComputerName: 'winlog.computer_name',
};

const ed = (...names) => Object.fromEntries(names.map((n) => [n, `winlog.event_data.${n}`]));

// Sysmon event id -> { Sigma field: target } after Winlogbeat's sysmon processing.
// Renamed fields point at ECS; fields the script leaves alone stay under winlog.event_data.
const sysmonProc = {
  ProcessGuid: 'process.entity_id',
  ProcessId: 'process.pid',
  Image: 'process.executable',
};
const sysmon = {
  1: {
    ...sysmonProc,
    CommandLine: 'process.command_line',
    CurrentDirectory: 'process.working_directory',
    ParentProcessGuid: 'process.parent.entity_id',
    ParentProcessId: 'process.parent.pid',
    ParentImage: 'process.parent.executable',
    ParentCommandLine: 'process.parent.command_line',
    OriginalFileName: 'process.pe.original_file_name',
    // copied (mode: copy): both exist; ECS preferred
    Company: 'process.pe.company',
    Description: 'process.pe.description',
    FileVersion: 'process.pe.file_version',
    Product: 'process.pe.product',
    // addUser(): "DOMAIN\\name" is split into user.domain / user.name and event_data.User deleted
    User: 'user.name',
    ...ed('IntegrityLevel', 'LogonId', 'LogonGuid', 'TerminalSessionId', 'ParentUser'),
  },
  2: {
    ...sysmonProc,
    TargetFilename: 'file.path',
    User: 'user.name',
    ...ed('CreationUtcTime', 'PreviousCreationUtcTime'),
  },
  3: {
    ...sysmonProc,
    Protocol: 'network.transport',
    SourceIp: 'source.ip',
    SourceHostname: 'source.domain',
    SourcePort: 'source.port',
    DestinationIp: 'destination.ip',
    DestinationHostname: 'destination.domain',
    DestinationPort: 'destination.port',
    DestinationPortName: 'network.protocol',
    Initiated: 'network.direction',
    SourceIsIpv6: 'network.type',
    DestinationIsIpv6: 'network.type',
    User: 'user.name',
  },
  6: {
    ImageLoaded: 'file.path',
    Signature: 'file.code_signature.subject_name',
    SignatureStatus: 'file.code_signature.status',
    ...ed('Signed'),
  },
  7: {
    ...sysmonProc,
    ImageLoaded: 'file.path',
    OriginalFileName: 'file.pe.original_file_name',
    Signature: 'file.code_signature.subject_name',
    SignatureStatus: 'file.code_signature.status',
    Company: 'file.pe.company',
    Description: 'file.pe.description',
    FileVersion: 'file.pe.file_version',
    Product: 'file.pe.product',
    User: 'user.name',
    ...ed('Signed'),
  },
  8: {
    SourceProcessGuid: 'process.entity_id',
    SourceProcessId: 'process.pid',
    SourceImage: 'process.executable',
    // The integration renames event_data.TargetProcessGuid to TargetProcessGUID ("Conformity").
    TargetProcessGuid: 'winlog.event_data.TargetProcessGUID',
    ...ed(
      'TargetProcessId',
      'TargetImage',
      'NewThreadId',
      'StartAddress',
      'StartModule',
      'StartFunction',
      'SourceUser',
      'TargetUser',
    ),
  },
  9: { ...sysmonProc, Device: 'file.path', User: 'user.name' },
  10: {
    SourceProcessGUID: 'process.entity_id',
    SourceProcessId: 'process.pid',
    SourceThreadId: 'process.thread.id',
    SourceImage: 'process.executable',
    ...ed(
      'TargetProcessGUID',
      'TargetProcessId',
      'TargetImage',
      'GrantedAccess',
      'CallTrace',
      'SourceUser',
      'TargetUser',
    ),
  },
  11: { ...sysmonProc, TargetFilename: 'file.path', User: 'user.name', ...ed('CreationUtcTime') },
  // 12/13/14: setRegistryFields() copies TargetObject to registry.path (the original stays)
  12: { ...sysmonProc, TargetObject: 'registry.path', User: 'user.name', ...ed('EventType') },
  13: { ...sysmonProc, TargetObject: 'registry.path', User: 'user.name', ...ed('EventType', 'Details') },
  14: { ...sysmonProc, TargetObject: 'registry.path', User: 'user.name', ...ed('EventType', 'NewName') },
  15: { ...sysmonProc, TargetFilename: 'file.path', User: 'user.name', ...ed('CreationUtcTime', 'Contents') },
  17: { ...sysmonProc, PipeName: 'file.name', User: 'user.name', ...ed('EventType') },
  18: { ...sysmonProc, PipeName: 'file.name', User: 'user.name', ...ed('EventType') },
  19: { User: 'user.name', ...ed('EventType', 'Operation', 'EventNamespace', 'Name', 'Query') },
  20: {
    User: 'user.name',
    Destination: 'process.executable',
    ...ed('EventType', 'Operation', 'Name', 'Type'),
  },
  21: { User: 'user.name', ...ed('EventType', 'Operation', 'Consumer', 'Filter') },
  22: { ...sysmonProc, QueryName: 'dns.question.name', User: 'user.name' },
  23: {
    ...sysmonProc,
    TargetFilename: 'file.path',
    IsExecutable: 'sysmon.file.is_executable',
    Archived: 'sysmon.file.archived',
    User: 'user.name',
  },
  // The integration renames event 25's Type to `message`.
  25: { ...sysmonProc, User: 'user.name', Type: 'message' },
  255: { ...ed('Description') },
  4: { ...ed('State', 'Version', 'SchemaVersion') },
};

const merge = (...ids) => Object.assign({}, ...ids.map((i) => sysmon[i]));
const sysmonCond = (...ids) => ({
  'winlog.channel': SYSMON_CHANNEL,
  'winlog.event_id': ids.length === 1 ? String(ids[0]) : ids.map(String),
});

// Sysmon "Hashes" (and event 15's "Hash", renamed to Hashes first) as the Windows integration
// stores it (packages/windows/data_stream/sysmon_operational/elasticsearch/ingest_pipeline/default.yml,
// commit bf3be6b2ca0eb305677128e9db73c75536000433): `kv` splits "ALGO=value,..." at "," and "=";
// a script lowercases every key and value and skips empty and all-zero values (hashIsEmpty);
// `rename _temp.hashes -> process.hash` for event codes 1, 23, 24, 25 and `-> file.hash` for 6, 7,
// 15, 26, 29; then `<ns>.hash.imphash -> <ns>.pe.imphash`; Hash and Hashes are removed. So
// `Hashes|contains: 'MD5=<32 hex>'` is exactly `<ns>.hash.md5` equal to the lowercase hex (the key
// names hold no run of 5+ hex digits and values are separated by ","), for a whole hash of the
// algorithm's length that is not all zeros. Anything else on Hashes is refused (pipelines.ts).
const sysmonHashes = (ns) => ({
  fields: ['Hashes', 'Hash'],
  algos: {
    MD5: `${ns}.hash.md5`,
    SHA1: `${ns}.hash.sha1`,
    SHA256: `${ns}.hash.sha256`,
    IMPHASH: `${ns}.pe.imphash`,
  },
});

const HASHES_WHY =
  'the Windows integration splits Sysmon "Hashes"/"Hash" into one field per algorithm (lowercased, all-zero hashes dropped) and deletes the original: only whole MD5=, SHA1=, SHA256=, IMPHASH= hashes under contains map to them exactly';
const unsupportedCommon = {
  Hashes: HASHES_WHY,
  Hash: HASHES_WHY,
  QueryResults:
    'Winlogbeat parses Sysmon QueryResults into dns.answers / dns.resolved_ip and deletes the original',
  RuleName: 'Winlogbeat moves RuleName to rule.name (and drops "-")',
  UtcTime: 'Winlogbeat moves UtcTime to @timestamp',
};

const valueMapsNet = {
  Initiated: { true: 'egress', false: 'ingress' },
  SourceIsIpv6: { true: 'ipv6', false: 'ipv4' },
  DestinationIsIpv6: { true: 'ipv6', false: 'ipv4' },
};

const ecsWindows = [
  {
    logsource: { product: 'windows', category: 'process_creation' },
    index: ['logs-endpoint.events.process-*', ...SYSMON_INDEX],
    conditions: { 'event.category': 'process', 'event.type': 'start' },
    fields: { ...WINDOWS_COMMON, ...merge(1) },
    hashes: sysmonHashes('process'),
    unsupported: { ...unsupportedCommon, GrandParentImage: 'not in Sysmon event 1' },
    notes: {
      User: 'Winlogbeat splits "DOMAIN\\name" into user.domain and user.name; a Sigma value that includes the domain (e.g. "NT AUTHORITY\\SYSTEM" or |contains "AUTHORI") will not match user.name',
      'winlog.event_data.*':
        'only in Sysmon data (winlogbeat / windows.sysmon_operational); Elastic Defend process events do not carry these',
    },
  },
  {
    logsource: { product: 'windows', category: 'file_event' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(11),
    fields: { ...WINDOWS_COMMON, ...merge(11) },
    unsupported: {
      ...unsupportedCommon,
      CommandLine: 'not in Sysmon event 11',
      ParentImage: 'not in Sysmon event 11',
      ParentCommandLine: 'not in Sysmon event 11',
      IntegrityLevel: 'not in Sysmon event 11',
    },
  },
  {
    logsource: { product: 'windows', category: 'file_change' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(2),
    fields: { ...WINDOWS_COMMON, ...merge(2) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'file_delete' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(23),
    fields: { ...WINDOWS_COMMON, ...merge(23) },
    hashes: sysmonHashes('process'),
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'create_stream_hash' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(15),
    fields: { ...WINDOWS_COMMON, ...merge(15) },
    hashes: sysmonHashes('file'),
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'raw_access_thread' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(9),
    fields: { ...WINDOWS_COMMON, ...merge(9) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'image_load' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(7),
    fields: { ...WINDOWS_COMMON, ...merge(7) },
    hashes: sysmonHashes('file'),
    unsupported: { ...unsupportedCommon, CommandLine: 'not in Sysmon event 7' },
    notes: {
      Signed:
        'kept as winlog.event_data.Signed ("true"/"false"): Winlogbeat sets file.code_signature.signed=true whenever Signed is non-empty, even "false"',
    },
  },
  {
    logsource: { product: 'windows', category: 'driver_load' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(6),
    fields: { ...WINDOWS_COMMON, ...merge(6) },
    hashes: sysmonHashes('file'),
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'network_connection' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(3),
    fields: { ...WINDOWS_COMMON, ...merge(3) },
    valueMaps: valueMapsNet,
    unsupported: {
      ...unsupportedCommon,
      CommandLine: 'not in Sysmon event 3',
      ParentImage: 'not in Sysmon event 3',
      SourcePortName:
        'the Windows integration renames SourcePortName to network.protocol only when DestinationPortName is empty, and deletes it otherwise',
    },
    notes: {
      Initiated:
        'Winlogbeat turns Initiated into network.direction (true -> egress, false -> ingress) and deletes it: apply valueMaps',
    },
  },
  {
    logsource: { product: 'windows', category: 'dns_query' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(22),
    fields: { ...WINDOWS_COMMON, ...merge(22) },
    unsupported: {
      ...unsupportedCommon,
      QueryStatus:
        'the Windows integration moves QueryStatus to sysmon.dns.status and rewrites the numeric status to its name (0 -> SUCCESS, 9003 -> DNS_ERROR_RCODE_NAME_ERROR, ...): write the rule on sysmon.dns.status names',
    },
  },
  {
    logsource: { product: 'windows', category: 'process_access' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(10),
    fields: { ...WINDOWS_COMMON, ...merge(10) },
    unsupported: { ...unsupportedCommon, SourceCommandLine: 'not in Sysmon event 10' },
  },
  {
    logsource: { product: 'windows', category: 'create_remote_thread' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(8),
    fields: { ...WINDOWS_COMMON, ...merge(8) },
    unsupported: {
      ...unsupportedCommon,
      SourceParentImage: 'not in Sysmon event 8',
      SourceCommandLine: 'not in Sysmon event 8',
      TargetParentProcessId: 'not in Sysmon event 8',
    },
  },
  {
    logsource: { product: 'windows', category: 'registry_add' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(12),
    fields: { ...WINDOWS_COMMON, ...merge(12) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'registry_delete' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(12),
    fields: { ...WINDOWS_COMMON, ...merge(12) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'registry_set' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(13),
    fields: { ...WINDOWS_COMMON, ...merge(13) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'registry_rename' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(14),
    fields: { ...WINDOWS_COMMON, ...merge(14) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'registry_event' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(12, 13, 14),
    fields: { ...WINDOWS_COMMON, ...merge(12, 13, 14) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'pipe_created' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(17, 18),
    fields: { ...WINDOWS_COMMON, ...merge(17, 18) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'wmi_event' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(19, 20, 21),
    fields: { ...WINDOWS_COMMON, ...merge(19, 20, 21) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'process_tampering' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(25),
    fields: { ...WINDOWS_COMMON, ...merge(25) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'sysmon_error' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(255),
    fields: { ...WINDOWS_COMMON, ...merge(255) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'sysmon_status' },
    index: SYSMON_INDEX,
    conditions: sysmonCond(4, 16),
    fields: { ...WINDOWS_COMMON, ...merge(4) },
    unsupported: unsupportedCommon,
  },
  {
    logsource: { product: 'windows', category: 'ps_script' },
    index: ['winlogbeat-*', 'logs-windows.powershell_operational-*'],
    conditions: { 'winlog.channel': 'Microsoft-Windows-PowerShell/Operational', 'winlog.event_id': '4104' },
    fields: {
      ...WINDOWS_COMMON,
      ScriptBlockText: 'powershell.file.script_block_text',
      ScriptBlockId: 'powershell.file.script_block_id',
      Path: 'file.path',
      MessageNumber: 'powershell.sequence',
      MessageTotal: 'powershell.total',
    },
    notes: {
      Path: 'Winlogbeat normalizes the script path to file.path (addFileInfo) and deletes the event_data field',
    },
  },
  {
    logsource: { product: 'windows', category: 'ps_module' },
    index: ['winlogbeat-*', 'logs-windows.powershell_operational-*'],
    conditions: { 'winlog.channel': 'Microsoft-Windows-PowerShell/Operational', 'winlog.event_id': '4103' },
    fields: { ...WINDOWS_COMMON },
    unsupported: {
      Payload:
        'Winlogbeat parses 4103 Payload into powershell.command.invocation_details (array of objects) and deletes it',
      ContextInfo:
        'Winlogbeat dissects 4103 ContextInfo into process.command_line, powershell.* fields and deletes it',
    },
  },
  {
    logsource: { product: 'windows', category: 'ps_classic_start' },
    index: ['winlogbeat-*', 'logs-windows.powershell-*'],
    conditions: { 'winlog.channel': 'Windows PowerShell', 'winlog.event_id': '400' },
    fields: { ...WINDOWS_COMMON },
    unsupported: {
      Data: 'Winlogbeat dissects event 400 details (HostApplication -> process.command_line, ...) and deletes the raw text',
    },
  },
];

// Sysmon writes User as "DOMAIN\name"; the integration splits it on the backslash into user.domain
// and user.name (default.yml: `split` ... `if: _temp.user_parts.size() == 2`). The backend matches
// a Sigma User value against that pair exactly (lower.ts, domainSplit).
for (const e of ecsWindows)
  if (e.fields.User === 'user.name') {
    e.domainSplit = { 'user.name': 'user.domain' };
    delete e.notes?.User;
  }

// Generic fallback per Windows service: unmapped fields become winlog.event_data.<Field>,
// as Winlogbeat writes the raw EventData (Winlogbeat's security module adds ECS fields but keeps event_data).
const services = {
  security: ['Security'],
  system: ['System'],
  application: ['Application'],
  sysmon: [SYSMON_CHANNEL],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'terminalservices-localsessionmanager': [
    'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  ],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'security-mitigations': [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
};
// AppLocker events carry their data as UserData (<RuleAndFileData>), which Winlogbeat / the
// Windows integration store under winlog.user_data.<Name>, not winlog.event_data
// (elastic/integrations packages/windows/data_stream/applocker_exe_and_dll/sample_event.json:
// winlog.user_data.FilePath, .PolicyName, .Fqbn, .FullFilePath, ...). TerminalServices
// LocalSessionManager events (21, 22, 24, 25, ...) likewise write User, SessionID, Address under
// /Event/UserData/EventXML (EricZimmerman/evtx Maps
// Microsoft-Windows-TerminalServices-LocalSessionManager-Operational_21.map), so winlog.user_data.
// The Security data stream's ingest pipeline (elastic/integrations
// packages/system/data_stream/security/elasticsearch/ingest_pipeline/standard.yml, scripts
// "Rename Common Auth Fields" and "Process Event 4688") MOVES some EventData out of
// winlog.event_data for a list of event ids (4624, 4625, 4648, 4768, 4769, 4771, 5140, 5145, ...;
// 4688): ProcessName -> process.executable, IpAddress -> source.ip (unless "-"), IpPort ->
// source.port, WorkstationName -> source.domain, NewProcessName -> process.executable,
// ParentProcessName -> process.parent.executable, each followed by event_data.remove(...). Other
// event ids keep them in winlog.event_data. So each maps to both places; the ECS field is also
// filled from other EventData (process.executable from ProcessName and from NewProcessName), so a
// match on it is wider than the rule: labelled (widenFields), dropped under `not`.
const SECURITY_MOVED = {
  IpAddress: ['source.ip', 'winlog.event_data.IpAddress'],
  IpPort: ['source.port', 'winlog.event_data.IpPort'],
  WorkstationName: ['source.domain', 'winlog.event_data.WorkstationName'],
  ProcessName: ['process.executable', 'winlog.event_data.ProcessName'],
  NewProcessName: ['process.executable', 'winlog.event_data.NewProcessName'],
  ParentProcessName: ['process.parent.executable', 'winlog.event_data.ParentProcessName'],
};
const SECURITY_WIDEN = Object.fromEntries(
  [...new Set(Object.values(SECURITY_MOVED).map((t) => t[0]))].map((f) => [
    f,
    `the Security integration moves EventData into ${f} for some event ids only, and may fill it from other EventData fields (standard.yml read in part)`,
  ]),
);
const USER_DATA_SERVICES = new Set(['applocker', 'terminalservices-localsessionmanager']);
for (const [service, channels] of Object.entries(services)) {
  ecsWindows.push({
    logsource: { product: 'windows', service },
    index: WINDOWS_INDEX,
    conditions: { 'winlog.channel': channels.length === 1 ? channels[0] : channels },
    fields: { ...WINDOWS_COMMON, ...(service === 'security' ? SECURITY_MOVED : {}) },
    ...(service === 'security' ? { widenFields: SECURITY_WIDEN } : {}),
    // Classic PowerShell events have unnamed <Data> elements, which Winlogbeat names param1..param3
    // (winlogbeat fields reference, winlog.event_data); the Windows integration dissects param2 /
    // param3 into named fields and removes param1..param3
    // (packages/windows/data_stream/powershell/elasticsearch/ingest_pipeline/default.yml): no
    // document holds a `Data` field.
    ...(service === 'powershell-classic'
      ? {
          unsupported: {
            Data: 'classic PowerShell event text is written as winlog.event_data.param1..param3 and dissected by the integration (HostApplication -> process.command_line, ...); no Data field is stored',
          },
        }
      : {}),
    unmappedFieldPrefix: USER_DATA_SERVICES.has(service) ? 'winlog.user_data.' : 'winlog.event_data.',
  });
}
// Last resort for product: windows with neither a known category nor service.
ecsWindows.push({
  logsource: { product: 'windows' },
  index: WINDOWS_INDEX,
  conditions: {},
  fields: { ...WINDOWS_COMMON },
  unmappedFieldPrefix: 'winlog.event_data.',
});

// Linux: Elastic Defend / Auditbeat-style ECS process, file and network events.
const linuxProc = {
  Image: 'process.executable',
  CommandLine: 'process.command_line',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  CurrentDirectory: 'process.working_directory',
  User: 'user.name',
  ProcessId: 'process.pid',
  ParentProcessId: 'process.parent.pid',
  LogonId: 'process.session_leader.entity_id',
};
const ecsLinux = [
  {
    logsource: { product: 'linux', category: 'process_creation' },
    index: ['logs-endpoint.events.process-*', 'auditbeat-*'],
    conditions: { 'event.category': 'process', 'event.type': 'start' },
    fields: { ...linuxProc },
    notes: { LogonId: 'approximation: no Linux logon id in ECS; session leader entity id' },
  },
  {
    logsource: { product: 'linux', category: 'file_event' },
    index: ['logs-endpoint.events.file-*', 'auditbeat-*'],
    conditions: { 'event.category': 'file' },
    fields: { TargetFilename: 'file.path', Image: 'process.executable' },
  },
  {
    logsource: { product: 'linux', category: 'network_connection' },
    index: ['logs-endpoint.events.network-*', 'auditbeat-*'],
    conditions: { 'event.category': 'network' },
    fields: {
      Image: 'process.executable',
      DestinationIp: 'destination.ip',
      DestinationPort: 'destination.port',
      DestinationHostname: 'destination.domain',
      SourceIp: 'source.ip',
      SourcePort: 'source.port',
      Initiated: 'network.direction',
    },
    valueMaps: { Initiated: { true: 'egress', false: 'ingress' } },
  },
  {
    logsource: { product: 'linux', service: 'auditd' },
    index: ['logs-auditd.log-*', 'filebeat-*'],
    conditions: {},
    // elastic/integrations packages/auditd/data_stream/log/_dev/test/pipeline/test-auditd-raw.log-expected.json:
    // the record type is in event.action, lowercase ("syscall", "execve", "proctitle"), and only some
    // records also keep auditd.log.record_type ("USER_CMD", "TTY"); EXECVE arguments become the
    // process.args array (a0=top -> process.args ["top"]) while SYSCALL keeps auditd.log.a0 ("9");
    // auditd.log.syscall holds the number ("44"), not the name.
    fields: {
      type: ['event.action', 'auditd.log.record_type'],
      exe: 'process.executable',
      comm: 'process.name',
      key: 'auditd.log.key',
      name: 'file.path',
      euid: 'user.effective.id',
      a0: ['process.args', 'auditd.log.a0'],
      a1: ['process.args', 'auditd.log.a1'],
      a2: ['process.args', 'auditd.log.a2'],
      a3: ['process.args', 'auditd.log.a3'],
      nametype: 'auditd.log.nametype',
      unit: 'auditd.log.unit',
    },
    unsupported: {
      SYSCALL: 'the auditd integration keeps the syscall number (auditd.log.syscall: "44"), not its name',
    },
    widenFields: {
      'process.args':
        'the auditd integration stores EXECVE arguments as the process.args array: aN matches an argument at any position',
    },
    notes: {
      '*': 'checked against the auditd integration test documents for type, exe, comm, aN, SYSCALL; key, name, euid, nametype, unit unverified',
    },
  },
  {
    logsource: { product: 'macos', category: 'process_creation' },
    index: ['logs-endpoint.events.process-*'],
    conditions: { 'event.category': 'process', 'event.type': 'start' },
    fields: {
      Image: 'process.executable',
      CommandLine: 'process.command_line',
      ParentImage: 'process.parent.executable',
      ParentCommandLine: 'process.parent.command_line',
      CurrentDirectory: 'process.working_directory',
      User: 'user.name',
    },
    // Elastic Defend's macOS exec event documents no process.pe.*, process.parent.command_line
    // or process.working_directory (elastic/endpoint-package
    // custom_documentation/doc/endpoint/process/macos/macos_process_exec.md): a rule on them
    // would never fire.
    unsupported: {
      OriginalFileName:
        'Elastic Defend macOS exec events have no process.pe.* (macOS binaries are not PE files)',
      ParentCommandLine:
        'Elastic Defend macOS exec events have no process.parent.command_line (only parent executable, name, pid, args_count)',
      CurrentDirectory: 'Elastic Defend macOS exec events have no process.working_directory',
    },
  },
  {
    logsource: { product: 'macos', category: 'file_event' },
    index: ['logs-endpoint.events.file-*'],
    conditions: { 'event.category': 'file' },
    fields: { TargetFilename: 'file.path', Image: 'process.executable' },
  },
];

// Cloud: Elastic Agent integrations (Filebeat modules) field names.
const ecsCloud = [
  {
    logsource: { product: 'aws', service: 'cloudtrail' },
    index: ['logs-aws.cloudtrail-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'aws.cloudtrail' },
    fields: {
      eventName: 'event.action',
      eventSource: 'event.provider',
      eventType: 'aws.cloudtrail.event_type',
      userAgent: 'user_agent.original',
      sourceIPAddress: 'source.address',
      errorCode: 'aws.cloudtrail.error_code',
      errorMessage: 'aws.cloudtrail.error_message',
      requestParameters: 'aws.cloudtrail.request_parameters',
      responseElements: 'aws.cloudtrail.response_elements',
      'userIdentity.type': 'aws.cloudtrail.user_identity.type',
      'userIdentity.arn': 'aws.cloudtrail.user_identity.arn',
      'userIdentity.sessionContext.sessionIssuer.type':
        'aws.cloudtrail.user_identity.session_context.session_issuer.type',
    },
    // Sub-keys: the integration keeps the parsed JSON objects, values as written, in flattened fields
    // (test-console-login-json.log-expected.json: aws.cloudtrail.flattened.response_elements.ConsoleLogin
    // "Success", aws.cloudtrail.flattened.additional_eventdata.MFAUsed "No"; fields.yml: type flattened).
    fieldPrefixes: {
      'requestParameters.': 'aws.cloudtrail.flattened.request_parameters.',
      'responseElements.': 'aws.cloudtrail.flattened.response_elements.',
      'additionalEventData.': 'aws.cloudtrail.flattened.additional_eventdata.',
      'serviceEventDetails.': 'aws.cloudtrail.flattened.service_event_details.',
    },
    notes: {
      requestParameters:
        'aws.cloudtrail.request_parameters is the object printed as one string in Java map form ({key=value, ...}), not JSON: |contains on it works for plain words only',
      'responseElements.ConsoleLogin':
        'was mapped to console_login.additional_eventdata.mfa_used (the MFA flag) before; ConsoleLogin (Success/Failure) is kept as written in aws.cloudtrail.flattened.response_elements.ConsoleLogin',
    },
  },
  {
    logsource: { product: 'okta', service: 'okta' },
    index: ['logs-okta.system-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'okta.system' },
    // elastic/integrations packages/okta/data_stream/system/sample_event.json: event.action and
    // okta.event_type both hold eventType ("user.session.start"); legacyEventType is not kept;
    // debugData keys are kept as written in okta.debug_context.debug_data.flattened
    // (requestUri "/api/v1/authn" there and in .request_uri; .url is the other key "url").
    fields: {
      eventType: 'event.action',
      displayMessage: 'okta.display_message',
      'actor.alternateId': 'okta.actor.alternate_id',
      'target.displayName': 'okta.target.display_name',
      'outcome.result': 'okta.outcome.result',
      'outcome.reason': 'okta.outcome.reason',
      'securityContext.isProxy': 'okta.security_context.is_proxy',
    },
    fieldPrefixes: { 'debugContext.debugData.': 'okta.debug_context.debug_data.flattened.' },
    unsupported: {
      legacyEventType: 'the Okta integration does not keep legacyEventType (okta.event_type holds eventType)',
    },
  },
  {
    logsource: { product: 'azure', service: 'activitylogs' },
    index: ['logs-azure.activitylogs-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'azure.activitylogs' },
    fields: {
      operationName: 'azure.activitylogs.operation_name',
      OperationNameValue: 'azure.activitylogs.operation_name',
      ResourceId: 'azure.resource.id',
      CategoryValue: 'azure.activitylogs.category',
      ResourceProviderValue: 'azure.resource.provider',
    },
  },
  {
    logsource: { product: 'azure', service: 'signinlogs' },
    index: ['logs-azure.signinlogs-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'azure.signinlogs' },
    fields: {
      ResultType: 'azure.signinlogs.properties.status.error_code',
      resultType: 'azure.signinlogs.result_type',
      ResultDescription: 'azure.signinlogs.result_description',
      AuthenticationRequirement: 'azure.signinlogs.properties.authentication_requirement',
      userAgent: 'user_agent.original',
      ClientApp: 'azure.signinlogs.properties.client_app_used',
      conditionalAccessStatus: 'azure.signinlogs.properties.conditional_access_status',
      'DeviceDetail.isCompliant': 'azure.signinlogs.properties.device_detail.is_compliant',
      'DeviceDetail.deviceId': 'azure.signinlogs.properties.device_detail.device_id',
      'DeviceDetail.trusttype': 'azure.signinlogs.properties.device_detail.trust_type',
      Username: 'azure.signinlogs.properties.user_principal_name',
    },
  },
  {
    logsource: { product: 'azure', service: 'auditlogs' },
    index: ['logs-azure.auditlogs-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'azure.auditlogs' },
    fields: {
      OperationName: 'azure.auditlogs.operation_name',
      operationName: 'azure.auditlogs.operation_name',
      // elastic/integrations packages/azure/data_stream/auditlogs/sample_event.json: the audit
      // category ("Device", "UserManagement") is azure.auditlogs.properties.category;
      // azure.auditlogs.category holds the log category "AuditLogs".
      Category: 'azure.auditlogs.properties.category',
      category: 'azure.auditlogs.properties.category',
      LoggedByService: 'azure.auditlogs.properties.logged_by_service',
      ActivityDisplayName: 'azure.auditlogs.properties.activity_display_name',
      // An Entra audit record has no properties.message; SigmaHQ's auditlogs rules write the activity
      // display name there ("Add owner to application", "Add eligible member (permanent)": names of
      // the Entra audit activity reference, learn.microsoft.com/entra/identity/monitoring-health/
      // reference-audit-activities), as the Sentinel target maps it (AuditLogs ActivityDisplayName).
      'properties.message': 'azure.auditlogs.properties.activity_display_name',
      Status: 'azure.auditlogs.properties.result',
    },
  },
  {
    logsource: { product: 'gcp', service: 'gcp.audit' },
    index: ['logs-gcp.audit-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'gcp.audit' },
    // elastic/integrations packages/gcp/data_stream/audit/sample_event.json: methodName is
    // event.action ("beta.compute.instances.aggregatedList") and serviceName is service.name
    // ("compute.googleapis.com"); authorization_info is an array of {permission, granted, ...}.
    fields: {
      'gcp.audit.method_name': 'event.action',
      'data.protoPayload.methodName': 'event.action',
      'data.protoPayload.serviceName': 'service.name',
      'data.protoPayload.authorizationInfo.permission': 'gcp.audit.authorization_info.permission',
      'data.protoPayload.authorizationInfo.granted': 'gcp.audit.authorization_info.granted',
    },
    unsupported: {
      'data.protoPayload.resource.type':
        'the GCP audit integration keeps the resource name (gcp.audit.resource_name), not a resource type',
    },
  },
  {
    logsource: { product: 'm365', service: 'audit' },
    index: ['logs-o365.audit-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'o365.audit' },
    fields: {
      // elastic/integrations packages/o365/data_stream/audit/sample_event.json: Operation is
      // event.action ("PageViewed"); Workload ("OneDrive") is event.provider, not kept in o365.audit.
      Operation: 'event.action',
      Workload: 'event.provider',
      ObjectId: 'o365.audit.ObjectId',
      ApplicationId: 'o365.audit.ApplicationId',
      ResultStatus: 'o365.audit.ResultStatus',
      Parameters: 'o365.audit.Parameters',
    },
  },
  {
    logsource: { product: 'm365', service: 'threat_management' },
    index: ['logs-o365.audit-*', 'filebeat-*'],
    conditions: { 'event.dataset': 'o365.audit' },
    // The Sigma rules of this service match Security & Compliance Center alerts (eventSource
    // SecurityComplianceCenter, eventName = the alert's name, status success). The o365
    // integration writes those records (RecordType 40) with event.action = the Operation
    // (AlertTriggered / AlertEntityGenerated), event.provider = the Workload
    // (SecurityComplianceCenter), event.outcome success (ResultStatus Succeeded) and the alert's
    // Name in rule.name (and message): elastic/integrations
    // packages/o365/data_stream/audit/_dev/test/pipeline/test-sec-comp-alerts-events.json-expected.json.
    fields: { eventName: 'rule.name', eventSource: 'event.provider', status: 'event.outcome' },
  },
];

// Generic web server / proxy logs (ECS http, url, user_agent fields as Filebeat's web modules write them).
const ecsWeb = [
  {
    logsource: { category: 'webserver' },
    index: ['logs-*', 'filebeat-*'],
    conditions: {},
    fields: {
      'cs-uri-query': 'url.query',
      'cs-uri-stem': 'url.path',
      'cs-uri': 'url.original',
      'cs-method': 'http.request.method',
      'sc-status': 'http.response.status_code',
      'cs-user-agent': 'user_agent.original',
      'cs-referer': 'http.request.referrer',
      'cs-username': 'user.name',
      'cs-host': 'url.domain',
      'cs-content-type': 'http.request.mime_type',
      'c-ip': 'source.ip',
    },
    notes: {
      'cs-uri-query': 'url.query has no leading "?"; Sigma values often start with the query text only',
    },
  },
  {
    logsource: { category: 'proxy' },
    index: ['logs-*', 'filebeat-*'],
    conditions: {},
    fields: {
      'c-uri': 'url.original',
      'cs-uri': 'url.original',
      'c-uri-query': 'url.query',
      'cs-uri-stem': 'url.path',
      'c-uri-extension': 'url.extension',
      'c-useragent': 'user_agent.original',
      'cs-method': 'http.request.method',
      'cs-host': 'url.domain',
      'sc-status': 'http.response.status_code',
      dst_ip: 'destination.ip',
      'cs-referrer': 'http.request.referrer',
    },
    unsupported: { 'cs-cookie': 'no ECS field for the request Cookie header' },
  },
];

// Elastic Defend (the endpoint integration): elastic/endpoint-package at commit
// 19941229e4e6ced3d81f8e4c53d0a3ae19c88062. Each entry's conditions are the event's identification
// filter of custom_documentation/src/endpoint/data_stream/<stream>/<os>/<event>.yaml (event.dataset,
// event.action, host.os.type; event.module is "endpoint" on every Defend event and is left out), its
// fields those the same document lists for the event (custom_documentation/doc/endpoint/...md),
// the values' form checked against package/endpoint/data_stream/<stream>/sample_event.json. Field
// types: data/defend-fields.json (scripts/gen-defend-fields.mjs). Per entry: SOURCES.md.
const DEFEND_DOC = 'elastic/endpoint-package custom_documentation/doc/endpoint';
const defendCond = (stream, action, os) => ({
  'event.dataset': `endpoint.events.${stream}`,
  'event.action': action,
  'host.os.type': os,
});
const defendUnsupported = {
  Hashes:
    'Elastic Defend stores hashes as process.hash.md5/sha1/sha256 and process.pe.imphash, one field per algorithm; the Sysmon "ALGO=value,..." text has no counterpart',
  ProcessGuid: 'Elastic Defend identifies processes by its own process.entity_id, not the Sysmon GUID',
  ParentProcessGuid:
    'Elastic Defend identifies processes by its own process.parent.entity_id, not the Sysmon GUID',
  IntegrityLevel:
    'Elastic Defend writes process.Ext.token.integrity_level_name ("system", ...); its full value set is not documented, so a Sysmon IntegrityLevel value (or SID) has no verified counterpart',
  GrandParentImage:
    'Elastic Defend events carry no grandparent executable (process.Ext.ancestry holds entity ids)',
  ParentUser: 'Elastic Defend process events carry no parent user on Windows',
  LogonGuid: 'Elastic Defend events carry no logon GUID',
  TerminalSessionId: 'Elastic Defend events carry no terminal session id field of that name',
  Company:
    'Elastic Defend process events document no process.pe.company (windows_process_create_and_exit.md)',
  Description: 'Elastic Defend process events document no process.pe.description',
  Product: 'Elastic Defend process events document no process.pe.product',
  FileVersion: 'Elastic Defend process events document no process.pe.file_version',
};
const defendProc = {
  Image: 'process.executable',
  CommandLine: 'process.command_line',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  CurrentDirectory: 'process.working_directory',
  ProcessId: 'process.pid',
  ParentProcessId: 'process.parent.pid',
  User: 'user.name',
};
const defendActor = { Image: 'process.executable', ProcessId: 'process.pid', User: 'user.name' };
const defendNet = {
  ...defendActor,
  DestinationIp: 'destination.ip',
  DestinationPort: 'destination.port',
  SourceIp: 'source.ip',
  SourcePort: 'source.port',
  Protocol: 'network.transport',
  Initiated: 'network.direction',
};
const defendIndex = (stream) => [`logs-endpoint.events.${stream}-*`];
const defendNetUnsupported = {
  DestinationHostname: 'Elastic Defend network events carry no destination host name (only destination.ip)',
  SourceHostname: 'Elastic Defend network events carry no source host name',
  CommandLine: 'Elastic Defend network events carry no process.command_line',
  ParentImage: 'Elastic Defend network events carry no parent executable',
};
const elasticDefend = [];
for (const os of ['windows', 'linux', 'macos']) {
  const exec = os === 'windows' ? 'start' : 'exec';
  elasticDefend.push({
    logsource: { product: os, category: 'process_creation' },
    index: defendIndex('process'),
    conditions: defendCond('process', exec, os),
    fields: {
      ...defendProc,
      ...(os === 'windows'
        ? { OriginalFileName: 'process.pe.original_file_name', LogonId: 'process.Ext.authentication_id' }
        : {}),
    },
    unsupported: {
      ...defendUnsupported,
      ...(os === 'macos'
        ? {
            OriginalFileName:
              'Elastic Defend macOS exec events have no process.pe.* (macOS binaries are not PE files)',
            ParentCommandLine: 'Elastic Defend macOS exec events have no process.parent.command_line',
            CurrentDirectory: 'Elastic Defend macOS exec events have no process.working_directory',
          }
        : {}),
    },
    ...(os === 'windows' ? { domainSplit: { 'user.name': 'user.domain' } } : {}),
    notes: {
      '*': `${DEFEND_DOC}/process/${os}/${os}_process_${os === 'windows' ? 'create_and_exit' : 'fork_exec_exit'}.md`,
    },
  });
  elasticDefend.push({
    logsource: { product: os, category: 'file_event' },
    index: defendIndex('file'),
    conditions: defendCond('file', os === 'windows' ? ['creation', 'overwrite'] : 'creation', os),
    fields: { TargetFilename: 'file.path', ...defendActor },
    unsupported: defendUnsupported,
    ...(os === 'windows' ? { domainSplit: { 'user.name': 'user.domain' } } : {}),
    notes: {
      '*': `${DEFEND_DOC}/file/${os}/${os}_file_create.md (Windows: also _overwrite.md, as Sysmon event 11 fires on both)`,
    },
  });
  elasticDefend.push({
    logsource: { product: os, category: 'file_delete' },
    index: defendIndex('file'),
    conditions: defendCond('file', 'deletion', os),
    fields: { TargetFilename: 'file.path', ...defendActor },
    unsupported: defendUnsupported,
    ...(os === 'windows' ? { domainSplit: { 'user.name': 'user.domain' } } : {}),
    notes: { '*': `${DEFEND_DOC}/file/${os}/${os}_file_delete.md` },
  });
  elasticDefend.push({
    logsource: { product: os, category: 'network_connection' },
    index: defendIndex('network'),
    conditions: defendCond(
      'network',
      os === 'macos'
        ? ['connection_attempted', 'disconnect_received']
        : ['connection_attempted', 'connection_accepted', 'disconnect_received'],
      os,
    ),
    fields: defendNet,
    valueMaps: { Initiated: { true: 'egress', false: 'ingress' } },
    unsupported: { ...defendUnsupported, ...defendNetUnsupported },
    ...(os === 'windows' ? { domainSplit: { 'user.name': 'user.domain' } } : {}),
    notes: {
      '*': `${DEFEND_DOC}/network/${os}/${os}_network_${os === 'macos' ? 'connection_attempted_and_disconnect' : 'attempted_accepted_and_disconnect'}.md; network.direction "egress" in package/endpoint/data_stream/network/sample_event.json`,
    },
  });
}
elasticDefend.push({
  logsource: { product: 'windows', category: 'image_load' },
  index: defendIndex('library'),
  conditions: defendCond('library', 'load', 'windows'),
  fields: {
    ImageLoaded: 'dll.path',
    OriginalFileName: 'dll.pe.original_file_name',
    FileVersion: 'dll.pe.file_version',
    Signature: 'dll.code_signature.subject_name',
    ...defendActor,
  },
  unsupported: {
    ...defendUnsupported,
    Company: 'Elastic Defend library events document no dll.pe.company',
    Description: 'Elastic Defend library events document no dll.pe.description',
    Product: 'Elastic Defend library events document no dll.pe.product',
    FileVersion: undefined,
    Signed:
      'Elastic Defend writes dll.code_signature.exists/trusted (booleans), not the Sysmon "true"/"false" Signed text; their correspondence is not documented',
    SignatureStatus:
      'Elastic Defend writes dll.code_signature.status with its own values ("trusted", "errorExpired", ...), not Sysmon\'s ("Valid", "Expired", ...)',
    CommandLine: 'Elastic Defend library events carry no process.command_line',
  },
  domainSplit: { 'user.name': 'user.domain' },
  notes: { '*': `${DEFEND_DOC}/library/windows/windows_library_load.md` },
});
elasticDefend.push({
  logsource: { product: 'windows', category: 'dns_query' },
  index: defendIndex('network'),
  conditions: defendCond('network', 'lookup_requested', 'windows'),
  fields: { QueryName: 'dns.question.name', ...defendActor },
  unsupported: {
    ...defendUnsupported,
    QueryStatus:
      'Elastic Defend lookup_requested events carry no status (dns.Ext.status is on lookup_result, with its own codes)',
    QueryResults:
      'Elastic Defend lookup_requested events carry no results (dns.resolved_ip is on lookup_result)',
  },
  domainSplit: { 'user.name': 'user.domain' },
  notes: { '*': `${DEFEND_DOC}/network/windows/windows_network_dns_lookup_requested.md` },
});
// Not mapped: registry events. Defend's registry.path holds the key as the kernel reports it
// (package/endpoint/data_stream/registry/sample_event.json: "HKLM\\SYSTEM\\ControlSet001\\...")
// where Sysmon writes "CurrentControlSet" (and "HKU\\..." forms): a Sigma TargetObject value would
// miss Defend events, the forbidden direction, until a value mapping is written and checked.
for (const e of elasticDefend)
  for (const [k, v] of Object.entries(e.unsupported ?? {}))
    if (v === undefined || e.fields[k]) delete e.unsupported[k];

// GitHub audit log: elastic/integrations packages/github/data_stream/audit/elasticsearch/ingest_pipeline/default.yml
// (commit 870a41e6a55bb13f02fd56f743c6ae07c815d8c1): `rename` json.action -> event.action, json.actor ->
// user.name, json.org -> github.org, json.user -> user.target.name, json.repo -> github.repo, json.team
// -> github.team; types from packages/github/data_stream/audit/fields/fields.yml (commit
// 4ab4d67adc63ad9d7c424f9f0f3737bac5b05292: github.org/team/repo keyword).
ecsCloud.push({
  logsource: { product: 'github', service: 'audit' },
  index: ['logs-github.audit-*'],
  conditions: { 'event.dataset': 'github.audit' },
  fields: {
    action: 'event.action',
    actor: 'user.name',
    org: 'github.org',
    user: 'user.target.name',
    repo: 'github.repo',
    team: 'github.team',
  },
});

// Kubernetes audit logs: elastic/integrations packages/kubernetes/data_stream/audit_logs: the audit
// Event is stored as it comes under kubernetes.audit.* with its own (camelCase) names
// (fields/fields.yml, commit a6f7f6f8668fbf9941a984e6d9b6e5b40c5899de: verb, requestURI, userAgent,
// objectRef.resource/namespace/name/apiGroup/subresource keyword, responseStatus.code integer;
// sample_event.json, commit 8f7e7ee3623df0ac82466ac3887ed7e5941b66fc: event.dataset
// kubernetes.audit_logs, verb "get", requestURI "/readyz", responseStatus.code 200); the ingest
// pipeline (elasticsearch/ingest_pipeline/default.yml, commit ad9739726c7dfda6d028d77bcf780a397508dd78)
// only copies some of them to ECS (user.name, user_agent.original, source.ip, event.action).
const K8S = 'kubernetes.audit.';
ecsCloud.push({
  logsource: { product: 'kubernetes', service: 'audit' },
  index: ['logs-kubernetes.audit_logs-*'],
  conditions: { 'event.dataset': 'kubernetes.audit_logs' },
  fields: {
    ...Object.fromEntries(
      [
        'verb',
        'requestURI',
        'userAgent',
        'stage',
        'level',
        'auditID',
        'objectRef.resource',
        'objectRef.namespace',
        'objectRef.name',
        'objectRef.apiGroup',
        'objectRef.apiVersion',
        'objectRef.subresource',
        'responseStatus.code',
        'responseStatus.status',
        'responseStatus.reason',
        'user.username',
        'impersonatedUser.username',
      ].map((f) => [f, K8S + f]),
    ),
    // The audit Event has no top-level apiGroup: the rules mean the referenced object's API group
    // ("apps", "authorization.k8s.io"), objectRef.apiGroup.
    apiGroup: `${K8S}objectRef.apiGroup`,
    // A pod spec's volumes[].hostPath, stored flattened (`hostPath: '*'`: the request has one).
    hostPath: `${K8S}requestObject.spec.volumes.hostPath`,
  },
  unsupported: {
    capabilities:
      'the Kubernetes integration declares only requestObject.spec.containers.securityContext.capabilities.add: a container whose capabilities only drop would be missed',
  },
});

// Zeek (elastic/integrations packages/zeek/data_stream/<log>/elasticsearch/ingest_pipeline/default.yml):
// every pipeline parses the log's JSON into zeek.<log>.* with Zeek's own names, then renames the
// connection id (id.orig_h/p -> source.address/port, id.resp_h/p -> destination.address/port, copied
// to source.ip / destination.ip) and uid -> zeek.session_id, removes ts, and renames the fields
// listed per log below. Any other field stays zeek.<log>.<name> (unmappedFieldPrefix). Index
// logs-zeek.<log>-*, event.dataset zeek.<log> (each log's sample_event.json).
const zeekId = {
  'id.orig_h': 'source.ip',
  'id.orig_p': 'source.port',
  'id.resp_h': 'destination.ip',
  'id.resp_p': 'destination.port',
  uid: 'zeek.session_id',
};
const zeek = (log, fields = {}, unsupported = undefined) => ({
  logsource: { product: 'zeek', service: log },
  index: [`logs-zeek.${log}-*`],
  conditions: { 'event.dataset': `zeek.${log}` },
  fields: { ...zeekId, ...fields },
  unmappedFieldPrefix: `zeek.${log}.`,
  ...(unsupported ? { unsupported } : {}),
});
ecsCloud.push(
  // dns (commit 960ebbd68f4d3ef5d8f50a2d205e275c2e0b0489): proto -> network.transport; query,
  // qtype_name, answers, rejected stay under zeek.dns (dns.question.name is the registered_domain
  // processor's output of query, also kept); Z, auth, addl are removed.
  zeek(
    'dns',
    { proto: 'network.transport' },
    {
      Z: 'the Zeek integration removes zeek.dns.Z (dns/elasticsearch/ingest_pipeline/default.yml)',
      auth: 'the Zeek integration removes zeek.dns.auth',
      addl: 'the Zeek integration removes zeek.dns.addl',
    },
  ),
  // http (commit 2614aa8f4016f4ae8d2e4fabf10015e729a53039): method -> http.request.method, referrer
  // -> http.request.referrer, status_code -> http.response.status_code, version -> http.version,
  // request/response_body_len -> http.request/response.body.bytes, uri -> url.original (uri_parts, then
  // removed), host -> url.domain, username/password -> url.username/password, user_agent ->
  // user_agent.original.
  zeek('http', {
    method: 'http.request.method',
    referrer: 'http.request.referrer',
    status_code: 'http.response.status_code',
    version: 'http.version',
    request_body_len: 'http.request.body.bytes',
    response_body_len: 'http.response.body.bytes',
    uri: 'url.original',
    host: 'url.domain',
    username: 'url.username',
    password: 'url.password',
    user_agent: 'user_agent.original',
  }),
  // dce_rpc (commit 47b0c8da4c636ac3e7ad0af112d007d5eec8214d): endpoint, operation, named_pipe stay
  // (operation also copied to event.action); sample_event.json (commit bb1446d3abba7416b2447c0d579e88a0da3d9fe5):
  // zeek.dce_rpc.endpoint "browser", operation "BrowserrQueryOtherDomains".
  zeek('dce_rpc'),
  // smb_files (commit 0af261f6b41a8f5e68f00c9d16bc81f46acbde32): name and path stay (name also copied
  // to file.name; file.path is path + "\\" + name, another value); sample_event.json (commit
  // ec6459ccfb8a78357ad06eada94466b0b9520aac): zeek.smb_files.path "\\\\admin-pc\\ADMIN$", name "PSEXESVC.exe".
  zeek('smb_files'),
);

// Types of non-ECS targets (ECS targets: see ecs-fields.json).
const fieldTypes = {
  'kubernetes.audit.verb': 'keyword',
  'kubernetes.audit.requestURI': 'keyword',
  'kubernetes.audit.userAgent': 'keyword',
  'kubernetes.audit.stage': 'keyword',
  'kubernetes.audit.level': 'keyword',
  'kubernetes.audit.auditID': 'keyword',
  'kubernetes.audit.objectRef.resource': 'keyword',
  'kubernetes.audit.objectRef.namespace': 'keyword',
  'kubernetes.audit.objectRef.name': 'keyword',
  'kubernetes.audit.objectRef.apiGroup': 'keyword',
  'kubernetes.audit.objectRef.apiVersion': 'keyword',
  'kubernetes.audit.objectRef.subresource': 'keyword',
  'kubernetes.audit.responseStatus.code': 'integer',
  'kubernetes.audit.responseStatus.status': 'keyword',
  'kubernetes.audit.responseStatus.reason': 'keyword',
  'kubernetes.audit.user.username': 'keyword',
  'kubernetes.audit.impersonatedUser.username': 'keyword',
  'kubernetes.audit.requestObject.spec.volumes.hostPath': 'flattened',
  'winlog.event_id': 'keyword',
  'winlog.channel': 'keyword',
  'winlog.provider_name': 'keyword',
  'winlog.computer_name': 'keyword',
  'winlog.event_data.*': 'keyword',
  'sysmon.dns.status': 'keyword',
  'sysmon.file.is_executable': 'boolean',
  'sysmon.file.archived': 'boolean',
  'powershell.file.script_block_text': 'text',
  'powershell.file.script_block_id': 'keyword',
  'powershell.sequence': 'long',
  'powershell.total': 'long',
  'auditd.log.record_type': 'keyword',
  'auditd.log.key': 'keyword',
  'auditd.log.a0': 'keyword',
  'auditd.log.a1': 'keyword',
  'auditd.log.a2': 'keyword',
  'auditd.log.a3': 'keyword',
  'auditd.log.nametype': 'keyword',
  'auditd.log.unit': 'keyword',
  'auditd.log.syscall': 'keyword',
  'aws.cloudtrail.event_type': 'keyword',
  'aws.cloudtrail.error_code': 'keyword',
  'aws.cloudtrail.error_message': 'keyword',
  'aws.cloudtrail.request_parameters': 'keyword',
  'aws.cloudtrail.response_elements': 'keyword',
  'aws.cloudtrail.user_identity.type': 'keyword',
  'aws.cloudtrail.user_identity.arn': 'keyword',
  'aws.cloudtrail.user_identity.session_context.session_issuer.type': 'keyword',
  'aws.cloudtrail.flattened.*': 'flattened',
  'aws.cloudtrail.console_login.additional_eventdata.mfa_used': 'boolean',
  'okta.display_message': 'keyword',
  'okta.actor.alternate_id': 'keyword',
  'okta.target.display_name': 'keyword',
  'okta.outcome.result': 'keyword',
  'okta.outcome.reason': 'keyword',
  'okta.security_context.is_proxy': 'boolean',
  'okta.debug_context.debug_data.flattened.*': 'flattened',
  'azure.activitylogs.operation_name': 'keyword',
  'azure.activitylogs.category': 'keyword',
  'azure.resource.id': 'keyword',
  'azure.resource.provider': 'keyword',
  'azure.signinlogs.properties.status.error_code': 'long',
  'azure.signinlogs.result_type': 'keyword',
  'azure.signinlogs.result_description': 'keyword',
  'azure.signinlogs.properties.authentication_requirement': 'keyword',
  'azure.signinlogs.properties.client_app_used': 'keyword',
  'azure.signinlogs.properties.conditional_access_status': 'keyword',
  'azure.signinlogs.properties.device_detail.is_compliant': 'boolean',
  'azure.signinlogs.properties.device_detail.device_id': 'keyword',
  'azure.signinlogs.properties.device_detail.trust_type': 'keyword',
  'azure.signinlogs.properties.user_principal_name': 'keyword',
  'azure.auditlogs.operation_name': 'keyword',
  'azure.auditlogs.properties.category': 'keyword',
  'azure.auditlogs.properties.logged_by_service': 'keyword',
  'azure.auditlogs.properties.activity_display_name': 'keyword',
  'azure.auditlogs.properties.result': 'keyword',
  'gcp.audit.authorization_info.permission': 'keyword',
  'gcp.audit.authorization_info.granted': 'boolean',
  'o365.audit.ObjectId': 'keyword',
  'o365.audit.ApplicationId': 'keyword',
  'o365.audit.ResultStatus': 'keyword',
  'o365.audit.Parameters': 'flattened',
  'github.org': 'keyword',
  'github.repo': 'keyword',
  'github.team': 'keyword',
};

// Fields whose values Elastic's integrations write as lowercase constants: a case-insensitive Sigma
// value on them is matched exactly by its lowercase form (used while an ECS entry is chosen).
// - network.direction, network.type: set to "egress"/"ingress", "ipv4"/"ipv6" by the Windows
//   integration (packages/windows/data_stream/sysmon_operational/elasticsearch/ingest_pipeline/default.yml,
//   `set: field: network.direction value: egress`); ECS network.yml expected_values are lowercase.
// - event.kind, event.category, event.type, event.outcome: ECS categorization fields take only the
//   lowercase allowed_values of ECS schemas/event.yml (ECS "Categorization Fields").
// - <ns>.hash.md5/sha1/sha256, <ns>.pe.imphash (process and file): the Sysmon pipeline's hash script
//   stores `entry.getValue().toString().toLowerCase()` (default.yml, see sysmonHashes above).
const lowercaseFields = [
  ...Object.values(sysmonHashes('process').algos),
  ...Object.values(sysmonHashes('file').algos),
  'network.direction',
  'network.type',
  'event.kind',
  'event.category',
  'event.type',
  'event.outcome',
];

const out = {
  $comment: [
    'Sigma -> ECS field mappings for the Elastic KQL backend. Generated by gen-pipelines.mjs; edit that file.',
    'Matching: an entry applies when every key of its "logsource" equals the rule\'s logsource; among matches use the one with the most keys (category/service beat product-only). Entries are listed most specific first.',
    '"fields": Sigma field -> target field. "unmappedFieldPrefix": any other field becomes <prefix><SigmaField> (Windows service fallback: winlog.event_data.<Field>, as Winlogbeat writes EventData). Without it an unmapped field is an error.',
    '"unsupported": fields that cannot be mapped faithfully, with the reason: the backend should reject the rule with that message.',
    '"conditions": fixed conditions to AND into the query (string = equals; array = any of). "valueMaps": per-field value rewrites to apply before emitting (Sigma value -> stored value).',
    '"index": index patterns for the Kibana rule. "notes": caveats per field. "fieldTypes": Elasticsearch types of non-ECS targets (ECS targets: ecs-fields.json).',
    'winlog.event_id is keyword (Winlogbeat fields.common.yml), so EventID values are compared as strings; winlog.event_data.* is an object of keyword.',
  ],
  'ecs-windows': ecsWindows,
  'ecs-linux': ecsLinux,
  'ecs-cloud': ecsCloud,
  'ecs-web': ecsWeb,
  'elastic-defend': elasticDefend,
  fieldTypes,
  lowercaseFields,
};
const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, 'pipelines.json'), JSON.stringify(out, null, 1) + '\n');
console.log('wrote pipelines.json:', ecsWindows.length, ecsLinux.length, ecsCloud.length, 'entries');
