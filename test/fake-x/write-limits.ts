import type { Budget } from './budgets.ts';

// The write side's budgets (x-write-side.md §2): a 15-minute window per user and endpoint, and for
// POST /2/tweets a 24-hour window per user and one per app. Every answer that reached the budget
// carries x-rate-limit-{limit,remaining,reset}; POST /2/tweets also x-user-limit-24hour-* and
// x-app-limit-24hour-* (epoch seconds). No Retry-After, as X.

export type FakeXWriteEndpoint =
  | 'createPosts'
  | 'deletePosts'
  | 'mediaInitialize'
  | 'mediaAppend'
  | 'mediaFinalize'
  | 'mediaStatus'
  | 'mediaMetadata'
  | 'usersPosts'
  | 'postsByIds'
  | 'postsAnalytics';

const fifteenMinutes = 15 * 60;
const day = 24 * 60 * 60;

export const defaultWriteBudgets: Record<FakeXWriteEndpoint, Budget> = {
  createPosts: { limit: 100, windowSeconds: fifteenMinutes },
  deletePosts: { limit: 50, windowSeconds: fifteenMinutes },
  // x-write-side.md §2: "media chunk calls 1,875 / 15 min", applied to each media endpoint.
  mediaInitialize: { limit: 1875, windowSeconds: fifteenMinutes },
  mediaAppend: { limit: 1875, windowSeconds: fifteenMinutes },
  mediaFinalize: { limit: 1875, windowSeconds: fifteenMinutes },
  mediaStatus: { limit: 1875, windowSeconds: fifteenMinutes },
  mediaMetadata: { limit: 1875, windowSeconds: fifteenMinutes },
  // X's rate-limit table for the Pro tier (inferred for the fake: generous enough for reconciling).
  usersPosts: { limit: 900, windowSeconds: fifteenMinutes },
  postsByIds: { limit: 900, windowSeconds: fifteenMinutes },
  postsAnalytics: { limit: 300, windowSeconds: fifteenMinutes },
};

export interface DailyLimits {
  /** Posts per user per 24 h. Default 2,400: X Help "X's limits" (2,400 posts a day per account). */
  user: number;
  /** Posts per app per 24 h. Default 10,000 (x-write-side.md §2). */
  app: number;
}
export const defaultDailyLimits: DailyLimits = { user: 2400, app: 10_000 };

export interface WriteLimits {
  set(endpoint: FakeXWriteEndpoint, budget: Budget): void;
  setDaily(limits: Partial<DailyLimits>): void;
  /** Counts one request; allowed false means answer 429 with these headers. */
  take(
    endpoint: FakeXWriteEndpoint,
    userId: string,
    appId: string,
    now: number,
  ): { allowed: boolean; headers: Record<string, string> };
  reset(): void;
}

export function createWriteLimits(): WriteLimits {
  // key → window; a window opens with the first request and resets windowSeconds later.
  const windows = new Map<string, { resetAtMs: number; used: number }>();
  let perEndpoint = { ...defaultWriteBudgets };
  let daily = { ...defaultDailyLimits };

  function windowOf(key: string, seconds: number, now: number) {
    let window = windows.get(key);
    if (!window || window.resetAtMs <= now) {
      window = { resetAtMs: now + seconds * 1000, used: 0 };
      windows.set(key, window);
    }
    return window;
  }
  const headersOf = (prefix: string, limit: number, w: { resetAtMs: number; used: number }) => ({
    [`${prefix}-limit`]: String(limit),
    [`${prefix}-remaining`]: String(Math.max(0, limit - w.used)),
    // Epoch seconds, rounded up: at that second the window has reset.
    [`${prefix}-reset`]: String(Math.ceil(w.resetAtMs / 1000)),
  });

  return {
    set(endpoint, budget) {
      perEndpoint[endpoint] = { ...budget };
      for (const key of [...windows.keys()])
        if (key.startsWith(`${endpoint} `)) windows.delete(key);
    },
    setDaily(limits) {
      daily = { ...daily, ...limits };
      for (const key of [...windows.keys()]) if (key.startsWith('daily ')) windows.delete(key);
    },
    take(endpoint, userId, appId, now) {
      const budget = perEndpoint[endpoint];
      const checks = [
        {
          prefix: 'x-rate-limit',
          limit: budget.limit,
          w: windowOf(`${endpoint} ${userId}`, budget.windowSeconds, now),
        },
      ];
      if (endpoint === 'createPosts') {
        checks.push(
          {
            prefix: 'x-user-limit-24hour',
            limit: daily.user,
            w: windowOf(`daily user ${userId}`, day, now),
          },
          {
            prefix: 'x-app-limit-24hour',
            limit: daily.app,
            w: windowOf(`daily app ${appId}`, day, now),
          },
        );
      }
      // X refuses on the first window that is spent; a refused request counts in none of them.
      const allowed = checks.every((c) => c.w.used < c.limit);
      if (allowed) for (const c of checks) c.w.used += 1;
      return {
        allowed,
        headers: Object.assign({}, ...checks.map((c) => headersOf(c.prefix, c.limit, c.w))),
      };
    },
    reset() {
      windows.clear();
      perEndpoint = { ...defaultWriteBudgets };
      daily = { ...defaultDailyLimits };
    },
  };
}
