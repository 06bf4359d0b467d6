import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../lib/logger.ts';
import type { XConnectionService } from './x-connection.service.ts';

export const xConnectionJobs = {
  /** Re-asks X about connections that failed for X's reasons (down, rate limited). */
  recheck: 'x-connection.recheck',
} as const;

export function registerXConnectionJobs({ jobQueue, logger, xConnection }: { jobQueue: JobQueue; logger: Logger; xConnection: XConnectionService }) {
  // exclusive: one recheck queued or running at a time, however many processes share the database.
  jobQueue.define(xConnectionJobs.recheck, { policy: 'exclusive', retryLimit: 2, retryDelay: 30, retryBackoff: true });
  jobQueue.schedule(xConnectionJobs.recheck, '* * * * *');
  jobQueue.work(xConnectionJobs.recheck, async () => {
    const checked = await xConnection.recheckDue();
    if (checked > 0) logger.info({ module: 'x-connection', checked }, 'rechecked connections X had failed on');
  });
}
