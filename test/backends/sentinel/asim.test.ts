/**
 * `-p sentinel-asim`: rules as queries of the ASIM unifying parsers, bound with Microsoft's Kusto
 * parser against the declared ASIM schemas (data/asim-schemas.json) and evaluated with the Kusto
 * interpreter on rows written from Microsoft's ASIM schema references (cited per row set).
 */
import fc from 'fast-check';
import { sentinelBackend } from '../../../backends/sentinel-kql/index.js';
import { tableSchemas } from '../../../backends/sentinel-kql/data.js';
import { logsourceData } from '../../../backends/sentinel-kql/pipelines.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { compileRule } from '../../../src/evaluate/compile.js';
import type { RuleResult } from '../../../src/backend.js';
import { convertWith, indented, PROCESS_CREATION, ruleText } from '../../support/convert.js';
import { evalKusto } from '../../support/eval-kusto.js';
import { bindKusto } from '../../support/kusto.js';
import { verdicts, type Row, type Variant } from '../../support/vendor-rows.js';

const SCHEMAS = tableSchemas() as Record<string, Record<string, string>>;

function convert(detection: string, logsource = PROCESS_CREATION) {
  return convertWith(sentinelBackend, ruleText(indented(detection), { logsource }), {
    pipelines: ['sentinel-asim'],
  });
}

/**
 * An exact conversion's query, which reads `table` and binds against the ASIM schemas: whether it
 * matches a row (evaluated with the table's columns).
 */
