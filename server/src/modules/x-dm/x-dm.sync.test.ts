/**
 * DM sync against the fake X through the real twitter-api-v2: paging newest-first to the cursor, the idle run,
 * the budget running out mid-pass and the pass going on later, per-contact sync.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { XDmSyncResult } from '@perch/shared';
import {
  startFakeX,
  type FakeX,
  type FakeXDmEvent,
  type FakeXMode,
} from '../../../../test/fake-x/index.ts';
import {
  interactions as interactionsTable,
  unknownAuthors,
} from '../interactions/interactions.table.ts';
import { connectDm, createDmTestApp, type TestApp } from '../../test-utils/x-dm.ts';
import { xDmConnections } from './x-dm.table.ts';
import { peerOf } from './x-dm.sync.ts';

const me = { userId: '6300', screenName: 'perch_inbox', name: 'Perch Inbox' };
const alice = { userId: '6301', screenName: 'alice_dm', name: 'Alice' };
const bob = { userId: '6302', screenName: 'bob_dm', name: 'Bob' };
const stranger = { userId: '6303', screenName: 'stranger_dm', name: 'Stranger' };
const quiet = { userId: '6304', screenName: 'quiet_dm', name: 'Quiet' }; // only ever written to, never writes back
const peers = [alice, bob, stranger, quiet];

let fakeX: FakeX;
let t: TestApp;
let clock: Date;
let userId: string;
let cookie: string;
let nextId = 1900000000000000000n;

/** `n` new events, newest last, round-robin over the four peers. */
function newEvents(n: number): FakeXDmEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const peer = peers[i % peers.length]!;
    const fromMe = peer === quiet || (peer !== stranger && Math.floor(i / peers.length) % 2 === 0);
    const id = String(++nextId);
    return {
      id,
      senderId: fromMe ? me.userId : peer.userId,
      recipientId: fromMe ? peer.userId : me.userId,
      text: `message ${id}`,
    };
  });
}

