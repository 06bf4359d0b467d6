/**
 * One sync run for one user (mentions, replies, bios), with its progress written where the settings row reads
 * it: started, contacts done / total, finished, or the error.
 */
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { SyncOutcome, XSyncService } from './x-sync.service.ts';

export interface SyncProgress {
  status: 'queued' | 'running' | 'finished' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  contactsDone: number;
  contactsTotal: number;
  outcomes: SyncOutcome[];
  /** A plain sentence when the run could not finish. */
  error: string | null;
}

export function createXSyncRunner({ xSync, interactions, now }: { xSync: XSyncService; interactions: InteractionsService; now: () => Date }) {
  const save = (userId: string, progress: SyncProgress) => interactions.recordRun(userId, progress as unknown as Record<string, unknown>);

  return {
    async markQueued(userId: string) {
      await save(userId, { status: 'queued', startedAt: null, finishedAt: null, contactsDone: 0, contactsTotal: 0, outcomes: [], error: null });
    },

    async progress(userId: string): Promise<SyncProgress | null> {
      const state = await interactions.syncState(userId);
      return (state?.lastResult as unknown as SyncProgress | null | undefined) ?? null;
    },

    /** Runs the three syncs in order; the first account-wide failure (auth, rate limit, outage) ends the run. */
    async run(userId: string): Promise<SyncProgress> {
      const progress: SyncProgress = { status: 'running', startedAt: now().toISOString(), finishedAt: null, contactsDone: 0, contactsTotal: 0, outcomes: [], error: null };
      await save(userId, progress);
      try {
        for (const step of [() => xSync.syncMentions(userId), () => xSync.syncReplies(userId)]) {
          const outcome = await step();
          progress.outcomes.push(outcome);
          if (!outcome.ok) break;
        }
        if (progress.outcomes.every((o) => o.ok)) {
          const outcomes: SyncOutcome[] = progress.outcomes;
          outcomes.push(
            await xSync.syncBios(userId, {
              onProgress: async (done, total) => {
                Object.assign(progress, { contactsDone: done, contactsTotal: total });
                await save(userId, progress);
              },
            }),
          );
        }
        const failed = progress.outcomes.find((o) => !o.ok);
        progress.status = failed && 'errorClass' in failed ? 'failed' : 'finished';
        if (failed) progress.error = 'errorClass' in failed ? `The ${failed.sync} sync failed (${failed.errorClass}).` : `Skipped: ${failed.skipped.replace('_', ' ')}.`;
      } catch (error) {
        progress.status = 'failed';
        progress.error = 'Perch hit an unexpected error; it is in the server log.';
        throw error;
      } finally {
        progress.finishedAt = now().toISOString();
        await save(userId, progress);
      }
      return progress;
    },
  };
}

export type XSyncRunner = ReturnType<typeof createXSyncRunner>;
