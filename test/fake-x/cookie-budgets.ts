// Strict mode's budgets for the cookie API: per account (auth_token cookie) and operation, windows
// of 15 minutes on the fake's clock. The numbers are what clients report X allows (Rettiwt-API#549,
// d60/twikit#248, epiral/bb-sites#89; x-cookie-api-realism.md "Limits"): SearchTimeline and
// UserTweets 50, UserByScreenName 95 (reports say 95–150; the fake plays the low end), and 150 for
// the REST endpoints. Every request to a budgeted endpoint counts, also one refused for a stale
// query id, missing features or a bad bearer, as X counts them; the one past the limit gets 429.
import { createBudgets, type Budget } from './budgets.ts';
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
export function budgetedOperationOf(
  path: string,
  graphqlOperation: string | null,
): FakeXBudgetedOperation | null {
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
  take(
    authToken: string,
    operation: FakeXBudgetedOperation,
    now: number,
  ): { allowed: boolean; headers: Record<string, string> };
  used(authToken: string, operation: FakeXBudgetedOperation, now: number): number;
  /** Overrides one operation's budget; its windows start afresh. */
  set(operation: FakeXBudgetedOperation, budget: Budget): void;
  /** No windows, default budgets. */
  reset(): void;
}

export function createCookieBudgets(): CookieBudgets {
  let budgets = { ...defaultBudgets };
  const windows = createBudgets();
  const keyOf = (authToken: string, operation: string) => `${operation} ${authToken}`;
  return {
    take: (authToken, operation, now) =>
      windows.take(keyOf(authToken, operation), budgets[operation], now),
    used: (authToken, operation, now) => windows.used(keyOf(authToken, operation), now),
    set(operation, budget) {
      budgets[operation] = { ...budget };
      windows.clear(`${operation} `);
    },
    reset() {
      budgets = { ...defaultBudgets };
      windows.clear();
    },
  };
}
