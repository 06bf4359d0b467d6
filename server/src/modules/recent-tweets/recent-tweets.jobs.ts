import { xWorkRetries, type JobQueue } from '../../jobs/job-queue.ts';
import type { RecentTweetsJob, RecentTweetsService } from './recent-tweets.service.ts';

export const recentTweetsJobs = {
  /** One contact page's on-demand fetch of its X account's recent tweets. */
  fetch: 'recent-tweets.fetch',
} as const;

/** Hands a fetch to the queue; `key` names the X account, so one fetch per account runs at a time. */
export const sendRecentTweetsFetch = (jobQueue: JobQueue, job: RecentTweetsJob, key: string) =>
  jobQueue.send(recentTweetsJobs.fetch, job, { singletonKey: key });

export function registerRecentTweetsJobs({
  jobQueue,
  recentTweets,
}: {
  jobQueue: JobQueue;
  recentTweets: RecentTweetsService;
}) {
  // stately + singletonKey = the X account: one fetch queued and one running per account, across every process
  jobQueue.define(recentTweetsJobs.fetch, { policy: 'stately', ...xWorkRetries });
  jobQueue.work<RecentTweetsJob>(recentTweetsJobs.fetch, async (job) => {
    await recentTweets.fetch(job.data);
  });
}
