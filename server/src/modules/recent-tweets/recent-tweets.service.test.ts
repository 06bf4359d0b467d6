/**
 * Recent tweets and events on demand, end to end inside the server: the API, the real bird code (through
 * Perch's port) against test/fake-x, a real database, and Claude played by test/fake-claude.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RecentTweets } from '@perch/shared';
import {
  startFakeClaude,
  type FakeClaude,
  type FakeClaudeRequestBody,
} from '../../../../test/fake-claude/index.ts';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createTestApp, fakeXEnv, jobsIdle, startPgBoss } from '../../test-utils/app.ts';
import { localClassifier } from './local-classifier.ts';
import { recentTweetsJobs } from './recent-tweets.jobs.ts';
import { recentTweetsTtlMs } from './recent-tweets.service.ts';
import type { TweetClassifier } from './tweet-classifier.ts';

const me = {
  authToken: 'rtauth0token0a1b2c3d4e5f60718293a4b5c6d7e',
  ct0: 'rtct0value0aaaabbbbccccddddeeeeffff',
  userId: '6000',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const alice = { userId: '6001', screenName: 'alice', name: 'Alice', bio: 'Builds things' };
const carol = { userId: '6002', screenName: 'carol', name: 'Carol' };
const quiet = { userId: '6003', screenName: 'quiet_one', name: 'Quiet', bio: 'Never tweets' };
const gone = { userId: '6004', screenName: 'gone_guy', name: 'Gone', suspended: true };
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9));
// The local rules: a launch, nothing, a conference.
const aliceTweets = [
  {
    id: '1910000000000000001',
    by: 'alice',
    text: 'Introducing Perch Sync: your CRM, now on X',
    createdAt: at(10),
  },
  {
    id: '1910000000000000002',
    by: 'alice',
    text: 'What a beautiful morning for a run.',
    createdAt: at(11),
  },
  {
    id: '1910000000000000003',
    by: 'alice',
    text: 'Speaking at React Summit next week, come say hi',
    createdAt: at(12),
  },
];

let fakeX: FakeX;
let fakeClaude: FakeClaude;
let t: Awaited<ReturnType<typeof createTestApp>>;
let userId: string;
let cookie: string;
let clock: number;

beforeAll(async () => {
  [fakeX, fakeClaude] = await Promise.all([startFakeX(), startFakeClaude()]);
  for (const a of [me, alice, carol, quiet, gone]) fakeX.addAccount(a);
  fakeX.addTweets([
    ...aliceTweets,
    { id: '1910000000000000101', by: 'carol', text: 'Shipping day tomorrow', createdAt: at(10) },
    { id: '1910000000000000102', by: 'carol', text: 'Coffee first', createdAt: at(11) },
  ]);
});
afterAll(() => Promise.all([fakeX.close(), fakeClaude.close()]));
afterEach(() => t.close());

async function setUp(
  options: {
    env?: Record<string, string>;
    classifier?: TweetClassifier;
    jobQueue?: 'pg-boss' | 'in-memory';
  } = {},
) {
  fakeX.reset();
  fakeClaude.reset();
  clock = Date.now();
  t = await createTestApp({
    env: { PERCH_ALLOW_SIGNUP: 'true', ...fakeXEnv(fakeX.url), ...options.env },
    overrides: {
      now: () => new Date(clock),
      ...(options.classifier ? { classifier: options.classifier } : {}),
      ...(options.jobQueue ? { jobQueue: options.jobQueue } : {}),
    },
  });
  const signedUp = await t.signUp();
  cookie = signedUp.cookie;
  userId = signedUp.user.id;
  await t.pushCookies(cookie, { authToken: me.authToken, ct0: me.ct0 });
  expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  fakeX.requests.length = 0;
}

const addContact = async (xHandle: string | null, owner = userId) =>
  (await t.deps.contacts.create(owner, { name: xHandle ?? 'No Handle', xHandle, notes: '' }))
    .contact;

async function open(contactId: string, as = cookie) {
  const res = await t.request(`/api/v1/contacts/${contactId}/recent-tweets`, {
    headers: { cookie: as },
  });
  return RecentTweets.parse(
    await t.expectDocumented(res, 'GET /api/v1/contacts/:id/recent-tweets', 200),
  );
}

/** Opens the page, lets the fetch it started finish, and opens it again. */
async function openAndWait(contactId: string) {
  const first = await open(contactId);
  await jobsIdle(t.deps);
  return { first, then: await open(contactId) };
}

