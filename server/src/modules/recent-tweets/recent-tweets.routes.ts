import { Hono } from 'hono';
import { z } from 'zod';
import { RecentTweets } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, pathParam, problem } from '../../lib/api-docs.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { RecentTweetsService } from './recent-tweets.service.ts';

/**
 * Mounted at /api/v1/contacts beside the contacts' own routes. Unpaged, unlike the timeline (issue 9): it is at most
 * the 20 tweets (tweetLimit) one read from X returns.
 */
export function createRecentTweetsRoutes({ recentTweets }: { recentTweets: RecentTweetsService }) {
  return new Hono<AppEnv>()
    .get(
      '/:id/recent-tweets',
      describeRoute({
        summary:
          'The contact’s recent tweets and detected events: from a fetch under 12 hours old (fresh), or a fetch is queued (fetching: poll again), failed (message says why), or no_handle',
        security: bySession,
        parameters: [pathParam('id', z.uuid())],
        responses: {
          200: json('Recent tweets', RecentTweets),
          401: problem('Not signed in'),
          404: problem('No such contact'),
        },
      }),
    )
    .get('/:id/recent-tweets', requireUser, async (c) =>
      c.json(await recentTweets.view(c.var.user!.id, c.req.param('id'))),
    );
}
