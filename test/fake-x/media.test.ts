import { createHash, randomBytes } from 'node:crypto';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { bearerRequest, grantTokens, refusal, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const alice = { userId: '43', screenName: 'alice', name: 'Alice' };
const writeScopes = ['tweet.read', 'tweet.write', 'users.read', 'media.write'];

let clock = Date.now();
let fakeX: FakeX;
let token: string;
let client: TwitterApi;
beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  fakeX.addAccount(alice);
  fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
  token = (await grantTokens(fakeX, { userId: me.userId, scopes: writeScopes })).accessToken;
  client = new TwitterApi(token, twitterApiSettings(fakeX));
});
beforeEach(() => {
  fakeX.reset();
  clock += 25 * 60 * 60 * 1000;
});
afterAll(() => fakeX.close());

const api = (method: string, path: string, body?: unknown, bearer = token) =>
  bearerRequest(fakeX, bearer, method, path, body);

async function appendMultipart(id: string, segment: number, bytes: Uint8Array) {
  const form = new FormData();
  form.append('segment_index', String(segment));
  form.append('media', new Blob([new Uint8Array(bytes)]), 'chunk');
  const res = await fetch(new URL(`/2/media/upload/${id}/append`, fakeX.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, text: await res.text() };
}

const png = (size: number) => randomBytes(size);

describe('fake X media upload', () => {
  it('uploads an image in 1 MiB chunks with twitter-api-v2 and keeps only sizes and sha256', async () => {
    const bytes = png(2.5 * 1024 * 1024);
    const id = await client.v2.uploadMedia(bytes, { media_type: 'image/png' });
    const media = fakeX.media.get(id)!;
    expect(media).toMatchObject({
      ownerId: me.userId,
      totalBytes: bytes.length,
      appendedBytes: bytes.length,
      state: 'succeeded',
      category: 'tweet_image',
    });
    expect(media.segments.size).toBe(3);
    expect(media.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const post = await client.v2.tweet('with an image', { media: { media_ids: [id] } });
    expect(fakeX.posts.get(post.data.id)?.mediaIds).toEqual([id]);
  });

  it('processes a video over several STATUS polls (check_after_secs, progress_percent) before it can be posted', async () => {
    fakeX.media.setProcessing({ polls: 2, checkAfterSecs: 1 });
    const init = await api('POST', '/2/media/upload/initialize', {
      media_type: 'video/mp4',
      total_bytes: 1000,
      media_category: 'tweet_video',
    });
    expect(init.status).toBe(200);
    const id = init.body.data.id as string;
    expect(init.body.data.expires_after_secs).toBe(86_400);
    expect((await appendMultipart(id, 0, png(600))).status).toBe(200);
    expect((await appendMultipart(id, 1, png(400))).status).toBe(200);
    const finalize = await api('POST', `/2/media/upload/${id}/finalize`, {});
    expect(finalize.body.data.processing_info).toEqual({ state: 'pending', check_after_secs: 1 });
    // Not postable while processing.
    expect((await api('POST', '/2/tweets', { text: 'v', media: { media_ids: [id] } })).status).toBe(
      400,
    );
    const states: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await api('GET', `/2/media/upload?command=STATUS&media_id=${id}`);
      states.push(s.body.data.processing_info);
    }
    expect(states).toEqual([
      { state: 'in_progress', check_after_secs: 1, progress_percent: 50 },
      { state: 'in_progress', check_after_secs: 1, progress_percent: 100 - 1 },
      { state: 'succeeded', progress_percent: 100 },
    ]);
    expect(fakeX.media.get(id)?.statusPolls).toBe(3);
    expect((await api('POST', '/2/tweets', { text: 'v', media: { media_ids: [id] } })).status).toBe(
      201,
    );
  });

  it('fails processing with a reason by control, which twitter-api-v2 surfaces', async () => {
    fakeX.media.setProcessing({
      polls: 1,
      checkAfterSecs: 1,
      outcome: { code: 3, name: 'InvalidMedia', message: 'Video duration is too long' },
    });
    const error = await client.v2.uploadMedia(png(2000), { media_type: 'video/mp4' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe('Media processing failed: Video duration is too long');
    const [media] = fakeX.media.all(me.userId);
    expect(media?.state).toBe('failed');
    const status = await api('GET', `/2/media/upload?command=STATUS&media_id=${media!.id}`);
    expect(status.body.data.processing_info).toEqual({
      state: 'failed',
      progress_percent: 100,
      error: { code: 3, name: 'InvalidMedia', message: 'Video duration is too long' },
    });
  });

  it('refuses a chunk above the edge limit with 413 and an empty body', async () => {
    const init = await api('POST', '/2/media/upload/initialize', {
      media_type: 'video/mp4',
      total_bytes: 6 * 1024 * 1024,
    });
    const id = init.body.data.id as string;
    const big = await appendMultipart(id, 0, png(5 * 1024 * 1024));
    expect(big).toEqual({ status: 413, text: '' });
    expect(fakeX.media.get(id)?.appendedBytes).toBe(0);
    // JSON base64 works too.
    const chunk = png(1024);
    const json = await api('POST', `/2/media/upload/${id}/append`, {
      media: Buffer.from(chunk).toString('base64'),
      segment_index: 0,
    });
    expect(json.status).toBe(200);
    expect(fakeX.media.get(id)?.appendedBytes).toBe(1024);
  });

  it('wants total_bytes appended, a body on finalize, and refuses an upload past expires_after_secs', async () => {
    fakeX.media.setExpiry(60);
    const init = await api('POST', '/2/media/upload/initialize', {
      media_type: 'image/jpeg',
      total_bytes: 100,
    });
    const id = init.body.data.id as string;
    await appendMultipart(id, 0, png(60));
    expect((await api('POST', `/2/media/upload/${id}/finalize`, {})).status).toBe(400); // 60 of 100
    const empty = await fetch(new URL(`/2/media/upload/${id}/finalize`, fakeX.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(empty.status).toBe(400);
    await appendMultipart(id, 1, png(40));
    clock += 61_000;
    expect((await api('POST', `/2/media/upload/${id}/finalize`, {})).status).toBe(404);
    expect(
      (
        await api('POST', '/2/media/upload/initialize', {
          media_type: 'image/png',
          total_bytes: 6 * 1024 * 1024,
        })
      ).status,
    ).toBe(400); // over the 5 MB image cap
  });

  it('takes a one-shot POST /2/media/upload (multipart), which can be posted at once', async () => {
    const form = new FormData();
    form.append('media_category', 'tweet_image');
    form.append('media', new Blob([new Uint8Array(png(300))]), 'image.png');
    const res = await fetch(new URL('/2/media/upload', fakeX.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string; size: number } };
    expect(data.size).toBe(300);
    expect(
      (await api('POST', '/2/tweets', { text: 'one shot', media: { media_ids: [data.id] } }))
        .status,
    ).toBe(201);
    expect(fakeX.requestCount('mediaUpload')).toBe(1);
  });

  it('sets alt text up to 1000 characters', async () => {
    const id = await client.v2.uploadMedia(png(500), { media_type: 'image/png' });
    expect((await client.v2.createMediaMetadata(id, { alt_text: { text: 'a cat' } })).data.id).toBe(
      id,
    );
    expect(fakeX.media.get(id)?.altText).toBe('a cat');
    const long = await api('POST', '/2/media/metadata', {
      id,
      metadata: { alt_text: { text: 'x'.repeat(1001) } },
    });
    expect(long.status).toBe(400);
  });

  it('needs media.write, and media of another user cannot be posted', async () => {
    fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
    const noMedia = await grantTokens(fakeX, {
      userId: me.userId,
      scopes: ['tweet.read', 'tweet.write', 'users.read'],
    });
    const refused = await api(
      'POST',
      '/2/media/upload/initialize',
      { media_type: 'image/png', total_bytes: 10 },
      noMedia.accessToken,
    );
    expect(refused.status).toBe(403);
    const aliceToken = await grantTokens(fakeX, { userId: alice.userId, scopes: writeScopes });
    const alices = await new TwitterApi(
      aliceToken.accessToken,
      twitterApiSettings(fakeX),
    ).v2.uploadMedia(png(100), { media_type: 'image/png' });
    const error = await refusal(client.v2.tweet('not mine', { media: { media_ids: [alices] } }));
    expect(error.code).toBe(400);
  });

  it('takes 4 images, or 1 GIF, or 1 video; never media with a poll', async () => {
    fakeX.media.setProcessing({ polls: 0 });
    const images = [];
    for (let i = 0; i < 4; i++)
      images.push(await client.v2.uploadMedia(png(100), { media_type: 'image/png' }));
    const video = await client.v2.uploadMedia(png(100), { media_type: 'video/mp4' });
    const gif = await client.v2.uploadMedia(png(100), { media_type: 'image/gif' });
    expect(
      (await api('POST', '/2/tweets', { text: '4', media: { media_ids: images } })).status,
    ).toBe(201);
    expect(
      (await api('POST', '/2/tweets', { text: '5', media: { media_ids: [...images, video] } }))
        .status,
    ).toBe(400);
    expect(
      (await api('POST', '/2/tweets', { text: 'iv', media: { media_ids: [images[0], video] } }))
        .status,
    ).toBe(400);
    expect(
      (await api('POST', '/2/tweets', { text: 'gg', media: { media_ids: [gif, gif] } })).status,
    ).toBe(400);
    expect(
      (await api('POST', '/2/tweets', { text: 'g', media: { media_ids: [gif] } })).status,
    ).toBe(201);
    const withPoll = await api('POST', '/2/tweets', {
      text: 'p',
      media: { media_ids: [video] },
      poll: { options: ['a', 'b'], duration_minutes: 10 },
    });
    expect(withPoll.status).toBe(400);
    expect(
      (await api('POST', '/2/tweets', { text: 'vid', media: { media_ids: [video] } })).status,
    ).toBe(201);
  });
});
