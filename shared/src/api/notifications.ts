import { z } from 'zod';

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

export const NotificationList = z.object({ notifications: z.array(Notification), unreadCount: z.number().int() });
export type NotificationList = z.infer<typeof NotificationList>;

export const UnreadCount = z.object({ unreadCount: z.number().int() });
export type UnreadCount = z.infer<typeof UnreadCount>;
