import { Hono } from 'hono';
import {
  Contact,
  ContactList,
  ContactsQuery,
  CreateContact,
  PageQuery,
  Timeline,
  UpdateContact,
} from '@perch/shared';
import { z } from 'zod';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, pathParam, problem, empty } from '../../lib/api-docs.ts';
import { ProblemError } from '../../lib/http-problem.ts';
import { validJson, validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { ContactsService } from './contacts.service.ts';

const signedOut = problem('Not signed in');
const noContact = problem('No such contact');
const contactId = [pathParam('id', z.uuid())];
const binary = { schema: { type: 'string', format: 'binary' } } as const;
const avatarImage = {
  description: 'The image (an image type X serves, else bytes)',
  content: { 'image/*': binary, 'application/octet-stream': binary },
};

export function createContactsRoutes({
  contacts,
  interactions,
}: {
  contacts: ContactsService;
  interactions: InteractionsService;
}) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get(
      '/',
      describeRoute({
        summary: 'List your contacts',
        security: bySession,
        responses: { 200: json('Contacts', ContactList), 401: signedOut },
      }),
    )
    .get('/', validQuery(ContactsQuery), async (c) =>
      c.json(await contacts.page(c.var.user!.id, c.req.valid('query'))),
    )
    .post(
      '/',
      describeRoute({
        summary: 'Add a contact (a name or an X handle, or both)',
        security: bySession,
        responses: {
          201: json('Created', Contact),
          401: signedOut,
          409: problem('Another contact has this handle'),
        },
      }),
    )
    .post('/', validJson(CreateContact), async (c) => {
      const { contact } = await contacts.create(c.var.user!.id, c.req.valid('json'));
      c.var.log.info({ contactId: contact.id }, 'contact created');
      return c.json(contact, 201);
    })
    .get(
      '/:id',
      describeRoute({
        summary: 'A contact',
        security: bySession,
        parameters: contactId,
        responses: { 200: json('Contact', Contact), 401: signedOut, 404: noContact },
      }),
    )
    .get('/:id', async (c) => c.json(await contacts.get(c.var.user!.id, c.req.param('id'))))
    .patch(
      '/:id',
      describeRoute({
        summary:
          'Edit a contact; a new handle clears the old account’s X id, bio and avatar and fetches the new one',
        security: bySession,
        parameters: contactId,
        responses: {
          200: json('Contact', Contact),
          401: signedOut,
          404: noContact,
          409: problem('Another contact has this handle'),
        },
      }),
    )
    .patch('/:id', validJson(UpdateContact), async (c) => {
      const { contact, handleChanged } = await contacts.update(
        c.var.user!.id,
        c.req.param('id'),
        c.req.valid('json'),
      );
      if (handleChanged) c.var.log.info({ contactId: contact.id }, 'contact handle changed');
      return c.json(contact);
    })
    .delete(
      '/:id',
      describeRoute({
        summary: 'Delete a contact and its timeline',
        security: bySession,
        parameters: contactId,
        responses: { 204: empty('Deleted'), 401: signedOut, 404: noContact },
      }),
    )
    .delete('/:id', async (c) => {
      await contacts.delete(c.var.user!.id, c.req.param('id'));
      return c.body(null, 204);
    })
    .get(
      '/:id/timeline',
      describeRoute({
        summary: 'The contact’s interactions, newest first',
        security: bySession,
        parameters: contactId,
        responses: { 200: json('Timeline', Timeline), 401: signedOut, 404: noContact },
      }),
    )
    .get('/:id/timeline', validQuery(PageQuery), async (c) => {
      const contactId = c.req.param('id');
      return c.json({
        contactId,
        ...(await interactions.timelinePage(c.var.user!.id, contactId, c.req.valid('query'))),
      });
    })
    .get(
      '/:id/avatar',
      describeRoute({
        summary: 'Perch’s copy of the contact’s X avatar',
        security: bySession,
        parameters: contactId,
        responses: {
          200: avatarImage,
          401: signedOut,
          404: problem('No avatar stored, or no such contact'),
        },
      }),
    )
    .get('/:id/avatar', async (c) => {
      const avatar = await contacts.getAvatar(c.var.user!.id, c.req.param('id'));
      // problem+json like every /api error; to the pages' <img> it is still just a 404.
      if (!avatar)
        throw new ProblemError(
          404,
          'contact.avatar_not_found',
          'No avatar stored',
          'Perch has no avatar for a contact with this id.',
        );
      return c.body(new Uint8Array(avatar.bytes), 200, {
        // Only image types X serves; anything else is sent as bytes the browser will not render as a page.
        'content-type': /^image\/(jpeg|png|gif|webp)$/.test(avatar.contentType)
          ? avatar.contentType
          : 'application/octet-stream',
        // nosniff, with the other security headers, is the app's (lib/secure-headers.ts).
        'cache-control': 'private, max-age=3600',
      });
    });
}
