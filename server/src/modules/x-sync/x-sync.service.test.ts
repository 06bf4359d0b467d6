/**
 * The syncs, end to end inside the server: the real bird code (through Perch's port) against test/fake-x.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { connectedToFakeX, requestsFor, type SyncTestApp } from './x-sync.test-utils.ts';

const me = {
  authToken: 'syncauth0token0a1b2c3d4e5f60718293a4b5c6d',
  ct0: 'syncct0value0aaaabbbbccccddddeeee',
  userId: '5000',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const alice = { userId: '5001', screenName: 'alice', name: 'Alice', bio: 'Building things' };
const stranger = { userId: '5002', screenName: 'stranger', name: 'Stranger' };
const quiet = { userId: '5003', screenName: 'quiet_one', name: 'Quiet', bio: 'Never tweets' };
const gone = { userId: '5004', screenName: 'gone_guy', name: 'Gone', suspended: true };

let fakeX: FakeX;
let t: SyncTestApp;
let userId: string;
let cookie: string;

beforeAll(async () => {
  fakeX = await startFakeX();
});
afterAll(() => fakeX.close());
afterEach(() => t.close());

async function setUp() {
  ({ t, userId, cookie } = await connectedToFakeX(fakeX, me, [alice, stranger, quiet, gone]));
}

const addContact = (name: string, xHandle: string) =>
  t.deps.contacts.create(userId, { name, xHandle, notes: '' });
const timelineKinds = async (contactId: string) =>
  (await t.deps.interactions.timeline(userId, contactId)).map((i) => `${i.kind}:${i.xId}`);

describe('mention sync', () => {
  it('imports mentions onto contacts, keeps strangers for later, and costs one request when nothing is new', async () => {
    await setUp();
    const { contact } = await addContact('Alice', 'alice');
    fakeX.addTweets([
      { id: '1900000000000000001', by: 'alice', text: 'hello @perch_me' },
      { id: '1900000000000000002', by: 'stranger', text: '@perch_me who are you' },
      { id: '1900000000000000003', by: 'alice', text: '@perch_me again' },
    ]);
    const first = await t.deps.xSync.syncMentions(userId);
    expect(first).toMatchObject({ ok: true, imported: 2, unknown: 1 });
    expect(await timelineKinds(contact.id)).toEqual(
      expect.arrayContaining(['mention_in:1900000000000000001', 'mention_in:1900000000000000003']),
    );
    expect((await t.deps.interactions.listUnknownAuthors(userId)).map((a) => a.xHandle)).toEqual([
      'stranger',
    ]);
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe('1900000000000000003');

    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: true,
      imported: 0,
      unknown: 0,
    });
    expect(fakeX.requests.filter((r) => r.operation === 'SearchTimeline')).toHaveLength(1);
    expect(fakeX.requests).toHaveLength(1);
  });

  it('expired cookies: state expired, one notification, cursor untouched, nothing crashes', async () => {
    await setUp();
    await addContact('Alice', 'alice');
    fakeX.addTweets([{ id: '1900000000000000010', by: 'alice', text: '@perch_me one' }]);
    fakeX.setMode('expired');
    const outcome = await t.deps.xSync.syncMentions(userId);
    expect(outcome).toMatchObject({ ok: false, errorClass: 'auth', imported: 0 });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    await t.deps.xSync.syncMentions(userId); // expired: not tried again
    const notes = await t.deps.notifications.list(userId);
    expect(notes.filter((n) => n.kind === 'sync_failed')).toHaveLength(1);
    expect(notes[0]!.title).toMatch(/^X mention sync unavailable — /);
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor ?? null).toBeNull();
    expect(
      t.logLines.some((l) => l.includes('"provider":"x"') && l.includes('"errorClass":"auth"')),
    ).toBe(true);
  });

  it('429 with a reset: the gate holds and no request is sent before it opens', async () => {
    await setUp();
    const resetAt = new Date(Date.now() + 10 * 60_000);
    fakeX.setMode('rate_limited', { resetAt });
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: false,
      errorClass: 'rate_limited',
    });
    const status = await t.deps.xConnection.status(userId);
    expect(status.state).toBe('rate_limited');
    expect(Math.abs(new Date(status.retryAt!).getTime() - resetAt.getTime())).toBeLessThan(1_000);
    fakeX.setMode('ok');
    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: false,
      skipped: 'rate_limited',
      retryAt: status.retryAt,
    });
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: false,
      skipped: 'rate_limited',
    });
    expect(fakeX.requests).toHaveLength(0);
  });

  it('X changing a query id makes x_unavailable, never expired', async () => {
    await setUp();
    fakeX.setMode('graphql_404');
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: false,
      errorClass: 'unavailable',
    });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'x_unavailable' });
    const [note] = await t.deps.notifications.list(userId);
    expect(note!.title).toMatch(/X changed its API/);
  });
});

describe('reply sync', () => {
  it('imports the user’s own replies onto the contact replied to, with its own cursor', async () => {
    await setUp();
    const { contact } = await addContact('Alice', 'alice');
    fakeX.addTweets([
      { id: '1900000000000000020', by: 'alice', text: 'a thought' },
      {
        id: '1900000000000000021',
        by: 'perch_me',
        text: '@alice agreed',
        inReplyTo: { id: '1900000000000000020', screenName: 'alice' },
      },
      { id: '1900000000000000022', by: 'perch_me', text: 'just a tweet' },
    ]);
    expect(await t.deps.xSync.syncReplies(userId)).toMatchObject({ ok: true, imported: 1 });
    expect(await timelineKinds(contact.id)).toContain('reply_out:1900000000000000021');
    // a search of the user's replies: "just a tweet" is not among them, so the cursor is the reply's
    expect((await t.deps.xSyncState.get(userId))?.repliesCursor).toBe('1900000000000000021');
    expect(requestsFor(fakeX, 'SearchTimeline').map((r) => r.variables.rawQuery)).toContain(
      'from:perch_me filter:replies',
    );
    expect(await t.deps.xSync.syncReplies(userId)).toMatchObject({ ok: true, imported: 0 });
  });
});

describe('bio sync', () => {
  it('stores the first bio silently, records a change with a notification, handles no-tweet and suspended profiles', async () => {
    await setUp();
    const { contact: a } = await addContact('Alice', 'alice');
    const { contact: q } = await addContact('Quiet', 'quiet_one');
    const { contact: g } = await addContact('Gone', 'gone_guy');
    const progress: Array<[number, number]> = [];
    const first = await t.deps.xSync.syncBios(userId, {
      onProgress: (d, n) => void progress.push([d, n]),
    });
    expect(first).toMatchObject({ ok: true, imported: 0, contactsDone: 3, contactsTotal: 3 });
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(fakeX.requests.filter((r) => r.operation === 'UserByScreenName')).toHaveLength(3); // one request per contact
    expect(await t.deps.contacts.get(userId, q.id)).toMatchObject({
      bio: 'Never tweets',
      xUserId: '5003',
    });
    expect((await t.deps.contacts.get(userId, g.id)).bio).toBeNull();
    expect(await t.deps.notifications.list(userId)).toEqual([]);

    fakeX.addAccount({ ...alice, bio: 'Now at Perch' });
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({ ok: true, imported: 1 });
    const timeline = await t.deps.interactions.timeline(userId, a.id);
    expect(timeline[0]).toMatchObject({
      kind: 'bio_change',
      data: { oldBio: 'Building things', newBio: 'Now at Perch' },
    });
    expect((await t.deps.notifications.list(userId)).map((n) => n.kind)).toEqual(['bio_change']);
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({ ok: true, imported: 0 }); // unchanged: nothing twice
  });

  it('stores a bio, name and tweets from X without the NUL characters PostgreSQL cannot hold', async () => {
    await setUp();
    fakeX.addAccount({ ...alice, name: 'Ali\u0000ce', bio: 'Building\u0000 things' });
    const { contact } = await addContact('alice', 'alice');
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      contactsDone: 1,
      contactsTotal: 1,
    });
    expect(await t.deps.contacts.get(userId, contact.id)).toMatchObject({
      bio: 'Building things',
      name: 'Alice',
      xUserId: '5001',
    });
    fakeX.addTweets([{ id: '1900000000000000011', by: 'alice', text: 'hello\u0000 @perch_me' }]);
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({ ok: true });
    const mention = (await t.deps.interactions.timeline(userId, contact.id)).find(
      (i) => i.xId === '1900000000000000011',
    );
    expect(mention).toMatchObject({ kind: 'mention_in', text: 'hello @perch_me' });
  });

  it('Sync now runs all three syncs and reports progress', async () => {
    await setUp();
    await addContact('Alice', 'alice');
    await t.expectDocumented(
      await t.request('/api/v1/x/sync', { headers: { cookie } }),
      'GET /api/v1/x/sync',
      200,
    );
    const res = await t.request('/api/v1/x/sync', { method: 'POST', headers: { cookie } });
    await t.expectDocumented(res, 'POST /api/v1/x/sync', 202);
    await t.expectDocumented(
      await t.request('/api/v1/x/sync', { method: 'POST' }),
      'POST /api/v1/x/sync',
      401,
    );
    await expect
      .poll(
        async () =>
          (
            (await (await t.request('/api/v1/x/sync', { headers: { cookie } })).json()) as {
              progress: { status: string };
            }
          ).progress.status,
        { timeout: 10_000 },
      )
      .toBe('finished');
    const { progress } = (await t.expectDocumented(
      await t.request('/api/v1/x/sync', { headers: { cookie } }),
      'GET /api/v1/x/sync',
      200,
    )) as {
      progress: { contactsDone: number; contactsTotal: number; outcomes: Array<{ sync: string }> };
    };
    expect(progress).toMatchObject({ contactsDone: 1, contactsTotal: 1 });
    expect(progress.outcomes.map((o) => o.sync)).toEqual(['mentions', 'replies', 'bios']);
  });
});
