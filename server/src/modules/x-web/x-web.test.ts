import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createXWeb, type XCheckResult } from './x-web.ts';

// Distinctive values, so a leak into any result is easy to spot.
const account = {
  authToken: 'authSECRET0a1b2c3d4e5f',
  ct0: 'ct0SECRET9f8e7d6c5b4a',
  userId: '1500000000000000042',
  screenName: 'Perch_Test',
  name: 'Perch Test',
  bio: 'a test account',
};
const pair = { authToken: account.authToken, ct0: account.ct0 };
const timeoutMs = 300;

let fakeX: FakeX;
const results: XCheckResult[] = [];
const fetchedUrls: string[] = [];

function verify(cookies = pair) {
  const xWeb = createXWeb({
    xOrigin: fakeX.url,
    xApiOrigin: fakeX.url,
    timeoutMs,
    fetch: (input, init) => {
      fetchedUrls.push(input instanceof Request ? input.url : input.toString());
      return globalThis.fetch(input, init);
    },
  });
  return xWeb.verifyCookies(cookies).then((result) => (results.push(result), result));
}

beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(account);
});
afterEach(() => fakeX.reset());
afterAll(() => fakeX.close());

describe('verifyCookies against the fake X, through the real bird', () => {
  it('returns the account for valid cookies; without user_id in settings.json (as X answers) bird’s chain still finds it', async () => {
    expect(await verify()).toEqual({
      ok: true,
      account: { userId: '1500000000000000042', handle: 'Perch_Test', name: 'Perch Test' },
    });
    // bird reads no id from settings.json or verify_credentials.json as X sends them: it ends at the settings page
    expect(fakeX.requests.map((r) => [r.path, r.status])).toEqual([
      ['/i/api/account/settings.json', 200],
      ['/1.1/account/settings.json', 200],
      ['/i/api/account/verify_credentials.json', 200],
      ['/1.1/account/verify_credentials.json', 200],
      ['/settings/account', 200],
      [expect.stringMatching(/^\/i\/api\/graphql\/[\w-]+\/UserByScreenName$/), 200],
    ]);
  });

  it('sends every request through the x-fetch to the configured origin, never the global fetch alone', async () => {
    fetchedUrls.length = 0;
    const direct = vi.spyOn(globalThis, 'fetch');
    fakeX.setMode('server_error'); // walks every one of bird's six current-user fallbacks
    await verify();
    expect(fetchedUrls).toHaveLength(6);
    expect(fetchedUrls.every((url) => url.startsWith(`${fakeX.url}/`))).toBe(true);
    expect(direct).toHaveBeenCalledTimes(fetchedUrls.length); // only as the x-fetch's own transport
    direct.mockRestore();
  });

  it('reports expired cookies (401 code 32) as auth, after one request and one cheap check of the cookies rather than one per fallback', async () => {
    fakeX.setMode('expired');
    expect(await verify()).toEqual({ ok: false, kind: 'auth', status: 401, code: 32 });
    // the second look: x.com's settings page, which needs the cookies but no bearer, does not know them either
    expect(fakeX.requests.map((r) => [r.path, r.status])).toEqual([
      ['/i/api/account/settings.json', 401],
      ['/settings/account', 401],
    ]);
  });

  it('reports an unknown auth_token as auth', async () => {
    expect(await verify({ authToken: 'unknownSECRET', ct0: account.ct0 })).toEqual({
      ok: false,
      kind: 'auth',
      status: 401,
      code: 32,
    });
  });

  it('reports a csrf mismatch (403 code 353) as auth', async () => {
    expect(await verify({ authToken: account.authToken, ct0: 'staleSECRETct0' })).toEqual({
      ok: false,
      kind: 'auth',
      status: 403,
      code: 353,
    });
    fakeX.setMode('csrf');
    expect(await verify()).toEqual({ ok: false, kind: 'auth', status: 403, code: 353 });
  });

  it('reports a 429 as rate_limited until X says the window resets', async () => {
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 7 * 60_000);
    fakeX.setMode('rate_limited', { resetAt });
    expect(await verify()).toEqual({ ok: false, kind: 'rate_limited', retryAt: resetAt });
  });

  it('reports a 503 as unavailable', async () => {
    fakeX.setMode('server_error');
    expect(await verify()).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X answered 503',
    });
  });

  it('reports an unreachable X as unavailable', async () => {
    fakeX.setMode('unreachable');
    expect(await verify()).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X could not be reached',
    });
  });

  it('reports a GraphQL 404 (a rotated query id) as unavailable, not auth, and scrapes nothing', async () => {
    fakeX.setMode('graphql_404');
    expect(await verify()).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_changed',
      detail: 'X changed its API',
    });
    // bird's other two ids are the same stale question: the door does not send them
    expect(fakeX.requests.filter((r) => r.operation === 'UserByScreenName')).toHaveLength(1);
    expect(
      fakeX.requests.every(
        (r) =>
          r.path.startsWith('/i/api/') ||
          r.path.startsWith('/1.1/') ||
          r.path === '/settings/account',
      ),
    ).toBe(true);
  });

  it('gives up on a slow X after the timeout, without waiting once per fallback', async () => {
    fakeX.setMode('slow', { delayMs: 5000 });
    const started = Date.now();
    expect(await verify()).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X did not answer within 0.3 s',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fakeX.requests).toHaveLength(1);
  });

  it('verifies again once X recovers', async () => {
    fakeX.setMode('server_error');
    expect((await verify()).ok).toBe(false);
    fakeX.reset();
    expect((await verify()).ok).toBe(true);
  });

  // Last on purpose: it reads the results of every scenario above.
  it('never puts a cookie value in a result or detail', () => {
    const everything = JSON.stringify(results);
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(everything).not.toContain(account.authToken);
    expect(everything).not.toContain(account.ct0);
    expect(everything).not.toContain('SECRET');
  });
});
