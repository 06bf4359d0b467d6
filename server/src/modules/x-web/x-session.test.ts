import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createXWeb } from './x-web.ts';
import type { XResult } from './x-types.ts';

// Distinctive values, so a leak into any result is easy to spot.
const me = {
  authToken: 'authSECRETsession0a1b2c',
  ct0: 'ct0SECRETsession9f8e7d',
  userId: '1500000000000000001',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const pair = { authToken: me.authToken, ct0: me.ct0 };
const quiet = {
  userId: '1500000000000000002',
  screenName: 'Quiet_One',
  name: 'Quiet',
  bio: 'never tweets',
  avatarUrl: 'https://pbs.twimg.com/profile_images/2/q_normal.jpg',
};
const fan = { userId: '1500000000000000003', screenName: 'fan', name: 'Fan' };
const gone = {
  userId: '1500000000000000004',
  screenName: 'gone_away',
  name: 'Gone',
  suspended: true,
};
// Ids above 2^53, so a Number comparison would get them wrong.
const id = (n: number) => String(1_880_000_000_000_000_000n + BigInt(n));

let fakeX: FakeX;
const results: unknown[] = [];
// A timeout well above the fake's answer time on a loaded machine; the timeout test sets its own short one.
const session = (cookies = pair, timeoutMs = 5_000) =>
  createXWeb({ xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs }).forAccount(cookies);
const keep = <T>(result: XResult<T>) => (results.push(result), result);
const value = <T>(result: XResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.value;
};
const graphqlCalls = (operation: string) => fakeX.requests.filter((r) => r.operation === operation);

beforeAll(async () => {
  fakeX = await startFakeX();
  for (const account of [me, quiet, fan, gone]) fakeX.addAccount(account);
  fakeX.addTweets([
    // 45 mentions of @perch_me by fan, oldest id(1) … newest id(45)
    ...Array.from({ length: 45 }, (_, i) => ({
      id: id(i + 1),
      by: 'fan',
      text: `@perch_me hello #${i + 1}`,
    })),
    // perch_me's own timeline: 30 plain tweets, then replies to fan at 101 and 103
    ...Array.from({ length: 30 }, (_, i) => ({
      id: id(60 + i),
      by: 'perch_me',
      text: `thinking out loud ${i}`,
    })),
    {
      id: id(101),
      by: 'perch_me',
      text: '@fan thanks!',
      inReplyTo: { id: id(45), screenName: 'fan' },
    },
    { id: id(102), by: 'perch_me', text: 'a plain one' },
    {
      id: id(103),
      by: 'perch_me',
      text: '@fan again',
      inReplyTo: { id: id(44), screenName: 'fan' },
    },
  ]);
});
afterEach(() => fakeX.reset());
afterAll(() => fakeX.close());

describe('profileByHandle, through the real bird', () => {
  it('returns bio, avatar and id of an account that never tweeted, in exactly one request', async () => {
    expect(value(keep(await session().profileByHandle('@quiet_one')))).toEqual({
      userId: quiet.userId,
      handle: 'Quiet_One',
      name: 'Quiet',
      bio: 'never tweets',
      avatarUrl: quiet.avatarUrl,
    });
    expect(fakeX.requests.map((r) => r.operation)).toEqual(['UserByScreenName']);
  });

  it('tells an unknown handle (one request) and a suspended account apart', async () => {
    expect(keep(await session().profileByHandle('nobody_here'))).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(fakeX.requests).toHaveLength(1);
    expect(keep(await session().profileByHandle('gone_away'))).toEqual({
      ok: false,
      kind: 'suspended',
    });
  });

  it('reports a GraphQL 404 (rotated query id) as x_changed, not auth', async () => {
    fakeX.setMode('graphql_404');
    expect(keep(await session().profileByHandle('quiet_one'))).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_changed',
      detail: 'X changed its API',
    });
  });

  it('reports expired cookies as auth (after one request and the cheap cookie check) and a 429 with the reset X gave after one', async () => {
    fakeX.setMode('expired');
    expect(keep(await session().profileByHandle('quiet_one'))).toEqual({
      ok: false,
      kind: 'auth',
      status: 401,
      code: 32,
    });
    // not once more per query id bird knows; the settings page confirms the cookies are dead
    expect(fakeX.requests.map((r) => r.operation ?? r.path)).toEqual([
      'UserByScreenName',
      '/settings/account',
    ]);
    fakeX.reset();
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 9 * 60_000);
    fakeX.setMode('rate_limited', { resetAt });
    expect(keep(await session().profileByHandle('quiet_one'))).toEqual({
      ok: false,
      kind: 'rate_limited',
      retryAt: resetAt,
    });
    expect(fakeX.requests).toHaveLength(1);
  });

  it('reports a 503 and a slow X as x_down', async () => {
    fakeX.setMode('server_error');
    expect(keep(await session().profileByHandle('quiet_one'))).toMatchObject({
      kind: 'unavailable',
      reason: 'x_down',
    });
    fakeX.reset();
    fakeX.setMode('slow', { delayMs: 5000 });
    expect(keep(await session(pair, 500).profileByHandle('quiet_one'))).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X did not answer within 0.5 s',
    });
    expect(fakeX.requests).toHaveLength(1);
  });
});

