import { Hono } from 'hono';
import { AppCredentialsInput, PublishingStatus } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, empty, json, problem } from '../../lib/api-docs.ts';
import { validJson } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XCredentials } from './x-credentials.service.ts';

const signedOut = problem('Not signed in');

/** Mounted at /api/v1/x. */
export function createXCredentialsRoutes({ xCredentials }: { xCredentials: XCredentials }) {
  return new Hono<AppEnv>()
    .get(
      '/publishing',
      describeRoute({
        summary:
          'Which credential publishes to X (the OAuth 2.0 grant when it covers tweet.write, else the app credentials), what the grant covers, and what to do when nothing can',
        security: bySession,
        responses: { 200: json('Publishing status', PublishingStatus), 401: signedOut },
      }),
    )
    .get('/publishing', requireUser, async (c) => c.json(await xCredentials.status(c.var.user!.id)))
    .post(
      '/app-credentials',
      describeRoute({
        summary:
          'Save OAuth 1.0a app credentials (API key and secret, access token and secret, optional bearer token): verified once with X (GET /2/users/me), sealed; never sent back',
        security: bySession,
        responses: {
          201: json('Saved; the publishing status', PublishingStatus),
          400: problem('A field is missing (named in errors[]), or X refused the credentials'),
          401: signedOut,
          409: problem('The credentials belong to another X account than the one connected'),
          503: problem('X could not be asked to verify them'),
        },
      }),
    )
    .post('/app-credentials', requireUser, validJson(AppCredentialsInput), async (c) =>
      c.json(await xCredentials.save(c.var.user!.id, c.req.valid('json')), 201),
    )
    .delete(
      '/app-credentials',
      describeRoute({
        summary: 'Delete the stored app credentials (the environment’s, if any, stay)',
        security: bySession,
        responses: { 204: empty('Deleted (or there were none)'), 401: signedOut },
      }),
    )
    .delete('/app-credentials', requireUser, async (c) => {
      await xCredentials.remove(c.var.user!.id);
      return c.body(null, 204);
    });
}
