import { xWorkRetries, type Boss } from '../../jobs/boss.ts';
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

export async function registerXDmJobs({ boss, logger, xDm, xDmSync, xDmTokens }: { boss: Boss; logger: Logger; xDm: XDmService; xDmSync: XDmSync; xDmTokens: XDmTokens }) {
  const log = logger.child({ module: 'x-dm' });
  // stately + singletonKey = user: at most one DM sync queued and one running per user, across every process
  await boss.createQueue(xDmJobs.sync, { policy: 'stately', ...xWorkRetries });
  await boss.createQueue(xDmJobs.daily, { policy: 'exclusive' });
  await boss.createQueue(xDmJobs.refresh, { policy: 'exclusive', retryLimit: 2, retryDelay: 30, retryBackoff: true });
  await boss.schedule(xDmJobs.daily, '30 6 * * *');
  await boss.schedule(xDmJobs.refresh, '*/5 * * * *');

  const requestDmSync = (userId: string, startAfter?: Date) => boss.send(xDmJobs.sync, { userId }, { singletonKey: userId, ...(startAfter ? { startAfter } : {}) });

  await boss.work<{ userId: string }>(xDmJobs.sync, async ([job]) => {
    const result = await xDmSync.syncAll(job!.data.userId);
    // X's budget is spent: come back when its window ends, and go on from where the pass stopped. A run X's
    // refusal of the app stopped (client-forbidden, usage-capped, credits) is not queued again: see x-dm.sync.ts.
    if (result.status === 'paused' && result.resumeAt) await requestDmSync(job!.data.userId, new Date(result.resumeAt));
  });
  await boss.work(xDmJobs.daily, async () => {
    const userIds = await xDm.dailySyncUserIds();
    for (const userId of userIds) await requestDmSync(userId);
    log.info({ users: userIds.length }, 'queued the daily x dm sync');
  });
  await boss.work(xDmJobs.refresh, async () => {
    const { refreshed, failed } = await xDmTokens.refreshDue();
    const states = await xDm.cleanupStates();
    if (refreshed + failed + states > 0) log.info({ refreshed, failed, expiredStates: states }, 'x dm tokens refreshed');
  });

  return { requestDmSync: (userId: string) => requestDmSync(userId) };
}
