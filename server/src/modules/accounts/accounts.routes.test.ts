import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('accounts', () => {
  it('lets the first visitor create the owner, with an HttpOnly SameSite=Strict session, then closes sign-up', async () => {
    expect(
      await t.expectDocumented(
        await t.request('/api/v1/auth/state'),
        'GET /api/v1/auth/state',
        200,
      ),
    ).toMatchObject({ signedIn: false, signUpOpen: true });
    const res = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: 'Owner@Example.com', password: 'correct horse battery' },
    });
    expect(await t.expectDocumented(res, 'POST /api/v1/auth/sign-up', 201)).toMatchObject({
      user: { email: 'owner@example.com' },
    });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^perch_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    expect(
      await t.expectDocumented(
        await t.request('/api/v1/auth/state', { headers: { cookie } }),
        'GET /api/v1/auth/state',
        200,
      ),
    ).toMatchObject({ signedIn: true, user: { email: 'owner@example.com' }, signUpOpen: false });

    const second = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: 'other@example.com', password: 'another long password' },
    });
    expect(await t.expectDocumented(second, 'POST /api/v1/auth/sign-up', 403)).toMatchObject({
      code: 'auth.signup_closed',
    });
  });

  it('stores a memory-hard hash, never the password', async () => {
    await t.signUp('owner@example.com', 'correct horse battery');
    const { users } = await import('./accounts.table.ts');
    const [row] = await t.deps.db.select().from(users);
    expect(row!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.passwordHash).not.toContain('correct horse');
  });

  it('signs in, refuses a wrong password with a plain sentence, and signs out', async () => {
    await t.signUp('owner@example.com', 'correct horse battery');
    const wrong = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      json: { email: 'owner@example.com', password: 'wrong password here' },
    });
    expect(await t.expectDocumented(wrong, 'POST /api/v1/auth/sign-in', 401)).toMatchObject({
      code: 'auth.invalid_credentials',
      detail: 'The email or password is not right.',
    });
    const unknown = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      json: { email: 'nobody@example.com', password: 'whatever password' },
    });
    expect(unknown.status).toBe(401);

    const ok = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      json: { email: 'OWNER@example.com', password: 'correct horse battery' },
    });
    expect(await t.expectDocumented(ok, 'POST /api/v1/auth/sign-in', 200)).toMatchObject({
      user: { email: 'owner@example.com' },
    });
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    await t.expectDocumented(
      await t.request('/api/v1/auth/sign-out', { method: 'POST', headers: { cookie } }),
      'POST /api/v1/auth/sign-out',
      204,
    );
    expect(
      await (await t.request('/api/v1/auth/state', { headers: { cookie } })).json(),
    ).toMatchObject({ signedIn: false });
  });

  it('explains invalid input field by field', async () => {
    const res = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: 'not-an-email', password: 'short' },
    });
    const body = (await t.expectDocumented(res, 'POST /api/v1/auth/sign-up', 400)) as {
      errors: Array<{ path: string }>;
      detail: string;
    };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['email', 'password']);
    expect(body.detail).toMatch(/at least 10 characters/);
  });

  it('refuses a state change carrying the session from another origin (CSRF)', async () => {
    const { cookie } = await t.signUp();
    const res = await t.request('/api/v1/pairing-codes', {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(await t.expectDocumented(res, 'POST /api/v1/pairing-codes', 403)).toMatchObject({
      code: 'auth.cross_origin',
    });
    const noOrigin = await t.app.request('http://perch.test/api/v1/pairing-codes', {
      method: 'POST',
      headers: { cookie },
    });
    expect(noOrigin.status).toBe(403);
  });
});
