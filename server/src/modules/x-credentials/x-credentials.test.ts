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
import { xAppCredentials } from './x-credentials.table.ts';

const me = { userId: '6200', screenName: 'perch_pub', name: 'Perch Pub' };
const other = { userId: '6201', screenName: 'not_me', name: 'Not Me' };
const mine = {
  api_key: 'pub-consumer-key',
  api_secret: 'pub-consumer-secret-value',
  access_token: '6200-pub-access-token',
  access_token_secret: 'pub-access-token-secret-value',
  bearer_token: 'AAAA-pub-bearer-token-value',
};
const theirs = {
  ...mine,
  access_token: '6201-other-access-token',
  access_token_secret: 'other-secret',
};

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
  for (const [c, userId] of [
    [mine, me.userId],
    [theirs, other.userId],
  ] as const)
    fakeX.oauth1.addCredentials({
      consumerKey: c.api_key,
      consumerSecret: c.api_secret,
      accessToken: c.access_token,
      accessTokenSecret: c.access_token_secret,
      userId,
    });
});
afterEach(async () => {
  await t?.close();
  t = undefined!;
});
afterAll(() => fakeX.close());

async function signedIn(env: Record<string, string> = {}) {
  t = await createDmTestApp(fakeX, { env });
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

const save = (cookie: string, json: unknown) =>
  t.request('/api/v1/x/app-credentials', { method: 'POST', headers: { cookie }, json });
const usersMe = () => fakeX.requests.filter((r) => r.path === '/2/users/me').length;

describe('OAuth 1.0a app credentials', () => {
  it('are verified once with X, sealed in the database, and then publish', async () => {
    const { cookie, userId } = await signedIn();
    await connect(cookie); // a DM-only grant: the app credentials publish
    const before = usersMe();
    const s = await t.expectDocumented<PublishingStatus>(
      await save(cookie, mine),
      'POST /api/v1/x/app-credentials',
      201,
    );
    expect(usersMe() - before).toBe(1);
    expect(s).toMatchObject({
      credential: 'oauth1',
      appCredentials: {
        present: true,
        source: 'settings',
        handle: me.screenName,
        hasBearerToken: true,
      },
      canPublish: true,
      canUploadMedia: true,
      problem: null,
    });
    expect(s.appCredentials.verifiedAt).not.toBeNull();

    const [row] = await t.deps.db.select().from(xAppCredentials);
    const stored = JSON.stringify(row);
    for (const secret of Object.values(mine)) expect(stored).not.toContain(secret);
    expect(row!.credentialsJwe.split('.')).toHaveLength(5); // compact JWE
    expect(row!.xUserId).toBe(me.userId);
    // never sent back, nor logged
    expect(JSON.stringify(s)).not.toContain(mine.api_secret);
    expect(t.logLines.join('\n')).not.toContain(mine.access_token_secret);

    // Later statuses and sessions do not verify again.
    await publishing(cookie);
    const result = await t.deps.xCredentials.session(userId);
    if (!result.ok) throw new Error(result.sentence);
    expect(result).toMatchObject({ kind: 'oauth1', xUserId: me.userId, canUploadMedia: true });
    expect(usersMe() - before).toBe(1);
    const post = await result.session.createPost({ text: 'published with OAuth 1.0a' });
    expect(fakeX.posts.get(post.data.id)?.authorId).toBe(me.userId);

    await t.expectDocumented(
      await t.request('/api/v1/x/app-credentials', { method: 'DELETE', headers: { cookie } }),
      'DELETE /api/v1/x/app-credentials',
      204,
    );
    expect((await publishing(cookie)).credential).toBeNull();
    expect(await t.deps.db.select().from(xAppCredentials)).toHaveLength(0);
  });

  it('another X account’s are refused (409, a plain sentence), and nothing is stored', async () => {
    const { cookie } = await signedIn();
    await connect(cookie);
    const res = await save(cookie, theirs);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const body = await t.expectDocumented<{ code: string; detail: string }>(
      res,
      'POST /api/v1/x/app-credentials',
      409,
    );
    expect(body.code).toBe('x_credentials.wrong_account');
    expect(body.detail).toMatch(/@not_me, not to the X account connected to Perch/);
    expect(await t.deps.db.select().from(xAppCredentials)).toHaveLength(0);
  });

  it('X refusing them (bad signature) is a 400 saying what to check', async () => {
    const { cookie } = await signedIn();
    const res = await save(cookie, { ...mine, access_token_secret: 'wrong' });
    const body = await t.expectDocumented<{ code: string; detail: string }>(
      res,
      'POST /api/v1/x/app-credentials',
      400,
    );
    expect(body.code).toBe('x_credentials.refused');
    expect(body.detail).not.toContain('wrong');
    expect(await t.deps.db.select().from(xAppCredentials)).toHaveLength(0);
  });

  it('from the environment: they apply to the user whose X account they verify as', async () => {
    const { cookie, userId } = await signedIn({
      X_API_KEY: mine.api_key,
      X_API_SECRET: mine.api_secret,
      X_ACCESS_TOKEN: mine.access_token,
      X_ACCESS_TOKEN_SECRET: mine.access_token_secret,
      PERCH_ALLOW_SIGNUP: 'true',
    });
    // Not connected to any X account yet: nothing says whose they are.
    expect((await publishing(cookie)).credential).toBeNull();
    await connect(cookie);
    const s = await publishing(cookie);
    expect(s).toMatchObject({
      credential: 'oauth1',
      appCredentials: {
        present: true,
        source: 'environment',
        handle: me.screenName,
        hasBearerToken: false,
      },
    });
    expect((await t.deps.xCredentials.session(userId)).ok).toBe(true);

    // Another user on the server connected as another X account: not theirs.
    const second = await t.signUp('second@example.com');
    fakeX.oauth.setConsent({ userId: other.userId, approve: true });
    await connect(second.cookie);
    expect((await publishing(second.cookie)).credential).toBeNull();
  });
});
