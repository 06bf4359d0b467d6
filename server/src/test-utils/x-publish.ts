/**
 * Publishing tests against the fake X (test/fake-x) over real HTTP, through the real credentials and X client:
 * a Perch app whose user connected X with publishing (OAuth 2.0 tweet.write), the way the browser does it, and a
 * clock both Perch and the fake X run on, which tests move forward (X's windows, leases).
 */
import { expect } from 'vitest';
import type { PostView } from '@perch/shared';
import { startFakeX, type FakeX } from '../../../test/fake-x/index.ts';
import type { Deps, DepsOverrides } from '../deps.ts';
import { jobsIdle } from './app.ts';
import { createDmTestApp, returnToPerch, type TestApp } from './x-dm.ts';

export type { TestApp };

export const me = { userId: '6300', screenName: 'perch_out', name: 'Perch Outbox' };

/** The real time plus what the test skipped ahead: timers and sockets keep working, X's windows can be jumped. */
export function testClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    ms: () => Date.now() + offset,
    advance: (ms: number) => void (offset += ms),
  };
}
export type TestClock = ReturnType<typeof testClock>;

/** Short outbox waits, so tests run in seconds. */
export const fastOutbox = {
  reconcileWaitMs: 100,
  parentWaitMs: 200,
  parentTries: 6,
  replySettleMs: 0,
};

/** A fake X on `clock`, with the account that publishes. */
export async function startPublishingFakeX(clock: TestClock) {
  return startFakeX({ now: clock.ms });
}

export function resetFakeX(fakeX: FakeX) {
  fakeX.reset();
  fakeX.addAccount(me);
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
}

/** A Perch app on the fake X, running on `clock`. */
export function publishingApp(
  fakeX: FakeX,
  clock: TestClock,
  options: { env?: Record<string, string>; overrides?: DepsOverrides } = {},
) {
  return createDmTestApp(fakeX, {
    env: { PERCH_ALLOW_SIGNUP: 'true', ...options.env },
    overrides: {
      now: clock.now,
      ...options.overrides,
      outboxOptions: { ...fastOutbox, ...options.overrides?.outboxOptions },
    },
  });
}

/** Signs up and connects X, with publishing (OAuth 2.0 tweet.write) unless told; the fake approves as `xUserId`. */
export async function connectPublishing(
  t: TestApp,
  fakeX: FakeX,
  {
    email,
    xUserId = me.userId,
    publishing = true,
  }: { email?: string; xUserId?: string; publishing?: boolean } = {},
) {
  fakeX.oauth.setConsent({ userId: xUserId, approve: true });
  const { cookie, user } = await t.signUp(email);
  const start = await t.request('/api/v1/x-dm/connect', {
    method: 'POST',
    headers: { cookie },
    ...(publishing ? { json: { publishing: true } } : {}),
  });
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const { next } = await returnToPerch(t, new URL(consent.headers.get('location')!), [
    cookie,
    stateCookie,
  ]);
  expect(next).toBe('/settings?x_dm=connected');
  return { cookie, user };
}

export const publishNow = (text: string | string[], extra: Record<string, unknown> = {}) => ({
  action: 'publish_now',
  parts: (Array.isArray(text) ? text : [text]).map((t) => ({ text: t })),
  ...extra,
});

export async function createPost(t: TestApp, cookie: string, body: Record<string, unknown>) {
  const res = await t.request('/api/v1/posts', { method: 'POST', headers: { cookie }, json: body });
  return { status: res.status, body: (await res.json()) as PostView };
}

export async function getPost(t: TestApp, cookie: string, id: string) {
  const res = await t.request(`/api/v1/posts/${id}`, { headers: { cookie } });
  return t.expectDocumented<PostView>(res, 'GET /api/v1/posts/{id}', 200);
}

/** Creates the post, lets the jobs run, and reads it back. */
export async function publishAndRead(t: TestApp, cookie: string, body: Record<string, unknown>) {
  const { status, body: created } = await createPost(t, cookie, body);
  expect(status).toBe(201);
  await jobsIdle(t.deps);
  return getPost(t, cookie, created.id);
}

/** What the sweep job does each minute, run now. */
export async function sweep(deps: Deps) {
  for (const { id } of await deps.xPublish.publishQueries.due(deps.now()))
    await deps.xPublish.outbox.publish(id);
}

/** The account's posts at the fake X, oldest first. */
export const postsAtX = (fakeX: FakeX, userId = me.userId) =>
  fakeX.posts.all(userId).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
