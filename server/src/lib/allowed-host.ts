/**
 * DNS rebinding: a page on another site can point its own name at Perch's address, and the browser then calls
 * Perch as that site (same-origin to it, so the Origin check passes). Its requests carry that name in Host, so
 * a request for any host but Perch's own is refused. Without PERCH_PUBLIC_URL, Perch is reached on this machine:
 * any loopback name and port is its own.
 */
import { createMiddleware } from 'hono/factory';
import { ProblemError } from './http-problem.ts';

const loopbackHostnames = new Set(['localhost', '127.0.0.1', '[::1]']);
const defaultPorts: Record<string, string> = { 'http:': '80', 'https:': '443' };

export function allowedHost({
  publicUrl,
  loopbackHostsAllowed,
}: {
  publicUrl: string;
  loopbackHostsAllowed: boolean;
}) {
  const expected = new URL(publicUrl);
  const accepted = new Set([
    expected.host,
    `${expected.hostname}:${expected.port || defaultPorts[expected.protocol]}`,
  ]);
  const isAccepted = (host: URL | null) =>
    host !== null &&
    (accepted.has(host.host) || (loopbackHostsAllowed && loopbackHostnames.has(host.hostname)));
  const parse = (host: string) => {
    try {
      return new URL(`http://${host}`);
    } catch {
      return null;
    }
  };

  return createMiddleware(async function allowedHost(c, next) {
    const header = c.req.header('host');
    // The Host header, and the URL's host too (they differ when the request line holds an absolute URL).
    if (!isAccepted(new URL(c.req.url)) || (header !== undefined && !isAccepted(parse(header)))) {
      throw new ProblemError(
        421,
        'request.wrong_host',
        'Wrong host',
        loopbackHostsAllowed
          ? `Perch answers only on this machine's own names (localhost, 127.0.0.1, [::1]). If you reach it by another name, set PERCH_PUBLIC_URL to the address you use, e.g. https://perch.example.com.`
          : `Perch answers only as ${expected.host}. If it is reached by another name, set PERCH_PUBLIC_URL to that address.`,
      );
    }
    await next();
  });
}
