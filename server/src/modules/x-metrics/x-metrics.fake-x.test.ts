/**
 * Metrics against the fake X over real HTTP, through the real credentials (app credentials saved in the settings,
 * OAuth 1.0a) and the real X client (createXWrite). One test clock drives Perch and the fake X both, so snapshots
 * land on their marks, X's 30-day window and budget windows close, and impressions grow on it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { PostMetricsView } from '@perch/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { XPostMetrics } from '../x-api-v2/x-api-v2.write.ts';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import type { InMemoryJobQueue } from '../../jobs/job-queue.ts';
import { createTestApp, fakeXEnv, startPgBoss } from '../../test-utils/app.ts';
import { xMetricsJobs } from './x-metrics.jobs.ts';
import { chooseFigures, maxAttempts } from './x-metrics.service.ts';
import { xPostMetricSnapshots } from './x-metrics.table.ts';

const me = { userId: '7700', screenName: 'perch_metrics', name: 'Perch Metrics' };
const account = {
  ...me,
  publicMetrics: { followers_count: 321, following_count: 45, post_count: 678 },
};
const oauth1 = {
  consumerKey: 'metrics-consumer-key',
  consumerSecret: 'metrics-consumer-secret',
  accessToken: '7700-metrics-access-token',
  accessTokenSecret: 'metrics-access-secret',
};
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
// Whole seconds: X's reset headers are epoch seconds, so the test's reset times compare exactly.
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
let clock = t0;
const at = (ms: number) => (clock = new Date(t0.getTime() + ms));

const figures = {
  repost_count: 7,
  reply_count: 3,
  like_count: 11,
  quote_count: 2,
  bookmark_count: 4,
  impression_count: 500,
  url_link_clicks: 9,
  user_profile_clicks: 6,
};

let fakeX: FakeX;
let t: Awaited<ReturnType<typeof createTestApp>>;
let userId: string;
let cookie: string;

beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock.getTime() });
  fakeX.addAccount(account);
  fakeX.oauth1.addCredentials({ ...oauth1, userId: me.userId });
});
afterAll(() => fakeX?.close());
beforeEach(async () => {
  clock = t0;
  fakeX.reset();
  fakeX.addAccount(account);
  // twitter-api-v2 signs with the machine's clock while the test moves X's by weeks: not what is tested here
  fakeX.oauth1.setTimestampWindow(400 * 24 * 3600);
  t = await createTestApp({
    env: { ...fakeXEnv(fakeX.url), PERCH_ALLOW_SIGNUP: 'true' },
    overrides: { now: () => clock },
  });
  ({
    cookie,
    user: { id: userId },
  } = await t.signUp());
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
});
afterEach(() => t.close());

/** A part X has (created on the fake's clock, now) and the snapshots Perch plans for it. */
async function publish(
  options: {
    metrics?: Partial<typeof figures & { impressionsPerHour: number }>;
    authorId?: string;
    postId?: string;
    position?: number;
  } = {},
) {
  const post = fakeX.posts.add({
    authorId: options.authorId ?? me.userId,
    text: `post ${randomUUID()}`,
    metrics: { ...figures, impressionsPerHour: 0, ...options.metrics },
  });
  const postId = options.postId ?? randomUUID();
  await t.deps.xMetrics.planSnapshots({
    userId,
    postId,
    position: options.position ?? 0,
    xPostId: post.id,
    publishedAt: clock,
  });
  return { postId, xPostId: post.id };
}
const view = async (postId: string) => (await t.deps.xMetrics.postMetrics(userId, postId))!;
const rows = () => t.deps.db.select().from(xPostMetricSnapshots);
const byIdsRequests = () => fakeX.requests.filter((r) => r.path === '/2/tweets');
const meRequests = () => fakeX.requests.filter((r) => r.path === '/2/users/me').length;

describe('planning', () => {
  it('plans four snapshots at +1 h, +24 h, +7 d and +29 d, and planning again adds nothing', async () => {
    const { postId, xPostId } = await publish();
    await t.deps.xMetrics.planSnapshots({ userId, postId, position: 0, xPostId, publishedAt: t0 });
    const planned = await rows();
    expect(planned.map((r) => [r.mark, r.dueAt.getTime() - t0.getTime()])).toEqual(
      expect.arrayContaining([
        ['1h', hour],
        ['24h', day],
        ['7d', 7 * day],
        ['29d', 29 * day],
      ]),
    );
    expect(planned).toHaveLength(4);
    expect((await view(postId)).nextAt).toBe(new Date(t0.getTime() + hour).toISOString());
  });
});

