import { xWorkRetries, type Boss } from '../../jobs/boss.ts';
import type { RecentTweetsJob, RecentTweetsService, SendRecentTweetsJob } from './recent-tweets.service.ts';

export const recentTweetsJobs = {
  /** One contact page's on-demand fetch of its X account's recent tweets. */
  fetch: 'recent-tweets.fetch',
} as const;

export async function registerRecentTweetsJobs({ boss, recentTweets }: { boss: Boss; recentTweets: RecentTweetsService }) {
  // stately + singletonKey = the X account: one fetch queued and one running per account, across every process
  await boss.createQueue(recentTweetsJobs.fetch, { policy: 'stately', ...xWorkRetries });
  await boss.work<RecentTweetsJob>(recentTweetsJobs.fetch, async ([job]) => {
    await recentTweets.fetch(job!.data);
  });
  const sendRecentTweets: SendRecentTweetsJob = (job, key) => boss.send(recentTweetsJobs.fetch, job, { singletonKey: key });
  return { sendRecentTweets };
}
