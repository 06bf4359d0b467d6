/**
 * Guessing: sign-in, sign-up and pairing-code redemption are throttled per client address (and sign-in per
 * account), counted in the database so processes share them, on the app clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';
import { createTestDatabase } from '../../test-utils/db.ts';
import { signInAccountRule } from '../accounts/accounts.routes.ts';

const checked = vi.hoisted(() => ({ passwords: 0 }));
vi.mock('../accounts/password-hash.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../accounts/password-hash.ts')>();
  return {
    ...original,
    verifyPassword: (password: string, stored: string) => (
      checked.passwords++,
      original.verifyPassword(password, stored)
    ),
  };
});

// 10:05 in a 15-minute window that started at 10:00, and in an hour window that started at 10:00
const start = new Date('2026-03-02T10:05:00Z');
let clock = start;
const now = () => clock;

let apps: Array<Awaited<ReturnType<typeof createTestApp>>> = [];
async function app(env: Record<string, string | undefined> = {}, overrides = {}) {
  const t = await createTestApp({ env, overrides: { now, ...overrides } });
  apps.push(t);
  return t;
}
afterEach(async () => {
  for (const t of apps.reverse()) await t.close();
  apps = [];
  clock = start;
  checked.passwords = 0;
});

const owner = { email: 'owner@example.com', password: 'correct horse battery' };
const wrong = (email = owner.email) => ({ email, password: 'not the password' });
type App = Awaited<ReturnType<typeof app>>;
const signIn = (t: App, json: object, address: string, headers: Record<string, string> = {}) =>
  t.request('/api/v1/auth/sign-in', { method: 'POST', json, address, headers });
const redeem = (t: App, code: string, address: string, headers: Record<string, string> = {}) =>
  t.request('/api/v1/devices', {
    method: 'POST',
    json: { code, deviceName: 'Chrome' },
    address,
    headers,
  });

async function expectThrottled(res: Response, retryAfterSeconds: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('retry-after')).toBe(String(retryAfterSeconds));
  const body = (await res.json()) as { code: string; detail: string };
  expect(body.code).toBe('throttle.too_many_attempts');
  expect(body.detail).toMatch(
    /^There were too many .+ from here\. Try again in \d+ (seconds|minutes)\.$/,
  );
}

describe('sign-in', () => {
  it(
    'allows 30 wrong passwords per address in 15 minutes, then answers 429 without checking the password',
    { timeout: 120_000 },
    async () => {
      const t = await app();
      await t.signUp(owner.email, owner.password);
      // over three accounts, so the per-account limit (10) is not what stops it
      for (let i = 0; i < 30; i++)
        expect((await signIn(t, wrong(`user${i % 3}@example.com`), '203.0.113.1')).status).toBe(
          401,
        );
      expect(checked.passwords).toBe(30);

      await expectThrottled(await signIn(t, wrong('user9@example.com'), '203.0.113.1'), 600);
      // even the right password: the address is blocked, and nothing is checked
      await expectThrottled(await signIn(t, owner, '203.0.113.1'), 600);
      expect(checked.passwords).toBe(30);

      // another address is not affected
      expect((await signIn(t, owner, '198.51.100.2')).status).toBe(200);
      // the next window starts afresh; Retry-After followed the app clock
      clock = new Date(start.getTime() + 9 * 60_000);
      await expectThrottled(await signIn(t, wrong(), '203.0.113.1'), 60);
      clock = new Date(start.getTime() + 10 * 60_000);
      expect((await signIn(t, owner, '203.0.113.1')).status).toBe(200);
    },
  );

  it(
    'counts only wrong passwords: signing in rightly again and again is never throttled',
    { timeout: 120_000 },
    async () => {
      const t = await app();
      await t.signUp(owner.email, owner.password);
      for (let i = 0; i < 12; i++) expect((await signIn(t, owner, '203.0.113.1')).status).toBe(200);
      expect((await signIn(t, wrong(), '203.0.113.1')).status).toBe(401);
    },
  );

  it(
    'allows 10 wrong passwords per account and address; the owner still signs in from another address',
    { timeout: 120_000 },
    async () => {
      const t = await app();
      await t.signUp(owner.email, owner.password);
      for (let i = 0; i < 10; i++)
        expect((await signIn(t, wrong(), '203.0.113.1')).status).toBe(401);
      await expectThrottled(await signIn(t, owner, '203.0.113.1'), 600);
      expect(checked.passwords).toBe(10);
      // the same address may still try other accounts
      expect((await signIn(t, wrong('someone@example.com'), '203.0.113.1')).status).toBe(401);
      expect((await signIn(t, owner, '198.51.100.2')).status).toBe(200);
    },
  );

  it(
    'under attack (over 100 failures for the account), gives each address one try, and the owner still gets in',
    { timeout: 120_000 },
    async () => {
      const t = await app();
      await t.signUp(owner.email, owner.password);
      // 101 failures from everywhere, seeded through the same store the limiter counts in
      const accountCount = t.deps.throttle.store(signInAccountRule);
      for (let i = 0; i < 101; i++) await accountCount.increment(owner.email);

      expect((await signIn(t, wrong(), '203.0.113.1')).status).toBe(401);
      await expectThrottled(await signIn(t, wrong(), '203.0.113.1'), 600);
      await expectThrottled(await signIn(t, owner, '203.0.113.1'), 600);
      expect(checked.passwords).toBe(1);
      // an address that has not failed gets its try, and the right password is accepted
      expect((await signIn(t, owner, '198.51.100.2')).status).toBe(200);
      // other accounts are not under attack
      for (let i = 0; i < 3; i++)
        expect((await signIn(t, wrong('someone@example.com'), '198.51.100.3')).status).toBe(401);
    },
  );

  it(
    'uses the last X-Forwarded-For entry only when PERCH_TRUST_PROXY=true',
    { timeout: 120_000 },
    async () => {
      const direct = await app();
      await direct.signUp(owner.email, owner.password);
      // not trusted: a client writing its own X-Forwarded-For still counts as its socket address
      for (let i = 0; i < 10; i++)
        await signIn(direct, wrong(), '203.0.113.1', { 'x-forwarded-for': `192.0.2.${i}` });
      await expectThrottled(
        await signIn(direct, owner, '203.0.113.1', { 'x-forwarded-for': '192.0.2.99' }),
        600,
      );

      const proxied = await app({ PERCH_TRUST_PROXY: 'true' });
      await proxied.signUp(owner.email, owner.password);
      // behind the proxy every request comes from its socket; the proxy appends the client's address last
      for (let i = 0; i < 10; i++)
        await signIn(proxied, wrong(), '127.0.0.1', {
          'x-forwarded-for': `192.0.2.${i}, 198.51.100.7`,
        });
      await expectThrottled(
        await signIn(proxied, owner, '127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }),
        600,
      );
      expect(
        (
          await signIn(proxied, owner, '127.0.0.1', {
            'x-forwarded-for': '198.51.100.7, 198.51.100.8',
          })
        ).status,
      ).toBe(200);
    },
  );
});

describe('sign-up', () => {
  it('answers every sign-up the same 403 once the owner exists, whatever the email', async () => {
    const t = await app();
    await t.signUp(owner.email, owner.password);
    const taken = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: owner.email, password: 'another long password' },
    });
    const fresh = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: 'new@example.com', password: 'another long password' },
    });
    expect(taken.status).toBe(403);
    expect(fresh.status).toBe(403);
    // the same answer but for the request's own id
    const { requestId: _taken, ...takenBody } = (await taken.json()) as { requestId?: string };
    const { requestId: _fresh, ...freshBody } = (await fresh.json()) as { requestId?: string };
    expect(takenBody).toEqual(freshBody);
  });

  it(
    'says "email taken" (409) only when PERCH_ALLOW_SIGNUP=true',
    { timeout: 60_000 },
    async () => {
      const t = await app({ PERCH_ALLOW_SIGNUP: 'true' });
      await t.signUp(owner.email, owner.password);
      const taken = await t.request('/api/v1/auth/sign-up', {
        method: 'POST',
        json: { email: owner.email, password: 'another long password' },
      });
      expect(taken.status).toBe(409);
      expect(await taken.json()).toMatchObject({ code: 'auth.email_taken' });
    },
  );

  it('allows 10 sign-ups per address per hour', async () => {
    const t = await app();
    await t.signUp(owner.email, owner.password);
    for (let i = 0; i < 9; i++) {
      expect(
        (
          await t.request('/api/v1/auth/sign-up', {
            method: 'POST',
            json: { email: `u${i}@example.com`, password: 'another long password' },
            address: '203.0.113.1',
          })
        ).status,
      ).toBe(403);
    }
    // the owner's sign-up came from no socket; this address has 9, one more is allowed
    expect(
      (
        await t.request('/api/v1/auth/sign-up', {
          method: 'POST',
          json: wrong('x@example.com'),
          address: '203.0.113.1',
        })
      ).status,
    ).toBe(403);
    await expectThrottled(
      await t.request('/api/v1/auth/sign-up', {
        method: 'POST',
        json: wrong('y@example.com'),
        address: '203.0.113.1',
      }),
      55 * 60,
    );
    expect(
      (
        await t.request('/api/v1/auth/sign-up', {
          method: 'POST',
          json: wrong('y@example.com'),
          address: '198.51.100.2',
        })
      ).status,
    ).toBe(403);
  });
});

describe('pairing-code redemption', () => {
  it('allows 10 failed redemptions per address in 15 minutes; a right code from there then waits too', async () => {
    const t = await app();
    const { cookie } = await t.signUp(owner.email, owner.password);
    const { code } = (await (
      await t.request('/api/v1/pairing-codes', { method: 'POST', headers: { cookie } })
    ).json()) as { code: string };
    for (let i = 0; i < 10; i++)
      expect((await redeem(t, `AAAA-AAA${i}`, '203.0.113.1')).status).toBe(400);
    await expectThrottled(await redeem(t, 'AAAA-AAAB', '203.0.113.1'), 600);
    await expectThrottled(await redeem(t, code, '203.0.113.1'), 600);
    expect((await redeem(t, code, '198.51.100.2')).status).toBe(201);
  });

  it('lets no more than the limit through when the guesses come all at once', async () => {
    const t = await app();
    const statuses = (
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          redeem(t, `AAAA-AA${String(i).padStart(2, 'A')}`, '203.0.113.1'),
        ),
      )
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('groups IPv6 clients per /64', async () => {
    const t = await app();
    for (let i = 0; i < 10; i++)
      expect((await redeem(t, 'AAAA-AAAA', `2001:db8:1:2::${i + 1}`)).status).toBe(400);
    await expectThrottled(await redeem(t, 'AAAA-AAAA', '2001:db8:1:2:ffff:ffff:ffff:ffff'), 600);
    expect((await redeem(t, 'AAAA-AAAA', '2001:db8:1:3::1')).status).toBe(400);
  });

  it('shares counts between two Perch instances on one database', async () => {
    const database = await createTestDatabase();
    const first = await app({}, { database });
    // the second must not close the database the first still uses
    // …and opens the secrets with the same keys, as a second process configured alike would
    const second = await app(
      {},
      { database: { ...database, close: async () => {} }, keyring: first.deps.keyring },
    );
    for (let i = 0; i < 10; i++)
      expect((await redeem(i % 2 ? first : second, 'AAAA-AAAA', '203.0.113.1')).status).toBe(400);
    await expectThrottled(await redeem(first, 'AAAA-AAAA', '203.0.113.1'), 600);
    await expectThrottled(await redeem(second, 'AAAA-AAAA', '203.0.113.1'), 600);
  });

  it('stores no address in clear', async () => {
    const t = await app();
    await redeem(t, 'AAAA-AAAA', '203.0.113.1');
    const { throttleHits } = await import('./throttle.table.ts');
    const rows = await t.deps.db.select().from(throttleHits);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('203.0.113');
  });

  it('drops windows older than a day as it counts', async () => {
    const t = await app();
    const { throttleHits } = await import('./throttle.table.ts');
    await redeem(t, 'AAAA-AAAA', '203.0.113.1');
    clock = new Date(start.getTime() + 25 * 3600_000);
    await redeem(t, 'AAAA-AAAA', '198.51.100.2');
    const rows = await t.deps.db.select().from(throttleHits);
    expect(rows.map((r) => r.windowStart.toISOString())).toEqual(['2026-03-03T11:00:00.000Z']);
  });
});
