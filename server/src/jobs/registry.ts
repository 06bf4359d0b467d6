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
import { registerXDmJobs } from '../modules/x-dm/x-dm.jobs.ts';
import type { XDmService } from '../modules/x-dm/x-dm.service.ts';
import type { XDmSync } from '../modules/x-dm/x-dm.sync.ts';
import type { XDmTokens } from '../modules/x-dm/x-dm.tokens.ts';
import type { Boss } from './boss.ts';

export interface JobDeps {
  boss: Boss;
  logger: Logger;
  xConnection: XConnectionService;
  xSync: XSyncService;
  xSyncRunner: XSyncRunner;
  recentTweets: RecentTweetsService;
  xDm: XDmService;
  xDmSync: XDmSync;
  xDmTokens: XDmTokens;
}

/** Registers every queue, schedule and worker; returns how other modules hand work to the queue. */
export async function registerJobs(deps: JobDeps) {
  await registerXConnectionJobs(deps);
  return { ...(await registerXSyncJobs(deps)), ...(await registerRecentTweetsJobs(deps)), ...(await registerXDmJobs(deps)) };
}
