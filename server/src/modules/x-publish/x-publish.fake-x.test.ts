/**
 * The outbox against test/fake-x over real HTTP, through the real credentials (x-credentials) and X client
 * (createXWrite): for each of the fake's fault modes exactly one post exists at X afterwards (none when X
 * refused, and then the post needs attention); OAuth 2.0 and OAuth 1.0a both publish.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PostView, PublishingStatus } from '@perch/shared';
import type { FakeX } from '../../../../test/fake-x/index.ts';
import type { FakeXWriteFault } from '../../../../test/fake-x/write-faults.ts';
import { jobsIdle } from '../../test-utils/app.ts';
import {
  connectPublishing,
  me,
  publishAndRead,
  publishingApp,
  publishNow,
  resetFakeX,
  startPublishingFakeX,
  testClock,
  type TestApp,
} from '../../test-utils/x-publish.ts';

const oauth1 = {
  consumerKey: 'outbox-consumer-key',
  consumerSecret: 'outbox-consumer-secret',
  accessToken: '6300-outbox-access-token',
  accessTokenSecret: 'outbox-access-token-secret',
};

const clock = testClock();
let fakeX: FakeX;
let t: TestApp;
let lastUserId: string;
beforeAll(async () => {
  fakeX = await startPublishingFakeX(clock);
});
beforeEach(() => resetFakeX(fakeX));
afterEach(async () => {
  await t?.close();
  t = undefined!;
});
afterAll(() => fakeX?.close());

/** Signs up (into the test's one app) and connects the X API, with publishing or without. */
async function connected(publishing: boolean, as?: { email: string; xUserId: string }) {
  t ??= await publishingApp(fakeX, clock, { overrides: { outboxOptions: { parentWaitMs: 400 } } });
  const { cookie, user } = await connectPublishing(t, fakeX, { ...as, publishing });
  lastUserId = user.id;
  return cookie;
}

const publish = (cookie: string, parts: string[], extra: Record<string, unknown> = {}) =>
  publishAndRead(t, cookie, publishNow(parts, extra));

const atX = () => fakeX.posts.all(me.userId);

describe('fault modes at the fake X (OAuth 2.0)', () => {
  it.each<[FakeXWriteFault, 'published' | 'needs_attention' | 'publishing', number]>([
    ['drop-after-create', 'published', 1],
    ['503-after-create', 'published', 1],
    ['timeout-after-create', 'published', 1],
    ['503', 'published', 1],
    ['429', 'publishing', 0],
    ['402', 'needs_attention', 0],
    ['usage-capped', 'needs_attention', 0],
  ])('%s: %s, %i post(s) at X', { timeout: 60_000 }, async (fault, status, posts) => {
    const cookie = await connected(true);
    fakeX.faults.inject(fault, { holdMs: 4_000 });
    const view = await publish(cookie, [`Fault ${fault}: hello https://example.com/x`]);
    expect(view.status).toBe(status);
    expect(atX()).toHaveLength(posts);
    expect(fakeX.faults.hits.map((h) => h.kind)).toEqual([fault]);
    if (posts === 1) expect(view.parts[0]!.xPostId).toBe(atX()[0]!.id);
    if (status === 'publishing') expect(view.waitingUntil).not.toBeNull();
    if (status === 'needs_attention') expect(view.attention!.retryable).toBe(true);
  });

  it(
    'duplicate content of a post Perch published already: not posted twice, needs attention',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(true);
      const first = await publish(cookie, ['Said once']);
      expect(first.status).toBe('published');
      const again = await publish(cookie, ['Said once']);
      expect(again.status).toBe('needs_attention');
      expect(again.attention).toEqual({
        reason: expect.stringMatching(/already/),
        retryable: false,
      });
      expect(atX()).toHaveLength(1);
    },
  );

  it(
    'a thread waits out X’s delay before a new post can be replied to',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(true);
      fakeX.posts.setReplyDelay(600);
      const view = await publish(cookie, ['thread 1/3', 'thread 2/3', 'thread 3/3']);
      expect(view.status).toBe('published');
      const posts = atX().sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      expect(posts.map((p) => p.text)).toEqual(['thread 1/3', 'thread 2/3', 'thread 3/3']);
      expect(view.parts.map((p) => p.xPostId)).toEqual(posts.map((p) => p.id));
      // X refused at least one reply for coming too soon, and nothing was posted twice for it
      expect(fakeX.requestCount('createPosts')).toBeGreaterThan(3);
    },
  );
});

