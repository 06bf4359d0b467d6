import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';

const account = {
  authToken: 'fake-auth',
  ct0: 'fake-ct0',
  userId: '4242',
  screenName: 'Perch_Test',
  name: 'Perch Test',
  bio: 'hi',
};
const suspended = {
  authToken: 'other-auth',
  ct0: 'other-ct0',
  userId: '5',
  screenName: 'gone',
  name: 'Gone',
  suspended: true,
};
const validHeaders = {
  cookie: `auth_token=${account.authToken}; ct0=${account.ct0}`,
  'x-csrf-token': account.ct0,
};

let fakeX: FakeX;
const get = (path: string, headers: Record<string, string> = validHeaders) =>
  fetch(`${fakeX.url}${path}`, { headers });
const userByScreenName = (screenName: string) =>
  `/i/api/graphql/anyQueryId/UserByScreenName?variables=${encodeURIComponent(JSON.stringify({ screen_name: screenName }))}`;

beforeEach(async () => {
  fakeX ??= await startFakeX({ strict: false });
  fakeX.reset();
  fakeX.addAccount(account);
  fakeX.addAccount(suspended);
});
afterAll(() => fakeX?.close());

describe('fake X', () => {
  it('answers settings.json on both hosts with the account, and rate-limit headers', async () => {
    for (const path of ['/i/api/account/settings.json', '/1.1/account/settings.json']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        screen_name: 'Perch_Test',
        user_id: '4242',
        name: 'Perch Test',
      });
      expect(res.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    const again = await get('/i/api/account/settings.json');
    expect(Number(again.headers.get('x-rate-limit-remaining'))).toBeLessThan(
      Number(again.headers.get('x-rate-limit-limit')) - 1,
    );
  });

  it('applies the cookie and csrf rules', async () => {
    const unknown = await get('/i/api/account/settings.json', {
      cookie: 'auth_token=nope; ct0=x',
      'x-csrf-token': 'x',
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      errors: [{ code: 32, message: 'Could not authenticate you.' }],
    });
    expect(unknown.headers.get('x-rate-limit-reset')).not.toBeNull();

    const mismatch = await get('/i/api/account/settings.json', {
      ...validHeaders,
      'x-csrf-token': 'other',
    });
    expect(mismatch.status).toBe(403);
    expect(await mismatch.json()).toEqual({
      errors: [{ code: 353, message: 'This request requires a matching csrf cookie and header.' }],
    });

    const staleCt0 = await get('/i/api/account/settings.json', {
      cookie: `auth_token=${account.authToken}; ct0=old`,
      'x-csrf-token': 'old',
    });
    expect(staleCt0.status).toBe(403);

    expect((await get('/settings/account', {})).status).toBe(401);
    const page = await get('/settings/account', { cookie: `auth_token=${account.authToken}` });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('"user_id":"4242"');
  });

  it('looks up profiles on GraphQL by operation name, and on REST', async () => {
    const found = await get(userByScreenName('perch_test'));
    const body = await found.json();
    expect(body.data.user.result).toMatchObject({
      rest_id: '4242',
      core: { screen_name: 'Perch_Test' },
      legacy: { description: 'hi' },
    });
    expect(body.data.user.result.avatar.image_url).toMatch(/^https:\/\//);
    expect(await (await get(userByScreenName('nobody'))).json()).toEqual({ data: {} });
    expect((await (await get(userByScreenName('gone'))).json()).data.user.result.__typename).toBe(
      'UserUnavailable',
    );
    expect((await get('/i/api/graphql/x/NoSuchOperation')).status).toBe(404);

    expect(await (await get('/1.1/users/show.json?screen_name=perch_test')).json()).toMatchObject({
      id_str: '4242',
    });
    expect((await get('/i/api/1.1/users/show.json?screen_name=nobody')).status).toBe(404);
    expect((await get('/1.1/account/verify_credentials.json')).status).toBe(200);
    expect(fakeX.requests.find((r) => r.operation === 'UserByScreenName')).toMatchObject({
      method: 'GET',
      status: 200,
    });
  });

  it('serves each account’s avatar where its profile says, without cookies and outside the modes', async () => {
    const result = (await (await get(userByScreenName('perch_test'))).json()).data.user.result;
    const avatarUrl = new URL(result.avatar.image_url);
    expect(avatarUrl.href).toBe('https://pbs.twimg.com/profile_images/4242/avatar_normal.png');
    expect(result.legacy.profile_image_url_https).toBe(avatarUrl.href);

    fakeX.setMode('expired', { afterRequests: 1 });
    const image = await fetch(`${fakeX.url}${avatarUrl.pathname}`); // no cookies, like a browser on pbs.twimg.com
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-rate-limit-limit')).toBeNull();
    const png = Buffer.from(await image.arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(48); // IHDR width
    const other = Buffer.from(
      await (await fetch(`${fakeX.url}/profile_images/5/avatar_normal.png`)).arrayBuffer(),
    );
    expect(other.equals(png)).toBe(false);
    // image requests do not count towards afterRequests
    expect((await get('/i/api/account/settings.json')).status).toBe(200);
    expect((await get('/i/api/account/settings.json')).status).toBe(401);

    fakeX.addAccount({
      ...account,
      avatarUrl: 'https://pbs.twimg.com/profile_images/9/new.jpg',
      avatarImage: { contentType: 'image/jpeg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
    });
    const jpeg = await fetch(`${fakeX.url}/profile_images/9/new.jpg`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect([...new Uint8Array(await jpeg.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
    expect((await fetch(`${fakeX.url}/profile_images/4242/avatar_normal.png`)).status).toBe(404); // the old one is gone
    expect(
      fakeX.requests.filter((r) => r.path.startsWith('/profile_images/')).map((r) => r.status),
    ).toEqual([200, 200, 200, 404]);
  });

  it('switches modes', async () => {
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    fakeX.setMode('rate_limited', { resetAt });
    const limited = await get('/i/api/account/settings.json');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      errors: [{ code: 88, message: 'Rate limit exceeded.' }],
    });
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBe(resetAt.getTime() / 1000);

    fakeX.setMode('expired');
    expect((await get('/i/api/account/settings.json')).status).toBe(401);
    fakeX.setMode('csrf');
    expect((await get('/1.1/account/settings.json')).status).toBe(403);
    fakeX.setMode('server_error');
    expect((await get('/1.1/account/settings.json')).status).toBe(503);
    fakeX.setMode('graphql_404');
    expect((await get(userByScreenName('perch_test'))).status).toBe(404);
    expect((await get('/1.1/users/show.json?screen_name=perch_test')).status).toBe(200);
    fakeX.setMode('unreachable');
    await expect(get('/i/api/account/settings.json')).rejects.toThrow('fetch failed');
    expect(fakeX.requests.at(-1)).toMatchObject({
      path: '/i/api/account/settings.json',
      status: 0,
    });
    fakeX.setMode('slow', { delayMs: 300 });
    const started = Date.now();
    expect((await get('/i/api/account/settings.json')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    fakeX.reset();
    expect(fakeX.requests).toHaveLength(0);
    expect((await get('/i/api/account/settings.json')).status).toBe(200);
  });

  it('closes promptly while a slow answer is pending', async () => {
    const slowFake = await startFakeX();
    slowFake.setMode('slow', { delayMs: 60_000 });
    const pending = fetch(`${slowFake.url}/i/api/account/settings.json`).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await slowFake.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
