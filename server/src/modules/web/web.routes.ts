/**
 * The web pages: /sign-in, /sign-up, /settings, the CRM pages (/contacts, /contacts/:id, /notifications) and their
 * /assets. Sign-in and settings are clients of /api/v1 like the extension is; the CRM pages render their data here,
 * for c.var.user (set by the server's session middleware) only.
 */
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import { extensionId, xDmCallbackSentences, xDmExpiredSentence } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
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

// Security headers (the pages' Content-Security-Policy among them) are the app's, in lib/secure-headers.ts.
const pageHeaders = { 'cache-control': 'no-store' };

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
    app.get('/contacts', async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const [contacts, authors] = await Promise.all([crm.contacts.list(user.id), crm.interactions.listUnknownAuthors(user.id)]);
      return c.html(contactsPage(await pageUser(user), { contacts, authors }), 200, pageHeaders);
    });

    app.get('/contacts/:id', async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const contact = await crm.contacts.get(user.id, c.req.param('id')).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return null;
        throw error;
      });
      if (!contact) return c.text('Not found', 404);
      const timeline = await crm.interactions.timeline(user.id, contact.id);
      return c.html(contactPage(await pageUser(user), { contact, timeline }), 200, pageHeaders);
    });

    app.get('/notifications', async (c) => {
      const user = c.var.user;
      if (!user) return c.redirect('/sign-in');
      const notifications = await crm.notifications.list(user.id);
      return c.html(notificationsPage(await pageUser(user), { notifications }), 200, pageHeaders);
    });
  }

  // hono/etag hashes each answer and turns a matching If-None-Match into a 304.
  app.get('/assets/:name', etag(), async (c) => {
    const asset = await assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return sendAsset(c, asset);
  });

  return app;
}

function sendAsset(c: Context<WebEnv>, asset: { body: string; contentType: string }) {
  // Revalidate every time: the ETag makes that a 304, and an upgraded server never serves yesterday's script.
  return c.body(asset.body, 200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' });
}
