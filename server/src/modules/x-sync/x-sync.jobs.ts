import { xWorkRetries, type JobQueue } from '../../jobs/job-queue.ts';
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

/**
 * A run's worker sends pg-boss a heartbeat every 10 s; one that stops (its process died) has its run failed and
 * taken over by another worker within about 40 s (see boss.ts), which goes on from the passes the dead one saved.
 */
export const runHeartbeatSeconds = 20;

/** "Sync now", the daily sync and a resume: shown as queued (unless a run is), then queued; null when one was. */
export async function requestSyncRun(
  { jobQueue, xSyncRunner }: { jobQueue: JobQueue; xSyncRunner: XSyncRunner },
  userId: string,
) {
  await xSyncRunner.markQueued(userId);
  return jobQueue.send(xSyncJobs.run, { userId }, { singletonKey: userId });
}

/** One contact whose handle was set or changed, refreshed alone. */
export const sendContactRefresh = (jobQueue: JobQueue, change: HandleChange) =>
  jobQueue.send(xSyncJobs.contact, change, { singletonKey: change.contactId });

export function registerXSyncJobs({
  jobQueue,
  logger,
  xSync,
  xSyncRunner,
  xConnection,
}: {
  jobQueue: JobQueue;
  logger: Logger;
  xSync: XSyncService;
  xSyncRunner: XSyncRunner;
  xConnection: XConnectionService;
}) {
  // exclusive + singletonKey = user: at most one run queued or running per user, across every process sharing
  // the database; asking again meanwhile (Sync now twice, the daily cron during a run) is a no-op.
  jobQueue.define(xSyncJobs.run, {
    policy: 'exclusive',
    ...xWorkRetries,
    heartbeatSeconds: runHeartbeatSeconds,
  });
  jobQueue.define(xSyncJobs.resume, { policy: 'exclusive' });
  // stately: one refresh running and one waiting per contact, so an edit made during a refresh is fetched too
  jobQueue.define(xSyncJobs.contact, { policy: 'stately', ...xWorkRetries });
  jobQueue.define(xSyncJobs.daily, { policy: 'exclusive' });
  jobQueue.schedule(xSyncJobs.daily, '0 6 * * *');
  const requestRun = (userId: string) => requestSyncRun({ jobQueue, xSyncRunner }, userId);

  jobQueue.work<{ userId: string }>(xSyncJobs.run, async (job) => {
    const { userId } = job.data;
    const progress = await xSyncRunner
      .run(userId, { attempt: job.retryCount })
      .catch((error: Error) => {
        // the progress tells the user it is in the log; the queue retries it with backoff
        logger.error(
          { module: 'x-sync', userId, jobId: job.id, err: errorSummary(error) },
          'x sync run failed',
        );
        throw error;
      });
    // X's gate is closed: come back when it opens rather than asking early. From another queue, since this
    // run is still active and the run queue holds one per user.
    const retryAt = gateOpensAt(progress.outcomes);
    if (retryAt)
      await jobQueue.send(
        xSyncJobs.resume,
        { userId },
        { singletonKey: userId, startAfter: new Date(retryAt) },
      );
  });
  jobQueue.work<{ userId: string }>(xSyncJobs.resume, async (job) => {
    await requestRun(job.data.userId);
  });
  jobQueue.work<HandleChange>(xSyncJobs.contact, async (job) => {
    const change = job.data;
    const outcome = await xSync.syncBios(change.userId, { contactIds: [change.contactId] });
    const retryAt = gateOpensAt([outcome]);
    if (retryAt)
      await jobQueue.send(xSyncJobs.contact, change, {
        singletonKey: change.contactId,
        startAfter: new Date(retryAt),
      });
  });
  jobQueue.work(xSyncJobs.daily, async () => {
    const userIds = await xConnection.connectedUserIds();
    for (const userId of userIds) await requestRun(userId);
    logger.info({ module: 'x-sync', users: userIds.length }, 'queued the daily x sync');
  });
}
