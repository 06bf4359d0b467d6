import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../test-utils/app.ts';
import { xConnectionJobs } from '../modules/x-connection/x-connection.jobs.ts';
import { xDmJobs } from '../modules/x-dm/x-dm.jobs.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

describe('job queue', () => {
  it('starts pg-boss on this database, registers every queue and schedules the recheck', async () => {
    t = await createTestApp();
    const boss = await t.deps.startJobs();
    const queues = (await boss.getQueues()).map((q) => q.name);
    expect(queues).toContain(xConnectionJobs.recheck);
    expect(queues).toEqual(expect.arrayContaining(Object.values(xDmJobs)));
    const schedules = await boss.getSchedules();
    expect(schedules.map((s) => s.name)).toEqual(expect.arrayContaining([xConnectionJobs.recheck, xDmJobs.daily, xDmJobs.refresh]));
  });

  it('runs the recheck job through the queue, and only one at a time', async () => {
    t = await createTestApp();
    const boss = await t.deps.startJobs();
    const first = await boss.send(xConnectionJobs.recheck, {});
    const second = await boss.send(xConnectionJobs.recheck, {});
    expect(first).toBeTruthy();
    expect(second).toBeNull(); // exclusive queue: a second one is not queued
    await expect.poll(async () => (await boss.getJobById(xConnectionJobs.recheck, first!))?.state, { timeout: 15_000, interval: 200 }).toBe('completed');
  });
});
