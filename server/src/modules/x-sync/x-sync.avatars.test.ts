/**
 * Avatars in the bio sync: downloaded from X's image host (the fake X) when the profile names a new one, served
 * by Perch, and never a reason for the bio sync to fail.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { connectedToFakeX, requestsFor, type SyncTestApp } from './x-sync.test-utils.ts';

const me = {
  authToken: 'avatarauth0token0a1b2c3d4e5f60718293a4b5c6',
  ct0: 'avatarct0value0aaaabbbbccccddddeeee',
  userId: '6000',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const alice = { userId: '6001', screenName: 'alice', name: 'Alice', bio: 'Building things' };
const quiet = { userId: '6002', screenName: 'quiet_one', name: 'Quiet', bio: 'Never tweets' };
const broken = {
  userId: '6003',
  screenName: 'broken',
  name: 'Broken',
  bio: 'odd avatar',
  avatarImage: { contentType: 'text/html', body: Buffer.from('<h1>not an image</h1>') },
};
const plain = {
  userId: '6004',
  screenName: 'plain',
  name: 'Plain',
  bio: 'default avatar',
  avatarUrl: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
};

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
  ({ t, userId, cookie } = await connectedToFakeX(fakeX, me, [alice, quiet, broken, plain]));
}
const addContact = async (xHandle: string) =>
  (await t.deps.contacts.create(userId, { name: '', xHandle, notes: '' })).contact;
const fakeAvatar = async (path: string) =>
  Buffer.from(await (await fetch(`${fakeX.url}${path}`)).arrayBuffer());
const servedAvatar = async (contactId: string) => {
  const res = await t.request(`/api/v1/contacts/${contactId}/avatar`, { headers: { cookie } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
};

describe('avatars in the bio sync', () => {
  it('downloads each avatar once, serves it, shows it on the pages, and downloads again only when it changes', async () => {
    await setUp();
    const a = await addContact('alice');
    const q = await addContact('quiet_one');

    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      imported: 0,
      avatars: 2,
    });
    expect(requestsFor(fakeX, 'UserByScreenName')).toHaveLength(2);
    expect(
      requestsFor(fakeX, '/profile_images/')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/profile_images/6001/avatar_normal.png', '/profile_images/6002/avatar_normal.png']);
    const served = await servedAvatar(a.id);
    expect(served).toMatchObject({ status: 200, type: 'image/png' });
    expect(served.bytes.equals(await fakeAvatar('/profile_images/6001/avatar_normal.png'))).toBe(
      true,
    );
    expect((await servedAvatar(q.id)).bytes.equals(served.bytes)).toBe(false);
    expect(await t.deps.contacts.get(userId, a.id)).toMatchObject({
      avatarUrl: 'https://pbs.twimg.com/profile_images/6001/avatar_normal.png',
      avatarPath: `/api/v1/contacts/${a.id}/avatar`,
    });

    // the pages show Perch's copy, never X's address (the pages' CSP allows same-origin images only)
    for (const path of ['/contacts', `/contacts/${a.id}`]) {
      const page = await (await t.request(path, { headers: { cookie } })).text();
      expect(page).toContain(`src="/api/v1/contacts/${a.id}/avatar"`);
      expect(page).not.toContain('pbs.twimg.com');
    }

    // unchanged avatars cost nothing: one profile request per contact and no image request
    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({ ok: true, avatars: 0 });
    expect(fakeX.requests.map((r) => r.operation)).toEqual([
      'UserByScreenName',
      'UserByScreenName',
    ]);

    // a new picture: a new address on X, downloaded once
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
    fakeX.addAccount({
      ...alice,
      avatarUrl: 'https://pbs.twimg.com/profile_images/6001/new_normal.jpg',
      avatarImage: { contentType: 'image/jpeg', body: jpeg },
    });
    fakeX.requests.length = 0;
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      imported: 0,
      avatars: 1,
    });
    expect(requestsFor(fakeX, '/profile_images/').map((r) => r.path)).toEqual([
      '/profile_images/6001/new_normal.jpg',
    ]);
    expect(await servedAvatar(a.id)).toMatchObject({
      status: 200,
      type: 'image/jpeg',
      bytes: jpeg,
    });
    expect(await t.deps.notifications.list(userId)).toEqual([]); // a new picture is not a bio change
  });

  it('a failed download is logged and skipped: the bio is stored, the sync succeeds, the next run tries again', async () => {
    await setUp();
    const b = await addContact('broken');
    const p = await addContact('plain');
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({
      ok: true,
      avatars: 0,
      contactsDone: 2,
      contactsTotal: 2,
    });
    expect(await t.deps.contacts.get(userId, b.id)).toMatchObject({
      bio: 'odd avatar',
      xUserId: '6003',
      avatarPath: null,
    });
    expect(await t.deps.contacts.get(userId, p.id)).toMatchObject({
      bio: 'default avatar',
      avatarPath: null,
    });
    expect((await servedAvatar(b.id)).status).toBe(404);
    // X's shared default avatar is not on X's image host: no request at all
    expect(requestsFor(fakeX, '/profile_images/').map((r) => r.path)).toEqual([
      '/profile_images/6003/avatar_normal.png',
    ]);
    expect(
      t.logLines.filter((l) => l.includes('x avatar not downloaded') && l.includes('"level":40')),
    ).toHaveLength(1);
    expect(
      t.logLines.find((l) => l.includes('x avatar not downloaded') && l.includes(b.id)),
    ).toContain('not an image');
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
    expect(await t.deps.notifications.list(userId)).toEqual([]);

    // X serves a real picture there now: the next run keeps it
    fakeX.addAccount({ ...broken, avatarImage: undefined });
    expect(await t.deps.xSync.syncBios(userId)).toMatchObject({ ok: true, avatars: 1 });
    expect(await servedAvatar(b.id)).toMatchObject({ status: 200, type: 'image/png' });
  });
});
