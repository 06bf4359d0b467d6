import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';

/**
 * OAuth 1.0a app credentials a user entered on the settings page (one set per user): the app's key pair, the
 * user's access token pair and the app's bearer token, sealed together; and the X account they were verified as.
 */
export const xAppCredentials = pgTable('x_app_credentials', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Compact JWE (secret vault, kind x-app-credentials) of { apiKey, apiSecret, accessToken, accessTokenSecret, bearerToken }. */
  credentialsJwe: text().notNull(),
  xUserId: text().notNull(),
  handle: text().notNull(),
  /** X's subscription_type when they were verified (Basic, Premium, PremiumPlus, None), null when X sent none. */
  subscriptionType: text(),
  /** The bearer token is optional; whether one is sealed, without opening the value. */
  hasBearerToken: boolean().notNull(),
  verifiedAt: timestamp({ withTimezone: true }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
