import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { contacts } from '../contacts/contacts.table.ts';

/**
 * What Perch tells the user. A dedupe key makes a notification idempotent: "at most one per error class per day"
 * is the key `sync_failed:x_unavailable:2026-11-24` (PostgreSQL treats NULL keys as distinct, so keyless ones repeat).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    title: text().notNull(),
    body: text().notNull().default(''),
    contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
    dedupeKey: text(),
    readAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Pages newest first by createdAt, id (lib/keyset.ts): a backward scan of the index.
  (t) => [unique().on(t.userId, t.dedupeKey), index().on(t.userId, t.createdAt, t.id)],
);
