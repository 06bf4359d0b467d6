import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../app-env.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import { redirectPage } from '../web/web.pages.ts';
import { xDmProblems } from './x-dm.errors.ts';
import type { XDmService } from './x-dm.service.ts';
import { stateLifetimeMs, xDmCallbackPath } from './x-dm.service.ts';
import type { XDmSync } from './x-dm.sync.ts';
import { errorSummary } from '../../lib/logger.ts';

// The state again, in the browser that started: X's callback must come back to that browser. SameSite=Lax, because
// the callback is a top-level navigation from X's site (the Strict session cookie does not come along).
const stateCookie = 'perch_x_dm_state';

export interface XDmRoutesDeps {
  xDm: XDmService;
  xDmSync: XDmSync;
  requestDmSync: (userId: string) => Promise<void>;
  secureCookies: boolean;
}

/** Mounted at /api/v1/x-dm. */
export function createXDmRoutes({ xDm, xDmSync, requestDmSync, secureCookies }: XDmRoutesDeps) {
  return new Hono<AppEnv>()
    .get('/status', requireUser, async (c) => c.json(await xDm.status(c.var.user!.id)))
    .post('/connect', requireUser, async (c) => {
      const { authorizeUrl, state } = await xDm.start(c.var.user!.id);
      setCookie(c, stateCookie, state, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, path: xDmCallbackPath, maxAge: stateLifetimeMs / 1000 });
      return c.json({ authorizeUrl });
    })
    .get('/callback', async (c) => {
      const query = c.req.query();
      const browserState = getCookie(c, stateCookie);
      deleteCookie(c, stateCookie, { path: xDmCallbackPath, secure: secureCookies });
      const result = await xDm.callback({ code: query.code, state: query.state, error: query.error, browserState, sessionUserId: c.var.user?.id ?? null });
      if (result.ok) {
        await requestDmSync(result.userId).catch((error: Error) => c.var.log.warn({ err: errorSummary(error) }, 'could not start the first dm sync'));
      }
      // A page rather than a redirect: a navigation that started on X's site would not carry the Strict session
      // cookie to /settings, and no-referrer (every answer's, lib/secure-headers.ts) keeps the code and state in this
      // URL from going anywhere. Its own policy is stricter than the pages' one, and the app's headers keep it.
      return c.html(redirectPage(result.ok ? '/settings?x_dm=connected' : `/settings?x_dm_error=${result.error}`), 200, {
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
      });
    })
    .delete('/', requireUser, async (c) => c.json(await xDm.disconnect(c.var.user!.id)))
    .post('/sync', requireUser, async (c) => {
      if ((await xDm.status(c.var.user!.id)).state !== 'connected') throw xDmProblems.notConnected();
      await requestDmSync(c.var.user!.id);
      return c.json(await xDm.status(c.var.user!.id), 202);
    })
    .post('/contacts/:contactId/sync', requireUser, async (c) => c.json({ result: await xDmSync.syncContact(c.var.user!.id, c.req.param('contactId')) }));
}
