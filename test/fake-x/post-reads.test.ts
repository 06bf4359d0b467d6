import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { grantTokens, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const alice = { userId: '43', screenName: 'alice', name: 'Alice' };
const scopes = ['tweet.read', 'tweet.write', 'users.read', 'media.write'];
const hour = 3_600_000;
const day = 24 * hour;

let clock = Date.UTC(2026, 11, 1, 12);
let fakeX: FakeX;
let token: string;
let client: TwitterApi;
beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  fakeX.addAccount({
    ...alice,
    subscriptionType: 'PremiumPlus',
    publicMetrics: { followers_count: 7 },
  });
  fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
  token = (await grantTokens(fakeX, { userId: me.userId, scopes })).accessToken;
  client = new TwitterApi(token, twitterApiSettings(fakeX));
});
beforeEach(() => {
  fakeX.reset();
  fakeX.posts.setReplyDelay(0);
  clock += 40 * day;
});
afterAll(() => fakeX.close());

async function get(path: string, query: Record<string, string> = {}) {
  const url = new URL(path, fakeX.url);
  url.search = new URLSearchParams(query).toString();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function thread(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const created =
      i === 0
        ? await client.v2.tweet(`part ${i}`)
        : await client.v2.reply(`part ${i}`, ids.at(-1)!);
    ids.push(created.data.id);
    clock += 1000;
  }
  return ids;
}

