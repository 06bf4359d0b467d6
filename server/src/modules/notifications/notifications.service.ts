import type { Notification } from '@perch/shared';
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

// The list page shows the latest ones; older notifications stay in the database.
const listLimit = 200;

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

export function createNotificationsService({ notificationQueries, now }: { notificationQueries: NotificationQueries; now: () => Date }) {
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

    list: async (userId: string, { unreadOnly = false } = {}) =>
      (await notificationQueries.list(userId, { unreadOnly, limit: listLimit })).map(toNotification),

    unreadCount: (userId: string) => notificationQueries.unreadCount(userId),

    async markRead(userId: string, id: string) {
      if (!isUuid(id) || !(await notificationQueries.find(userId, id))) {
        throw new ProblemError(404, 'notification.not_found', 'Notification not found', 'No notification with this id belongs to you.');
      }
      await notificationQueries.markRead(userId, id, now());
    },

    markAllRead: (userId: string) => notificationQueries.markAllRead(userId, now()),
  };
}
