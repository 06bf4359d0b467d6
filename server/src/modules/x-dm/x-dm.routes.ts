import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import {
  XDmConnectStart,
  XDmContactSync,
  XDmDisconnected,
  XDmStatus,
  xDmCallbackErrors,
} from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import {
  bySession,
  describeRoute,
  json,
  pathParam,
  problem,
  queryParams,
  received,
} from '../../lib/api-docs.ts';
import { problems } from '../../lib/http-problem.ts';
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

const signedOut = problem('Not signed in');

/** Connect's optional body: `publishing` asks for the publishing scopes as well. */
const XDmConnectInput = z.object({ publishing: z.boolean().optional() });
type XDmConnectInput = z.infer<typeof XDmConnectInput>;

/** Mounted at /api/v1/x-dm. */
export function createXDmRoutes({ xDm, xDmSync, requestDmSync, secureCookies }: XDmRoutesDeps) {
  return new Hono<AppEnv>()
    .get(
      '/status',
      describeRoute({
        summary:
          'The X direct messages connection: set up or not (and what is missing), @handle, since, token ages, last DM sync',
        security: bySession,
        responses: { 200: json('Status', XDmStatus), 401: signedOut },
      }),
    )
    .get('/status', requireUser, async (c) => c.json(await xDm.status(c.var.user!.id)))
    .post(
      '/connect',
      describeRoute({
        summary:
          'Start connecting X direct messages (OAuth 2.0 with PKCE): a single-use state (15 minutes, also set as a cookie for the callback) and X’s authorize URL to send the browser to. `{ "publishing": true }` asks for tweet.write and media.write as well (Extend to publishing)',
        security: bySession,
        requestBody: {
          required: false,
          content: { 'application/json': { schema: received(XDmConnectInput) } },
        },
        responses: {
          200: json('Where to send the browser', XDmConnectStart),
          401: signedOut,
          409: problem('This server has no X app (X_CLIENT_ID unset)'),
        },
      }),
    )
    .post('/connect', requireUser, async (c) => {
      // The body is optional (the plain Connect button sends none).
      const raw = (await c.req.text()).trim();
      let input: XDmConnectInput = {};
      if (raw) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw problems.invalidRequest([{ path: '(body)', message: 'is not JSON' }]);
        }
        const result = XDmConnectInput.safeParse(parsed);
        if (!result.success)
          throw problems.invalidRequest(
            result.error.issues.map((i) => ({
              path: i.path.map(String).join('.') || '(body)',
              message: i.message,
            })),
          );
        input = result.data;
      }
      const { authorizeUrl, state } = await xDm.start(c.var.user!.id, input);
      setCookie(c, stateCookie, state, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies,
        path: xDmCallbackPath,
        maxAge: stateLifetimeMs / 1000,
      });
      return c.json({ authorizeUrl });
    })
    .get(
      '/callback',
      describeRoute({
        summary: `X’s redirect back (register <PERCH_PUBLIC_URL>${xDmCallbackPath} in X’s developer portal). Answers a page that moves on to /settings?x_dm=connected or /settings?x_dm_error=<${xDmCallbackErrors.join('|')}>`,
        parameters: queryParams(
          z.object({
            code: z.string().optional(),
            state: z.string().optional(),
            error: z.string().optional(),
          }),
        ),
        responses: {
          200: {
            description: 'A page that moves on to the settings page',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      }),
    )
    .get('/callback', async (c) => {
      const query = c.req.query();
      const browserState = getCookie(c, stateCookie);
      deleteCookie(c, stateCookie, { path: xDmCallbackPath, secure: secureCookies });
      const result = await xDm.callback({
        code: query.code,
        state: query.state,
        error: query.error,
        browserState,
        sessionUserId: c.var.user?.id ?? null,
      });
      if (result.ok) {
        await requestDmSync(result.userId).catch((error: Error) =>
          c.var.log.warn({ err: errorSummary(error) }, 'could not start the first dm sync'),
        );
      }
      // A page rather than a redirect: a navigation that started on X's site would not carry the Strict session
      // cookie to /settings, and no-referrer (every answer's, lib/secure-headers.ts) keeps the code and state in this
      // URL from going anywhere. Its own policy is stricter than the pages' one, and the app's headers keep it.
      return c.html(
        redirectPage(
          result.ok ? '/settings?x_dm=connected' : `/settings?x_dm_error=${result.error}`,
        ),
        200,
        {
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        },
      );
    })
    .delete(
      '/',
      describeRoute({
        summary:
          'Disconnect: revoke the grant at X, then delete the tokens (deleted also when X refuses; `revoked` says which)',
        security: bySession,
        responses: { 200: json('Disconnected', XDmDisconnected), 401: signedOut },
      }),
    )
    .delete('/', requireUser, async (c) => c.json(await xDm.disconnect(c.var.user!.id)))
    .post(
      '/sync',
      describeRoute({
        summary: 'Sync DMs now (queued; one run per user at a time)',
        security: bySession,
        responses: {
          202: json('Status, with the queued run', XDmStatus),
          401: signedOut,
          409: problem('Not connected'),
        },
      }),
    )
    .post('/sync', requireUser, async (c) => {
      if ((await xDm.status(c.var.user!.id)).state !== 'connected')
        throw xDmProblems.notConnected();
      await requestDmSync(c.var.user!.id);
      return c.json(await xDm.status(c.var.user!.id), 202);
    })
    .post(
      '/contacts/:contactId/sync',
      describeRoute({
        summary: 'Read the one-to-one DM conversation with this contact from X now',
        security: bySession,
        parameters: [pathParam('contactId', z.uuid())],
        responses: {
          200: json('The run', XDmContactSync),
          401: signedOut,
          404: problem('No such contact'),
          409: problem('Not connected, or the contact’s X account is not known yet'),
        },
      }),
    )
    .post('/contacts/:contactId/sync', requireUser, async (c) =>
      c.json({ result: await xDmSync.syncContact(c.var.user!.id, c.req.param('contactId')) }),
    );
}
