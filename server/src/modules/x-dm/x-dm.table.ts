import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { XDmState, XDmSyncResult } from '@perch/shared';
import { users } from '../accounts/accounts.table.ts';

/**
 * One X direct-message connection per user (OAuth 2.0 with PKCE, X API v2): the encrypted token pair, what it
 * is good for, and the DM sync's cursor and resume point.
 */
export const xDmConnections = pgTable('x_dm_connections', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  state: text().$type<XDmState>().notNull(),
  xUserId: text().notNull(),
  handle: text().notNull(),
  /** Compact JWE (secret vault, kind x-api-tokens) of { accessToken, refreshToken }. Replaced whole on every refresh. */
  tokensJwe: text().notNull(),
  scopes: text().notNull(),
  connectedAt: timestamp({ withTimezone: true }).notNull(),
  accessExpiresAt: timestamp({ withTimezone: true }).notNull(),
  /** When X issued the stored refresh token (it is single-use, so: the last refresh or the connect). */
  refreshIssuedAt: timestamp({ withTimezone: true }).notNull(),
  /** When a refresh token of this connection was last spent; X drops one left unused for about 6 months. */
  refreshLastUsedAt: timestamp({ withTimezone: true }),
  expiredAt: timestamp({ withTimezone: true }),
  /** Newest DM event id imported by a finished pass: every event up to it is stored. Compared as a number, never as text. */
  twitterDmCursor: text(),
  /** A pass that stopped early (budget, outage): X's pagination token to go on from, and the newest id the pass saw. */
  dmPassToken: text(),
  dmPassNewestId: text(),
  lastSyncAt: timestamp({ withTimezone: true }),
  lastSyncResult: jsonb().$type<XDmSyncResult>(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * A started "Connect X direct messages": the random state X hands back, stored only as its SHA-256, bound to the
 * user who started it, with the PKCE verifier encrypted. Single use (deleted when the callback reads it) and
 * short-lived (15 minutes).
 */
export const xOauthStates = pgTable(
  'x_oauth_states',
  {
    stateHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Compact JWE (secret vault, kind pkce-verifier) of { codeVerifier }. */
    verifierJwe: text().notNull(),
    redirectUri: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.expiresAt)],
);
