/**
 * Connecting X direct messages: OAuth 2.0 Authorization Code with PKCE (S256) against X, the callback and its
 * five ways to fail, the status the settings row shows, and Disconnect (revoke at X, then delete here).
 */
import { randomBytes } from 'node:crypto';
import type { XDmCallbackError, XDmStatus, XDmSyncResult } from '@perch/shared';
import type { Logger } from '../../lib/logger.ts';
import { sha256 } from '../../lib/ids.ts';
import type { SecretVault } from '../secrets/secret-vault.ts';
import type { XApi } from '../x-api-v2/x-api-v2.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import { xDmProblems } from './x-dm.errors.ts';
import type { XDmQueries, XDmRow } from './x-dm.queries.ts';
import type { XDmTokens } from './x-dm.tokens.ts';

/** Where X sends the user back; register `${PERCH_PUBLIC_URL}${xDmCallbackPath}` as the app's callback URL. */
export const xDmCallbackPath = '/api/v1/x-dm/callback';
export const stateLifetimeMs = 15 * 60_000;

export interface XDmServiceDeps {
  xDmQueries: XDmQueries;
  xApi: XApi;
  vault: SecretVault;
  tokens: XDmTokens;
  /** The X account connected through the extension's cookies, if any: DMs must come from the same one. */
  cookieAccount: (userId: string) => Promise<{ xUserId: string | null }>;
  publicUrl: string;
  logger: Logger;
  now: () => Date;
}

export interface CallbackInput {
  code?: string;
  state?: string;
  error?: string;
  /** The state this browser was given when it started (a cookie): the callback must come back to the same browser. */
  browserState?: string;
  /** The signed-in user, when the session cookie came along (it is SameSite=Strict, so usually not). */
  sessionUserId?: string | null;
}

export type CallbackResult =
  { ok: true; userId: string; handle: string } | { ok: false; error: XDmCallbackError };

export type XDmService = ReturnType<typeof createXDmService>;

/** A last sync that stopped on something only the user can fix at X: nothing tries again until they ask. */
export const waitsForTheUser = (last: XDmSyncResult | null) =>
  last?.status === 'failed' &&
  (last.errorKind === 'client_forbidden' || last.errorKind === 'credits_depleted');

