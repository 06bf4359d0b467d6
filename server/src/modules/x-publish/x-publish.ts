/**
 * Publishing to X, put together: the posts service (routes), the outbox (jobs) and the budget, on the credential,
 * media and metrics ports their own modules implement (x-credentials, x-media, x-metrics, handed in by deps.ts).
 */
import type { Db } from '../../db/client.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../lib/logger.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { PublishSessions } from '../x-credentials/x-credentials.contract.ts';
import type { XMediaForPublishing } from '../x-media/x-media.contract.ts';
import type { XMetricsForPublishing } from '../x-metrics/x-metrics.contract.ts';
import { createPostingBudgets, type BudgetStore } from './x-publish.budget.ts';
import { sendPostJob } from './x-publish.jobs.ts';
import { createOutbox, type OutboxOptions } from './x-publish.outbox.ts';
import { createXPublishQueries } from './x-publish.queries.ts';
import { createXPublishService } from './x-publish.service.ts';

export type XPublish = ReturnType<typeof createXPublish>;

export function createXPublish(deps: {
  db: Db;
  jobQueue: JobQueue;
  /** x-budgets' queries (deps.ts). */
  budgetQueries: BudgetStore;
  /** The same, per X app (x-budgets' createXAppBudgetQueries). */
  appBudgetQueries: BudgetStore;
  interactions: InteractionsService;
  sessions: PublishSessions;
  media: XMediaForPublishing;
  metrics: XMetricsForPublishing;
  logger: Logger;
  now: () => Date;
  outboxOptions?: Partial<OutboxOptions>;
  workerId?: string;
  /** Perch's OAuth 2.0 client (X_CLIENT_ID): one X app, so one 24-hour app window, for all its users. */
  xClientId?: string;
}) {
  const publishQueries = createXPublishQueries({ db: deps.db });
  const budgets = createPostingBudgets({
    budgetQueries: deps.budgetQueries,
    appBudgetQueries: deps.appBudgetQueries,
    publishQueries,
    now: deps.now,
  });
  const { sessions, media } = deps;
  const sendPublish = (postId: string, at?: Date) => sendPostJob(deps.jobQueue, postId, at);
  const outbox = createOutbox({
    publishQueries,
    budgets,
    sessions,
    media,
    metrics: deps.metrics,
    interactions: deps.interactions,
    sendLater: sendPublish,
    logger: deps.logger,
    now: deps.now,
    ...(deps.outboxOptions ? { options: deps.outboxOptions } : {}),
    ...(deps.workerId ? { workerId: deps.workerId } : {}),
    ...(deps.xClientId ? { xClientId: deps.xClientId } : {}),
  });
  const service = createXPublishService({
    publishQueries,
    budgets,
    sessions,
    media,
    sendPublish,
    logger: deps.logger,
    now: deps.now,
    ...(deps.xClientId ? { xClientId: deps.xClientId } : {}),
  });
  return { service, outbox, budgets, publishQueries };
}
