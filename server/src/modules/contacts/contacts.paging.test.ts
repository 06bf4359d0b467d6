import { afterEach, describe, expect, it } from 'vitest';
import type { ContactList, Problem } from '@perch/shared';
import { createTestApp } from '../../test-utils/app.ts';
import { contacts } from './contacts.table.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

async function setUp() {
  t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
  const owner = await t.signUp();
  /** Inserted straight into the table: hundreds of contacts in one statement. */
  const insert = (userId: string, names: string[]) =>
    t.deps.database.db
      .insert(contacts)
      .values(names.map((name) => ({ userId, name })))
      .returning({ id: contacts.id, name: contacts.name });
  const get = async (path: string, cookie = owner.cookie) => {
    const res = await t.request(path, { headers: { cookie } });
    return { res, body: (await res.json()) as ContactList & Problem };
  };
  return { ...owner, insert, get };
}

/** Every page from the first, following nextCursor; the names in the order served. */
async function walk(get: (path: string) => Promise<{ body: ContactList }>, query: string) {
  const seen: { id: string; name: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { body }: { body: ContactList } = await get(
      `/api/v1/contacts?${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...body.contacts.map((c) => ({ id: c.id, name: c.name })));
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { seen, pages };
}

describe('GET /api/v1/contacts pages', () => {
  it('serves 50 by default and at most 200, with nextCursor null on the last page', async () => {
    const { user, insert, get } = await setUp();
    await insert(
      user.id,
      Array.from({ length: 230 }, (_, i) => `Contact ${String(i).padStart(3, '0')}`),
    );
    const first = await get('/api/v1/contacts');
    expect(first.res.status).toBe(200);
    expect(first.body.contacts).toHaveLength(50);
    expect(first.body.contacts[0]!.name).toBe('Contact 000');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const most = await get('/api/v1/contacts?limit=200');
    expect(most.body.contacts).toHaveLength(200);
    const rest = await get(`/api/v1/contacts?limit=200&cursor=${most.body.nextCursor}`);
    expect(rest.body.contacts.map((c) => c.name)).toEqual(
      Array.from({ length: 30 }, (_, i) => `Contact ${200 + i}`),
    );
    expect(rest.body.nextCursor).toBeNull();
  });

  it('answers a bad limit with 400 problem+json naming limit', async () => {
    const { get } = await setUp();
    for (const limit of ['201', '0', '-1', '1.5', 'ten', '']) {
      const { res, body } = await get(`/api/v1/contacts?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(
        body.errors?.map((e) => e.path),
        limit,
      ).toEqual(['limit']);
    }
  });

  it('walks every contact once, in name order ignoring case, ties on the name broken by id', async () => {
    const { user, insert, get } = await setUp();
    const rows = await insert(user.id, [
      ...Array.from({ length: 7 }, () => 'Same Name'),
      ...Array.from({ length: 6 }, () => 'same name'),
      'alpha',
      'Beta',
      'zeta',
      'Zulu',
    ]);
    const { seen, pages } = await walk(get, 'limit=3');
    expect(pages).toBe(6);
    const expected = [...rows].sort(
      (a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.id < b.id ? -1 : 1),
    );
    expect(seen.map((c) => c.id)).toEqual(expected.map((c) => c.id));
    expect(new Set(seen.map((c) => c.id)).size).toBe(rows.length);
  });

  it('answers a malformed or foreign-shaped cursor with 400 naming cursor', async () => {
    const { get } = await setUp();
    const cursors = [
      'not a cursor!',
      'bm90IGpzb24', // base64url of "not json"
      Buffer.from(JSON.stringify(['x', 'not-a-uuid'])).toString('base64url'),
      Buffer.from(JSON.stringify([1, 2, 3])).toString('base64url'),
      Buffer.from(JSON.stringify({ a: 1 })).toString('base64url'),
    ];
    for (const cursor of cursors) {
      const { res, body } = await get(`/api/v1/contacts?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(
        body.errors?.map((e) => e.path),
        cursor,
      ).toEqual(['cursor']);
    }
  });

  it('?q= finds a part of the name or handle, any case, with %, _ and \\ taken literally; paged like the rest', async () => {
    const { user, insert, get, cookie } = await setUp();
    await insert(user.id, [
      '100% Ada',
      '1000 Ada',
      'a_b',
      'axb',
      'back\\slash',
      'backslash',
      'Grace',
    ]);
    await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'Linus', xHandle: 'torvalds' },
    });
    const names = async (q: string) =>
      (await get(`/api/v1/contacts?q=${encodeURIComponent(q)}`)).body.contacts.map((c) => c.name);
    expect(await names('0%')).toEqual(['100% Ada']);
    expect(await names('a_')).toEqual(['a_b']);
    expect(await names('k\\s')).toEqual(['back\\slash']);
    expect(await names('%')).toEqual(['100% Ada']);
    expect(await names('ADA')).toEqual(['100% Ada', '1000 Ada']);
    expect(await names('@Torv')).toEqual(['Linus']);
    expect(await names('nobody')).toEqual([]);
    const all = await names('a');
    expect(all).toHaveLength(8); // Linus too, by his handle
    const { seen } = await walk(get, `q=a&limit=3`);
    expect(seen.map((c) => c.name)).toEqual(all);
  });

  it('a cursor from one user’s pages shows another user only their own contacts', async () => {
    const { user, insert, get } = await setUp();
    await insert(user.id, ['a1', 'a2', 'a3', 'a4']);
    const other = await t.signUp('other@example.com');
    await insert(other.user.id, ['b1', 'b2']);
    const { body } = await get('/api/v1/contacts?limit=1');
    const theirs = await get(`/api/v1/contacts?cursor=${body.nextCursor}`, other.cookie);
    expect(theirs.res.status).toBe(200);
    expect(theirs.body.contacts.map((c) => c.name)).toEqual(['b1', 'b2']);
  });
});
