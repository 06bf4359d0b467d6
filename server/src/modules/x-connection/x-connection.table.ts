import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ConnectionState } from '@perch/shared';
import { users } from '../accounts/accounts.table.ts';

/** One X cookie connection per user: the encrypted pair and what X last said about it. */
export const xConnections = pgTable('x_connections', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  state: text().$type<ConnectionState>().notNull(),
  handle: text(),
  xUserId: text(),
  /** Compact JWE (dir + A256GCM) of { authToken, ct0 }; see secrets/cookie-vault.ts. Null when signed out or disconnected. */
  cookiesJwe: text(),
  /** Keyed HMAC of the pair, to recognise an unchanged push without decrypting. */
  cookiesFingerprint: text(),
  cookiesUpdatedAt: timestamp({ withTimezone: true }),
  checkedAt: timestamp({ withTimezone: true }),
  retryAt: timestamp({ withTimezone: true }),
  /** Safe, short cause for x_unavailable ("X answered 503"). Never a secret. */
  detail: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
