import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX, type FakeXDmEvent } from './index.ts';
import { grantTokens, twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const alice = { userId: '43', screenName: 'alice', name: 'Alice' };
const bob = { userId: '1000000000000000044', screenName: 'bob', name: 'Bob' };
const carol = { userId: '45', screenName: 'carol', name: 'Carol' };
const base = 1_900_000_000_000_000_000n;
const id = (n: number) => (base + BigInt(n)).toString();
const minute = 60_000;

/** 250 messages, alternating with alice and bob, every other one sent by me; id n is n minutes old. */
function history(count = 250): FakeXDmEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const peer = i % 2 === 0 ? alice.userId : bob.userId;
    const mine = i % 4 < 2;
    return {
      id: id(i + 1),
      senderId: mine ? me.userId : peer,
      recipientId: mine ? peer : me.userId,
      text: `message ${i + 1}`,
      createdAt: new Date(Date.now() - (count - i) * minute),
    };
  });
}

let fakeX: FakeX;
let token: string;
beforeAll(async () => {
  fakeX = await startFakeX();
  for (const a of [me, alice, bob, carol]) fakeX.addAccount(a);
  fakeX.dm.addEvents(history());
  token = (await grantTokens(fakeX, { userId: me.userId })).accessToken;
});
beforeEach(() => fakeX.reset());
afterAll(() => fakeX.close());

async function get(path: string, query: Record<string, string> = {}, bearer = token) {
  const url = new URL(path, fakeX.url);
  url.search = new URLSearchParams(query).toString();
  const res = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, any>,
  };
}

