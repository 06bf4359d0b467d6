import { Hono } from 'hono';
import { NotificationsQuery } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { NotificationsService } from './notifications.service.ts';

export function createNotificationsRoutes({ notifications }: { notifications: NotificationsService }) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get('/', validQuery(NotificationsQuery), async (c) => {
      const userId = c.var.user!.id;
      const { unread, ...page } = c.req.valid('query');
      const [list, unreadCount] = await Promise.all([notifications.page(userId, { ...page, unreadOnly: unread === 'true' }), notifications.unreadCount(userId)]);
      return c.json({ ...list, unreadCount });
    })
    .get('/unread-count', async (c) => c.json({ unreadCount: await notifications.unreadCount(c.var.user!.id) }))
    .post('/read-all', async (c) => {
      await notifications.markAllRead(c.var.user!.id);
      return c.json({ unreadCount: 0 });
    })
    .post('/:id/read', async (c) => {
      await notifications.markRead(c.var.user!.id, c.req.param('id'));
      return c.json({ unreadCount: await notifications.unreadCount(c.var.user!.id) });
    });
}