export function createXDmService({
  xDmQueries,
  xApi,
  vault,
  tokens,
  cookieAccount,
  publicUrl,
  logger,
  now,
}: XDmServiceDeps) {
  const log = logger.child({ module: 'x-dm', provider: 'x' });
  const callbackUrl = `${publicUrl}${xDmCallbackPath}`;
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

  function toStatus(row: XDmRow | null): XDmStatus {
    return {
      configured: xApi.configured,
      missing: xApi.configured ? [] : ['X_CLIENT_ID'],
      callbackUrl,
      state: row?.state ?? 'not_connected',
      handle: row?.handle ?? null,
      xUserId: row?.xUserId ?? null,
      connectedAt: iso(row?.connectedAt),
      accessExpiresAt: iso(row?.accessExpiresAt),
      refreshIssuedAt: iso(row?.refreshIssuedAt),
      refreshLastUsedAt: iso(row?.refreshLastUsedAt),
      lastSyncAt: iso(row?.lastSyncAt),
      lastSync: row?.lastSyncResult ?? null,
    };
  }
  const fail = (error: XDmCallbackError, fields: Record<string, unknown> = {}): CallbackResult => {
    log.warn({ callbackError: error, ...fields }, 'x dm connect failed');
    return { ok: false, error };
  };

  return {
    callbackUrl,
    status: async (userId: string) => toStatus(await xDmQueries.find(userId)),

    /**
     * Connect: a fresh single-use state bound to this user, and the X page to send the browser to. `publishing`
     * asks for tweet.write and media.write as well; left out, a grant that has them keeps them on reconnect.
     */
    async start(userId: string, { publishing }: { publishing?: boolean } = {}) {
      if (!xApi.configured) throw xDmProblems.notConfigured();
      const wantsPublishing =
        publishing ??
        (await xDmQueries.find(userId))?.scopes.split(' ').includes('tweet.write') ??
        false;
      const state = randomBytes(32).toString('base64url');
      const { url, codeVerifier } = xApi.authorizeLink(callbackUrl, state, {
        publishing: wantsPublishing,
      });
      const at = now();
      await xDmQueries.insertState({
        stateHash: sha256(state),
        userId,
        verifierJwe: await vault.seal('pkce-verifier', { codeVerifier }),
        redirectUri: callbackUrl,
        createdAt: at,
        expiresAt: new Date(at.getTime() + stateLifetimeMs),
      });
      log.info({ userId, publishing: wantsPublishing }, 'x dm connect started');
      return { authorizeUrl: url, state };
    },

    async callback(input: CallbackInput): Promise<CallbackResult> {
      if (!input.state || (!input.code && !input.error)) {
        if (input.state) await xDmQueries.takeState(sha256(input.state)); // spent either way
        return fail('missing_params');
      }
      const pending = await xDmQueries.takeState(sha256(input.state));
      if (!pending || pending.expiresAt <= now())
        return fail('session_expired', { reason: pending ? 'expired' : 'unknown or used' });
      const userId = pending.userId;
      if (input.browserState !== input.state)
        return fail('session_expired', { userId, reason: 'another browser' });
      if (input.sessionUserId && input.sessionUserId !== userId)
        return fail('session_expired', { userId, reason: 'another user' });
      if (input.error)
        return fail(
          input.error === 'access_denied' ? 'authorization_denied' : 'token_exchange_failed',
          { userId, xError: input.error.slice(0, 40) },
        );

      const { codeVerifier } = await vault.open('pkce-verifier', pending.verifierJwe, [
        'codeVerifier',
      ] as const);
      let granted;
      let account;
      try {
        granted = await xApi.exchangeCode({
          code: input.code!,
          codeVerifier,
          redirectUri: pending.redirectUri,
        });
        account = await xApi.forToken(granted.accessToken).me();
      } catch (error) {
        const failure =
          error instanceof XApiError ? error : new XApiError('unavailable', 'unexpected');
        // An app X refuses is not a failed sign-in: say what to fix in X's developer portal.
        const refusal =
          failure.kind === 'client_forbidden' ||
          failure.kind === 'usage_capped' ||
          failure.kind === 'credits_depleted'
            ? failure.kind
            : null;
        return fail(refusal ?? 'token_exchange_failed', {
          userId,
          errorClass: failure.kind,
          detail: failure.detail,
        });
      }

      const cookies = await cookieAccount(userId);
      if (cookies.xUserId && cookies.xUserId !== account.id) {
        // Not ours to keep: give the grant back rather than leave it live at X.
        await xApi.revoke(granted.refreshToken, 'refresh_token').catch(() => {});
        return fail('wrong_account', { userId });
      }

      const at = now();
      const existing = await xDmQueries.find(userId);
      const sameAccount = existing?.xUserId === account.id;
      await xDmQueries.upsert({
        userId,
        state: 'connected',
        xUserId: account.id,
        handle: account.username,
        tokensJwe: await tokens.seal(granted),
        scopes: granted.scopes.join(' '),
        connectedAt: at,
        accessExpiresAt: new Date(at.getTime() + granted.expiresIn * 1000),
        refreshIssuedAt: at,
        refreshLastUsedAt: null,
        expiredAt: null,
        updatedAt: at,
        // Another X account's cursor and budget mean nothing for this one.
        ...(sameAccount
          ? {}
          : {
              twitterDmCursor: null,
              dmPassToken: null,
              dmPassNewestId: null,
              lastSyncAt: null,
              lastSyncResult: null,
            }),
      });
      log.info({ userId, xUserId: account.id }, 'x dm connected');
      return { ok: true, userId, handle: account.username };
    },

    /**
     * Revokes the grant at X, then deletes Perch's copy — also when X refuses or cannot be reached, in which case
     * `revoked` is false and the sentence says what to do. The row stays locked meanwhile, so no refresh runs.
     */
    async disconnect(userId: string) {
      const outcome = await xDmQueries.transaction(async (tx) => {
        const row = await tx.findForUpdate(userId);
        if (!row) return { revoked: false, had: false, detail: null };
        let detail: string | null = null;
        try {
          const stored = await tokens.open(row.tokensJwe);
          await xApi.revoke(stored.refreshToken, 'refresh_token');
          await xApi.revoke(stored.accessToken, 'access_token');
        } catch (error) {
          detail =
            error instanceof XApiError ? error.detail : 'the stored tokens could not be read';
        }
        await tx.delete(userId);
        return { revoked: detail === null, had: true, detail };
      });
      log.info(
        { userId, revoked: outcome.revoked, ...(outcome.detail ? { detail: outcome.detail } : {}) },
        'x dm disconnected',
      );
      const sentence = !outcome.had
        ? 'X direct messages were not connected.'
        : outcome.revoked
          ? 'Disconnected: X revoked Perch’s access to your direct messages, and Perch deleted its tokens.'
          : `Disconnected: Perch deleted its tokens, but X did not confirm the revocation (${outcome.detail}). To be sure, remove Perch under Connected apps in your X settings.`;
      return { status: toStatus(null), revoked: outcome.revoked, sentence };
    },

    cleanupStates: () => xDmQueries.deleteExpiredStates(now()),
    connectedUserIds: () => xDmQueries.connectedUserIds(),
    /**
     * The users the daily run syncs: every connected one but those whose last sync stopped on X refusing their
     * app for something only they can fix in X's developer portal (not attached to a Project, prepaid credits
     * spent); Sync DMs now tries those again. A usage cap is tried again here, once a day.
     */
    async dailySyncUserIds() {
      const userIds = await xDmQueries.connectedUserIds();
      const rows = await Promise.all(userIds.map((userId) => xDmQueries.find(userId)));
      return userIds.filter((_, i) => !waitsForTheUser(rows[i]?.lastSyncResult ?? null));
    },
  };
}
