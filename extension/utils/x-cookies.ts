/** Reading X's session cookies. `cookies` is a parameter so tests can hand in a fake (fakeBrowser has no cookies.*). */
import type { XCookiePair } from '@perch/shared';

export const xUrl = 'https://x.com';
export const xLoginUrl = 'https://x.com/login';
export const xCookieNames = ['auth_token', 'ct0'] as const;

/** The slice of chrome.cookies Perch uses. */
export interface CookiesApi {
  get(details: { url: string; name: string }): Promise<{ value: string } | null | undefined>;
  onChanged: { addListener(callback: (change: CookieChange) => void): void };
}
export interface CookieChange {
  removed: boolean;
  cause: string;
  cookie: { name: string; domain: string };
}

export type XCookies =
  | { kind: 'pair'; pair: XCookiePair }
  /** No auth_token: the browser is signed out of X (or its cookies were cleared). */
  | { kind: 'signed_out' }
  /** auth_token without ct0: X is mid-rotation; the ct0 change event follows, so wait for it. */
  | { kind: 'incomplete' };

export async function readXCookies(cookies: Pick<CookiesApi, 'get'>): Promise<XCookies> {
  const [authToken, ct0] = await Promise.all(
    xCookieNames.map((name) => cookies.get({ url: xUrl, name })),
  );
  if (!authToken?.value) return { kind: 'signed_out' };
  if (!ct0?.value) return { kind: 'incomplete' };
  return { kind: 'pair', pair: { authToken: authToken.value, ct0: ct0.value } };
}

/** True for changes to auth_token / ct0 on x.com itself (host-only 'x.com' or domain '.x.com'). */
export function isXCookieChange(change: CookieChange): boolean {
  const { name, domain } = change.cookie;
  return (
    (xCookieNames as readonly string[]).includes(name) &&
    (domain === 'x.com' || domain === '.x.com')
  );
}

/**
 * What we remember about a pushed state instead of the cookies themselves: SHA-256 of the pair, or a marker for
 * "signed out". Enough to tell "changed since the server acknowledged it" without keeping a second copy of a secret.
 */
export async function fingerprintOf(
  cookies: Exclude<XCookies, { kind: 'incomplete' }>,
): Promise<string> {
  if (cookies.kind === 'signed_out') return 'signed_out';
  const bytes = new TextEncoder().encode(`${cookies.pair.authToken}\n${cookies.pair.ct0}`);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
