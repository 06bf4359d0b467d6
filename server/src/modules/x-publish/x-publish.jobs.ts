import type { JobQueue } from '../../jobs/job-queue.ts';
import { errorSummary, type Logger } from '../../lib/logger.ts';
import type { Outbox } from './x-publish.outbox.ts';
import type { XPublishQueries } from './x-publish.queries.ts';

export const xPublishJobs = {
  /** Send what is left of one post (its parts in order), if it is due. */
  post: 'x-publish.post',
  /**
   * Every minute: queue a job for each post that is due (scheduled and its time has come, or publishing and not
   * held back). A job lost on the way (a process gone before pg-boss had it, a job turned away by the singleton
   * policy) therefore delays a post by a minute, never loses it; a duplicate job finds the part's lease taken.
   */
  sweep: 'x-publish.sweep',
} as const;

/** A post's job: at its scheduled time, or now. The key keeps one queued per post and time (pg-boss stately). */
export const sendPostJob = (jobQueue: JobQueue, postId: string, at?: Date) =>
  jobQueue.send(
    xPublishJobs.post,
    { postId },
    at && at.getTime() > Date.now()
      ? { singletonKey: `${postId}:${at.getTime()}`, startAfter: at }
      : { singletonKey: `${postId}:now` },
  );

export function registerXPublishJobs({
  jobQueue,
  logger,
  outbox,
  publishQueries,
  now,
}: {
  jobQueue: JobQueue;
  logger: Logger;
  outbox: Outbox;
  publishQueries: XPublishQueries;
  now: () => Date;
}) {
  const log = logger.child({ module: 'x-publish' });
  // A handler that throws (not X: X's answers are states) is retried soon; the part's lease, not the queue, keeps
  // two workers from sending it, so a retry or a takeover after a crash only reconciles.
  jobQueue.define(xPublishJobs.post, {
    policy: 'stately',
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    heartbeatSeconds: 30,
    workers: 4,
    pollingSeconds: 0.5,
  });
  jobQueue.define(xPublishJobs.sweep, { policy: 'exclusive' });
  jobQueue.schedule(xPublishJobs.sweep, '* * * * *');

  jobQueue.work<{ postId: string }>(xPublishJobs.post, async (job) => {
    try {
      const outcome = await outbox.publish(job.data.postId);
      log.debug({ postId: job.data.postId, outcome: outcome.kind }, 'post job done');
    } catch (error) {
      log.error({ postId: job.data.postId, err: errorSummary(error) }, 'post job failed');
      throw error;
    }
  });
  jobQueue.work(xPublishJobs.sweep, async () => {
    const due = await publishQueries.due(now());
    for (const { id } of due) await sendPostJob(jobQueue, id);
    if (due.length) log.info({ posts: due.length }, 'queued due posts');
  });
}
