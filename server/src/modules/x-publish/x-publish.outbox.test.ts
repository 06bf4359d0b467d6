import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { createDeps, type Deps } from '../../deps.ts';
import { createTestApp, jobsIdle, testWebAssets } from '../../test-utils/app.ts';
import { createLogger } from '../../lib/logger.ts';
import { scriptedX, testClock, type Fault } from './x-publish.test-utils.ts';
import type { PostView } from '@perch/shared';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const opened: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

const fast = { reconcileWaitMs: 20, parentWaitMs: 10, leaseMs: 60_000 };

async function setup(options: { lagMs?: number; windowLimit?: number; realClock?: boolean } = {}) {
  const clock = testClock();
  const now = options.realClock ? () => new Date() : clock.now;
  const x = scriptedX({ now, lagMs: options.lagMs ?? 0, windowLimit: options.windowLimit ?? 100 });
  const t = await createTestApp({
    overrides: {
      now,
      publishSessions: x.sessions,
      publishMetrics: x.metrics,
      outboxOptions: fast,
      publishWorkerId: 'worker-1',
    },
  });
  opened.push(t);
  const { cookie, user } = await t.signUp();
  return { t, x, clock, cookie, user };
}

async function post(t: TestApp, cookie: string, body: Record<string, unknown>) {
  const res = await t.request('/api/v1/posts', { method: 'POST', headers: { cookie }, json: body });
  return { status: res.status, body: (await res.json()) as PostView };
}
async function get(t: TestApp, cookie: string, id: string) {
  const res = await t.request(`/api/v1/posts/${id}`, { headers: { cookie } });
  return t.expectDocumented<PostView>(res, 'GET /api/v1/posts/{id}', 200);
}
const publishNow = (text: string | string[], extra: Record<string, unknown> = {}) => ({
  action: 'publish_now',
  parts: (Array.isArray(text) ? text : [text]).map((t) => ({ text: t })),
  ...extra,
});
/** What the sweep job does each minute, run now. */
async function sweep(deps: Deps) {
  for (const { id } of await deps.xPublish.publishQueries.due(deps.now()))
    await deps.xPublish.outbox.publish(id);
}

