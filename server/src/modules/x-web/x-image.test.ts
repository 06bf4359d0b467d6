/**
 * Avatar downloads through the session, against the fake X playing pbs.twimg.com.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createXWeb } from './x-web.ts';

const pair = { authToken: 'imgSECRETauth0a1b2c3', ct0: 'imgSECRETct0d4e5f6' };
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const alice = {
  userId: '8001',
  screenName: 'alice',
  name: 'Alice',
  avatarUrl: 'https://pbs.twimg.com/profile_images/8001/a_normal.jpg',
  avatarImage: { contentType: 'image/jpeg', body: jpeg },
};
const page = {
  userId: '8002',
  screenName: 'page',
  name: 'Page',
  avatarUrl: 'https://pbs.twimg.com/profile_images/8002/p.jpg',
  avatarImage: {
    contentType: 'text/html; charset=utf-8',
    body: Buffer.from('<script>alert(1)</script>'),
  },
};
const huge = {
  userId: '8003',
  screenName: 'huge',
  name: 'Huge',
  avatarUrl: 'https://pbs.twimg.com/profile_images/8003/h.png',
  avatarImage: { contentType: 'image/png', body: Buffer.alloc(2 * 1024 * 1024 + 1) },
};

let fakeX: FakeX;
const sentHeaders: Headers[] = [];
const recordingFetch = ((input: string | URL | Request, init?: RequestInit) => {
  sentHeaders.push(new Headers(init?.headers));
  return fetch(input, init);
}) as typeof globalThis.fetch;
const session = (timeoutMs = 2_000) =>
  createXWeb({
    xOrigin: fakeX.url,
    xApiOrigin: fakeX.url,
    timeoutMs,
    fetch: recordingFetch,
  }).forAccount(pair);

beforeAll(async () => {
  fakeX = await startFakeX();
  for (const a of [
    { ...pair, userId: '8000', screenName: 'perch_me', name: 'Me' },
    alice,
    page,
    huge,
  ])
    fakeX.addAccount(a);
});
afterEach(() => {
  fakeX.reset();
  sentHeaders.length = 0;
});
afterAll(() => fakeX.close());

describe('session.image', () => {
  it('downloads an avatar from pbs.twimg.com in one request, without sending the cookies', async () => {
    expect(await session().image(alice.avatarUrl)).toEqual({
      ok: true,
      value: { contentType: 'image/jpeg', bytes: jpeg },
    });
    expect(fakeX.requests.map((r) => [r.path, r.status])).toEqual([
      ['/profile_images/8001/a_normal.jpg', 200],
    ]);
    expect(sentHeaders).toHaveLength(1);
    expect(sentHeaders[0]!.get('cookie')).toBeNull();
    expect(JSON.stringify([...sentHeaders[0]!])).not.toContain('SECRET');
  });

  it('the fake’s default avatar is a PNG at the URL the profile names', async () => {
    fakeX.addAccount({ userId: '8004', screenName: 'plain', name: 'Plain' });
    const plain = await session().profileByHandle('plain');
    if (!plain.ok) throw new Error('lookup failed');
    const image = await session().image(plain.value.avatarUrl!);
    expect(image).toMatchObject({ ok: true, value: { contentType: 'image/png' } });
    expect(image.ok && image.value.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses what is not an image, what is too large, a missing one, and hosts that are not X', async () => {
    expect(await session().image(page.avatarUrl)).toMatchObject({
      ok: false,
      kind: 'unavailable',
      detail: 'X sent something that is not an image',
    });
    expect(await session().image(huge.avatarUrl)).toMatchObject({
      ok: false,
      kind: 'unavailable',
      detail: 'the image is larger than Perch keeps',
    });
    expect(await session().image('https://pbs.twimg.com/profile_images/1/gone.jpg')).toEqual({
      ok: false,
      kind: 'not_found',
    });
    const before = fakeX.requests.length;
    for (const url of [
      'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
      'https://evil.test/a.png',
      'http://pbs.twimg.com/a.png',
    ]) {
      expect(await session().image(url)).toEqual({ ok: false, kind: 'not_found' });
    }
    expect(fakeX.requests).toHaveLength(before);
  });

  it('gives up after the request timeout', async () => {
    fakeX.setMode('slow', { delayMs: 5_000 });
    const started = performance.now();
    expect(await session(300).image(alice.avatarUrl)).toMatchObject({
      ok: false,
      kind: 'unavailable',
      detail: 'X did not send the image within 0.3 s',
    });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
