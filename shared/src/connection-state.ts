/**
 * The X connection state: the one model the server, the settings page and the extension popup share. Its words are
 * in connection-words.ts, which has no zod, so the settings page's script can bundle them small.
 *
 * @example
 * ConnectionStatus.parse({ state: 'expired' }).handle // null
 */
import { z } from 'zod';
import { connectionStates } from './connection-words.ts';

export const ConnectionState = z.enum(connectionStates);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** What the user can do about a state; the popup and settings page render it as a button. */
export const ConnectionAction = z.enum(['connect', 'refresh', 'sign_in_to_x', 'wait', 'none']);
export type ConnectionAction = z.infer<typeof ConnectionAction>;

export const ConnectionStatus = z.object({
  state: ConnectionState,
  handle: z.string().nullable().default(null),
  xUserId: z.string().nullable().default(null),
  /** ISO time X was last asked about these cookies. */
  checkedAt: z.iso.datetime().nullable().default(null),
  /** ISO time the current cookies were received from the extension. */
  updatedAt: z.iso.datetime().nullable().default(null),
  /** rate_limited: when X said we may ask again. */
  retryAt: z.iso.datetime().nullable().default(null),
  /** x_unavailable: a short cause, safe to show ("X answered 503", "X changed its API"). Never a secret. */
  detail: z.string().nullable().default(null),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
