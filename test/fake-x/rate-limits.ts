// X counts requests per endpoint and account in 15-minute windows and reports the count on every
// answer. The kind fake reports honest numbers but never enforces them (tests ask for a 429 with
// setMode); strict mode enforces X's own budgets instead (cookie-budgets.ts).
const windowMs = 15 * 60 * 1000;
const limitPerWindow = 150;

export interface RateLimits {
  /** Counts one request against `key` and returns the x-rate-limit-* headers for its answer. */
  count(key: string, now: number): Record<string, string>;
  clear(): void;
}

export function createRateLimits(): RateLimits {
  const windows = new Map<string, { resetAtMs: number; used: number }>();
  return {
    count(key, now) {
      let window = windows.get(key);
      if (!window || window.resetAtMs <= now) {
        window = { resetAtMs: now + windowMs, used: 0 };
        windows.set(key, window);
      }
      window.used += 1;
      return rateLimitHeaders(
        Math.max(0, limitPerWindow - window.used),
        new Date(window.resetAtMs),
      );
    },
    clear() {
      windows.clear();
    },
  };
}

export function rateLimitHeaders(remaining: number, resetAt: Date): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limitPerWindow),
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': String(Math.floor(resetAt.getTime() / 1000)),
  };
}

export const defaultRateLimitResetAt = (now: number) => new Date(now + windowMs);
