import { afterEach, describe, expect, it } from 'vitest';
import type { XCheckResult } from '../x-web/x-web.ts';
import { connectedAs, createTestApp, scriptedXWeb } from '../../test-utils/app.ts';
import { xConnections } from './x-connection.table.ts';

const pair = {
  authToken: 'f0e1d2c3b4a5968778695a4b3c2d1e0f00112233',
  ct0: 'c0ffee00c0ffee00c0ffee00c0ffee00aa',
};
let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

async function setUp(
  answer: (p: typeof pair) => XCheckResult = () => connectedAs('perch_user', '4242'),
) {
  const xWeb = scriptedXWeb(answer);
  t = await createTestApp({ overrides: { xWeb } });
  const { cookie, user } = await t.signUp();
  const { deviceToken } = await t.pairDevice(cookie);
  const device = { authorization: `Bearer ${deviceToken}` };
  const push = async (p = pair) =>
    t.request('/api/v1/x/cookies', { method: 'PUT', headers: device, json: p });
  return { xWeb, cookie, user, device, push };
}

describe('X cookie connection', () => {
  it('stores a pushed pair encrypted, verifies it once, and reports connected with the handle', async () => {
    const { xWeb, push, cookie } = await setUp();
    const res = await push();
    expect(await t.expectDocumented(res, 'PUT /api/v1/x/cookies', 200)).toMatchObject({
      state: 'connected',
      handle: 'perch_user',
      xUserId: '4242',
    });
    expect(xWeb.calls).toEqual([pair]);

    const [row] = await t.deps.db.select().from(xConnections);
    expect(row!.cookiesJwe!.split('.')).toHaveLength(5);
    expect(JSON.stringify(row)).not.toContain(pair.authToken);
    expect(JSON.stringify(row)).not.toContain(pair.ct0);
    expect(await t.deps.cookieVault.open(row!.cookiesJwe!)).toEqual(pair);

    // the settings page reads the same state through the session
    const status = await t.expectDocumented(
      await t.request('/api/v1/x/status', { headers: { cookie } }),
      'GET /api/v1/x/status',
      200,
    );
    expect(status).toMatchObject({ state: 'connected', handle: 'perch_user' });
    expect((status as { checkedAt: string }).checkedAt).toMatch(/^\d{4}-/);
  });

  it('does not ask X again for an unchanged pair, but does for a rotated one', async () => {
    const { xWeb, push } = await setUp();
    await push();
    await push();
    expect(xWeb.calls).toHaveLength(1);
    const rotated = { ...pair, ct0: 'ba5eba11ba5eba11ba5eba11ba5eba11' };
    expect(await (await push(rotated)).json()).toMatchObject({ state: 'connected' });
    expect(xWeb.calls).toHaveLength(2);
    const [row] = await t.deps.db.select().from(xConnections);
    expect(await t.deps.cookieVault.open(row!.cookiesJwe!)).toEqual(rotated);
  });

  it('maps X answers to states: auth → expired, 429 → rate_limited, outage → x_unavailable', async () => {
    let answer: XCheckResult = { ok: false, kind: 'auth', status: 401, code: 32 };
    const { push, xWeb } = await setUp(() => answer);
    expect(await (await push()).json()).toMatchObject({ state: 'expired' });
    // an unchanged pair in a bad state is verified again (the popup's Refresh)
    answer = { ok: false, kind: 'unavailable', reason: 'x_down', detail: 'X answered 503' };
    expect(await (await push()).json()).toMatchObject({
      state: 'x_unavailable',
      detail: 'X answered 503',
    });
    const retryAt = new Date(Date.now() + 15 * 60_000);
    answer = { ok: false, kind: 'rate_limited', retryAt };
    expect(await (await push()).json()).toMatchObject({
      state: 'rate_limited',
      retryAt: retryAt.toISOString(),
    });
    // the gate holds: no request to X before the reset, even for a new pair
    const calls = xWeb.calls.length;
    expect(await (await push()).json()).toMatchObject({ state: 'rate_limited' });
    expect(
      await (await push({ ...pair, ct0: 'another0another0another0another0' })).json(),
    ).toMatchObject({ state: 'rate_limited' });
    expect(xWeb.calls.length).toBe(calls);
  });

  it('a browser sign-out deletes the stored cookies and says signed_out; Disconnect says not_connected', async () => {
    const { push, device, cookie } = await setUp();
    await push();
    const out = await t.request('/api/v1/x/cookies', { method: 'DELETE', headers: device });
    expect(await t.expectDocumented(out, 'DELETE /api/v1/x/cookies', 200)).toMatchObject({
      state: 'signed_out',
    });
    let [row] = await t.deps.db.select().from(xConnections);
    expect(row!.cookiesJwe).toBeNull();
    await push();
    const disconnect = await t.request('/api/v1/x/cookies', {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(await t.expectDocumented(disconnect, 'DELETE /api/v1/x/cookies', 200)).toMatchObject({
      state: 'not_connected',
      handle: null,
    });
    await t.expectDocumented(
      await t.request('/api/v1/x/cookies', { method: 'DELETE' }),
      'DELETE /api/v1/x/cookies',
      401,
    );
    [row] = await t.deps.db.select().from(xConnections);
    expect(row!.cookiesJwe).toBeNull();
  });

  it('Check now re-verifies the stored pair', async () => {
    let answer: XCheckResult = {
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X answered 503',
    };
    const { push, cookie, xWeb } = await setUp(() => answer);
    await push();
    answer = connectedAs('perch_user');
    expect(
      await t.expectDocumented(
        await t.request('/api/v1/x/check', { method: 'POST', headers: { cookie } }),
        'POST /api/v1/x/check',
        200,
      ),
    ).toMatchObject({ state: 'connected' });
    await t.expectDocumented(
      await t.request('/api/v1/x/check', { method: 'POST' }),
      'POST /api/v1/x/check',
      401,
    );
    expect(xWeb.calls).toEqual([pair, pair]);
  });

  it('rechecks connections X failed on, in the background', async () => {
    let answer: XCheckResult = {
      ok: false,
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X did not answer',
    };
    let clock = new Date('2026-11-24T10:00:00Z');
    const xWeb = scriptedXWeb(() => answer);
    t = await createTestApp({ overrides: { xWeb, now: () => clock } });
    const { cookie } = await t.signUp();
    const { deviceToken } = await t.pairDevice(cookie);
    await t.request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: { authorization: `Bearer ${deviceToken}` },
      json: pair,
    });
    expect(await t.deps.xConnection.recheckDue()).toBe(0); // too soon
    clock = new Date(clock.getTime() + 6 * 60_000);
    answer = connectedAs('perch_user');
    expect(await t.deps.xConnection.recheckDue()).toBe(1);
    expect(
      await t.deps.xConnection.status((await t.deps.db.select().from(xConnections))[0]!.userId),
    ).toMatchObject({ state: 'connected' });
  });

  it('a pushed pair is verifying until X answers, even when the last pair was connected', async () => {
    let release: (result: XCheckResult) => void = () => {};
    let answer: XCheckResult | null = connectedAs('perch_user', '4242');
    const xWeb = {
      ...scriptedXWeb(() => answer!),
      verifyCookies: () =>
        answer
          ? Promise.resolve(answer)
          : new Promise<XCheckResult>((resolve) => (release = resolve)),
    };
    t = await createTestApp({ overrides: { xWeb } });
    const { cookie } = await t.signUp();
    const { deviceToken } = await t.pairDevice(cookie);
    const device = { authorization: `Bearer ${deviceToken}` };
    expect(
      await (
        await t.request('/api/v1/x/cookies', { method: 'PUT', headers: device, json: pair })
      ).json(),
    ).toMatchObject({ state: 'connected' });

    answer = null; // X is slow to answer about the rotated pair
    const rotated = { ...pair, ct0: 'ba5eba11ba5eba11ba5eba11ba5eba11' };
    const pushing = t.request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: device,
      json: rotated,
    });
    const statusNow = async () =>
      (await (await t.request('/api/v1/x/status', { headers: { cookie } })).json()) as {
        state: string;
        handle: string;
      };
    for (let i = 0; i < 100 && (await statusNow()).state !== 'verifying'; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(await statusNow()).toMatchObject({ state: 'verifying', handle: 'perch_user' });
    release({ ok: false, kind: 'auth', status: 401, code: 32 });
    expect(await (await pushing).json()).toMatchObject({ state: 'expired' });
    expect(await statusNow()).toMatchObject({ state: 'expired' });
  });

  it('asks X again at start about a pair left verifying by a stopped process, and about one left long ago', async () => {
    let clock = new Date('2026-11-24T10:00:00Z');
    const xWeb = scriptedXWeb(() => connectedAs('perch_user', '4242'));
    t = await createTestApp({ overrides: { xWeb, now: () => clock } });
    const { user } = await t.signUp();
    // what a process killed between storing the pair and X's answer leaves behind
    const stored = {
      userId: user.id,
      state: 'verifying' as const,
      cookiesJwe: await t.deps.cookieVault.seal(pair),
      cookiesFingerprint: t.deps.cookieVault.fingerprint(pair),
      cookiesUpdatedAt: clock,
      updatedAt: clock,
    };
    await t.deps.db.insert(xConnections).values(stored);
    expect(await t.deps.xConnection.recheckDue()).toBe(0); // another process may still be asking X
    expect(await t.deps.xConnection.verifyInterrupted()).toBe(1);
    expect(await t.deps.xConnection.status(user.id)).toMatchObject({
      state: 'connected',
      handle: 'perch_user',
    });
    expect(xWeb.calls).toEqual([pair]);
    expect(await t.deps.xConnection.verifyInterrupted()).toBe(0);

    // left verifying while this process ran (the verification threw): the periodic recheck picks it up later
    await t.deps.db.update(xConnections).set({ state: 'verifying', updatedAt: clock });
    clock = new Date(clock.getTime() + 6 * 60_000);
    expect(await t.deps.xConnection.recheckDue()).toBe(1);
    expect(await t.deps.xConnection.status(user.id)).toMatchObject({ state: 'connected' });
  });

  it('refuses cookies without a device token, and bad cookie values with a clear problem', async () => {
    const { cookie, device } = await setUp();
    const bySession = await t.request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: { cookie },
      json: pair,
    });
    expect(await t.expectDocumented(bySession, 'PUT /api/v1/x/cookies', 401)).toMatchObject({
      code: 'device.required',
    });
    const bad = await t.request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: device,
      json: { authToken: 'has space', ct0: '' },
    });
    const body = JSON.stringify(await t.expectDocumented(bad, 'PUT /api/v1/x/cookies', 400));
    expect(body).toMatch(/authToken/);
    expect(body).not.toContain('has space');
    const forged = await t.request('/api/v1/x/status', {
      headers: { authorization: 'Bearer nonsense' },
    });
    expect(await t.expectDocumented(forged, 'GET /api/v1/x/status', 401)).toMatchObject({
      code: 'device.invalid_token',
    });
  });

  it('keeps users apart: a device only ever touches its own user’s connection', async () => {
    t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const alice = await t.signUp('alice@example.com');
    const bob = await t.signUp('bob@example.com');
    const aliceDevice = await t.pairDevice(alice.cookie);
    await t.request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: { authorization: `Bearer ${aliceDevice.deviceToken}` },
      json: pair,
    });
    expect(
      await (await t.request('/api/v1/x/status', { headers: { cookie: alice.cookie } })).json(),
    ).toMatchObject({ state: 'connected' });
    expect(
      await (await t.request('/api/v1/x/status', { headers: { cookie: bob.cookie } })).json(),
    ).toMatchObject({ state: 'not_connected' });
  });

  it('never puts a cookie value in a response or a log line', async () => {
    const { push, device, cookie } = await setUp();
    await push();
    await push({ ...pair, ct0: 'rotated0rotated0rotated0rotated0' });
    await t.request('/api/v1/x/status', { headers: device });
    await t.request('/api/v1/x/check', { method: 'POST', headers: { cookie } });
    await t.request('/api/v1/x/cookies', { method: 'DELETE', headers: device });
    const everything = [...t.responses, ...t.logLines].join('\n');
    expect(t.logLines.length).toBeGreaterThan(5);
    for (const secret of [pair.authToken, pair.ct0, 'rotated0rotated0rotated0rotated0'])
      expect(everything).not.toContain(secret);
  });
});
