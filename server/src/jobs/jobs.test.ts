import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../test/fake-x/index.ts';
import { connectedAs, createTestApp, scriptedXWeb, startPgBoss } from '../test-utils/app.ts';
import { xConnectionJobs } from '../modules/x-connection/x-connection.jobs.ts';
import { runHeartbeatSeconds, xSyncJobs } from '../modules/x-sync/x-sync.jobs.ts';
import { connectedToFakeX } from '../modules/x-sync/x-sync.test-utils.ts';
import { xDmJobs } from '../modules/x-dm/x-dm.jobs.ts';
import { createPgBossQueue, type Boss } from './boss.ts';
import { xWorkRetries } from './job-queue.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const poll = { timeout: 20_000, interval: 100 };
const jobsOf = (boss: Boss, queue: string, userId: string) =>
  boss.findJobs<{ userId: string }>(queue, { key: userId });
const stateOf = async (boss: Boss, queue: string, id: string) =>
  (await boss.findJobs(queue, { id }))[0]?.state;

/** A user whose cookies the scripted X accepts as @<handle>; the sync runs themselves never reach X. */
async function connectedUser(email: string, authToken: string) {
  const { cookie, user } = await t.signUp(email);
  await t.pushCookies(cookie, { authToken, ct0: `${authToken}-ct0` });
  return user.id;
}
const scriptedX = () =>
  scriptedXWeb((pair) => connectedAs(pair.authToken, String(1000 + pair.authToken.length)));

