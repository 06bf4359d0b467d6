import { describe, expect, it } from 'vitest';
import { classifyFailure } from './classify-failure.ts';
import type { XExchange } from './x-fetch.ts';

const now = new Date('2026-01-01T00:00:00Z');
const exchange = (over: Partial<XExchange>): XExchange => ({
  method: 'GET',
  target: 'https://x.com/i/api/account/settings.json',
  operation: null,
  status: 200,
  errorCodes: [],
  validationFailed: false,
  rateLimitReset: null,
  failure: null,
  ...over,
});
const classify = (...exchanges: XExchange[]) =>
  classifyFailure(exchanges, { now, timeoutMs: 10_000 });

describe('classifyFailure', () => {
  it('puts auth before rate limits before everything else', () => {
    expect(
      classify(
        exchange({ status: 429 }),
        exchange({ status: 401, errorCodes: [32] }),
        exchange({ status: 503 }),
      ),
    ).toEqual({
      ok: false,
      kind: 'auth',
      status: 401,
      code: 32,
    });
    expect(classify(exchange({ status: 503 }), exchange({ status: 429 }))).toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('counts only the cookie codes of a 403 as auth', () => {
    expect(classify(exchange({ status: 403, errorCodes: [353] }))).toMatchObject({
      kind: 'auth',
      status: 403,
      code: 353,
    });
    expect(classify(exchange({ status: 403, errorCodes: [326] }))).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'locked',
      detail: 'X has locked your account: unlock your account at x.com',
    });
    expect(classify(exchange({ status: 403, errorCodes: [64] }))).toMatchObject({
      kind: 'unavailable',
      reason: 'account_suspended',
    });
    expect(classify(exchange({ status: 403, errorCodes: [226] }))).toEqual({
      ok: false,
      kind: 'rate_limited',
      automated: true,
      retryAt: new Date(now.getTime() + 6 * 60 * 60_000),
    });
    expect(classify(exchange({ status: 403, errorCodes: [200] }))).toMatchObject({
      kind: 'unavailable',
      reason: 'x_down',
      detail: 'X answered 403',
    });
  });

  it('waits until the latest future reset, or 15 minutes without one', () => {
    const reset = new Date(now.getTime() + 60_000);
    expect(
      classify(exchange({ status: 429, rateLimitReset: reset }), exchange({ status: 429 })),
    ).toEqual({
      ok: false,
      kind: 'rate_limited',
      retryAt: reset,
    });
    expect(
      classify(exchange({ status: 429, rateLimitReset: new Date(now.getTime() - 1000) })),
    ).toEqual({
      ok: false,
      kind: 'rate_limited',
      retryAt: new Date(now.getTime() + 15 * 60_000),
    });
  });

  it('describes unavailability in a short sentence', () => {
    expect(classify(exchange({ status: null, failure: 'timeout' }))).toMatchObject({
      detail: 'X did not answer within 10 s',
    });
    expect(
      classifyFailure([exchange({ status: null, failure: 'timeout' })], { now, timeoutMs: 1500 }),
    ).toMatchObject({
      detail: 'X did not answer within 1.5 s',
    });
    expect(classify(exchange({ status: null, failure: 'network' }))).toMatchObject({
      detail: 'X could not be reached',
    });
    expect(classify(exchange({ status: 503 }))).toMatchObject({ detail: 'X answered 503' });
    expect(classify(exchange({ status: 404, operation: 'UserByScreenName' }))).toMatchObject({
      detail: 'X changed its API',
    });
    expect(classify(exchange({ status: 200 }))).toMatchObject({
      detail: 'X answered in a way Perch could not read',
    });
  });

  it('tells "X changed its API" (a Perch upgrade fixes it) from "X is down" (waiting does)', () => {
    const reason = (...e: XExchange[]) => (classify(...e) as { reason?: string }).reason;
    expect(reason(exchange({ status: 404, operation: 'UserTweets' }))).toBe('x_changed');
    expect(
      reason(exchange({ status: 400, operation: 'SearchTimeline', validationFailed: true })),
    ).toBe('x_changed');
    expect(reason(exchange({ status: 200, operation: 'SearchTimeline' }))).toBe('x_changed');
    expect(
      reason(exchange({ status: 404, operation: 'UserTweets' }), exchange({ status: 503 })),
    ).toBe('x_down');
    expect(reason(exchange({ status: 404, operation: null }))).toBe('x_down');
    expect(reason(exchange({ status: null, failure: 'timeout' }))).toBe('x_down');
    expect(reason(exchange({ status: null, failure: 'network' }))).toBe('x_down');
  });
});
