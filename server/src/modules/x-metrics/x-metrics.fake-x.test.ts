/**
 * Metrics through the real X write client (createXWrite, OAuth 1.0a) against the fake X: both of X's spellings
 * (repost_count / retweet_count, post_count / tweet_count) give the same figures, organic figures are taken for
 * the user's own posts, and X's own x-rate-limit-* headers keep Perch from ever being answered 429.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createTestApp, fakeXEnv } from '../../test-utils/app.ts';
import type { XCredential } from '../x-api-v2/x-api-v2.write.ts';
import type { PublishSessionResult } from '../x-credentials/x-credentials.contract.ts';
import { xPostMetricSnapshots } from './x-metrics.table.ts';

const me = { userId: '7700', screenName: 'perch_metrics', name: 'Perch Metrics' };
const credential: XCredential = {
  kind: 'oauth1',
  apiKey: 'metrics-consumer-key',
  apiSecret: 'metrics-consumer-secret',
  accessToken: '7700-metrics-access-token',
  accessTokenSecret: 'metrics-access-secret',
};
const hour = 3_600_000;
const t0 = new Date();
let clock = t0;

let fakeX: FakeX;
let t: Awaited<ReturnType<typeof createTestApp>>;
let userId: string;

beforeEach(async () => {
  clock = t0;
  fakeX = await startFakeX();
  fakeX.addAccount({
    ...me,
    publicMetrics: { followers_count: 321, following_count: 45, post_count: 678 },
  });
  fakeX.oauth1.addCredentials({
    consumerKey: credential.apiKey,
    consumerSecret: credential.apiSecret,
    accessToken: credential.accessToken,
    accessTokenSecret: credential.accessTokenSecret,
    userId: me.userId,
  });
  t = await createTestApp({
    env: fakeXEnv(fakeX.url),
    overrides: {
      now: () => clock,
      publishSessions: {
        session: async (): Promise<PublishSessionResult> => ({
          ok: true,
          session: t.deps.xWrite(credential),
          kind: 'oauth1',
          xUserId: me.userId,
          handle: me.screenName,
          canUploadMedia: true,
          maxWeightedLength: 280,
        }),
      },
    },
  });
  ({
    user: { id: userId },
  } = await t.signUp());
});
afterEach(async () => {
  await t.close();
  await fakeX.close();
});

const metrics = {
  repost_count: 7,
  reply_count: 3,
  like_count: 11,
  quote_count: 2,
  bookmark_count: 4,
  impression_count: 500,
  url_link_clicks: 9,
  user_profile_clicks: 6,
  impressionsPerHour: 0,
};

async function publish(text: string, publishedAt = t0) {
  const post = fakeX.posts.add({ authorId: me.userId, text, metrics });
  const postId = randomUUID();
  await t.deps.xMetrics.planSnapshots({
    userId,
    postId,
    position: 0,
    xPostId: post.id,
    publishedAt,
  });
  return postId;
}

describe('metrics at the fake X', () => {
  it('takes the same organic figures whichever spelling X uses', async () => {
    const documentSpelt = await publish('spelt as the document');
    const legacySpelt = await publish('spelt as X’s docs pages');
    clock = new Date(t0.getTime() + hour);
    fakeX.posts.setSpelling('document');
    // one at a time: hold the second back by taking the first's row alone
    await t.deps.db
      .update(xPostMetricSnapshots)
      .set({ retryAt: new Date(t0.getTime() + 2 * hour) })
      .where(eq(xPostMetricSnapshots.postId, legacySpelt));
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });
    fakeX.posts.setSpelling('legacy');
    clock = new Date(t0.getTime() + 2 * hour);
    expect(await t.deps.xMetrics.takeDue(userId)).toMatchObject({ taken: 1, requests: 1 });

    const a = (await t.deps.xMetrics.postMetrics(userId, documentSpelt))!.snapshots[0]!;
    const b = (await t.deps.xMetrics.postMetrics(userId, legacySpelt))!.snapshots[0]!;
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
    expect(a).toMatchObject({ source: 'organic', figures: expected });
    expect(b).toMatchObject({ source: 'organic', figures: expected });
  });

  it('takes the account’s followers, following and posts in either spelling', async () => {
    fakeX.posts.setSpelling('document');
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('taken');
    fakeX.posts.setSpelling('legacy');
    clock = new Date(t0.getTime() + 24 * hour);
    expect(await t.deps.xMetrics.takeAccountDay(userId)).toBe('taken');
    const { days } = await t.deps.xMetrics.accountMetrics(userId, 7);
    expect(
      days.map(({ followers, following, posts }) => ({ followers, following, posts })),
    ).toEqual([
      { followers: 321, following: 45, posts: 678 },
      { followers: 321, following: 45, posts: 678 },
    ]);
  });

  it('keeps to the budget X’s headers describe: never asks for a 429', async () => {
    fakeX.limits.set('postsByIds', { limit: 2, windowSeconds: 900 });
    // Perch's clock on the fake's (the real one): X's reset times are compared with it
    for (let i = 0; i < 250; i++) await publish(`post number ${i}`, new Date(Date.now() - hour));
    clock = new Date();
    const first = await t.deps.xMetrics.takeDue(userId);
    // the budget's default guess (15) is corrected by X's first answer (2 a window)
    expect(first).toMatchObject({ taken: 200, requests: 2 });
    expect(first.pausedUntil).not.toBeNull();
    expect(fakeX.requestCount('postsByIds')).toBe(2);
    const again = await t.deps.xMetrics.takeDue(userId);
    expect(again).toMatchObject({ taken: 0, requests: 0 });
    expect(fakeX.requestCount('postsByIds')).toBe(2);
  });
});
