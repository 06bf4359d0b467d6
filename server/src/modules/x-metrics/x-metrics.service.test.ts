/**
 * Metrics on a test clock, with a scripted publishing session (the real X client against the fake X is in
 * x-metrics.fake-x.test.ts): snapshots land on their marks, organic figures win, 100 ids a call, X's budget
 * is kept, failures back off up to a cap, and the account's figures are taken once a day.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InMemoryJobQueue } from '../../jobs/job-queue.ts';
import { createTestApp, startPgBoss } from '../../test-utils/app.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import { createXBudgetQueries } from '../x-budgets/x-budgets.queries.ts';
import type { XAccount, XPostMetrics, XWriteSession } from '../x-api-v2/x-api-v2.write.ts';
import type { PublishSessionResult } from '../x-credentials/x-credentials.contract.ts';
import { xMetricsJobs } from './x-metrics.jobs.ts';
import { chooseFigures, maxAttempts, metricsBudgets } from './x-metrics.service.ts';
import { xPostMetricSnapshots } from './x-metrics.table.ts';

const hour = 3_600_000;
const day = 24 * hour;
const t0 = new Date('2026-11-02T10:00:00.000Z');
let clock = t0;
const at = (ms: number) => (clock = new Date(t0.getTime() + ms));

const publicOnly = (id: string, impressions = 10): XPostMetrics => ({
  id,
  public: { impressions, likes: 2, reposts: 1, replies: 3, quotes: 4, bookmarks: 5 },
  organic: null,
  nonPublic: null,
});

/** A publishing session that answers metrics from `answer` and counts each call. */
function scripted() {
  const calls: Array<{ ids: string[]; own: boolean }> = [];
  const state = {
    calls,
    meCalls: 0,
    answer: (id: string): XPostMetrics | null => publicOnly(id),
    fail: null as XApiError | null,
    account: {
      id: '900',
      username: 'perch_pub',
      name: 'Perch',
      subscriptionType: null,
      followers: 120,
      following: 30,
      posts: 450,
    } as XAccount,
    result: null as PublishSessionResult | null,
  };
  const session = {
    credential: 'oauth2',
    async postMetrics(ids: string[], { own }: { own: boolean }) {
      calls.push({ ids, own });
      if (state.fail) throw state.fail;
      return {
        data: ids.map(state.answer).filter((m) => m !== null),
        limits: { window: null, userDay: null, appDay: null },
      };
    },
    async me() {
      state.meCalls++;
      return { data: state.account, limits: { window: null, userDay: null, appDay: null } };
    },
  } as unknown as XWriteSession;
  const sessions = {
    session: async (): Promise<PublishSessionResult> =>
      state.result ?? {
        ok: true,
        session,
        kind: 'oauth2',
        xUserId: '900',
        handle: 'perch_pub',
        canUploadMedia: true,
        maxWeightedLength: 280,
      },
  };
  return { state, sessions };
}

let t: Awaited<ReturnType<typeof createTestApp>>;
let x: ReturnType<typeof scripted>;
let userId: string;
let cookie: string;

beforeEach(async () => {
  clock = t0;
  x = scripted();
  t = await createTestApp({
    env: { PERCH_ALLOW_SIGNUP: 'true' },
    overrides: { now: () => clock, publishSessions: x.sessions },
  });
  ({
    cookie,
    user: { id: userId },
  } = await t.signUp());
});
afterEach(() => t.close());

const publish = async (xPostId: string, options: { position?: number; postId?: string } = {}) => {
  const postId = options.postId ?? randomUUID();
  await t.deps.xMetrics.planSnapshots({
    userId,
    postId,
    position: options.position ?? 0,
    xPostId,
    publishedAt: t0,
  });
  return postId;
};
const view = async (postId: string) => (await t.deps.xMetrics.postMetrics(userId, postId))!;
const rows = () => t.deps.db.select().from(xPostMetricSnapshots);

