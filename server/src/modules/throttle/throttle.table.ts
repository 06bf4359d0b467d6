import { integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Attempts counted per fixed window, shared by every Perch process on the database. `key` is the SHA-256 (hex) of
 * what is counted (a client address, an email, both), so no email or address is stored in clear.
 */
export const throttleHits = pgTable(
  'throttle_hits',
  {
    /** Which rule counts here, e.g. `sign-in:address`. */
    scope: text().notNull(),
    key: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    hits: integer().notNull(),
  },
  (t) => [uniqueIndex().on(t.scope, t.key, t.windowStart)],
);
