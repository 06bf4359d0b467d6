import { and, count, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { isoInstant, keyset } from '../../lib/keyset.ts';
import { notifications } from './notifications.table.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationQueries = ReturnType<typeof createNotificationQueries>;

// createdAt is set from a JavaScript Date (milliseconds) by notify(), so toISOString() is the stored value exactly.
const newestFirst = keyset<NotificationRow>({
  columns: [notifications.createdAt, notifications.id],
  types: ['timestamptz', 'uuid'],
  direction: 'desc',
  cursor: z.tuple([isoInstant, z.guid()]),
  keysOf: (row) => [row.createdAt.toISOString(), row.id],
});

export function createNotificationQueries({ db }: { db: Db }) {
  return {
    /** Null when a notification with the same dedupe key exists already. */
    async insert(values: typeof notifications.$inferInsert) {
      const [row] = await db.insert(notifications).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    /** One page, newest first. */
    async page(
      userId: string,
      { unreadOnly, limit, cursor }: { unreadOnly: boolean; limit: number; cursor?: string },
    ) {
      const rows = await db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            unreadOnly ? isNull(notifications.readAt) : undefined,
            newestFirst.after(cursor),
          ),
        )
        .orderBy(...newestFirst.orderBy)
        .limit(limit + 1);
      return newestFirst.page(rows, limit);
    },
    async unreadCount(userId: string) {
      const [row] = await db
        .select({ n: count() })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
      return row?.n ?? 0;
    },
    async find(userId: string, id: string) {
      const [row] = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, userId), eq(notifications.id, id)));
      return row ?? null;
    },
    async markRead(userId: string, id: string, at: Date) {
      await db
        .update(notifications)
        .set({ readAt: at })
        .where(
          and(
            eq(notifications.userId, userId),
            eq(notifications.id, id),
            isNull(notifications.readAt),
          ),
        );
    },
    async markAllRead(userId: string, at: Date) {
      const rows = await db
        .update(notifications)
        .set({ readAt: at })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return rows.length;
    },
  };
}
