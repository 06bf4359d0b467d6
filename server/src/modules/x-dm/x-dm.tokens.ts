/**
 * The stored X API tokens: sealed in the secret vault, refreshed shortly before they expire (on a schedule and
 * before a call), by exactly one refresher per account across every process — the connection row is locked
 * (SELECT … FOR UPDATE) for the refresh, and X's new pair is committed before the lock is let go, because X
 * refresh tokens are single-use. A refresh X refuses (400/401) marks the connection expired and tells the user,
 * at most once a day.
 */
import { xDmExpiredSentence } from '@perch/shared';
import { errorSummary, type Logger } from '../../lib/logger.ts';
import { dailyKey, type NotificationsService } from '../notifications/notifications.service.ts';
import type { SecretVault } from '../secrets/secret-vault.ts';
import type { XApi, XTokenSet } from '../x-api-v2/x-api-v2.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type { XDmQueries, XDmRow } from './x-dm.queries.ts';

/** Refresh when the access token has less than this left (X's live 2 h; the schedule runs every 5 minutes). */
export const refreshMarginMs = 10 * 60_000;

export type AccessResult =
  | { ok: true; accessToken: string; tokensJwe: string }
  /** `unavailable`: X could not refresh now; `failure` says how (an app X refuses keeps the grant, as an outage does). */
  | {
      ok: false;
      reason: 'not_connected' | 'expired' | 'unavailable';
      detail: string;
      failure?: XApiError;
    };

export interface XDmTokensDeps {
  xDmQueries: XDmQueries;
  xApi: XApi;
  vault: SecretVault;
  notifications: NotificationsService;
  logger: Logger;
  now: () => Date;
}

export type XDmTokens = ReturnType<typeof createXDmTokens>;

export function createXDmTokens({
  xDmQueries,
  xApi,
  vault,
  notifications,
  logger,
  now,
}: XDmTokensDeps) {
  const log = logger.child({ module: 'x-dm', provider: 'x' });
  const seal = (tokens: Pick<XTokenSet, 'accessToken' | 'refreshToken'>) =>
    vault.seal('x-api-tokens', {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    });
  const open = (jwe: string) =>
    vault.open('x-api-tokens', jwe, ['accessToken', 'refreshToken'] as const);
  const notConnected: AccessResult = {
    ok: false,
    reason: 'not_connected',
    detail: 'X direct messages are not connected.',
  };
  const expired: AccessResult = { ok: false, reason: 'expired', detail: xDmExpiredSentence };
  const hasTimeLeft = (row: XDmRow) =>
    row.accessExpiresAt.getTime() - now().getTime() > refreshMarginMs;
  const storedAccess = async (row: XDmRow): Promise<AccessResult> => ({
    ok: true,
    accessToken: (await open(row.tokensJwe)).accessToken,
    tokensJwe: row.tokensJwe,
  });

  async function announceExpiry(userId: string) {
    await notifications.notify(userId, {
      kind: 'x_dm_expired',
      title: xDmExpiredSentence,
      body: 'Open Settings → Connected accounts and click Connect on the X direct messages row.',
      dedupeKey: dailyKey('x_dm_expired', now()),
    });
  }

  /**
   * Refreshes under the row lock. With `staleJwe` (the pair X just refused) it refreshes unless another process
   * already replaced that pair; without, unless the stored token still has more than the margin left.
   */
  async function refresh(
    userId: string,
    { staleJwe }: { staleJwe?: string } = {},
  ): Promise<AccessResult> {
    const outcome = await xDmQueries.transaction(async (tx) => {
      const row = await tx.findForUpdate(userId);
      if (!row) return { result: notConnected };
      if (row.state !== 'connected') return { result: expired };
      const replaced = staleJwe !== undefined && row.tokensJwe !== staleJwe;
      const fresh = staleJwe === undefined && hasTimeLeft(row);
      if (replaced || fresh) return { result: await storedAccess(row) };

      const { refreshToken } = await open(row.tokensJwe);
      let tokens: XTokenSet;
      try {
        tokens = await xApi.refresh(refreshToken);
      } catch (error) {
        const failure =
          error instanceof XApiError
            ? error
            : new XApiError('unavailable', 'X could not be reached');
        // Only X refusing the refresh token itself ends the grant; an outage, or an app X refuses (client-forbidden,
        // usage-capped, spent credits), leaves it as it is, to try again later.
        if (failure.kind !== 'invalid_grant')
          return {
            result: {
              ok: false as const,
              reason: 'unavailable' as const,
              detail: failure.detail,
              failure,
            },
            failure,
          };
        await tx.update(userId, { state: 'expired', expiredAt: now(), updatedAt: now() });
        return { result: expired, failure, newlyExpired: true };
      }
      const at = now();
      const tokensJwe = await seal(tokens);
      await tx.update(userId, {
        tokensJwe,
        scopes: tokens.scopes.join(' '),
        accessExpiresAt: new Date(at.getTime() + tokens.expiresIn * 1000),
        refreshIssuedAt: at,
        refreshLastUsedAt: at,
        updatedAt: at,
      });
      return {
        result: { ok: true as const, accessToken: tokens.accessToken, tokensJwe },
        refreshed: true,
      };
    });
    if ('refreshed' in outcome) log.info({ userId }, 'x dm tokens refreshed');
    if ('failure' in outcome && outcome.failure) {
      log.warn(
        {
          userId,
          errorClass: outcome.failure.kind,
          status: outcome.failure.status,
          detail: outcome.failure.detail,
        },
        'x dm token refresh failed',
      );
    }
    if ('newlyExpired' in outcome) await announceExpiry(userId);
    return outcome.result;
  }

  return {
    seal,
    open,
    refresh,

    /** A usable access token for a call to X, refreshed first when it is about to expire. */
    async accessFor(userId: string): Promise<AccessResult> {
      const row = await xDmQueries.find(userId);
      if (!row) return notConnected;
      if (row.state !== 'connected') return expired;
      return hasTimeLeft(row) ? storedAccess(row) : refresh(userId);
    },

    /** The schedule: every connection whose access token expires within the margin. */
    async refreshDue(): Promise<{ refreshed: number; failed: number }> {
      const due = await xDmQueries.dueForRefresh(new Date(now().getTime() + refreshMarginMs));
      let failed = 0;
      for (const userId of due) {
        try {
          if (!(await refresh(userId)).ok) failed++;
        } catch (error) {
          failed++;
          log.error({ userId, err: errorSummary(error) }, 'x dm token refresh crashed');
        }
      }
      return { refreshed: due.length - failed, failed };
    },

    /** Re-seals every stored token pair under the newest key (keys:rotate / keys:rekey). */
    async rekeyAll(): Promise<{ rekeyed: number; total: number }> {
      const rows = await xDmQueries.withTokens();
      let rekeyed = 0;
      for (const row of rows) {
        if (vault.isCurrent(row.tokensJwe)) continue;
        if (
          await xDmQueries.replaceSealed(
            row.userId,
            row.tokensJwe,
            await seal(await open(row.tokensJwe)),
          )
        )
          rekeyed++;
      }
      return { rekeyed, total: rows.length };
    },
  };
}

export type { XDmRow };
