/**
 * Whole runs against the fake X through the real bird code: paging past X's page size, cookies dying in the
 * middle of a run, and a handle edit refreshed through the job queue.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { connectedToFakeX, requestsFor, type SyncTestApp } from './x-sync.test-utils.ts';

const me = {
  authToken: 'runsauth0token0a1b2c3d4e5f60718293a4b5c6d7',
  ct0: 'runsct0value0aaaabbbbccccddddeeeeff',
  userId: '7000',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const fan = { userId: '7001', screenName: 'fan', name: 'Fan', bio: 'Big fan' };
const bob = { userId: '7002', screenName: 'bob', name: 'Bob', bio: 'Bob things' };
const carol = { userId: '7003', screenName: 'carol', name: 'Carol', bio: 'Carol things' };
const newbie = {
  userId: '7004',
  screenName: 'fan_new',
  name: 'Fan (new account)',
  bio: 'A fresh start',
};
// snowflake-sized ids, past Number's 2^53
const id = (n: number) => String(1_900_000_000_000_000_000n + BigInt(n));
const mention = (n: number) => ({ id: id(n), by: 'fan', text: `@perch_me hello #${n}` });

let fakeX: FakeX;
let t: SyncTestApp;
let userId: string;
let cookie: string;

// a fresh X per test: tweets stay on the fake's timeline
beforeEach(async () => {
  fakeX = await startFakeX();
});
afterEach(async () => {
  await t.close();
  await fakeX.close();
});

async function setUp(options: { handleRefresh?: boolean } = {}) {
  ({ t, userId, cookie } = await connectedToFakeX(fakeX, me, [fan, bob, carol, newbie], options));
}
const addContact = async (xHandle: string) =>
  (await t.deps.contacts.create(userId, { name: '', xHandle, notes: '' })).contact;
const mentionsOn = async (contactId: string) =>
  (await t.deps.interactions.timeline(userId, contactId))
    .filter((i) => i.kind === 'mention_in')
    .map((i) => i.xId);

describe('mention sync paging', () => {
  it('a first run over several pages imports everything it read; the next run after new mentions costs one request', async () => {
    await setUp();
    const contact = await addContact('fan');
    fakeX.addTweets(Array.from({ length: 45 }, (_, i) => mention(i + 1)));

    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: true,
      imported: 45,
      unknown: 0,
    });
    const pages = requestsFor(fakeX, 'SearchTimeline');
    // X's page size is 20: 20 + 20 + 5, then an empty page after the last bottom cursor, as X ends a timeline
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    expect(pages[0]!.variables.cursor).toBeUndefined();
    expect(new Set(pages.slice(1).map((p) => p.variables.cursor)).size).toBe(3);
    expect((await mentionsOn(contact.id)).sort()).toEqual(
      Array.from({ length: 45 }, (_, i) => id(i + 1)).sort(),
    );
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(45));

    fakeX.addTweets([mention(46), mention(47), mention(48)]);
    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({ ok: true, imported: 3 });
    expect(fakeX.requests.map((r) => r.operation)).toEqual(['SearchTimeline']);
    expect(await mentionsOn(contact.id)).toHaveLength(48);
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(48));
  });
});

describe('cookies expiring in the middle of a run', () => {
  it('while paging mentions: state expired, one notification, cursors and timelines untouched', async () => {
    await setUp();
    const contact = await addContact('fan');
    fakeX.addTweets([
      mention(1),
      {
        id: id(2),
        by: 'perch_me',
        text: '@fan thanks',
        inReplyTo: { id: id(1), screenName: 'fan' },
      },
    ]);
    expect(await t.deps.xSyncRunner.run(userId)).toMatchObject({ status: 'finished' });
    const before = await t.deps.xSyncState.get(userId);
    expect(before).toMatchObject({ mentionsCursor: id(1), repliesCursor: id(2) });

    fakeX.addTweets(Array.from({ length: 30 }, (_, i) => mention(100 + i)));
    fakeX.requests.length = 0;
    fakeX.setMode('expired', { afterRequests: 1 }); // the first page comes back, the second is a 401
    const run = await t.deps.xSyncRunner.run(userId);
    // the 401 is confirmed by one look at x.com's settings page (cookies, no bearer) before Perch says "expired"
    expect(fakeX.requests.map((r) => `${r.operation ?? r.path} ${r.status}`)).toEqual([
      'SearchTimeline 200',
      'SearchTimeline 401',
      '/settings/account 401',
    ]);
    expect(run).toMatchObject({
      status: 'failed',
      outcomes: [{ sync: 'mentions', ok: false, errorClass: 'auth' }],
    });
    expect(run.error).toBe(
      'The mention sync stopped: X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.',
    );
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    expect(await t.deps.xSyncState.get(userId)).toMatchObject({
      mentionsCursor: before!.mentionsCursor,
      repliesCursor: before!.repliesCursor,
    });
    // the page X did answer is stored; the cursor waits until the pass has come all the way down
    expect(await mentionsOn(contact.id)).toHaveLength(21);
    expect((await t.deps.xSyncState.get(userId))?.mentionsPass).toMatchObject({
      next: expect.any(String),
      pages: 1,
    });

    // the next run (the daily one, a Sync now) does not ask X with cookies it knows are dead
    fakeX.requests.length = 0;
    expect(await t.deps.xSyncRunner.run(userId)).toMatchObject({
      status: 'finished',
      error: 'X is not connected, so there was nothing to sync.',
    });
    expect(fakeX.requests).toHaveLength(0);
    const notes = (await t.deps.notifications.list(userId)).filter((n) => n.kind === 'sync_failed');
    expect(notes.map((n) => n.title)).toEqual([
      'X mention sync unavailable — X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.',
    ]);
  });

  it('between two contacts’ profiles: the ones read are stored, the run stops with one notification', async () => {
    await setUp();
    for (const handle of ['bob', 'carol', 'fan']) await addContact(handle);
    fakeX.setMode('expired', { afterRequests: 3 }); // mentions, replies, bob's profile; then 401s
    const run = await t.deps.xSyncRunner.run(userId);
    expect(run).toMatchObject({ status: 'failed', contactsDone: 1, contactsTotal: 3 });
    expect(run.outcomes.map((o) => [o.sync, o.ok])).toEqual([
      ['mentions', true],
      ['replies', true],
      ['bios', false],
    ]);
    // bird tries its other query ids after the 401; nobody after carol is asked
    const lookups = requestsFor(fakeX, 'UserByScreenName').map(
      (r) => `${r.variables.screen_name} ${r.status}`,
    );
    expect(lookups[0]).toBe('bob 200');
    expect(new Set(lookups.slice(1))).toEqual(new Set(['carol 401']));
    const bios = (await t.deps.contacts.list(userId)).map((c) => [c.xHandle, c.bio]);
    expect(bios).toEqual([
      ['bob', 'Bob things'],
      ['carol', null],
      ['fan', null],
    ]);
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    expect((await t.deps.notifications.list(userId)).map((n) => n.title)).toEqual([
      expect.stringMatching(/^X bio sync unavailable — X no longer accepts your cookies/),
    ]);
  });
});

describe('a handle edit', () => {
  it('clears the old account’s id and bio and refreshes that contact alone through the job queue, silently', async () => {
    await setUp({ handleRefresh: true });
    await t.deps.startJobs();
    const other = await addContact('bob');
    const res = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'Fan', xHandle: 'fan' },
    });
    const contact = (await res.json()) as { id: string };
    // creating a contact with a handle refreshes it through the queue too
    await expect
      .poll(async () => (await t.deps.contacts.get(userId, contact.id)).bio, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('Big fan');
    await expect
      .poll(async () => (await t.deps.contacts.get(userId, other.id)).bio, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('Bob things');
    await expect
      .poll(async () => (await t.deps.contacts.get(userId, contact.id)).avatarPath, {
        timeout: 15_000,
        interval: 100,
      })
      .not.toBeNull();

    fakeX.requests.length = 0;
    const patched = await t.request(`/api/v1/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: { cookie },
      json: { xHandle: '@fan_new' },
    });
    expect(await patched.json()).toMatchObject({
      xHandle: 'fan_new',
      xUserId: null,
      bio: null,
      avatarPath: null,
    });

    await expect
      .poll(async () => (await t.deps.contacts.get(userId, contact.id)).bio, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('A fresh start');
    await expect
      .poll(async () => (await t.deps.contacts.get(userId, contact.id)).avatarPath, {
        timeout: 15_000,
        interval: 100,
      })
      .not.toBeNull();
    expect(await t.deps.contacts.get(userId, contact.id)).toMatchObject({
      xUserId: newbie.userId,
      name: 'Fan',
    });
    expect(requestsFor(fakeX, 'UserByScreenName').map((r) => r.variables.screen_name)).toEqual([
      'fan_new',
    ]);
    expect(requestsFor(fakeX, '/profile_images/').map((r) => r.path)).toEqual([
      `/profile_images/${newbie.userId}/avatar_normal.png`,
    ]);
    expect(requestsFor(fakeX, 'SearchTimeline')).toHaveLength(0);
    // the new account's first bio is not a change of the old one's
    expect(await t.deps.notifications.list(userId)).toEqual([]);
    expect(
      (await t.deps.interactions.timeline(userId, contact.id)).filter(
        (i) => i.kind === 'bio_change',
      ),
    ).toEqual([]);
  });
});