describe('on the contact’s timeline', () => {
  it(
    'a quote of a contact’s post shows as quoted, a reply as replied',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(true);
      fakeX.addAccount({ userId: '6302', screenName: 'ada', name: 'Ada' });
      const theirs = fakeX.posts.add({ authorId: '6302', text: 'Ada’s post', createdAt: 0 });
      const user = { id: lastUserId };
      const { contact } = await t.deps.contacts.create(user.id, {
        name: 'Ada',
        xHandle: 'ada',
        xUserId: '6302',
        notes: '',
      });
      await t.deps.interactions.record(user.id, {
        contactId: contact.id,
        kind: 'mention_in',
        direction: 'inbound',
        xId: theirs.id,
        occurredAt: new Date(),
        text: 'Ada’s post',
      });
      const quoted = await publish(cookie, ['Worth reading'], {
        quoteOf: `https://x.com/ada/status/${theirs.id}`,
      });
      const replied = await publish(cookie, ['Thanks Ada'], {
        replyTo: `https://x.com/ada/status/${theirs.id}`,
      });
      expect([quoted.status, replied.status]).toEqual(['published', 'published']);
      const timeline = await t.deps.interactions.timeline(user.id, contact.id);
      const mine = timeline.filter((i) => i.direction === 'outbound');
      expect(mine.map((i) => [i.kind, i.xId, i.text]).sort()).toEqual(
        [
          ['quote_out', quoted.parts[0]!.xPostId, 'Worth reading'],
          ['reply_out', replied.parts[0]!.xPostId, 'Thanks Ada'],
        ].sort(),
      );
      const page = await t.request(`/contacts/${contact.id}`, { headers: { cookie } });
      expect(await page.text()).toContain('You quoted');
    },
  );
});

describe('faults at random', () => {
  it(
    '20 posts with lost answers and 503s injected at random: each at X exactly once',
    { timeout: 120_000 },
    async () => {
      const cookie = await connected(true);
      for (const [i, kind] of (['drop-after-create', '503-after-create', '503'] as const).entries())
        fakeX.faults.inject(kind, { probability: 0.1, seed: 7 + i });
      const views: PostView[] = [];
      for (let i = 0; i < 20; i++) views.push(await publish(cookie, [`random faults, post ${i}`]));
      expect(fakeX.faults.hits.length).toBeGreaterThan(0);
      expect(views.map((v) => v.status)).toEqual(views.map(() => 'published'));
      const texts = atX()
        .map((p) => p.text)
        .sort();
      expect(texts).toEqual(views.map((_, i) => `random faults, post ${i}`).sort());
    },
  );
});

describe('media', () => {
  it(
    'a post with two images: uploaded to X, then posted once with both',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(true);
      const png = Buffer.concat([
        Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
        Buffer.alloc(3 * 1024 * 1024 + 17, 7),
      ]);
      const ids: string[] = [];
      for (const name of ['a.png', 'b.png']) {
        const res = await t.request('/api/v1/media', {
          method: 'POST',
          headers: { cookie, 'content-type': 'image/png', 'x-perch-file-name': name },
          body: png,
        });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      fakeX.faults.inject('drop-after-create');
      const res = await t.request('/api/v1/posts', {
        method: 'POST',
        headers: { cookie },
        json: { action: 'publish_now', parts: [{ text: 'Two pictures', mediaIds: ids }] },
      });
      const { id } = (await res.json()) as PostView;
      await jobsIdle(t.deps);
      const view = (await (
        await t.request(`/api/v1/posts/${id}`, { headers: { cookie } })
      ).json()) as PostView;
      expect(view.status).toBe('published');
      expect(view.parts[0]!.media.map((m) => m.state)).toEqual(['ready', 'ready']);
      const posts = atX();
      expect(posts).toHaveLength(1);
      expect(posts[0]!.mediaIds).toHaveLength(2);
    },
  );
});

