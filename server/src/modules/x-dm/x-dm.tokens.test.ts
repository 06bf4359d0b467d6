/**
 * Token refresh against the fake X: before a call, on the schedule, when X has revoked the grant, and with two
 * processes racing for the same single-use refresh token.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { xDmExpiredSentence } from '@perch/shared';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { createDeps } from '../../deps.ts';
import { openPostgres, type Database } from '../../db/client.ts';
import { testDatabaseUrl } from '../../test-utils/db.ts';
import { connectDm, createDmTestApp, type TestApp } from '../../test-utils/x-dm.ts';
import { xDmConnections } from './x-dm.table.ts';

const me = { userId: '6200', screenName: 'perch_tokens', name: 'Perch Tokens' };
let fakeX: FakeX;
let t: TestApp;
let clock: Date;
let userId: string;
let cookie: string;

beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
});
beforeEach(() => {
  fakeX.reset();
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterEach(() => t.close());
afterAll(() => fakeX.close());

/** Connected, the first sync done; with `nearExpiry`, the clock then moves to 5 minutes before the token expires. */
async function connected({ nearExpiry = false } = {}) {
  clock = new Date();
  t = await createDmTestApp(fakeX, { overrides: { now: () => clock } });
  ({
    cookie,
    user: { id: userId },
  } = await t.signUp());
  expect(await connectDm(t, cookie)).toBe('/settings?x_dm=connected');
  await expect
    .poll(async () => (await t.deps.xDm.status(userId)).lastSync?.status, { timeout: 10_000 })
    .toBe('finished');
  fakeX.oauth.tokenRequests.length = 0;
  if (nearExpiry) clock = new Date(clock.getTime() + 115 * 60_000);
}
const refreshes = () =>
  fakeX.oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').map((r) => r.status);
const row = async () => (await t.deps.db.select().from(xDmConnections))[0]!;

describe('refresh', () => {
  it('before a call, when the access token is about to expire; the new pair is stored at once', async () => {
    await connected({ nearExpiry: true }); // 5 minutes left: inside the 10-minute margin
    const before = await row();
    const access = await t.deps.xDmTokens.accessFor(userId);
    expect(access.ok).toBe(true);
    expect(refreshes()).toEqual([200]);
    const after = await row();
    expect(after.tokensJwe).not.toBe(before.tokensJwe);
    expect(after.accessExpiresAt.getTime()).toBe(clock.getTime() + 7200_000);
    expect(after.refreshLastUsedAt).toEqual(clock);
    expect((await t.deps.xDmTokens.open(after.tokensJwe)).accessToken).toBe(
      access.ok && access.accessToken,
    );
    // now fresh: no second refresh
    await t.deps.xDmTokens.accessFor(userId);
    expect(refreshes()).toEqual([200]);
    const status = await t.deps.xDm.status(userId);
    expect(status.refreshIssuedAt).toBe(clock.toISOString());
  });

  it('on the schedule: only connections whose token expires within the margin', async () => {
    await connected();
    expect(await t.deps.xDmTokens.refreshDue()).toEqual({ refreshed: 0, failed: 0 });
    clock = new Date(clock.getTime() + 115 * 60_000); // 5 minutes before expiry
    expect(await t.deps.xDmTokens.refreshDue()).toEqual({ refreshed: 1, failed: 0 });
    expect(refreshes()).toEqual([200]);
    expect(await t.deps.xDmTokens.refreshDue()).toEqual({ refreshed: 0, failed: 0 });
  });

  it('a refresh token X revoked: expired, "Reconnect X direct messages", one notification a day', async () => {
    await connected();
    fakeX.oauth.revokeUser(me.userId);
    clock = new Date(clock.getTime() + 115 * 60_000);
    expect(await t.deps.xDmTokens.refreshDue()).toEqual({ refreshed: 0, failed: 1 });
    expect(refreshes()).toEqual([400]);
    expect(await t.deps.xDm.status(userId)).toMatchObject({
      state: 'expired',
      handle: 'perch_tokens',
    });
    expect(await t.deps.xDmTokens.accessFor(userId)).toEqual({
      ok: false,
      reason: 'expired',
      detail: xDmExpiredSentence,
    });
    expect(await t.deps.xDmSync.syncAll(userId)).toMatchObject({ status: 'failed', requests: 0 });
    expect(refreshes()).toEqual([400]); // an expired connection is not tried again
    const notes = (await t.deps.notifications.list(userId)).filter(
      (n) => n.kind === 'x_dm_expired',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.title).toBe(xDmExpiredSentence);
    expect(xDmExpiredSentence).toMatch(/^Reconnect X direct messages/);
    expect(
      t.logLines.some(
        (l) =>
          l.includes('x dm token refresh failed') && l.includes('"errorClass":"invalid_grant"'),
      ),
    ).toBe(true);
  });

  // On PostgreSQL the two "processes" are two deps with their own connection pools on one database, and the row
  // lock (SELECT … FOR UPDATE) is what keeps the second out. On PGlite there is only ever one process (the data
  // folder is locked) and one connection, whose transaction mutex serialises the two refreshes trivially.
  it('two processes refreshing the same token at once: one refresh reaches X, both use the new token', async () => {
    await connected({ nearExpiry: true });
    const shared: Database = testDatabaseUrl
      ? await openPostgres((t.deps.database.queueConnection as { url: string }).url)
      : { ...t.deps.database, close: async () => {} };
    const other = await createDeps(t.deps.config, {
      database: shared,
      keyring: t.deps.keyring,
      logger: t.deps.logger,
      now: () => clock,
    });
    try {
      fakeX.setMode('slow', { delayMs: 300 }); // both have read the row before the first refresh is answered
      const [a, b] = await Promise.all([
        t.deps.xDmTokens.accessFor(userId),
        other.xDmTokens.accessFor(userId),
      ]);
      fakeX.setMode('ok');
      expect(refreshes()).toEqual([200]);
      expect(a.ok && b.ok).toBe(true);
      expect(a.ok && a.accessToken).toBe(b.ok && b.accessToken);
      expect((await t.deps.xDm.status(userId)).state).toBe('connected');
      expect(
        await (
          await fetch(`${fakeX.url}/2/users/me`, {
            headers: { authorization: `Bearer ${a.ok && a.accessToken}` },
          })
        ).status,
      ).toBe(200);
    } finally {
      await other.close();
    }
  });
});
