import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { grantTokens, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const scopes = ['tweet.read', 'tweet.write', 'users.read', 'media.write'];

let clock = Date.now();
let fakeX: FakeX;
let token: string;
let client: TwitterApi;
beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  fakeX.oauth.setAccessTokenLifetime(10 * 365 * 24 * 60 * 60);
  token = (await grantTokens(fakeX, { userId: me.userId, scopes })).accessToken;
  client = new TwitterApi(token, twitterApiSettings(fakeX));
});
beforeEach(() => {
  fakeX.reset();
  clock += 25 * 60 * 60 * 1000;
});
afterAll(() => fakeX.close());

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

/** POST /2/tweets over plain node:http, so a dropped socket shows as such. */
function post(text: string, timeoutMs = 2000) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(new URL('/2/tweets', fakeX.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        agent: false,
        timeout: timeoutMs,
      });
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.end(JSON.stringify({ text }));
    },
  );
}

describe('fake X faults: skip', () => {
  it('lets `skip` matching requests through, then hits the next one', async () => {
    fakeX.faults.inject('503', { skip: 2 });
    expect((await post('one')).status).toBe(201);
    expect((await post('two')).status).toBe(201);
    expect((await post('three')).status).toBe(503);
    expect((await post('four')).status).toBe(201);
    expect(fakeX.faults.hits).toEqual([{ kind: '503', endpoint: 'createPosts' }]);
  });
});

describe('fake X write faults', () => {
  it('drop-after-create: the post exists, the client sees a dropped connection', async () => {
    fakeX.faults.inject('drop-after-create');
    const error = await failure(post('dropped answer'));
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(fakeX.posts.all(me.userId).map((p) => p.text)).toEqual(['dropped answer']);
    expect((await post('next one')).status).toBe(201); // only the next one
    expect(fakeX.faults.hits).toEqual([{ kind: 'drop-after-create', endpoint: 'createPosts' }]);
  });

  it('503-after-create: the post exists, the answer is X’s 503', async () => {
    fakeX.faults.inject('503-after-create');
    const res = await post('lost in a 503');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      title: 'Service Unavailable',
      detail: 'Service Unavailable',
      type: 'about:blank',
      status: 503,
    });
    expect(fakeX.posts.all(me.userId)).toHaveLength(1);
  });

  it('timeout-after-create: the post exists, the answer comes after the client gave up', async () => {
    fakeX.faults.inject('timeout-after-create', { holdMs: 5000 });
    const error = await failure(post('slow answer', 300));
    expect(error.message).toBe('client timeout');
    expect(fakeX.posts.all(me.userId)).toHaveLength(1);
    fakeX.faults.inject('timeout-after-create', { holdMs: 100 });
    expect((await post('held a little')).status).toBe(201);
  });

  it('503 before creating, 429, usage-capped and 402: nothing is created', async () => {
    fakeX.faults.inject('503');
    fakeX.faults.inject('429');
    fakeX.faults.inject('usage-capped');
    fakeX.faults.inject('402');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(`try ${i}`));
    expect(answers.map((a) => a.status)).toEqual([503, 429, 429, 402]);
    expect(JSON.parse(answers[1]!.body).title).toBe('Too Many Requests');
    expect(answers[1]!.headers['x-rate-limit-remaining']).toBe('0');
    expect(JSON.parse(answers[2]!.body).type).toBe(
      'https://api.twitter.com/2/problems/usage-capped',
    );
    expect(JSON.parse(answers[3]!.body).title).toBe('CreditsDepleted');
    expect(fakeX.posts.all(me.userId)).toEqual([]);
    expect((await client.v2.tweet('after the faults')).data.text).toBe('after the faults');
  });

  it('with a seeded probability, the same requests get the fault each run', async () => {
    const run = async () => {
      fakeX.reset();
      fakeX.faults.inject('503-after-create', { probability: 0.5, seed: 7 });
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push((await post(`p ${i} ${Math.random()}`)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(201);
    expect(fakeX.posts.all(me.userId)).toHaveLength(10); // created either way
  });

  it('media append: a failed segment (500) and a dropped one are not kept; a retry completes', async () => {
    fakeX.faults.inject('append-500');
    fakeX.faults.inject('append-drop');
    const init = await client.v2.post('media/upload/initialize', {
      media_type: 'image/png',
      total_bytes: 100,
    });
    const id = (init as { data: { id: string } }).data.id;
    const append = () =>
      client.v2.post(
        `media/upload/${id}/append`,
        { segment_index: 0, media: randomBytes(100) },
        { forceBodyMode: 'form-data' },
      );
    const first = await failure(append());
    expect(first).toBeInstanceOf(ApiResponseError);
    expect((first as ApiResponseError).code).toBe(500);
    const second = await failure(append());
    expect(second).not.toBeInstanceOf(ApiResponseError);
    expect(fakeX.media.get(id)?.appendedBytes).toBe(0);
    await append();
    expect(fakeX.media.get(id)?.appendedBytes).toBe(100);
  });

  it('counts requests per endpoint, refused ones included', async () => {
    fakeX.faults.inject('503');
    await post('refused');
    await post('taken');
    expect(fakeX.requestCount('createPosts')).toBe(2);
    expect(fakeX.requestCount('mediaAppend')).toBe(0);
  });
});
