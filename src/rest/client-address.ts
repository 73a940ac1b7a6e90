/**
 * The "client" that `rest.max_connections_per_client` counts connections of. Pure.
 *
 * IPv4: the address. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2, what a dual-stack
 * listener reports for IPv4 clients): the IPv4 address it carries. Other IPv6: the /64 prefix, the
 * smallest block one site is given (RFC 6177 §3) — a client owning a /64 could otherwise open
 * max_connections_per_client connections from each of its 2^64 addresses.
 */
import { isIPv6 } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export function clientKey(address: string | undefined): string {
  if (address === undefined) return '';
  if (!isIPv6(address)) return address;
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped) return mapped[1]!;
  return `${firstFourGroups(address)}::/64`;
}

/** The first four 16-bit groups of an IPv6 address, in canonical lowercase hex. */
function firstFourGroups(address: string): string {
  const zone = address.indexOf('%'); // RFC 4007 §11: a zone id names the link, not the host
  const bare = zone === -1 ? address : address.slice(0, zone);
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (x:x::a.b.c.d) fills two groups; only the first four matter here.
  const rightGroups = right.flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - rightGroups.length).fill('0');
  return [...left, ...zeros, ...rightGroups]
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':');
}
