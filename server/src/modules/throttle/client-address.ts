/**
 * Who is asking, as far as throttling is concerned: the socket's address, or behind a proxy Perch is told to
 * trust, the address that proxy saw (the last X-Forwarded-For entry: the one the proxy itself appended; earlier
 * entries are whatever the client wrote). IPv6 clients get a /64 each, so one host cannot step through its own
 * 2^64 addresses to get fresh counts.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import ipaddr from 'ipaddr.js';

export function clientAddress(c: Context, { trustProxy }: { trustProxy: boolean }): string {
  if (trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .at(-1);
    if (forwarded) return addressGroup(forwarded);
  }
  let socketAddress: string | undefined;
  try {
    socketAddress = getConnInfo(c).remote.address;
  } catch {
    // no Node socket (app.request in tests, another runtime): every such request shares one count
  }
  return socketAddress ? addressGroup(socketAddress) : 'unknown';
}

/** An IPv4 address as it is; an IPv6 one as its /64 (`2001:db8:0:1::/64`); an IPv4-mapped IPv6 one as the IPv4. */
export function addressGroup(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (!ipaddr.isValid(bare)) return bare;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  return `${ipv6.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}
