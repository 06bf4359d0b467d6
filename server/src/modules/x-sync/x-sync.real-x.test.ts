/**
 * The cookie syncs against the fake X in strict mode, which plays what the real X does and a kind emulator does
 * not (test/fake-x/README.md): rotated query ids, replace-entry cursors from page 2, visibility wrappers, ads,
 * replies left out of UserTweets, per-operation budgets, settings.json without user_id, and X's error answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX, type FakeXTweet } from '../../../../test/fake-x/index.ts';
import { connectedToFakeX, type SyncTestApp } from './x-sync.test-utils.ts';

const me = {
  authToken: 'realxauth0token0a1b2c3d4e5f60718293a4b5c6d',
  ct0: 'realxct0value0aaaabbbbccccddddeeee',
  userId: '6000',
  screenName: 'perch_real',
  name: 'Perch Real',
};
const alice = { userId: '6001', screenName: 'alice', name: 'Alice', bio: 'Building things' };
const bob = { userId: '6002', screenName: 'bob', name: 'Bob', bio: 'Bob’s bio' };
const advertiser = { userId: '6003', screenName: 'brand', name: 'A Brand' };
const hidden = {
  userId: '6004',
  screenName: 'hidden_one',
  name: 'Hidden',
  bio: 'you cannot see this',
  protected: true,
};
const gone = {
  userId: '6005',
  screenName: 'gone_one',
  name: 'Gone',
  suspended: true,
  partialErrors: true,
};

// Ids above 2^53, so a Number comparison would get them wrong.
const id = (n: number) => String(1_900_000_000_000_000_000n + BigInt(n));

let clock = Date.UTC(2026, 11, 2, 9, 0, 0);
const now = () => new Date(clock);
let fakeX: FakeX;
let t: SyncTestApp;
let userId: string;

// A fresh X for each test: tweets of one test never show up in another's searches.
beforeEach(async () => {
  fakeX = await startFakeX({ strict: true, now: () => clock });
});
afterEach(async () => {
  await t?.close();
  await fakeX.close();
});

async function setUp(others = [alice, bob, advertiser, hidden, gone]) {
  ({ t, userId } = await connectedToFakeX(fakeX, me, others, {
    now,
    env: { PERCH_ALLOW_SIGNUP: 'true' },
  }));
}
const addContact = (name: string, xHandle: string) =>
  t.deps.contacts.create(userId, { name, xHandle, notes: '' });
const searches = () => fakeX.requests.filter((r) => r.operation === 'SearchTimeline');
const mentionsBy = (
  by: string,
  from: number,
  count: number,
  text = (n: number) => `@perch_real note ${n}`,
): FakeXTweet[] =>
  Array.from({ length: count }, (_, i) => ({ id: id(from + i), by, text: text(from + i) }));
/** The whole timeline, every page of it. */
async function timelineIds(contactId: string, kind: string) {
  const ids: string[] = [];
  for (
    let cursor: string | undefined, page;
    !page || cursor;
    cursor = page.nextCursor ?? undefined
  ) {
    page = await t.deps.interactions.timelinePage(userId, contactId, { limit: 200, cursor });
    ids.push(...page.interactions.filter((i) => i.kind === kind).map((i) => i.xId));
  }
  return ids;
}
/** Waits out X's 15-minute window, on both clocks. */
const nextWindow = () => (clock += 15 * 60_000 + 1_000);

