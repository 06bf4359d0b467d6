import { xWorkRetries, type JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../lib/logger.ts';
import type { XDmService } from './x-dm.service.ts';
import type { XDmSync } from './x-dm.sync.ts';
import type { XDmTokens } from './x-dm.tokens.ts';

export const xDmJobs = {
  /** One user's DM sync. */
  sync: 'x-dm.sync',
  /**
   * Daily: queue a DM sync for every connected user, but those whose X app X refuses for something only they can
   * fix (not attached to a Project, credits spent: Sync DMs now tries those again). A usage cap is tried here.
   */
  daily: 'x-dm.daily',
  /** Every 5 minutes: refresh access tokens about to expire, drop expired sign-in states. */
  refresh: 'x-dm.refresh',
} as const;

/** Queues a user's DM sync (one queued and one running per user); `startAfter` when X's window ends. */
export const sendDmSync = (jobQueue: JobQueue, userId: string, startAfter?: Date) =>
  jobQueue.send(
    xDmJobs.sync,
    { userId },
    { singletonKey: userId, ...(startAfter ? { startAfter } : {}) },
  );

/** "Sync DMs now" and the first sync after connecting: shown as queued, then queued. */
export async function requestDmSync(
  { jobQueue, xDmSync }: { jobQueue: JobQueue; xDmSync: XDmSync },
  userId: string,
) {
  await xDmSync.markQueued(userId);
  await sendDmSync(jobQueue, userId);
}

export function registerXDmJobs({
  jobQueue,
  logger,
  xDm,
  xDmSync,
  xDmTokens,
}: {
  jobQueue: JobQueue;
  logger: Logger;
  xDm: XDmService;
  xDmSync: XDmSync;
  xDmTokens: XDmTokens;
}) {
  const log = logger.child({ module: 'x-dm' });
  // stately + singletonKey = user: at most one DM sync queued and one running per user, across every process
  jobQueue.define(xDmJobs.sync, { policy: 'stately', ...xWorkRetries });
  jobQueue.define(xDmJobs.daily, { policy: 'exclusive' });
  jobQueue.define(xDmJobs.refresh, {
    policy: 'exclusive',
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
  });
  jobQueue.schedule(xDmJobs.daily, '30 6 * * *');
  jobQueue.schedule(xDmJobs.refresh, '*/5 * * * *');

  jobQueue.work<{ userId: string }>(xDmJobs.sync, async (job) => {
    const result = await xDmSync.syncAll(job.data.userId);
    // X's budget is spent: come back when its window ends, and go on from where the pass stopped. A run X's
    // refusal of the app stopped (client-forbidden, usage-capped, credits) is not queued again: see x-dm.sync.ts.
    if (result.status === 'paused' && result.resumeAt)
      await sendDmSync(jobQueue, job.data.userId, new Date(result.resumeAt));
  });
  jobQueue.work(xDmJobs.daily, async () => {
    const userIds = await xDm.dailySyncUserIds();
    for (const userId of userIds) await sendDmSync(jobQueue, userId);
    log.info({ users: userIds.length }, 'queued the daily x dm sync');
  });
  jobQueue.work(xDmJobs.refresh, async () => {
    const { refreshed, failed } = await xDmTokens.refreshDue();
    const states = await xDm.cleanupStates();
    if (refreshed + failed + states > 0)
      log.info({ refreshed, failed, expiredStates: states }, 'x dm tokens refreshed');
  });
}
