/** CIDR values: parsed IPv4 and IPv6 networks. */
import { parseCidr } from '../../src/ir/cidr.js';
import { buildSel, strip } from './helpers.js';

describe('parseCidr', () => {
  test.each<[string, 4 | 6, string, number, boolean]>([
    ['10.0.0.0/8', 4, '10.0.0.0', 8, false],
    ['192.168.1.5/32', 4, '192.168.1.5', 32, false],
    ['192.168.1.5', 4, '192.168.1.5', 32, false],
    ['0.0.0.0/0', 4, '0.0.0.0', 0, false],
    ['10.1.2.3/8', 4, '10.0.0.0', 8, true],
    ['172.16.0.0/12', 4, '172.16.0.0', 12, false],
    ['172.31.255.255/12', 4, '172.16.0.0', 12, true],
    ['::1/128', 6, '::1', 128, false],
    ['::1', 6, '::1', 128, false],
    ['fe80::/10', 6, 'fe80::', 10, false],
    ['fe80::1/10', 6, 'fe80::', 10, true],
    ['fc00::/7', 6, 'fc00::', 7, false],
    ['2001:db8::/32', 6, '2001:db8::', 32, false],
    ['::/0', 6, '::', 0, false],
    [' 10.0.0.0/8 ', 4, '10.0.0.0', 8, false],
  ])('%s', (text, version, address, prefix, hostBits) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.network).toMatchObject({ version, address, prefix });
      expect(r.network.bytes).toHaveLength(version === 4 ? 4 : 16);
      expect(r.hostBits).toBe(hostBits);
    }
  });
  test('bytes are the masked network', () => {
    const r = parseCidr('10.1.2.3/12');
    expect(r.ok && r.network.bytes).toEqual([10, 0, 0, 0]);
    const s = parseCidr('fe80::1/10');
    expect(s.ok && s.network.bytes).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  test.each([
    '10.0.0/8',
    '010.0.0.0/8',
    '256.0.0.0/8',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '::1/129',
    'fe80:::1/10',
    'example.com',
    '',
    '10.0.0.0/a',
  ])('%j is invalid', (text) => {
    expect(parseCidr(text).ok).toBe(false);
  });
});

describe('cidr in a rule', () => {
  test('a list is one cidr node with all networks', () => {
    const r = buildSel("a|cidr:\n  - 10.0.0.0/8\n  - '::1/128'\n  - 192.168.0.0/16");
    expect(r.diags).toEqual([]);
    expect(strip(r.ir)).toMatchObject({
      kind: 'cidr',
      field: 'a',
      networks: [
        { version: 4, address: '10.0.0.0', prefix: 8 },
        { version: 6, address: '::1', prefix: 128 },
        { version: 4, address: '192.168.0.0', prefix: 16 },
      ],
    });
  });
  test('invalid -> invalid-cidr at the value', () => {
    const r = buildSel('a|cidr: 10.0.0/8');
    expect(r.ir).toBeUndefined();
    expect(r.diags).toEqual([
      "5:13 error invalid-cidr: sel: 'a|cidr': invalid CIDR '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address",
    ]);
  });
  test('invalid list item -> the item position', () => {
    const r = buildSel('a|cidr:\n  - 10.0.0.0/8\n  - 10.0.0.0/40');
    expect(r.diags).toEqual([
      "7:9 error invalid-cidr: sel: 'a|cidr': invalid CIDR '10.0.0.0/40': prefix length '40' must be 0 to 32",
    ]);
  });
  test('host bits -> a cidr-host-bits warning, the network address is used', () => {
    const r = buildSel('a|cidr: 10.1.2.3/8');
    expect(r.diags).toEqual([
      "5:13 warning cidr-host-bits: sel: 'a|cidr': '10.1.2.3/8' has host bits set; the network 10.0.0.0/8 is used",
    ]);
    expect(strip(r.ir)).toMatchObject({ kind: 'cidr', networks: [{ address: '10.0.0.0', prefix: 8 }] });
  });
  test('a number is not a cidr', () => {
    expect(buildSel('a|cidr: 10').codes).toEqual(['invalid-value']);
  });
});
