import { z } from 'zod';
import { PageQuery, paged } from './page.ts';

export const Notification = z.object({
  id: z.string(),
  /** e.g. 'bio_change', 'sync_failed'. */
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  contactId: z.string().nullable(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof Notification>;

/** Newest first; a page of them. */
export const NotificationList = paged({
  notifications: z.array(Notification),
  unreadCount: z.number().int(),
});

/** `?unread=true`: only unread ones. */
export const NotificationsQuery = PageQuery.extend({
  unread: z.enum(['true', 'false']).optional(),
});
export type NotificationsQuery = z.output<typeof NotificationsQuery>;
export type NotificationList = z.infer<typeof NotificationList>;

export const UnreadCount = z.object({ unreadCount: z.number().int() });
export type UnreadCount = z.infer<typeof UnreadCount>;
