import { Hono } from 'hono';
import { ContactsQuery, CreateContact, PageQuery, UpdateContact } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { ProblemError } from '../../lib/http-problem.ts';
import { validJson, validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { ContactsService } from './contacts.service.ts';

export function createContactsRoutes({ contacts, interactions }: { contacts: ContactsService; interactions: InteractionsService }) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get('/', validQuery(ContactsQuery), async (c) => c.json(await contacts.page(c.var.user!.id, c.req.valid('query'))))
    .post('/', validJson(CreateContact), async (c) => {
      const { contact } = await contacts.create(c.var.user!.id, c.req.valid('json'));
      c.var.log.info({ contactId: contact.id }, 'contact created');
      return c.json(contact, 201);
    })
    .get('/:id', async (c) => c.json(await contacts.get(c.var.user!.id, c.req.param('id'))))
    .patch('/:id', validJson(UpdateContact), async (c) => {
      const { contact, handleChanged } = await contacts.update(c.var.user!.id, c.req.param('id'), c.req.valid('json'));
      if (handleChanged) c.var.log.info({ contactId: contact.id }, 'contact handle changed');
      return c.json(contact);
    })
    .delete('/:id', async (c) => {
      await contacts.delete(c.var.user!.id, c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/:id/timeline', validQuery(PageQuery), async (c) => {
      const contactId = c.req.param('id');
      return c.json({ contactId, ...(await interactions.timelinePage(c.var.user!.id, contactId, c.req.valid('query'))) });
    })
    .get('/:id/avatar', async (c) => {
      const avatar = await contacts.getAvatar(c.var.user!.id, c.req.param('id'));
      // problem+json like every /api error; to the pages' <img> it is still just a 404.
      if (!avatar) throw new ProblemError(404, 'contact.avatar_not_found', 'No avatar stored', 'Perch has no avatar for a contact with this id.');
      return c.body(new Uint8Array(avatar.bytes), 200, {
        // Only image types X serves; anything else is sent as bytes the browser will not render as a page.
        'content-type': /^image\/(jpeg|png|gif|webp)$/.test(avatar.contentType) ? avatar.contentType : 'application/octet-stream',
        // nosniff, with the other security headers, is the app's (lib/secure-headers.ts).
        'cache-control': 'private, max-age=3600',
      });
    });
}
