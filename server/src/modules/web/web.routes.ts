/**
 * The web pages: /sign-in, /sign-up, /settings, /compose, /posts, the CRM pages (/contacts, /contacts/:id, /notifications) and their
 * /assets. Sign-in and settings are clients of /api/v1 like the extension is; the CRM pages render their data here,
 * for c.var.user (set by the server's session middleware) only.
 */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { z } from 'zod';
import { ContactsQuery, PageQuery } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { validQuery } from '../../lib/validation.ts';
import type { Asset, WebAssetLoader } from './web.assets.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { contactPage, contactsPage, notificationsPage } from './web.crm.ts';
import { composePage, postsPage, settingsPage, signInPage, signUpPage } from './web.pages.ts';

export interface WebUser {
  id: string;
  email: string;
}

export type WebEnv = { Variables: { user: WebUser | null } };

/** /contacts pages two lists: contacts (`q`, `cursor`) and unknown authors (`authorsCursor`), each on its own. */
const ContactsPageQuery = ContactsQuery.extend({ authorsCursor: PageQuery.shape.cursor });
const pageSize = { limit: 50 };

// Security headers (the pages' Content-Security-Policy among them) are the app's, in lib/secure-headers.ts.
const pageHeaders = { 'cache-control': 'no-store' };

/** What the CRM pages read; without it (the pages' own unit tests) only sign-in, sign-up and settings exist. */
export interface CrmPageDeps {
  contacts: ContactsService;
  interactions: InteractionsService;
  notifications: NotificationsService;
}

// Hashed names never change content, so a browser keeps them a year without asking again.
const immutable = 'public, max-age=31536000, immutable';

export function createWebRoutes({
  assets,
  crm,
}: {
  assets: WebAssetLoader;
  crm?: CrmPageDeps;
}): Hono<WebEnv> {
  const asset = async () => (await assets.load()).url;
  const pageContext = async (user: WebUser) => ({
    email: user.email,
    unreadCount: crm ? await crm.notifications.unreadCount(user.id) : 0,
    asset: await asset(),
  });
  const app = new Hono<WebEnv>();

  app.get('/', (c) => c.redirect(c.var.user ? '/settings' : '/sign-in'));

  app.get('/sign-in', async (c) =>
    c.var.user ? c.redirect('/settings') : c.html(signInPage(await asset()), 200, pageHeaders),
  );

  app.get('/sign-up', async (c) =>
    c.var.user ? c.redirect('/settings') : c.html(signUpPage(await asset()), 200, pageHeaders),
  );

  app.get('/settings', async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/sign-in');
    const unreadCount = crm ? await crm.notifications.unreadCount(user.id) : null;
    return c.html(
      settingsPage(await asset(), { email: user.email, unreadCount }),
      200,
      pageHeaders,
    );
  });

  // The compose page takes its start from the query; each value is only put back into the form (escaped).
  const ComposeQuery = z.object({
    replyTo: z.string().max(300).optional(),
    quoteOf: z.string().max(300).optional(),
    draft: z.uuid().optional(),
  });
  app.get('/compose', validQuery(ComposeQuery), async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/sign-in');
    const unreadCount = crm ? await crm.notifications.unreadCount(user.id) : null;
    return c.html(
      composePage(await asset(), { email: user.email, unreadCount, start: c.req.valid('query') }),
      200,
      pageHeaders,
    );
  });

  app.get('/posts', async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/sign-in');
    const unreadCount = crm ? await crm.notifications.unreadCount(user.id) : null;
    return c.html(postsPage(await asset(), { email: user.email, unreadCount }), 200, pageHeaders);
  });

  if (crm) {
    app.get('/contacts', validQuery(ContactsPageQuery), async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const { q, cursor, authorsCursor } = c.req.valid('query');
      const [contacts, authors] = await Promise.all([
        crm.contacts.page(user.id, { ...pageSize, q: q || undefined, cursor }),
        crm.interactions.unknownAuthorsPage(user.id, { ...pageSize, cursor: authorsCursor }),
      ]);
      return c.html(
        contactsPage(await pageContext(user), {
          contacts,
          authors,
          q: q ?? '',
          cursor,
          authorsCursor,
        }),
        200,
        pageHeaders,
      );
    });

    app.get(
      '/contacts/:id',
      validQuery(z.object({ cursor: PageQuery.shape.cursor })),
      async (c) => {
        const user = c.var.user;
        if (!user) return c.redirect('/sign-in');
        const contact = await crm.contacts
          .get(user.id, c.req.param('id'))
          .catch((error: unknown) => {
            if (error instanceof ProblemError && error.status === 404) return null;
            throw error;
          });
        if (!contact) return c.text('Not found', 404);
        const { cursor } = c.req.valid('query');
        const timeline = await crm.interactions.timelinePage(user.id, contact.id, {
          ...pageSize,
          cursor,
        });
        return c.html(
          contactPage(await pageContext(user), {
            contact,
            timeline: timeline.interactions,
            nextCursor: timeline.nextCursor,
            cursor,
          }),
          200,
          pageHeaders,
        );
      },
    );

    app.get(
      '/notifications',
      validQuery(z.object({ cursor: PageQuery.shape.cursor })),
      async (c) => {
        const user = c.var.user;
        if (!user) return c.redirect('/sign-in');
        const { cursor } = c.req.valid('query');
        const { notifications, nextCursor } = await crm.notifications.page(user.id, {
          ...pageSize,
          cursor,
        });
        return c.html(
          notificationsPage(await pageContext(user), { notifications, nextCursor, cursor }),
          200,
          pageHeaders,
        );
      },
    );
  }

  // hono/etag keeps the asset's own ETag (its content hash) and answers a matching If-None-Match with a 304.
  app.get('/assets/:file', etag(), async (c) => {
    const file: Asset | null = (await assets.load()).get(c.req.param('file'));
    if (!file) return c.notFound();
    const headers = {
      'content-type': file.contentType,
      'cache-control': immutable,
      etag: file.etag,
    };
    return c.body(file.body, 200, headers);
  });

  return app;
}
