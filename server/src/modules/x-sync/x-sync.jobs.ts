import { xWorkRetries, type Boss } from '../../jobs/boss.ts';
import { errorSummary, type Logger } from '../../lib/logger.ts';
import type { HandleChange } from '../contacts/contacts.service.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';
import type { XSyncRunner } from './x-sync.runner.ts';
import type { SyncOutcome, XSyncService } from './x-sync.service.ts';

export const xSyncJobs = {
  /** A user's mentions, replies and bios. */
  run: 'x-sync.run',
  /** One contact whose handle was edited. */
  contact: 'x-sync.contact',
  /** Daily: queue a run for every connected user. */
  daily: 'x-sync.daily',
  /** A user's run put off until X's rate-limit gate opens. */
  resume: 'x-sync.resume',
} as const;

/** When X lets this account ask again (the earliest, when several syncs were held back), if any was. */
const gateOpensAt = (outcomes: SyncOutcome[]) =>
  outcomes
    .map((o) => (!o.ok ? o.retryAt : undefined))
    .filter((at): at is string => at !== undefined)
    .sort()[0];

export async function registerXSyncJobs({ boss, logger, xSync, xSyncRunner, xConnection }: { boss: Boss; logger: Logger; xSync: XSyncService; xSyncRunner: XSyncRunner; xConnection: XConnectionService }) {
  // exclusive + singletonKey = user: at most one run queued or running per user, across every process sharing
  // the database; asking again meanwhile (Sync now twice, the daily cron during a run) is a no-op.
  await boss.createQueue(xSyncJobs.run, { policy: 'exclusive', ...xWorkRetries });
  await boss.createQueue(xSyncJobs.resume, { policy: 'exclusive' });
  // stately: one refresh running and one waiting per contact, so an edit made during a refresh is fetched too
  await boss.createQueue(xSyncJobs.contact, { policy: 'stately', ...xWorkRetries });
  await boss.createQueue(xSyncJobs.daily, { policy: 'exclusive' });
  await boss.schedule(xSyncJobs.daily, '0 6 * * *');

  async function requestRun(userId: string) {
    await xSyncRunner.markQueued(userId);
    return boss.send(xSyncJobs.run, { userId }, { singletonKey: userId });
  }

  await boss.work<{ userId: string }>(xSyncJobs.run, async ([job]) => {
    const { userId } = job!.data;
    const progress = await xSyncRunner.run(userId).catch((error: Error) => {
      // the progress tells the user it is in the log; pg-boss retries it with backoff
      logger.error({ module: 'x-sync', userId, jobId: job!.id, err: errorSummary(error) }, 'x sync run failed');
      throw error;
    });
    // X's gate is closed: come back when it opens rather than asking early. From another queue, since this
    // run is still active and the run queue holds one per user.
    const retryAt = gateOpensAt(progress.outcomes);
    if (retryAt) await boss.send(xSyncJobs.resume, { userId }, { singletonKey: userId, startAfter: new Date(retryAt) });
  });
  await boss.work<{ userId: string }>(xSyncJobs.resume, async ([job]) => {
    await requestRun(job!.data.userId);
  });
  await boss.work<HandleChange>(xSyncJobs.contact, async ([job]) => {
    const change = job!.data;
    const outcome = await xSync.syncBios(change.userId, { contactIds: [change.contactId] });
    const retryAt = gateOpensAt([outcome]);
    if (retryAt) await boss.send(xSyncJobs.contact, change, { singletonKey: change.contactId, startAfter: new Date(retryAt) });
  });
  await boss.work(xSyncJobs.daily, async () => {
    const userIds = await xConnection.connectedUserIds();
    for (const userId of userIds) await requestRun(userId);
    logger.info({ module: 'x-sync', users: userIds.length }, 'queued the daily x sync');
  });

  return {
    /** Queues a run for the user unless one is queued or running; the job id, or null when there was one. */
    requestRun,
    refreshContact: (change: HandleChange) => boss.send(xSyncJobs.contact, change, { singletonKey: change.contactId }),
  };
}
