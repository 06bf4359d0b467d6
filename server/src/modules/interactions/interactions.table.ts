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
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid().notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text().$type<InteractionKind>().notNull(),
    direction: text().$type<InteractionDirection>().notNull(),
    xId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    text: text(),
    data: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.userId, t.kind, t.xId), index().on(t.contactId, t.occurredAt)],
);

/** Mentions, replies and DMs from accounts that are not contacts yet; "Add as contact" moves them onto a timeline. */
export const unknownMentions = pgTable(
  'unknown_mentions',
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
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
  (t) => [unique().on(t.userId, t.kind, t.xId), index().on(t.userId, t.xUserId)],
);

/**
 * A search pass in progress: X's cursor for the next (older) page, and the newest id the pass has stored. The
 * sync's cursor moves to `top` only once the pass has come down to the old cursor, so a pass stopped by a limit,
 * an error or a crash goes on from `next` and never skips what lies below it.
 */
export interface SearchPass {
  next: string | null;
  top: string | null;
  /** Pages read in this pass, to bound a first pass (no cursor yet). */
  pages: number;
}

/**
 * Per-user sync cursors: every mention and reply up to these ids is imported. X ids are 64-bit, so they are
 * stored as text and compared as numbers (BigInt in code, ::numeric in SQL), never as strings.
 */
export const xSyncState = pgTable('x_sync_state', {
  userId: uuid().primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  mentionsCursor: text(),
  repliesCursor: text(),
  mentionsPass: jsonb().$type<SearchPass>(),
  repliesPass: jsonb().$type<SearchPass>(),
  /** When the current round of bio checks began: each contact is checked once per round, oldest check first. */
  biosRoundStartedAt: timestamp({ withTimezone: true }),
  lastRunAt: timestamp({ withTimezone: true }),
  lastResult: jsonb().$type<Record<string, unknown>>(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
