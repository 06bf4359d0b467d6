/**
 * The X cookie connection: store a pushed pair (encrypted) as `verifying`, verify a changed one with X once, and
 * keep the state every client reads. Only an answer from X makes `connected`; only an authentication answer `expired`.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionStatus, XCookiePair } from '@perch/shared';
import type { Logger } from '../../lib/logger.ts';
import type { CookieVault } from '../secrets/cookie-vault.ts';
import type { XCheckResult } from '../x-web/x-web.ts';
import type { XConnectionQueries, XConnectionRow } from './x-connection.queries.ts';

export interface CookieVerifier {
  verifyCookies(pair: XCookiePair, account?: { userId: string }): Promise<XCheckResult>;
}

/** Emitted after a pushed pair is stored (before X is asked), and after each state change. */
export interface XConnectionEvents {
  stored: [{ userId: string; fingerprint: string }];
  state: [{ userId: string; status: ConnectionStatus }];
}

export interface XConnectionDeps {
  xConnectionQueries: XConnectionQueries;
  cookieVault: CookieVault;
  xWeb: CookieVerifier;
  logger: Logger;
  now: () => Date;
}

// After X was unreachable, ask again at most this often.
export const unavailableRecheckMs = 5 * 60_000;

export type XConnectionService = ReturnType<typeof createXConnectionService>;

export function toStatus(row: XConnectionRow | null): ConnectionStatus {
  if (!row) {
    return {
      state: 'not_connected',
      handle: null,
      xUserId: null,
      checkedAt: null,
      updatedAt: null,
      retryAt: null,
      detail: null,
    };
  }
  return {
    state: row.state,
    handle: row.handle,
    xUserId: row.xUserId,
    checkedAt: row.checkedAt?.toISOString() ?? null,
    updatedAt: row.cookiesUpdatedAt?.toISOString() ?? null,
    retryAt: row.state === 'rate_limited' ? (row.retryAt?.toISOString() ?? null) : null,
    detail: row.state === 'x_unavailable' ? row.detail : null,
  };
}

function stateFromCheck(result: XCheckResult, at: Date) {
  if (result.ok) {
    return {
      state: 'connected' as const,
      handle: result.account.handle,
      xUserId: result.account.userId,
      checkedAt: at,
      retryAt: null,
      detail: null,
    };
  }
  switch (result.kind) {
    case 'auth':
      return { state: 'expired' as const, checkedAt: at, retryAt: null, detail: null };
    case 'rate_limited':
      return {
        state: 'rate_limited' as const,
        checkedAt: at,
        retryAt: result.retryAt,
        detail: null,
      };
    case 'unavailable':
      return {
        state: 'x_unavailable' as const,
        checkedAt: at,
        retryAt: null,
        detail: result.detail,
      };
  }
}

