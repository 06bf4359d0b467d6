import { afterEach, describe, expect, it } from 'vitest';
import type { Contact } from '@perch/shared';
import { createTestApp, testWebAssets } from '../../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const evil = `<script>alert("x")</script>"'&`;
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&#39;&amp;';

async function setUp() {
  t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
  const owner = await t.signUp();
  const create = async (body: object) =>
    (await (
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie: owner.cookie },
        json: body,
      })
    ).json()) as Contact;
  const page = async (path: string, cookie = owner.cookie) => {
    const res = await t.request(path, { headers: { cookie } });
    return { res, text: await res.text() };
  };
  return { ...owner, create, page };
}

describe('CRM pages', () => {
  it('send a signed-out visitor to sign-in', async () => {
    await setUp();
    for (const path of [
      '/contacts',
      '/contacts/00000000-0000-4000-8000-000000000000',
      '/notifications',
    ]) {
      const res = await t.request(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/sign-in');
    }
  });

  it('/contacts lists contacts (escaped), the add form and the people who mentioned the user', async () => {
    const { user, create, page } = await setUp();
    const ada = await create({ name: evil, xHandle: 'ada', notes: '' });
    await t.deps.interactions.recordUnknown(user.id, {
      xUserId: '555',
      xHandle: 'grace',
      name: `Grace ${evil}`,
      kind: 'mention_in',
      direction: 'inbound',
      xId: '100',
      occurredAt: new Date('2026-11-20T09:00:00Z'),
      text: `hi ${evil}`,
    });
    const { res, text } = await page('/contacts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(text).toMatch(
      /<script type="module" src="\/assets\/contacts-[A-Z0-9]{8}\.js"><\/script>/,
    );
    expect(text).toContain('id="add-contact-form"');
    expect(text).toMatch(/<input id="contact-handle" name="xHandle"/);
    expect(text).toContain(`href="/contacts/${ada.id}"`);
    expect(text).toContain(escaped);
    expect(text).not.toContain(evil);
    expect(text).toContain('Unknown authors');
    expect(text).toMatch(
      /<button type="button" class="add-author small" data-x-user-id="555" aria-label="Add Grace &lt;script&gt;/,
    );
    expect(text).toContain('<time datetime="2026-11-20T09:00:00.000Z">');
  });

  it('/contacts/:id shows the profile, editable details and the timeline newest first, with a bio change as old → new', async () => {
    const { user, create, page } = await setUp();
    const ada = await create({ xHandle: 'ada', notes: `notes ${evil}` });
    await t.deps.contacts.updateProfileFromX(ada.id, {
      xUserId: '42',
      bio: `bio ${evil}`,
      avatarUrl: null,
      name: 'Ada Lovelace',
    });
    const { interactions } = t.deps;
    await interactions.record(user.id, {
      contactId: ada.id,
      kind: 'mention_in',
      direction: 'inbound',
      xId: '1850000000000000001',
      occurredAt: new Date('2026-11-20T09:00:00Z'),
      text: `@you ${evil}`,
    });
    await interactions.record(user.id, {
      contactId: ada.id,
      kind: 'reply_out',
      direction: 'outbound',
      xId: '1850000000000000002',
      occurredAt: new Date('2026-11-21T09:00:00Z'),
      text: 'thanks!',
    });
    await interactions.recordBioChange(user.id, {
      contactId: ada.id,
      contactName: 'Ada Lovelace',
      oldBio: 'Analyst',
      newBio: 'Poet <b>of</b> science',
      at: new Date('2026-11-22T09:00:00Z'),
    });
    await interactions.record(user.id, {
      contactId: ada.id,
      kind: 'event',
      direction: 'event',
      xId: 'event:1',
      occurredAt: new Date('2026-11-23T09:00:00Z'),
      text: 'Joined Analytical Engines Inc',
      data: { eventClass: 'job_change', confidence: 0.91, url: 'javascript:alert(1)' },
    });

    const { res, text } = await page(`/contacts/${ada.id}`);
    expect(res.status).toBe(200);
    expect(text).toContain('<h1 id="contact-heading">Ada Lovelace</h1>');
    expect(text).toContain('href="https://x.com/ada"');
    expect(text).toContain(`bio ${escaped}`);
    expect(text).toContain(
      `<textarea id="contact-notes" name="notes" rows="5">notes ${escaped}</textarea>`,
    );
    expect(text).toContain(`data-contact-id="${ada.id}"`);
    expect(text).not.toContain(evil);
    expect(text).not.toContain('javascript:');
    const kinds = [...text.matchAll(/class="timeline-item" data-kind="(\w+)"/g)].map((m) => m[1]);
    expect(kinds).toEqual(['event', 'bio_change', 'reply_out', 'mention_in']);
    // Mentions and replies can be answered from Compose; bio changes and events cannot.
    const replies = [...text.matchAll(/<a class="button small reply" href="([^"]+)">Reply<\/a>/g)];
    expect(replies.map((m) => m[1])).toEqual([
      '/compose?replyTo=1850000000000000002',
      '/compose?replyTo=1850000000000000001',
    ]);
    expect(text).toContain('Job change · 91%');
    expect(text).toMatch(
      /<del>Analyst<\/del> <span aria-label="changed to">→<\/span> <ins>Poet &lt;b&gt;of&lt;\/b&gt; science<\/ins>/,
    );
    expect(text).toContain('href="https://x.com/i/status/1850000000000000001"');
    // the bio change notification shows in the header badge
    expect(text).toMatch(/<span id="unread-count" class="badge" aria-label="1 unread">1<\/span>/);
  });

  it('/contacts/:id shows DMs apart from the timeline, one thread per conversation, oldest message first', async () => {
    const { user, create, page } = await setUp();
    const ada = await create({ xHandle: 'ada' });
    const dm = (
      xId: string,
      day: number,
      direction: 'inbound' | 'outbound',
      conversation: string,
      text: string,
    ) =>
      t.deps.interactions.record(user.id, {
        contactId: ada.id,
        kind: 'dm',
        direction,
        xId,
        occurredAt: new Date(`2026-11-${day}T09:00:00Z`),
        text,
        data: { dmConversationId: conversation, senderId: '1' },
      });
    await dm('1850000000000000010', 20, 'inbound', '1-42', `hello ${evil}`);
    await dm('1850000000000000011', 21, 'outbound', '1-42', 'hi Ada');
    await dm('1850000000000000012', 22, 'inbound', '1580000000000000000', 'in the group');
    // five in one second (X dates DMs to the second), stored newest first
    for (const n of [5, 4, 3, 2, 1])
      await dm(`185000000000000010${n}`, 23, 'inbound', '1-77', `burst ${n}`);
    const { text } = await page(`/contacts/${ada.id}`);
    expect(text).not.toContain(evil);
    expect(text).toContain('id="sync-contact-dms"');
    expect(text).not.toMatch(/class="timeline-item" data-kind="dm"/);
    const threads = [...text.matchAll(/<ol class="dm-thread"[^>]*>(.*?)<\/ol>/gs)].map((m) =>
      [...m[1]!.matchAll(/data-direction="(\w+)"><p class="dm-text">([^<]*)</g)].map(
        (x) => `${x[1]}:${x[2]}`,
      ),
    );
    expect(threads).toEqual([
      [
        'inbound:burst 1',
        'inbound:burst 2',
        'inbound:burst 3',
        'inbound:burst 4',
        'inbound:burst 5',
      ],
      ['inbound:in the group'],
      [`inbound:hello ${escaped}`, 'outbound:hi Ada'],
    ]);
  });

  it('/contacts/:id is 404 for a malformed id, an unknown id and another user’s contact', async () => {
    const { create, page } = await setUp();
    const ada = await create({ name: 'Ada' });
    const bob = await t.signUp('bob@example.com');
    expect((await page('/contacts/not-a-uuid')).res.status).toBe(404);
    expect((await page('/contacts/00000000-0000-4000-8000-000000000000')).res.status).toBe(404);
    const foreign = await page(`/contacts/${ada.id}`, bob.cookie);
    expect(foreign.res.status).toBe(404);
    expect(foreign.text).not.toContain('Ada');
  });

  it('/notifications lists read and unread notifications, escaped, with Mark all read; every signed-in page has the same header', async () => {
    const { user, page } = await setUp();
    const { notifications } = t.deps;
    await notifications.notify(user.id, {
      kind: 'sync_failed',
      title: `X mention sync unavailable — ${evil}`,
      body: 'X answered 503.',
    });
    const { notification } = await notifications.notify(user.id, {
      kind: 'note',
      title: 'Old news',
    });
    await notifications.markRead(user.id, notification!.id);

    const { res, text } = await page('/notifications');
    expect(res.status).toBe(200);
    expect(text).toMatch(
      /<script type="module" src="\/assets\/notifications-[A-Z0-9]{8}\.js"><\/script>/,
    );
    expect(text).toContain('id="mark-all-read"');
    expect(text).toContain(`X mention sync unavailable — ${escaped}`);
    expect(text).not.toContain(evil);
    expect(text.match(/data-read="false"/g)).toHaveLength(1);
    expect(text.match(/data-read="true"/g)).toHaveLength(1);
    expect(text.match(/class="mark-read small"/g)).toHaveLength(1);

    for (const path of ['/contacts', '/compose', '/posts', '/notifications', '/settings']) {
      const { text: body } = await page(path);
      expect(body, path).toMatch(
        /<nav class="nav" aria-label="Main"><a href="\/contacts"[^>]*>Contacts<\/a><a href="\/compose"[^>]*>Compose<\/a><a href="\/posts"[^>]*>Posts<\/a><a href="\/notifications"[^>]*>Notifications <span id="unread-count" class="badge" aria-label="1 unread">1<\/span><\/a><a href="\/settings"[^>]*>Settings<\/a><\/nav>/,
      );
      expect(body).toContain(`href="${path}" aria-current="page"`);
    }
    await notifications.markAllRead(user.id);
    expect((await page('/contacts')).text).toMatch(
      /<span id="unread-count" class="badge" aria-label="0 unread" hidden>0<\/span>/,
    );
  });

  it('serves the pages’ scripts', async () => {
    await setUp();
    const assets = await testWebAssets.load();
    for (const name of ['contacts.js', 'contact.js', 'notifications.js']) {
      const res = await t.request(assets.url(name));
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    }
  });
});
