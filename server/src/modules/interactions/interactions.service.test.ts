import { afterEach, describe, expect, it } from 'vitest';
import type { Contact, Interaction, UnknownAuthor } from '@perch/shared';
import { createTestApp } from '../../test-utils/app.ts';
import { compareXIds, isAfterCursor } from './interactions.service.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const json = async <T>(res: Response) => (await res.json()) as T;
const mention = (contactId: string, xId: string, text = `mention ${xId}`) => ({
  contactId,
  kind: 'mention_in' as const,
  direction: 'inbound' as const,
  xId,
  occurredAt: new Date(Number(BigInt(xId) % 1_000_000n) * 1000 + Date.UTC(2026, 10, 1)),
  text,
  data: { url: `https://x.com/ada/status/${xId}` },
});

async function setUp() {
  t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
  const owner = await t.signUp();
  const contact = await json<Contact>(
    await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie: owner.cookie },
      json: { name: 'Ada', xHandle: 'ada' },
    }),
  );
  return { ...owner, contact, interactions: t.deps.interactions };
}

describe('interactions', () => {
  it('records each user + kind + X id once, however often it is imported, and lists the timeline newest first', async () => {
    const { cookie, user, contact, interactions } = await setUp();
    expect(
      await interactions.record(user.id, mention(contact.id, '1850000000000000001')),
    ).toMatchObject({ inserted: true });
    expect(
      await interactions.record(user.id, mention(contact.id, '1850000000000000001', 'again')),
    ).toEqual({ inserted: false, interaction: null });
    // two imports racing
    const raced = await Promise.all(
      [1, 2].map(() => interactions.record(user.id, mention(contact.id, '1850000000000000009'))),
    );
    expect(raced.filter((r) => r.inserted)).toHaveLength(1);
    // the same X id as another kind is another item
    expect(
      await interactions.record(user.id, {
        ...mention(contact.id, '1850000000000000001'),
        kind: 'reply_out',
        direction: 'outbound',
      }),
    ).toMatchObject({ inserted: true });

    const timeline = await json<{ interactions: Interaction[] }>(
      await t.request(`/api/v1/contacts/${contact.id}/timeline`, { headers: { cookie } }),
    );
    // same time: ordered by id (keyset paging needs a total order; see interactions.paging.test.ts)
    const [newest, ...tied] = timeline.interactions;
    expect([newest!.kind, newest!.xId]).toEqual(['mention_in', '1850000000000000009']);
    expect(tied.map((i) => `${i.kind}:${i.xId}`).sort()).toEqual([
      'mention_in:1850000000000000001',
      'reply_out:1850000000000000001',
    ]);
    expect(tied.map((i) => i.id)).toEqual(
      tied
        .map((i) => i.id)
        .sort()
        .reverse(),
    );
    expect(
      timeline.interactions.find((i) => i.kind === 'mention_in' && i.xId === '1850000000000000001'),
    ).toMatchObject({
      text: 'mention 1850000000000000001',
      data: { url: 'https://x.com/ada/status/1850000000000000001' },
    });
  });

  it('keeps users apart: the same X id is one item per user, and timelines are private', async () => {
    const { user, contact, interactions } = await setUp();
    const bob = await t.signUp('bob@example.com');
    const bobsContact = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie: bob.cookie },
        json: { name: 'Ada', xHandle: 'ada' },
      }),
    );
    expect(await interactions.record(user.id, mention(contact.id, '7'))).toMatchObject({
      inserted: true,
    });
    expect(await interactions.record(bob.user.id, mention(bobsContact.id, '7'))).toMatchObject({
      inserted: true,
    });
    expect(await interactions.timeline(bob.user.id, bobsContact.id)).toHaveLength(1);
    await expect(interactions.timeline(bob.user.id, contact.id)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('puts a bio change on the timeline with the old and new text and notifies once', async () => {
    const { cookie, user, contact, interactions } = await setUp();
    const change = {
      contactId: contact.id,
      contactName: 'Ada',
      oldBio: 'Analyst',
      newBio: 'Poet of science',
      at: new Date('2026-11-24T08:00:00Z'),
    };
    expect(await interactions.recordBioChange(user.id, change)).toMatchObject({
      inserted: true,
      interaction: {
        kind: 'bio_change',
        direction: 'event',
        data: { oldBio: 'Analyst', newBio: 'Poet of science' },
      },
    });
    expect(await interactions.recordBioChange(user.id, change)).toMatchObject({ inserted: false });
    const list = await json<{
      notifications: Array<{ kind: string; title: string; contactId: string }>;
      unreadCount: number;
    }>(await t.request('/api/v1/notifications', { headers: { cookie } }));
    expect(list.unreadCount).toBe(1);
    expect(list.notifications[0]).toMatchObject({
      kind: 'bio_change',
      title: 'Ada changed their bio',
      contactId: contact.id,
    });
  });

  it('keeps mentions by strangers, lists them per author, and "Add as contact" moves them onto the new timeline once', async () => {
    const { cookie, user, interactions } = await setUp();
    const stranger = { xUserId: '555', xHandle: 'grace', name: 'Grace Hopper' };
    const { contactId: _, ...first } = mention('', '100', 'hello @you');
    const { contactId: __, ...second } = mention('', '200', 'and again');
    expect(await interactions.recordUnknown(user.id, { ...stranger, ...first })).toEqual({
      inserted: true,
    });
    expect(await interactions.recordUnknown(user.id, { ...stranger, ...first })).toEqual({
      inserted: false,
    });
    await interactions.recordUnknown(user.id, { ...stranger, ...second });

    const bob = await t.signUp('bob@example.com');
    expect(
      await json<{ authors: UnknownAuthor[] }>(
        await t.request('/api/v1/x/unknown-authors', { headers: { cookie: bob.cookie } }),
      ),
    ).toEqual({ authors: [], nextCursor: null });
    expect(
      (
        await t.request('/api/v1/x/unknown-authors/555/add-contact', {
          method: 'POST',
          headers: { cookie: bob.cookie },
        })
      ).status,
    ).toBe(404);
    await t.expectDocumented(
      await t.request('/api/v1/x/unknown-authors/555/add-contact', {
        method: 'POST',
        headers: { cookie: bob.cookie },
      }),
      'POST /api/v1/x/unknown-authors/:xUserId/add-contact',
      404,
    );
    await t.expectDocumented(
      await t.request('/api/v1/x/unknown-authors'),
      'GET /api/v1/x/unknown-authors',
      401,
    );

    const { authors } = await t.expectDocumented<{ authors: UnknownAuthor[] }>(
      await t.request('/api/v1/x/unknown-authors', { headers: { cookie } }),
      'GET /api/v1/x/unknown-authors',
      200,
    );
    expect(authors).toEqual([
      {
        xUserId: '555',
        xHandle: 'grace',
        name: 'Grace Hopper',
        itemCount: 2,
        lastOccurredAt: second.occurredAt.toISOString(),
        lastText: 'and again',
      },
    ]);

    const added = await t.request('/api/v1/x/unknown-authors/555/add-contact', {
      method: 'POST',
      headers: { cookie },
    });
    const result = await t.expectDocumented<{ contact: Contact; created: boolean; moved: number }>(
      added,
      'POST /api/v1/x/unknown-authors/:xUserId/add-contact',
      201,
    );
    expect(result).toMatchObject({
      created: true,
      moved: 2,
      contact: { name: 'Grace Hopper', xHandle: 'grace', xUserId: '555' },
    });
    expect((await interactions.timeline(user.id, result.contact.id)).map((i) => i.text)).toEqual([
      'and again',
      'hello @you',
    ]);
    expect(await interactions.listUnknownAuthors(user.id)).toEqual([]);

    // A later mention imported as unknown (a race with the add) still lands on the same contact, without a duplicate.
    await interactions.recordUnknown(user.id, { ...stranger, ...second });
    const again = await t.expectDocumented<{ contact: Contact; created: boolean; moved: number }>(
      await t.request('/api/v1/x/unknown-authors/555/add-contact', {
        method: 'POST',
        headers: { cookie },
      }),
      'POST /api/v1/x/unknown-authors/:xUserId/add-contact',
      200,
    );
    expect(again).toMatchObject({ created: false, moved: 0, contact: { id: result.contact.id } });
    expect(
      (
        await t.request('/api/v1/x/unknown-authors/not-an-id/add-contact', {
          method: 'POST',
          headers: { cookie },
        })
      ).status,
    ).toBe(404);
  });

  it('moves a cursor forward only, comparing ids as numbers', async () => {
    const { user } = await setUp();
    const xSyncState = t.deps.xSyncState;
    expect(await xSyncState.get(user.id)).toBeNull();
    expect(await xSyncState.advanceCursor(user.id, 'mentions', '999')).toBe(true);
    expect(await xSyncState.advanceCursor(user.id, 'mentions', '1000')).toBe(true); // '1000' < '999' as strings
    expect(await xSyncState.advanceCursor(user.id, 'mentions', '999')).toBe(false);
    expect(await xSyncState.advanceCursor(user.id, 'replies', '1850000000000000001')).toBe(true);
    await xSyncState.recordRun(user.id, { mentions: 2, replies: 0 });
    expect(await xSyncState.get(user.id)).toMatchObject({
      mentionsCursor: '1000',
      repliesCursor: '1850000000000000001',
      lastResult: { mentions: 2, replies: 0 },
    });
    expect(compareXIds('1850000000000000002', '1850000000000000001')).toBe(1); // beyond Number's 2^53
    expect(isAfterCursor('5', null)).toBe(true);
    expect(isAfterCursor('5', '10')).toBe(false);
  });
});
