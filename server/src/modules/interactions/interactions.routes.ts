import { Hono } from 'hono';
import { z } from 'zod';
import { AddedContact, PageQuery, UnknownAuthorList } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { validQuery } from '../../lib/validation.ts';
import { bySession, describeRoute, json, pathParam, problem } from '../../lib/api-docs.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { InteractionsService } from './interactions.service.ts';

/** Mounted at /api/v1/x/unknown-authors: people who mentioned the user and are not contacts. */
export function createUnknownAuthorsRoutes({
  interactions,
}: {
  interactions: InteractionsService;
}) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get(
      '/',
      describeRoute({
        summary: 'People who mentioned, replied to or messaged you and are not contacts',
        security: bySession,
        responses: { 200: json('Authors', UnknownAuthorList), 401: problem('Not signed in') },
      }),
    )
    .get('/', validQuery(PageQuery), async (c) =>
      c.json(await interactions.unknownAuthorsPage(c.var.user!.id, c.req.valid('query'))),
    )
    .post(
      '/:xUserId/add-contact',
      describeRoute({
        summary:
          'Make this author a contact (or find the existing one) and move their items onto its timeline',
        security: bySession,
        parameters: [pathParam('xUserId', z.string().regex(/^[0-9]+$/), 'X’s id of the author')],
        responses: {
          201: json('Contact created', AddedContact),
          200: json('Existing contact', AddedContact),
          401: problem('Not signed in'),
          404: problem('No such author'),
        },
      }),
    )
    .post('/:xUserId/add-contact', async (c) => {
      const result = await interactions.addUnknownAsContact(c.var.user!.id, c.req.param('xUserId'));
      c.var.log.info(
        { contactId: result.contact.id, moved: result.moved },
        'unknown author added as contact',
      );
      return c.json(result, result.created ? 201 : 200);
    });
}