// A fresh X per test: X keeps DM events, and each test tells its own inbox's story.
beforeEach(async () => {
  fakeX = await startFakeX();
  for (const account of [me, ...peers]) fakeX.addAccount(account);
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterEach(async () => {
  await t?.close();
  t = undefined!; // a test that builds none must not close the last one again
  await fakeX.close();
});

/** Connected (its first sync done while the inbox was empty), then `history` arrives at X. */
async function connectedWith(history: FakeXDmEvent[]) {
  clock = new Date();
  t = await createDmTestApp(fakeX, { overrides: { now: () => clock } });
  ({
    cookie,
    user: { id: userId },
  } = await t.signUp());
  await t.deps.contacts.create(userId, {
    name: 'Alice',
    xHandle: 'alice_dm',
    xUserId: alice.userId,
    notes: '',
  });
  await t.deps.contacts.create(userId, { name: 'Bob', xHandle: 'bob_dm', notes: '' }); // X id not looked up yet
  expect(await connectDm(t, cookie)).toBe('/settings?x_dm=connected');
  await expect
    .poll(async () => (await t.deps.xDm.status(userId)).lastSync?.status, { timeout: 10_000 })
    .toBe('finished');
  fakeX.dm.addEvents(history);
  fakeX.reset(); // fresh budgets, no requests
}
const dmRequests = () => fakeX.requests.filter((r) => r.path.startsWith('/2/dm_'));
const storedIds = async () =>
  [
    ...(await t.deps.db.select({ xId: interactionsTable.xId }).from(interactionsTable)),
    ...(await t.deps.db.select({ xId: unknownAuthors.xId }).from(unknownAuthors)),
  ].map((r) => r.xId);
const row = async () => (await t.deps.db.select().from(xDmConnections))[0]!;

describe('DM sync', () => {
  it('first sync pages newest-first through the history, puts DMs on contacts and keeps strangers; then idle costs one request', async () => {
    const history = newEvents(250);
    await connectedWith(history);
    const first = await t.deps.xDmSync.syncAll(userId);
    expect(first).toMatchObject({
      status: 'finished',
      requests: 3,
      imported: 126,
      unknown: 124,
      resumeAt: null,
      error: null,
    });
    expect(dmRequests().map((r) => r.path)).toEqual([
      '/2/dm_events',
      '/2/dm_events',
      '/2/dm_events',
    ]);
    expect(dmRequests().every((r) => r.status === 200)).toBe(true);
    // the handles of strangers only ever written to come from one user lookup per page that has them
    expect(fakeX.requests.filter((r) => r.path === '/2/users').length).toBeLessThanOrEqual(3);
    expect(new Set(await storedIds())).toEqual(new Set(history.map((e) => e.id)));
    expect((await row()).twitterDmCursor).toBe(history.at(-1)!.id);
    expect((await row()).dmPassToken).toBeNull();

    const [aliceContact] = (await t.deps.contacts.list(userId)).filter((c) => c.name === 'Alice');
    const timeline = await t.deps.interactions.timeline(userId, aliceContact!.id);
    expect(timeline).toHaveLength(63);
    expect(new Set(timeline.map((i) => i.kind))).toEqual(new Set(['dm']));
    expect(new Set(timeline.map((i) => i.direction))).toEqual(new Set(['inbound', 'outbound']));
    expect(new Set(timeline.map((i) => i.data?.dmConversationId))).toEqual(
      new Set([`${me.userId}-${alice.userId}`]),
    );
    const bobTimeline = await t.deps.interactions.timeline(
      userId,
      (await t.deps.contacts.list(userId)).find((c) => c.name === 'Bob')!.id,
    );
    expect(bobTimeline).toHaveLength(63); // matched by handle, from X's expanded sender
    const unknown = await t.deps.interactions.listUnknownAuthors(userId);
    // only what they wrote counts: quiet_dm never wrote back, so only the user's own DMs wait under that name
    expect(unknown.map((a) => a.xHandle)).toEqual(['stranger_dm']);

    fakeX.requests.length = 0;
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'finished',
      requests: 1,
      imported: 0,
      unknown: 0,
    });
    expect(fakeX.requests.map((r) => r.path)).toEqual(['/2/dm_events']);

    fakeX.requests.length = 0;
    const five = newEvents(5);
    fakeX.dm.addEvents(five);
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'finished',
      requests: 1,
      imported: 3,
      unknown: 2,
    });
    expect((await row()).twitterDmCursor).toBe(five.at(-1)!.id);
    expect(await t.deps.xDm.status(userId)).toMatchObject({
      lastSync: { status: 'finished', requests: 1 },
      lastSyncAt: clock.toISOString(),
    });
  });

  it('the budget running out mid-pass: stops before X would refuse, goes on later from where it stopped, nothing lost or twice', async () => {
    const history = newEvents(450);
    await connectedWith(history);
    fakeX.dm.setBudget({ limit: 3, windowSeconds: 900 });
    const first = await t.deps.xDmSync.syncAll(userId);
    expect(first).toMatchObject({ status: 'paused', requests: 3 });
    expect(first.imported + first.unknown).toBe(300);
    expect(dmRequests().map((r) => r.status)).toEqual([200, 200, 200]); // X never had to say 429
    const paused = await row();
    expect(paused.dmPassToken).toBeTruthy();
    expect(paused.dmPassNewestId).toBe(history.at(-1)!.id);
    expect(paused.twitterDmCursor).toBeNull(); // the cursor moves only when the pass is over
    const resumeAt = new Date(first.resumeAt!);
    expect(resumeAt.getTime()).toBeGreaterThan(clock.getTime());

    // before X's window ends: not one request
    fakeX.requests.length = 0;
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'paused',
      requests: 0,
      resumeAt: first.resumeAt,
    });
    expect(fakeX.requests).toEqual([]);

    // meanwhile new DMs arrive at the top; then the window ends
    const meanwhile = newEvents(4);
    fakeX.dm.addEvents(meanwhile);
    fakeX.reset();
    fakeX.dm.setBudget({ limit: 3, windowSeconds: 900 });
    clock = new Date(resumeAt.getTime() + 1000);
    const second = await t.deps.xDmSync.syncAll(userId);
    expect(second).toMatchObject({ status: 'finished', requests: 2 });
    expect(first.imported + first.unknown + second.imported + second.unknown).toBe(450);
    expect((await row()).twitterDmCursor).toBe(history.at(-1)!.id);
    // the DMs that came in meanwhile are newer than that pass: the next one takes them, in one request
    const third = await t.deps.xDmSync.syncAll(userId);
    expect(third).toMatchObject({ status: 'finished', requests: 1 });
    expect(third.imported + third.unknown).toBe(4);
    const ids = await storedIds();
    expect(ids).toHaveLength(454);
    expect(new Set(ids)).toEqual(new Set([...history, ...meanwhile].map((e) => e.id)));
  });

  it('learns the budget from X’s headers and stops at its end, without a 429', async () => {
    await connectedWith(newEvents(500));
    fakeX.dm.setBudget({ limit: 2, windowSeconds: 900 });
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({ status: 'paused', requests: 2 });
    expect(dmRequests().map((r) => r.status)).toEqual([200, 200]);
  });

  it('X forgot the pagination token of a paused pass: the pass starts over, and imports stay single', async () => {
    const history = newEvents(150);
    await connectedWith(history);
    await t.deps.db
      .update(xDmConnections)
      .set({ dmPassToken: 'not-a-token-x-knows', dmPassNewestId: history[10]!.id });
    const result = await t.deps.xDmSync.syncAll(userId);
    expect(result).toMatchObject({ status: 'finished', requests: 3 });
    expect(dmRequests().map((r) => r.status)).toEqual([400, 200, 200]);
    expect(new Set(await storedIds())).toEqual(new Set(history.map((e) => e.id)));
    expect((await row()).twitterDmCursor).toBe(history.at(-1)!.id);
  });
});