describe('search', () => {
  it('one page per call, newest first, with the cursor to the next one', async () => {
    const first = value(keep(await session().search('@perch_me')));
    expect(first.tweets.map((t) => t.id)).toEqual(Array.from({ length: 20 }, (_, i) => id(45 - i)));
    expect(first.tweets[0]).toMatchObject({
      authorId: fan.userId,
      authorHandle: 'fan',
      text: '@perch_me hello #45',
    });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = value(keep(await session().search('@perch_me', { cursor: first.nextCursor })));
    expect(second.tweets.map((t) => t.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => id(25 - i)),
    );
    const calls = graphqlCalls('SearchTimeline');
    expect(
      calls.map((c) => [c.variables.rawQuery, c.variables.product, c.variables.count]),
    ).toEqual([
      ['@perch_me', 'Latest', 20],
      ['@perch_me', 'Latest', 20],
    ]);
    expect(calls[1]!.variables.cursor).toBe(first.nextCursor);
  });

  it('the account’s replies come from a search, with who was replied to', async () => {
    const page = value(keep(await session().search('from:perch_me filter:replies')));
    expect(
      page.tweets.map((t) => [t.id, t.inReplyToStatusId, t.inReplyToUserId, t.inReplyToHandle]),
    ).toEqual([
      [id(103), id(44), fan.userId, 'fan'],
      [id(101), id(45), fan.userId, 'fan'],
    ]);
  });

  it('cookies expiring make the call auth; a 429 is rate_limited with the reset; a rotated id is x_changed', async () => {
    fakeX.setMode('expired');
    expect(keep(await session().search('@perch_me'))).toEqual({
      ok: false,
      kind: 'auth',
      status: 401,
      code: 32,
    });
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 4 * 60_000);
    fakeX.setMode('rate_limited', { resetAt });
    expect(keep(await session().search('@perch_me'))).toEqual({
      ok: false,
      kind: 'rate_limited',
      retryAt: resetAt,
    });
    fakeX.setMode('graphql_404');
    expect(keep(await session().search('@perch_me'))).toMatchObject({
      kind: 'unavailable',
      reason: 'x_changed',
    });
  });
});

describe('recentTweets', () => {
  it('recent tweets by handle: one lookup, then UserTweets; none for an account that never tweeted', async () => {
    const tweets = value(keep(await session().recentTweets({ handle: 'perch_me' }, { limit: 3 })));
    // X's UserTweets leaves the replies to others (101, 103) out
    expect(tweets.map((t) => t.id)).toEqual([id(102), id(89), id(88)]);
    expect(tweets[0]).toMatchObject({
      inReplyToStatusId: null,
      isRetweet: false,
      createdAt: expect.any(Date),
    });
    expect(fakeX.requests.map((r) => r.operation)).toEqual(['UserByScreenName', 'UserTweets']);
    expect(value(keep(await session().recentTweets({ userId: quiet.userId })))).toEqual([]);
  });

  it('a suspended or unknown contact fails for that contact only', async () => {
    expect(keep(await session().recentTweets({ userId: gone.userId }))).toEqual({
      ok: false,
      kind: 'suspended',
    });
    expect(keep(await session().recentTweets({ handle: 'gone_away' }))).toEqual({
      ok: false,
      kind: 'suspended',
    });
    expect(keep(await session().recentTweets({ handle: 'nobody_here' }))).toEqual({
      ok: false,
      kind: 'not_found',
    });
  });
});

describe('healthCheck', () => {
  it('tells "X changed its API" apart from "cookies expired"', async () => {
    const client = createXWeb({ xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs: 5_000 });
    expect(keep(await client.healthCheck(pair))).toEqual({
      ok: true,
      value: { userId: me.userId, handle: 'perch_me', name: 'Perch Me' },
    });
    fakeX.setMode('graphql_404');
    expect(keep(await client.healthCheck(pair))).toMatchObject({
      ok: false,
      kind: 'unavailable',
      reason: 'x_changed',
    });
    fakeX.setMode('expired');
    expect(keep(await client.healthCheck(pair))).toMatchObject({ ok: false, kind: 'auth' });
  });
});

// Last on purpose: it reads the results of every scenario above.
it('never puts a cookie value in a result', async () => {
  keep(
    await session({ authToken: 'unknownSECRETtoken', ct0: 'unknownSECRETct0' }).search('@perch_me'),
  );
  const everything = JSON.stringify(results);
  expect(results.length).toBeGreaterThanOrEqual(20);
  expect(everything).not.toContain('SECRET');
});
