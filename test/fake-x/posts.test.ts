import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { bearerRequest, grantTokens, refusal, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const alice = { userId: '43', screenName: 'alice', name: 'Alice' };
const writeScopes = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

let clock = Date.UTC(2026, 11, 1, 12);
let fakeX: FakeX;
let token: string;
let client: TwitterApi;
beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  fakeX.addAccount(alice);
  // The clock jumps a day per test: tokens that outlive the file.
  fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
  token = (await grantTokens(fakeX, { userId: me.userId, scopes: writeScopes })).accessToken;
  client = new TwitterApi(token, twitterApiSettings(fakeX));
});
beforeEach(() => {
  fakeX.reset();
  clock += 25 * 60 * 60 * 1000; // past every window of the previous test
});
afterAll(() => fakeX.close());

const raw = (method: string, path: string, body?: unknown, bearer = token) =>
  bearerRequest(fakeX, bearer, method, path, body);

describe('fake X POST /2/tweets', () => {
  it('creates a post: 201 {data:{id,text,edit_history_post_ids}}, ids increase, fakeX.posts sees it', async () => {
    const first = await client.v2.tweet('hello from Perch');
    const second = await client.v2.tweet('and again');
    expect(first.data).toEqual({
      id: first.data.id,
      text: 'hello from Perch',
      edit_history_post_ids: [first.data.id],
    });
    expect(BigInt(second.data.id) > BigInt(first.data.id)).toBe(true);
    expect(fakeX.posts.all(me.userId).map((p) => p.text)).toEqual([
      'hello from Perch',
      'and again',
    ]);
    expect(fakeX.requestCount('createPosts')).toBe(2);
  });

  it('reports the 15-minute and 24-hour windows in headers and refuses the 101st in 15 minutes', async () => {
    const res = await raw('POST', '/2/tweets', { text: 'headers' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-rate-limit-limit')).toBe('100');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('99');
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBe(
      Math.ceil((clock + 15 * 60_000) / 1000),
    );
    expect(res.headers.get('x-user-limit-24hour-limit')).toBe('2400');
    expect(res.headers.get('x-user-limit-24hour-remaining')).toBe('2399');
    expect(res.headers.get('x-app-limit-24hour-limit')).toBe('10000');
    expect(res.headers.get('x-app-limit-24hour-remaining')).toBe('9999');
    fakeX.limits.set('createPosts', { limit: 2, windowSeconds: 900 });
    expect((await raw('POST', '/2/tweets', { text: 'one' })).status).toBe(201);
    expect((await raw('POST', '/2/tweets', { text: 'two' })).status).toBe(201);
    const over = await raw('POST', '/2/tweets', { text: 'three' });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    });
    expect(over.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(fakeX.posts.all(me.userId).map((p) => p.text)).toEqual(['headers', 'one', 'two']);
  });

  it('holds the 24-hour user window', async () => {
    fakeX.limits.setDaily({ user: 1 });
    expect((await raw('POST', '/2/tweets', { text: 'first today' })).status).toBe(201);
    const over = await raw('POST', '/2/tweets', { text: 'second today' });
    expect(over.status).toBe(429);
    expect(over.headers.get('x-user-limit-24hour-remaining')).toBe('0');
    clock += 24 * 60 * 60 * 1000;
    expect((await raw('POST', '/2/tweets', { text: 'tomorrow' })).status).toBe(201);
  });

  it('refuses duplicate content within 24 hours with X’s exact body, and takes it after', async () => {
    await client.v2.tweet('same words');
    const again = await raw('POST', '/2/tweets', { text: 'same words' });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });
    clock += 24 * 60 * 60 * 1000;
    expect((await raw('POST', '/2/tweets', { text: 'same words' })).status).toBe(201);
  });

  it('counts weighted length with twitter-text: 280, or 25,000 for subscribers', async () => {
    expect((await raw('POST', '/2/tweets', { text: 'a'.repeat(280) })).status).toBe(201);
    // CJK characters weigh 2: 141 of them are 282.
    const long = await raw('POST', '/2/tweets', { text: '字'.repeat(141) });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].message).toMatch(/Your Tweet text is too long/);
    // A URL weighs 23 whatever its length.
    const url = `${'b'.repeat(250)} https://example.com/${'x'.repeat(200)}`;
    expect((await raw('POST', '/2/tweets', { text: url })).status).toBe(201);
    fakeX.posts.setSubscriptionType(me.userId, 'Premium');
    expect((await raw('POST', '/2/tweets', { text: 'c'.repeat(25_000) })).status).toBe(201);
    expect((await raw('POST', '/2/tweets', { text: 'd'.repeat(25_001) })).status).toBe(400);
    fakeX.posts.setSubscriptionType(me.userId, 'None');
  });

  it('refuses what the document refuses: unknown properties, bad ids, a poll out of range', async () => {
    const extra = await raw('POST', '/2/tweets', { text: 'x', idempotency_key: 'k' });
    expect(extra.status).toBe(400);
    expect(extra.body.type).toBe('https://api.twitter.com/2/problems/invalid-request');
    expect(extra.body.errors[0].message).toBe(
      '$.idempotency_key: is not defined in the schema and the schema does not allow additional properties',
    );
    const badReply = await raw('POST', '/2/tweets', {
      text: 'x',
      reply: { in_reply_to_tweet_id: 'abc' },
    });
    expect(badReply.status).toBe(400);
    const poll = await raw('POST', '/2/tweets', {
      text: 'vote',
      poll: { options: ['only one'], duration_minutes: 60 },
    });
    expect(poll.status).toBe(400);
    const shortPoll = await raw('POST', '/2/tweets', {
      text: 'vote',
      poll: { options: ['a', 'b'], duration_minutes: 4 },
    });
    expect(shortPoll.status).toBe(400);
    expect((await raw('POST', '/2/tweets', '{not json')).status).toBe(400);
    expect((await raw('POST', '/2/tweets', {})).status).toBe(400); // no text, no media
    expect(fakeX.posts.all(me.userId)).toEqual([]);
  });

  it('takes a poll of 2–4 options of 1–25 characters', async () => {
    const created = await client.v2.tweet('vote', {
      poll: { options: ['yes', 'no', 'maybe'], duration_minutes: 60 },
    });
    expect(fakeX.posts.get(created.data.id)?.poll).toEqual({
      options: ['yes', 'no', 'maybe'],
      durationMinutes: 60,
    });
  });

  it('refuses a reply to an unknown post, and to a post made less than the reply delay ago', async () => {
    const unknown = await raw('POST', '/2/tweets', {
      text: 'reply',
      reply: { in_reply_to_tweet_id: '1234567890' },
    });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual({
      detail: 'You attempted to reply to a Tweet that is deleted or not visible to you.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });
    const root = await client.v2.tweet('thread 1/2');
    const early = await refusal(client.v2.reply('thread 2/2', root.data.id));
    expect(early.code).toBe(403);
    clock += 1000;
    const reply = await client.v2.reply('thread 2/2', root.data.id);
    const stored = fakeX.posts.get(reply.data.id)!;
    expect(stored.inReplyToId).toBe(root.data.id);
    expect(stored.conversationId).toBe(root.data.id);
    fakeX.posts.setReplyDelay(0);
    expect((await client.v2.reply('at once', reply.data.id)).data.id).toBeTruthy();
  });

  it('refuses a reply to a deleted post; DELETE /2/tweets/:id answers deleted true once', async () => {
    const post = await client.v2.tweet('to delete');
    expect((await client.v2.deleteTweet(post.data.id)).data).toEqual({ deleted: true });
    expect((await client.v2.deleteTweet(post.data.id)).data).toEqual({ deleted: false });
    expect(fakeX.posts.all(me.userId)).toEqual([]);
    expect(fakeX.posts.get(post.data.id)?.deletedAt).toBe(clock);
    clock += 5000;
    expect((await refusal(client.v2.reply('late', post.data.id))).code).toBe(403);
  });

  it('checks quote_tweet_id: an existing post is quoted, an unknown one refused', async () => {
    const theirs = fakeX.posts.add({ authorId: alice.userId, text: 'quote me' });
    const quote = await client.v2.quote('so true', theirs.id);
    expect(fakeX.posts.get(quote.data.id)?.quoteTweetId).toBe(theirs.id);
    const unknown = await raw('POST', '/2/tweets', { text: 'q', quote_tweet_id: '99999' });
    expect(unknown.status).toBe(403);
  });

  it('needs tweet.write: a token without it gets 403, and no token 401', async () => {
    fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
    const readOnly = await grantTokens(fakeX, {
      userId: me.userId,
      scopes: ['tweet.read', 'users.read'],
    });
    const res = await raw('POST', '/2/tweets', { text: 'nope' }, readOnly.accessToken);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      title: 'Forbidden',
      detail: 'Forbidden',
      type: 'about:blank',
      status: 403,
    });
    expect((await raw('POST', '/2/tweets', { text: 'nope' }, 'not-a-token')).status).toBe(401);
    expect(fakeX.posts.all(me.userId)).toEqual([]);
  });
});
