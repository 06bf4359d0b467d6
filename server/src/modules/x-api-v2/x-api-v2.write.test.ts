/**
 * The write client over real HTTP against test/fake-x, with both credentials: an OAuth 2.0 user token got through
 * the fake's PKCE flow, and OAuth 1.0a app credentials the fake checks the signature of.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createXApi, xDmScopes, xPublishingScopes } from './x-api-v2.ts';
import { XApiError } from './x-api-v2.errors.ts';
import { createXWrite, type XCredential, type XWriteSession } from './x-api-v2.write.ts';

const me = { userId: '6300', screenName: 'perch_writer', name: 'Perch Writer' };
const other = { userId: '6301', screenName: 'someone', name: 'Someone' };
const app = { clientId: 'perch-write-test', clientSecret: 'perch-write-secret' };
const redirectUri = 'http://perch.test/api/v1/x-dm/callback';
const oauth1: Extract<XCredential, { kind: 'oauth1' }> = {
  kind: 'oauth1',
  apiKey: 'consumer-key',
  apiSecret: 'consumer-secret',
  accessToken: `${me.userId}-access-token`,
  accessTokenSecret: 'access-token-secret',
};

let fakeX: FakeX;
let xWrite: ReturnType<typeof createXWrite>;
let xApi: ReturnType<typeof createXApi>;
beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
  fakeX.addAccount(other);
  fakeX.oauth.addClient({ ...app, redirectUris: [redirectUri] });
  const options = { xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs: 3000 };
  xWrite = createXWrite(options);
  xApi = createXApi({ ...options, ...app });
});
beforeEach(() => {
  fakeX.reset();
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
  fakeX.oauth1.addCredentials({
    consumerKey: oauth1.apiKey,
    consumerSecret: oauth1.apiSecret,
    accessToken: oauth1.accessToken,
    accessTokenSecret: oauth1.accessTokenSecret,
    userId: me.userId,
  });
});
afterAll(() => fakeX.close());

/** A user token through X's consent page, for `scopes`. */
async function oauth2Token(publishing = true) {
  const { url, codeVerifier } = xApi.authorizeLink(redirectUri, 'state-1', { publishing });
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const tokens = await xApi.exchangeCode({ code, codeVerifier, redirectUri });
  return tokens;
}

const failureOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    if (error instanceof XApiError) return error;
    throw error;
  }
  throw new Error('expected an XApiError');
};

const sessions: Array<[string, () => Promise<XWriteSession>]> = [
  [
    'OAuth 2.0',
    async () => xWrite({ kind: 'oauth2', accessToken: (await oauth2Token()).accessToken }),
  ],
  ['OAuth 1.0a', async () => xWrite(oauth1)],
];