describe('whose a DM is: sender_id', () => {
  it('asks X for sender_id as a dm_event field and as an expansion', async () => {
    await connectedWith(newEvents(3));
    await t.deps.xDmSync.syncAll(userId);
    const [query] = dmRequests().map((r) => r.query);
    expect(query!['dm_event.fields']!.split(',')).toContain('sender_id');
    expect(query!.expansions!.split(',')).toContain('sender_id');
  });

  it('X refusing sender_id as a field, as its document 2.167 has it: one 400, then the expansion alone, from then on', async () => {
    const history = newEvents(150);
    await connectedWith(history);
    fakeX.setMode('dm_fields_as_documented');
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'finished',
      imported: 76,
      unknown: 74,
      requests: 3,
    });
    expect(dmRequests().map((r) => r.status)).toEqual([400, 200, 200]);
    expect(
      dmRequests()
        .slice(1)
        .every(
          (r) =>
            !r.query['dm_event.fields']!.includes('sender_id') &&
            r.query.expansions!.includes('sender_id'),
        ),
    ).toBe(true);
    fakeX.dm.addEvents(newEvents(2));
    fakeX.requests.length = 0;
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({ status: 'finished', requests: 1 });
    expect(dmRequests().map((r) => r.status)).toEqual([200]);
  });

  it('an event X sends without sender_id still lands on the right contact; one whose sender X does not tell is counted and logged, never dropped silently', async () => {
    await connectedWith([]);
    const id = () => String(++nextId);
    // No message of mine on the page: the senders X expands are Alice and the stranger, so these two are theirs.
    const fromAlice = {
      id: id(),
      senderId: alice.userId,
      recipientId: me.userId,
      text: 'no sender_id on me',
      omitSenderId: true,
    };
    const fromStranger = {
      id: id(),
      senderId: stranger.userId,
      recipientId: me.userId,
      text: 'nor on me',
      omitSenderId: true,
    };
    fakeX.dm.addEvents([fromAlice, fromStranger]);
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'finished',
      imported: 1,
      unknown: 1,
      unplaced: 0,
    });
    const alices = (await t.deps.contacts.list(userId)).find((c) => c.name === 'Alice')!;
    expect(
      (await t.deps.interactions.timeline(userId, alices.id)).map((i) => [
        i.xId,
        i.direction,
        i.data?.senderId,
      ]),
    ).toEqual([[fromAlice.id, 'inbound', alice.userId]]);
    expect(
      (await t.deps.interactions.listUnknownAuthors(userId)).map((a) => [a.xHandle, a.itemCount]),
    ).toEqual([['stranger_dm', 1]]);

    // I write to Alice and she answers, X naming neither sender: the page says both of us wrote, not which wrote which.
    const mine = { id: id(), senderId: me.userId, recipientId: alice.userId, text: 'mine, named' };
    const hers = {
      id: id(),
      senderId: alice.userId,
      recipientId: me.userId,
      text: 'a secret reply',
      omitSenderId: true,
    };
    fakeX.dm.addEvents([mine, hers]);
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
      status: 'finished',
      imported: 1,
      unplaced: 1,
    });
    const warnings = t.logLines.filter((l) => l.includes(hers.id));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({
      level: 40,
      eventId: hers.id,
      missing: 'sender_id',
    });
    expect(warnings[0]).not.toContain('a secret reply');
    expect((await row()).twitterDmCursor).toBe(hers.id);
  });
});

