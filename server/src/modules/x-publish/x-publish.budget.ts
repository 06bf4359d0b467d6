/**
 * X's budget for POST /2/tweets in the database: the 15-minute window and the 24-hour user window per user
 * (x_api_budgets), the 24-hour app window per X app (x_app_budgets: Perch's X_CLIENT_ID for every OAuth 2.0 user,
 * an OAuth 1.0a user's own app by its key), each taken from before a post is sent and set again from every answer's headers. Reading
 * the account's own posts (to reconcile) has its own 15-minute budget. A request X would refuse is not sent: the
 * post waits for the window instead, so Perch never provokes a 429.
 */
import type { PostingBudget } from '@perch/shared';
import type { XLimits } from '../x-api-v2/x-api-v2.write.ts';
import type { XRateLimit } from '../x-api-v2/x-api-v2.ts';
import type { XPublishQueries } from './x-publish.queries.ts';

/**
 * The budget rows' operations, as x-budgets' queries offer them (x-budgets has no service; deps.ts passes its
 * queries in, which fit this shape).
 */
export interface BudgetStore {
  reserveBudget(
    userId: string,
    endpoint: string,
    now: Date,
    windowMs: number,
    defaultLimit: number,
  ): Promise<boolean>;
  recordBudget(userId: string, endpoint: string, limit: XRateLimit, now: Date): Promise<void>;
  budget(
    userId: string,
    endpoint: string,
  ): Promise<{ limit: number | null; remaining: number | null; resetAt: Date | null } | null>;
}

const minute = 60_000;
const day = 24 * 60 * minute;

/**
 * Perch's names for the windows and the sizes assumed until X's headers have described them (X's documented
 * 100 posts per 15 minutes per user and 10,000 per 24 hours per app; the user's own 24-hour cap is taken to be
 * the app's until X says). The app window is the X app's, whoever posts through it (see appKeyOf).
 */
export const postingWindows = {
  window: { endpoint: 'tweets:create', windowMs: 15 * minute, defaultLimit: 100 },
  userDay: { endpoint: 'tweets:create:user-24h', windowMs: day, defaultLimit: 10_000 },
  appDay: { endpoint: 'tweets:create:app-24h', windowMs: day, defaultLimit: 10_000 },
} as const;
export const ownPostsWindow = {
  endpoint: 'users:tweets',
  windowMs: 15 * minute,
  defaultLimit: 900,
};

type WindowName = keyof typeof postingWindows;

export type BudgetTake = { ok: true } | { ok: false; until: Date; which: WindowName | 'reads' };

export type PostingBudgets = ReturnType<typeof createPostingBudgets>;

/** The X app a session posts through: its own key (OAuth 1.0a), else Perch's OAuth 2.0 client. */
export const appKeyOf = (session: { appKey?: string }, clientId: string | undefined) =>
  session.appKey ?? `oauth2:${clientId ?? 'none'}`;

export function createPostingBudgets({
  budgetQueries,
  appBudgetQueries,
  publishQueries,
  now,
}: {
  budgetQueries: BudgetStore;
  /** The same operations keyed by X app (createXAppBudgetQueries). */
  appBudgetQueries: BudgetStore;
  publishQueries: XPublishQueries;
  now: () => Date;
}) {
  async function take(
    store: BudgetStore,
    key: string,
    spec: { endpoint: string; windowMs: number; defaultLimit: number },
  ): Promise<Date | null> {
    const t = now();
    if (await store.reserveBudget(key, spec.endpoint, t, spec.windowMs, spec.defaultLimit))
      return null;
    const row = await store.budget(key, spec.endpoint);
    return row?.resetAt && row.resetAt > t ? row.resetAt : new Date(t.getTime() + spec.windowMs);
  }

  async function record(
    store: BudgetStore,
    key: string,
    endpoint: string,
    limit: XRateLimit | null,
  ) {
    if (limit) await store.recordBudget(key, endpoint, limit, now());
  }

  return {
    /** One post from each of the three windows; the first that has none left says until when. */
    async takePost(userId: string, appKey: string): Promise<BudgetTake> {
      for (const which of ['window', 'userDay', 'appDay'] as const) {
        const until =
          which === 'appDay'
            ? await take(appBudgetQueries, appKey, postingWindows[which])
            : await take(budgetQueries, userId, postingWindows[which]);
        if (until) return { ok: false, until, which };
      }
      return { ok: true };
    },
    async takeRead(userId: string): Promise<BudgetTake> {
      const until = await take(budgetQueries, userId, ownPostsWindow);
      return until ? { ok: false, until, which: 'reads' } : { ok: true };
    },
    async recordPost(userId: string, appKey: string, limits: XLimits) {
      await record(budgetQueries, userId, postingWindows.window.endpoint, limits.window);
      await record(budgetQueries, userId, postingWindows.userDay.endpoint, limits.userDay);
      await record(appBudgetQueries, appKey, postingWindows.appDay.endpoint, limits.appDay);
    },
    recordRead: (userId: string, limits: XLimits) =>
      record(budgetQueries, userId, ownPostsWindow.endpoint, limits.window),
    /** What is left, as X last said (with Perch's own sends since subtracted); the tighter 24-hour window is `day`. */
    async view(userId: string, appKey: string | null): Promise<PostingBudget> {
      const t = now();
      const read = async (endpoint: string, store = budgetQueries, key = userId) => {
        const row = await store.budget(key, endpoint);
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
      const appDay = appKey
        ? await read(postingWindows.appDay.endpoint, appBudgetQueries, appKey)
        : { limit: null, remaining: null, resetAt: null };
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
