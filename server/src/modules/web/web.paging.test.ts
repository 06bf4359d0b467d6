import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { interactions, unknownAuthors } from '../interactions/interactions.table.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

async function setUp() {
  t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
  const owner = await t.signUp();
  const page = async (path: string) => {
    const res = await t.request(path, { headers: { cookie: owner.cookie } });
    return { res, text: await res.text() };
  };
  return { ...owner, page, db: t.deps.database.db };
}

/** The page's links between pages, by rel, as the browser would follow them (entities decoded). */
const links = (text: string, label: string) => {
  const nav =
    text.match(new RegExp(`<nav class="pager" aria-label="${label}">(.*?)</nav>`, 's'))?.[1] ?? '';
  return Object.fromEntries(
    [...nav.matchAll(/<a href="([^"]*)" rel="(\w+)">/g)].map((m) => [
      m[2],
      m[1]!.replaceAll('&amp;', '&'),
    ]),
  );
};
const names = (text: string) =>
  [...text.matchAll(/<span class="contact-name">([^<]*)<\/span>/g)].map((m) => m[1]);

describe('the CRM pages are paged with plain links', () => {
  it('/contacts shows 50 at a time with Next and First links that keep the search, and a GET search form', async () => {
    const { user, page, db } = await setUp();
    await db.insert(contacts).values(
      Array.from({ length: 120 }, (_, i) => ({
        userId: user.id,
        name: `${i % 2 ? 'Odd' : 'Even'} ${String(i).padStart(3, '0')}`,
      })),
    );
    const first = await page('/contacts');
    expect(first.text).toMatch(
      /<form id="contact-search" class="search" method="get" action="\/contacts" role="search">/,
    );
    expect(first.text).toContain('name="q" type="search"');
    expect(names(first.text)).toHaveLength(50);
    expect(links(first.text, 'Pages of contacts')).toEqual({
      next: expect.stringMatching(/^\/contacts\?cursor=[\w-]+$/),
    });

    const search = await page('/contacts?q=odd');
    expect(search.text).toContain('value="odd"');
    const shown = names(search.text);
    const next = links(search.text, 'Pages of contacts').next!;
    expect(next).toMatch(/^\/contacts\?q=odd&cursor=[\w-]+$/);
    const second = await page(next);
    shown.push(...names(second.text));
    expect(shown).toEqual(
      Array.from({ length: 60 }, (_, i) => `Odd ${String(2 * i + 1).padStart(3, '0')}`),
    );
    expect(links(second.text, 'Pages of contacts')).toEqual({ first: '/contacts?q=odd' });

    const none = await page('/contacts?q=%25');
    expect(none.text).toContain('No contact’s name or handle contains “%”.');
    expect((await page('/contacts?cursor=nonsense')).res.status).toBe(400);
  });

  it('/contacts pages the unknown authors apart, Older and Latest', async () => {
    const { user, page, db } = await setUp();
    await db.insert(unknownAuthors).values(
      Array.from({ length: 55 }, (_, i) => ({
        userId: user.id,
        xUserId: String(700 + i),
        xHandle: null,
        name: `Stranger ${i}`,
        kind: 'mention_in' as const,
        direction: 'inbound' as const,
        xId: String(i),
        occurredAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
      })),
    );
    const first = await page('/contacts');
    expect(first.text.match(/class="add-author small"/g)).toHaveLength(50);
    const older = links(first.text, 'Pages of unknown authors').next!;
    expect(older).toMatch(/^\/contacts\?authorsCursor=[\w-]+#unknown-authors$/);
    const second = await page(older.replace(/#.*/, ''));
    expect(second.text.match(/class="add-author small"/g)).toHaveLength(5);
    expect(second.text).toContain('Stranger 0<');
    expect(links(second.text, 'Pages of unknown authors')).toEqual({
      first: '/contacts#unknown-authors',
    });
  });

  it('/contacts/:id shows the timeline 50 at a time with an Older link', async () => {
    const { user, page, db } = await setUp();
    const [ada] = await db.insert(contacts).values({ userId: user.id, name: 'Ada' }).returning();
    await db.insert(interactions).values(
      Array.from({ length: 70 }, (_, i) => ({
        userId: user.id,
        contactId: ada!.id,
        kind: 'mention_in' as const,
        direction: 'inbound' as const,
        xId: String(1000 + i),
        occurredAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
        text: `mention ${i}`,
      })),
    );
    const first = await page(`/contacts/${ada!.id}`);
    expect(first.text.match(/class="timeline-item"/g)).toHaveLength(50);
    expect(first.text).toContain('mention 69<');
    const older = links(first.text, 'Pages of the timeline').next!;
    expect(older).toMatch(new RegExp(`^/contacts/${ada!.id}\\?cursor=[\\w-]+$`));
    const second = await page(older);
    expect(second.text.match(/class="timeline-item"/g)).toHaveLength(20);
    expect(second.text).toContain('mention 0<');
    expect(links(second.text, 'Pages of the timeline')).toEqual({ first: `/contacts/${ada!.id}` });
  });

  it('/notifications shows 50 at a time with an Older link', async () => {
    const { user, page } = await setUp();
    for (let i = 0; i < 52; i++)
      await t.deps.notifications.notify(user.id, { kind: 'note', title: `Note ${i}` });
    const first = await page('/notifications');
    expect(first.text.match(/class="notification"/g)).toHaveLength(50);
    const second = await page(links(first.text, 'Pages of notifications').next!);
    expect(second.text.match(/class="notification"/g)).toHaveLength(2);
    expect(links(second.text, 'Pages of notifications')).toEqual({ first: '/notifications' });
  });
});
