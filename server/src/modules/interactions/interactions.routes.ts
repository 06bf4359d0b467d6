import { Hono } from 'hono';
import { PageQuery } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { InteractionsService } from './interactions.service.ts';

/** Mounted at /api/v1/x/unknown-authors: people who mentioned the user and are not contacts. */
export function createUnknownAuthorsRoutes({ interactions }: { interactions: InteractionsService }) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get('/', validQuery(PageQuery), async (c) => c.json(await interactions.unknownAuthorsPage(c.var.user!.id, c.req.valid('query'))))
    .post('/:xUserId/add-contact', async (c) => {
      const result = await interactions.addUnknownAsContact(c.var.user!.id, c.req.param('xUserId'));
      c.var.log.info({ contactId: result.contact.id, moved: result.moved }, 'unknown author added as contact');
      return c.json(result, result.created ? 201 : 200);
    });
}
