/**
 * The only door from Perch to X. It sends X's hosts (and its image host, pbs.twimg.com) to the
 * configured origins (real X in production, the fake in tests), refuses every other host, and
 * keeps a record of each exchange: bird only hands back the last error *string*, which cannot tell
 * an expired cookie from a rotated query id, so failures are classified from this record instead.
 */

export type XFetchFailure = 'timeout' | 'network' | 'refused';

export interface XExchange {
  method: string;
  /** Where bird meant to go, e.g. https://x.com/i/api/graphql/…/UserByScreenName (no query). */
  target: string;
  /** The GraphQL operation name, null for REST and pages. */
  operation: string | null;
  /** null when no answer arrived. */
  status: number | null;
  /** X error codes from an {"errors":[{"code":N}]} body. */
  errorCodes: number[];
  /** GraphQL rejected the query itself (extensions.code GRAPHQL_VALIDATION_FAILED): X changed it. */
  validationFailed: boolean;
  rateLimitReset: Date | null;
  failure: XFetchFailure | null;
}

export interface XFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Every exchange made through this fetch, oldest first. */
  readonly exchanges: readonly XExchange[];
}

export interface XFetchOptions {
  xOrigin: string;
  xApiOrigin: string;
  fetch?: typeof globalThis.fetch;
}

const webHosts = new Set(['x.com', 'www.x.com', 'twitter.com', 'www.twitter.com']);
const apiHosts = new Set(['api.x.com', 'api.twitter.com']);
// Where X serves profile images and its web client's bundles. Paths there (/profile_images/…,
// /responsive-web/client-web/…) never clash with the web host's, so an emulator at xOrigin can answer all.
const mediaHosts = new Set(['pbs.twimg.com', 'abs.twimg.com']);

/** Where an X URL really goes, or null when it is not an X URL Perch may call. */
export function rewriteXUrl(
  url: URL,
  { xOrigin, xApiOrigin }: Pick<XFetchOptions, 'xOrigin' | 'xApiOrigin'>,
): URL | null {
  if (url.protocol !== 'https:') return null;
  const origin =
    webHosts.has(url.hostname) || mediaHosts.has(url.hostname)
      ? xOrigin
      : apiHosts.has(url.hostname)
        ? xApiOrigin
        : null;
  if (origin === null) return null;
  return new URL(`${origin.replace(/\/+$/, '')}${url.pathname}${url.search}`);
}

/** A fetch for X with a fresh record; create one per piece of work whose failures you classify. */
export function createXFetch({
  xOrigin,
  xApiOrigin,
  fetch = globalThis.fetch,
}: XFetchOptions): XFetch {
  const exchanges: XExchange[] = [];

  async function xFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : null;
    const wanted = new URL(request ? request.url : input.toString());
    const exchange: XExchange = {
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      target: `${wanted.origin}${wanted.pathname}`,
      operation: wanted.pathname.includes('/graphql/')
        ? (wanted.pathname.split('/').at(-1) ?? null)
        : null,
      status: null,
      errorCodes: [],
      validationFailed: false,
      rateLimitReset: null,
      failure: null,
    };
    exchanges.push(exchange);

    const real = rewriteXUrl(wanted, { xOrigin, xApiOrigin });
    if (real === null) {
      exchange.failure = 'refused';
      // The same error undici throws, so callers (bird) treat it like any network failure.
      const cause = new Error(`Perch only talks to X, not ${wanted.hostname}`);
      throw new TypeError('fetch failed', { cause });
    }
    let response: Response;
    try {
      response = await fetch(request ? new Request(real, request) : real, init);
    } catch (error) {
      exchange.failure = isTimeout(error, init?.signal) ? 'timeout' : 'network';
      throw error;
    }
    exchange.status = response.status;
    exchange.rateLimitReset = readRateLimitReset(response.headers);
    // An image carries no X error; reading a copy would also take in a body its caller may refuse for its size.
    if (/^image\//i.test(response.headers.get('content-type') ?? '')) return response;
    try {
      Object.assign(exchange, await readErrors(response));
    } catch (error) {
      // The body could not be read to the end: the caller would hit the same wall reading it.
      exchange.failure = isTimeout(error, init?.signal) ? 'timeout' : 'network';
    }
    return response;
  }

  return Object.assign(xFetch, { exchanges });
}

function isTimeout(error: unknown, signal: AbortSignal | null | undefined): boolean {
  const reason: unknown = signal?.aborted ? signal.reason : error;
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function readRateLimitReset(headers: Headers): Date | null {
  const seconds = Number(headers.get('x-rate-limit-reset') ?? NaN);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

type XErrors = Pick<XExchange, 'errorCodes' | 'validationFailed'>;

/** Reads a clone so the caller still gets the whole body; success bodies only if they mention errors. */
async function readErrors(response: Response): Promise<XErrors> {
  const none: XErrors = { errorCodes: [], validationFailed: false };
  const text = await response.clone().text();
  if (response.ok && !text.includes('"errors"')) return none;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return none; // X answers some errors (a 429, a 503 from the edge) in plain text or HTML
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return none;
  const list = errors as ({ code?: unknown; extensions?: { code?: unknown } } | null)[];
  return {
    errorCodes: list
      .map((e) => e?.code)
      .filter((code): code is number => typeof code === 'number' && Number.isInteger(code)),
    validationFailed: list.some((e) => e?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'),
  };
}
