/**
 * The web pages: /sign-in, /sign-up, /settings and their /assets. They are clients of /api/v1 like the extension is;
 * the only server-side input is c.var.user, set by the server's session middleware.
 */
import { Hono, type Context } from 'hono';
import { extensionId } from '@perch/shared';
import { createAssetReader } from './web.assets.ts';
import { settingsPage, signInPage, signUpPage } from './web.pages.ts';
import { buildConnectionWords } from './web.words.ts';

export interface WebUser {
  id: string;
  email: string;
}

export type WebEnv = { Variables: { user: WebUser | null } };

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

export function createWebRoutes(): Hono<WebEnv> {
  const assets = createAssetReader();
  let words: ReturnType<typeof buildConnectionWords> | undefined;
  const app = new Hono<WebEnv>();

  app.get('/', (c) => c.redirect(c.var.user ? '/settings' : '/sign-in'));

  app.get('/sign-in', (c) => (c.var.user ? c.redirect('/settings') : c.html(signInPage(), 200, pageHeaders)));

  app.get('/sign-up', (c) => (c.var.user ? c.redirect('/settings') : c.html(signUpPage(), 200, pageHeaders)));

  app.get('/settings', (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/sign-in');
    words ??= buildConnectionWords();
    return c.html(settingsPage({ email: user.email, config: { extensionId, words } }), 200, pageHeaders);
  });

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