describe.each(sessions)('createXWrite with %s', (name, open) => {
  it('posts, reads its own posts back, deletes, with the 15-minute and 24-hour limits', async () => {
    const session = await open();
    expect(session.credential).toBe(name === 'OAuth 2.0' ? 'oauth2' : 'oauth1');
    const account = await session.me();
    expect(account.data).toMatchObject({
      id: me.userId,
      username: me.screenName,
      subscriptionType: 'None',
    });

    const created = await session.createPost({ text: `hello from ${name}` });
    expect(created.data.text).toBe(`hello from ${name}`);
    expect(fakeX.posts.all(me.userId).map((p) => p.id)).toEqual([created.data.id]);
    expect(created.limits.window).toMatchObject({ limit: 100, remaining: 99 });
    expect(created.limits.userDay).toMatchObject({ limit: 2400, remaining: 2399 });
    expect(created.limits.appDay).toMatchObject({ limit: 10_000, remaining: 9999 });
    expect(created.limits.window!.resetAt.getTime()).toBeGreaterThan(Date.now());

    const reply = await (async () => {
      fakeX.posts.setReplyDelay(0);
      return session.createPost({ text: 'a reply', replyToId: created.data.id });
    })();
    const own = await session.ownPosts(me.userId, {});
    expect(own.data.map((p) => p.id)).toEqual([reply.data.id, created.data.id]);
    expect(own.data[0]).toMatchObject({
      text: 'a reply',
      replyToId: created.data.id,
      quoteOfId: null,
    });
    expect(own.data[0]!.createdAt).toBeInstanceOf(Date);
    const since = await session.ownPosts(me.userId, { sinceId: created.data.id });
    expect(since.data.map((p) => p.id)).toEqual([reply.data.id]);

    expect((await session.deletePost(reply.data.id)).data).toEqual({ deleted: true });
    expect(fakeX.posts.all(me.userId)).toHaveLength(1);
  });

  it('a repeat of the text is duplicate_content', async () => {
    const session = await open();
    await session.createPost({ text: 'once only' });
    const failure = await failureOf(session.createPost({ text: 'once only' }));
    expect(failure.kind).toBe('duplicate_content');
    expect(fakeX.posts.all(me.userId)).toHaveLength(1);
  });

  it('a reply to a post just made, too soon, is reply_target_unavailable', async () => {
    const session = await open();
    fakeX.posts.setReplyDelay(60_000);
    const parent = await session.createPost({ text: 'the parent' });
    const failure = await failureOf(
      session.createPost({ text: 'too soon', replyToId: parent.data.id }),
    );
    expect(failure.kind).toBe('reply_target_unavailable');
  });

  it('uploads media in segments (multipart), finalizes with {}, polls STATUS, sets alt text, posts with it', async () => {
    const session = await open();
    fakeX.media.setProcessing({ polls: 2, checkAfterSecs: 1 });
    const bytes = new Uint8Array(1024 * 1024 + 10).map((_, i) => i % 251);
    const init = await session.mediaInitialize({
      mediaType: 'video/mp4',
      totalBytes: bytes.byteLength,
      category: 'tweet_video',
    });
    expect(init.data.mediaId).toMatch(/^\d+$/);
    expect(init.data.expiresAfterSecs).toBeGreaterThan(0);
    await session.mediaAppend(init.data.mediaId, 0, bytes.subarray(0, 1024 * 1024));
    const second = await session.mediaAppend(init.data.mediaId, 1, bytes.subarray(1024 * 1024));
    expect(second.limits.window?.limit).toBe(1875);
    const finalized = await session.mediaFinalize(init.data.mediaId);
    expect(finalized.data.state).toBe('pending');
    expect(finalized.data.checkAfterSecs).toBe(1);
    let status = await session.mediaStatus(init.data.mediaId);
    for (let i = 0; i < 5 && status.data.state !== 'succeeded'; i++)
      status = await session.mediaStatus(init.data.mediaId);
    expect(status.data).toMatchObject({ state: 'succeeded', error: null });
    const kept = fakeX.media.get(init.data.mediaId)!;
    expect(kept.appendedBytes).toBe(bytes.byteLength);
    expect(kept.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    await session.mediaMetadata(init.data.mediaId, 'a test video');
    expect(fakeX.media.get(init.data.mediaId)!.altText).toBe('a test video');
    const post = await session.createPost({ text: 'with a video', mediaIds: [init.data.mediaId] });
    const own = await session.ownPosts(me.userId, {});
    expect(own.data.find((p) => p.id === post.data.id)?.mediaKeys).toHaveLength(1);
  });

  it('a video X cannot process comes back failed with X’s reason', async () => {
    const session = await open();
    fakeX.media.setProcessing({ polls: 1, checkAfterSecs: 1 });
    const init = await session.mediaInitialize({
      mediaType: 'video/mp4',
      totalBytes: 4,
      category: 'tweet_video',
    });
    fakeX.media.setOutcome(init.data.mediaId, {
      code: 1,
      name: 'InvalidMedia',
      message: 'Unsupported video format',
    });
    await session.mediaAppend(init.data.mediaId, 0, new Uint8Array([1, 2, 3, 4]));
    await session.mediaFinalize(init.data.mediaId);
    let status = await session.mediaStatus(init.data.mediaId);
    for (let i = 0; i < 5 && status.data.state !== 'failed'; i++)
      status = await session.mediaStatus(init.data.mediaId);
    expect(status.data).toMatchObject({ state: 'failed', error: 'Unsupported video format' });
  });

  it('reads metrics under one name whichever spelling X uses', async () => {
    const session = await open();
    const post = await session.createPost({ text: 'count me' });
    fakeX.posts.setMetrics(post.data.id, { repost_count: 3, like_count: 5 });
    for (const spelling of ['document', 'legacy'] as const) {
      fakeX.posts.setSpelling(spelling);
      const metrics = await session.postMetrics([post.data.id], { own: true });
      expect(metrics.data[0]).toMatchObject({
        id: post.data.id,
        public: { reposts: 3, likes: 5 },
      });
      expect((await session.me()).data.posts, spelling).toBe(1);
    }
  });

  it('402 and 429 usage-capped are their own kinds; a 503 is unavailable (outcome unknown)', async () => {
    const session = await open();
    fakeX.faults.inject('402');
    expect((await failureOf(session.createPost({ text: 'a' }))).kind).toBe('credits_depleted');
    fakeX.faults.inject('usage-capped');
    expect((await failureOf(session.createPost({ text: 'b' }))).kind).toBe('usage_capped');
    fakeX.faults.inject('429');
    const limited = await failureOf(session.createPost({ text: 'c' }));
    expect(limited.kind).toBe('rate_limited');
    fakeX.faults.inject('503-after-create');
    expect((await failureOf(session.createPost({ text: 'd' }))).kind).toBe('unavailable');
    fakeX.faults.inject('drop-after-create');
    expect((await failureOf(session.createPost({ text: 'e' }))).kind).toBe('unavailable');
    // both went out: the caller has to reconcile
    expect(fakeX.posts.all(me.userId).map((p) => p.text)).toEqual(['d', 'e']);
  });
});

describe('createXWrite, each credential’s own refusals', () => {
  it('OAuth 1.0a with a wrong secret: X’s 401, unauthorized, and no secret in the error', async () => {
    const failure = await failureOf(
      xWrite({ ...oauth1, accessTokenSecret: 'not-the-secret' }).createPost({ text: 'x' }),
    );
    expect(failure.kind).toBe('unauthorized');
    expect(failure.status).toBe(401);
    const said = JSON.stringify({ ...failure, message: failure.message, stack: failure.stack });
    for (const secret of [
      oauth1.apiSecret,
      oauth1.accessToken,
      'not-the-secret',
      'oauth_signature',
    ])
      expect(said).not.toContain(secret);
    expect(fakeX.posts.all(me.userId)).toHaveLength(0);
  });

  it('an OAuth 2.0 grant without media.write: missing_scope naming it', async () => {
    const tokens = await oauth2Token(false);
    expect(tokens.scopes.sort()).toEqual([...xDmScopes].sort());
    const session = xWrite({ kind: 'oauth2', accessToken: tokens.accessToken });
    const failure = await failureOf(
      session.mediaInitialize({ mediaType: 'image/png', totalBytes: 10, category: 'tweet_image' }),
    );
    expect(failure).toMatchObject({ kind: 'missing_scope', scope: 'media.write' });
    expect(failure.detail).not.toContain(tokens.accessToken);
    expect([...xPublishingScopes]).toEqual(['tweet.write', 'media.write']);
  });

  it('a post whose answer does not come in time is unavailable (outcome unknown), and went out', async () => {
    const hurried = createXWrite({ xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs: 300 });
    fakeX.faults.inject('timeout-after-create', { holdMs: 3000 });
    const failure = await failureOf(hurried(oauth1).createPost({ text: 'slow answer' }));
    expect(failure.kind).toBe('unavailable');
    expect(failure.detail).toMatch(/did not answer/);
    expect(fakeX.posts.all(me.userId).map((p) => p.text)).toEqual(['slow answer']);
  });

  it('refuses a segment over 1 MiB before sending it', async () => {
    const session = xWrite(oauth1);
    await expect(
      session.mediaAppend('1', 0, new Uint8Array(1024 * 1024 + 1)),
    ).rejects.toBeInstanceOf(RangeError);
    expect(fakeX.requestCount('mediaAppend')).toBe(0);
  });
});
