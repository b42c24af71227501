/** CIDR lowerings for targets without a range test on a field. */
import type { Network } from '../ir/types.js';
import { escapeRegex } from '../regex/index.js';

export interface Ipv4Prefix {
  /** The dotted text: a prefix ending in `.` (use startswith) or a full address (use eq). */
  readonly text: string;
  readonly op: 'startswith' | 'eq';
}

/**
 * The textual prefixes that match exactly the canonical dotted-quad addresses in an IPv4
 * network: octet-aligned networks give one prefix (`10.`), others one per value of the partial
 * octet (172.16.0.0/12 gives `172.16.` ... `172.31.`). A /0 gives one empty prefix.
 */
export function ipv4CidrToPrefixes(n: Network): Ipv4Prefix[] {
  if (n.version !== 4) throw new Error('ipv4CidrToPrefixes takes an IPv4 network');
  const full = Math.floor(n.prefix / 8);
  const rem = n.prefix % 8;
  const head = n.bytes.slice(0, full).join('.');
  if (rem === 0) {
    if (full === 4) return [{ text: head, op: 'eq' }];
    return [{ text: full === 0 ? '' : head + '.', op: 'startswith' }];
  }
  const base = n.bytes[full];
  const count = 1 << (8 - rem);
  const out: Ipv4Prefix[] = [];
  for (let v = base; v < base + count; v++) {
    const text = (full > 0 ? head + '.' : '') + v;
    out.push(full + 1 === 4 ? { text, op: 'eq' } : { text: text + '.', op: 'startswith' });
  }
  return out;
}

/** An anchored regex (PCRE/RE2/JS) for the canonical addresses of an IPv4 network; null for IPv6. */
export function cidrRegex(n: Network): string | null {
  if (n.version !== 4) return null;
  const prefixes = ipv4CidrToPrefixes(n);
  const alts = prefixes.map((p) => escapeRegex(p.text) + (p.op === 'eq' ? '' : '[0-9.]*'));
  return `^(?:${alts.join('|')})$`;
}
