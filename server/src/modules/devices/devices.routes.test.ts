import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

describe('pairing and devices', () => {
  it('trades a single-use code for a device token, lists the device with its last use, and revokes it', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const codeRes = await t.request('/api/v1/pairing-codes', {
      method: 'POST',
      headers: { cookie },
    });
    const { code, expiresAt } = (await t.expectDocumented(
      codeRes,
      'POST /api/v1/pairing-codes',
      201,
    )) as { code: string; expiresAt: string };
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(4.9 * 60_000);

    const redeem = await t.request('/api/v1/devices', {
      method: 'POST',
      json: { code: code.toLowerCase(), deviceName: 'Work Chrome' },
    });
    const { deviceToken, device } = (await t.expectDocumented(
      redeem,
      'POST /api/v1/devices',
      201,
    )) as { deviceToken: string; device: { id: string; lastUsedAt: null } };
    expect(device.lastUsedAt).toBeNull();

    const again = await t.request('/api/v1/devices', { method: 'POST', json: { code } });
    expect(await t.expectDocumented(again, 'POST /api/v1/devices', 410)).toMatchObject({
      code: 'pairing.used',
    });

    const status = await t.request('/api/v1/x/status', {
      headers: { authorization: `Bearer ${deviceToken}` },
    });
    await t.expectDocumented(status, 'GET /api/v1/x/status', 200);
    const list = (await t.expectDocumented(
      await t.request('/api/v1/devices', { headers: { cookie } }),
      'GET /api/v1/devices',
      200,
    )) as { devices: Array<{ name: string; lastUsedAt: string | null }> };
    expect(list.devices).toHaveLength(1);
    expect(list.devices[0]).toMatchObject({ name: 'Work Chrome' });
    expect(list.devices[0]!.lastUsedAt).not.toBeNull();

    await t.expectDocumented(
      await t.request(`/api/v1/devices/${device.id}`, { method: 'DELETE', headers: { cookie } }),
      'DELETE /api/v1/devices/:id',
      204,
    );
    const revoked = await t.request('/api/v1/x/status', {
      headers: { authorization: `Bearer ${deviceToken}` },
    });
    expect(await t.expectDocumented(revoked, 'GET /api/v1/x/status', 401)).toMatchObject({
      code: 'device.revoked',
    });
    await t.expectDocumented(
      await t.request('/api/v1/devices/not-a-uuid', { method: 'DELETE', headers: { cookie } }),
      'DELETE /api/v1/devices/:id',
      404,
    );
  });

  it('refuses an expired code and an unknown code, each with its own sentence', async () => {
    let clock = new Date('2026-11-24T10:00:00Z');
    t = await createTestApp({ overrides: { now: () => clock } });
    const { cookie } = await t.signUp();
    const { code } = (await (
      await t.request('/api/v1/pairing-codes', { method: 'POST', headers: { cookie } })
    ).json()) as { code: string };
    clock = new Date(clock.getTime() + 5 * 60_000 + 1);
    const expired = await t.request('/api/v1/devices', { method: 'POST', json: { code } });
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({
      code: 'pairing.expired',
      detail: expect.stringMatching(/5 minutes/),
    });
    const unknown = await t.request('/api/v1/devices', {
      method: 'POST',
      json: { code: 'ZZZZ-ZZZZ' },
    });
    expect(await t.expectDocumented(unknown, 'POST /api/v1/devices', 400)).toMatchObject({
      code: 'pairing.unknown',
    });
  });

  it('keeps users apart: one user cannot see or revoke another user’s devices', async () => {
    t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const alice = await t.signUp('alice@example.com');
    const bob = await t.signUp('bob@example.com');
    const { device } = await t.pairDevice(alice.cookie);
    const bobsList = (await (
      await t.request('/api/v1/devices', { headers: { cookie: bob.cookie } })
    ).json()) as { devices: unknown[] };
    expect(bobsList.devices).toEqual([]);
    expect(
      (
        await t.request(`/api/v1/devices/${device.id}`, {
          method: 'DELETE',
          headers: { cookie: bob.cookie },
        })
      ).status,
    ).toBe(404);
    const alicesList = (await (
      await t.request('/api/v1/devices', { headers: { cookie: alice.cookie } })
    ).json()) as { devices: unknown[] };
    expect(alicesList.devices).toHaveLength(1);
  });

  it('redeems the code and creates the device together: a device insert that fails leaves the code usable', async () => {
    t = await createTestApp();
    const { cookie } = await t.signUp();
    const { code } = (await (
      await t.request('/api/v1/pairing-codes', { method: 'POST', headers: { cookie } })
    ).json()) as { code: string };
    // the schema refuses NUL first; called directly, the service reaches an insert PostgreSQL refuses
    await expect(
      t.deps.devices.redeemPairingCode(code.replace('-', ''), 'Work\u0000Chrome'),
    ).rejects.toThrow();
    const redeem = await t.request('/api/v1/devices', {
      method: 'POST',
      json: { code, deviceName: 'Work Chrome' },
    });
    expect(redeem.status).toBe(201);
    const list = (await (await t.request('/api/v1/devices', { headers: { cookie } })).json()) as {
      devices: Array<{ name: string }>;
    };
    expect(list.devices.map((d) => d.name)).toEqual(['Work Chrome']);
  });
});
