// Strict mode's per-account budgets on the cookie API, on an injected clock.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { apiHeaders, graphql } from './strict-support.ts';

const me = {
  authToken: 'sb-auth',
  ct0: 'sb-ct0',
  userId: '400',
  screenName: 'budget_me',
  name: 'Budget Me',
};
const other = {
  authToken: 'sb-other',
  ct0: 'sb-other-ct0',
  userId: '401',
  screenName: 'budget_other',
  name: 'Other',
};
const t0 = 1_800_000_000_000; // a whole second
let clock = t0;
let fakeX: FakeX;

beforeEach(async () => {
  fakeX ??= await startFakeX({ strict: true, now: () => clock });
  fakeX.reset();
  clock = t0;
  fakeX.addAccount(me);
  fakeX.addAccount(other);
});
afterAll(() => fakeX?.close());

const search = (who = me, opts = {}) =>
  graphql(fakeX, who, 'SearchTimeline', { rawQuery: '@budget_me', count: 20 }, opts);
const rest = async (path: string, who = me) => {
  const res = await fetch(new URL(path, fakeX.url), { headers: apiHeaders(fakeX, who) });
  return { status: res.status, headers: res.headers };
};
const limits = (headers: Headers) => ({
  limit: headers.get('x-rate-limit-limit'),
  remaining: headers.get('x-rate-limit-remaining'),
  reset: headers.get('x-rate-limit-reset'),
});

describe('strict fake X: budgets', () => {
  it('allows 50 searches per 15 minutes, says so on every answer, then 429 code 88 until the window resets', async () => {
    const reset = String((t0 + 15 * 60 * 1000) / 1000);
    for (let i = 1; i <= 50; i++) {
      const answer = await search();
      expect(answer.status).toBe(200);
      expect(limits(answer.headers)).toEqual({ limit: '50', remaining: String(50 - i), reset });
      clock += 1000; // the window was opened by the first request and does not move
    }
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded.' }] });
    expect(limits(refused.headers)).toEqual({ limit: '50', remaining: '0', reset });
    expect(fakeX.budgetUsed(me.authToken, 'SearchTimeline')).toBe(50);
    // Another account, and another operation, have budgets of their own.
    expect((await search(other)).status).toBe(200);
    expect((await graphql(fakeX, me, 'UserTweets', { userId: '401' })).status).toBe(200);

    clock = t0 + 15 * 60 * 1000 - 1;
    expect((await search()).status).toBe(429);
    clock = t0 + 15 * 60 * 1000;
    const again = await search();
    expect(again.status).toBe(200);
    expect(limits(again.headers)).toEqual({
      limit: '50',
      remaining: '49',
      reset: String(clock / 1000 + 900),
    });
    expect(fakeX.budgetUsed(me.authToken, 'SearchTimeline')).toBe(1);
  });

  it('has X’s budgets per endpoint: UserTweets 50, UserByScreenName 95, REST 150 shared by both hosts', async () => {
    expect(limits((await graphql(fakeX, me, 'UserTweets', { userId: '401' })).headers).limit).toBe(
      '50',
    );
    expect(
      limits(
        (await graphql(fakeX, me, 'UserByScreenName', { screen_name: 'budget_other' })).headers,
      ).limit,
    ).toBe('95');
    for (const path of [
      '/i/api/account/settings.json',
      '/1.1/account/verify_credentials.json',
      '/1.1/users/show.json?screen_name=budget_other',
    ]) {
      expect(limits((await rest(path)).headers)).toMatchObject({ limit: '150', remaining: '149' });
    }
    expect(limits((await rest('/1.1/account/settings.json')).headers).remaining).toBe('148');
    expect(fakeX.budgetUsed(me.authToken, 'settings.json')).toBe(2);
  });

  it('counts requests it refuses: stale id, missing features, wrong bearer', async () => {
    expect((await search(me, { queryId: 'stale' })).status).toBe(404);
    expect((await search(me, { features: { nothing: true } })).status).toBe(400);
    const badBearer = await search(me, { bearer: 'AAAA%3Dold' });
    expect(badBearer.status).toBe(401);
    expect(limits(badBearer.headers).remaining).toBe('47');
    expect(fakeX.budgetUsed(me.authToken, 'SearchTimeline')).toBe(3);
  });

  it('takes a budget override until reset', async () => {
    fakeX.setBudget('UserByScreenName', { limit: 2, windowSeconds: 60 });
    const lookUp = () => graphql(fakeX, me, 'UserByScreenName', { screen_name: 'budget_other' });
    expect((await lookUp()).status).toBe(200);
    expect(limits((await lookUp()).headers)).toEqual({
      limit: '2',
      remaining: '0',
      reset: String(t0 / 1000 + 60),
    });
    expect((await lookUp()).status).toBe(429);
    clock += 60_000;
    expect((await lookUp()).status).toBe(200);
    fakeX.reset();
    expect(fakeX.budgetUsed(me.authToken, 'UserByScreenName')).toBe(0);
    expect(limits((await lookUp()).headers).limit).toBe('95');
  });

  it('only reports, never enforces, when not strict (on the same clock)', async () => {
    const kind = await startFakeX({ strict: false, now: () => clock });
    try {
      kind.addAccount(me);
      let last: Response | undefined;
      for (let i = 0; i < 55; i++) {
        last = await fetch(new URL('/i/api/graphql/any/SearchTimeline', kind.url), {
          method: 'POST',
          headers: apiHeaders(kind, me),
        });
        expect(last.status).toBe(200);
      }
      expect(limits(last!.headers)).toEqual({
        limit: '150',
        remaining: '95',
        reset: String(t0 / 1000 + 900),
      });
    } finally {
      await kind.close();
    }
  });
});