describe('planning', () => {
  it('plans four snapshots at +1 h, +24 h, +7 d and +29 d, and planning again adds nothing', async () => {
    const postId = await publish('1850000000000000001');
    await publish('1850000000000000001', { postId });
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
  it('takes each snapshot on its mark, not before, with the figures of that moment', async () => {
    const postId = await publish('1850000000000000002');
    let impressions = 0;
    x.state.answer = (id) => publicOnly(id, (impressions += 100));

    at(hour - 60_000);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 0, requests: 0 });
    for (const [ms, mark] of [
      [hour, '1h'],
      [day + 5 * 60_000, '24h'],
      [7 * day, '7d'],
      [29 * day + 60_000, '29d'],
    ] as const) {
      at(ms);
      expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
      expect((await view(postId)).snapshots.at(-1)).toMatchObject({
        mark,
        takenAt: clock.toISOString(),
      });
    }
    const final = await view(postId);
    expect(final.snapshots.map((s) => [s.mark, s.figures.impressions])).toEqual([
      ['1h', 100],
      ['24h', 200],
      ['7d', 300],
      ['29d', 400],
    ]);
    expect(final.nextAt).toBeNull();
    expect(x.state.calls.every((c) => c.own)).toBe(true);
  });

  it('goes through the queue: the frequent tick queues a round per user with snapshots due', async () => {
    await publish('1850000000000000003');
    at(2 * hour);
    await t.deps.jobQueue.send(xMetricsJobs.due, {});
    await (t.deps.jobQueue as InMemoryJobQueue).idle();
    expect(x.state.calls).toHaveLength(1);
    expect((await rows()).filter((r) => r.takenAt)).toHaveLength(1);
    expect((t.deps.jobQueue as InMemoryJobQueue).schedules.get(xMetricsJobs.due)).toBe(
      '*/5 * * * *',
    );
  });

  it('after Perch was down, takes what is overdue when it is back, marked with when it really was taken', async () => {
    const postId = await publish('1850000000000000004');
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
    const postId = await publish('1850000000000000005');
    at(31 * day);
    await t.deps.xMetrics.takeDue(userId);
    expect(x.state.calls).toEqual([{ ids: ['1850000000000000005'], own: false }]);
    expect((await view(postId)).snapshots).toHaveLength(4);
  });

  it('prefers organic figures, then non-public, then public', async () => {
    const organic = await publish('1850000000000000006');
    const nonPublic = await publish('1850000000000000007');
    const plain = await publish('1850000000000000008');
    x.state.answer = (id) => {
      const m = publicOnly(id, 1000);
      if (id.endsWith('6'))
        return {
          ...m,
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
      if (id.endsWith('7'))
        return { ...m, nonPublic: { impressions: 800, urlClicks: 60, profileClicks: 50 } };
      return m;
    };
    at(hour);
    await t.deps.xMetrics.takeDue(userId);
    expect((await view(organic)).snapshots[0]).toMatchObject({
      source: 'organic',
      figures: {
        impressions: 700,
        likes: 9,
        reposts: 8,
        replies: 7,
        quotes: 4,
        bookmarks: 5,
        urlClicks: 6,
        profileClicks: 50,
      },
    });
    expect((await view(nonPublic)).snapshots[0]).toMatchObject({
      source: 'non_public',
      figures: { impressions: 800, likes: 2, urlClicks: 60, profileClicks: 50 },
    });
    expect((await view(plain)).snapshots[0]).toMatchObject({
      source: 'public',
      figures: { impressions: 1000, urlClicks: null, profileClicks: null },
    });
    expect(chooseFigures(publicOnly('1')).source).toBe('public');
  });

  it('asks X for at most 100 ids a call', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => String(1851000000000000000n + BigInt(i)));
    for (const id of ids) await publish(id);
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 150, requests: 2 });
    expect(x.state.calls.map((c) => c.ids.length)).toEqual([100, 50]);
    expect(new Set(x.state.calls.flatMap((c) => c.ids)).size).toBe(150);
  });

  it('keeps to X’s budget for GET /2/tweets: a spent window leaves the rest due until X’s reset', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(1852000000000000000n + BigInt(i)));
    for (const id of ids) await publish(id);
    at(hour);
    const budgets = t.deps.xMetrics;
    // X's headers said: one request left in this window
    const { endpoint } = metricsBudgets.tweets;
    const b = createXBudgetQueries({ db: t.deps.db });
    await b.reserveBudget(userId, endpoint, clock, 15 * 60_000, 15);
    const resetAt = new Date(clock.getTime() + 10 * 60_000);
    await b.recordBudget(userId, endpoint, { limit: 15, remaining: 1, resetAt }, clock);

    const first = await budgets.takeDue(userId);
    expect(first).toMatchObject({ taken: 100, requests: 1, pausedUntil: resetAt });
    expect(x.state.calls).toHaveLength(1);
    at(hour + 5 * 60_000);
    expect(await budgets.takeDue(userId)).toMatchObject({ taken: 0, requests: 0 });
    at(hour + 11 * 60_000);
    expect(await budgets.takeDue(userId)).toMatchObject({ taken: 150, requests: 2 });
  });

  it('a 429 is not counted against the snapshot: it is tried after X’s reset', async () => {
    const postId = await publish('1850000000000000009');
    at(hour);
    const resetAt = new Date(clock.getTime() + 7 * 60_000);
    x.state.fail = new XApiError('rate_limited', 'X answered 429', 429, {
      limit: 15,
      remaining: 0,
      resetAt,
    });
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ pausedUntil: resetAt });
    const [row] = (await rows()).filter((r) => r.mark === '1h');
    expect(row).toMatchObject({ attempts: 0, retryAt: resetAt });
    // the budget took X's word: nothing is sent before the reset
    x.state.fail = null;
    at(hour + 6 * 60_000);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    at(hour + 8 * 60_000);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1 });
    expect((await view(postId)).snapshots).toHaveLength(1);
  });

  it('retries a failure later, backing off, and gives a snapshot up after the cap', async () => {
    const postId = await publish('1850000000000000010');
    x.state.fail = new XApiError('unavailable', 'X answered 503', 503);
    const oneHour = async () => (await rows()).find((r) => r.mark === '1h')!;
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ failed: 1, requests: 1 });
    expect(await oneHour()).toMatchObject({ attempts: 1, lastError: 'X answered 503' });
    expect((await oneHour()).retryAt!.getTime() - clock.getTime()).toBe(10 * 60_000);
    at(hour + 9 * 60_000);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    at(hour + 10 * 60_000);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 1 });
    // backing off: twice as long each time
    expect((await oneHour()).retryAt!.getTime() - clock.getTime()).toBe(20 * 60_000);
    for (let attempts = 2; attempts < maxAttempts; attempts++) {
      at((await oneHour()).retryAt!.getTime() - t0.getTime());
      await t.deps.xMetrics.takeDue(userId);
    }
    expect(await oneHour()).toMatchObject({ attempts: maxAttempts, takenAt: null });
    const calls = x.state.calls.length;
    x.state.fail = null;
    at(hour + 30 * day);
    await t.deps.xMetrics.takeDue(userId);
    expect(x.state.calls.slice(calls).flatMap((c) => c.ids)).toHaveLength(1); // the others, not the 1 h one
    expect(await oneHour()).toMatchObject({ takenAt: null });

    const before = x.state.calls.length;
    at(hour + 60 * day);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ requests: 0 });
    expect(x.state.calls.length).toBe(before);
    const v = await view(postId);
    expect(v.snapshots.map((s) => s.mark)).toEqual(['24h', '7d', '29d']);
    expect(v.nextAt).toBeNull();
  });

  it('counts a post X does not return (deleted) as a failure, not as taken', async () => {
    const postId = await publish('1850000000000000013');
    x.state.answer = () => null;
    at(hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 0, failed: 1 });
    expect((await rows()).find((r) => r.mark === '1h')).toMatchObject({
      attempts: 1,
      takenAt: null,
    });
    expect((await view(postId)).nextAt).toBe(new Date(clock.getTime() + 10 * 60_000).toISOString());
  });
});

