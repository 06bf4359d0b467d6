/**
 * Connecting X direct messages end to end inside the server: Perch's routes, the real twitter-api-v2, and
 * X's OAuth 2.0 with PKCE as test/fake-x answers it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { xDmCallbackSentences, XDmStatus } from '@perch/shared';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { connectedAs, scriptedXWeb } from '../../test-utils/app.ts';
import {
  authorizeAtX,
  connectDm,
  createDmTestApp,
  dmApp,
  dmCallbackUrl,
  returnToPerch,
  type TestApp,
} from '../../test-utils/x-dm.ts';
import { createTestApp } from '../../test-utils/app.ts';
import { createSecretVault } from '../secrets/secret-vault.ts';
import { xDmConnections, xOauthStates } from './x-dm.table.ts';

const me = { userId: '6100', screenName: 'perch_dm', name: 'Perch DM' };
const other = { userId: '6101', screenName: 'someone_else', name: 'Someone Else' };

let fakeX: FakeX;
let t: TestApp;
beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
  fakeX.addAccount(other);
});
beforeEach(() => {
  fakeX.reset();
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterEach(async () => {
  await t?.close();
  t = undefined!; // a test that builds none must not close the last one again
});
afterAll(() => fakeX.close());

async function signedIn(options: Parameters<typeof createDmTestApp>[1] = {}) {
  t = await createDmTestApp(fakeX, options);
  const { cookie, user } = await t.signUp();
  return { cookie, userId: user.id };
}
const status = async (cookie: string) =>
  t.expectDocumented<XDmStatus>(
    await t.request('/api/v1/x-dm/status', { headers: { cookie } }),
    'GET /api/v1/x-dm/status',
    200,
  );
const tokenGrants = () => fakeX.oauth.tokenRequests.map((r) => `${r.grantType}:${r.status}`);

describe('Connect X direct messages', () => {
  it('sends the browser to X with PKCE S256, the four scopes and a fresh state, and lands back connected', async () => {
    const { cookie } = await signedIn();
    const { authorizeUrl, callback, stateCookie } = await authorizeAtX(t, cookie);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(
      `${fakeX.url}/i/oauth2/authorize`,
    );
    const q = authorizeUrl.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('scope')!.split(' ').sort()).toEqual([
      'dm.read',
      'offline.access',
      'tweet.read',
      'users.read',
    ]);
    expect(q.get('redirect_uri')).toBe(dmCallbackUrl);
    expect(q.get('client_id')).toBe(dmApp.clientId);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stateCookie).toMatch(/^perch_x_dm_state=/);

    // The session cookie is SameSite=Strict: coming back from X's site, the browser sends only the state cookie.
    const { res, next } = await returnToPerch(t, callback, [stateCookie]);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Its own policy, stricter than the pages' one, is kept by the app's security headers.
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(next).toBe('/settings?x_dm=connected');
    expect(tokenGrants()).toEqual(['authorization_code:200']);
    expect(fakeX.requests.filter((r) => r.path === '/2/users/me')).toHaveLength(1);

    const s = await status(cookie);
    expect(s).toMatchObject({
      configured: true,
      missing: [],
      state: 'connected',
      handle: 'perch_dm',
      xUserId: me.userId,
      callbackUrl: dmCallbackUrl,
      refreshLastUsedAt: null,
    });
    expect(Date.parse(s.accessExpiresAt!) - Date.parse(s.connectedAt!)).toBe(7200_000);
    expect(s.refreshIssuedAt).toBe(s.connectedAt);
    // the first DM sync starts by itself
    await expect
      .poll(async () => (await status(cookie)).lastSync?.status, { timeout: 10_000 })
      .toBe('finished');
  });

  it('works as a public client too (no secret: PKCE alone)', async () => {
    const { cookie } = await signedIn({ publicClient: true });
    expect(await connectDm(t, cookie)).toBe('/settings?x_dm=connected');
    expect((await status(cookie)).state).toBe('connected');
  });

  it('denial at X: authorization_denied, nothing stored', async () => {
    const { cookie } = await signedIn();
    fakeX.oauth.setConsent({ userId: me.userId, approve: false });
    const { callback, stateCookie } = await authorizeAtX(t, cookie);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect((await returnToPerch(t, callback, [cookie, stateCookie])).next).toBe(
      '/settings?x_dm_error=authorization_denied',
    );
    expect((await status(cookie)).state).toBe('not_connected');
    expect(tokenGrants()).toEqual([]);
    const sync = await t.request('/api/v1/x-dm/sync', { method: 'POST', headers: { cookie } });
    expect(await t.expectDocumented(sync, 'POST /api/v1/x-dm/sync', 409)).toMatchObject({
      code: 'x_dm.not_connected',
    });
  });

  it('a state older than 15 minutes: session_expired, no code exchanged', async () => {
    let clock = new Date();
    const { cookie } = await signedIn({ overrides: { now: () => clock } });
    fakeX.oauth.setAuthorizationCodeLifetime(3600);
    const { callback, stateCookie } = await authorizeAtX(t, cookie);
    clock = new Date(clock.getTime() + 15 * 60_000 + 1);
    expect((await returnToPerch(t, callback, [cookie, stateCookie])).next).toBe(
      '/settings?x_dm_error=session_expired',
    );
    expect(tokenGrants()).toEqual([]);
  });

  it('a replayed state: the second use is session_expired, and the code is exchanged once', async () => {
    const { cookie } = await signedIn();
    const { callback, stateCookie } = await authorizeAtX(t, cookie);
    expect((await returnToPerch(t, callback, [cookie, stateCookie])).next).toBe(
      '/settings?x_dm=connected',
    );
    expect((await returnToPerch(t, callback, [cookie, stateCookie])).next).toBe(
      '/settings?x_dm_error=session_expired',
    );
    expect(tokenGrants()).toEqual(['authorization_code:200']);
    expect(await t.deps.db.select().from(xOauthStates)).toEqual([]);
  });

  it('a callback in another browser (no state cookie) or for another signed-in user: session_expired', async () => {
    const { cookie } = await signedIn({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const first = await authorizeAtX(t, cookie);
    expect((await returnToPerch(t, first.callback, [])).next).toBe(
      '/settings?x_dm_error=session_expired',
    );
    const bob = await t.signUp('bob@example.com');
    const second = await authorizeAtX(t, cookie);
    expect((await returnToPerch(t, second.callback, [bob.cookie, second.stateCookie])).next).toBe(
      '/settings?x_dm_error=session_expired',
    );
    expect(tokenGrants()).toEqual([]);
  });

  it('missing code or state: missing_params', async () => {
    const { cookie } = await signedIn();
    const { callback, stateCookie } = await authorizeAtX(t, cookie);
    const noCode = new URL(callback);
    noCode.searchParams.delete('code');
    expect((await returnToPerch(t, noCode, [cookie, stateCookie])).next).toBe(
      '/settings?x_dm_error=missing_params',
    );
    expect((await returnToPerch(t, new URL(`${dmCallbackUrl}?code=abc`), [cookie])).next).toBe(
      '/settings?x_dm_error=missing_params',
    );
  });

  it('a code X no longer accepts: token_exchange_failed', async () => {
    const { cookie } = await signedIn();
    fakeX.oauth.setAuthorizationCodeLifetime(0);
    expect(await connectDm(t, cookie)).toBe('/settings?x_dm_error=token_exchange_failed');
    expect(tokenGrants()).toEqual(['authorization_code:400']);
    expect((await status(cookie)).state).toBe('not_connected');
  });

  it('X refusing the app when Perch asks who approved: its own error for each, not token_exchange_failed', async () => {
    const { cookie } = await signedIn();
    for (const mode of ['client_forbidden', 'usage_capped', 'credits_depleted'] as const) {
      fakeX.setMode(mode);
      expect(await connectDm(t, cookie)).toBe(`/settings?x_dm_error=${mode}`);
      expect((await status(cookie)).state).toBe('not_connected');
    }
    expect(xDmCallbackSentences.client_forbidden).toBe(
      'X refused the connection because your X app is not attached to a Project in X’s developer portal. Attach it, then click Connect again.',
    );
  });

  it('approving with another X account than the cookies’ one: wrong_account, and the grant is given back', async () => {
    fakeX.oauth.setConsent({ userId: other.userId, approve: true });
    t = await createDmTestApp(fakeX, {
      overrides: { xWeb: scriptedXWeb(() => connectedAs('perch_dm', me.userId)) },
    });
    const { cookie } = await t.signUp();
    await t.pushCookies(cookie, { authToken: 'a'.repeat(40), ct0: 'c'.repeat(32) });
    expect(await connectDm(t, cookie)).toBe('/settings?x_dm_error=wrong_account');
    expect((await status(cookie)).state).toBe('not_connected');
    expect(
      fakeX.requests.filter((r) => r.path === '/2/oauth2/revoke').map((r) => r.status),
    ).toEqual([200]);
    // the same account as the cookies is fine
    fakeX.oauth.setConsent({ userId: me.userId, approve: true });
    expect(await connectDm(t, cookie)).toBe('/settings?x_dm=connected');
  });

  it('says what is missing when the server has no X app', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    expect(await status(cookie)).toMatchObject({
      configured: false,
      missing: ['X_CLIENT_ID'],
      state: 'not_connected',
      callbackUrl: dmCallbackUrl,
    });
    const res = await t.request('/api/v1/x-dm/connect', { method: 'POST', headers: { cookie } });
    expect(await t.expectDocumented(res, 'POST /api/v1/x-dm/connect', 409)).toMatchObject({
      code: 'x_dm.not_configured',
      detail: expect.stringMatching(/X_CLIENT_ID/),
    });
  });

  it('answers the status in the shared schema, and documents every x-dm route', async () => {
    const { cookie } = await signedIn();
    await connectDm(t, cookie);
    expect(XDmStatus.safeParse(await status(cookie)).success).toBe(true);
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const path of [
      '/x-dm/status',
      '/x-dm/connect',
      '/x-dm/callback',
      '/x-dm',
      '/x-dm/sync',
      '/x-dm/contacts/{contactId}/sync',
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.components.schemas).toHaveProperty('XDmStatus');
  });

  it('has one plain sentence for each callback error', () => {
    for (const sentence of Object.values(xDmCallbackSentences))
      expect(sentence).toMatch(/^[A-Z].+\.$/);
  });
});

describe('Disconnect', () => {
  async function storedTokens() {
    const [row] = await t.deps.db.select().from(xDmConnections);
    return t.deps.xDmTokens.open(row!.tokensJwe);
  }
  const tokenWorks = async (accessToken: string) =>
    (
      await fetch(`${fakeX.url}/2/users/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      })
    ).status === 200;

  it('revokes at X, then deletes the tokens', async () => {
    const { cookie } = await signedIn();
    await connectDm(t, cookie);
    const tokens = await storedTokens();
    expect(await tokenWorks(tokens.accessToken)).toBe(true);
    const res = await t.request('/api/v1/x-dm', { method: 'DELETE', headers: { cookie } });
    expect(await t.expectDocumented(res, 'DELETE /api/v1/x-dm', 200)).toMatchObject({
      revoked: true,
      status: { state: 'not_connected' },
      sentence: expect.stringMatching(/^Disconnected: X revoked/),
    });
    expect(
      fakeX.requests.filter((r) => r.path === '/2/oauth2/revoke').map((r) => r.status),
    ).toEqual([200, 200]);
    expect(await tokenWorks(tokens.accessToken)).toBe(false);
    expect(await t.deps.db.select().from(xDmConnections)).toEqual([]);
  });

  it('when X refuses the revocation, still deletes and says so', async () => {
    const { cookie } = await signedIn();
    await connectDm(t, cookie);
    await expect
      .poll(async () => (await status(cookie)).lastSync?.status, { timeout: 10_000 })
      .toBe('finished');
    fakeX.setMode('server_error');
    const res = await t.request('/api/v1/x-dm', { method: 'DELETE', headers: { cookie } });
    const body = (await res.json()) as { revoked: boolean; sentence: string };
    expect(body.revoked).toBe(false);
    expect(body.sentence).toMatch(
      /^Disconnected: Perch deleted its tokens, but X did not confirm the revocation \(X answered 503\)\./,
    );
    expect(await t.deps.db.select().from(xDmConnections)).toEqual([]);
    expect((await status(cookie)).state).toBe('not_connected');
  });
});

describe('secrets', () => {
  it('never puts a token, code or verifier in a response, a log line or the database in clear', async () => {
    const { cookie, userId } = await signedIn();
    const { callback, stateCookie } = await authorizeAtX(t, cookie);
    const [pending] = await t.deps.db.select().from(xOauthStates);
    const { codeVerifier } = await createSecretVault(t.deps.keyring).open(
      'pkce-verifier',
      pending!.verifierJwe,
      ['codeVerifier'],
    );
    const pendingDump = JSON.stringify(pending);
    await returnToPerch(t, callback, [cookie, stateCookie]);
    const stored = async () => (await t.deps.db.select().from(xDmConnections))[0]!.tokensJwe;
    const sealed = async () => t.deps.xDmTokens.open(await stored());
    const tokens = await sealed();
    expect((await t.deps.xDmTokens.refresh(userId, { staleJwe: await stored() })).ok).toBe(true);
    const refreshed = await sealed();
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    await status(cookie);
    await t.request('/api/v1/x-dm', { method: 'DELETE', headers: { cookie } });
    const secrets = [
      tokens.accessToken,
      tokens.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      callback.searchParams.get('code')!,
      codeVerifier,
      dmApp.clientSecret,
    ];
    const dump =
      pendingDump +
      JSON.stringify(
        await t.deps.db.execute('select * from x_dm_connections, x_oauth_states, notifications'),
      );
    const everything = [...t.responses, ...t.logLines, dump].join('\n');
    expect(t.logLines.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(everything).not.toContain(secret);
    }
  });
});