describe('mentions over real pages', () => {
  it('100 new mentions since the cursor, with replace-entry cursors, wrappers and an ad: all imported, none twice, one run', async () => {
    await setUp();
    const { contact } = await addContact('Alice', 'alice');
    fakeX.addTweets(mentionsBy('alice', 1, 1));
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({ ok: true, imported: 1 });
    fakeX.setPromoted({ id: id(99_999), by: 'brand', text: 'Buy our thing' });
    fakeX.addTweets(mentionsBy('alice', 2, 100));
    fakeX.requests.length = 0;

    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: true,
      imported: 100,
      unknown: 0,
      complete: true,
    });
    const ids = await timelineIds(contact.id, 'mention_in');
    expect(ids).toHaveLength(101);
    expect(new Set(ids).size).toBe(101);
    // every page after the first carried its cursor in a TimelineReplaceEntry, which bird alone cannot read
    expect(searches().length).toBeGreaterThanOrEqual(6);
    expect(
      searches()
        .slice(1)
        .every((r) => typeof r.variables.cursor === 'string'),
    ).toBe(true);
    // the ad was never taken for a mention, and never moved the cursor
    expect((await t.deps.interactions.listUnknownAuthors(userId)).map((a) => a.xHandle)).toEqual(
      [],
    );
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(101));
    fakeX.setPromoted(null);
  });

  it('1,000 new mentions: the budget stops the run, the next window goes on from where it stopped; all imported once', async () => {
    await setUp();
    const { contact } = await addContact('Alice', 'alice');
    fakeX.addTweets(mentionsBy('alice', 1, 1));
    await t.deps.xSync.syncMentions(userId);
    fakeX.addTweets(mentionsBy('alice', 2, 1000));
    fakeX.requests.length = 0;

    const outcomes = [];
    for (let run = 0; run < 5; run++) {
      const outcome = await t.deps.xSync.syncMentions(userId);
      outcomes.push(outcome);
      if (outcome.ok && outcome.complete) break;
      // the cursor never moves past what is stored while a pass is under way
      expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(1));
      nextWindow();
    }
    expect(outcomes[0]).toMatchObject({ ok: false, errorClass: 'rate_limited', paced: true });
    expect(outcomes.at(-1)).toMatchObject({ ok: true, complete: true });
    const ids = await timelineIds(contact.id, 'mention_in');
    expect(ids).toHaveLength(1001);
    expect(new Set(ids).size).toBe(1001);
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(1001));
    // Perch paced itself: X never had to answer 429
    expect(fakeX.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  });

  it('a pass that an outage stops goes on from its own cursor next time; nothing skipped, nothing twice', async () => {
    await setUp();
    const { contact } = await addContact('Bob', 'bob');
    fakeX.addTweets(mentionsBy('bob', 1, 1));
    await t.deps.xSync.syncMentions(userId);
    fakeX.addTweets(mentionsBy('bob', 2, 90));
    fakeX.setMode('server_error', { afterRequests: 2 });
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: false,
      errorClass: 'unavailable',
      imported: 40,
    });
    expect((await t.deps.xSyncState.get(userId))?.mentionsCursor).toBe(id(1));
    const resumeCursor = searches()[1]?.variables.cursor;
    fakeX.reset();

    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: true,
      imported: 50,
      complete: true,
    });
    // it went on from page 3, not from the top
    expect(searches()[0]!.variables.cursor).toEqual(expect.any(String));
    expect(searches()[0]!.variables.cursor).not.toBe(resumeCursor);
    const ids = await timelineIds(contact.id, 'mention_in');
    expect(new Set(ids).size).toBe(91);
    expect(ids).toHaveLength(91);
  });
});

describe('replies on the real X', () => {
  it('come from a search of the user’s replies (UserTweets leaves them out) and land on the contact replied to', async () => {
    await setUp();
    const { contact } = await addContact('Alice', 'alice');
    fakeX.addTweets([
      { id: id(10), by: 'alice', text: 'shipping today' },
      {
        id: id(11),
        by: 'perch_real',
        text: '@alice congrats!',
        inReplyTo: { id: id(10), screenName: 'alice' },
      },
      { id: id(12), by: 'perch_real', text: 'a thought' },
      {
        id: id(13),
        by: 'perch_real',
        text: 'and a follow-up',
        inReplyTo: { id: id(12), screenName: 'perch_real' },
      },
    ]);
    expect(await t.deps.xSync.syncReplies(userId)).toMatchObject({ ok: true, imported: 1 });
    expect(await timelineIds(contact.id, 'reply_out')).toEqual([id(11)]);
    // X's last page carries a cursor too: the empty page after it ends the pass
    expect(searches().map((r) => r.variables.rawQuery)).toEqual([
      'from:perch_real filter:replies',
      'from:perch_real filter:replies',
    ]);
    expect((await t.deps.xSyncState.get(userId))?.repliesCursor).toBe(id(13));
  });

  it('a reply to someone who is not a contact is kept for later but never shown as what they wrote', async () => {
    await setUp();
    fakeX.addTweets([
      { id: id(20), by: 'bob', text: 'anyone there?' },
      {
        id: id(21),
        by: 'perch_real',
        text: '@bob I am',
        inReplyTo: { id: id(20), screenName: 'bob' },
      },
    ]);
    expect(await t.deps.xSync.syncReplies(userId)).toMatchObject({ ok: true, unknown: 1 });
    expect(await t.deps.interactions.listUnknownAuthors(userId)).toEqual([]);
    // adding Bob later still brings the reply onto his timeline
    fakeX.addTweets([{ id: id(22), by: 'bob', text: '@perch_real thanks' }]);
    await t.deps.xSync.syncMentions(userId);
    const [bobItem] = await t.deps.interactions.listUnknownAuthors(userId);
    expect(bobItem).toMatchObject({ xHandle: 'bob', itemCount: 1, lastText: '@perch_real thanks' });
    const added = await t.deps.interactions.addUnknownAsContact(userId, bob.userId);
    expect(added.moved).toBe(2);
  });
});

