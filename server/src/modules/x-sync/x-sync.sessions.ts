/**
 * How every cookie-based piece of work reaches X for one user, and what happens when X says no: the syncs and
 * the on-demand recent tweets share this, so a failure looks and is counted the same wherever it happened.
 */
import type { Logger } from '../../lib/logger.ts';
import { dailyKey, type NotificationsService } from '../notifications/notifications.service.ts';
import type { XFailure } from '../x-web/classify-failure.ts';
import type { XPort, XSession } from '../x-web/x-types.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';

export interface SyncSessionsDeps {
  xPort: XPort;
  xConnection: XConnectionService;
  notifications: NotificationsService;
  logger: Logger;
  now: () => Date;
}

export type OpenedSession = { session: XSession; handle: string; xUserId: string };
export type NoSession = { skipped: 'not_connected' } | { skipped: 'rate_limited'; retryAt: string };

/** "14:05": the hour and minute, in UTC, for sentences about X's rate-limit reset. */
export const utcTime = (at: Date | string) => new Date(at).toISOString().slice(11, 16);

/** A plain sentence for the user about a failure; built from its class only, never from what X sent. */
export function failureSentence(failure: XFailure): string {
  switch (failure.kind) {
    case 'auth':
      return 'X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.';
    case 'rate_limited':
      return failure.automated
        ? `X took Perch’s requests for automation, so Perch pauses until ${utcTime(failure.retryAt)} UTC and then resumes by itself. Meanwhile, use x.com in your browser as usual.`
        : `X asked Perch to wait until ${utcTime(failure.retryAt)} UTC; it resumes by itself.`;
    case 'unavailable':
      switch (failure.reason) {
        case 'x_changed':
          return 'X changed its API and Perch could not learn the new one by itself; Perch needs an update. Your cookies are fine.';
        case 'locked':
          return 'X has locked your account. Unlock your account at x.com; Perch goes on by itself once it is unlocked.';
        case 'account_suspended':
          return 'X has suspended your account, so there is nothing to sync until X lifts the suspension.';
        case 'x_down':
          return 'X is not answering right now; Perch tries again by itself.';
      }
    // falls through: the other kinds concern one profile
    default:
      return 'X could not find the account.';
  }
}

export type SyncSessions = ReturnType<typeof createSyncSessions>;

export function createSyncSessions({
  xPort,
  xConnection,
  notifications,
  logger,
  now,
}: SyncSessionsDeps) {
  const log = logger.child({ provider: 'x', module: 'x-sync' });
  return {
    /** The account's session, or why there is none (not connected, or X's rate-limit gate is closed). */
    async open(userId: string): Promise<OpenedSession | NoSession> {
      const stored = await xConnection.cookiesForSync(userId);
      if (!stored) return { skipped: 'not_connected' };
      if (stored.gatedUntil)
        return { skipped: 'rate_limited', retryAt: stored.gatedUntil.toISOString() };
      return {
        session: xPort.forAccount(stored.pair, { userId }),
        handle: stored.handle,
        xUserId: stored.xUserId,
      };
    },

    /** X answered: whatever gate or outage the connection showed is over. */
    succeeded: (userId: string) => xConnection.recordSyncSuccess(userId),

    /**
     * One structured log line; an answer about the whole account (auth, rate limit, outage) also goes on the
     * connection; at most one notification per error class per day ("X <label> sync unavailable — …").
     */
    async fail(
      userId: string,
      { sync, label }: { sync: string; label: string },
      failure: XFailure,
    ) {
      // Perch's own pacing: nothing was refused, the work goes on at the window's end; no alarm for the user.
      if (failure.kind === 'rate_limited' && failure.paced) {
        log.info(
          { userId, sync, retryAt: failure.retryAt.toISOString() },
          'x sync paused until the budget frees up',
        );
        return;
      }
      log.warn(
        {
          userId,
          sync,
          errorClass: failure.kind,
          ...(failure.kind === 'unavailable' ? { reason: failure.reason } : {}),
          ...(failure.kind === 'rate_limited' ? { retryAt: failure.retryAt.toISOString() } : {}),
        },
        'x sync failed',
      );
      if (
        failure.kind === 'auth' ||
        failure.kind === 'rate_limited' ||
        failure.kind === 'unavailable'
      ) {
        await xConnection.recordSyncFailure(userId, failure);
      }
      const errorClass =
        failure.kind === 'unavailable' ? `unavailable:${failure.reason}` : failure.kind;
      await notifications.notify(userId, {
        kind: 'sync_failed',
        title: `X ${label} sync unavailable — ${failureSentence(failure)}`,
        dedupeKey: dailyKey(`sync_failed:${errorClass}`, now()),
      });
    },
  };
}
