/**
 * Perch's one throttle: hono-rate-limiter's middleware over a Store kept in the database (throttle_hits), so every
 * process on one database shares the counts. Windows are fixed and read from the app clock, so tests can move time.
 *
 * A limiter counts a request before it goes on, and takes the count back when the answer shows it was not an
 * attempt that counts (a right password, a redeemed code): a burst of parallel guesses cannot slip past the limit,
 * and a request over it is answered 429 before the handler runs (no password is checked).
 */
import { createHash } from 'node:crypto';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { rateLimiter, type Store } from 'hono-rate-limiter';
import { problemResponse } from '../../lib/http-problem.ts';
import { clientAddress } from './client-address.ts';
import type { ThrottleQueries } from './throttle.queries.ts';

export interface ThrottleRule {
  /** Names the count in throttle_hits, e.g. `sign-in:address`. */
  scope: string;
  windowMs: number;
  limit: number;
  /** What is being counted, for the 429 sentence: "sign-in attempts". */
  what: string;
}

export type Throttle = ReturnType<typeof createThrottle>;

// Longer than any rule's window: rows older than this count for nothing.
const keepWindowsMs = 24 * 3600_000;
const cleanupEveryMs = 3600_000;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function createThrottle({
  throttleQueries,
  trustProxy,
  now,
}: {
  throttleQueries: ThrottleQueries;
  trustProxy: boolean;
  now: () => Date;
}) {
  let lastCleanup = 0;
  async function cleanUpNowAndThen() {
    const at = now().getTime();
    if (at - lastCleanup < cleanupEveryMs) return;
    lastCleanup = at;
    await throttleQueries.deleteWindowsBefore(new Date(at - keepWindowsMs));
  }

  const windowStartOf = (rule: ThrottleRule) =>
    new Date(Math.floor(now().getTime() / rule.windowMs) * rule.windowMs);
  const windowFor = (rule: ThrottleRule, key: string) => ({
    scope: rule.scope,
    key: hashKey(key),
    windowStart: windowStartOf(rule),
  });
  const resetTimeOf = (rule: ThrottleRule, windowStart: Date) =>
    new Date(windowStart.getTime() + rule.windowMs);

  /** hono-rate-limiter's Store for one rule, on throttle_hits. */
  function store(rule: ThrottleRule): Store {
    return {
      localKeys: false,
      prefix: rule.scope,
      async increment(key) {
        const window = windowFor(rule, key);
        const totalHits = await throttleQueries.increment(window);
        await cleanUpNowAndThen();
        return { totalHits, resetTime: resetTimeOf(rule, window.windowStart) };
      },
      async decrement(key) {
        await throttleQueries.decrement(windowFor(rule, key));
      },
      async get(key) {
        const window = windowFor(rule, key);
        return {
          totalHits: await throttleQueries.hits(window),
          resetTime: resetTimeOf(rule, window.windowStart),
        };
      },
      async resetKey(key) {
        await throttleQueries.reset({ scope: rule.scope, key: hashKey(key) });
      },
    };
  }

  const secondsUntil = (at: Date | undefined) =>
    Math.max(1, Math.ceil(((at?.getTime() ?? now().getTime()) - now().getTime()) / 1000));

  return {
    store,

    /** The client's address (socket, or X-Forwarded-For behind a trusted proxy), IPv6 grouped per /64. */
    clientAddress: (c: Context) => clientAddress(c, { trustProxy }),

    /** How many attempts `key` has in the rule's current window. */
    async hits(rule: ThrottleRule, key: string) {
      return throttleQueries.hits(windowFor(rule, key));
    },

    /**
     * A middleware that refuses a request with 429 once `key` has more than the rule's limit in this window.
     * `counts(c)` says, from the answer, whether the request was an attempt that counts (default: every one);
     * `limit(c)` can lower the limit for this request.
     */
    limiter<E extends Env>(
      rule: ThrottleRule,
      options: {
        key: (c: Context<E>) => string | Promise<string>;
        counts?: (c: Context<E>) => boolean;
        limit?: number | ((c: Context<E>) => number | Promise<number>);
      },
    ): MiddlewareHandler<E> {
      return rateLimiter<E>({
        store: store(rule) as unknown as Store<E>,
        windowMs: rule.windowMs,
        limit: options.limit ?? rule.limit,
        keyGenerator: options.key,
        // its headers read Date.now(); Retry-After is set below from the app clock
        standardHeaders: false,
        skipSuccessfulRequests: options.counts !== undefined,
        requestWasSuccessful: options.counts ? (c) => !options.counts!(c) : undefined,
        handler: (c) => {
          const { resetTime } = c.get('rateLimit' as never) as { resetTime?: Date };
          const seconds = secondsUntil(resetTime);
          c.header('Retry-After', String(seconds));
          return problemResponse(c, {
            status: 429,
            code: 'throttle.too_many_attempts',
            title: 'Too many attempts',
            detail: `There were too many ${rule.what} from here. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`,
          });
        },
      });
    },
  };
}
