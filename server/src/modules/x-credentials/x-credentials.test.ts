/**
 * Which credential publishes, against test/fake-x over real HTTP: the X API connection extended to publishing
 * (OAuth 2.0 scopes), the status the settings row shows, and the app-credentials form's refusals.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { PublishingStatus } from '@perch/shared';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createDmTestApp, returnToPerch, type TestApp } from '../../test-utils/x-dm.ts';
import { xDmConnections } from '../x-dm/x-dm.table.ts';

const me = { userId: '6200', screenName: 'perch_pub', name: 'Perch Pub' };

let fakeX: FakeX;
let t: TestApp;
beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
});
beforeEach(() => {
  fakeX.reset();
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterEach(async () => {
  await t?.close();
  t = undefined!;
});
afterAll(() => fakeX.close());

async function signedIn() {
  t = await createDmTestApp(fakeX);
  const { cookie, user } = await t.signUp();
  return { cookie, userId: user.id };
}

/** Connect (or Extend to publishing) through X's authorize page and back; returns the scopes Perch asked for. */
async function connect(cookie: string, body?: { publishing: boolean }) {
  const start = await t.request('/api/v1/x-dm/connect', {
    method: 'POST',
    headers: { cookie },
    ...(body ? { json: body } : {}),
  });
  const { authorizeUrl } = await t.expectDocumented<{ authorizeUrl: string }>(
    start,
    'POST /api/v1/x-dm/connect',
    200,
  );
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location')!);
  const { next } = await returnToPerch(t, callback, [cookie, stateCookie]);
  expect(next).toBe('/settings?x_dm=connected');
  return new URL(authorizeUrl).searchParams.get('scope')!.split(' ').sort();
}

const publishing = async (cookie: string) =>
  t.expectDocumented<PublishingStatus>(
    await t.request('/api/v1/x/publishing', { headers: { cookie } }),
    'GET /api/v1/x/publishing',
    200,
  );

describe('OAuth 2.0: the X API connection extended to publishing', () => {
  it('asks for tweet.write and media.write with the DM scopes, and then publishes with OAuth 2.0', async () => {
    const { cookie, userId } = await signedIn();
    expect(await connect(cookie, { publishing: true })).toEqual([
      'dm.read',
      'media.write',
      'offline.access',
      'tweet.read',
      'tweet.write',
      'users.read',
    ]);
    const s = await publishing(cookie);
    expect(s).toMatchObject({
      credential: 'oauth2',
      grant: { connected: true, readDms: true, publish: true, uploadMedia: true },
      appCredentials: { present: false, source: null },
      canPublish: true,
      canUploadMedia: true,
      maxWeightedLength: 280,
      problem: null,
    });

    const result = await t.deps.xCredentials.session(userId);
    if (!result.ok) throw new Error(result.sentence);
    expect(result).toMatchObject({
      kind: 'oauth2',
      xUserId: me.userId,
      handle: me.screenName,
      canUploadMedia: true,
    });
    expect(result.session.credential).toBe('oauth2');
    const account = await result.session.me();
    expect(account.data).toMatchObject({ id: me.userId, username: me.screenName });

    // A later plain Connect (reconnecting) keeps the publishing scopes rather than dropping them.
    expect(await connect(cookie)).toContain('tweet.write');
  });

  it('a DM-only grant reads DMs but cannot publish: the status says what to do', async () => {
    const { cookie, userId } = await signedIn();
    expect(await connect(cookie)).toEqual([
      'dm.read',
      'offline.access',
      'tweet.read',
      'users.read',
    ]);
    const s = await publishing(cookie);
    expect(s).toMatchObject({
      credential: null,
      grant: { connected: true, readDms: true, publish: false, uploadMedia: false },
      canPublish: false,
      canUploadMedia: false,
    });
    expect(s.problem).toMatch(/Extend to publishing/);
    const result = await t.deps.xCredentials.session(userId);
    expect(result).toMatchObject({ ok: false, reason: 'not_configured' });
  });

  it('a grant without media.write is told so before an upload', async () => {
    const { cookie, userId } = await signedIn();
    await connect(cookie, { publishing: true });
    await t.deps.db
      .update(xDmConnections)
      .set({ scopes: 'dm.read tweet.read users.read offline.access tweet.write' })
      .where(eq(xDmConnections.userId, userId));
    const s = await publishing(cookie);
    expect(s).toMatchObject({ credential: 'oauth2', canPublish: true, canUploadMedia: false });
    expect(s.problem).toMatch(/media\.write/);
    const result = await t.deps.xCredentials.session(userId);
    expect(result).toMatchObject({ ok: true, kind: 'oauth2', canUploadMedia: false });
  });

  it('nothing connected: no credential, and a sentence', async () => {
    const { cookie } = await signedIn();
    const s = await publishing(cookie);
    expect(s).toMatchObject({ credential: null, canPublish: false, grant: { connected: false } });
    expect(s.problem).toMatch(/Nothing can publish/);
  });
});

describe('POST /api/v1/x/app-credentials', () => {
  it('names each missing field (400 problem+json) and asks X nothing', async () => {
    const { cookie } = await signedIn();
    const res = await t.request('/api/v1/x/app-credentials', {
      method: 'POST',
      headers: { cookie },
      json: { api_secret: 's', access_token_secret: 'ts', bearer_token: 'b' },
    });
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = await t.expectDocumented<{ errors: { path: string; message: string }[] }>(
      res,
      'POST /api/v1/x/app-credentials',
      400,
    );
    expect(body.errors.map((e) => e.path)).toEqual(['api_key', 'access_token']);
    expect(body.errors[0]!.message).toMatch(/API key/);
    expect(fakeX.requests.filter((r) => r.path === '/2/users/me')).toHaveLength(0);
  });

  it('DELETE with nothing stored is a 204', async () => {
    const { cookie } = await signedIn();
    const res = await t.request('/api/v1/x/app-credentials', {
      method: 'DELETE',
      headers: { cookie },
    });
    await t.expectDocumented(res, 'DELETE /api/v1/x/app-credentials', 204);
  });
});