describe('X refusing the app (API v2): client-forbidden, usage-capped, spent credits', () => {
  const refusals: Array<{ mode: FakeXMode; status: number; sentence: string }> = [
    {
      mode: 'client_forbidden',
      status: 403,
      sentence:
        'Your X app is not attached to a Project in X’s developer portal, so X refuses direct-message lookups. Attach it, then click Sync DMs now.',
    },
    {
      mode: 'usage_capped',
      status: 429,
      sentence:
        'Your X app has used its monthly X API allowance; Perch tries again once a day, so DM sync resumes by itself when X resets it (or raise the plan in X’s developer portal, then click Sync DMs now).',
    },
    {
      mode: 'credits_depleted',
      status: 402,
      sentence:
        'Your X app’s prepaid X API credits are spent; add credits in X’s developer portal, then click Sync DMs now.',
    },
  ];

  it.each(refusals)(
    '$mode ($status): its own sentence, the grant left alone, no retry in 15 minutes, one notification a day',
    async ({ mode, status, sentence }) => {
      const history = newEvents(150);
      await connectedWith(history);
      // a pass that stopped early, to go on from: X refusing the app is not X forgetting its token
      await t.deps.db
        .update(xDmConnections)
        .set({ dmPassToken: 'TOKENOFAPAUSEDPASS', dmPassNewestId: history.at(-1)!.id });
      fakeX.setMode(mode);
      const first = await t.deps.xDmSync.syncAll(userId);
      expect(first).toMatchObject({
        status: 'failed',
        error: sentence,
        resumeAt: null,
        requests: 1,
        imported: 0,
      });
      expect(dmRequests().map((r) => r.status)).toEqual([status]);
      // not "reconnect": the grant is fine, so no refresh, no expiry, no reconnect notification
      expect(fakeX.oauth.tokenRequests).toEqual([]);
      expect(await t.deps.xDm.status(userId)).toMatchObject({
        state: 'connected',
        lastSync: { status: 'failed', error: sentence, resumeAt: null },
      });
      expect((await row()).dmPassToken).toBe('TOKENOFAPAUSEDPASS');
      // the contact page says the same
      const alices = (await t.deps.contacts.list(userId)).find((c) => c.name === 'Alice')!;
      const perContact = (await (
        await t.request(`/api/v1/x-dm/contacts/${alices.id}/sync`, {
          method: 'POST',
          headers: { cookie },
        })
      ).json()) as { result: XDmSyncResult };
      expect(perContact.result).toMatchObject({
        status: 'failed',
        error: sentence,
        resumeAt: null,
      });

      // again the same day: one notification for the class
      expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
        status: 'failed',
        error: sentence,
      });
      const notes = async () =>
        (await t.deps.notifications.list(userId)).map((n) => [n.kind, n.title]);
      expect(await notes()).toEqual([['sync_failed', `X DM sync unavailable — ${sentence}`]]);
      clock = new Date(clock.getTime() + 24 * 60 * 60_000);
      await t.deps.xDmSync.syncAll(userId);
      expect(await notes()).toHaveLength(2);
      expect((await t.deps.notifications.list(userId)).some((n) => n.kind === 'x_dm_expired')).toBe(
        false,
      );

      // X serves the app again: the next sync goes on and takes everything
      fakeX.setMode('ok');
      expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({
        status: 'finished',
        error: null,
      });
      expect(new Set(await storedIds())).toEqual(new Set(history.map((e) => e.id)));
    },
  );
});