describe('a rotation of X’s query ids', () => {
  it('in the middle of a daily sync: recovered by itself with one discovery for every user, nobody asked to act', async () => {
    await setUp();
    // a second user on the same server (same database and web client store)
    const second = {
      authToken: 'realxauth1token0a1b2c3d4e5f60718293a4b5c6d',
      ct0: 'realxct1value0aaaabbbbccccddddeeee',
      userId: '6100',
      screenName: 'perch_two',
      name: 'Perch Two',
    };
    fakeX.addAccount(second);
    const { cookie, user: secondUser } = await t.signUp('two@example.com');
    await t.pushCookies(cookie, { authToken: second.authToken, ct0: second.ct0 });
    await addContact('Alice', 'alice');
    fakeX.addTweets(mentionsBy('alice', 1, 30));
    fakeX.addTweets([{ id: id(40), by: 'alice', text: '@perch_two hi' }]);

    const before = fakeX.queryIds;
    fakeX.rotateQueryIds({ addFeatures: { SearchTimeline: ['rweb_new_search_flag_enabled'] } });
    expect(fakeX.queryIds.SearchTimeline).not.toBe(before.SearchTimeline);
    fakeX.requests.length = 0;

    const progress = await t.deps.xSyncRunner.run(userId);
    expect(progress).toMatchObject({ status: 'finished', error: null });
    expect(
      await timelineIds((await t.deps.contacts.list(userId))[0]!.id, 'mention_in'),
    ).toHaveLength(30);
    const discovery = fakeX.requests.filter(
      (r) =>
        r.operation === null &&
        !r.path.startsWith('/i/api') &&
        !r.path.startsWith('/1.1') &&
        !r.path.startsWith('/profile_images'),
    );
    expect(discovery.length).toBeGreaterThanOrEqual(2); // a page, then the bundles it names
    const stale = fakeX.requests.filter((r) => r.status === 404 && r.operation !== null);
    expect(stale.map((r) => r.operation).sort()).toEqual(['SearchTimeline']); // UserByScreenName/UserTweets learnt with it
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
    const report = await t.deps.xWebClient.report();
    expect(report.operations.find((o) => o.operation === 'SearchTimeline')).toMatchObject({
      queryId: fakeX.queryIds.SearchTimeline,
      source: 'discovered',
    });

    // the other user's run uses what was discovered: no 404, no second discovery
    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncMentions(secondUser.id)).toMatchObject({ ok: true, unknown: 1 });
    expect(fakeX.requests.filter((r) => r.status === 404)).toEqual([]);
    expect(fakeX.requests.filter((r) => r.path.endsWith('.js'))).toEqual([]);
  });

  it('when the bundles do not help either: retried once, then "X changed its API", never expired', async () => {
    await setUp();
    fakeX.setMode('features_changed');
    const outcome = await t.deps.xSync.syncMentions(userId);
    expect(outcome).toMatchObject({
      ok: false,
      errorClass: 'unavailable',
      message: expect.stringContaining('X changed its API'),
    });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({
      state: 'x_unavailable',
      detail: 'X changed its API',
    });
    expect(searches()).toHaveLength(2); // the request, and one more after the discovery
  });
});

describe('limits', () => {
  it('300 contacts under the 95-request budget: paced, resumed at each reset, every contact checked, the oldest first', async () => {
    const contacts = Array.from({ length: 300 }, (_, i) => ({
      userId: String(7000 + i),
      screenName: `c${String(i).padStart(3, '0')}`,
      name: `Contact ${i}`,
      bio: `bio ${i}`,
    }));
    await setUp(contacts);
    for (const c of contacts) await addContact(c.name, c.screenName);
    fakeX.requests.length = 0;

    const runs = [];
    for (let run = 0; run < 6; run++) {
      const outcome = await t.deps.xSync.syncBios(userId);
      runs.push(outcome);
      if (outcome.ok) break;
      expect(outcome).toMatchObject({ errorClass: 'rate_limited', paced: true });
      nextWindow();
    }
    expect(runs.at(-1)).toMatchObject({ ok: true, contactsDone: 300, contactsTotal: 300 });
    expect(runs.length).toBe(4); // 95 + 95 + 95 + 15 (the connect check took one of the first window)
    const looked = fakeX.requests
      .filter((r) => r.operation === 'UserByScreenName')
      .map((r) => String(r.variables.screen_name));
    expect(new Set(looked).size).toBe(300);
    expect(looked).toHaveLength(300);
    expect(fakeX.requests.filter((r) => r.status === 429)).toEqual([]);

    // the next day: the ones checked longest ago go first
    clock += 24 * 60 * 60_000;
    fakeX.requests.length = 0;
    fakeX.setBudget('UserByScreenName', { limit: 10, windowSeconds: 900 });
    await t.deps.xSync.syncBios(userId);
    const nextDay = fakeX.requests
      .filter((r) => r.operation === 'UserByScreenName' && r.status === 200)
      .map((r) => String(r.variables.screen_name));
    expect(nextDay).toEqual(looked.slice(0, nextDay.length));
  });
});

