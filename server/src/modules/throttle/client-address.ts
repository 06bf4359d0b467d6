/**
 * Who is asking, as far as throttling is concerned: the socket's address, or behind a proxy Perch is told to
 * trust, the address that proxy saw (the last X-Forwarded-For entry: the one the proxy itself appended; earlier
 * entries are whatever the client wrote). IPv6 clients get a /64 each, so one host cannot step through its own
 * 2^64 addresses to get fresh counts.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

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
  const bare = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  if (!bare.includes(':')) return bare;
  const mapped = bare.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return mapped[1]!;
  const groups = expandIpv6(bare);
  if (!groups) return bare;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The eight groups of an IPv6 address, or null when it is not one. */
function expandIpv6(address: string): string[] | null {
  // an embedded IPv4 tail (::1.2.3.4) stands for the last two groups
  const withoutIpv4 = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [((+a << 8) | +b).toString(16), ((+c << 8) | +d).toString(16)].join(':'),
  );
  const halves = withoutIpv4.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : null;
}
