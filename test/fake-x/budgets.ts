// X's per-user, per-endpoint budgets (API v2, and the cookie API in strict mode: cookie-budgets.ts): a
// window opens with the first request and allows `limit` requests until it resets. Unlike
// rate-limits.ts (reporting only), these are enforced: a request over the budget is refused with 429
// and does not count.
export interface Budget {
  limit: number;
  windowSeconds: number;
}

export interface BudgetAnswer {
  allowed: boolean;
  headers: Record<string, string>;
}

export interface Budgets {
  /** Counts one request by `key` (user + endpoint) and says whether it fits. */
  take(key: string, budget: Budget, now: number): BudgetAnswer;
  /** Requests counted by `key` in its current window. */
  used(key: string, now: number): number;
  /** Forgets every window, or those whose key starts with `prefix`. */
  clear(prefix?: string): void;
}

export function createBudgets(): Budgets {
  const windows = new Map<string, { resetAtMs: number; used: number; limit: number }>();
  return {
    take(key, budget, now) {
      let window = windows.get(key);
      if (!window || window.resetAtMs <= now) {
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
    used(key, now) {
      const window = windows.get(key);
      return window && window.resetAtMs > now ? window.used : 0;
    },
    clear(prefix) {
      if (prefix === undefined) return windows.clear();
      for (const key of [...windows.keys()]) if (key.startsWith(prefix)) windows.delete(key);
    },
  };
}
