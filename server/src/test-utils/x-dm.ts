/**
 * X direct messages in server tests: a Perch app whose X app is registered at the fake X, and the whole
 * "Connect X direct messages" round trip as the browser makes it (Perch → X's authorize page → Perch's callback).
 */
import type { FakeX } from '../../../test/fake-x/index.ts';
import { testOrigin, createTestApp } from './app.ts';
import type { DepsOverrides } from '../deps.ts';

export const dmApp = { clientId: 'perch-dm-test-app', clientSecret: 'perch-dm-test-secret' };
export const dmCallbackUrl = `${testOrigin}/api/v1/x-dm/callback`;

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function createDmTestApp(
  fakeX: FakeX,
  options: { env?: Record<string, string>; overrides?: DepsOverrides; publicClient?: boolean } = {},
) {
  fakeX.oauth.addClient({
    clientId: dmApp.clientId,
    ...(options.publicClient ? {} : { clientSecret: dmApp.clientSecret }),
    redirectUris: [dmCallbackUrl],
  });
  return createTestApp({
    env: {
      PERCH_X_ORIGIN: fakeX.url,
      PERCH_X_API_ORIGIN: fakeX.url,
      PERCH_X_TIMEOUT_MS: '3000',
      X_CLIENT_ID: dmApp.clientId,
      ...(options.publicClient ? {} : { X_CLIENT_SECRET: dmApp.clientSecret }),
      ...options.env,
    },
    overrides: options.overrides,
  });
}

/** Clicks Connect, lets the fake X answer the authorize page, and returns what X sent the browser back with. */
export async function authorizeAtX(t: TestApp, cookie: string) {
  const start = await t.request('/api/v1/x-dm/connect', { method: 'POST', headers: { cookie } });
  if (start.status !== 200)
    throw new Error(`connect refused: ${start.status} ${await start.text()}`);
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const { authorizeUrl } = await t.expectDocumented<{ authorizeUrl: string }>(
    start,
    'POST /api/v1/x-dm/connect',
    200,
  );
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location)
    throw new Error(`X did not redirect back: ${consent.status} ${await consent.text()}`);
  return { authorizeUrl: new URL(authorizeUrl), callback: new URL(location), stateCookie };
}

/** Follows X's redirect back to Perch's callback, with the browser's cookies; returns where Perch sends it next. */
export async function returnToPerch(t: TestApp, callback: URL, cookies: string[]) {
  const res = await t.request(`${callback.pathname}${callback.search}`, {
    headers: { cookie: cookies.filter(Boolean).join('; ') },
  });
  await t.expectDocumented(res, 'GET /api/v1/x-dm/callback', 200);
  const page = await res.text();
  const next =
    /http-equiv="refresh" content="0;url=([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ??
    null;
  return { res, next };
}

/** The whole round trip: signed in as `cookie`, approved at X by whoever the fake's consent names. */
export async function connectDm(t: TestApp, cookie: string) {
  const { callback, stateCookie } = await authorizeAtX(t, cookie);
  return (await returnToPerch(t, callback, [cookie, stateCookie])).next;
}
