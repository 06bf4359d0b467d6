/**
 * The web pages: /sign-in, /sign-up, /settings, the CRM pages (/contacts, /contacts/:id, /notifications) and their
 * /assets. Sign-in and settings are clients of /api/v1 like the extension is; the CRM pages render their data here,
 * for c.var.user (set by the server's session middleware) only.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ContactsQuery, PageQuery, extensionId, xDmCallbackSentences, xDmExpiredSentence } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { validQuery } from '../../lib/validation.ts';
import { createAssetReader } from './web.assets.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { contactPage, contactsPage, notificationsPage } from './web.crm.ts';
import { settingsPage, signInPage, signUpPage } from './web.pages.ts';
import { buildConnectionWords } from './web.words.ts';

export interface WebUser {
  id: string;
  email: string;
}

export type WebEnv = { Variables: { user: WebUser | null } };

/** /contacts pages two lists: contacts (`q`, `cursor`) and unknown authors (`authorsCursor`), each on its own. */
const ContactsPageQuery = ContactsQuery.extend({ authorsCursor: PageQuery.shape.cursor });
const pageSize = { limit: 50 };

// Scripts and styles come only from /assets; the JSON config block is data, so no 'unsafe-inline' is needed.
// frame-ancestors 'none' keeps Disconnect and Revoke out of other sites' frames.
const pageHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** What the CRM pages read; without it (the pages' own unit tests) only sign-in, sign-up and settings exist. */
export interface CrmPageDeps {
  contacts: ContactsService;
  interactions: InteractionsService;
  notifications: NotificationsService;
}

export function createWebRoutes(crm?: CrmPageDeps): Hono<WebEnv> {
  const assets = createAssetReader();
  const pageUser = async (user: WebUser) => ({ email: user.email, unreadCount: crm ? await crm.notifications.unreadCount(user.id) : 0 });
  let words: ReturnType<typeof buildConnectionWords> | undefined;
  const app = new Hono<WebEnv>();

  app.get('/', (c) => c.redirect(c.var.user ? '/settings' : '/sign-in'));

  app.get('/sign-in', (c) => (c.var.user ? c.redirect('/settings') : c.html(signInPage(), 200, pageHeaders)));

  app.get('/sign-up', (c) => (c.var.user ? c.redirect('/settings') : c.html(signUpPage(), 200, pageHeaders)));

  app.get('/settings', async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/sign-in');
    words ??= buildConnectionWords();
    const unreadCount = crm ? await crm.notifications.unreadCount(user.id) : null;
    return c.html(settingsPage({ email: user.email, config: { extensionId, words, xDm: { callbackErrors: xDmCallbackSentences, expiredSentence: xDmExpiredSentence } }, unreadCount }), 200, pageHeaders);
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
      return c.html(contactsPage(await pageUser(user), { contacts, authors, q: q ?? '', cursor, authorsCursor }), 200, pageHeaders);
    });

    app.get('/contacts/:id', validQuery(z.object({ cursor: PageQuery.shape.cursor })), async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const contact = await crm.contacts.get(user.id, c.req.param('id')).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return null;
        throw error;
      });
      if (!contact) return c.text('Not found', 404);
      const { cursor } = c.req.valid('query');
      const timeline = await crm.interactions.timelinePage(user.id, contact.id, { ...pageSize, cursor });
      return c.html(contactPage(await pageUser(user), { contact, timeline: timeline.interactions, nextCursor: timeline.nextCursor, cursor }), 200, pageHeaders);
    });

    app.get('/notifications', validQuery(z.object({ cursor: PageQuery.shape.cursor })), async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const { cursor } = c.req.valid('query');
      const { notifications, nextCursor } = await crm.notifications.page(user.id, { ...pageSize, cursor });
      return c.html(notificationsPage(await pageUser(user), { notifications, nextCursor, cursor }), 200, pageHeaders);
    });
  }

  app.get('/assets/:name', async (c) => {
    const asset = await assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return sendAsset(c, asset);
  });

  return app;
}

function sendAsset(c: Context<WebEnv>, asset: { body: string; contentType: string; etag: string }) {
  const headers = {
    'content-type': asset.contentType,
    // Revalidate every time: the ETag makes that a 304, and an upgraded server never serves yesterday's script.
    'cache-control': 'no-cache',
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
  };
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
  return c.body(asset.body, 200, headers);
}
