/** CIDR parsing (IPv4 and IPv6) into IR networks, with ipaddr.js. */
import ipaddr from 'ipaddr.js';
import type { Network } from './types.js';

export type CidrResult = { ok: true; network: Network; hostBits: boolean } | { ok: false; reason: string };

export function parseCidr(text: string): CidrResult {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addrText = slash === -1 ? t : t.slice(0, slash);
  const prefixText = slash === -1 ? null : t.slice(slash + 1);
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) addr = ipaddr.IPv4.parse(addrText);
  else if (addrText.includes(':') && ipaddr.IPv6.isValid(addrText)) addr = ipaddr.IPv6.parse(addrText);
  else return { ok: false, reason: `'${addrText}' is not an IPv4 or IPv6 address` };
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  let prefix = bits;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits)
      return { ok: false, reason: `prefix length '${prefixText}' must be 0 to ${bits}` };
    prefix = Number(prefixText);
  }
  const bytes = addr.toByteArray();
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  const hostBits = masked.some((b, i) => b !== bytes[i]);
  const net = ipaddr.fromByteArray(masked);
  return {
    ok: true,
    hostBits,
    network: { version: bits === 32 ? 4 : 6, address: net.toString(), prefix, bytes: masked },
  };
}

export function networkText(n: Network): string {
  return `${n.address}/${n.prefix}`;
}
