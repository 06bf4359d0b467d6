import { aliasedTable, and, count, desc, eq, inArray, notExists, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { isoInstant, keyset } from '../../lib/keyset.ts';
import { interactions, unknownAuthors } from './interactions.table.ts';

export type InteractionRow = typeof interactions.$inferSelect;
export type UnknownAuthorRow = typeof unknownAuthors.$inferSelect;
export type InteractionQueries = ReturnType<typeof createInteractionQueries>;

const instantAndId = z.tuple([isoInstant, z.guid()]);

// Times are stored from JavaScript Dates (milliseconds), so a cursor's toISOString() is the stored value exactly.
const newestFirst = keyset<InteractionRow>({
  columns: [interactions.occurredAt, interactions.id],
  types: ['timestamptz', 'uuid'],
  direction: 'desc',
  cursor: instantAndId,
  keysOf: (row) => [row.occurredAt.toISOString(), row.id],
});
/** Unknown authors by their latest item: that item's time and id. */
const latestFirst = keyset<UnknownAuthorRow>({
  columns: [unknownAuthors.occurredAt, unknownAuthors.id],
  types: ['timestamptz', 'uuid'],
  direction: 'desc',
  cursor: instantAndId,
  keysOf: (row) => [row.occurredAt.toISOString(), row.id],
});
const newer = aliasedTable(unknownAuthors, 'newer');

export function createInteractionQueries({ db }: { db: Db }) {
  return {
    /** Null when this user already has this kind + X id: imports are idempotent. */
    async insert(values: typeof interactions.$inferInsert) {
      const [row] = await db.insert(interactions).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    /** One page of a contact's timeline, newest first (ties by id). */
    async timeline(
      userId: string,
      contactId: string,
      { limit, cursor }: { limit: number; cursor?: string },
    ) {
      const rows = await db
        .select()
        .from(interactions)
        .where(
          and(
            eq(interactions.userId, userId),
            eq(interactions.contactId, contactId),
            newestFirst.after(cursor),
          ),
        )
        .orderBy(...newestFirst.orderBy)
        .limit(limit + 1);
      return newestFirst.page(rows, limit);
    },

    async insertUnknown(values: typeof unknownAuthors.$inferInsert) {
      const [row] = await db
        .insert(unknownAuthors)
        .values(values)
        .onConflictDoNothing()
        .returning();
      return row ?? null;
    },
    unknownItems: (userId: string, xUserId: string) =>
      db
        .select()
        .from(unknownAuthors)
        .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.xUserId, xUserId)))
        .orderBy(desc(unknownAuthors.occurredAt)),
    /** How many items of their own each of these unknown authors has. */
    unknownAuthorCounts: (userId: string, xUserIds: string[]) =>
      xUserIds.length === 0
        ? Promise.resolve([])
        : db
            .select({ xUserId: unknownAuthors.xUserId, itemCount: count() })
            .from(unknownAuthors)
            .where(
              and(
                eq(unknownAuthors.userId, userId),
                eq(unknownAuthors.direction, 'inbound'),
                inArray(unknownAuthors.xUserId, xUserIds),
              ),
            )
            .groupBy(unknownAuthors.xUserId),
    /**
     * One page of unknown authors, each as their newest item of their own (for the handle, name and text to show),
     * the latest first: the items no newer item of the same author follows, read newest first from an index. The
     * user's own replies to them are kept, to move onto their timeline with the rest, but are not theirs to show.
     */
    async latestUnknownItems(
      userId: string,
      { limit, cursor }: { limit: number; cursor?: string },
    ) {
      const inbound = and(
        eq(unknownAuthors.userId, userId),
        eq(unknownAuthors.direction, 'inbound'),
      );
      const rows = await db
        .select()
        .from(unknownAuthors)
        .where(
          and(
            inbound,
            latestFirst.after(cursor),
            notExists(
              db
                .select({ one: sql`1` })
                .from(newer)
                .where(
                  and(
                    eq(newer.userId, unknownAuthors.userId),
                    eq(newer.xUserId, unknownAuthors.xUserId),
                    eq(newer.direction, 'inbound'),
                    sql`(${newer.occurredAt}, ${newer.id}) > (${unknownAuthors.occurredAt}, ${unknownAuthors.id})`,
                  ),
                ),
            ),
          ),
        )
        .orderBy(...latestFirst.orderBy)
        .limit(limit + 1);
      return latestFirst.page(rows, limit);
    },

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
        await tx
          .delete(unknownAuthors)
          .where(and(eq(unknownAuthors.userId, userId), eq(unknownAuthors.xUserId, xUserId)));
        return moved.length;
      });
    },
  };
}
