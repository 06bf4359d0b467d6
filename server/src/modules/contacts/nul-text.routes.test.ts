/**
 * Text PostgreSQL cannot hold (U+0000): the API refuses it as a 400 naming the field, and a NUL in a path id is
 * a 404, never a database error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

type Problem = { status: number; code: string; errors?: Array<{ path: string; message: string }> };

describe('NUL in request text', () => {
  it('answers 400 naming the field for a NUL in a contact’s name or notes, on create and on edit', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    for (const [json, field] of [
      [{ name: 'Ada\u0000' }, 'name'],
      [{ name: 'Ada', notes: 'met\u0000 at PyCon' }, 'notes'],
      [{ xHandle: 'ada\u0000' }, 'xHandle'],
    ] as const) {
      const res = await t.request('/api/v1/contacts', {
        method: 'POST',
        headers: { cookie },
        json,
      });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem).toMatchObject({ code: 'request.invalid' });
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    }
    const created = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie },
      json: { name: 'Ada' },
    });
    const { id } = (await created.json()) as { id: string };
    for (const [json, field] of [
      [{ name: '\u0000' }, 'name'],
      [{ notes: 'x\u0000' }, 'notes'],
    ] as const) {
      const res = await t.request(`/api/v1/contacts/${id}`, {
        method: 'PATCH',
        headers: { cookie },
        json,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toContain(field);
    }
  });

  it('answers 400 naming deviceName for a NUL in a device name, and the pairing code still works afterwards', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const { code } = (await (
      await t.request('/api/v1/pairing-codes', { method: 'POST', headers: { cookie } })
    ).json()) as { code: string };
    const bad = await t.request('/api/v1/devices', {
      method: 'POST',
      json: { code, deviceName: 'Work\u0000Chrome' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors?.map((e) => e.path)).toEqual(['deviceName']);
    expect(
      (
        await t.request('/api/v1/devices', {
          method: 'POST',
          json: { code, deviceName: 'Work Chrome' },
        })
      ).status,
    ).toBe(201);
  });

  it('answers 400 naming the field for a NUL in a sign-in password', async () => {
    t = await createTestApp();
    await t.signUp();
    const res = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      json: { email: 'owner@example.com', password: 'correct horse\u0000battery' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toEqual(['password']);
  });
});

describe('NUL in path ids', () => {
  it('answers 404 for a NUL in a contact, device, notification or unknown author id', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const nul = encodeURIComponent('\u0000');
    const uuidWithNul = encodeURIComponent('00000000-0000-4000-8000-00000000000\u0000');
    for (const id of [nul, uuidWithNul, `1234${nul}`]) {
      for (const [method, path] of [
        ['GET', `/api/v1/contacts/${id}`],
        ['PATCH', `/api/v1/contacts/${id}`],
        ['DELETE', `/api/v1/contacts/${id}`],
        ['GET', `/api/v1/contacts/${id}/timeline`],
        ['GET', `/api/v1/contacts/${id}/avatar`],
        ['GET', `/api/v1/contacts/${id}/recent-tweets`],
        ['DELETE', `/api/v1/devices/${id}`],
        ['POST', `/api/v1/notifications/${id}/read`],
        ['POST', `/api/v1/x/unknown-authors/${id}/add-contact`],
      ] as const) {
        const res = await t.request(path, {
          method,
          headers: { cookie },
          ...(method === 'PATCH' ? { json: { notes: 'x' } } : {}),
        });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 404`);
      }
    }
  });
});
