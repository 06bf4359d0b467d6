import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { RecentTweetsService } from './recent-tweets.service.ts';

/**
 * Mounted at /api/v1/contacts beside the contacts' own routes. Unpaged, unlike the timeline (issue 9): it is at most
 * the 20 tweets (tweetLimit) one read from X returns.
 */
export function createRecentTweetsRoutes({ recentTweets }: { recentTweets: RecentTweetsService }) {
  return new Hono<AppEnv>().get('/:id/recent-tweets', requireUser, async (c) => c.json(await recentTweets.view(c.var.user!.id, c.req.param('id'))));
}
