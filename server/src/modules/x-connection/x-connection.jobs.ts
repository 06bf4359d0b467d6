import type { Boss } from '../../jobs/boss.ts';
import type { Logger } from '../../lib/logger.ts';
import type { XConnectionService } from './x-connection.service.ts';

export const xConnectionJobs = {
  /** Re-asks X about connections that failed for X's reasons (down, rate limited). */
  recheck: 'x-connection.recheck',
  /** Sent once at every start: asks X about pairs a stopped process stored and never heard back about. */
  verifyInterrupted: 'x-connection.verify-interrupted',
} as const;

export async function registerXConnectionJobs({ boss, logger, xConnection }: { boss: Boss; logger: Logger; xConnection: XConnectionService }) {
  // exclusive: one recheck queued or running at a time, however many processes share the database.
  await boss.createQueue(xConnectionJobs.recheck, { policy: 'exclusive', retryLimit: 2, retryDelay: 30, retryBackoff: true });
  await boss.schedule(xConnectionJobs.recheck, '* * * * *');
  await boss.work(xConnectionJobs.recheck, async () => {
    const checked = await xConnection.recheckDue();
    if (checked > 0) logger.info({ module: 'x-connection', checked }, 'rechecked connections X had failed on');
  });

  // Its own queue, not exclusive: a job queued by a recheck or left active by a killed process cannot swallow it.
  await boss.createQueue(xConnectionJobs.verifyInterrupted, { retryLimit: 2, retryDelay: 30, retryBackoff: true });
  await boss.work(xConnectionJobs.verifyInterrupted, async () => {
    const checked = await xConnection.verifyInterrupted();
    if (checked > 0) logger.info({ module: 'x-connection', checked }, 'verified x cookies a stopped process had stored');
  });
  await boss.send(xConnectionJobs.verifyInterrupted, {});
}
