import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';

/**
 * What is left of a user's request budget at one X endpoint (X counts per user and endpoint: 15 DM lookups per 15
 * minutes on API v2, about 50 searches or 95 profile lookups per 15 minutes on the cookie web API), as X's
 * x-rate-limit-* headers last said, with requests Perch has sent since subtracted in
 * advance: a request is only sent after reserving one here, atomically, so across processes too.
 */
export const xApiBudgets = pgTable(
  'x_api_budgets',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Perch's name for the endpoint, e.g. `dm_events`. */
    endpoint: text().notNull(),
    limit: integer(),
    remaining: integer(),
    resetAt: timestamp({ withTimezone: true }),
    /** Set while resetAt is Perch's guess (a new window no answer from X has described yet). */
    resetGuessed: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.userId, t.endpoint] })],
);

/**
 * X's 24-hour app window of POST /2/tweets, per X app (x_api_budgets is per user): every user posting through
 * Perch's X_CLIENT_ID draws on one window, an OAuth 1.0a self-hoster's app (keyed by a hash of its API key) on
 * its own. Same columns and rules as x_api_budgets (x-budgets.queries.ts serves both).
 */
export const xAppBudgets = pgTable(
  'x_app_budgets',
  {
    appKey: text().notNull(),
    endpoint: text().notNull(),
    limit: integer(),
    remaining: integer(),
    resetAt: timestamp({ withTimezone: true }),
    resetGuessed: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.appKey, t.endpoint] })],
);
