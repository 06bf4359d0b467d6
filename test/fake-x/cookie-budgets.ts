// Strict mode's budgets for the cookie API: per account (auth_token cookie) and operation, windows
// of 15 minutes on the fake's clock. The numbers are what clients report X allows (Rettiwt-API#549,
// d60/twikit#248, epiral/bb-sites#89; x-cookie-api-realism.md "Limits"): SearchTimeline and
// UserTweets 50, UserByScreenName 95 (reports say 95–150; the fake plays the low end), and 150 for
// the REST endpoints. Every request to a budgeted endpoint counts, also one refused for a stale
// query id, missing features or a bad bearer, as X counts them; the one past the limit gets 429.
import type { Budget } from './budgets.ts';
import type { FakeXBudgetedOperation } from './types.ts';

export const budgetedOperations: readonly FakeXBudgetedOperation[] = [
  'UserByScreenName',
  'UserTweets',
  'SearchTimeline',
  'settings.json',
  'verify_credentials.json',
  'users/show.json',
];

const fifteenMinutes = 15 * 60;
const defaultBudgets: Record<FakeXBudgetedOperation, Budget> = {
  UserByScreenName: { limit: 95, windowSeconds: fifteenMinutes },
  UserTweets: { limit: 50, windowSeconds: fifteenMinutes },
  SearchTimeline: { limit: 50, windowSeconds: fifteenMinutes },
  'settings.json': { limit: 150, windowSeconds: fifteenMinutes },
  'verify_credentials.json': { limit: 150, windowSeconds: fifteenMinutes },
  'users/show.json': { limit: 150, windowSeconds: fifteenMinutes },
};

// Both hosts (x.com/i/api/… and api.x.com / api.twitter.com /1.1/…) are one backend with one budget.
const restOperations: Record<string, FakeXBudgetedOperation> = {
  '/i/api/account/settings.json': 'settings.json',
  '/1.1/account/settings.json': 'settings.json',
  '/i/api/account/verify_credentials.json': 'verify_credentials.json',
  '/1.1/account/verify_credentials.json': 'verify_credentials.json',
  '/i/api/1.1/users/show.json': 'users/show.json',
  '/1.1/users/show.json': 'users/show.json',
};

/** The budget a request draws on: its GraphQL operation or REST endpoint, null if none. */
export function budgetedOperationOf(path: string, graphqlOperation: string | null): FakeXBudgetedOperation | null {
  if (graphqlOperation !== null) {
    return (budgetedOperations as readonly string[]).includes(graphqlOperation)
      ? (graphqlOperation as FakeXBudgetedOperation)
      : null;
  }
  return restOperations[path] ?? null;
}

export const isBudgetedOperation = (name: string): name is FakeXBudgetedOperation =>
  (budgetedOperations as readonly string[]).includes(name);

export interface CookieBudgets {
  /** Counts one request; allowed is false past the limit (that request does not use the budget up further). */
  take(authToken: string, operation: FakeXBudgetedOperation, now: number): { allowed: boolean; headers: Record<string, string> };
  used(authToken: string, operation: FakeXBudgetedOperation, now: number): number;
  /** Overrides one operation's budget; its windows start afresh. */
  set(operation: FakeXBudgetedOperation, budget: Budget): void;
  /** No windows, default budgets. */
  reset(): void;
}

export function createCookieBudgets(): CookieBudgets {
  let budgets = { ...defaultBudgets };
  const windows = new Map<string, { resetAtMs: number; used: number; limit: number }>();
  const keyOf = (authToken: string, operation: string) => `${operation} ${authToken}`;
  const live = (key: string, now: number) => {
    const window = windows.get(key);
    return window && window.resetAtMs > now ? window : undefined;
  };
  return {
    take(authToken, operation, now) {
      const key = keyOf(authToken, operation);
      let window = live(key, now);
      if (!window) {
        const budget = budgets[operation];
        window = { resetAtMs: now + budget.windowSeconds * 1000, used: 0, limit: budget.limit };
        windows.set(key, window);
      }
      const allowed = window.used < window.limit;
      if (allowed) window.used += 1;
      return {
        allowed,
        headers: {
          'x-rate-limit-limit': String(window.limit),
          'x-rate-limit-remaining': String(window.limit - window.used),
          // Epoch seconds, rounded up: at that second the window has reset.
          'x-rate-limit-reset': String(Math.ceil(window.resetAtMs / 1000)),
        },
      };
    },
    used: (authToken, operation, now) => live(keyOf(authToken, operation), now)?.used ?? 0,
    set(operation, budget) {
      budgets[operation] = { ...budget };
      for (const key of [...windows.keys()]) if (key.startsWith(`${operation} `)) windows.delete(key);
    },
    reset() {
      budgets = { ...defaultBudgets };
      windows.clear();
    },
  };
}