describe('taking snapshots', () => {
  it('takes each snapshot on its mark, not before, with X’s figures of that moment', async () => {
    const { postId } = await publish({ metrics: { impression_count: 0, impressionsPerHour: 60 } });
    at(hour - minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 0, requests: 0 });
    expect(fakeX.requestCount('postsByIds')).toBe(0);
    for (const [ms, mark] of [
      [hour, '1h'],
      [day + 5 * minute, '24h'],
      [7 * day, '7d'],
      [29 * day + minute, '29d'],
    ] as const) {
      at(ms);
      expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
      expect((await view(postId)).snapshots.at(-1)).toMatchObject({
        mark,
        takenAt: clock.toISOString(),
      });
    }
    const final = await view(postId);
    // 60 an hour on the fake's clock: what X said at each moment
    expect(final.snapshots.map((s) => [s.mark, s.source, s.figures.impressions])).toEqual([
      ['1h', 'organic', 60],
      ['24h', 'organic', 24 * 60 + 5],
      ['7d', 'organic', 7 * 24 * 60],
      ['29d', 'organic', 29 * 24 * 60 + 1],
    ]);
    expect(final.nextAt).toBeNull();
    expect(byIdsRequests().every((r) => r.query['tweet.fields']?.includes('organic_metrics'))).toBe(
      true,
    );
  });

  it('goes through the queue: the frequent tick queues a round per user with snapshots due', async () => {
    await publish();
    at(2 * hour);
    await t.deps.jobQueue.send(xMetricsJobs.due, {});
    await (t.deps.jobQueue as InMemoryJobQueue).idle();
    expect(fakeX.requestCount('postsByIds')).toBe(1);
    expect((await rows()).filter((r) => r.takenAt)).toHaveLength(1);
    expect((t.deps.jobQueue as InMemoryJobQueue).schedules.get(xMetricsJobs.due)).toBe(
      '*/5 * * * *',
    );
  });

  it('after Perch was down, takes what is overdue when it is back, marked with when it really was taken', async () => {
    const { postId } = await publish();
    at(3 * day);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 2, requests: 1 });
    const v = await view(postId);
    expect(v.snapshots.map((s) => [s.mark, s.takenAt])).toEqual([
      ['1h', clock.toISOString()],
      ['24h', clock.toISOString()],
    ]);
    expect(v.nextAt).toBe(new Date(t0.getTime() + 7 * day).toISOString());
  });

  it('asks for organic and non-public metrics inside X’s 30 days only: an overdue +29 d past them gets public ones', async () => {
    const { postId } = await publish();
    at(31 * day);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 4, requests: 1 });
    const [request] = byIdsRequests();
    expect(request!.status).toBe(200);
    expect(request!.query['tweet.fields']).not.toContain('organic_metrics');
    const v = await view(postId);
    expect(v.snapshots).toHaveLength(4);
    expect(v.snapshots.every((s) => s.source === 'public')).toBe(true);
  });

  it('prefers organic figures, then non-public, then public', async () => {
    const mine = await publish();
    fakeX.addAccount({ userId: '7701', screenName: 'someone_else', name: 'Someone Else' });
    // X keeps private metrics of another account's post to itself (errors[] "Field Authorization Error")
    const theirs = await publish({ authorId: '7701', metrics: { impression_count: 1000 } });
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 2, requests: 1 });
    expect((await view(mine.postId)).snapshots[0]).toMatchObject({
      source: 'organic',
      figures: {
        impressions: 500,
        likes: 11,
        reposts: 7,
        replies: 3,
        quotes: 2,
        bookmarks: 4,
        urlClicks: 9,
        profileClicks: 6,
      },
    });
    expect((await view(theirs.postId)).snapshots[0]).toMatchObject({
      source: 'public',
      figures: { impressions: 1000, likes: 11, urlClicks: null, profileClicks: null },
    });
    // X gives own posts both organic and non-public metrics with the same figures, so which one wins shows only
    // on figures that differ: the choice itself
    const m: XPostMetrics = {
      id: '1',
      public: { impressions: 1000, likes: 2, reposts: 1, replies: 3, quotes: 4, bookmarks: 5 },
      organic: {
        impressions: 700,
        likes: 9,
        reposts: 8,
        replies: 7,
        urlClicks: 6,
        profileClicks: null,
      },
      nonPublic: { impressions: 800, urlClicks: 60, profileClicks: 50 },
    };
    expect(chooseFigures(m)).toMatchObject({
      source: 'organic',
      figures: { impressions: 700, likes: 9, quotes: 4, urlClicks: 6, profileClicks: 50 },
    });
    expect(chooseFigures({ ...m, organic: null })).toMatchObject({
      source: 'non_public',
      figures: { impressions: 800, likes: 2, urlClicks: 60, profileClicks: 50 },
    });
  });

  it('asks X for at most 100 ids a call', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 150; i++) ids.add((await publish()).xPostId);
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 150, requests: 2 });
    expect(fakeX.requestCount('postsByIds')).toBe(2);
    const asked = byIdsRequests().map((r) => r.query.ids!.split(','));
    expect(asked.map((a) => a.length)).toEqual([100, 50]);
    expect(new Set(asked.flat())).toEqual(ids);
  });

  it('keeps to the budget X’s headers describe: never asks for a 429, and goes on after X’s reset', async () => {
    fakeX.limits.set('postsByIds', { limit: 2, windowSeconds: 900 });
    for (let i = 0; i < 250; i++) await publish();
    at(hour);
    const first = await t.deps.xMetrics.takeDue(userId);
    // the budget's default guess (15) is corrected by X's first answer (2 a window)
    expect(first).toMatchObject({
      taken: 200,
      requests: 2,
      pausedUntil: new Date(clock.getTime() + 900_000),
    });
    at(hour + 5 * minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 0, requests: 0 });
    at(hour + 15 * minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 50, requests: 1 });
    expect(fakeX.requestCount('postsByIds')).toBe(3);
    expect(byIdsRequests().map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('a 429 is not counted against the snapshot: it is tried after X’s reset', async () => {
    const { postId } = await publish();
    at(hour);
    fakeX.faults.inject('429', { endpoint: 'postsByIds' });
    const outcome = await t.deps.xMetrics.takeDue(userId);
    expect(byIdsRequests().map((r) => r.status)).toEqual([429]);
    const resetAt = outcome.pausedUntil!;
    expect(resetAt.getTime()).toBeGreaterThan(clock.getTime());
    const [row] = (await rows()).filter((r) => r.mark === '1h');
    expect(row).toMatchObject({ attempts: 0, retryAt: resetAt });
    // the budget took X's word: nothing is sent before the reset
    at(resetAt.getTime() - t0.getTime() - minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    at(resetAt.getTime() - t0.getTime());
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
    expect((await view(postId)).snapshots).toHaveLength(1);
    expect(fakeX.requestCount('postsByIds')).toBe(2);
  });

  it('retries a failure later, backing off, and gives a snapshot up after the cap', async () => {
    const { postId } = await publish();
    fakeX.faults.inject('503', { endpoint: 'postsByIds', times: maxAttempts });
    const oneHour = async () => (await rows()).find((r) => r.mark === '1h')!;
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ failed: 1, requests: 1 });
    expect(await oneHour()).toMatchObject({ attempts: 1 });
    expect((await oneHour()).lastError).toBeTruthy();
    expect((await oneHour()).retryAt!.getTime() - clock.getTime()).toBe(10 * minute);
    at(hour + 9 * minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    at(hour + 10 * minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 1 });
    // backing off: twice as long each time
    expect((await oneHour()).retryAt!.getTime() - clock.getTime()).toBe(20 * minute);
    for (let attempts = 2; attempts < maxAttempts; attempts++) {
      at((await oneHour()).retryAt!.getTime() - t0.getTime());
      await t.deps.xMetrics.takeDue(userId);
    }
    expect(await oneHour()).toMatchObject({ attempts: maxAttempts, takenAt: null });
    expect(fakeX.faults.hits).toHaveLength(maxAttempts);
    const calls = byIdsRequests().length;
    at(hour + 30 * day);
    await t.deps.xMetrics.takeDue(userId);
    expect(
      byIdsRequests()
        .slice(calls)
        .map((r) => r.status),
    ).toEqual([200]); // the others, not the 1 h one
    expect(await oneHour()).toMatchObject({ takenAt: null });

    const before = byIdsRequests().length;
    at(hour + 60 * day);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    expect(byIdsRequests()).toHaveLength(before);
    const v = await view(postId);
    expect(v.snapshots.map((s) => s.mark)).toEqual(['24h', '7d', '29d']);
    expect(v.nextAt).toBeNull();
  });

  it('counts a post X does not return (deleted) as a failure, not as taken', async () => {
    const { postId, xPostId } = await publish();
    // deleted at X by the user, past Perch
    const session = t.deps.xWrite({
      kind: 'oauth1',
      apiKey: oauth1.consumerKey,
      apiSecret: oauth1.consumerSecret,
      accessToken: oauth1.accessToken,
      accessTokenSecret: oauth1.accessTokenSecret,
    });
    expect((await session.deletePost(xPostId)).data).toEqual({ deleted: true });
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 0, failed: 1 });
    expect((await rows()).find((r) => r.mark === '1h')).toMatchObject({
      attempts: 1,
      takenAt: null,
    });
    expect((await view(postId)).nextAt).toBe(new Date(clock.getTime() + 10 * minute).toISOString());
  });

  it('takes the same organic figures whichever spelling X uses', async () => {
    const documentSpelt = await publish();
    at(30 * minute);
    const legacySpelt = await publish();
    fakeX.posts.setSpelling('document');
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
    fakeX.posts.setSpelling('legacy');
    at(hour + 30 * minute);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
    const expected = {
      impressions: 500,
      likes: 11,
      reposts: 7,
      replies: 3,
      quotes: 2,
      bookmarks: 4,
      urlClicks: 9,
      profileClicks: 6,
    };
    for (const { postId } of [documentSpelt, legacySpelt])
      expect((await view(postId)).snapshots[0]).toMatchObject({
        source: 'organic',
        figures: expected,
      });
  });
});