export function createXConnectionService({
  xConnectionQueries,
  cookieVault,
  xWeb,
  logger,
  now,
}: XConnectionDeps) {
  const events = new EventEmitter<XConnectionEvents>();
  const log = logger.child({ module: 'x-connection' });

  const emitState = (row: XConnectionRow | null, userId: string) => {
    const status = toStatus(row);
    events.emit('state', { userId, status });
    return status;
  };

  /** Asks X about the stored pair and records the answer, unless a newer pair arrived meanwhile. */
  async function verify(
    userId: string,
    pair: XCookiePair,
    fingerprint: string,
  ): Promise<ConnectionStatus> {
    const result = await xWeb.verifyCookies(pair, { userId });
    const update = stateFromCheck(result, now());
    log.info(
      { userId, state: update.state, ...(result.ok ? {} : { failure: result.kind }) },
      'x cookies verified',
    );
    const row = await xConnectionQueries.updateIfFingerprint(userId, fingerprint, {
      ...update,
      updatedAt: now(),
    });
    return emitState(row ?? (await xConnectionQueries.find(userId)), userId);
  }

  async function check(userId: string): Promise<ConnectionStatus> {
    const existing = await xConnectionQueries.find(userId);
    if (!existing?.cookiesJwe || !existing.cookiesFingerprint) return toStatus(existing);
    if (existing.state === 'rate_limited' && existing.retryAt && existing.retryAt > now())
      return toStatus(existing);
    return verify(userId, await cookieVault.open(existing.cookiesJwe), existing.cookiesFingerprint);
  }

  async function checkEach(rows: XConnectionRow[]): Promise<number> {
    for (const row of rows) {
      try {
        await check(row.userId);
      } catch (error) {
        log.error({ userId: row.userId, err: (error as Error).message }, 'x recheck failed');
      }
    }
    return rows.length;
  }

  return {
    events,

    status: async (userId: string) => toStatus(await xConnectionQueries.find(userId)),

    /** A pair pushed by the extension. Stored at once; verified when it changed or the connection is not healthy. */
    async pushCookies(userId: string, pair: XCookiePair): Promise<ConnectionStatus> {
      const existing = await xConnectionQueries.find(userId);
      const unchanged =
        existing?.cookiesJwe != null && cookieVault.matches(pair, existing.cookiesFingerprint);
      if (unchanged && existing.state === 'connected') return toStatus(existing);
      if (
        unchanged &&
        existing.state === 'rate_limited' &&
        existing.retryAt &&
        existing.retryAt > now()
      )
        return toStatus(existing);

      const fingerprint = unchanged ? existing.cookiesFingerprint! : cookieVault.fingerprint(pair);
      if (!unchanged) {
        // X's rate limit is per account: a new pair does not lift it, so it waits for the recheck.
        const gated =
          existing?.state === 'rate_limited' &&
          existing.retryAt != null &&
          existing.retryAt > now();
        const stored = await xConnectionQueries.upsert({
          userId,
          // Until X answers about the new pair; a crash before then leaves it `verifying`, checked again at start.
          state: gated ? 'rate_limited' : 'verifying',
          handle: existing?.handle ?? null,
          xUserId: existing?.xUserId ?? null,
          cookiesJwe: await cookieVault.seal(pair),
          cookiesFingerprint: fingerprint,
          cookiesUpdatedAt: now(),
          updatedAt: now(),
        });
        emitState(stored, userId);
        events.emit('stored', { userId, fingerprint });
        log.info({ userId }, 'x cookies stored');
        if (gated) return toStatus(stored);
      }
      return verify(userId, pair, fingerprint);
    },

    /** The browser signed out of X (or its cookies were cleared): the stored pair is useless and is deleted. */
    async signOut(userId: string): Promise<ConnectionStatus> {
      const existing = await xConnectionQueries.find(userId);
      const row = await xConnectionQueries.upsert({
        userId,
        state: 'signed_out',
        handle: existing?.handle ?? null,
        xUserId: existing?.xUserId ?? null,
        cookiesJwe: null,
        cookiesFingerprint: null,
        cookiesUpdatedAt: now(),
        retryAt: null,
        detail: null,
        updatedAt: now(),
      });
      log.info({ userId }, 'x signed out in the browser; stored cookies deleted');
      return emitState(row, userId);
    },

    /** Disconnect from the settings page: forget the cookies and the account. */
    async disconnect(userId: string): Promise<ConnectionStatus> {
      const row = await xConnectionQueries.upsert({
        userId,
        state: 'not_connected',
        handle: null,
        xUserId: null,
        cookiesJwe: null,
        cookiesFingerprint: null,
        cookiesUpdatedAt: null,
        checkedAt: null,
        retryAt: null,
        detail: null,
        updatedAt: now(),
      });
      log.info({ userId }, 'x disconnected; stored cookies deleted');
      return emitState(row, userId);
    },

    /** Check now: re-verify the stored pair (the settings page's button and the background recheck). */
    check,

    /**
     * The stored pair and account, for the syncs. Null when there is nothing to use: no cookies, expired or
     * signed out. `gatedUntil` is set while X's rate limit for this account holds.
     */
    async cookiesForSync(userId: string) {
      const row = await xConnectionQueries.find(userId);
      if (
        !row?.cookiesJwe ||
        !row.handle ||
        !row.xUserId ||
        row.state === 'expired' ||
        row.state === 'signed_out'
      )
        return null;
      const gatedUntil =
        row.state === 'rate_limited' && row.retryAt && row.retryAt > now() ? row.retryAt : null;
      return {
        pair: await cookieVault.open(row.cookiesJwe),
        handle: row.handle,
        xUserId: row.xUserId,
        gatedUntil,
      };
    },

    connectedUserIds: async () => (await xConnectionQueries.connected()).map((r) => r.userId),

    /** A sync hit an answer from X about the whole account (auth, rate limit, outage): the connection shows it. */
    async recordSyncFailure(userId: string, failure: Exclude<XCheckResult, { ok: true }>) {
      const update = stateFromCheck(failure, now());
      const row = await xConnectionQueries.updateState(userId, { ...update, updatedAt: now() });
      return emitState(row, userId);
    },

    /**
     * A sync got its answers from X: a rate-limit gate whose time has come, or an outage, is over at once, rather
     * than at the next periodic re-check.
     */
    async recordSyncSuccess(userId: string) {
      const row = await xConnectionQueries.find(userId);
      if (!row || (row.state !== 'rate_limited' && row.state !== 'x_unavailable')) return;
      if (row.state === 'rate_limited' && row.retryAt && row.retryAt > now()) return;
      const update = await xConnectionQueries.updateState(userId, {
        state: 'connected',
        checkedAt: now(),
        retryAt: null,
        detail: null,
        updatedAt: now(),
      });
      emitState(update, userId);
    },

    /**
     * Re-asks X about connections that failed for X's reasons, and about pairs left `verifying` for longer than a
     * verification takes (the process that stored them stopped); returns how many were checked.
     */
    async recheckDue(): Promise<number> {
      const due = await xConnectionQueries.dueForRecheck(
        now(),
        new Date(now().getTime() - unavailableRecheckMs),
      );
      return checkEach(due);
    },

    /** At start: every pair still `verifying` was stored by a process that stopped before X answered. */
    async verifyInterrupted(): Promise<number> {
      return checkEach(await xConnectionQueries.verifying());
    },

    /** Re-encrypts every stored pair under the newest key (the keys:rotate / keys:rekey commands). */
    async rekeyAll(): Promise<{ rekeyed: number; total: number }> {
      const rows = await xConnectionQueries.withStoredCookies();
      let rekeyed = 0;
      for (const row of rows) {
        const pair = await cookieVault.open(row.cookiesJwe!);
        const fresh = cookieVault.fingerprint(pair);
        if (
          cookieVault.kidOf(row.cookiesJwe!) === fresh.split('.')[0] &&
          row.cookiesFingerprint === fresh
        )
          continue;
        if (
          await xConnectionQueries.replaceSealed(
            row.userId,
            row.cookiesJwe!,
            await cookieVault.seal(pair),
            fresh,
          )
        )
          rekeyed++;
      }
      return { rekeyed, total: rows.length };
    },
  };
}
