import { z } from 'zod';

/** A stored X direct-message connection: working, or refused by X (reconnect). */
export const XDmState = z.enum(['connected', 'expired']);
export type XDmState = z.infer<typeof XDmState>;

/**
 * Why a DM sync run failed, as Perch's X API client tells X's answers apart: `client_forbidden` (the X app is
 * not attached to a Project), `usage_capped` (its monthly or daily cap is used up) and `credits_depleted` (its
 * prepaid credits are spent) are the app's, never the user's grant.
 */
export const XDmFailureKind = z.enum(['invalid_grant', 'unauthorized', 'rate_limited', 'client_forbidden', 'usage_capped', 'credits_depleted', 'bad_request', 'unavailable']);
export type XDmFailureKind = z.infer<typeof XDmFailureKind>;

/**
 * The last DM sync run. `paused`: X's budget ran out; it goes on by itself at `resumeAt`. `failed`: `error` says
 * what to do; with `errorKind` client_forbidden or credits_depleted only Sync DMs now tries again (the daily run
 * leaves it), with usage_capped the daily run does.
 */
export const XDmSyncResult = z.object({
  status: z.enum(['queued', 'running', 'finished', 'paused', 'failed']),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** DMs put on contacts' timelines by this run. */
  imported: z.number().int(),
  /** DMs with people who are not contacts (kept with the unknown authors). */
  unknown: z.number().int(),
  /** Requests this run sent to X's DM endpoints. */
  requests: z.number().int(),
  /** DMs X sent without saying whose they are (no sender_id, and nothing else on the page tells): left out, each logged by id. */
  unplaced: z.number().int().default(0),
  resumeAt: z.iso.datetime().nullable(),
  /** A plain sentence when the run could not finish. */
  error: z.string().nullable(),
  /** What X's answer was, when the run failed on one. */
  errorKind: XDmFailureKind.nullable().default(null),
});
export type XDmSyncResult = z.infer<typeof XDmSyncResult>;

export const XDmStatus = z.object({
  /** Whether this server has an X app (X_CLIENT_ID); `missing` names what to set when not. */
  configured: z.boolean(),
  missing: z.array(z.string()),
  /** The callback URL to register in X's developer portal. */
  callbackUrl: z.string(),
  state: z.enum(['not_connected', 'connected', 'expired']),
  handle: z.string().nullable(),
  xUserId: z.string().nullable(),
  connectedAt: z.iso.datetime().nullable(),
  accessExpiresAt: z.iso.datetime().nullable(),
  /** When the current refresh token was issued, and when one was last spent (X drops refresh tokens after ~6 months unused). */
  refreshIssuedAt: z.iso.datetime().nullable(),
  refreshLastUsedAt: z.iso.datetime().nullable(),
  lastSyncAt: z.iso.datetime().nullable(),
  lastSync: XDmSyncResult.nullable(),
});
export type XDmStatus = z.infer<typeof XDmStatus>;

export const XDmConnectStart = z.object({ authorizeUrl: z.string() });
export type XDmConnectStart = z.infer<typeof XDmConnectStart>;

export const XDmDisconnected = z.object({ status: XDmStatus, revoked: z.boolean(), sentence: z.string() });
export type XDmDisconnected = z.infer<typeof XDmDisconnected>;

export const XDmContactSync = z.object({ result: XDmSyncResult });
export type XDmContactSync = z.infer<typeof XDmContactSync>;

/** Why the OAuth callback sent the user back to the settings page without a connection. */
export const xDmCallbackErrors = [
  'missing_params',
  'authorization_denied',
  'session_expired',
  'token_exchange_failed',
  'wrong_account',
  'client_forbidden',
  'usage_capped',
  'credits_depleted',
] as const;
export const XDmCallbackError = z.enum(xDmCallbackErrors);
export type XDmCallbackError = z.infer<typeof XDmCallbackError>;

/**
 * The sentence the settings page shows for each callback error.
 * @example xDmCallbackSentences.authorization_denied // 'You did not allow Perch…'
 */
export const xDmCallbackSentences: Record<XDmCallbackError, string> = {
  missing_params: 'X sent you back without the answer Perch needs (no code or state). Click Connect to try again.',
  authorization_denied: 'You did not allow Perch to read your X direct messages, so nothing was connected.',
  session_expired: 'That connection attempt expired or was already used. Click Connect to start again.',
  token_exchange_failed:
    'X did not accept Perch’s sign-in. Click Connect to try again; if it keeps failing, check X_CLIENT_ID, X_CLIENT_SECRET and the callback URL in X’s developer portal.',
  wrong_account:
    'You approved with a different X account from the one connected through the extension. Switch to that account on x.com, then click Connect again.',
  client_forbidden:
    'X refused the connection because your X app is not attached to a Project in X’s developer portal. Attach it, then click Connect again.',
  usage_capped:
    'X refused the connection because your X app has used its X API allowance for now. Wait until X resets it (or raise the plan in X’s developer portal), then click Connect again.',
  credits_depleted:
    'X refused the connection because your X app’s prepaid X API credits are spent. Add credits in X’s developer portal, then click Connect again.',
};

/** What the "Reconnect" notification and an expired row say. */
export const xDmExpiredSentence = 'Reconnect X direct messages: X no longer accepts Perch’s access to them.';
