/**
 * X's budget for POST /2/tweets, per user, in the database (x_api_budgets): the 15-minute window and the 24-hour
 * user and app windows, each taken from before a post is sent and set again from every answer's headers. Reading
 * the account's own posts (to reconcile) has its own 15-minute budget. A request X would refuse is not sent: the
 * post waits for the window instead, so Perch never provokes a 429.
 */
import type { PostingBudget } from '@perch/shared';
import type { XBudgetQueries } from '../x-budgets/x-budgets.queries.ts';
import type { XLimits } from '../x-api-v2/x-api-v2.write.ts';
import type { XRateLimit } from '../x-api-v2/x-api-v2.ts';
import type { XPublishQueries } from './x-publish.queries.ts';

const minute = 60_000;
const day = 24 * 60 * minute;

/**
 * Perch's names for the windows and the sizes assumed until X's headers have described them (X's documented
 * 100 posts per 15 minutes per user and 10,000 per 24 hours per app; the user's own 24-hour cap is taken to be
 * the app's until X says). The app window is kept per user: with OAuth 1.0a each self-hoster brings their own app.
 */
export const postingWindows = {
  window: { endpoint: 'tweets:create', windowMs: 15 * minute, defaultLimit: 100 },
  userDay: { endpoint: 'tweets:create:user-24h', windowMs: day, defaultLimit: 10_000 },
  appDay: { endpoint: 'tweets:create:app-24h', windowMs: day, defaultLimit: 10_000 },
} as const;
export const ownPostsWindow = { endpoint: 'users:tweets', windowMs: 15 * minute, defaultLimit: 900 };

type WindowName = keyof typeof postingWindows;

export type BudgetTake = { ok: true } | { ok: false; until: Date; which: WindowName | 'reads' };

export type PostingBudgets = ReturnType<typeof createPostingBudgets>;

export function createPostingBudgets({
  budgetQueries,
  publishQueries,
  now,
}: {
  budgetQueries: XBudgetQueries;
  publishQueries: XPublishQueries;
  now: () => Date;
}) {
  async function take(
    userId: string,
    spec: { endpoint: string; windowMs: number; defaultLimit: number },
  ): Promise<Date | null> {
    const t = now();
    if (await budgetQueries.reserveBudget(userId, spec.endpoint, t, spec.windowMs, spec.defaultLimit))
      return null;
    const row = await budgetQueries.budget(userId, spec.endpoint);
    return row?.resetAt && row.resetAt > t ? row.resetAt : new Date(t.getTime() + spec.windowMs);
  }

  async function record(userId: string, endpoint: string, limit: XRateLimit | null) {
    if (limit) await budgetQueries.recordBudget(userId, endpoint, limit, now());
  }

  return {
    /** One post from each of the three windows; the first that has none left says until when. */
    async takePost(userId: string): Promise<BudgetTake> {
      for (const which of ['window', 'userDay', 'appDay'] as const) {
        const until = await take(userId, postingWindows[which]);
        if (until) return { ok: false, until, which };
      }
      return { ok: true };
    },
    async takeRead(userId: string): Promise<BudgetTake> {
      const until = await take(userId, ownPostsWindow);
      return until ? { ok: false, until, which: 'reads' } : { ok: true };
    },
    async recordPost(userId: string, limits: XLimits) {
      await record(userId, postingWindows.window.endpoint, limits.window);
      await record(userId, postingWindows.userDay.endpoint, limits.userDay);
      await record(userId, postingWindows.appDay.endpoint, limits.appDay);
    },
    recordRead: (userId: string, limits: XLimits) =>
      record(userId, ownPostsWindow.endpoint, limits.window),
    /** What is left, as X last said (with Perch's own sends since subtracted); the tighter 24-hour window is `day`. */
    async view(userId: string): Promise<PostingBudget> {
      const t = now();
      const read = async (endpoint: string) => {
        const row = await budgetQueries.budget(userId, endpoint);
        if (!row) return { limit: null, remaining: null, resetAt: null };
        const over = row.resetAt !== null && row.resetAt <= t;
        return {
          limit: row.limit,
          // a window that has ended is whole again
          remaining: over ? row.limit : row.remaining,
          resetAt: over ? null : (row.resetAt?.toISOString() ?? null),
        };
      };
      const window = await read(postingWindows.window.endpoint);
      const userDay = await read(postingWindows.userDay.endpoint);
      const appDay = await read(postingWindows.appDay.endpoint);
      const dayWindow =
        userDay.remaining === null
          ? appDay
          : appDay.remaining === null || userDay.remaining <= appDay.remaining
            ? userDay
            : appDay;
      const block = await publishQueries.block(userId);
      return {
        window,
        day: dayWindow,
        blocked: block ? { kind: block.kind, sentence: block.sentence } : null,
      };
    },
  };
}
