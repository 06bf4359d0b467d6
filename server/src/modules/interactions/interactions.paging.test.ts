import { afterEach, describe, expect, it } from 'vitest';
import type { Contact, Problem, Timeline, UnknownAuthorList } from '@perch/shared';
import { createTestApp } from '../../test-utils/app.ts';
import { interactions, unknownAuthors } from './interactions.table.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute));

async function setUp() {
  t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
  const owner = await t.signUp();
  const get = async <T>(path: string, cookie = owner.cookie) => {
    const res = await t.request(path, { headers: { cookie } });
    return { res, body: (await res.json()) as T & Problem };
  };
  const newContact = async (cookie = owner.cookie) =>
    (await (
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json: { name: 'Ada' },
      })
    ).json()) as Contact;
  return { ...owner, get, newContact };
}

/** Follows nextCursor from the first page; the ids of every item served, in order. */
async function walk<T>(
  get: (path: string) => Promise<{ body: T & { nextCursor: string | null } }>,
  path: string,
  ids: (body: T) => string[],
) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { body }: { body: T & { nextCursor: string | null } } = await get(
      `${path}${path.includes('?') ? '&' : '?'}limit=4${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...ids(body));
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

describe('the timeline and unknown authors are paged', () => {
  it('a timeline walks newest first, every item once, items at the same time ordered by id', async () => {
    const { user, get, newContact } = await setUp();
    const ada = await newContact();
    // three items at each of five times, so that pages end in the middle of a tie
    const rows = await t.deps.database.db
      .insert(interactions)
      .values(
        Array.from({ length: 15 }, (_, i) => ({
          userId: user.id,
          contactId: ada.id,
          kind: 'mention_in' as const,
          direction: 'inbound' as const,
          xId: String(1000 + i),
          occurredAt: at(Math.floor(i / 3)),
        })),
      )
      .returning();
    const expected = [...rows]
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    const seen = await walk<Timeline>(get, `/api/v1/contacts/${ada.id}/timeline`, (b) =>
      b.interactions.map((i) => i.id),
    );
    expect(seen).toEqual(expected);

    const first = await get<Timeline>(`/api/v1/contacts/${ada.id}/timeline`);
    expect(first.body).toMatchObject({ contactId: ada.id, nextCursor: null });
    expect(
      (await get(`/api/v1/contacts/${ada.id}/timeline?limit=201`)).body.errors?.map((e) => e.path),
    ).toEqual(['limit']);
    expect(
      (await get(`/api/v1/contacts/${ada.id}/timeline?cursor=abc`)).body.errors?.map((e) => e.path),
    ).toEqual(['cursor']);
  });

  it('another user’s cursor or contact shows nothing of the first user’s timeline', async () => {
    const { user, get, newContact } = await setUp();
    const ada = await newContact();
    await t.deps.database.db.insert(interactions).values(
      Array.from({ length: 6 }, (_, i) => ({
        userId: user.id,
        contactId: ada.id,
        kind: 'mention_in' as const,
        direction: 'inbound' as const,
        xId: String(1000 + i),
        occurredAt: at(i),
      })),
    );
    const { body } = await get<Timeline>(`/api/v1/contacts/${ada.id}/timeline?limit=2`);
    const other = await t.signUp('other@example.com');
    expect(
      (await get(`/api/v1/contacts/${ada.id}/timeline?cursor=${body.nextCursor}`, other.cookie)).res
        .status,
    ).toBe(404);
    const theirs = await newContact(other.cookie);
    const page = await get<Timeline>(
      `/api/v1/contacts/${theirs.id}/timeline?cursor=${body.nextCursor}`,
      other.cookie,
    );
    expect(page.body).toMatchObject({ interactions: [], nextCursor: null });
  });

  it('unknown authors walk by their latest item, each once, ties by that item’s id, with their item counts', async () => {
    const { user, get } = await setUp();
    // nine authors: three each at minutes 10, 20, 30 (their latest); each with an older item and one of the user's replies
    const values = Array.from({ length: 9 }, (_, i) => {
      const author = {
        userId: user.id,
        xUserId: String(500 + i),
        xHandle: `author${i}`,
        name: `Author ${i}`,
      };
      return [
        {
          ...author,
          kind: 'mention_in' as const,
          direction: 'inbound' as const,
          xId: `${i}-latest`,
          occurredAt: at(10 * (1 + (i % 3))),
          text: `latest ${i}`,
        },
        {
          ...author,
          kind: 'mention_in' as const,
          direction: 'inbound' as const,
          xId: `${i}-older`,
          occurredAt: at(1),
          text: `older ${i}`,
        },
        {
          ...author,
          kind: 'reply_out' as const,
          direction: 'outbound' as const,
          xId: `${i}-reply`,
          occurredAt: at(59),
          text: 'my reply',
        },
      ];
    }).flat();
    const rows = await t.deps.database.db.insert(unknownAuthors).values(values).returning();
    const latest = rows.filter((r) => r.xId.endsWith('-latest'));
    const expected = latest
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((r) => r.xUserId);
    const seen = await walk<UnknownAuthorList>(get, '/api/v1/x/unknown-authors', (b) =>
      b.authors.map((a) => a.xUserId),
    );
    expect(seen).toEqual(expected);

    const { body } = await get<UnknownAuthorList>('/api/v1/x/unknown-authors?limit=1');
    expect(body.authors).toEqual([
      {
        xUserId: expected[0],
        xHandle: expect.any(String),
        name: expect.any(String),
        itemCount: 2,
        lastOccurredAt: at(30).toISOString(),
        lastText: expect.stringMatching(/^latest/),
      },
    ]);
    expect(
      (await get('/api/v1/x/unknown-authors?limit=abc')).body.errors?.map((e) => e.path),
    ).toEqual(['limit']);

    const other = await t.signUp('other@example.com');
    expect(
      (
        await get<UnknownAuthorList>(
          `/api/v1/x/unknown-authors?cursor=${body.nextCursor}`,
          other.cookie,
        )
      ).body,
    ).toEqual({ authors: [], nextCursor: null });
  });
});