describe('the outbox never posts twice', () => {
  it.each<Fault>(['drop-after-create', '503-after-create', 'timeout-after-create'])(
    '%s: the post is found among the account’s posts, not sent again',
    async (fault) => {
      const { t, x, cookie } = await setup();
      x.faults.push(fault);
      const { status, body } = await post(t, cookie, publishNow('Hello from Perch https://example.com/a & b'));
      expect(status).toBe(201);
      await jobsIdle(t.deps);
      const view = await get(t, cookie, body.id);
      expect(view.status).toBe('published');
      expect(x.posts).toHaveLength(1);
      expect(x.calls.create).toBe(1);
      expect(view.parts[0]!.xPostId).toBe(x.posts[0]!.id);
      expect(view.parts[0]!.url).toBe(`https://x.com/i/status/${x.posts[0]!.id}`);
      expect(x.planned.map((p) => p.xPostId)).toEqual([x.posts[0]!.id]);
    },
  );

  it('503 before X created it: read twice, not found, sent once more', async () => {
    const { t, x, cookie } = await setup();
    x.faults.push('503-before-create');
    const { body } = await post(t, cookie, publishNow('Second try'));
    await jobsIdle(t.deps);
    expect((await get(t, cookie, body.id)).status).toBe('published');
    expect(x.posts).toHaveLength(1);
    expect(x.calls.create).toBe(2);
    expect(x.calls.ownPosts).toBe(2); // absence is concluded only after two reads
  });

  it('a timeline that lags: the second read finds the post', async () => {
    const { t, x, cookie } = await setup({ lagMs: 10, realClock: true });
    x.faults.push('drop-after-create');
    const { body } = await post(t, cookie, publishNow('Lagging'));
    await jobsIdle(t.deps);
    expect((await get(t, cookie, body.id)).status).toBe('published');
    expect(x.posts).toHaveLength(1);
  });

  it('lost answers every time: needs attention after three sends, each after a read found nothing', async () => {
    const { t, x, cookie } = await setup();
    x.faults.push('503-before-create', '503-before-create', '503-before-create');
    const { body } = await post(t, cookie, publishNow('Never'));
    await jobsIdle(t.deps);
    const view = await get(t, cookie, body.id);
    expect(view.status).toBe('needs_attention');
    expect(view.attention).toEqual({ reason: expect.stringMatching(/did not answer/), retryable: true });
    expect(x.posts).toHaveLength(0);
    // Retry goes on and publishes once
    const retried = await t.request(`/api/v1/posts/${body.id}/retry`, { method: 'POST', headers: { cookie } });
    expect(retried.status).toBe(200);
    await jobsIdle(t.deps);
    expect((await get(t, cookie, body.id)).status).toBe('published');
    expect(x.posts).toHaveLength(1);
  });

  it('429: nothing at X, the post waits for the window and then goes out once', async () => {
    const { t, x, cookie, clock } = await setup();
    x.faults.push('429');
    const { body } = await post(t, cookie, publishNow('Rate limited'));
    await jobsIdle(t.deps);
    let view = await get(t, cookie, body.id);
    expect(x.posts).toHaveLength(0);
    expect(view.status).toBe('publishing');
    expect(view.waitingUntil).not.toBeNull();
    expect(view.waitingReason).toMatch(/15-minute limit/);
    await sweep(t.deps); // not yet due
    expect(x.calls.create).toBe(1);
    clock.advance(16 * 60_000);
    await sweep(t.deps);
    view = await get(t, cookie, body.id);
    expect(view.status).toBe('published');
    expect(x.posts).toHaveLength(1);
  });

  it.each([
    ['402', 'credits_depleted', /credits/],
    ['usage-capped', 'usage_capped', /usage cap/],
  ] as const)('%s: needs attention with its own sentence, the budget says blocked', async (fault, kind, sentence) => {
    const { t, x, cookie } = await setup();
    x.faults.push(fault);
    const { body } = await post(t, cookie, publishNow('No credits'));
    await jobsIdle(t.deps);
    const view = await get(t, cookie, body.id);
    expect(view.status).toBe('needs_attention');
    expect(view.attention!.reason).toMatch(sentence);
    expect(x.posts).toHaveLength(0);
    const budget = await t.expectDocumented<{ blocked: { kind: string } | null }>(
      await t.request('/api/v1/posts/budget', { headers: { cookie } }),
      'GET /api/v1/posts/budget',
      200,
    );
    expect(budget.blocked?.kind).toBe(kind);
    // the next post is not sent while blocked
    const next = await post(t, cookie, publishNow('Another'));
    await jobsIdle(t.deps);
    expect((await get(t, cookie, next.body.id)).status).toBe('needs_attention');
    expect(x.calls.create).toBe(1);
  });

  it('duplicate content of a post that is not ours: needs attention, not sent again', async () => {
    const { t, x, cookie, clock } = await setup();
    await x.session.createPost({ text: 'Same words' }); // made on x.com an hour ago
    clock.advance(60 * 60_000);
    const { body } = await post(t, cookie, publishNow('Same words'));
    await jobsIdle(t.deps);
    const view = await get(t, cookie, body.id);
    expect(view.status).toBe('needs_attention');
    expect(view.attention).toEqual({ reason: expect.stringMatching(/duplicate/), retryable: false });
    expect(x.posts).toHaveLength(1);
  });

  it('a thread: each part replies to the one before; a 403 for a parent not readable yet is waited out', async () => {
    const { t, x, cookie } = await setup();
    x.external.add('1111');
    x.faults.push(undefined as never, 'reply-too-soon');
    const { body } = await post(t, cookie, publishNow(['one', 'two', 'three'], { replyTo: 'https://x.com/someone/status/1111' }));
    await jobsIdle(t.deps);
    const view = await get(t, cookie, body.id);
    expect(view.status).toBe('published');
    expect(x.posts.map((p) => p.replyToId)).toEqual(['1111', x.posts[0]!.id, x.posts[1]!.id]);
    expect(view.parts.map((p) => p.xPostId)).toEqual(x.posts.map((p) => p.id));
  });
});

