import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';

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
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
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