describe('account metrics', () => {
  it('takes followers, following and posts once a day', async () => {
    await publish('1850000000000000011'); // a user who published is a candidate
    await t.deps.jobQueue.send(xMetricsJobs.daily, {});
    await (t.deps.jobQueue as InMemoryJobQueue).idle();
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('already');
    expect(x.state.meCalls).toBe(1);

    at(day);
    x.state.account = { ...x.state.account, followers: 125 };
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('taken');
    expect(x.state.meCalls).toBe(2);
    expect(await t.deps.xMetrics.accountMetrics(userId, 30)).toEqual({
      days: [
        { day: '2026-11-02', followers: 120, following: 30, posts: 450 },
        { day: '2026-11-03', followers: 125, following: 30, posts: 450 },
      ],
    });
    expect((await t.deps.xMetrics.accountMetrics(userId, 1)).days).toHaveLength(1);
  });

  it('asks X nothing for a user without a publishing session', async () => {
    x.state.result = { ok: false, reason: 'not_configured', sentence: 'Set up publishing.' };
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('no_session');
    expect(x.state.meCalls).toBe(0);
  });
});

describe('routes', () => {
  it('shows a post’s metrics to its owner only', async () => {
    const postId = await publish('1850000000000000012');
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
      xPostId: '1850000000000000012',
      snapshots: [{ mark: '1h', source: 'public' }],
      nextAt: new Date(t0.getTime() + day).toISOString(),
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

  it('shows the account’s days to their owner only', async () => {
    await t.deps.xMetrics.takeAccountDay(userId);
    const res = await t.request('/api/v1/x/account-metrics?days=7', { headers: { cookie } });
    expect(await t.expectDocumented(res, 'GET /api/v1/x/account-metrics', 200)).toEqual({
      days: [{ day: '2026-11-02', followers: 120, following: 30, posts: 450 }],
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
