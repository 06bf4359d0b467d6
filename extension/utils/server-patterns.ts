/**
 * Which Perch servers this build may talk to. The same list becomes host_permissions (so the worker's fetch passes
 * without CORS) and externally_connectable (so only those pages can send 'perch.pair').
 */
export const defaultServerOrigins = 'http://127.0.0.1:8787,http://localhost:8787';

/** 'http://127.0.0.1:8787,https://perch.example' → ['http://127.0.0.1/*', 'https://perch.example/*'] */
export function serverPatterns(origins: string = defaultServerOrigins): string[] {
  const patterns = origins
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      const url = new URL(origin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`PERCH_SERVER_ORIGINS: ${origin} is not an http(s) origin`);
      }
      // No port: Chrome match patterns cannot name one and match every port of the host.
      return `${url.protocol}//${url.hostname}/*`;
    });
  return [...new Set(patterns)];
}

/** True when a `scheme://host/*` pattern from serverPatterns() covers the origin (any port). */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return patterns.some((pattern) => {
    const m = /^(https?|\*):\/\/([^/]+)\/\*$/.exec(pattern);
    if (!m) return false;
    const [, scheme = '', host = ''] = m;
    const schemeOk =
      scheme === '*'
        ? url.protocol === 'http:' || url.protocol === 'https:'
        : url.protocol === `${scheme}:`;
    const hostOk =
      host === '*' ||
      url.hostname === host ||
      (host.startsWith('*.') && url.hostname.endsWith(host.slice(1)));
    return schemeOk && hostOk;
  });
}
