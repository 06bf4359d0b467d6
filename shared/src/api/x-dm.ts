import { z } from 'zod';
import { xDmCallbackErrors } from './x-dm-words.ts';

/** A stored X direct-message connection: working, or refused by X (reconnect). */
export const XDmState = z.enum(['connected', 'expired']);
export type XDmState = z.infer<typeof XDmState>;

/**
 * Why a DM sync run failed, as Perch's X API client tells X's answers apart: `client_forbidden` (the X app is
 * not attached to a Project), `usage_capped` (its monthly or daily cap is used up) and `credits_depleted` (its
 * prepaid credits are spent) are the app's, never the user's grant.
 */
export const XDmFailureKind = z.enum([
  'invalid_grant',
  'unauthorized',
  'rate_limited',
  'client_forbidden',
  'usage_capped',
  'credits_depleted',
  'bad_request',
  'unavailable',
]);
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

export const XDmDisconnected = z.object({
  status: XDmStatus,
  revoked: z.boolean(),
  sentence: z.string(),
});
export type XDmDisconnected = z.infer<typeof XDmDisconnected>;

export const XDmContactSync = z.object({ result: XDmSyncResult });
export type XDmContactSync = z.infer<typeof XDmContactSync>;

export const XDmCallbackError = z.enum(xDmCallbackErrors);
export type XDmCallbackError = z.infer<typeof XDmCallbackError>;
