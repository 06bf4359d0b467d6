import { Hono } from 'hono';
import { AccountMetricsView, PostMetricsView } from '@perch/shared';
import { z } from 'zod';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, pathParam, problem } from '../../lib/api-docs.ts';
import { problems } from '../../lib/http-problem.ts';
import { validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XMetrics } from './x-metrics.service.ts';

const signedOut = problem('Not signed in');
export const AccountMetricsQuery = z.object({
  days: z.coerce.number().int().min(1).max(400).default(30),
});

/**
 * Mounted at /api/v1/posts beside publishing's routes: only `/:id/metrics` is registered here (each route with
 * its own requireUser, no `use`), so /posts/budget and /posts/:id stay publishing's.
 */
export function createPostMetricsRoutes({ xMetrics }: { xMetrics: Pick<XMetrics, 'postMetrics'> }) {
  return new Hono<AppEnv>()
    .get(
      '/:id/metrics',
      describeRoute({
        summary:
          'A post’s metric snapshots (+1 h, +24 h, +7 d, +29 d; organic figures when X gives them), each thread part’s in parts',
        security: bySession,
        parameters: [pathParam('id', z.uuid())],
        responses: {
          200: json(
            'Snapshots taken so far (none yet for a post not published), and when the next is due',
            PostMetricsView,
          ),
          401: signedOut,
          404: problem('No such post'),
        },
      }),
    )
    .get('/:id/metrics', requireUser, async (c) => {
      const id = c.req.param('id');
      const view = z.uuid().safeParse(id).success
        ? await xMetrics.postMetrics(c.var.user!.id, id)
        : null;
      if (!view) throw problems.notFound('Post');
      return c.json(view);
    });
}

/** Mounted at /api/v1/x. */
export function createAccountMetricsRoutes({
  xMetrics,
}: {
  xMetrics: Pick<XMetrics, 'accountMetrics'>;
}) {
  return new Hono<AppEnv>()
    .get(
      '/account-metrics',
      describeRoute({
        summary: 'The X account’s followers, following and posts, one entry per day taken',
        security: bySession,
        responses: {
          200: json('Days, oldest first', AccountMetricsView),
          400: problem('days is not a whole number from 1 to 400'),
          401: signedOut,
        },
      }),
    )
    .get('/account-metrics', requireUser, validQuery(AccountMetricsQuery), async (c) =>
      c.json(await xMetrics.accountMetrics(c.var.user!.id, c.req.valid('query').days)),
    );
}
