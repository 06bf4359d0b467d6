import { maxPageLimit, type Notification, type PageQuery } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { isUuid } from '../../lib/ids.ts';
import type { NotificationQueries, NotificationRow } from './notifications.queries.ts';

export type NotificationsService = ReturnType<typeof createNotificationsService>;

export interface NotifyInput {
  kind: string;
  title: string;
  body?: string;
  contactId?: string | null;
  /** At most one notification per user and key, e.g. `sync_failed:x_unavailable:2026-11-24`. */
  dedupeKey?: string | null;
}

export const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  contactId: row.contactId,
  readAt: row.readAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** The dedupe key for "at most one notification per error class per day" (UTC day). */
export const dailyKey = (prefix: string, at: Date) => `${prefix}:${at.toISOString().slice(0, 10)}`;

export function createNotificationsService({
  notificationQueries,
  now,
}: {
  notificationQueries: NotificationQueries;
  now: () => Date;
}) {
  return {
    /** Idempotent on `dedupeKey`: `created` is false (and nothing is written) when the key was used before. */
    async notify(userId: string, input: NotifyInput) {
      const row = await notificationQueries.insert({
        userId,
        kind: input.kind,
        title: input.title,
        body: input.body ?? '',
        contactId: input.contactId ?? null,
        dedupeKey: input.dedupeKey ?? null,
        createdAt: now(),
      });
      return { created: row !== null, notification: row ? toNotification(row) : null };
    },

    /** One page, newest first (`unreadOnly`: only unread ones). */
    async page(
      userId: string,
      { unreadOnly = false, ...page }: PageQuery & { unreadOnly?: boolean },
    ) {
      const { rows, nextCursor } = await notificationQueries.page(userId, { unreadOnly, ...page });
      return { notifications: rows.map(toNotification), nextCursor };
    },
    /** The first page (at most 200): for tests. */
    list: async (userId: string, { unreadOnly = false } = {}) =>
      (await notificationQueries.page(userId, { unreadOnly, limit: maxPageLimit })).rows.map(
        toNotification,
      ),

    unreadCount: (userId: string) => notificationQueries.unreadCount(userId),

    async markRead(userId: string, id: string) {
      if (!isUuid(id) || !(await notificationQueries.find(userId, id))) {
        throw new ProblemError(
          404,
          'notification.not_found',
          'Notification not found',
          'No notification with this id belongs to you.',
        );
      }
      await notificationQueries.markRead(userId, id, now());
    },

    markAllRead: (userId: string) => notificationQueries.markAllRead(userId, now()),
  };
}
