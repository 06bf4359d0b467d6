import { xWorkRetries, type JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../lib/logger.ts';
import type { XMetrics } from './x-metrics.service.ts';

export const xMetricsJobs = {
  /** Every 5 minutes: queue a snapshot round for each user with snapshots due. */
  due: 'x-metrics.due',
  /** One user's due snapshots. */
  snapshots: 'x-metrics.snapshots',
  /** Daily: queue the account figures of each user who publishes. */
  daily: 'x-metrics.daily',
  /** One user's account figures for today. */
  account: 'x-metrics.account',
} as const;

export function registerXMetricsJobs({
  jobQueue,
  logger,
  xMetrics,
}: {
  jobQueue: JobQueue;
  logger: Logger;
  xMetrics: XMetrics;
}) {
  const log = logger.child({ module: 'x-metrics' });
  // exclusive + singletonKey = user: one round queued or running per user across every process, so two rounds
  // never take (and spend budget on) the same rows. A round the budget stops is picked up by a later tick.
  jobQueue.define(xMetricsJobs.due, { policy: 'exclusive' });
  jobQueue.define(xMetricsJobs.snapshots, { policy: 'exclusive', ...xWorkRetries });
  jobQueue.define(xMetricsJobs.daily, { policy: 'exclusive' });
  jobQueue.define(xMetricsJobs.account, { policy: 'exclusive', ...xWorkRetries });
  jobQueue.schedule(xMetricsJobs.due, '*/5 * * * *');
  jobQueue.schedule(xMetricsJobs.daily, '15 7 * * *');

  jobQueue.work(xMetricsJobs.due, async () => {
    for (const userId of await xMetrics.dueUserIds())
      await jobQueue.send(xMetricsJobs.snapshots, { userId }, { singletonKey: userId });
  });
  jobQueue.work<{ userId: string }>(xMetricsJobs.snapshots, async (job) => {
    const outcome = await xMetrics.takeDue(job.data.userId);
    if (outcome.requests > 0)
      log.info({ userId: job.data.userId, ...outcome }, 'x metrics snapshots taken');
  });
  jobQueue.work(xMetricsJobs.daily, async () => {
    const userIds = await xMetrics.accountMetricUserIds();
    for (const userId of userIds)
      await jobQueue.send(xMetricsJobs.account, { userId }, { singletonKey: userId });
    log.info({ users: userIds.length }, 'queued the daily x account metrics');
  });
  jobQueue.work<{ userId: string }>(xMetricsJobs.account, async (job) => {
    const result = await xMetrics.takeAccountDay(job.data.userId);
    // the window ends within 15 minutes: come back then rather than wait a day
    if (typeof result === 'object')
      await jobQueue.send(
        xMetricsJobs.account,
        { userId: job.data.userId },
        { singletonKey: `${job.data.userId}:later`, startAfter: result.pausedUntil },
      );
  });
}
