import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../lib/logger.ts';
import type { XConnectionService } from './x-connection.service.ts';

export const xConnectionJobs = {
  /** Re-asks X about connections that failed for X's reasons (down, rate limited). */
  recheck: 'x-connection.recheck',
  /** Sent once at every start: asks X about pairs a stopped process stored and never heard back about. */
  verifyInterrupted: 'x-connection.verify-interrupted',
} as const;

export function registerXConnectionJobs({
  jobQueue,
  logger,
  xConnection,
}: {
  jobQueue: JobQueue;
  logger: Logger;
  xConnection: XConnectionService;
}) {
  // exclusive: one recheck queued or running at a time, however many processes share the database.
  jobQueue.define(xConnectionJobs.recheck, {
    policy: 'exclusive',
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
  });
  jobQueue.schedule(xConnectionJobs.recheck, '* * * * *');
  jobQueue.work(xConnectionJobs.recheck, async () => {
    const checked = await xConnection.recheckDue();
    if (checked > 0)
      logger.info({ module: 'x-connection', checked }, 'rechecked connections X had failed on');
  });

  // Its own queue, stately rather than exclusive: a job left active by a killed process cannot swallow this start's.
  jobQueue.define(xConnectionJobs.verifyInterrupted, {
    policy: 'stately',
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
  });
  jobQueue.work(xConnectionJobs.verifyInterrupted, async () => {
    const checked = await xConnection.verifyInterrupted();
    if (checked > 0)
      logger.info(
        { module: 'x-connection', checked },
        'verified x cookies a stopped process had stored',
      );
  });
}

/** At every start, once the queue runs: pairs a stopped process stored and never heard back about are verified. */
export const sendVerifyInterrupted = (jobQueue: JobQueue) =>
  jobQueue.send(xConnectionJobs.verifyInterrupted, {});
