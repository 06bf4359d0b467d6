import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { notifications } from './notifications.table.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationQueries = ReturnType<typeof createNotificationQueries>;

export function createNotificationQueries({ db }: { db: Db }) {
  return {
    /** Null when a notification with the same dedupe key exists already. */
    async insert(values: typeof notifications.$inferInsert) {
      const [row] = await db.insert(notifications).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    list(userId: string, { unreadOnly, limit }: { unreadOnly: boolean; limit: number }) {
      return db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit);
    },
    async unreadCount(userId: string) {
      const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
      return row?.n ?? 0;
    },
    async find(userId: string, id: string) {
      const [row] = await db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.id, id)));
      return row ?? null;
    },
    async markRead(userId: string, id: string, at: Date) {
      await db.update(notifications).set({ readAt: at }).where(and(eq(notifications.userId, userId), eq(notifications.id, id), isNull(notifications.readAt)));
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
