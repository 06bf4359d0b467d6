/**
 * The one list of Perch's jobs: every queue, its schedule and its worker are registered here.
 */
import type { Logger } from '../lib/logger.ts';
import { registerRecentTweetsJobs } from '../modules/recent-tweets/recent-tweets.jobs.ts';
import type { RecentTweetsService } from '../modules/recent-tweets/recent-tweets.service.ts';
import type { XConnectionService } from '../modules/x-connection/x-connection.service.ts';
import { registerXConnectionJobs } from '../modules/x-connection/x-connection.jobs.ts';
import { registerXSyncJobs } from '../modules/x-sync/x-sync.jobs.ts';
import type { XSyncRunner } from '../modules/x-sync/x-sync.runner.ts';
import type { XSyncService } from '../modules/x-sync/x-sync.service.ts';
import type { Boss } from './boss.ts';

export interface JobDeps {
  boss: Boss;
  logger: Logger;
  xConnection: XConnectionService;
  xSync: XSyncService;
  xSyncRunner: XSyncRunner;
  recentTweets: RecentTweetsService;
}

/** Registers every queue, schedule and worker; returns how other modules hand work to the queue. */
export async function registerJobs(deps: JobDeps) {
  await registerXConnectionJobs(deps);
  const recentTweets = await registerRecentTweetsJobs(deps);
  return { ...(await registerXSyncJobs(deps)), ...recentTweets };
}