describe('job queue', () => {
  it('starts pg-boss on this database, registers every queue and schedules the recheck and the daily sync', async () => {
    t = await createTestApp({ overrides: { jobQueue: 'pg-boss' } });
    const boss = await startPgBoss(t.deps);
    const queues = await boss.getQueues();
    expect(queues.map((q) => q.name)).toEqual(
      expect.arrayContaining([
        xConnectionJobs.recheck,
        ...Object.values(xSyncJobs),
        ...Object.values(xDmJobs),
      ]),
    );
    expect(queues.find((q) => q.name === xSyncJobs.run)).toMatchObject({
      policy: 'exclusive',
      retryLimit: 3,
      retryBackoff: true,
    });
    const schedules = await boss.getSchedules();
    expect(schedules.map((s) => s.name)).toEqual(
      expect.arrayContaining([xConnectionJobs.recheck, xDmJobs.daily, xDmJobs.refresh]),
    );
    expect(schedules.find((s) => s.name === xSyncJobs.daily)).toMatchObject({ cron: '0 6 * * *' });
  });

  it('runs the recheck job through the queue, and only one at a time', async () => {
    t = await createTestApp({ overrides: { jobQueue: 'pg-boss' } });
    const boss = await startPgBoss(t.deps);
    const first = await boss.send(xConnectionJobs.recheck, {});
    const second = await boss.send(xConnectionJobs.recheck, {});
    expect(first).toBeTruthy();
    expect(second).toBeNull(); // exclusive queue: a second one is not queued
    await expect
      .poll(async () => (await boss.getJobById(xConnectionJobs.recheck, first!))?.state, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe('completed');
  });
});

describe('x-sync jobs', () => {
  let fakeX: FakeX;
  beforeAll(async () => {
    fakeX = await startFakeX();
  });
  afterAll(() => fakeX.close());

  it('a run is a per-user singleton: asking again while it is queued or running changes nothing', async () => {
    const me = {
      authToken: 'jobsauth0token0a1b2c3d4e5f60718293a4b5c6d',
      ct0: 'jobsct0value0aaaabbbbccccddddeeeeffff',
      userId: '9100',
      screenName: 'perch_jobs',
      name: 'Jobs',
    };
    let userId: string;
    ({ t, userId } = await connectedToFakeX(fakeX, me, [], { jobQueue: 'pg-boss' }));
    const boss = await startPgBoss(t.deps);
    fakeX.setMode('slow', { delayMs: 1_000 }); // each request takes a second: the run stays active a while

    await Promise.all([t.deps.requestSync(userId), t.deps.requestSync(userId)]);
    const [job] = await jobsOf(boss, xSyncJobs.run, userId);
    expect(await jobsOf(boss, xSyncJobs.run, userId)).toHaveLength(1);
    expect((await t.deps.xSyncRunner.progress(userId))?.status).toBe('queued');

    await expect.poll(() => stateOf(boss, xSyncJobs.run, job!.id), poll).toBe('active');
    await t.deps.requestSync(userId);
    await t.deps.requestSync(userId);
    expect(await jobsOf(boss, xSyncJobs.run, userId)).toHaveLength(1);
    expect((await t.deps.xSyncRunner.progress(userId))?.status).toBe('running'); // not reset to queued

    await expect.poll(() => stateOf(boss, xSyncJobs.run, job!.id), poll).toBe('completed');
    // one run, not three: one search for mentions, one for the user's replies
    expect(
      fakeX.requests
        .filter((r) => r.operation === 'SearchTimeline')
        .map((r) => r.variables.rawQuery),
    ).toEqual(['@perch_jobs', 'from:perch_jobs filter:replies']);
    expect((await t.deps.xSyncRunner.progress(userId))?.status).toBe('finished');

    fakeX.setMode('ok');
    await t.deps.requestSync(userId); // once it is done, a new one is welcome
    expect(await jobsOf(boss, xSyncJobs.run, userId)).toHaveLength(2);
  });

  it('a run turned away by the rate-limit gate comes back at the reset time, without asking X before it', async () => {
    const me = {
      authToken: 'gateauth0token0a1b2c3d4e5f60718293a4b5c6d',
      ct0: 'gatect0value0aaaabbbbccccddddeeeeffff',
      userId: '9200',
      screenName: 'perch_gate',
      name: 'Gate',
    };
    let userId: string;
    ({ t, userId } = await connectedToFakeX(fakeX, me, [], { jobQueue: 'pg-boss' }));
    const boss = await startPgBoss(t.deps);
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10 * 60_000);
    await t.deps.xConnection.recordSyncFailure(userId, {
      ok: false,
      kind: 'rate_limited',
      retryAt: resetAt,
    });

    await t.deps.requestSync(userId);
    const [run] = await jobsOf(boss, xSyncJobs.run, userId);
    await expect.poll(() => stateOf(boss, xSyncJobs.run, run!.id), poll).toBe('completed');
    const [resume] = await jobsOf(boss, xSyncJobs.resume, userId);
    expect(resume).toMatchObject({ state: 'created', data: { userId } });
    expect(resume!.startAfter.getTime()).toBe(resetAt.getTime());
    expect(fakeX.requests).toHaveLength(0);
    expect(await t.deps.xSyncRunner.progress(userId)).toMatchObject({
      status: 'finished',
      resumesAt: resetAt.toISOString(),
      error: `X asked Perch to wait until ${resetAt.toISOString().slice(11, 16)} UTC; the sync resumes by itself.`,
    });

    // when the resume comes due it queues the run again (here brought forward; the gate is still closed, so
    // that run too only sets the next resume)
    await boss.deleteJob(xSyncJobs.resume, resume!.id);
    await boss.send(xSyncJobs.resume, { userId }, { singletonKey: userId });
    await expect.poll(async () => (await jobsOf(boss, xSyncJobs.run, userId)).length, poll).toBe(2);
    await expect
      .poll(
        async () =>
          (await jobsOf(boss, xSyncJobs.resume, userId)).filter((j) => j.state === 'created')
            .length,
        poll,
      )
      .toBe(1);
    expect(fakeX.requests).toHaveLength(0);
  });

  it('a run that used up this window’s budget (Perch’s own pacing, no 429) comes back at the window’s end', async () => {
    const me = {
      authToken: 'paceauth0token0a1b2c3d4e5f60718293a4b5c6d',
      ct0: 'pacect0value0aaaabbbbccccddddeeeeffff',
      userId: '9300',
      screenName: 'perch_pace',
      name: 'Pace',
    };
    let userId: string;
    ({ t, userId } = await connectedToFakeX(fakeX, me, [], { jobQueue: 'pg-boss' }));
    fakeX.setBudget('SearchTimeline', { limit: 1, windowSeconds: 900 }); // one search per window: mentions, then none
    const boss = await startPgBoss(t.deps);
    await t.deps.requestSync(userId);
    const [run] = await jobsOf(boss, xSyncJobs.run, userId);
    await expect.poll(() => stateOf(boss, xSyncJobs.run, run!.id), poll).toBe('completed');
    const progress = await t.deps.xSyncRunner.progress(userId);
    expect(progress).toMatchObject({
      status: 'finished',
      resumesAt: expect.any(String),
      error: expect.stringContaining('goes on by itself'),
    });
    expect(progress!.outcomes.map((o) => [o.sync, o.ok])).toEqual([
      ['mentions', true],
      ['replies', false],
      ['bios', true],
    ]);
    const [resume] = await jobsOf(boss, xSyncJobs.resume, userId);
    expect(resume).toMatchObject({ state: 'created', data: { userId } });
    expect(resume!.startAfter.toISOString()).toBe(progress!.resumesAt);
    expect(fakeX.requests.filter((r) => r.status === 429)).toEqual([]); // the replies search was held back, not refused
    expect(await t.deps.xConnection.status(userId)).toMatchObject({ state: 'connected' });
  });

  it('retries a run that threw for a reason of Perch’s own, with backoff', async () => {
    t = await createTestApp({ overrides: { xWeb: scriptedX(), jobQueue: 'pg-boss' } }); // forAccount throws: an unexpected error
    const boss = await startPgBoss(t.deps);
    const userId = await connectedUser('owner@example.com', 'retry-token');
    const started = Date.now();
    await t.deps.requestSync(userId);
    const [job] = await jobsOf(boss, xSyncJobs.run, userId);
    await expect.poll(() => stateOf(boss, xSyncJobs.run, job!.id), poll).toBe('retry');
    const [retrying] = await jobsOf(boss, xSyncJobs.run, userId);
    expect(retrying).toMatchObject({
      state: 'retry',
      retryLimit: 3,
      output: { message: expect.stringContaining('scriptedXWeb only answers verifyCookies') },
    });
    expect(retrying!.startAfter.getTime()).toBeGreaterThanOrEqual(started + 60_000);
    expect(await t.deps.xSyncRunner.progress(userId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Perch hit an unexpected error/),
    });
    expect(
      t.logLines.filter(
        (l) =>
          l.includes('"msg":"x sync run failed"') &&
          l.includes('scriptedXWeb only answers verifyCookies'),
      ),
    ).toHaveLength(1);
  });

  it('the daily job queues one run per connected user, and only one however often it fires', async () => {
    t = await createTestApp({
      env: { PERCH_ALLOW_SIGNUP: 'true' },
      overrides: { xWeb: scriptedX(), jobQueue: 'pg-boss' },
    });
    const boss = await startPgBoss(t.deps);
    const ann = await connectedUser('ann@example.com', 'ann-token');
    const ben = await connectedUser('ben@example.com', 'ben-token-longer');
    const { user: cat } = await t.signUp('cat@example.com'); // never connected X

    for (let fired = 0; fired < 2; fired++) {
      const daily = await boss.send(xSyncJobs.daily, {});
      await expect.poll(() => stateOf(boss, xSyncJobs.daily, daily!), poll).toBe('completed');
    }
    expect(await jobsOf(boss, xSyncJobs.run, ann)).toHaveLength(1);
    expect(await jobsOf(boss, xSyncJobs.run, ben)).toHaveLength(1);
    expect(await jobsOf(boss, xSyncJobs.run, cat.id)).toHaveLength(0);
    expect(
      (await boss.findJobs<{ userId: string }>(xSyncJobs.run)).map((j) => j.data.userId).sort(),
    ).toEqual([ann, ben].sort());
  });
});

