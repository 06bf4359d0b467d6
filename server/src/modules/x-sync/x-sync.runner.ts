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
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** Perch held back the rest itself: the account's budget for this window is spent. The run goes on at its end. */
const isPaced = (o: SyncOutcome) => !o.ok && 'paced' in o && o.paced === true;

/** Why a run stopped early, for the user; the outcome's own sentence is built from the error class only. */
function stopSentence(outcome: Exclude<SyncOutcome, { ok: true }>): string {
  if ('errorClass' in outcome) return `The ${syncLabels[outcome.sync]} sync stopped: ${outcome.message}`;
  if (outcome.skipped === 'not_connected') return 'X is not connected, so there was nothing to sync.';
  return `X asked Perch to wait${outcome.retryAt ? ` until ${hhmm(outcome.retryAt)}` : ''}; the sync resumes by itself.`;
}

export function createXSyncRunner({ xSync, xSyncState, now }: { xSync: XSyncService; xSyncState: XSyncStateQueries; now: () => Date }) {
  const save = (userId: string, progress: SyncProgress) => xSyncState.recordRun(userId, progress as unknown as Record<string, unknown>);

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
      await save(userId, { status: 'queued', queuedAt: now().toISOString(), startedAt: null, finishedAt: null, contactsDone: 0, contactsTotal: 0, outcomes: [], error: null, resumesAt: null });
      return true;
    },

    /**
     * Runs the three syncs in order; the first account-wide failure (auth, rate limit, outage) ends the run. A sync
     * whose budget is spent for this window does not: the others go on with theirs, and the run resumes by itself.
     */
    async run(userId: string): Promise<SyncProgress> {
      const current: SyncProgress = { status: 'running', startedAt: now().toISOString(), finishedAt: null, contactsDone: 0, contactsTotal: 0, outcomes: [], error: null, resumesAt: null };
      await save(userId, current);
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
                await save(userId, current);
              },
            }),
          );
        }
        const stopped = current.outcomes.find((o) => !o.ok && !isPaced(o));
        const paced = current.outcomes.filter(isPaced).map((o) => (o.ok ? '' : (o.retryAt ?? ''))).sort();
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
        current.error = 'Perch hit an unexpected error; it is in the server log, and Perch tries again by itself.';
        throw error;
      } finally {
        current.finishedAt = now().toISOString();
        await save(userId, current);
      }
      return current;
    },
  };
}

export type XSyncRunner = ReturnType<typeof createXSyncRunner>;
