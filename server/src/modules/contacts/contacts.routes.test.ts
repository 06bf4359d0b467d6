import { afterEach, describe, expect, it } from 'vitest';
import type { Contact } from '@perch/shared';
import type { HandleChange } from './contacts.service.ts';
import { createTestApp } from '../../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const json = async <T>(res: Response) => (await res.json()) as T;

describe('contacts API', () => {
  it('creates, lists, reads, edits and deletes a contact; a contact without a name is named after its handle', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const created = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: ' Ada Lovelace ', xHandle: '@Ada', notes: 'met at PyCon' },
    });
    const ada = await t.expectDocumented<Contact>(created, 'POST /api/v1/contacts', 201);
    expect(ada).toMatchObject({
      name: 'Ada Lovelace',
      xHandle: 'Ada',
      xUserId: null,
      bio: null,
      avatarPath: null,
      notes: 'met at PyCon',
    });

    const bare = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json: { xHandle: 'https://x.com/grace' },
      }),
    );
    expect(bare).toMatchObject({ name: 'grace', xHandle: 'grace' });

    const list = await t.expectDocumented<{ contacts: Contact[] }>(
      await t.request('/api/v1/contacts', { headers: { cookie } }),
      'GET /api/v1/contacts',
      200,
    );
    expect(list.contacts.map((c) => c.name)).toEqual(['Ada Lovelace', 'grace']);

    const patched = await t.request(`/api/v1/contacts/${ada.id}`, {
      method: 'PATCH',
      headers: { cookie },
      json: { notes: 'wrote the first program' },
    });
    expect(await t.expectDocumented(patched, 'PATCH /api/v1/contacts/:id', 200)).toMatchObject({
      notes: 'wrote the first program',
      xHandle: 'Ada',
    });
    expect(
      await t.expectDocumented(
        await t.request(`/api/v1/contacts/${ada.id}`, { headers: { cookie } }),
        'GET /api/v1/contacts/:id',
        200,
      ),
    ).toMatchObject({ notes: 'wrote the first program' });
    await t.expectDocumented(
      await t.request(`/api/v1/contacts/${ada.id}/timeline`, { headers: { cookie } }),
      'GET /api/v1/contacts/:id/timeline',
      200,
    );

    await t.expectDocumented(
      await t.request(`/api/v1/contacts/${ada.id}`, { method: 'DELETE', headers: { cookie } }),
      'DELETE /api/v1/contacts/:id',
      204,
    );
    await t.expectDocumented(
      await t.request(`/api/v1/contacts/${ada.id}`, { headers: { cookie } }),
      'GET /api/v1/contacts/:id',
      404,
    );
    await t.expectDocumented(
      await t.request(`/api/v1/contacts/${ada.id}`, { method: 'DELETE', headers: { cookie } }),
      'DELETE /api/v1/contacts/:id',
      404,
    );
  });

  it('answers a missing avatar with 404 problem+json, for a contact without one and for an unknown id', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const contact = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json: { name: 'Ada' },
      }),
    );
    for (const id of [contact.id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const res = await t.request(`/api/v1/contacts/${id}/avatar`, { headers: { cookie } });
      expect(await t.expectDocumented(res, 'GET /api/v1/contacts/:id/avatar', 404)).toMatchObject({
        type: 'about:blank',
        status: 404,
        code: 'contact.avatar_not_found',
        detail: expect.stringMatching(/^[A-Z].*\.$/),
      });
    }
  });

  it('refuses bad input, a second contact with the same handle in any case, and malformed ids', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const empty = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: '  ' },
    });
    expect(await t.expectDocumented(empty, 'POST /api/v1/contacts', 400)).toMatchObject({
      code: 'request.invalid',
    });
    const badHandle = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'x', xHandle: 'not a handle!' },
    });
    expect(badHandle.status).toBe(400);

    await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'Jack', xHandle: 'jack' },
    });
    const dup = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'Jack again', xHandle: '@JACK' },
    });
    expect(await t.expectDocumented(dup, 'POST /api/v1/contacts', 409)).toMatchObject({
      code: 'contact.handle_taken',
    });

    for (const [path, operation] of [
      ['/api/v1/contacts/not-a-uuid', 'GET /api/v1/contacts/:id'],
      ['/api/v1/contacts/not-a-uuid/timeline', 'GET /api/v1/contacts/:id/timeline'],
      ['/api/v1/contacts/00000000-0000-4000-8000-000000000000', 'GET /api/v1/contacts/:id'],
    ]) {
      await t.expectDocumented(await t.request(path!, { headers: { cookie } }), operation!, 404);
    }
    await t.expectDocumented(
      await t.request('/api/v1/contacts/nope', {
        method: 'PATCH',
        headers: { cookie },
        json: { name: 'x' },
      }),
      'PATCH /api/v1/contacts/:id',
      404,
    );
    await t.expectDocumented(await t.request('/api/v1/contacts', {}), 'GET /api/v1/contacts', 401);
  });

  it('keeps users apart: nobody sees, edits, deletes or reads the timeline of another user’s contact', async () => {
    t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const alice = await t.signUp('alice@example.com');
    const bob = await t.signUp('bob@example.com');
    const contact = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie: alice.cookie },
        json: { name: 'Ada', xHandle: 'ada' },
      }),
    );
    // the same handle is fine for another user
    expect(
      (
        await t.request('/api/v1/contacts', {
          method: 'POST',
          headers: { cookie: bob.cookie },
          json: { name: 'Ada', xHandle: 'ada' },
        })
      ).status,
    ).toBe(201);

    const bobs = await json<{ contacts: Contact[] }>(
      await t.request('/api/v1/contacts', { headers: { cookie: bob.cookie } }),
    );
    expect(bobs.contacts.map((c) => c.id)).not.toContain(contact.id);
    for (const [method, path] of [
      ['GET', `/api/v1/contacts/${contact.id}`],
      ['GET', `/api/v1/contacts/${contact.id}/timeline`],
      ['PATCH', `/api/v1/contacts/${contact.id}`],
      ['DELETE', `/api/v1/contacts/${contact.id}`],
    ] as const) {
      const res = await t.request(path, {
        method,
        headers: { cookie: bob.cookie },
        json: method === 'PATCH' ? { name: 'Mallory' } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(
      await json<Contact>(
        await t.request(`/api/v1/contacts/${contact.id}`, { headers: { cookie: alice.cookie } }),
      ),
    ).toMatchObject({ name: 'Ada' });
  });

  it('a handle edit clears the X id, bio and avatar of the old account and calls the refresh hook; a case change does not', async () => {
    const changes: HandleChange[] = [];
    t = await createTestApp({ overrides: { onHandleChanged: (c) => void changes.push(c) } });
    const { cookie, user } = await t.signUp();
    const contact = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json: { name: 'Ada', xHandle: 'ada' },
      }),
    );
    expect(changes).toEqual([{ userId: user.id, contactId: contact.id, xHandle: 'ada' }]);
    const { contacts } = t.deps;
    await contacts.updateProfileFromX(contact.id, {
      xUserId: '42',
      bio: 'Analyst',
      avatarUrl: 'https://pbs.twimg.com/a.jpg',
    });
    await contacts.storeAvatar(contact.id, {
      contentType: 'image/jpeg',
      bytes: Buffer.from([0xff, 0xd8, 0xff]),
      sourceUrl: 'https://pbs.twimg.com/a.jpg',
    });
    const withAvatar = await json<Contact>(
      await t.request(`/api/v1/contacts/${contact.id}`, { headers: { cookie } }),
    );
    expect(withAvatar).toMatchObject({
      xUserId: '42',
      bio: 'Analyst',
      avatarPath: `/api/v1/contacts/${contact.id}/avatar`,
    });
    const avatar = await t.request(withAvatar.avatarPath!, { headers: { cookie } });
    await t.expectDocumented(avatar, 'GET /api/v1/contacts/:id/avatar', 200);
    expect(avatar.headers.get('content-type')).toBe('image/jpeg');
    expect([...new Uint8Array(await avatar.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff]);

    const sameAccount = await json<Contact>(
      await t.request(`/api/v1/contacts/${contact.id}`, {
        method: 'PATCH',
        headers: { cookie },
        json: { xHandle: '@ADA' },
      }),
    );
    expect(sameAccount).toMatchObject({ xHandle: 'ADA', xUserId: '42', bio: 'Analyst' });
    expect(changes).toHaveLength(1);

    const { contact: edited, handleChanged } = await contacts.update(user.id, contact.id, {
      xHandle: 'countess',
    });
    expect(handleChanged).toBe(true);
    expect(edited).toMatchObject({
      xHandle: 'countess',
      xUserId: null,
      bio: null,
      avatarUrl: null,
      avatarPath: null,
      bioCheckedAt: null,
    });
    expect(changes.at(-1)).toEqual({ userId: user.id, contactId: contact.id, xHandle: 'countess' });
    expect(
      (await t.request(`/api/v1/contacts/${contact.id}/avatar`, { headers: { cookie } })).status,
    ).toBe(404);
  });

  it('stores the first bio silently and reports a later change once, with the old and new text', async () => {
    t = await createTestApp();
    const { cookie, user } = await t.signUp();
    const contact = await json<Contact>(
      await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json: { xHandle: 'ada' },
      }),
    );
    const { contacts } = t.deps;
    const first = await contacts.updateProfileFromX(contact.id, {
      xUserId: '42',
      bio: 'Analyst',
      avatarUrl: null,
      name: 'Ada Lovelace',
    });
    expect(first).toMatchObject({ bioChanged: false, firstBio: true, newBio: 'Analyst' });
    expect(first!.contact.name).toBe('Ada Lovelace'); // the placeholder name (the handle) gives way to X's
    const same = await contacts.updateProfileFromX(contact.id, {
      xUserId: '42',
      bio: 'Analyst',
      avatarUrl: null,
      name: 'Countess',
    });
    expect(same).toMatchObject({ bioChanged: false, firstBio: false });
    expect(same!.contact.name).toBe('Ada Lovelace'); // a name that is no placeholder is the user's
    const changed = await contacts.updateProfileFromX(contact.id, {
      xUserId: '42',
      bio: 'Poet of science',
      avatarUrl: 'https://pbs.twimg.com/b.jpg',
    });
    expect(changed).toMatchObject({
      bioChanged: true,
      oldBio: 'Analyst',
      newBio: 'Poet of science',
      avatarChanged: true,
    });
    expect(await contacts.findByXUserIdOrHandle(user.id, '42', null)).toMatchObject({
      id: contact.id,
    });
    expect(await contacts.findByXUserIdOrHandle(user.id, null, 'ADA')).toMatchObject({
      id: contact.id,
    });
    expect(await contacts.findByXUserIdOrHandle(user.id, '99', 'nobody')).toBeNull();
  });
});

describe('API document', () => {
  it('documents the CRM routes with the same schemas the routes validate with', async () => {
    t = await createTestApp();
    const doc = await json<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>(await t.request('/api/v1/openapi.json'));
    for (const path of [
      '/contacts',
      '/contacts/{id}',
      '/contacts/{id}/timeline',
      '/notifications',
      '/notifications/unread-count',
      '/notifications/{id}/read',
      '/notifications/read-all',
      '/x/unknown-authors',
      '/x/unknown-authors/{xUserId}/add-contact',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths['/contacts/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.components.schemas.CreateContact!.properties!)).toEqual([
      'name',
      'xHandle',
      'notes',
    ]);
  });
});
