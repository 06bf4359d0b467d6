import { and, count, desc, eq, isNull, max, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { interactions, unknownMentions, xSyncState, type SearchPass } from './interactions.table.ts';

export type InteractionRow = typeof interactions.$inferSelect;
export type UnknownMentionRow = typeof unknownMentions.$inferSelect;
export type SyncStateRow = typeof xSyncState.$inferSelect;
export type InteractionQueries = ReturnType<typeof createInteractionQueries>;
export type CursorName = 'mentions' | 'replies';

export function createInteractionQueries({ db }: { db: Db }) {
  const cursorColumn = (name: CursorName) => (name === 'mentions' ? xSyncState.mentionsCursor : xSyncState.repliesCursor);

  return {
    /** Null when this user already has this kind + X id: imports are idempotent. */
    async insert(values: typeof interactions.$inferInsert) {
      const [row] = await db.insert(interactions).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    timeline: (userId: string, contactId: string) =>
      db
        .select()
        .from(interactions)
        .where(and(eq(interactions.userId, userId), eq(interactions.contactId, contactId)))
        .orderBy(desc(interactions.occurredAt), desc(interactions.createdAt)),

    async insertUnknown(values: typeof unknownMentions.$inferInsert) {
      const [row] = await db.insert(unknownMentions).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    unknownItems: (userId: string, xUserId: string) =>
      db
        .select()
        .from(unknownMentions)
        .where(and(eq(unknownMentions.userId, userId), eq(unknownMentions.xUserId, xUserId)))
        .orderBy(desc(unknownMentions.occurredAt)),
    unknownAuthorCounts: (userId: string) =>
      db
        .select({ xUserId: unknownMentions.xUserId, itemCount: count(), lastOccurredAt: max(unknownMentions.occurredAt) })
        .from(unknownMentions)
        .where(and(eq(unknownMentions.userId, userId), eq(unknownMentions.direction, 'inbound')))
        .groupBy(unknownMentions.xUserId),
    /**
     * Each unknown author's newest item of their own (for the handle, name and text to show). The user's own
     * replies to them are kept, to move onto their timeline with the rest, but are not theirs to show or count.
     */
    latestUnknownItems: (userId: string) =>
      db
        .selectDistinctOn([unknownMentions.xUserId])
        .from(unknownMentions)
        .where(and(eq(unknownMentions.userId, userId), eq(unknownMentions.direction, 'inbound')))
        .orderBy(unknownMentions.xUserId, desc(unknownMentions.occurredAt)),

    /** Moves an unknown author's items onto a contact's timeline, in one transaction; returns how many were new there. */
    moveUnknownToContact(userId: string, xUserId: string, contactId: string) {
      return db.transaction(async (tx) => {
        const moved = await tx
          .insert(interactions)
          .select(
            tx
              .select({
                id: sql<string>`gen_random_uuid()`.as('id'),
                userId: unknownMentions.userId,
                contactId: sql<string>`${contactId}::uuid`.as('contact_id'),
                kind: unknownMentions.kind,
                direction: unknownMentions.direction,
                xId: unknownMentions.xId,
                occurredAt: unknownMentions.occurredAt,
                text: unknownMentions.text,
                data: unknownMentions.data,
                createdAt: unknownMentions.createdAt,
              })
              .from(unknownMentions)
              .where(and(eq(unknownMentions.userId, userId), eq(unknownMentions.xUserId, xUserId))),
          )
          .onConflictDoNothing()
          .returning({ id: interactions.id });
        await tx.delete(unknownMentions).where(and(eq(unknownMentions.userId, userId), eq(unknownMentions.xUserId, xUserId)));
        return moved.length;
      });
    },

    async syncState(userId: string) {
      const [row] = await db.select().from(xSyncState).where(eq(xSyncState.userId, userId));
      return row ?? null;
    },
    /**
     * Moves a cursor forward only: ids compare as numbers in SQL, so a slower run holding an older id can never
     * move it back. Returns whether it moved.
     */
    async advanceCursor(userId: string, name: CursorName, xId: string, at: Date) {
      const column = cursorColumn(name);
      const field = name === 'mentions' ? 'mentionsCursor' : 'repliesCursor';
      const [row] = await db
        .insert(xSyncState)
        .values({ userId, [field]: xId, updatedAt: at })
        .onConflictDoUpdate({
          target: xSyncState.userId,
          set: { [field]: xId, updatedAt: at },
          setWhere: or(isNull(column), sql`${column}::numeric < ${xId}::numeric`),
        })
        .returning({ userId: xSyncState.userId });
      return row !== undefined;
    },
    /** Where a search pass goes on from; written after the page's rows are committed. */
    async savePass(userId: string, name: CursorName, pass: SearchPass, at: Date) {
      const field = name === 'mentions' ? 'mentionsPass' : 'repliesPass';
      await db
        .insert(xSyncState)
        .values({ userId, [field]: pass, updatedAt: at })
        .onConflictDoUpdate({ target: xSyncState.userId, set: { [field]: pass, updatedAt: at } });
    },
    /**
     * A pass came down to the old cursor (or the end of what X shows): the cursor moves to the newest id the pass
     * stored, forward only, and the pass is over, in one statement.
     */
    async finishPass(userId: string, name: CursorName, top: string | null, at: Date) {
      const column = cursorColumn(name);
      const [cursorField, passField] = name === 'mentions' ? ['mentionsCursor', 'mentionsPass'] : ['repliesCursor', 'repliesPass'];
      const moved = top === null ? sql`${column}` : sql`CASE WHEN ${column} IS NULL OR ${column}::numeric < ${top}::numeric THEN ${top} ELSE ${column} END`;
      await db
        .insert(xSyncState)
        .values({ userId, [cursorField]: top, [passField]: null, updatedAt: at })
        .onConflictDoUpdate({ target: xSyncState.userId, set: { [cursorField]: moved, [passField]: null, updatedAt: at } });
    },
    async startBiosRound(userId: string, at: Date) {
      await db
        .insert(xSyncState)
        .values({ userId, biosRoundStartedAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: xSyncState.userId, set: { biosRoundStartedAt: at, updatedAt: at } });
    },
    async recordRun(userId: string, at: Date, result: Record<string, unknown>) {
      await db
        .insert(xSyncState)
        .values({ userId, lastRunAt: at, lastResult: result, updatedAt: at })
        .onConflictDoUpdate({ target: xSyncState.userId, set: { lastRunAt: at, lastResult: result, updatedAt: at } });
    },
  };
}
