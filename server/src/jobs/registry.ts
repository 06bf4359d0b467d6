/**
 * The one list of Perch's jobs: every queue, its schedule and its worker are declared here, on the queue
 * deps.ts built first; the queue sets them up when it starts.
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
import { registerXPublishJobs } from '../modules/x-publish/x-publish.jobs.ts';
import type { XPublish } from '../modules/x-publish/x-publish.ts';
import { registerXMetricsJobs } from '../modules/x-metrics/x-metrics.jobs.ts';
import type { XMetrics } from '../modules/x-metrics/x-metrics.service.ts';
import type { JobQueue } from './job-queue.ts';

export interface JobDeps {
  jobQueue: JobQueue;
  logger: Logger;
  xConnection: XConnectionService;
  xSync: XSyncService;
  xSyncRunner: XSyncRunner;
  recentTweets: RecentTweetsService;
  xDm: XDmService;
  xDmSync: XDmSync;
  xDmTokens: XDmTokens;
  xPublish: XPublish;
  now: () => Date;
  xMetrics: XMetrics;
}

export function registerJobs(deps: JobDeps) {
  registerXConnectionJobs(deps);
  registerXSyncJobs(deps);
  registerRecentTweetsJobs(deps);
  registerXDmJobs(deps);
  registerXPublishJobs({
    jobQueue: deps.jobQueue,
    logger: deps.logger,
    outbox: deps.xPublish.outbox,
    publishQueries: deps.xPublish.publishQueries,
    now: deps.now,
  });
  registerXMetricsJobs(deps);
}