describe('a worker that dies mid-run (issue 9, item 9)', () => {
  let fakeX: FakeX;
  beforeAll(async () => {
    fakeX = await startFakeX();
  });
  afterAll(() => fakeX.close());

  it('has its run taken over by another worker within a minute, which finishes it', async () => {
    const me = {
      authToken: 'deadauth0token0a1b2c3d4e5f60718293a4b5c6d',
      ct0: 'deadct0value0aaaabbbbccccddddeeeeffff',
      userId: '9400',
      screenName: 'perch_dead',
      name: 'Dead',
    };
    let userId: string, cookie: string;
    ({ t, userId, cookie } = await connectedToFakeX(fakeX, me, [], { jobQueue: 'pg-boss' }));
    // The dead worker: another pg-boss on the same database claims the run and then never heartbeats or settles
    // it, as a process SIGKILLed mid-run leaves it.
    const dead = createPgBossQueue({ database: t.deps.database, logger: t.deps.logger });
    dead.define(xSyncJobs.run, {
      policy: 'exclusive',
      ...xWorkRetries,
      heartbeatSeconds: runHeartbeatSeconds,
    });
    await dead.start();
    try {
      await dead.send(xSyncJobs.run, { userId }, { singletonKey: userId });
      const [claimed] = await dead.boss.fetch<{ userId: string }>(xSyncJobs.run);
      expect(claimed?.data.userId).toBe(userId);
      const crashedAt = Date.now();
      await t.deps.xSyncState.recordRun(userId, {
        status: 'running',
        startedAt: new Date(crashedAt).toISOString(),
        heartbeatAt: new Date(crashedAt).toISOString(),
        finishedAt: null,
        contactsDone: 6,
        contactsTotal: 23,
        outcomes: [],
        error: null,
      });

      const boss = await startPgBoss(t.deps); // the live worker
      const res = await t.request('/api/v1/x/sync', { method: 'POST', headers: { cookie } });
      expect(await res.json()).toMatchObject({
        waitingFor: expect.stringMatching(
          /^Waiting for the sync started at \d\d:\d\d UTC to finish \(last progress \d+ s ago\)\.$/,
        ),
      });
      expect(await jobsOf(boss, xSyncJobs.run, userId)).toHaveLength(1); // Sync now queued nothing beside it

      await expect
        .poll(async () => (await t.deps.xSyncRunner.progress(userId))?.status, {
          timeout: 70_000,
          interval: 250,
        })
        .toBe('finished');
      const progress = await t.deps.xSyncRunner.progress(userId);
      expect(progress!.tookOverAt).toBeTruthy();
      expect(Date.parse(progress!.tookOverAt!) - crashedAt).toBeLessThan(60_000);
      expect((await boss.getJobById(xSyncJobs.run, claimed!.id))?.state).toBe('completed');
    } finally {
      await dead.stop();
    }
  }, 120_000);
});
