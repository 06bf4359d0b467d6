/**
 * Finding x.com's current query ids, feature switches and bearer token the way its own web client knows them:
 * from the pages x.com serves to anyone and the client bundles they load from abs.twimg.com. This is what bird's
 * runtime-query-ids.js does (same pages, same bundle pattern), extended to the feature switches each operation's
 * module lists and to the bearer token, and sent through Perch's one door to X rather than the global fetch.
 */
import type { XOperation } from '../x-web/x-types.ts';

export type DiscoveryFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface Discovery {
  queryIds: Partial<Record<XOperation, string>>;
  features: Partial<Record<XOperation, Record<string, boolean | null>>>;
  bearer: string | null;
  /** Bundle file names read, in order. */
  bundles: string[];
}

export class DiscoveryError extends Error {}

// bird's list (runtime-query-ids.js): the logged-out home page usually suffices; the others are fallbacks.
export const discoveryPages = [
  'https://x.com/?lang=en',
  'https://x.com/explore',
  'https://x.com/notifications',
  'https://x.com/settings/profile',
];
const bundleUrlPattern =
  /https:\/\/abs\.twimg\.com\/responsive-web\/client-web(?:-legacy)?\/[A-Za-z0-9.-]+\.js/g;
const headers = {
  'user-agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  accept: 'text/html,application/json;q=0.9,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
};
// Pages and bundles need no cookies, and none are sent: nobody's session is involved in a discovery.
const pageInit: RequestInit = { headers, redirect: 'manual' };

/**
 * One operation's module in a bundle, as X's build writes it: `{queryId:"…",operationName:"…",operationType:"…",
 * metadata:{featureSwitches:[…],fieldToggles:[…]}}`. Both key orders, as bird accepts; the module must hold both
 * keys itself, so an id is never taken from a neighbouring module.
 */
const modulePatterns = [
  /\{\s*queryId\s*:\s*"([A-Za-z0-9_-]+)"\s*,\s*operationName\s*:\s*"(\w+)"\s*,\s*operationType\s*:\s*"\w+"\s*(?:,\s*metadata\s*:\s*\{\s*featureSwitches\s*:\s*\[([^\]]*)\])?/g,
  /\{\s*operationName\s*:\s*"(\w+)"\s*,\s*queryId\s*:\s*"([A-Za-z0-9_-]+)"\s*,\s*operationType\s*:\s*"\w+"\s*(?:,\s*metadata\s*:\s*\{\s*featureSwitches\s*:\s*\[([^\]]*)\])?/g,
];
// The web client's app-only bearer: "AAAA…" (URL-encoded), the same for every visitor.
const bearerPattern = /\b(AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,200})/;

export interface BundleFindings {
  operations: Map<string, { queryId: string; featureSwitches: string[] | null }>;
  bearer: string | null;
}

/** What one bundle says about the wanted operations and the bearer. */
export function readBundle(js: string, wanted: ReadonlySet<string>): BundleFindings {
  const operations: BundleFindings['operations'] = new Map();
  for (const [index, pattern] of modulePatterns.entries()) {
    for (const match of js.matchAll(pattern)) {
      const [queryId, operationName] =
        index === 0 ? [match[1]!, match[2]!] : [match[2]!, match[1]!];
      if (!wanted.has(operationName) || operations.has(operationName)) continue;
      const switches =
        match[3] === undefined ? null : [...match[3].matchAll(/"(\w+)"/g)].map((m) => m[1]!);
      operations.set(operationName, { queryId, featureSwitches: switches });
    }
  }
  return { operations, bearer: bearerPattern.exec(js)?.[1] ?? null };
}

/** The bundle addresses a page loads, main first (it carries the bearer and most operations). */
export function readPage(html: string): string[] {
  const urls = [...new Set([...html.matchAll(bundleUrlPattern)].map((m) => m[0]))];
  return urls.sort((a, b) => Number(/\/main\./.test(b)) - Number(/\/main\./.test(a)));
}

/** The value x.com's page gives a feature switch (`"name":{"value":true}` in its initial state), if any. */
export function featureValue(html: string, name: string): boolean | null {
  const match = new RegExp(`"${name}"\\s*:\\s*\\{\\s*"value"\\s*:\\s*(true|false)`).exec(html);
  return match ? match[1] === 'true' : null;
}

/** Reads pages until one names bundles, then bundles until every wanted operation and the bearer are found. */
export async function discoverWebClient(
  fetch: DiscoveryFetch,
  wanted: readonly XOperation[],
): Promise<Discovery> {
  let html = '';
  let bundleUrls: string[] = [];
  for (const page of discoveryPages) {
    const text = await fetchText(fetch, page);
    if (text === null) continue;
    bundleUrls = readPage(text);
    if (bundleUrls.length > 0) {
      html = text;
      break;
    }
  }
  if (bundleUrls.length === 0) throw new DiscoveryError('x.com’s pages named no client bundles');

  const want = new Set<string>(wanted);
  const found: Discovery = { queryIds: {}, features: {}, bearer: null, bundles: [] };
  for (const url of bundleUrls) {
    if (want.size === 0 && found.bearer) break;
    const js = await fetchText(fetch, url);
    if (js === null) continue;
    found.bundles.push(url.split('/').at(-1)!);
    const findings = readBundle(js, want);
    found.bearer ??= findings.bearer;
    for (const [name, { queryId, featureSwitches }] of findings.operations) {
      const operation = name as XOperation;
      found.queryIds[operation] = queryId;
      if (featureSwitches)
        found.features[operation] = Object.fromEntries(
          featureSwitches.map((f) => [f, featureValue(html, f)]),
        );
      want.delete(name);
    }
  }
  if (Object.keys(found.queryIds).length === 0 && !found.bearer)
    throw new DiscoveryError('x.com’s bundles named none of the operations Perch uses');
  return found;
}

/** A page's or bundle's text, or null when X did not serve it (each page is only one of several ways in). */
async function fetchText(fetch: DiscoveryFetch, url: string): Promise<string | null> {
  try {
    const response = await fetch(url, pageInit);
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return await response.text();
  } catch {
    return null;
  }
}