describe('per-contact sync', () => {
  it('reads one conversation from the contact page, and says when the contact has no known X account', async () => {
    await connectedWith(newEvents(40));
    const alices = (await t.deps.contacts.list(userId)).find((c) => c.name === 'Alice')!;
    const res = await t.request(`/api/v1/x-dm/contacts/${alices.id}/sync`, {
      method: 'POST',
      headers: { cookie },
    });
    const { result } = await t.expectDocumented<{ result: XDmSyncResult }>(
      res,
      'POST /api/v1/x-dm/contacts/:contactId/sync',
      200,
    );
    expect(result).toMatchObject({ status: 'finished', imported: 10, unknown: 0, requests: 1 });
    expect(dmRequests().map((r) => r.path)).toEqual([
      `/2/dm_conversations/with/${alice.userId}/dm_events`,
    ]);
    expect(await t.deps.interactions.timeline(userId, alices.id)).toHaveLength(10);
    // again: nothing new, still one request; the full sync later stores nothing twice
    const again = (await (
      await t.request(`/api/v1/x-dm/contacts/${alices.id}/sync`, {
        method: 'POST',
        headers: { cookie },
      })
    ).json()) as { result: XDmSyncResult };
    expect(again.result).toMatchObject({ imported: 0, requests: 1 });
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({ imported: 10, unknown: 20 });

    const bobs = (await t.deps.contacts.list(userId)).find((c) => c.name === 'Bob')!;
    const noId = await t.request(`/api/v1/x-dm/contacts/${bobs.id}/sync`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(
      await t.expectDocumented(noId, 'POST /api/v1/x-dm/contacts/:contactId/sync', 409),
    ).toMatchObject({
      code: 'x_dm.contact_without_x_id',
      detail: expect.stringMatching(/^Perch does not know Bob’s X account yet/),
    });
  });
});

describe('peerOf', () => {
  const event = (over: Partial<Parameters<typeof peerOf>[0]>) => ({
    id: '1',
    text: '',
    senderId: '10',
    conversationId: '10-20',
    participantIds: null,
    createdAt: null,
    ...over,
  });
  it('reads the peer from participant_ids, else from {low}-{high}, else (a group) the sender', () => {
    expect(peerOf(event({ participantIds: ['10', '20'] }), '10')).toBe('20');
    expect(peerOf(event({ senderId: '20' }), '10')).toBe('20');
    expect(peerOf(event({ conversationId: '9-10' }), '10')).toBe('9');
    expect(peerOf(event({ conversationId: '10-10' }), '10')).toBeNull();
    expect(peerOf(event({ conversationId: '1580000000000000000', senderId: '30' }), '10')).toBe(
      '30',
    );
    expect(
      peerOf(event({ conversationId: '1580000000000000000', senderId: '10' }), '10'),
    ).toBeNull();
  });
});
