import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { refusal, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const credentials = {
  consumerKey: 'ck-perch',
  consumerSecret: 'cs-perch secret/with+odd=chars',
  accessToken: '42-at-perch',
  accessTokenSecret: 'ats-perch',
  userId: me.userId,
};

let clock = Date.UTC(2026, 11, 1, 12);
let fakeX: FakeX;
beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  fakeX.oauth1.addCredentials(credentials);
  fakeX.oauth1.addAppBearer('app-bearer-token', 'perch-app');
});
beforeEach(() => {
  fakeX.reset();
  clock = Date.now();
});
afterAll(() => fakeX.close());

const userClient = (secret = credentials.accessTokenSecret) =>
  new TwitterApi(
    {
      appKey: credentials.consumerKey,
      appSecret: credentials.consumerSecret,
      accessToken: credentials.accessToken,
      accessSecret: secret,
    },
    twitterApiSettings(fakeX),
  );

/** A request signed by the oauth-1.0a package (RFC 5849), body parameters signed for form bodies. */
function signed(method: string, url: string, form?: Record<string, string>) {
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const data = oauth.authorize(
    { url, method, ...(form ? { data: form } : {}) },
    { key: credentials.accessToken, secret: credentials.accessTokenSecret },
  );
  return oauth.toHeader(data).Authorization;
}

describe('fake X OAuth 1.0a user context', () => {
  it('publishes with a correctly signed request (twitter-api-v2), and /2/users/me answers for the user', async () => {
    const client = userClient();
    const created = await client.v2.tweet('signed post');
    expect(fakeX.posts.all(me.userId).map((p) => p.id)).toEqual([created.data.id]);
    const user = await client.v2.me({ 'user.fields': ['subscription_type', 'public_metrics'] });
    expect(user.data).toMatchObject({
      id: me.userId,
      subscription_type: 'None',
      public_metrics: { post_count: 1, followers_count: 0 },
    });
  });

  it('refuses a bad signature with X’s 401, and nothing is posted', async () => {
    const error = await refusal(userClient('wrong secret').v2.tweet('forged'));
    expect(error.code).toBe(401);
    expect(error.data).toEqual({
      title: 'Unauthorized',
      detail: 'Unauthorized',
      type: 'about:blank',
      status: 401,
    });
    expect(fakeX.posts.all(me.userId)).toEqual([]);
  });

  it('refuses an unknown consumer key and a stale timestamp', async () => {
    fakeX.addAccount(me);
    const unknown = new TwitterApi(
      {
        appKey: 'other',
        appSecret: credentials.consumerSecret,
        accessToken: credentials.accessToken,
        accessSecret: credentials.accessTokenSecret,
      },
      twitterApiSettings(fakeX),
    );
    expect((await refusal(unknown.v2.tweet('x'))).code).toBe(401);
    // The fake's clock ten minutes ahead of the client's: the timestamp is stale.
    clock = Date.now() + 10 * 60_000;
    expect((await refusal(userClient().v2.tweet('late'))).code).toBe(401);
    fakeX.oauth1.setTimestampWindow(15 * 60);
    expect((await userClient().v2.tweet('in the window')).data.id).toBeTruthy();
  });

  it('signs body parameters only for form bodies: a JSON body outside the signature is taken', async () => {
    const url = `${fakeX.url}/2/tweets`;
    const ok = await fetch(url, {
      method: 'POST',
      headers: { authorization: signed('POST', url), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'json body, unsigned' }),
    });
    expect(ok.status).toBe(201);
    // The same JSON body signed as if it were form parameters does not verify.
    const wrong = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: signed('POST', url, { text: 'json body, signed' }),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: 'json body, signed' }),
    });
    expect(wrong.status).toBe(401);
    // A form body is part of the signature: a changed form body is refused.
    const statusUrl = `${fakeX.url}/2/media/upload?command=STATUS&media_id=1`;
    const tampered = await fetch(`${fakeX.url}/2/media/metadata`, {
      method: 'POST',
      headers: {
        authorization: signed('POST', `${fakeX.url}/2/media/metadata`, { id: '1' }),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'id=2',
    });
    expect(tampered.status).toBe(401);
    const intact = await fetch(`${fakeX.url}/2/media/metadata`, {
      method: 'POST',
      headers: {
        authorization: signed('POST', `${fakeX.url}/2/media/metadata`, { id: '1' }),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'id=1',
    });
    expect(intact.status).toBe(400); // past the signature; X wants JSON here
    const query = await fetch(statusUrl, { headers: { authorization: signed('GET', statusUrl) } });
    expect(query.status).toBe(404); // signed correctly (the query is in the signature); no such media
  });

  it('refuses a replayed nonce', async () => {
    const url = `${fakeX.url}/2/tweets`;
    const header = signed('POST', url);
    const send = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: header, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    expect((await send('first')).status).toBe(201);
    expect((await send('replayed')).status).toBe(401);
  });
});

describe('fake X app-only Bearer', () => {
  it('reads posts (BearerToken in the document) but may not post', async () => {
    const post = await userClient().v2.tweet('readable by the app');
    const app = new TwitterApi('app-bearer-token', twitterApiSettings(fakeX));
    const read = await app.v2.tweets([post.data.id]);
    expect(read.data.map((p) => p.id)).toEqual([post.data.id]);
    const timeline = await app.v2.get(`users/${me.userId}/tweets`);
    expect(timeline.data.map((p: { id: string }) => p.id)).toEqual([post.data.id]);
    const error = await refusal(app.v2.tweet('app cannot post'));
    expect(error.code).toBe(403);
    expect(error.data.type).toBe('https://api.twitter.com/2/problems/unsupported-authentication');
  });
});
