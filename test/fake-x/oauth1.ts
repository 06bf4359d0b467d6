import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// OAuth 1.0a user context (X's `UserToken` security scheme) and app-only Bearer tokens (`BearerToken`).
// The signature is checked as RFC 5849 §3.4 says: HMAC-SHA1 over METHOD&base-URL&normalised parameters
// (the query, the oauth_* header parameters except oauth_signature, and body parameters only when the
// body is application/x-www-form-urlencoded — never JSON or multipart, §3.4.1.3.1).
// A client signs the URL it thinks it calls (https://api.x.com/2/tweets) while the request reaches the
// fake's own origin, so the fake accepts a signature over either (README.md, "X's write side").

/** Credentials registered with fakeX.oauth1.addCredentials: one app, one user's access token. */
export interface FakeXOAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  /** The user the access token acts for; must be an account. */
  userId: string;
}

// X has no published figure; clients and libraries assume OAuth's customary 5 minutes (inferred).
export const defaultTimestampWindowSeconds = 300;

const apiOrigins = ['https://api.x.com', 'https://api.twitter.com', 'https://upload.x.com'];

export interface OAuth1Request {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body, for form bodies only (other bodies are not signed). */
  formBody?: string;
  now: number;
}

export interface OAuth1Store {
  addCredentials(credentials: FakeXOAuth1Credentials): void;
  /** An app-only bearer token; `appId` names the app in problems and in the app's 24-hour window. */
  addAppBearer(token: string, appId?: string): void;
  setTimestampWindow(seconds: number): void;
  reset(): void;
  /**
   * 'none' when the request carries no OAuth 1.0a header; 'bad' when it does and fails (unknown key,
   * bad signature, stale timestamp, replayed nonce); otherwise the user and app.
   */
  verify(request: OAuth1Request): 'none' | 'bad' | { userId: string; consumerKey: string };
  /** The app of `Authorization: Bearer <app token>`, undefined when it is not one. */
  appBearer(authorization: string | undefined): { appId: string } | undefined;
}

export function createOAuth1Store(): OAuth1Store {
  const byToken = new Map<string, FakeXOAuth1Credentials>();
  const appBearers = new Map<string, string>();
  const seenNonces = new Map<string, number>();
  let windowSeconds = defaultTimestampWindowSeconds;

  return {
    addCredentials(credentials) {
      byToken.set(credentials.accessToken, { ...credentials });
    },
    addAppBearer(token, appId = 'app') {
      appBearers.set(token, appId);
    },
    setTimestampWindow(seconds) {
      windowSeconds = seconds;
    },
    reset() {
      windowSeconds = defaultTimestampWindowSeconds;
      seenNonces.clear();
    },
    appBearer(authorization) {
      const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
      const appId = token === undefined ? undefined : appBearers.get(decodeURIComponent(token));
      return appId === undefined ? undefined : { appId };
    },
    verify({ method, url, headers, formBody, now }) {
      const header = headers.authorization ?? '';
      if (!/^OAuth\s/i.test(header)) return 'none';
      const oauth = parseOAuthHeader(header);
      const credentials = byToken.get(oauth.oauth_token ?? '');
      if (!credentials || credentials.consumerKey !== oauth.oauth_consumer_key) return 'bad';
      if (oauth.oauth_signature_method !== 'HMAC-SHA1') return 'bad';
      if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') return 'bad';
      const timestamp = Number(oauth.oauth_timestamp);
      if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > windowSeconds)
        return 'bad';
      const nonce = oauth.oauth_nonce;
      if (!nonce) return 'bad';
      const params: [string, string][] = [];
      for (const [k, v] of url.searchParams) params.push([k, v]);
      for (const [k, v] of Object.entries(oauth)) if (k !== 'oauth_signature') params.push([k, v]);
      if (formBody !== undefined)
        for (const [k, v] of new URLSearchParams(formBody)) params.push([k, v]);
      const normalised = params
        .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
        .sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)))
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const key = `${percentEncode(credentials.consumerSecret)}&${percentEncode(credentials.accessTokenSecret)}`;
      const host = headers.host ? `http://${headers.host}` : undefined;
      const origins = host ? [...apiOrigins, host] : apiOrigins;
      const given = Buffer.from(oauth.oauth_signature ?? '');
      const matches = origins.some((origin) => {
        const base = [
          method.toUpperCase(),
          percentEncode(`${origin}${url.pathname}`),
          percentEncode(normalised),
        ].join('&');
        const expected = Buffer.from(createHmac('sha1', key).update(base).digest('base64'));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
      if (!matches) return 'bad';
      // A nonce is single-use within the timestamp window (RFC 5849 §3.3).
      const nonceKey = `${credentials.consumerKey} ${oauth.oauth_token} ${nonce} ${timestamp}`;
      for (const [k, at] of seenNonces) if (at < now - windowSeconds * 2000) seenNonces.delete(k);
      if (seenNonces.has(nonceKey)) return 'bad';
      seenNonces.set(nonceKey, now);
      return { userId: credentials.userId, consumerKey: credentials.consumerKey };
    },
  };
}

function parseOAuthHeader(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of header.replace(/^OAuth\s+/i, '').matchAll(/([A-Za-z0-9_]+)="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name === 'realm') continue;
    out[name!] = decodeURIComponent(value!);
  }
  return out;
}

/** RFC 5849 §3.6: unreserved characters stay, everything else is %XX in upper case. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a request is signed or bearer-authorised at all (for the 401 without headers). */
export const hasAuthorization = (headers: IncomingHttpHeaders) => Boolean(headers.authorization);