describe('account metrics', () => {
  it('takes followers, following and posts once a day, in either spelling', async () => {
    await publish(); // a user who published is a candidate
    const before = meRequests();
    await t.deps.jobQueue.send(xMetricsJobs.daily, {});
    await (t.deps.jobQueue as InMemoryJobQueue).idle();
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('already');
    expect(meRequests() - before).toBe(1);

    at(day);
    fakeX.posts.setSpelling('legacy');
    fakeX.addAccount({
      ...account,
      publicMetrics: { ...account.publicMetrics, followers_count: 325 },
    });
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('taken');
    expect(meRequests() - before).toBe(2);
    const day0 = t0.toISOString().slice(0, 10);
    const day1 = new Date(t0.getTime() + day).toISOString().slice(0, 10);
    expect(await t.deps.xMetrics.accountMetrics(userId, 30)).toEqual({
      days: [
        { day: day0, followers: 321, following: 45, posts: 678 },
        { day: day1, followers: 325, following: 45, posts: 678 },
      ],
    });
    expect((await t.deps.xMetrics.accountMetrics(userId, 1)).days).toHaveLength(1);
  });

  it('asks X nothing for a user without a publishing credential', async () => {
    const other = await t.signUp('other@example.com');
    const before = meRequests();
    expect(await t.deps.xMetrics.takeAccountDay(other.user.id)).toBe('no_session');
    expect(meRequests()).toBe(before);
  });
});

