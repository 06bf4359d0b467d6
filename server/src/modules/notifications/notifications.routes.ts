import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { NotificationsService } from './notifications.service.ts';

export function createNotificationsRoutes({ notifications }: { notifications: NotificationsService }) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get('/', async (c) => {
      const userId = c.var.user!.id;
      const [list, unreadCount] = await Promise.all([
        notifications.list(userId, { unreadOnly: c.req.query('unread') === 'true' }),
        notifications.unreadCount(userId),
      ]);
      return c.json({ notifications: list, unreadCount });
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