describe('fake X GET /2/users/:id/tweets', () => {
  it('with a timeline lag, a new post shows only once the lag has passed (by id at once)', async () => {
    fakeX.posts.setTimelineLag(3000);
    const { data } = await client.v2.tweet('just made');
    const own = () => get(`/2/users/${me.userId}/tweets`).then((r) => r.body.data ?? []);
    expect(await own()).toEqual([]);
    expect((await get(`/2/tweets/${data.id}`)).body.data.id).toBe(data.id);
    clock += 3000;
    expect((await own()).map((p: { id: string }) => p.id)).toEqual([data.id]);
  });

  it('lists one’s own posts, replies included, newest first, paged with next_token', async () => {
    const ids = await thread(12);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await get(`/2/users/${me.userId}/tweets`, {
        max_results: '5',
        ...(next ? { pagination_token: next } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...(page.body.data ?? []).map((p: { id: string }) => p.id));
      next = page.body.meta.next_token;
    } while (next);
    expect(seen).toEqual([...ids].reverse());
    const noReplies = await get(`/2/users/${me.userId}/tweets`, { exclude: 'replies' });
    expect(noReplies.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
  });

  it('filters by since_id, until_id and start_time; checks max_results 5–100', async () => {
    const ids = await thread(6);
    const since = await get(`/2/users/${me.userId}/tweets`, { since_id: ids[3]! });
    expect(since.body.data.map((p: { id: string }) => p.id)).toEqual([ids[5], ids[4]]);
    expect(since.body.meta).toMatchObject({
      newest_id: ids[5],
      oldest_id: ids[4],
      result_count: 2,
    });
    const until = await get(`/2/users/${me.userId}/tweets`, { until_id: ids[1]! });
    expect(until.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    const start = new Date(fakeX.posts.get(ids[4]!)!.createdAt).toISOString();
    const fromTime = await get(`/2/users/${me.userId}/tweets`, { start_time: start });
    expect(fromTime.body.data.map((p: { id: string }) => p.id)).toEqual([ids[5], ids[4]]);
    expect((await get(`/2/users/${me.userId}/tweets`, { max_results: '4' })).status).toBe(400);
    expect((await get(`/2/users/${me.userId}/tweets`, { max_results: '101' })).status).toBe(400);
    const none = await get(`/2/users/${me.userId}/tweets`, { since_id: ids[5]! });
    expect(none.body).toEqual({ meta: { result_count: 0 } });
  });

  it('shows referenced_tweets / referenced_posts and attachments as the spelling says', async () => {
    const id = await client.v2.uploadMedia(Buffer.alloc(100, 1), { media_type: 'image/png' });
    const root = await client.v2.tweet('root', { media: { media_ids: [id] } });
    const reply = await client.v2.reply('reply', root.data.id);
    const q = {
      'tweet.fields': 'referenced_tweets,attachments,conversation_id,in_reply_to_user_id',
    };
    const documented = await get(`/2/tweets`, { ids: `${root.data.id},${reply.data.id}`, ...q });
    expect(documented.body.data).toEqual([
      {
        id: root.data.id,
        text: 'root',
        edit_history_post_ids: [root.data.id],
        conversation_id: root.data.id,
        attachments: { media_keys: [`3_${id}`] },
      },
      {
        id: reply.data.id,
        text: 'reply',
        edit_history_post_ids: [reply.data.id],
        conversation_id: root.data.id,
        in_reply_to_user_id: me.userId,
        referenced_posts: [{ type: 'replied_to', id: root.data.id }],
      },
    ]);
    fakeX.posts.setSpelling('legacy');
    const old = await get(`/2/tweets`, { ids: reply.data.id, 'post.fields': 'referenced_posts' });
    expect(old.body.data[0]).toEqual({
      id: reply.data.id,
      text: 'reply',
      edit_history_tweet_ids: [reply.data.id],
      referenced_tweets: [{ type: 'replied_to', id: root.data.id }],
    });
  });
});

describe('fake X metrics', () => {
  it('spells public_metrics both ways, and impressions grow on the fake’s clock', async () => {
    const post = await client.v2.tweet('measured');
    fakeX.posts.setMetrics(post.data.id, {
      like_count: 3,
      repost_count: 2,
      impressionsPerHour: 100,
    });
    clock += 2 * hour;
    const now = await get('/2/tweets', { ids: post.data.id, 'tweet.fields': 'public_metrics' });
    expect(now.body.data[0].public_metrics).toEqual({
      repost_count: 2,
      reply_count: 0,
      like_count: 3,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 200,
    });
    fakeX.posts.setSpelling('legacy');
    const legacy = await get('/2/tweets', { ids: post.data.id, 'tweet.fields': 'public_metrics' });
    expect(legacy.body.data[0].public_metrics).toMatchObject({
      retweet_count: 2,
      impression_count: 200,
    });
    expect(legacy.body.data[0].public_metrics.repost_count).toBeUndefined();
    const single = await client.v2.singleTweet(post.data.id, {
      'tweet.fields': ['public_metrics'],
    });
    expect(single.data.public_metrics).toMatchObject({ like_count: 3, impression_count: 200 });
    await client.v2.deleteTweet(post.data.id);
    const gone = await get(`/2/tweets/${post.data.id}`);
    expect(gone.body.errors[0].title).toBe('Not Found Error');
  });

  it('shows non_public_metrics and organic_metrics only on one’s own posts of the last 30 days', async () => {
    const mine = await client.v2.tweet('mine');
    const theirs = fakeX.posts.add({ authorId: alice.userId, text: 'theirs' });
    const old = fakeX.posts.add({ authorId: me.userId, text: 'old', createdAt: clock - 31 * day });
    const answer = await get('/2/tweets', {
      ids: [mine.data.id, theirs.id, old.id].join(','),
      'tweet.fields': 'non_public_metrics,organic_metrics',
    });
    const [a, b, c] = answer.body.data;
    expect(Object.keys(a)).toEqual(
      expect.arrayContaining(['non_public_metrics', 'organic_metrics']),
    );
    expect(b.non_public_metrics).toBeUndefined();
    expect(c.organic_metrics).toBeUndefined();
    expect(answer.body.errors).toHaveLength(4);
    expect(answer.body.errors[0]).toMatchObject({
      title: 'Field Authorization Error',
      field: 'non_public_metrics',
      resource_id: theirs.id,
      type: 'https://api.twitter.com/2/problems/not-authorized-for-field',
    });
  });

  it('answers /2/tweets/analytics per bucket for one’s own posts', async () => {
    const start = clock;
    const post = await client.v2.tweet('analysed');
    fakeX.posts.setMetrics(post.data.id, { like_count: 4, impressionsPerHour: 60 });
    clock += 3 * hour;
    const answer = await get('/2/tweets/analytics', {
      ids: post.data.id,
      start_time: new Date(start).toISOString(),
      end_time: new Date(start + 3 * hour).toISOString(),
      granularity: 'hourly',
      'analytics.fields': 'impressions,likes',
    });
    expect(answer.status).toBe(200);
    expect(
      answer.body.data[0].timestamped_metrics.map((b: { metrics: unknown }) => b.metrics),
    ).toEqual([
      { impressions: 60, likes: 4 },
      { impressions: 60, likes: 0 },
      { impressions: 60, likes: 0 },
    ]);
    const missing = await get('/2/tweets/analytics', { ids: post.data.id });
    expect(missing.status).toBe(400);
  });

  it('answers /2/users/me with subscription_type and public_metrics, post_count or tweet_count', async () => {
    await client.v2.tweet('one');
    const fields = { 'user.fields': 'public_metrics,subscription_type' };
    const doc = await get('/2/users/me', fields);
    expect(doc.body.data).toMatchObject({
      subscription_type: 'None',
      public_metrics: { post_count: 1, followers_count: 0, following_count: 0, listed_count: 0 },
    });
    fakeX.posts.setSpelling('legacy');
    const legacy = await get('/2/users/me', fields);
    expect(legacy.body.data.public_metrics).toMatchObject({ tweet_count: 1 });
    const aliceToken = await grantTokens(fakeX, { userId: alice.userId, scopes });
    const res = await fetch(
      new URL('/2/users/me?user.fields=subscription_type,public_metrics', fakeX.url),
      {
        headers: { authorization: `Bearer ${aliceToken.accessToken}` },
      },
    );
    expect(((await res.json()) as any).data).toMatchObject({
      subscription_type: 'PremiumPlus',
      public_metrics: { followers_count: 7 },
    });
  });
});