describe('upload progress', () => {
  it(
    'while the media go to X the post says how far (0–100), then published with none',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(true);
      fakeX.media.setProcessing({ polls: 2, checkAfterSecs: 1 });
      const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(2 * 1024 * 1024, 3)]);
      const uploaded = await t.request('/api/v1/media', {
        method: 'POST',
        headers: { cookie, 'content-type': 'image/gif', 'x-perch-file-name': 'a.gif' },
        body: gif,
      });
      expect(uploaded.status).toBe(201);
      const { id: mediaId } = (await uploaded.json()) as { id: string };
      const res = await t.request('/api/v1/posts', {
        method: 'POST',
        headers: { cookie },
        json: { action: 'publish_now', parts: [{ text: 'Moving', mediaIds: [mediaId] }] },
      });
      const { id } = (await res.json()) as PostView;
      const seen: Array<number | null> = [];
      let done = false;
      const idle = jobsIdle(t.deps).then(() => void (done = true));
      let view: PostView;
      do {
        await Promise.race([idle, new Promise((r) => setTimeout(r, 100))]);
        view = await t.expectDocumented<PostView>(
          await t.request(`/api/v1/posts/${id}`, { headers: { cookie } }),
          'GET /api/v1/posts/{id}',
          200,
        );
        if (view.status === 'uploading') seen.push(view.uploadProgress);
        else expect(view.uploadProgress).toBeNull();
      } while (!done);
      expect(view.status).toBe('published');
      expect(seen.length).toBeGreaterThan(0);
      for (const percent of seen) expect(percent).toBeGreaterThanOrEqual(0);
      for (const percent of seen) expect(percent).toBeLessThan(100);
      // it moves: the segments are up before X's processing is done
      expect(Math.max(...(seen as number[]))).toBeGreaterThan(0);
    },
  );
});

describe('both credentials publish', () => {
  it(
    'OAuth 1.0a app credentials, when the grant does not cover publishing',
    { timeout: 60_000 },
    async () => {
      const cookie = await connected(false);
      fakeX.oauth1.addCredentials({ ...oauth1, userId: me.userId });
      const saved = await t.request('/api/v1/x/app-credentials', {
        method: 'POST',
        headers: { cookie },
        json: {
          api_key: oauth1.consumerKey,
          api_secret: oauth1.consumerSecret,
          access_token: oauth1.accessToken,
          access_token_secret: oauth1.accessTokenSecret,
        },
      });
      expect(saved.status).toBe(201);
      expect(((await saved.json()) as PublishingStatus).credential).toBe('oauth1');
      const view = await publish(cookie, ['Signed with OAuth 1.0a']);
      expect(view.status).toBe('published');
      expect(atX().map((p) => p.text)).toEqual(['Signed with OAuth 1.0a']);
    },
  );

  it(
    'the 24-hour app window is the X app’s: a second OAuth 2.0 user waits, X is not asked',
    { timeout: 60_000 },
    async () => {
      fakeX.addAccount({ userId: '6301', screenName: 'perch_two', name: 'Perch Two' });
      fakeX.limits.setDaily({ app: 1 });
      const first = await connected(true);
      expect((await publish(first, ['The app’s one post today'])).status).toBe('published');
      const second = await connected(true, { email: 'two@example.com', xUserId: '6301' });
      const view = await publish(second, ['One too many for the app']);
      expect(view.status).toBe('publishing');
      expect(view.waitingReason).toMatch(/24-hour limit on posts for the X app/);
      expect(fakeX.requestCount('createPosts')).toBe(1);
    },
  );

  it('OAuth 2.0 with tweet.write', { timeout: 60_000 }, async () => {
    const cookie = await connected(true);
    const status = (await (
      await t.request('/api/v1/x/publishing', { headers: { cookie } })
    ).json()) as PublishingStatus;
    expect(status.credential).toBe('oauth2');
    const view = await publish(cookie, ['Sent with OAuth 2.0']);
    expect(view.status).toBe('published');
    expect(atX().map((p) => p.text)).toEqual(['Sent with OAuth 2.0']);
    // the budget is X's own figures from the answer's headers
    const budget = (await (
      await t.request('/api/v1/posts/budget', { headers: { cookie } })
    ).json()) as {
      window: { limit: number; remaining: number };
      day: { limit: number; remaining: number };
    };
    expect(budget.window).toMatchObject({ limit: 100, remaining: 99 });
    expect(budget.day).toMatchObject({ limit: 2400, remaining: 2399 });
  });
});