describe('routes', () => {
  it('shows a post’s metrics to its owner only', async () => {
    const { postId, xPostId } = await publish();
    at(hour);
    await t.deps.xMetrics.takeDue(userId);
    const res = await t.request(`/api/v1/posts/${postId}/metrics`, { headers: { cookie } });
    const body = await t.expectDocumented<{ snapshots: unknown[] }>(
      res,
      'GET /api/v1/posts/:id/metrics',
      200,
    );
    expect(body).toMatchObject({
      postId,
      xPostId,
      snapshots: [{ mark: '1h', source: 'organic' }],
      nextAt: new Date(t0.getTime() + day).toISOString(),
      parts: [{ position: 0, xPostId, snapshots: [{ mark: '1h', source: 'organic' }] }],
    });

    const other = await t.signUp('other@example.com');
    const theirs = await t.request(`/api/v1/posts/${postId}/metrics`, {
      headers: { cookie: other.cookie },
    });
    await t.expectDocumented(theirs, 'GET /api/v1/posts/:id/metrics', 404);
    const signedOut = await t.request(`/api/v1/posts/${postId}/metrics`);
    await t.expectDocumented(signedOut, 'GET /api/v1/posts/:id/metrics', 401);
    const bad = await t.request('/api/v1/posts/not-a-uuid/metrics', { headers: { cookie } });
    await t.expectDocumented(bad, 'GET /api/v1/posts/:id/metrics', 404);
  });

  it('shows every part of a thread, the first part’s also at the top', async () => {
    const first = await publish();
    const second = await publish({ postId: first.postId, position: 1 });
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 2, requests: 1 });
    fakeX.posts.setMetrics(second.xPostId, { like_count: 40 });
    at(day);
    // only the second part's +24 h is taken: the first's stays due
    await t.deps.db
      .update(xPostMetricSnapshots)
      .set({ retryAt: new Date(t0.getTime() + 2 * day) })
      .where(
        and(eq(xPostMetricSnapshots.xPostId, first.xPostId), eq(xPostMetricSnapshots.mark, '24h')),
      );
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
    const res = await t.request(`/api/v1/posts/${first.postId}/metrics`, { headers: { cookie } });
    const body = await t.expectDocumented<PostMetricsView>(
      res,
      'GET /api/v1/posts/:id/metrics',
      200,
    );
    expect(body).toMatchObject({
      xPostId: first.xPostId,
      snapshots: [{ mark: '1h', figures: { likes: 11 } }],
      nextAt: new Date(t0.getTime() + 2 * day).toISOString(),
    });
    expect(
      body.parts!.map((p) => [
        p.position,
        p.xPostId,
        p.snapshots.map((s) => [s.mark, s.figures.likes]),
      ]),
    ).toEqual([
      [0, first.xPostId, [['1h', 11]]],
      [
        1,
        second.xPostId,
        [
          ['1h', 11],
          ['24h', 40],
        ],
      ],
    ]);
  });

  it('answers a post of the user’s with no snapshots yet with empty ones, another’s with 404', async () => {
    const created = await t.request('/api/v1/posts', {
      method: 'POST',
      headers: { cookie },
      json: { action: 'draft', parts: [{ text: 'not out yet' }] },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const res = await t.request(`/api/v1/posts/${id}/metrics`, { headers: { cookie } });
    expect(await t.expectDocumented(res, 'GET /api/v1/posts/:id/metrics', 200)).toEqual({
      postId: id,
      xPostId: null,
      snapshots: [],
      nextAt: null,
      parts: [],
    });
    const other = await t.signUp('other@example.com');
    const theirs = await t.request(`/api/v1/posts/${id}/metrics`, {
      headers: { cookie: other.cookie },
    });
    await t.expectDocumented(theirs, 'GET /api/v1/posts/:id/metrics', 404);
    const unknown = await t.request(`/api/v1/posts/${randomUUID()}/metrics`, {
      headers: { cookie },
    });
    await t.expectDocumented(unknown, 'GET /api/v1/posts/:id/metrics', 404);
  });

  it('shows the account’s days to their owner only', async () => {
    await t.deps.xMetrics.takeAccountDay(userId);
    const res = await t.request('/api/v1/x/account-metrics?days=7', { headers: { cookie } });
    expect(await t.expectDocumented(res, 'GET /api/v1/x/account-metrics', 200)).toEqual({
      days: [{ day: t0.toISOString().slice(0, 10), followers: 321, following: 45, posts: 678 }],
    });
    const other = await t.signUp('other@example.com');
    const theirs = await t.request('/api/v1/x/account-metrics', {
      headers: { cookie: other.cookie },
    });
    expect(await t.expectDocumented(theirs, 'GET /api/v1/x/account-metrics', 200)).toEqual({
      days: [],
    });
    const signedOut = await t.request('/api/v1/x/account-metrics');
    await t.expectDocumented(signedOut, 'GET /api/v1/x/account-metrics', 401);
    const bad = await t.request('/api/v1/x/account-metrics?days=0', { headers: { cookie } });
    await t.expectDocumented(bad, 'GET /api/v1/x/account-metrics', 400);
  });
});

describe('jobs on pg-boss', () => {
  it('registers the snapshot and account queues, every 5 minutes and daily', async () => {
    const boss = await createTestApp({ overrides: { jobQueue: 'pg-boss' } });
    try {
      const pg = await startPgBoss(boss.deps);
      const queues = (await pg.getQueues()).map((q) => q.name);
      expect(queues).toEqual(expect.arrayContaining(Object.values(xMetricsJobs)));
      const schedules = await pg.getSchedules();
      expect(schedules.find((s) => s.name === xMetricsJobs.due)).toMatchObject({
        cron: '*/5 * * * *',
      });
      expect(schedules.find((s) => s.name === xMetricsJobs.daily)).toMatchObject({
        cron: '15 7 * * *',
      });
    } finally {
      await boss.close();
    }
  });
});