function exactOn(r: RuleResult, table: string): (row: Row) => boolean {
  expect(r.status).toBe('exact');
  const q = r.queries[0];
  expect(q.split('\n')[0]).toBe(table);
  expect(bindKusto(q, SCHEMAS).errors).toEqual([]);
  return (row) => evalKusto(q, row, SCHEMAS[table]);
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
  const rows: Variant[] = [
    [{}, true],
    [{ ActingProcessName: 'C:\\Windows\\explorer.exe' }, false],
    [{ TargetProcessName: 'C:\\Temp\\whoami.exe.bak' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_ProcessCreate'), WHOAMI, rows)).toEqual(rows);
});

test('a field the schema lacks is refused with the reason', () => {
  const r = convert("sel:\n  LogonId: '0x3e7'\ncondition: sel");
  expect(r.status).toBe('unsupported');
  expect(r.diagnostics[0].message).toMatch(
    /field 'LogonId' has no faithful column in _Im_ProcessCreate: .*TargetUserSessionId/,
  );
});

/*
 * Hashes: Sysmon writes the digests it is configured for as ALGORITHM=HEX joined by commas, in the
 * order SHA1, MD5, SHA256, IMPHASH, hex upper-case (the corpus's regression_data events: "SHA1=..,
 * MD5=..,SHA256=..,IMPHASH=.." and "MD5=..,SHA256=..,IMPHASH=.."). ASIM keeps one column per
 * digest (normalization-schema-process-event: TargetProcessMD5, TargetProcessSHA1,
 * TargetProcessSHA256, TargetProcessIMPHASH); a source may store them lower-case.
 */
test('Hashes is rebuilt in Sysmon form from the ASIM digest columns', () => {
  const r = convert(
    "sel:\n  Hashes|contains:\n    - 'IMPHASH=BF6223A49E45D99094406777EB6004BA'\n    - 'MD5=6C2A6C0B1E1F23B6C1C7E7E4C5E0E7A5,SHA256='\ncondition: sel",
  );
  const md5 = { TargetProcessMD5: '6C2A6C0B1E1F23B6C1C7E7E4C5E0E7A5', TargetProcessSHA256: 'ab' };
  const rows: Variant[] = [
    [{ TargetProcessIMPHASH: 'bf6223a49e45d99094406777eb6004ba' }, true],
    [{ TargetProcessIMPHASH: 'aaaa' }, false],
    // The MD5 and SHA256 digests are adjacent in Sysmon's list, so a value across them matches.
    [md5, true],
    [{ ...md5, TargetProcessSHA256: '' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_ProcessCreate'), WHOAMI, rows)).toEqual(rows);
  const cols = SCHEMAS._Im_ProcessCreate;
  // The whole list, as Sysmon writes it for these digests.
  const whole = convert(
    "sel:\n  Hashes: 'SHA1=0AE1F9071C5E8FE4A69D3F671937935D242D8A6C,IMPHASH=E96A73C7BF33A464C510EDE582318BF2'\ncondition: sel",
  );
  const both = {
    ...WHOAMI,
    TargetProcessSHA1: '0ae1f9071c5e8fe4a69d3f671937935d242d8a6c',
    TargetProcessIMPHASH: 'E96A73C7BF33A464C510EDE582318BF2',
  };
  expect(evalKusto(whole.queries[0], both, cols)).toBe(true);
  expect(
    evalKusto(whole.queries[0], { ...both, TargetProcessMD5: 'CCF1D1573F175299ADE01C07791A6541' }, cols),
  ).toBe(false);
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
  const row = {
    EventType: 'RegistryValueSet',
    RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
    RegistryValue: 'Updater',
    RegistryValueData: 'C:\\Users\\Public\\u.exe',
    ActingProcessName: 'C:\\Windows\\System32\\reg.exe',
  };
  const rows: Variant[] = [
    [{}, true],
    [{ RegistryKey: 'HKEY_USERS\\S-1-5-21\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run' }, false],
    [{ EventType: 'RegistryKeyCreated' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_RegistryEvent'), row, rows)).toEqual(rows);
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
  expect(
    verdicts(exactOn(dns, '_Im_Dns'), { DnsQuery: 'abc.ONION', SrcIpAddr: '10.0.0.9' }, [[{}, true]]),
  ).toEqual([[{}, true]]);
  const net = convert(
    'sel:\n  DestinationPort: 4444\ncondition: sel',
    '  product: windows\n  category: network_connection',
  );
  const rows: Variant[] = [
    [{}, true],
    [{ DstPortNumber: 443 }, false],
  ];
  expect(
    verdicts(exactOn(net, '_Im_NetworkSession'), { DstPortNumber: 4444, DstIpAddr: '10.0.0.5' }, rows),
  ).toEqual(rows);
});

/*
 * WebSession rows (learn.microsoft.com/azure/sentinel/normalization-schema-web): EventType
 * WebServerSession ("an HTTP request reported by a web server ... The URL reported should not
 * include a schema and a server name, but only the path and parameters part of the URL") or
 * HTTPsession (proxies, web security gateways: the URL "may include the schema and should include
 * the server name"); Url "The HTTP request URL, including parameters" (example
 * `https://contoso.com/fo/?k=v&q=u#f`); HttpRequestMethod the RFC 7231 method (`GET`);
 * EventResultDetails "The HTTP status code" (a string: the ASimWebSessionLogs table reference) and
 * its alias HttpStatusCode (the column the rules test: Microsoft's IIS parser writes it as text);
 * HttpUserAgent (example `Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 ...`).
 * Microsoft's IIS parser writes Url with scheme and server (Parsers/ASimWebSession/Parsers/
 * vimWebSessionIIS.yaml: strcat(schema, host, port, csUriStem "?" csUriQuery)): both forms.
 */
const web = (d: string, category = 'webserver') => convert(d, `  category: ${category}`);
const UA =
  'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.97 Safari/537.36';
const IIS_ROW = {
  EventType: 'WebServerSession',
  Url: '/ecp/default.aspx?__VIEWSTATEGENERATOR=B97B4E27&__VIEWSTATE=%2FwEy',
  HttpRequestMethod: 'GET',
  EventResultDetails: '200',
  HttpStatusCode: '200',
  EventResult: 'Success',
  HttpUserAgent: UA,
  SrcIpAddr: '198.51.100.7',
};

test('webserver: _Im_WebSession web server sessions, W3C stem and query rebuilt from Url', () => {
  const r = web(
    "sel:\n  cs-method: 'get'\n  cs-uri-stem|endswith: '/ecp/default.aspx'\n  cs-uri-query|startswith: '__VIEWSTATEGENERATOR=B97B4E27'\n  sc-status: 200\ncondition: sel",
  );
  const rows: Variant[] = [
    [{}, true],
    // The IIS parser's form: scheme, server and port before the path.
    [{ Url: 'https://mail.contoso.com:8443' + IIS_ROW.Url }, true],
    [{ EventResultDetails: '404', HttpStatusCode: '404' }, false],
    // The query is after the first '?' only; the path ends before it.
    [{ Url: '/x/__VIEWSTATEGENERATOR=B97B4E27/ecp/default.aspx' }, false],
    [{ Url: '/ecp/default.aspx/x?__VIEWSTATEGENERATOR=B97B4E27' }, false],
    // A proxy's session is not a web server's log.
    [{ EventType: 'HTTPsession' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_WebSession'), IIS_ROW, rows)).toEqual(rows);
});

test('webserver: user agent, referrer, user and the fields refused with the reason', () => {
  const r = web(
    "sel:\n  cs-user-agent|contains: 'WOW64'\n  cs-username|endswith: '$'\n  c-ip|cidr: '198.51.100.0/24'\ncondition: sel",
  );
  const rows: Variant[] = [
    [{ SrcUsername: 'CONTOSO\\WKS01$' }, true],
    [{ SrcUsername: 'alice' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_WebSession'), IIS_ROW, rows)).toEqual(rows);
  for (const [field, why] of [
    ['cs-host', /HttpHost is the virtual web server/],
    ['cs-cookie', /no cookie column/],
    ['s-ip', /Host header/],
  ] as const) {
    const x = web(`sel:\n  ${field}|contains: 'a'\ncondition: sel`);
    expect(x.status).toBe('unsupported');
    expect(x.diagnostics.map((d) => d.message).join('\n')).toMatch(why);
  }
});

const PROXY_ROW = {
  EventType: 'HTTPsession',
  Url: 'http://files.example.org/dl/update.EXE?id=7&k=v',
  HttpHost: 'files.example.org',
  HttpRequestMethod: 'GET',
  EventResultDetails: '200',
  HttpStatusCode: '200',
  HttpUserAgent: UA,
  SrcIpAddr: '10.1.2.3',
  DstIpAddr: '203.0.113.9',
};

test('proxy: HTTP sessions, URL extension and query rebuilt from Url, host from HttpHost', () => {
  const r = web(
    "sel:\n  c-uri-extension: 'exe'\n  cs-host|endswith: '.org'\n  c-uri-query|contains: 'k=v'\n  c-useragent|contains: 'Chrome/'\ncondition: sel",
    'proxy',
  );
  const rows: Variant[] = [
    [{}, true],
    // No scheme: the URL starts with the server name (HTTPsession "should include the server name").
    [{ Url: 'files.example.org/dl/update.exe?k=v' }, true],
    [{ Url: 'http://files.example.org/dl/update.exe.zip?k=v' }, false],
    [{ Url: 'http://files.example.exe/dl/?k=v' }, false],
    [{ EventType: 'WebServerSession' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_WebSession'), PROXY_ROW, rows)).toEqual(rows);
  const cols = SCHEMAS._Im_WebSession;
  // c-uri is the whole Url, as the schema's example.
  const uri = web("sel:\n  c-uri|endswith: '/fo/?k=v&q=u#f'\ncondition: sel", 'proxy');
  expect(evalKusto(uri.queries[0], { ...PROXY_ROW, Url: 'https://contoso.com/fo/?k=v&q=u#f' }, cols)).toBe(
    true,
  );
});

/*
 * Authentication rows (learn.microsoft.com/azure/sentinel/normalization-schema-authentication):
 * EventType Logon / Logoff / Elevate; EventResult Success / Failure / Partial / NA;
 * TargetUsername "including domain information when available" (the User alias example
 * `CONTOSO\dadmin`); LogonProtocol (example `NTLM`); EventSubType the sign-in type. As Microsoft's
 * Windows parsers fill them (Azure/Azure-Sentinel Parsers/ASimAuthentication/Parsers/
 * ASimAuthenticationMicrosoftSecurityEvents.yaml, ...WindowsEvent.yaml): EventVendor `Microsoft`,
 * EventProduct `Security Events`, EventOriginalType the event id as text, EventSubType from
 * LogonType (10 -> RemoteInteractive, 3 -> Network, ...), ActorUserId / TargetUserId the SIDs.
 */
const LOGON = {
  EventVendor: 'Microsoft',
  EventProduct: 'Security Events',
  EventType: 'Logon',
  EventResult: 'Success',
  EventOriginalType: '4624',
  EventSubType: 'RemoteInteractive',
  TargetUsername: 'CONTOSO\\dadmin',
  TargetUserId: 'S-1-5-21-1004336348-1177238915-682003330-512',
  LogonProtocol: 'NTLM',
  ActorUsername: 'CONTOSO\\WKS01$',
  TargetSessionId: '0x8d4e2b',
};
const security = (d: string) => convert(d, '  product: windows\n  service: security');

test('windows security logons: _Im_Authentication, EventID, LogonType and user names translated', () => {
  const r = security(
    "sel:\n  EventID: 4624\n  LogonType: 10\n  TargetUserName: 'dadmin'\n  AuthenticationPackageName: 'ntlm'\ncondition: sel",
  );
  const rows: Variant[] = [
    [{}, true],
    // A simple user name (no domain) is stored alone.
    [{ TargetUsername: 'dadmin' }, true],
    [{ TargetUsername: 'CONTOSO\\xdadmin' }, false],
    [{ EventSubType: 'Network' }, false],
    [{ EventOriginalType: '4625', EventResult: 'Failure' }, false],
    // Another source's sign-in with the same user name is not a Windows Security event.
    [{ EventProduct: 'Entra ID' }, false],
  ];
  expect(verdicts(exactOn(r, '_Im_Authentication'), LOGON, rows)).toEqual(rows);
  // not LogonType 3: a logon type the parsers do not list (EventSubType empty) is not 3.
  const n = security('sel:\n  EventID: [4624, 4625]\nf:\n  LogonType: 3\ncondition: sel and not f');
  const notThree: Variant[] = [
    [{ EventSubType: '' }, true],
    [{ EventSubType: 'Network' }, false],
  ];
  expect(verdicts(exactOn(n, '_Im_Authentication'), LOGON, notThree)).toEqual(notThree);
});

test('windows security rules the parsers cannot answer are refused, each with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    // No EventID: other Security events match the rule too, and _Im_Authentication has none.
    ["sel:\n  TargetUserName: 'x'\ncondition: sel", /holds only the Windows logon and logoff events/],
    ['sel:\n  EventID: 4688\ncondition: sel', /holds only the Windows logon and logoff events/],
    ['sel:\n  EventID: [4624, 4648]\ncondition: sel', /holds only/],
    ["a:\n  EventID: 4624\nb:\n  TargetUserName: 'x'\ncondition: a or b", /holds only/],
    // LogonType 12 (CachedRemoteInteractive) has no EventSubType of its own in the parsers.
    ['sel:\n  EventID: 4624\n  LogonType: 12\ncondition: sel', /no value of its own in EventSubType/],
    ["sel:\n  EventID: 4624\n  LogonType|startswith: '1'\ncondition: sel", /no value of its own/],
    ["sel:\n  EventID: 4625\n  IpAddress: '-'\ncondition: sel", /field 'IpAddress' has no faithful column/],
    [
      "sel:\n  EventID: 4625\n  Status: '0xc000006d'\ncondition: sel",
      /field 'Status' has no faithful column/,
    ],
  ];
  for (const [d, why] of cases) {
    const r = security(d);
    expect(r.status).toBe('unsupported');
    expect(r.queries).toEqual([]);
    expect(r.diagnostics.map((x) => x.message).join('\n')).toMatch(why);
  }
});

test('every column an ASIM entry names is a column of its parser schema (asim-schemas.json)', () => {
  const problems: string[] = [];
  for (const e of logsourceData()['sentinel-asim']) {
    const cols = SCHEMAS[e.table];
    const named = [
      ...Object.values(e.fields ?? {}),
      ...Object.keys(e.conditions ?? {}),
      ...Object.values(e.enums ?? {}).map((x) => x.column),
    ];
    for (const c of named) if (!cols || cols[c] === undefined) problems.push(`${e.table}: ${c}`);
    // A derived field's expression reads only the schema's columns.
    for (const [f, d] of Object.entries(e.derived ?? {}))
      for (const id of d.expr.replace(/@?"(?:[^"\\]|\\.)*"/g, '').match(/\b[A-Z][A-Za-z0-9]*\b/g) ?? [])
        if (!cols || cols[id] === undefined) problems.push(`${e.table}: ${f} reads ${id}`);
  }
  expect(problems).toEqual([]);
});

/*
 * The W3C path and query rebuilt from Url agree with the reference evaluator on the W3C fields:
 * for a request `stem` + `?` + `query` written as ASIM does (the schema's WebServerSession form
 * `/stem?query`, and the IIS parser's `https://host:port/stem?query`), the rule on cs-uri-stem or
 * cs-uri-query matches the ASIM row exactly when it matches the W3C event.
 */
test('webserver: cs-uri-stem / cs-uri-query from Url agree with the reference evaluator', () => {
  const text = (chars: string[], min: number) =>
    fc.string({ unit: fc.constantFrom(...chars), minLength: min });
  const pathChars = ['a', 'B', '/', '.', '%', '2', 'e', '~', '#', '=', '&', ' ', 'x'];
  const queryChars = [...pathChars, '?'];
  // A literal '?' is written `\?` in a Sigma value (the generated texts hold no '*', '\\' or quote).
  const plain = (s: string) => s.replace(/\?/g, '\\?');
  const seen = { true: 0, false: 0 };
  fc.assert(
    fc.property(
      text(pathChars, 0).map((s) => '/' + s),
      fc.option(text(queryChars, 0), { nil: undefined }),
      fc.constantFrom('', 'https://www.contoso.com', 'http://10.0.0.5:8080'),
      fc.constantFrom('cs-uri-stem', 'cs-uri-query'),
      fc.constantFrom('', '|contains', '|startswith', '|endswith'),
      fc.nat(),
      fc.nat(),
      (stem, query, prefix, field, op, a, b) => {
        // A value from the field, or across the '?' (which must not match the other field's text).
        const whole = stem + '?' + (query ?? '');
        const source = b % 3 === 0 ? whole : field === 'cs-uri-stem' ? stem : (query ?? '');
        const from = source.length ? a % source.length : 0;
        const value = plain(source.slice(from, from + 1 + (b % 6)));
        fc.pre(value.length > 0);
        const r = web(`sel:\n  ${field}${op}: '${value}'\ncondition: sel`);
        expect(r.status).toBe('exact');
        const row = {
          EventType: 'WebServerSession',
          Url: prefix + stem + (query === undefined ? '' : '?' + query),
        };
        const event = { 'cs-uri-stem': stem, 'cs-uri-query': query ?? '' };
        const loaded = loadRuleFromText(
          ruleText(indented(`sel:\n  ${field}${op}: '${value}'\ncondition: sel`), {
            logsource: '  category: webserver',
          }),
          'r.yml',
        );
        const expected = compileRule(loaded.ir!)(event);
        seen[expected ? 'true' : 'false']++;
        expect(evalKusto(r.queries[0], row, SCHEMAS._Im_WebSession)).toBe(expected);
      },
    ),
    { numRuns: 150 },
  );
  // Both outcomes were exercised.
  expect(seen.true).toBeGreaterThan(20);
  expect(seen.false).toBeGreaterThan(20);
});