const xOperations = () => fakeX.requests.map((r) => r.operation);
const events = async (contactId: string) =>
  (await t.deps.interactions.timeline(userId, contactId)).filter((i) => i.kind === 'event');

function countingClassifier() {
  const asked: string[][] = [];
  const classifier: TweetClassifier = {
    name: 'local',
    classify: async (tweets) => (
      asked.push(tweets.map((tw) => tw.id)),
      localClassifier.classify(tweets)
    ),
  };
  return { asked, classifier };
}

describe('recent tweets on demand', () => {
  it('fetches once, then answers from the cache for 12 hours with no X request, and fetches again after', async () => {
    const { asked, classifier } = countingClassifier();
    await setUp({ classifier });
    const contact = await addContact('carol');
    const { first, then } = await openAndWait(contact.id);
    expect(first).toMatchObject({ status: 'fetching', tweets: [], fetchedAt: null });
    expect(then.status).toBe('fresh');
    expect(then.tweets.map((tw) => [tw.id, tw.url])).toEqual([
      ['1910000000000000102', 'https://x.com/carol/status/1910000000000000102'],
      ['1910000000000000101', 'https://x.com/carol/status/1910000000000000101'],
    ]);
    expect(then.fetchedAt).toBe(new Date(clock).toISOString());
    const oneFetch = xOperations();
    expect(oneFetch).toContain('UserTweets');
    expect(asked).toEqual([['1910000000000000102', '1910000000000000101']]);

    fakeX.requests.length = 0;
    clock += recentTweetsTtlMs - 60_000;
    expect((await openAndWait(contact.id)).then.status).toBe('fresh');
    expect(fakeX.requests).toHaveLength(0);

    fakeX.addTweets([
      {
        id: '1910000000000000103',
        by: 'carol',
        text: 'Introducing Carol Cloud',
        createdAt: at(12),
      },
    ]);
    clock += 2 * 60_000; // past 12 hours
    const { first: stale, then: refreshed } = await openAndWait(contact.id);
    expect(stale).toMatchObject({ status: 'fetching' });
    expect(stale.tweets).toHaveLength(2); // the page keeps showing the old ones meanwhile
    expect(refreshed.tweets.map((tw) => tw.id)).toEqual([
      '1910000000000000103',
      '1910000000000000102',
      '1910000000000000101',
    ]);
    expect(xOperations()).toEqual(oneFetch);
    expect(asked.at(-1)).toEqual(['1910000000000000103']); // the two it had classified are not asked about again
  });

  it('two opens at once make one X fetch; another Perch user opening the same account costs no request', async () => {
    await setUp();
    const contact = await addContact('carol');
    fakeX.setMode('slow', { delayMs: 500 }); // X answers slowly, so the second open comes while the first fetch runs
    const [a, b] = await Promise.all([open(contact.id), open(contact.id)]);
    expect([a.status, b.status]).toEqual(['fetching', 'fetching']);
    await jobsIdle(t.deps);
    fakeX.setMode('ok');
    expect(fakeX.requests.filter((r) => r.operation === 'UserTweets').length).toBeGreaterThan(0);
    const oneFetch = xOperations();
    expect(oneFetch.filter((op) => op === 'UserByScreenName')).toHaveLength(1);

    const bob = await t.signUp('bob@example.com');
    const bobsCarol = await addContact('carol', bob.user.id);
    fakeX.requests.length = 0;
    expect((await open(bobsCarol.id, bob.cookie)).status).toBe('fresh'); // bob has not even connected X
    expect(fakeX.requests).toHaveLength(0);
  });

  it('puts each confident event on the timeline once, however often the tweets are fetched or shown', async () => {
    await setUp();
    const contact = await addContact('alice');
    const { then } = await openAndWait(contact.id);
    expect(then.events.map((e) => [e.tweetId, e.eventClass])).toEqual([
      ['1910000000000000003', 'conference'],
      ['1910000000000000001', 'product_launch'],
    ]);
    expect(then.events[0]).toMatchObject({
      url: 'https://x.com/alice/status/1910000000000000003',
      text: aliceTweets[2]!.text,
      occurredAt: at(12).toISOString(),
    });
    const timeline = await events(contact.id);
    expect(timeline.map((e) => [e.xId, e.direction, e.data?.eventClass])).toEqual([
      ['1910000000000000003', 'event', 'conference'],
      ['1910000000000000001', 'event', 'product_launch'],
    ]);
    expect(timeline[1]).toMatchObject({
      text: aliceTweets[0]!.text,
      occurredAt: at(10).toISOString(),
      data: {
        confidence: expect.any(Number),
        url: 'https://x.com/alice/status/1910000000000000001',
      },
    });

    await open(contact.id);
    clock += recentTweetsTtlMs + 60_000;
    await openAndWait(contact.id);
    await openAndWait(contact.id);
    expect((await events(contact.id)).map((e) => e.xId)).toEqual([
      '1910000000000000003',
      '1910000000000000001',
    ]);
  });

  it('with ANTHROPIC_API_KEY, asks Claude (the fake) once with the model and the batch, and Claude’s answer is what lands', async () => {
    await setUp({
      env: {
        ANTHROPIC_API_KEY: fakeClaude.apiKey,
        ANTHROPIC_BASE_URL: fakeClaude.url,
        ANTHROPIC_MODEL: 'claude-test-model',
      },
    });
    // the local rules would say launch / none / conference
    const verdicts: Record<string, [string, number]> = {
      '1910000000000000001': ['none', 0.9],
      '1910000000000000002': ['milestone', 0.91],
      '1910000000000000003': ['conference', 0.65],
    };
    fakeClaude.script((body: FakeClaudeRequestBody) => [
      {
        type: 'tool_use',
        id: 'toolu_01',
        name: body.tools![0]!.name,
        input: {
          results: Object.entries(verdicts).map(([id, [event, confidence]]) => ({
            tweet_id: id,
            event,
            confidence,
          })),
        },
      },
    ]);
    const contact = await addContact('alice');
    const { then } = await openAndWait(contact.id);
    expect(then.events.map((e) => [e.tweetId, e.eventClass, e.confidence])).toEqual([
      ['1910000000000000002', 'milestone', 0.91],
    ]);
    expect((await events(contact.id)).map((e) => [e.xId, e.data?.eventClass])).toEqual([
      ['1910000000000000002', 'milestone'],
    ]);

    expect(fakeClaude.requests).toHaveLength(1);
    const body = fakeClaude.requests[0]!.body!;
    expect(body.model).toBe('claude-test-model');
    expect(
      JSON.parse(String(body.messages[0]!.content)).tweets.map((tw: { id: string }) => tw.id),
    ).toEqual(['1910000000000000003', '1910000000000000002', '1910000000000000001']);
    expect(t.logLines.some((l) => l.includes('"classifier":"claude:claude-test-model"'))).toBe(
      true,
    );
    expect(t.logLines.join('')).not.toContain(fakeClaude.apiKey);

    clock += recentTweetsTtlMs + 60_000;
    await openAndWait(contact.id);
    expect(fakeClaude.requests).toHaveLength(1); // Claude's verdicts are kept: nothing new to ask
  });

  it('when Claude fails, the local rules classify, and the next refresh asks Claude again', async () => {
    await setUp({
      env: { ANTHROPIC_API_KEY: fakeClaude.apiKey, ANTHROPIC_BASE_URL: fakeClaude.url },
    });
    fakeClaude.fail(500);
    const contact = await addContact('alice');
    const { then } = await openAndWait(contact.id);
    expect(then.events.map((e) => e.eventClass)).toEqual(['conference', 'product_launch']);
    expect(fakeClaude.requests.map((r) => r.status)).toEqual([500, 500]);
    expect(
      t.logLines.some(
        (l) => l.includes('claude classification failed') && l.includes('"errorType":"api_error"'),
      ),
    ).toBe(true);
    expect(t.logLines.join('')).not.toContain(fakeClaude.apiKey);

    fakeClaude.script((body) => [
      {
        type: 'tool_use',
        id: 'toolu_02',
        name: body.tools![0]!.name,
        input: {
          results: aliceTweets.map((tw) => ({ tweet_id: tw.id, event: 'none', confidence: 0.9 })),
        },
      },
    ]);
    clock += recentTweetsTtlMs + 60_000;
    const refreshed = (await openAndWait(contact.id)).then;
    expect(fakeClaude.requests.at(-1)!.status).toBe(200);
    expect(refreshed.events).toEqual([]);
    expect(await events(contact.id)).toHaveLength(2); // already on the timeline: a timeline keeps what it showed
  });

  it('a contact without a handle, one who never tweeted, and one who was suspended', async () => {
    await setUp();
    const none = await addContact(null);
    expect(await open(none.id)).toEqual({
      status: 'no_handle',
      fetchedAt: null,
      tweets: [],
      events: [],
      message: null,
    });
    expect(fakeX.requests).toHaveLength(0);

    const q = await addContact('quiet_one');
    expect((await openAndWait(q.id)).then).toMatchObject({
      status: 'fresh',
      tweets: [],
      events: [],
    });

    const g = await addContact('gone_guy');
    const { then } = await openAndWait(g.id);
    expect(then).toMatchObject({ status: 'failed', message: 'X has suspended @gone_guy.' });
    expect(await t.deps.notifications.list(userId)).toEqual([]); // one contact's problem, not the connection's
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  });

  it('expired cookies: a plain sentence, the connection expired, one notification, and no retry storm', async () => {
    await setUp();
    const contact = await addContact('alice');
    fakeX.setMode('expired');
    const { then } = await openAndWait(contact.id);
    expect(then.status).toBe('failed');
    expect(then.message).toBe(
      "Perch could not fetch @alice's recent tweets. X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.",
    );
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    const notes = await t.deps.notifications.list(userId);
    expect(notes.map((n) => n.title)).toEqual([
      'X recent tweets sync unavailable — X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.',
    ]);
    expect(
      t.logLines.some(
        (l) =>
          l.includes('"provider":"x"') &&
          l.includes('"sync":"recent_tweets"') &&
          l.includes('"errorClass":"auth"'),
      ),
    ).toBe(true);

    const sent = fakeX.requests.length;
    expect((await openAndWait(contact.id)).then.status).toBe('failed'); // shown as failed for a while, not asked again
    clock += 5 * 60_000;
    const later = (await openAndWait(contact.id)).then;
    expect(later.message).toMatch(/X no longer accepts the cookies Perch holds/); // expired: X is not asked at all
    expect(fakeX.requests).toHaveLength(sent);
    expect(await t.deps.notifications.list(userId)).toHaveLength(1);
    expect(t.responses.join('')).not.toContain(me.authToken);
    expect(t.logLines.join('')).not.toContain(me.authToken);
  });

  it('while X’s rate-limit gate is closed, says until when and sends nothing', async () => {
    await setUp();
    const contact = await addContact('alice');
    const resetAt = new Date(clock + 10 * 60_000);
    fakeX.setMode('rate_limited', { resetAt });
    expect((await openAndWait(contact.id)).then.message).toContain(
      `X asked Perch to wait until ${resetAt.toISOString().slice(11, 16)} UTC`,
    );
    fakeX.setMode('ok');
    fakeX.requests.length = 0;
    clock += 3 * 60_000;
    expect((await openAndWait(contact.id)).then).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('wait until'),
    });
    expect(fakeX.requests).toHaveLength(0);
  });

  it('answers 404 problem+json for someone else’s contact, and 401 when signed out', async () => {
    await setUp();
    const contact = await addContact('alice');
    const bob = await t.signUp('bob@example.com');
    const res = await t.request(`/api/v1/contacts/${contact.id}/recent-tweets`, {
      headers: { cookie: bob.cookie },
    });
    expect(
      await t.expectDocumented(res, 'GET /api/v1/contacts/:id/recent-tweets', 404),
    ).toMatchObject({ code: 'contact.not_found' });
    await t.expectDocumented(
      await t.request(`/api/v1/contacts/${contact.id}/recent-tweets`),
      'GET /api/v1/contacts/:id/recent-tweets',
      401,
    );
    expect(fakeX.requests).toHaveLength(0);

    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, { get?: object }>;
      components: { schemas: Record<string, { properties?: object }> };
    };
    expect(doc.paths['/contacts/{id}/recent-tweets']?.get).toBeDefined();
    expect(Object.keys(doc.components.schemas.RecentTweets!.properties!)).toEqual([
      'status',
      'fetchedAt',
      'tweets',
      'events',
      'message',
    ]);
  });

  it('runs the fetch as a pg-boss job when the queue runs', async () => {
    await setUp({ jobQueue: 'pg-boss' });
    const boss = await startPgBoss(t.deps);
    expect((await boss.getQueues()).map((q) => q.name)).toContain(recentTweetsJobs.fetch);
    const contact = await addContact('alice');
    expect((await open(contact.id)).status).toBe('fetching');
    await expect
      .poll(async () => (await open(contact.id)).status, { timeout: 20_000, interval: 250 })
      .toBe('fresh');
    expect(await events(contact.id)).toHaveLength(2);
  });
});
