/**
 * The outbox's own rules at the fake X, through the real client and credentials: what it reads before it sends
 * again, how long it waits for X's windows, and a process killed mid-thread. The fault modes one by one are in
 * x-publish.fake-x.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeX } from '../../../../test/fake-x/index.ts';
import { loadConfig } from '../../config.ts';
import { createDeps, type Deps } from '../../deps.ts';
import { createLogger } from '../../lib/logger.ts';
import { jobsIdle, testWebAssets } from '../../test-utils/app.ts';
import { dmApp } from '../../test-utils/x-dm.ts';
import {
  connectPublishing,
  createPost,
  getPost,
  me,
  postsAtX,
  publishAndRead,
  publishingApp,
  publishNow,
  resetFakeX,
  startPublishingFakeX,
  sweep,
  testClock,
  type TestApp,
} from '../../test-utils/x-publish.ts';

const clock = testClock();
let fakeX: FakeX;
const opened: Array<{ close: () => Promise<void> }> = [];
beforeAll(async () => {
  fakeX = await startPublishingFakeX(clock);
});
beforeEach(() => resetFakeX(fakeX));
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});
afterAll(() => fakeX?.close());

const minute = 60_000;

async function setup(options: Parameters<typeof publishingApp>[2] = {}) {
  const t = await publishingApp(fakeX, clock, options);
  opened.push(t);
  const { cookie, user } = await connectPublishing(t, fakeX);
  fakeX.posts.setReplyDelay(0);
  return { t, cookie, user };
}
const creates = () => fakeX.requestCount('createPosts');
const reads = () => fakeX.requestCount('usersPosts');

describe('the outbox reads before it sends again', () => {
  it(
    '503 before X created it: two reads find nothing, sent once more',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.faults.inject('503');
      const view = await publishAndRead(t, cookie, publishNow('Second try'));
      expect(view.status).toBe('published');
      expect(postsAtX(fakeX)).toHaveLength(1);
      expect(creates()).toBe(2);
      expect(reads()).toBe(2); // absence is concluded only after two reads
    },
  );

  it(
    'lost answers every time: needs attention after three sends, each after reads that found nothing; Retry publishes once',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.faults.inject('503', { times: 3 });
      const view = await publishAndRead(t, cookie, publishNow('Never'));
      expect(view.status).toBe('needs_attention');
      expect(view.attention).toEqual({
        reason: expect.stringMatching(/did not answer/),
        retryable: true,
      });
      expect(postsAtX(fakeX)).toHaveLength(0);
      expect([creates(), reads()]).toEqual([3, 6]);
      const retried = await t.request(`/api/v1/posts/${view.id}/retry`, {
        method: 'POST',
        headers: { cookie },
      });
      expect(retried.status).toBe(200);
      await jobsIdle(t.deps);
      expect((await getPost(t, cookie, view.id)).status).toBe('published');
      expect(postsAtX(fakeX).map((p) => p.text)).toEqual(['Never']);
    },
  );

  it(
    'a timeline that lags: the first read misses the post, the second finds it',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup({
        overrides: { outboxOptions: { reconcileWaitMs: 1_500 } },
      });
      fakeX.posts.setTimelineLag(700);
      fakeX.faults.inject('drop-after-create');
      const view = await publishAndRead(t, cookie, publishNow('Lagging'));
      expect(view.status).toBe('published');
      expect(postsAtX(fakeX)).toHaveLength(1);
      expect(view.parts[0]!.xPostId).toBe(postsAtX(fakeX)[0]!.id);
      expect([creates(), reads()]).toEqual([1, 2]);
    },
  );

  it(
    'duplicate content of a post made on x.com: needs attention, not sent again',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.posts.add({
        authorId: me.userId,
        text: 'Same words',
        createdAt: clock.ms() - 60 * minute,
      });
      const view = await publishAndRead(t, cookie, publishNow('Same words'));
      expect(view.status).toBe('needs_attention');
      expect(view.attention).toEqual({
        reason: expect.stringMatching(/duplicate/),
        retryable: false,
      });
      expect(postsAtX(fakeX)).toHaveLength(1);
      expect(creates()).toBe(1);
    },
  );

  it(
    'a thread replying to someone’s post: each part replies to the one before, X’s 403 for a parent too new waited out',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.addAccount({ userId: '6310', screenName: 'someone', name: 'Someone' });
      const theirs = fakeX.posts.add({ authorId: '6310', text: 'their post', createdAt: 0 });
      fakeX.posts.setReplyDelay(300);
      const view = await publishAndRead(
        t,
        cookie,
        publishNow(['one', 'two', 'three'], {
          replyTo: `https://x.com/someone/status/${theirs.id}`,
        }),
      );
      expect(view.status).toBe('published');
      const posts = postsAtX(fakeX);
      expect(posts.map((p) => p.text)).toEqual(['one', 'two', 'three']);
      expect(posts.map((p) => p.inReplyToId)).toEqual([theirs.id, posts[0]!.id, posts[1]!.id]);
      expect(view.parts.map((p) => p.xPostId)).toEqual(posts.map((p) => p.id));
      expect(creates()).toBeGreaterThan(3); // at least one reply came too soon, none was posted twice
    },
  );

  it(
    'a thread waits X’s reply delay after each part it made, so no reply is sent too soon: one request a part',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup({ overrides: { outboxOptions: { replySettleMs: 400 } } });
      fakeX.posts.setReplyDelay(300);
      const view = await publishAndRead(
        t,
        cookie,
        publishNow(['first', 'second', 'third', 'fourth']),
      );
      expect(view.status).toBe('published');
      expect(postsAtX(fakeX).map((p) => p.text)).toEqual(['first', 'second', 'third', 'fourth']);
      expect(creates()).toBe(4);
    },
  );
});

describe('X’s windows', () => {
  it(
    '429: nothing at X, the post waits for the window and then goes out once',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.faults.inject('429');
      let view = await publishAndRead(t, cookie, publishNow('Rate limited'));
      expect(postsAtX(fakeX)).toHaveLength(0);
      expect(view.status).toBe('publishing');
      expect(view.waitingReason).toMatch(/15-minute limit/);
      expect(new Date(view.waitingUntil!).getTime()).toBeGreaterThan(clock.ms() + 14 * minute);
      await sweep(t.deps); // not yet due
      expect(creates()).toBe(1);
      clock.advance(16 * minute);
      await sweep(t.deps);
      view = await getPost(t, cookie, view.id);
      expect(view.status).toBe('published');
      expect(postsAtX(fakeX).map((p) => p.text)).toEqual(['Rate limited']);
      expect(creates()).toBe(2);
    },
  );

  it.each([
    ['402', 'credits_depleted', /credits/],
    ['usage-capped', 'usage_capped', /usage cap/],
  ] as const)(
    '%s: needs attention with its own sentence, the budget says blocked, the next post is not sent',
    { timeout: 30_000 },
    async (fault, kind, sentence) => {
      const { t, cookie } = await setup();
      fakeX.faults.inject(fault);
      const view = await publishAndRead(t, cookie, publishNow('No credits'));
      expect(view.status).toBe('needs_attention');
      expect(view.attention!.reason).toMatch(sentence);
      const budget = await t.expectDocumented<{ blocked: { kind: string } | null }>(
        await t.request('/api/v1/posts/budget', { headers: { cookie } }),
        'GET /api/v1/posts/budget',
        200,
      );
      expect(budget.blocked?.kind).toBe(kind);
      const next = await publishAndRead(t, cookie, publishNow('Another'));
      expect(next.status).toBe('needs_attention');
      expect(creates()).toBe(1);
      expect(postsAtX(fakeX)).toHaveLength(0);
    },
  );

  it(
    'the budget holds a scheduled post until the window opens; X never answers 429',
    { timeout: 30_000 },
    async () => {
      const { t, cookie } = await setup();
      fakeX.limits.set('createPosts', { limit: 2, windowSeconds: 15 * 60 });
      for (const text of ['a', 'b'])
        expect((await publishAndRead(t, cookie, publishNow(text))).status).toBe('published');
      const scheduled = await createPost(t, cookie, {
        action: 'schedule',
        parts: [{ text: 'c' }],
        scheduledAt: new Date(clock.ms() + minute).toISOString(),
        timeZone: 'Europe/Berlin',
      });
      expect(scheduled.body.status).toBe('scheduled');
      clock.advance(minute + 1_000);
      await sweep(t.deps);
      const held = await getPost(t, cookie, scheduled.body.id);
      expect(held.waitingUntil).not.toBeNull();
      expect(held.waitingReason).toMatch(/Europe\/Berlin/);
      expect(creates()).toBe(2); // not even asked: X would have answered 429
      const budget = (await (
        await t.request('/api/v1/posts/budget', { headers: { cookie } })
      ).json()) as { window: { remaining: number; limit: number } };
      expect(budget.window).toMatchObject({ limit: 2, remaining: 0 });
      clock.advance(15 * minute);
      await sweep(t.deps);
      expect((await getPost(t, cookie, scheduled.body.id)).status).toBe('published');
      expect(postsAtX(fakeX).map((p) => p.text)).toEqual(['a', 'b', 'c']);
      expect(creates()).toBe(3);
    },
  );
});

describe('a process killed mid-thread', () => {
  it(
    'a fresh process on the same database goes on from the last part X confirmed, each part at X once',
    { timeout: 60_000 },
    async () => {
      const leaseMs = 1_500;
      // The first process waits for X as long as X holds part 3's answer; it is thrown away meanwhile.
      const first: TestApp = await publishingApp(fakeX, clock, {
        env: { PERCH_X_TIMEOUT_MS: '60000' },
        overrides: { outboxOptions: { leaseMs }, publishWorkerId: 'dies' },
      });
      const { cookie } = await connectPublishing(first, fakeX);
      fakeX.posts.setReplyDelay(0);
      fakeX.faults.inject('timeout-after-create', { skip: 2, holdMs: 6_000 });
      const { body } = await createPost(first, cookie, publishNow(['1/4', '2/4', '3/4', '4/4']));
      for (let i = 0; i < 200 && fakeX.faults.hits.length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(postsAtX(fakeX)).toHaveLength(3); // part 3 is at X, its answer held
      const parts = await first.deps.xPublish.publishQueries.partsOf([body.id]);
      expect(parts.map((p) => p.state)).toEqual(['published', 'published', 'sending', 'pending']);

      const second: Deps = await createDeps(
        loadConfig({
          PERCH_PUBLIC_URL: 'http://perch.test',
          PERCH_DATA_DIR: '/nonexistent',
          PERCH_X_ORIGIN: fakeX.url,
          PERCH_X_API_ORIGIN: fakeX.url,
          PERCH_X_TIMEOUT_MS: '3000',
          X_CLIENT_ID: dmApp.clientId,
          X_CLIENT_SECRET: dmApp.clientSecret,
        }),
        {
          logger: createLogger({ level: 'silent' }),
          database: first.deps.database,
          keyring: first.deps.keyring,
          jobQueue: 'in-memory',
          webAssets: testWebAssets,
          now: clock.now,
          outboxOptions: { reconcileWaitMs: 100, leaseMs },
          publishWorkerId: 'takes-over',
        },
      );
      // the dead worker's lease still holds: nobody touches the part
      await sweep(second);
      expect(creates()).toBe(3);
      await new Promise((r) => setTimeout(r, leaseMs + 100));
      await sweep(second);
      const done = await second.xPublish.publishQueries.partsOf([body.id]);
      expect(done.map((p) => p.state)).toEqual([
        'published',
        'published',
        'published',
        'published',
      ]);
      const posts = postsAtX(fakeX);
      expect(posts.map((p) => p.text)).toEqual(['1/4', '2/4', '3/4', '4/4']);
      expect(done.map((p) => p.xPostId)).toEqual(posts.map((p) => p.id));
      expect(posts.slice(1).map((p) => p.inReplyToId)).toEqual(posts.slice(0, 3).map((p) => p.id));
      expect(creates()).toBe(4);

      // The first process hears X's answer at last: it has lost the part and sends nothing more.
      await jobsIdle(first.deps);
      await first.deps.jobQueue.stop();
      expect(creates()).toBe(4);
      expect((await second.xPublish.publishQueries.findById(body.id))!.status).toBe('published');
      await second.close(); // closes the shared database
    },
  );
});
