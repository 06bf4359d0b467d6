/**
 * The job queue port: what Perch's modules need from a queue, and nothing of pg-boss's own. Two implementations:
 * pg-boss (boss.ts; the server, every process sharing the database) and the in-memory one below (tests and
 * commands: handlers run in this process, with the same singleton and retry rules the tests rely on).
 * Issue 9, item 14: built first in deps.ts and handed to every service, so each operation has one path.
 */
import { errorSummary, type Logger } from '../lib/logger.ts';

export interface QueueOptions {
  /**
   * Per singletonKey (or per queue without one): `exclusive` = one job queued or running, `stately` = one queued
   * and one running (so an ask made during a run is done too).
   */
  policy: 'exclusive' | 'stately';
  retryLimit?: number;
  /** Seconds before the first retry. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /**
   * A running job that stops reporting within this many seconds (its process died) is failed and taken over by
   * another worker straight away, not after the backoff meant for errors. The queue sends the heartbeats.
   */
  heartbeatSeconds?: number;
  /**
   * How many of this queue's jobs one process runs at once (pg-boss's localConcurrency; default 1), and how often an
   * idle worker looks for due ones (default 2 s). Work that must start on time — a scheduled post — asks for more
   * workers and a shorter poll: with one worker polling every 2 s, 30 posts due within 20 s waited up to 10 s.
   */
  workers?: number;
  pollingSeconds?: number;
}

export interface SendOptions {
  singletonKey?: string;
  startAfter?: Date;
}

export interface QueuedJob<T> {
  id: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
}

export type JobHandler<T> = (job: QueuedJob<T>) => Promise<void>;

export interface JobQueue {
  readonly kind: 'pg-boss' | 'in-memory';
  /** Declares a queue; queues, schedules and workers are set up by start(). */
  define(name: string, options: QueueOptions): void;
  work<T extends object>(name: string, handler: JobHandler<T>): void;
  /** A cron schedule (UTC) that sends `name` an empty job. */
  schedule(name: string, cron: string): void;
  /** The job id, or null when the queue's policy turned it away (one is queued or running for that key). */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  start(): Promise<void>;
  /** Stops taking work and waits (a bounded while) for running handlers. */
  stop(): Promise<void>;
}

/** How every piece of work that talks to X retries an unexpected failure: 3 times, from a minute, backing off. */
export const xWorkRetries = {
  retryLimit: 3,
  retryDelay: 60,
  retryBackoff: true,
} satisfies Partial<QueueOptions>;

/** Seconds before retry number `retryCount + 1`, as pg-boss computes it (without its jitter). */
export const retryDelaySeconds = (options: QueueOptions, retryCount: number) =>
  (options.retryDelay ?? 0) * (options.retryBackoff ? 2 ** Math.min(16, retryCount) : 1);

interface MemoryJob {
  id: string;
  name: string;
  data: object;
  key: string | undefined;
  state: 'created' | 'active';
  retryCount: number;
  dueAt: number;
}

/**
 * Handlers run in this process as soon as a job is due; no start() needed. Schedules are recorded but never fire
 * (a command or a test has no day to wait through).
 */
export type InMemoryJobQueue = JobQueue & {
  readonly kind: 'in-memory';
  /** Resolves when no job is running or due (tests wait for the work they caused). */
  idle(): Promise<void>;
  schedules: Map<string, string>;
};

export function createInMemoryJobQueue({ logger }: { logger: Logger }): InMemoryJobQueue {
  const log = logger.child({ module: 'jobs' });
  const queues = new Map<string, QueueOptions>();
  const handlers = new Map<string, JobHandler<object>>();
  const schedules = new Map<string, string>();
  const jobs = new Set<MemoryJob>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let nextId = 0;

  const sameKey = (job: MemoryJob, name: string, key: string | undefined) =>
    job.name === name && job.key === key;

  function admits(name: string, key: string | undefined) {
    const policy = queues.get(name)?.policy ?? 'exclusive';
    const held = [...jobs].filter((j) => sameKey(j, name, key));
    if (policy === 'exclusive') return held.length === 0;
    return !held.some((j) => j.state === 'created');
  }

  function later(ms: number, run: () => void) {
    const timer = setTimeout(() => (timers.delete(timer), run()), Math.max(0, ms));
    timer.unref();
    timers.add(timer);
  }

  /** Runs a due job, unless another of its key is running under a stately queue (then it waits its turn). */
  function due(job: MemoryJob) {
    if (stopped) return;
    const handler = handlers.get(job.name);
    if (!handler) return later(100, () => due(job));
    const busy = [...jobs].some(
      (j) => j !== job && sameKey(j, job.name, job.key) && j.state === 'active',
    );
    if (busy) return later(50, () => due(job));
    job.state = 'active';
    const run = handler({ id: job.id, data: job.data, retryCount: job.retryCount }).then(
      () => void jobs.delete(job),
      (error: unknown) => {
        const options = queues.get(job.name) ?? { policy: 'exclusive' };
        if (job.retryCount >= (options.retryLimit ?? 0) || stopped) {
          jobs.delete(job);
          log.warn({ queue: job.name, jobId: job.id, err: errorSummary(error) }, 'job failed');
          return;
        }
        const delay = retryDelaySeconds(options, job.retryCount);
        job.retryCount += 1;
        job.state = 'created';
        job.dueAt = Date.now() + delay * 1000;
        later(delay * 1000, () => due(job));
      },
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  return {
    kind: 'in-memory',
    schedules,
    define: (name, options) => void queues.set(name, options),
    work: (name, handler) => void handlers.set(name, handler as JobHandler<object>),
    schedule: (name, cron) => void schedules.set(name, cron),
    async send(name, data, options = {}) {
      if (stopped || !admits(name, options.singletonKey)) return null;
      const dueAt = options.startAfter?.getTime() ?? Date.now();
      const job: MemoryJob = {
        id: `memory-${++nextId}`,
        name,
        data,
        key: options.singletonKey,
        state: 'created',
        retryCount: 0,
        dueAt,
      };
      jobs.add(job);
      later(dueAt - Date.now(), () => due(job));
      return job.id;
    },
    async start() {},
    async idle() {
      for (;;) {
        if (running.size > 0) await Promise.all(running);
        else if (!stopped && [...jobs].some((j) => j.state === 'created' && j.dueAt <= Date.now()))
          await new Promise((r) => setTimeout(r, 10));
        else return;
      }
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      while (running.size > 0) await Promise.all(running);
      jobs.clear();
    },
  };
}
