import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per secret key the database depends on: a known plaintext sealed with that key (secret vault, kind
 * keyring-check). At start every key the database names must open its row, so a wrong or missing key is refused
 * before anything is sealed, signed or opened with it.
 */
export const keyringChecks = pgTable('keyring_checks', {
  kid: text().primaryKey(),
  check: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
