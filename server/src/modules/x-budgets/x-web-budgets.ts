/**
 * The cookie web API's budgets: per account and operation, in X's 15-minute windows, sized by what X's own headers
 * say (about 50 searches and user timelines, 95 profile lookups: the defaults until X has answered once). A request
 * is sent only after one is taken here, so across every process on the database Perch never asks X for a 429.
 */
import type { XOperation, XRequestBudget } from '../x-web/x-types.ts';
import type { XBudgetQueries } from './x-budgets.queries.ts';

const windowMs = 15 * 60_000;
export const webBudgetDefaults: Record<XOperation, number> = {
  SearchTimeline: 50,
  UserTweets: 50,
  UserByScreenName: 95,
};
const endpoint = (operation: XOperation) => `web:${operation}`;

export function createWebBudgets({
  budgetQueries,
  now,
}: {
  budgetQueries: XBudgetQueries;
  now: () => Date;
}) {
  return (userId: string): XRequestBudget => ({
    async take(operation) {
      if (
        await budgetQueries.reserveBudget(
          userId,
          endpoint(operation),
          now(),
          windowMs,
          webBudgetDefaults[operation],
        )
      )
        return { ok: true };
      const row = await budgetQueries.budget(userId, endpoint(operation));
      return { ok: false, resetAt: row?.resetAt ?? new Date(now().getTime() + windowMs) };
    },
    record: (operation, limit) =>
      budgetQueries.recordBudget(userId, endpoint(operation), limit, now()),
  });
}
