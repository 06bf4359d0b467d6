/**
 * The DM sync through pg-boss: Sync DMs now is a queued job, one per user at a time, and a run that X's budget
 * stops puts itself back in the queue for when X's window ends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { startPgBoss } from '../../test-utils/app.ts';
import { connectDm, createDmTestApp, type TestApp } from '../../test-utils/x-dm.ts';
import { xDmJobs } from './x-dm.jobs.ts';

const me = { userId: '6500', screenName: 'perch_jobs', name: 'Perch Jobs' };
const peer = { userId: '6501', screenName: 'peer_jobs', name: 'Peer' };
let fakeX: FakeX;
let t: TestApp;

beforeEach(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
  fakeX.addAccount(peer);
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterEach(async () => {
  await t.close();
  await fakeX.close();
});

const rowsOf = (result: unknown) =>
  ((result as { rows?: unknown[] }).rows ?? result) as Array<Record<string, unknown>>;

describe('DM sync jobs', () => {
  it('runs Sync DMs now on the queue, and a run the budget stopped is queued again for when X’s window ends', async () => {
    t = await createDmTestApp(fakeX, { overrides: { jobQueue: 'pg-boss' } });
    const { cookie, user } = await t.signUp();
    await t.deps.startJobs();
    await connectDm(t, cookie); // the first sync goes through the queue too
    await expect
      .poll(async () => (await t.deps.xDm.status(user.id)).lastSync?.status, {
        timeout: 20_000,
        interval: 200,
      })
      .toBe('finished');

    let id = 1930000000000000000n;
    fakeX.dm.addEvents(
      Array.from({ length: 250 }, () => ({
        id: String(++id),
        senderId: peer.userId,
        recipientId: me.userId,
        text: 'hi',
      })),
    );
    fakeX.dm.setBudget({ limit: 1, windowSeconds: 900 });
    const res = await t.request('/api/v1/x-dm/sync', { method: 'POST', headers: { cookie } });
    expect(await t.expectDocumented(res, 'POST /api/v1/x-dm/sync', 202)).toMatchObject({
      state: 'connected',
      lastSync: { status: 'queued' },
    });
    await expect
      .poll(async () => (await t.deps.xDm.status(user.id)).lastSync?.status, {
        timeout: 20_000,
        interval: 200,
      })
      .toBe('paused');
    const { lastSync } = await t.deps.xDm.status(user.id);
    expect(lastSync).toMatchObject({ requests: 1, unknown: 100 });

    const waiting = async () =>
      rowsOf(
        await t.deps.db.execute(
          `select state, start_after from pgboss.job where name = '${xDmJobs.sync}' and singleton_key = '${user.id}' and state = 'created'`,
        ),
      );
    await expect
      .poll(async () => (await waiting()).length, { timeout: 10_000, interval: 200 })
      .toBe(1);
    const startAfter = new Date(String((await waiting())[0]!.start_after));
    expect(Math.abs(startAfter.getTime() - Date.parse(lastSync!.resumeAt!))).toBeLessThan(1000);
  });

  it('an app X refuses is not retried in 15 minutes: the daily run tries a capped app again, and leaves an unattached app or spent credits to Sync DMs now', async () => {
    t = await createDmTestApp(fakeX, {
      env: { PERCH_ALLOW_SIGNUP: 'true' },
      overrides: { jobQueue: 'pg-boss' },
    });
    const boss = await startPgBoss(t.deps);
    const accounts = [
      me,
      { userId: '6502', screenName: 'perch_jobs_b', name: 'B' },
      { userId: '6503', screenName: 'perch_jobs_c', name: 'C' },
    ];
    const users: Array<{ cookie: string; id: string }> = [];
    for (const [i, account] of accounts.entries()) {
      fakeX.addAccount(account);
      const { cookie, user } = await t.signUp(`owner${i}@example.com`);
      fakeX.oauth.setConsent({ userId: account.userId, approve: true });
      await connectDm(t, cookie);
      await expect
        .poll(async () => (await t.deps.xDm.status(user.id)).lastSync?.status, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe('finished');
      users.push({ cookie, id: user.id });
    }
    const [forbidden, capped, spent] = users as [
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
    ];
    const modes = [
      ['client_forbidden', forbidden],
      ['usage_capped', capped],
      ['credits_depleted', spent],
    ] as const;
    for (const [mode, user] of modes) {
      fakeX.setMode(mode);
      expect(
        (await t.request('/api/v1/x-dm/sync', { method: 'POST', headers: { cookie: user.cookie } }))
          .status,
      ).toBe(202);
      await expect
        .poll(async () => (await t.deps.xDm.status(user.id)).lastSync?.status, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe('failed');
    }
    // none of them is waiting in the queue to be tried again
    const syncJobs = async (userId: string, since = new Date(0)) =>
      rowsOf(
        await t.deps.db.execute(
          `select state from pgboss.job where name = '${xDmJobs.sync}' and singleton_key = '${userId}' and created_on > '${since.toISOString()}'`,
        ),
      );
    for (const user of users)
      expect(
        (await syncJobs(user.id)).filter((j) => j.state === 'created' || j.state === 'retry'),
      ).toEqual([]);

    fakeX.setMode('ok');
    const dailyAt = new Date();
    await boss.send(xDmJobs.daily, {});
    await expect
      .poll(
        async () =>
          rowsOf(
            await t.deps.db.execute(`select state from pgboss.job where name = '${xDmJobs.daily}'`),
          ).map((j) => j.state),
        { timeout: 20_000, interval: 200 },
      )
      .toEqual(['completed']);
    await expect
      .poll(async () => (await t.deps.xDm.status(capped.id)).lastSync?.status, {
        timeout: 20_000,
        interval: 200,
      })
      .toBe('finished');
    expect(await syncJobs(forbidden.id, dailyAt)).toEqual([]);
    expect(await syncJobs(spent.id, dailyAt)).toEqual([]);
    expect((await t.deps.xDm.status(forbidden.id)).lastSync).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Your X app is not attached to a Project/),
    });
    expect((await t.deps.xDm.status(spent.id)).lastSync).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Your X app’s prepaid X API credits are spent/),
    });
    // Sync DMs now is what tries them again
    expect(
      (await t.request('/api/v1/x-dm/sync', { method: 'POST', headers: { cookie: spent.cookie } }))
        .status,
    ).toBe(202);
    await expect
      .poll(async () => (await t.deps.xDm.status(spent.id)).lastSync?.status, {
        timeout: 20_000,
        interval: 200,
      })
      .toBe('finished');
  });
});
