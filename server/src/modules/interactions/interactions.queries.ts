import { and, count, desc, eq, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { interactions, unknownAuthors } from './interactions.table.ts';

export type InteractionRow = typeof interactions.$inferSelect;
export type UnknownAuthorRow = typeof unknownAuthors.$inferSelect;
export type InteractionQueries = ReturnType<typeof createInteractionQueries>;

export function createInteractionQueries({ db }: { db: Db }) {
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

    async insertUnknown(values: typeof unknownAuthors.$inferInsert) {
      const [row] = await db.insert(unknownAuthors).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    unknownItems: (userId: string, xUserId: string) =>
      db
        .select()
        .from(unknownAuthors)
        .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.xUserId, xUserId)))
        .orderBy(desc(unknownAuthors.occurredAt)),
    unknownAuthorCounts: (userId: string) =>
      db
        .select({ xUserId: unknownAuthors.xUserId, itemCount: count(), lastOccurredAt: max(unknownAuthors.occurredAt) })
        .from(unknownAuthors)
        .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.direction, 'inbound')))
        .groupBy(unknownAuthors.xUserId),
    /**
     * Each unknown author's newest item of their own (for the handle, name and text to show). The user's own
     * replies to them are kept, to move onto their timeline with the rest, but are not theirs to show or count.
     */
    latestUnknownItems: (userId: string) =>
      db
        .selectDistinctOn([unknownAuthors.xUserId])
        .from(unknownAuthors)
        .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.direction, 'inbound')))
        .orderBy(unknownAuthors.xUserId, desc(unknownAuthors.occurredAt)),

    /** Moves an unknown author's items onto a contact's timeline, in one transaction; returns how many were new there. */
    moveUnknownToContact(userId: string, xUserId: string, contactId: string) {
      return db.transaction(async (tx) => {
        const moved = await tx
          .insert(interactions)
          .select(
            tx
              .select({
                id: sql<string>`gen_random_uuid()`.as('id'),
                userId: unknownAuthors.userId,
                contactId: sql<string>`${contactId}::uuid`.as('contact_id'),
                kind: unknownAuthors.kind,
                direction: unknownAuthors.direction,
                xId: unknownAuthors.xId,
                occurredAt: unknownAuthors.occurredAt,
                text: unknownAuthors.text,
                data: unknownAuthors.data,
                createdAt: unknownAuthors.createdAt,
              })
              .from(unknownAuthors)
              .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.xUserId, xUserId))),
          )
          .onConflictDoNothing()
          .returning({ id: interactions.id });
        await tx.delete(unknownAuthors).where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.xUserId, xUserId)));
        return moved.length;
      });
    },
  };
}