describe('X’s error answers', () => {
  it('a protected contact (200 with errors beside partial data) skips that contact: no emptied bio, no notification', async () => {
    await setUp();
    const { contact } = await addContact('Hidden', 'hidden_one');
    await t.deps.contacts.updateProfileFromX(contact.id, {
      xUserId: hidden.userId,
      bio: 'you cannot see this',
      avatarUrl: null,
      name: 'Hidden',
    });
    await addContact('Alice', 'alice');
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      imported: 0,
      contactsDone: 2,
    });
    expect((await t.deps.contacts.get(userId, contact.id)).bio).toBe('you cannot see this');
    expect(await t.deps.notifications.list(userId)).toEqual([]);
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  });

  it('a suspended contact answered with errors and no user is that contact only', async () => {
    await setUp();
    await addContact('Gone', 'gone_one');
    await addContact('Alice', 'alice');
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      contactsDone: 2,
      contactsTotal: 2,
    });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  });

  it.each([
    [
      'locked',
      'X has locked your account: unlock your account at x.com',
      'Unlock your account at x.com',
    ],
    ['suspended', 'X has suspended your account', 'suspended your account'],
  ] as const)(
    '403 %s: x_unavailable with its own sentence, never expired',
    async (mode, detail, sentence) => {
      await setUp();
      fakeX.setMode(mode);
      const outcome = await t.deps.xSync.syncMentions(userId);
      expect(outcome).toMatchObject({
        ok: false,
        errorClass: 'unavailable',
        message: expect.stringContaining(sentence),
      });
      expect(await t.deps.xConnection.status(userId)).toMatchObject({
        state: 'x_unavailable',
        detail,
      });
    },
  );

  it('226 "looks automated": Perch backs off for hours and says why', async () => {
    await setUp();
    fakeX.setMode('automated');
    const outcome = await t.deps.xSync.syncMentions(userId);
    expect(outcome).toMatchObject({
      ok: false,
      errorClass: 'rate_limited',
      message: expect.stringContaining('automation'),
    });
    const status = await t.deps.xConnection.status(userId);
    expect(status.state).toBe('rate_limited');
    expect(new Date(status.retryAt!).getTime() - clock).toBeGreaterThanOrEqual(
      6 * 60 * 60_000 - 1_000,
    );
  });

  it('401 because X changed its client bearer: the cookies still work, so Perch learns the new bearer instead of asking to sign in', async () => {
    await setUp();
    fakeX.addTweets(mentionsBy('alice', 1, 3));
    fakeX.rotateBearer();
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({ ok: true, unknown: 3 });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
    expect((await t.deps.xWebClient.report()).bearer).toMatchObject({
      source: 'discovered',
      value: fakeX.bearer,
    });
  });

  it('401 with dead cookies is still expired, after one cheap second check', async () => {
    await setUp();
    fakeX.setMode('expired');
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({
      ok: false,
      errorClass: 'auth',
    });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    expect(fakeX.requests.map((r) => r.operation ?? r.path)).toEqual([
      'SearchTimeline',
      '/settings/account',
    ]);
  });

  it('settings.json without user_id (as on the real X): bird’s fallback still finds the user', async () => {
    await setUp();
    expect(await t.deps.xConnection.check(userId)).toMatchObject({
      state: 'connected',
      handle: 'perch_real',
      xUserId: me.userId,
    });
  });

  it('after a run resumed at X’s reset succeeds, the connection is no longer rate limited', async () => {
    await setUp();
    fakeX.setMode('rate_limited', { resetAt: new Date(clock + 60_000) });
    await t.deps.xSync.syncMentions(userId);
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'rate_limited' });
    fakeX.reset();
    clock += 61_000;
    expect(await t.deps.xSync.syncMentions(userId)).toMatchObject({ ok: true });
    expect(await t.deps.xConnection.status(userId)).toMatchObject({
      state: 'connected',
      retryAt: null,
    });
  });
});
