/**
 * One sync run for one user (mentions, replies, bios), with its progress written where the settings row reads
 * it: queued, started, contacts done / total, finished (with counts), or the error as a plain sentence. It is
 * stored (x_sync_state.lastResult), so a reload of the page, or another server process, sees the same.
 */
import type { XSyncStateQueries } from './x-sync.queries.ts';
import { syncLabels, type SyncOutcome, type XSyncService } from './x-sync.service.ts';

export interface SyncProgress {
  status: 'queued' | 'running' | 'finished' | 'failed';
  /** When this run was asked for. */
  queuedAt?: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  contactsDone: number;
  contactsTotal: number;
  outcomes: SyncOutcome[];
  /** A plain sentence when the run could not do everything (failed, or skipped while X makes Perch wait). */
  error: string | null;
  /** When X's rate-limit gate opens and the run resumes by itself. */
  resumesAt?: string | null;
  /** The running run's last sign of life: saved on every step and every `progressHeartbeatMs` in between. */
  heartbeatAt?: string | null;
  /** Set when this run took over from one whose worker died (it goes on from the passes that one saved). */
  tookOverAt?: string | null;
}

/** How often a running run writes its heartbeat to its progress row, for "Sync now" to read. */
export const progressHeartbeatMs = 10_000;
/**
 * A run silent this long is presumed dead (the queue's heartbeat is 20 s; see x-sync.jobs.ts), and another worker
 * takes it over within `takeoverSeconds` of its last sign of life (heartbeat + pg-boss's monitor pass + the sweep).
 */
const staleAfterSeconds = 25;
export const takeoverSeconds = 60;

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

/**
 * What "Sync now" waits for while a run is queued or running, as a sentence (null when nothing is in the way):
 * a live run, by when it started and its last sign of life; a silent one, by when it will be taken over.
 */
export function describeWait(progress: SyncProgress | null, at: Date): string | null {
  if (progress?.status === 'queued')
    return `Waiting for the sync asked for at ${hhmm(progress.queuedAt ?? at.toISOString())} to start.`;
  if (progress?.status !== 'running') return null;
  const started = progress.startedAt ?? at.toISOString();
  const lastSign = Date.parse(progress.heartbeatAt ?? started);
  const silentSeconds = Math.max(0, Math.round((at.getTime() - lastSign) / 1000));
  if (silentSeconds <= staleAfterSeconds)
    return `Waiting for the sync started at ${hhmm(started)} to finish (last progress ${silentSeconds} s ago).`;
  const by = new Date(
    Math.max(lastSign + takeoverSeconds * 1000, at.getTime() + 1000),
  ).toISOString();
  return `The sync started at ${hhmm(started)} stopped answering ${silentSeconds} s ago; a crashed sync will be taken over by ${hhmm(by)}.`;
}

/** Perch held back the rest itself: the account's budget for this window is spent. The run goes on at its end. */
const isPaced = (o: SyncOutcome) => !o.ok && 'paced' in o && o.paced === true;

/** Why a run stopped early, for the user; the outcome's own sentence is built from the error class only. */
function stopSentence(outcome: Exclude<SyncOutcome, { ok: true }>): string {
  if ('errorClass' in outcome)
    return `The ${syncLabels[outcome.sync]} sync stopped: ${outcome.message}`;
  if (outcome.skipped === 'not_connected')
    return 'X is not connected, so there was nothing to sync.';
  return `X asked Perch to wait${outcome.retryAt ? ` until ${hhmm(outcome.retryAt)}` : ''}; the sync resumes by itself.`;
}

export function createXSyncRunner({
  xSync,
  xSyncState,
  now,
}: {
  xSync: XSyncService;
  xSyncState: XSyncStateQueries;
  now: () => Date;
}) {
  const save = (userId: string, progress: SyncProgress) =>
    xSyncState.recordRun(userId, progress as unknown as Record<string, unknown>);

  async function progress(userId: string): Promise<SyncProgress | null> {
    const state = await xSyncState.get(userId);
    return (state?.lastResult as unknown as SyncProgress | null | undefined) ?? null;
  }

  return {
    progress,

    /**
     * Shows a run as queued, unless one is queued or running already (asking again then changes nothing, and
     * its progress stays on screen). Returns whether it marked it.
     */
    async markQueued(userId: string): Promise<boolean> {
      const current = await progress(userId);
      if (current?.status === 'queued' || current?.status === 'running') return false;
      await save(userId, {
        status: 'queued',
        queuedAt: now().toISOString(),
        startedAt: null,
        finishedAt: null,
        contactsDone: 0,
        contactsTotal: 0,
        outcomes: [],
        error: null,
        resumesAt: null,
      });
      return true;
    },

    /**
     * Runs the three syncs in order; the first account-wide failure (auth, rate limit, outage) ends the run. A sync
     * whose budget is spent for this window does not: the others go on with theirs, and the run resumes by itself.
     */
    async run(userId: string, { attempt = 0 }: { attempt?: number } = {}): Promise<SyncProgress> {
      const previous = await progress(userId);
      // a retry finding its run still "running" took over from a worker that died mid-run
      const tookOver = attempt > 0 && previous?.status === 'running';
      const startedAt = now().toISOString();
      const current: SyncProgress = {
        status: 'running',
        startedAt,
        finishedAt: null,
        contactsDone: 0,
        contactsTotal: 0,
        outcomes: [],
        error: null,
        resumesAt: null,
        heartbeatAt: startedAt,
        tookOverAt: tookOver ? startedAt : null,
      };
      // Beats are written one after another, so a late one can never land after the run's last save.
      let lastBeat: Promise<void> = Promise.resolve();
      const beat = () => {
        lastBeat = lastBeat
          .catch(() => {})
          .then(async () => {
            current.heartbeatAt = now().toISOString();
            await save(userId, current);
          });
        return lastBeat;
      };
      await save(userId, current);
      const heartbeat = setInterval(() => void beat().catch(() => {}), progressHeartbeatMs);
      heartbeat.unref();
      try {
        for (const step of [() => xSync.syncMentions(userId), () => xSync.syncReplies(userId)]) {
          const outcome = await step();
          current.outcomes.push(outcome);
          if (!outcome.ok && !isPaced(outcome)) break;
        }
        if (!current.outcomes.some((o) => !o.ok && !isPaced(o))) {
          current.outcomes.push(
            await xSync.syncBios(userId, {
              onProgress: async (done, total) => {
                Object.assign(current, { contactsDone: done, contactsTotal: total });
                await beat();
              },
            }),
          );
        }
        const stopped = current.outcomes.find((o) => !o.ok && !isPaced(o));
        const paced = current.outcomes
          .filter(isPaced)
          .map((o) => (o.ok ? '' : (o.retryAt ?? '')))
          .sort();
        current.status = stopped && 'errorClass' in stopped ? 'failed' : 'finished';
        if (stopped && !stopped.ok) {
          current.error = stopSentence(stopped);
          current.resumesAt = stopped.retryAt ?? null;
        } else if (paced.length > 0) {
          current.resumesAt = paced[0]!;
          current.error = `X’s limits for this window are used up; Perch goes on by itself at ${hhmm(paced[0]!)}, without losing anything.`;
        }
      } catch (error) {
        current.status = 'failed';
        current.error =
          'Perch hit an unexpected error; it is in the server log, and Perch tries again by itself.';
        throw error;
      } finally {
        clearInterval(heartbeat);
        await lastBeat.catch(() => {});
        current.finishedAt = now().toISOString();
        await save(userId, current);
      }
      return current;
    },
  };
}

export type XSyncRunner = ReturnType<typeof createXSyncRunner>;
