import { Hono } from 'hono';
import { z } from 'zod';
import { NotificationList, NotificationsQuery, UnreadCount } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { validQuery } from '../../lib/validation.ts';
import { bySession, describeRoute, json, pathParam, problem } from '../../lib/api-docs.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { NotificationsService } from './notifications.service.ts';

const signedOut = problem('Not signed in');

export function createNotificationsRoutes({
  notifications,
}: {
  notifications: NotificationsService;
}) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get(
      '/',
      describeRoute({
        summary: 'Your notifications, newest first (?unread=true: only unread ones)',
        security: bySession,
        responses: { 200: json('Notifications', NotificationList), 401: signedOut },
      }),
    )
    .get('/', validQuery(NotificationsQuery), async (c) => {
      const userId = c.var.user!.id;
      const { unread, ...page } = c.req.valid('query');
      const [list, unreadCount] = await Promise.all([
        notifications.page(userId, { ...page, unreadOnly: unread === 'true' }),
        notifications.unreadCount(userId),
      ]);
      return c.json({ ...list, unreadCount });
    })
    .get(
      '/unread-count',
      describeRoute({
        summary: 'How many notifications are unread',
        security: bySession,
        responses: { 200: json('Count', UnreadCount), 401: signedOut },
      }),
    )
    .get('/unread-count', async (c) =>
      c.json({ unreadCount: await notifications.unreadCount(c.var.user!.id) }),
    )
    .post(
      '/read-all',
      describeRoute({
        summary: 'Mark every notification read',
        security: bySession,
        responses: { 200: json('Unread count after', UnreadCount), 401: signedOut },
      }),
    )
    .post('/read-all', async (c) => {
      await notifications.markAllRead(c.var.user!.id);
      return c.json({ unreadCount: 0 });
    })
    .post(
      '/:id/read',
      describeRoute({
        summary: 'Mark one notification read',
        security: bySession,
        parameters: [pathParam('id', z.uuid())],
        responses: {
          200: json('Unread count after', UnreadCount),
          401: signedOut,
          404: problem('No such notification'),
        },
      }),
    )
    .post('/:id/read', async (c) => {
      await notifications.markRead(c.var.user!.id, c.req.param('id'));
      return c.json({ unreadCount: await notifications.unreadCount(c.var.user!.id) });
    });
}
