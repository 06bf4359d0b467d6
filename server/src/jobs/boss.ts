/**
 * The job queue on pg-boss 12, in the same database as everything else: in-process on PGlite through its
 * adapter, or over its own small pool on PostgreSQL (where several Perch processes share the work).
 * Constructing it does no I/O; start() installs pg-boss's schema and sets up the declared queues and workers.
 */
import { fromPglite, PgBoss } from 'pg-boss';
import type { Database } from '../db/client.ts';
import { errorSummary, type Logger } from '../lib/logger.ts';
import type { JobHandler, JobQueue, QueueOptions } from './job-queue.ts';

export type Boss = PgBoss;

/** What pg-boss writes on a job its worker stopped heartbeating (see failJobsByHeartbeat in its plans). */
const heartbeatLost = 'job heartbeat timeout';

/**
 * pg-boss fails a job whose heartbeat stopped on its monitor pass (every `superviseSeconds` here; pg-boss's default
 * is a minute) and then retries it after the queue's retry delay, the backoff meant for errors (a minute for X
 * work). A worker that died did not err: every `takeoverSweepMs` each process brings such a job forward, so the
 * first free worker takes it over. Bound: heartbeatSeconds + superviseSeconds + takeoverSweepMs + polling.
 */
export const superviseSeconds = 10;
const takeoverSweepMs = 5_000;

export type PgBossQueue = JobQueue & { readonly kind: 'pg-boss'; readonly boss: Boss };

export function createPgBossQueue({
  database,
  logger,
}: {
  database: Database;
  logger: Logger;
}): PgBossQueue {
  const connection = database.queueConnection;
  const intervals = {
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
  };
  const boss =
    'pglite' in connection
      ? new PgBoss({
          db: fromPglite(connection.pglite),
          backend: 'pglite',
          schema: 'pgboss',
          ...intervals,
        })
      : new PgBoss({ connectionString: connection.url, schema: 'pgboss', max: 4, ...intervals });
  const log = logger.child({ module: 'jobs' });
  boss.on('error', (error) => log.error({ err: errorSummary(error) }, 'job queue error'));

  const queues = new Map<string, QueueOptions>();
  const handlers = new Map<string, JobHandler<object>>();
  const schedules = new Map<string, string>();
  let started: Promise<void> | null = null;
  let sweep: NodeJS.Timeout | null = null;

  async function takeOverLostJobs() {
    for (const [name, options] of queues) {
      if (!options.heartbeatSeconds) continue;
      const waiting = await boss.findJobs(name, { queued: true });
      for (const job of waiting) {
        // pg-boss stores its own failures' message under `value`
        const output = job.output as
          { message?: string; value?: { message?: string } } | null | undefined;
        if (
          job.state !== 'retry' ||
          (output?.value?.message ?? output?.message) !== heartbeatLost ||
          job.startAfter.getTime() <= Date.now()
        )
          continue;
        await boss.update(name, undefined, { id: job.id, startAfter: new Date() });
        log.warn(
          { queue: name, jobId: job.id, retryCount: job.retryCount },
          'took over a job whose worker stopped (no heartbeat)',
        );
      }
    }
  }

  async function startBoss() {
    await boss.start();
    for (const [name, { workers: _workers, pollingSeconds: _polling, ...options }] of queues)
      await boss.createQueue(name, options);
    for (const [name, cron] of schedules) await boss.schedule(name, cron);
    for (const [name, handler] of handlers) {
      const { workers = 1, pollingSeconds = 2 } = queues.get(name) ?? {};
      await boss.work<object>(
        name,
        { localConcurrency: workers, pollingIntervalSeconds: pollingSeconds },
        async ([job]) => handler({ id: job!.id, data: job!.data, retryCount: job!.retryCount }),
      );
    }
    sweep = setInterval(
      () =>
        void takeOverLostJobs().catch((error: Error) =>
          log.warn({ err: errorSummary(error) }, 'could not sweep for lost jobs'),
        ),
      takeoverSweepMs,
    );
    sweep.unref();
  }

  return {
    kind: 'pg-boss',
    boss,
    define: (name, options) => void queues.set(name, options),
    work: (name, handler) => void handlers.set(name, handler as JobHandler<object>),
    schedule: (name, cron) => void schedules.set(name, cron),
    async send(name, data, options = {}) {
      // the server serves pages before the queue is up: an ask made meanwhile waits for it
      if (!started) throw new Error(`the job queue is not started (sending ${name})`);
      await started;
      return boss.send(name, data, {
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      });
    },
    start() {
      started ??= startBoss();
      return started;
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      if (started) await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
}
