import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { InteractionDirection, InteractionKind } from '@perch/shared';
import { users } from '../accounts/accounts.table.ts';
import { contacts } from '../contacts/contacts.table.ts';

/**
 * A contact's timeline. Unique on user + kind + X id so that every import is idempotent: re-running a sync, or
 * two processes running it at once, inserts each item once (onConflictDoNothing).
 */
export const interactions = pgTable(
  'interactions',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text().$type<InteractionKind>().notNull(),
    direction: text().$type<InteractionDirection>().notNull(),
    xId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    text: text(),
    data: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // The timeline pages by occurredAt, id newest first (lib/keyset.ts): a backward scan of this index.
  (t) => [unique().on(t.userId, t.kind, t.xId), index().on(t.contactId, t.occurredAt, t.id)],
);

/** Mentions, replies and DMs from accounts that are not contacts yet; "Add as contact" moves them onto a timeline. */
export const unknownAuthors = pgTable(
  'unknown_authors',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    xUserId: text().notNull(),
    /** Null when X did not say (a DM peer X no longer knows). */
    xHandle: text(),
    name: text().notNull(),
    kind: text().$type<InteractionKind>().notNull(),
    direction: text().$type<InteractionDirection>().notNull(),
    xId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    text: text(),
    data: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Unknown authors page by their latest item, newest first: the first index is read backwards for the page, the
  // second answers "has this author anything newer?" per item.
  (t) => [
    unique().on(t.userId, t.kind, t.xId),
    index().on(t.userId, t.occurredAt, t.id),
    index().on(t.userId, t.xUserId, t.occurredAt, t.id),
  ],
);