describe('fake X DM lookups', () => {
  it('pages newest first with next_token until the end, and previous_token after the first page', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await get('/2/dm_events', {
        max_results: '100',
        ...(next ? { pagination_token: next } : {}),
      });
      expect(page.status).toBe(200);
      expect(page.body.meta.result_count).toBe(page.body.data.length);
      if (pages === 0) expect(page.body.meta).not.toHaveProperty('previous_token');
      else expect(page.body.meta.previous_token).toMatch(/^[0-9A-V]{16,}$/);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      next = page.body.meta.next_token;
      pages += 1;
    } while (next);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(seen[0]).toBe(id(250));
    expect(seen.every((v, i) => i === 0 || BigInt(v) < BigInt(seen[i - 1]!))).toBe(true);
    expect(
      fakeX.requests.map((r) => [r.path, r.status, r.query.pagination_token !== undefined]),
    ).toEqual([
      ['/2/dm_events', 200, false],
      ['/2/dm_events', 200, true],
      ['/2/dm_events', 200, true],
    ]);
  });

  it('keeps a page boundary in place when newer events arrive, and pages back with previous_token', async () => {
    const dave = { userId: '48', screenName: 'dave', name: 'Dave' };
    fakeX.addAccount(dave);
    fakeX.dm.addEvents(
      Array.from({ length: 30 }, (_, i) => ({
        id: id(2000 + i),
        senderId: '49',
        recipientId: dave.userId,
        text: `to dave ${i}`,
      })),
    );
    const daveToken = (await grantTokens(fakeX, { userId: dave.userId })).accessToken;
    const ids = (page: { body: Record<string, any> }) =>
      page.body.data.map((e: { id: string }) => e.id);

    const first = await get('/2/dm_events', { max_results: '10' }, daveToken);
    expect(ids(first)[0]).toBe(id(2029));
    fakeX.dm.addEvents([{ id: id(3000), senderId: '49', recipientId: dave.userId, text: 'new' }]);
    const second = await get(
      '/2/dm_events',
      { max_results: '10', pagination_token: first.body.meta.next_token },
      daveToken,
    );
    expect(ids(second)[0]).toBe(id(2019));
    const back = await get(
      '/2/dm_events',
      { max_results: '10', pagination_token: second.body.meta.previous_token },
      daveToken,
    );
    expect(ids(back)).toEqual(ids(first));
    const newest = await get(
      '/2/dm_events',
      { max_results: '10', pagination_token: back.body.meta.previous_token },
      daveToken,
    );
    expect(ids(newest)).toEqual([id(3000)]);
  });

  it('reads through twitter-api-v2 paginators', async () => {
    const client = new TwitterApi(token, twitterApiSettings(fakeX));
    const all = await client.v2.listDmEvents({
      max_results: 100,
      'dm_event.fields': ['created_at', 'sender_id', 'dm_conversation_id'],
    });
    await all.fetchLast(1000);
    expect(all.events).toHaveLength(250);
    expect(all.rateLimit).toMatchObject({ limit: 15, remaining: 12 });
    const withAlice = await client.v2.listDmEventsWithParticipant(alice.userId, {
      max_results: 50,
    });
    await withAlice.fetchLast(1000);
    expect(withAlice.events).toHaveLength(125);
    const conversation = await client.v2.listDmEventsOfConversation(
      `${me.userId}-${alice.userId}`,
      { max_results: 100 },
    );
    expect(conversation.events).toHaveLength(100);
  });

  it('returns only the fields asked for, on top of id, event_type and text', async () => {
    const plain = await get('/2/dm_events', { max_results: '1' });
    expect(plain.body.data).toEqual([
      { id: id(250), event_type: 'MessageCreate', text: 'message 250' },
    ]);

    const rich = await get('/2/dm_events', {
      max_results: '2',
      'dm_event.fields': 'created_at,sender_id,dm_conversation_id,participant_ids',
    });
    expect(Object.keys(rich.body.data[0]).sort()).toEqual([
      'created_at',
      'dm_conversation_id',
      'event_type',
      'id',
      'sender_id',
      'text',
    ]);
    // Event 250 is mine to bob, whose id is larger than mine: {low}-{high}, ordered as numbers.
    expect(rich.body.data[0]).toMatchObject({
      sender_id: me.userId,
      dm_conversation_id: `${me.userId}-${bob.userId}`,
    });
    expect(rich.body.data[1]).toMatchObject({ sender_id: me.userId });
    expect(rich.body.data[1].dm_conversation_id).toBe(`${me.userId}-${alice.userId}`);
    expect(new Date(rich.body.data[0].created_at).getTime()).toBeGreaterThan(
      Date.now() - 2 * minute,
    );

    const expanded = await get('/2/dm_events', {
      max_results: '4',
      expansions: 'sender_id',
      'user.fields': 'username,name',
    });
    expect(expanded.body.data.every((e: { sender_id?: string }) => e.sender_id)).toBe(true);
    expect(
      expanded.body.includes.users.map((u: { username: string }) => u.username).sort(),
    ).toEqual(['alice', 'bob', 'perch_me']);
  });

  it('answers the query Perch sends', async () => {
    const page = await get(`/2/dm_conversations/with/${alice.userId}/dm_events`, {
      max_results: '100',
      event_types: 'MessageCreate',
      'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id',
      expansions: 'sender_id,participant_ids',
      'user.fields': 'id,name,username',
    });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(100);
    expect(page.body.data[0]).toEqual({
      id: id(249),
      event_type: 'MessageCreate',
      text: 'message 249',
      sender_id: me.userId,
      dm_conversation_id: `${me.userId}-${alice.userId}`,
      created_at: expect.any(String),
    });
    expect(page.body.includes.users).toEqual([
      { id: me.userId, name: 'Perch Me', username: 'perch_me' },
      { id: alice.userId, name: 'Alice', username: 'alice' },
    ]);
    expect(page.body.meta).toEqual({
      result_count: 100,
      next_token: expect.stringMatching(/^[0-9A-V]{16,}$/),
    });
  });

  it('filters event types, serves group conversations and joins with participant_ids', async () => {
    const group = '1900000000000000999';
    fakeX.dm.addEvents([
      {
        id: id(300),
        eventType: 'ParticipantsJoin',
        senderId: me.userId,
        recipientId: carol.userId,
        conversationId: group,
      },
      {
        id: id(301),
        senderId: carol.userId,
        recipientId: me.userId,
        conversationId: group,
        text: 'hi all',
      },
    ]);
    const joins = await get('/2/dm_events', {
      event_types: 'ParticipantsJoin',
      'dm_event.fields': 'participant_ids,dm_conversation_id',
      expansions: 'participant_ids',
    });
    expect(joins.body.data).toEqual([
      {
        id: id(300),
        event_type: 'ParticipantsJoin',
        participant_ids: [carol.userId],
        dm_conversation_id: group,
      },
    ]);
    expect(joins.body.includes.users).toEqual([
      { id: carol.userId, name: 'Carol', username: 'carol' },
    ]);

    const inGroup = await get(`/2/dm_conversations/${group}/dm_events`);
    expect(inGroup.body.data.map((e: { id: string }) => e.id)).toEqual([id(301), id(300)]);
    // Carol sees the group, not my one-to-one conversations.
    const carolToken = (await grantTokens(fakeX, { userId: carol.userId })).accessToken;
    const hers = await get('/2/dm_events', {}, carolToken);
    expect(hers.body.meta.result_count).toBe(2);
    expect((await get('/2/dm_conversations/with/43/dm_events', {}, carolToken)).body).toEqual({
      meta: { result_count: 0 },
    });
  });

  it('serves only the last 30 days', async () => {
    fakeX.dm.addEvents([
      {
        id: id(5000),
        senderId: carol.userId,
        recipientId: '46',
        text: 'old',
        createdAt: new Date(Date.now() - 31 * 24 * 60 * minute),
      },
    ]);
    const carolToken = (await grantTokens(fakeX, { userId: carol.userId })).accessToken;
    const page = await get('/2/dm_conversations/with/46/dm_events', {}, carolToken);
    expect(page.body).toEqual({ meta: { result_count: 0 } });
  });

  it("refuses invalid parameters with X's invalid-request problem", async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      [
        '/2/dm_events',
        { max_results: '0' },
        'The `max_results` query parameter value [0] is not between 1 and 100',
      ],
      [
        '/2/dm_events',
        { max_results: '101' },
        'The `max_results` query parameter value [101] is not between 1 and 100',
      ],
      [
        '/2/dm_events',
        { 'dm_event.fields': 'id,mood' },
        'The `dm_event.fields` query parameter value [mood] is not one of',
      ],
      [
        '/2/dm_events',
        { event_types: 'MessageDelete' },
        'The `event_types` query parameter value [MessageDelete] is not one of',
      ],
      ['/2/dm_events', { next_token: 'abc' }, 'The query parameter [next_token] is not one of'],
      [
        '/2/dm_events',
        { pagination_token: 'not-a-token-at-all' },
        'The `pagination_token` query parameter value [not-a-token-at-all]',
      ],
      [
        '/2/dm_conversations/with/alice/dm_events',
        {},
        'The `participant_id` path parameter value [alice] does not match',
      ],
    ];
    for (const [path, query, message] of cases) {
      const res = await get(path, query);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
      expect(res.body.errors[0].message).toContain(message);
    }
  });

  it('counts each endpoint against a per-user budget and answers 429 when it is spent', async () => {
    const first = await get('/2/dm_events', { max_results: '1' });
    expect(first.headers.get('x-rate-limit-limit')).toBe('15');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('14');
    const reset = Number(first.headers.get('x-rate-limit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.now() + 14 * minute);
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 15 * minute + 1000);
    for (let i = 0; i < 14; i++) await get('/2/dm_events', { max_results: '1' });

    const refused = await get('/2/dm_events', { max_results: '1' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toEqual({
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    });
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-rate-limit-reset'))).toBe(reset);
    // Another endpoint, and another user, have budgets of their own.
    expect((await get('/2/dm_conversations/with/43/dm_events')).status).toBe(200);
    const carolToken = (await grantTokens(fakeX, { userId: carol.userId })).accessToken;
    expect((await get('/2/dm_events', {}, carolToken)).status).toBe(200);

    fakeX.reset();
    expect(
      (await get('/2/dm_events', { max_results: '1' })).headers.get('x-rate-limit-remaining'),
    ).toBe('14');
    fakeX.dm.setBudget({ limit: 2, windowSeconds: 60 });
    expect((await get('/2/dm_events')).headers.get('x-rate-limit-remaining')).toBe('1');
    expect((await get('/2/dm_events')).status).toBe(200);
    expect((await get('/2/dm_events')).status).toBe(429);
    expect(fakeX.requests.filter((r) => r.path === '/2/dm_events').map((r) => r.status)).toEqual([
      200, 200, 200, 429,
    ]);
  });

  it('wants a live token with dm.read', async () => {
    const none = await get('/2/dm_events', {}, 'not-a-token');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      title: 'Unauthorized',
      type: 'about:blank',
      status: 401,
      detail: 'Unauthorized',
    });
    expect(none.headers.get('x-rate-limit-limit')).toBeNull();
    const noDm = (
      await grantTokens(fakeX, { userId: me.userId, scopes: ['tweet.read', 'users.read'] })
    ).accessToken;
    const forbidden = await get('/2/dm_events', {}, noDm);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      title: 'Forbidden',
      type: 'about:blank',
      status: 403,
      detail: 'Forbidden',
    });
  });

  it('answers rate_limited and server_error modes in API v2 form', async () => {
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    fakeX.setMode('rate_limited', { resetAt, afterRequests: 1 });
    expect((await get('/2/dm_events')).status).toBe(200);
    const limited = await get('/2/dm_events');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-limit')).toBe('15');
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBe(resetAt.getTime() / 1000);
    fakeX.setMode('server_error');
    const down = await get('/2/users/me');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ type: 'about:blank', status: 503 });
  });

  it('answers an app X will not serve: client_forbidden, usage_capped and credits_depleted, on every API v2 lookup', async () => {
    fakeX.setMode('client_forbidden');
    const forbidden = await get('/2/dm_events');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toBe('application/problem+json');
    expect(forbidden.body).toEqual({
      client_id: expect.stringMatching(/^\d{8}$/),
      detail:
        'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
      registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
      title: 'Client Forbidden',
      required_enrollment: 'Appropriate Level of API Access',
      reason: 'client-not-enrolled',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
    });
    expect(forbidden.headers.get('x-rate-limit-limit')).toBeNull();
    expect((await get('/2/users/me')).status).toBe(403);
    // OAuth still answers, and a bad token is still a 401 first
    expect((await grantTokens(fakeX, { userId: carol.userId })).accessToken).toBeTruthy();
    expect((await get('/2/dm_events', {}, 'not-a-token')).status).toBe(401);

    fakeX.setMode('usage_capped');
    const capped = await get(`/2/dm_conversations/with/${alice.userId}/dm_events`);
    expect(capped.status).toBe(429);
    expect(capped.headers.get('content-type')).toBe('application/problem+json');
    expect(capped.body).toEqual({
      account_id: expect.any(Number),
      product_name: 'standard-basic',
      title: 'UsageCapExceeded',
      period: 'Monthly',
      scope: 'Product',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
    });
    // the budget's 15-minute window, which says nothing about when the cap ends
    expect(capped.headers.get('x-rate-limit-remaining')).toBe('14');
    expect(Number(capped.headers.get('x-rate-limit-reset')) * 1000).toBeLessThanOrEqual(
      Date.now() + 15 * minute + 1000,
    );

    fakeX.setMode('credits_depleted');
    const spent = await get('/2/dm_events');
    expect(spent.status).toBe(402);
    expect(spent.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(spent.body).toEqual({
      title: 'CreditsDepleted',
      detail: expect.stringMatching(
        /^Your enrolled account \[1\d{18}\] does not have any credits to fulfill this request\.$/,
      ),
      type: 'https://api.twitter.com/2/problems/credits',
    });
    expect(spent.headers.get('x-rate-limit-limit')).toBe('15');
    expect((await get('/2/users', { ids: alice.userId })).status).toBe(402);
    expect(fakeX.openApiViolations).toEqual([]);
  });

  it("dm_fields_as_documented: sender_id as a field is an invalid request, as X's document has it; the expansion still brings it", async () => {
    fakeX.setMode('dm_fields_as_documented');
    const refused = await get('/2/dm_events', {
      'dm_event.fields': 'id,text,sender_id',
      expansions: 'sender_id',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        parameters: { 'dm_event.fields': ['id,text,sender_id'] },
        message:
          'The `dm_event.fields` query parameter value [sender_id] is not one of [attachments,created_at,dm_conversation_id,entities,event_type,id,text]',
      },
    ]);
    const page = await get(`/2/dm_conversations/with/${alice.userId}/dm_events`, {
      max_results: '1',
      'dm_event.fields': 'id,text,dm_conversation_id',
      expansions: 'sender_id',
    });
    expect(page.status).toBe(200);
    expect(page.body.data[0]).toMatchObject({ id: id(249), sender_id: me.userId });
  });

  it('omitSenderId: the event comes without sender_id, its sender only in includes.users', async () => {
    fakeX.dm.addEvents([
      {
        id: id(400),
        senderId: carol.userId,
        recipientId: '46',
        text: 'no sender',
        omitSenderId: true,
      },
    ]);
    const carolToken = (await grantTokens(fakeX, { userId: carol.userId })).accessToken;
    const page = await get(
      '/2/dm_conversations/with/46/dm_events',
      { 'dm_event.fields': 'id,text,sender_id,dm_conversation_id', expansions: 'sender_id' },
      carolToken,
    );
    expect(page.body.data).toEqual([
      {
        id: id(400),
        event_type: 'MessageCreate',
        text: 'no sender',
        dm_conversation_id: `${carol.userId}-46`,
      },
    ]);
    expect(page.body.includes.users.map((u: { id: string }) => u.id)).toEqual([carol.userId]);
  });

  it('looks users up by id, with partial errors for the ones X cannot show', async () => {
    fakeX.addAccount({ userId: '5', screenName: 'gone', name: 'Gone', suspended: true });
    const res = await get('/2/users', {
      ids: `${alice.userId},99,5`,
      'user.fields': 'description,profile_image_url',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        id: alice.userId,
        name: 'Alice',
        username: 'alice',
        description: '',
        profile_image_url: expect.stringMatching(/^https:\/\//),
      },
    ]);
    expect(
      res.body.errors.map((e: { resource_id: string; title: string }) => [e.resource_id, e.title]),
    ).toEqual([
      ['99', 'Not Found Error'],
      ['5', 'Forbidden'],
    ]);
    expect(res.headers.get('x-rate-limit-limit')).toBe('900');
    expect((await get('/2/users', { ids: 'alice' })).status).toBe(400);
  });
});
