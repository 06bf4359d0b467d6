import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { extensionOrigin } from '@perch/shared';
import type { AppEnv } from './app-env.ts';
import type { Deps } from './deps.ts';
import { ProblemError, problemResponse, problems } from './lib/http-problem.ts';
import { requestLog } from './lib/request-log.ts';
import { allowedHost } from './lib/allowed-host.ts';
import { perchSecureHeaders } from './lib/secure-headers.ts';
import { sameOriginForSession, sessionUser } from './modules/accounts/accounts.middleware.ts';
import { createAccountsRoutes } from './modules/accounts/accounts.routes.ts';
import { describeRoute } from './lib/api-docs.ts';
import { createOpenApiDocument, type OpenApiDocument } from './modules/api-docs/openapi.ts';
import { deviceFromBearer } from './modules/devices/devices.middleware.ts';
import { createContactsRoutes } from './modules/contacts/contacts.routes.ts';
import { createUnknownAuthorsRoutes } from './modules/interactions/interactions.routes.ts';
import { createNotificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { createRecentTweetsRoutes } from './modules/recent-tweets/recent-tweets.routes.ts';
import { createDevicesRoutes, createPairingCodeRoutes } from './modules/devices/devices.routes.ts';
import { createWebRoutes } from './modules/web/web.routes.ts';
import { createXConnectionRoutes } from './modules/x-connection/x-connection.routes.ts';
import { createXSyncRoutes } from './modules/x-sync/x-sync.routes.ts';
import { createXDmRoutes } from './modules/x-dm/x-dm.routes.ts';
import { createXPublishRoutes } from './modules/x-publish/x-publish.routes.ts';
import { createXCredentialsRoutes } from './modules/x-credentials/x-credentials.routes.ts';
import { errorSummary } from './lib/logger.ts';
import { createXMediaRoutes } from './modules/x-media/x-media.routes.ts';
import {
  createAccountMetricsRoutes,
  createPostMetricsRoutes,
} from './modules/x-metrics/x-metrics.routes.ts';

/**
 * Every body Perch takes is small JSON (the largest, a contact with the longest notes, is about 60 kB), so a bigger
 * one is refused as soon as its Content-Length or the bytes read so far pass this, not after it is read whole.
 */
const maxBodyKiB = 64;

export function createApp(deps: Deps) {
  const { config, accounts, devices, xConnection, contacts, interactions, notifications, logger } =
    deps;
  const app = new Hono<AppEnv>();

  // An id the caller sent is kept only if it is at most 64 letters, digits, '_', '-' or '='; otherwise a new UUID.
  app.use(requestId({ limitLength: 64 }));
  app.use(requestLog(logger));
  app.use(perchSecureHeaders({ https: config.publicUrl.startsWith('https:') }));
  const limitBody = bodyLimit({
    maxSize: maxBodyKiB * 1024,
    onError: () => {
      throw problems.bodyTooLarge(maxBodyKiB);
    },
  });
  // A media upload is streamed into the database and held to its kind's cap there (x-media.service.ts store).
  app.use((c, next) =>
    c.req.method === 'POST' && /^\/api\/v1\/media\/?$/.test(c.req.path)
      ? next()
      : limitBody(c, next),
  );
  // before the host check: a load balancer or container probe asks by address
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.use(allowedHost(config));

  // Only the pinned extension may call the API cross-origin; the web pages are same-origin.
  app.use(
    '/api/*',
    cors({
      origin: (origin) => (origin === extensionOrigin ? origin : null),
      allowHeaders: ['authorization', 'content-type'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: 600,
    }),
  );
  app.use('*', sessionUser(accounts));
  app.use('/api/*', sameOriginForSession(config.publicUrl));
  app.use('/api/v1/x/*', deviceFromBearer(devices));

  app.route(
    '/api/v1/auth',
    createAccountsRoutes({
      accounts,
      throttle: deps.throttle,
      secureCookies: config.publicUrl.startsWith('https:'),
    }),
  );
  app.route('/api/v1/pairing-codes', createPairingCodeRoutes({ devices }));
  app.route('/api/v1/devices', createDevicesRoutes({ devices, throttle: deps.throttle }));
  app.route('/api/v1/x/unknown-authors', createUnknownAuthorsRoutes({ interactions }));
  app.route(
    '/api/v1/x/sync',
    createXSyncRoutes({
      requestSync: deps.requestSync,
      xSyncRunner: deps.xSyncRunner,
      now: deps.now,
    }),
  );
  app.route('/api/v1/x', createXConnectionRoutes({ xConnection }));
  app.route('/api/v1/x', createXCredentialsRoutes({ xCredentials: deps.xCredentials }));
  app.route('/api/v1/x', createAccountMetricsRoutes({ xMetrics: deps.xMetrics }));
  // only /posts/:id/metrics: publishing's /posts routes are mounted beside it
  app.route('/api/v1/posts', createPostMetricsRoutes({ xMetrics: deps.xMetrics }));
  app.route(
    '/api/v1/x-dm',
    createXDmRoutes({
      xDm: deps.xDm,
      xDmSync: deps.xDmSync,
      requestDmSync: deps.requestDmSync,
      secureCookies: config.publicUrl.startsWith('https:'),
    }),
  );
  app.route('/api/v1/contacts', createContactsRoutes({ contacts, interactions }));
  app.route('/api/v1/contacts', createRecentTweetsRoutes({ recentTweets: deps.recentTweets }));
  app.route('/api/v1/notifications', createNotificationsRoutes({ notifications }));
  app.route('/api/v1/posts', createXPublishRoutes({ xPublish: deps.xPublish.service }));
  app.route('/api/v1/media', createXMediaRoutes({ xMedia: deps.xMedia }));
  // Generated on first request, when every route is registered.
  let apiDocument: Promise<OpenApiDocument> | undefined;
  app.get(
    '/api/v1/openapi.json',
    describeRoute({
      summary: 'This document (OpenAPI 3.1)',
      responses: {
        200: {
          description: 'The document',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    }),
  );
  app.get('/api/v1/openapi.json', async (c) =>
    c.json(await (apiDocument ??= createOpenApiDocument(app, config.publicUrl))),
  );
  app.route(
    '/',
    createWebRoutes({
      assets: deps.webAssets,
      crm: { contacts, interactions, notifications },
    }) as unknown as Hono<AppEnv>,
  );

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? problemResponse(c, {
          status: 404,
          code: 'not_found',
          title: 'Not found',
          detail: `There is no ${c.req.method} ${c.req.path}.`,
        })
      : c.text('Not found', 404),
  );

  app.onError((error, c) => {
    if (error instanceof ProblemError) {
      return problemResponse(c, {
        status: error.status,
        code: error.code,
        title: error.title,
        detail: error.detail,
        errors: error.errors,
      });
    }
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(c, {
        status: error.status,
        code: 'http',
        title: error.message || 'Bad request',
      });
    }
    (c.var.log ?? logger).error({ err: errorSummary(error, { stack: true }) }, 'unhandled error');
    return problemResponse(c, {
      status: 500,
      code: 'internal',
      title: 'Something went wrong',
      detail: 'Perch hit an unexpected error; it is in the server log.',
    });
  });

  return app;
}