describe('a process killed mid-thread', () => {
  it('a fresh process on the same database goes on from the last part X confirmed, each part once', async () => {
    const clock = testClock();
    const x = scriptedX({ now: clock.now });
    // part 3 is created at X, then the process dies before it hears back
    x.faults.push(undefined as never, undefined as never, 'crash-after-create');
    const first = await createTestApp({
      overrides: { now: clock.now, publishSessions: x.sessions, outboxOptions: fast, publishWorkerId: 'dies' },
    });
    const { cookie } = await first.signUp();
    const { body } = await post(first, cookie, publishNow(['1/4', '2/4', '3/4', '4/4']));
    await jobsIdle(first.deps);
    await first.deps.jobQueue.stop();
    const parts = await first.deps.xPublish.publishQueries.partsOf([body.id]);
    expect(parts.map((p) => p.state)).toEqual(['published', 'published', 'sending', 'pending']);
    expect(x.posts).toHaveLength(3);

    const second = await createDeps(loadConfig({ PERCH_PUBLIC_URL: 'http://perch.test', PERCH_DATA_DIR: '/nonexistent' }), {
      logger: createLogger({ level: 'silent' }),
      database: first.deps.database,
      keyring: first.deps.keyring,
      jobQueue: 'in-memory',
      webAssets: testWebAssets,
      now: clock.now,
      publishSessions: x.sessions,
      outboxOptions: fast,
      publishWorkerId: 'takes-over',
    });
    opened.push(second); // closes the shared database
    // the dead worker's lease still holds: nobody touches the part
    await sweep(second);
    expect(x.calls.create).toBe(3);
    clock.advance(fast.leaseMs + 1);
    await sweep(second);
    const done = await second.xPublish.publishQueries.partsOf([body.id]);
    expect(done.map((p) => p.state)).toEqual(['published', 'published', 'published', 'published']);
    expect(x.posts.map((p) => p.text)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(done.map((p) => p.xPostId)).toEqual(x.posts.map((p) => p.id));
    expect(x.posts[3]!.replyToId).toBe(x.posts[2]!.id);
  });
});

describe('the budget', () => {
  it('holds a scheduled post until the window opens, and never provokes a 429', async () => {
    const { t, x, cookie, clock } = await setup({ windowLimit: 2 });
    for (const text of ['a', 'b']) await post(t, cookie, publishNow(text));
    await jobsIdle(t.deps);
    expect(x.posts).toHaveLength(2);
    const at = new Date(clock.now().getTime() + 60_000);
    const scheduled = await post(t, cookie, {
      action: 'schedule',
      parts: [{ text: 'c' }],
      scheduledAt: at.toISOString(),
      timeZone: 'Europe/Berlin',
    });
    expect(scheduled.body.status).toBe('scheduled');
    clock.advance(61_000);
    await sweep(t.deps);
    const held = await get(t, cookie, scheduled.body.id);
    expect(held.waitingUntil).not.toBeNull();
    expect(held.waitingReason).toMatch(/Europe\/Berlin/);
    expect(x.calls.create).toBe(2);
    expect(x.calls.refusedForRate).toBe(0);
    const budget = (await (await t.request('/api/v1/posts/budget', { headers: { cookie } })).json()) as {
      window: { remaining: number; limit: number };
    };
    expect(budget.window).toMatchObject({ limit: 2, remaining: 0 });
    clock.advance(15 * 60_000);
    await sweep(t.deps);
    expect((await get(t, cookie, scheduled.body.id)).status).toBe('published');
    expect(x.posts).toHaveLength(3);
    expect(x.calls.refusedForRate).toBe(0);
  });
});
