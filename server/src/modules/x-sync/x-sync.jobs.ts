import type { Boss } from '../../jobs/boss.ts';
import type { Logger } from '../../lib/logger.ts';
import type { HandleChange } from '../contacts/contacts.service.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';
import type { XSyncRunner } from './x-sync.runner.ts';
import type { XSyncService } from './x-sync.service.ts';

export const xSyncJobs = {
  /** A user's mentions, replies and bios. */
  run: 'x-sync.run',
  /** One contact whose handle was edited. */
  contact: 'x-sync.contact',
  /** Daily: queue a run for every connected user. */
  daily: 'x-sync.daily',
} as const;

const retries = { retryLimit: 3, retryDelay: 60, retryBackoff: true };

export async function registerXSyncJobs({ boss, logger, xSync, xSyncRunner, xConnection }: { boss: Boss; logger: Logger; xSync: XSyncService; xSyncRunner: XSyncRunner; xConnection: XConnectionService }) {
  // stately + singletonKey = user: at most one run queued and one running per user, across every process
  await boss.createQueue(xSyncJobs.run, { policy: 'stately', ...retries });
  await boss.createQueue(xSyncJobs.contact, { policy: 'stately', ...retries });
  await boss.createQueue(xSyncJobs.daily, { policy: 'exclusive' });
  await boss.schedule(xSyncJobs.daily, '0 6 * * *');

  await boss.work<{ userId: string }>(xSyncJobs.run, async ([job]) => {
    const progress = await xSyncRunner.run(job!.data.userId);
    const gated = progress.outcomes.find((o) => !o.ok && 'skipped' in o && o.skipped === 'rate_limited');
    // X's gate is closed: come back when it opens rather than asking early
    if (gated && !gated.ok && 'retryAt' in gated && gated.retryAt) {
      await boss.send(xSyncJobs.run, job!.data, { singletonKey: job!.data.userId, startAfter: new Date(gated.retryAt) });
    }
  });
  await boss.work<HandleChange>(xSyncJobs.contact, async ([job]) => {
    await xSync.syncBios(job!.data.userId, { contactIds: [job!.data.contactId] });
  });
  await boss.work(xSyncJobs.daily, async () => {
    const userIds = await xConnection.connectedUserIds();
    for (const userId of userIds) await boss.send(xSyncJobs.run, { userId }, { singletonKey: userId });
    logger.info({ module: 'x-sync', users: userIds.length }, 'queued the daily x sync');
  });

  return {
    requestRun: (userId: string) => boss.send(xSyncJobs.run, { userId }, { singletonKey: userId }),
    refreshContact: (change: HandleChange) => boss.send(xSyncJobs.contact, change, { singletonKey: change.contactId }),
  };
}
