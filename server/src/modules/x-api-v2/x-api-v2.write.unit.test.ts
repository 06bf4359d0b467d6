/**
 * The write client's reading of X: limits from the three header families, metrics under one name whichever
 * spelling X used, and the 403s publishing tells apart (duplicate content, reply target, missing scope).
 */
import { ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { toXApiError } from './x-api-v2.errors.ts';
import { limitsFrom, toPostMetrics, xCounts } from './x-api-v2.write.ts';

function answer(code: number, data: unknown) {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: data as never,
    headers: {},
    request: {} as never,
    response: {} as never,
  });
}
const classify = (error: unknown, scope?: string) =>
  toXApiError(error, { timeoutMs: 10_000, ...(scope ? { scope } : {}) });

describe('limitsFrom', () => {
  it('reads the 15-minute, user 24-hour and app 24-hour windows, each on its own', () => {
    const limits = limitsFrom({
      'x-rate-limit-limit': '100',
      'x-rate-limit-remaining': '99',
      'x-rate-limit-reset': '1800000000',
      'x-user-limit-24hour-limit': '1000',
      'x-user-limit-24hour-remaining': '998',
      'x-user-limit-24hour-reset': '1800050000',
      'x-app-limit-24hour-limit': '10000',
      'x-app-limit-24hour-remaining': '9000',
      'x-app-limit-24hour-reset': '1800060000',
    });
    expect(limits.window).toEqual({ limit: 100, remaining: 99, resetAt: new Date(1800000000_000) });
    expect(limits.userDay).toEqual({
      limit: 1000,
      remaining: 998,
      resetAt: new Date(1800050000_000),
    });
    expect(limits.appDay).toEqual({
      limit: 10000,
      remaining: 9000,
      resetAt: new Date(1800060000_000),
    });
  });

  it('keeps a 24-hour window that came without the 15-minute one, and nulls what is missing', () => {
    const limits = limitsFrom({
      'x-app-limit-24hour-limit': '17',
      'x-app-limit-24hour-remaining': '0',
      'x-app-limit-24hour-reset': '1800000000',
    });
    expect(limits.window).toBeNull();
    expect(limits.userDay).toBeNull();
    expect(limits.appDay?.remaining).toBe(0);
    expect(limitsFrom({ 'x-rate-limit-remaining': 'nope' })).toEqual({
      window: null,
      userDay: null,
      appDay: null,
    });
  });
});

describe('metrics under one name', () => {
  it('reads repost_count and retweet_count, post_count and tweet_count alike', () => {
    expect(xCounts.reposts({ repost_count: 3 })).toBe(3);
    expect(xCounts.reposts({ retweet_count: 4 })).toBe(4);
    expect(xCounts.posts({ post_count: 5 })).toBe(5);
    expect(xCounts.posts({ tweet_count: 6 })).toBe(6);
    expect(xCounts.posts({})).toBeNull();
  });

  it('maps public, organic and non-public metrics of both spellings', () => {
    const newer = toPostMetrics({
      id: '1',
      public_metrics: {
        repost_count: 2,
        reply_count: 1,
        like_count: 7,
        quote_count: 0,
        bookmark_count: 1,
        impression_count: 90,
      },
      organic_metrics: {
        impression_count: 80,
        like_count: 6,
        repost_count: 2,
        reply_count: 1,
        url_link_clicks: 3,
        user_profile_clicks: 4,
      },
    });
    expect(newer.public).toEqual({
      impressions: 90,
      likes: 7,
      reposts: 2,
      replies: 1,
      quotes: 0,
      bookmarks: 1,
    });
    expect(newer.organic).toEqual({
      impressions: 80,
      likes: 6,
      reposts: 2,
      replies: 1,
      urlClicks: 3,
      profileClicks: 4,
    });
    expect(newer.nonPublic).toBeNull();
    const older = toPostMetrics({
      id: '2',
      public_metrics: { retweet_count: 5, reply_count: 0, like_count: 1, quote_count: 2 },
      non_public_metrics: { impression_count: 12, url_link_clicks: 1 },
    });
    expect(older.public.reposts).toBe(5);
    expect(older.public.impressions).toBeNull();
    expect(older.public.bookmarks).toBeNull();
    expect(older.nonPublic).toEqual({ impressions: 12, urlClicks: 1, profileClicks: null });
  });
});

describe('the 403s publishing tells apart', () => {
  it('duplicate content, as X words it', () => {
    const error = classify(
      answer(403, {
        detail: 'You are not allowed to create a Tweet with duplicate content.',
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
      }),
    );
    expect(error.kind).toBe('duplicate_content');
    expect(error.detail).not.toMatch(/Tweet with/); // fixed words, not X's text
  });

  it('a reply to a post not visible (yet), by sentence or by code 385', () => {
    expect(
      classify(
        answer(403, {
          detail: 'You attempted to reply to a Tweet that is deleted or not visible to you.',
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
        }),
      ).kind,
    ).toBe('reply_target_unavailable');
    expect(classify(answer(403, { errors: [{ code: 385, message: 'x' }] })).kind).toBe(
      'reply_target_unavailable',
    );
  });

  it('a bare gateway 403 on an OAuth 2.0 call names the scope; without a scope it stays unauthorized', () => {
    const bare = { title: 'Forbidden', detail: 'Forbidden', type: 'about:blank', status: 403 };
    const missing = classify(answer(403, bare), 'media.write');
    expect(missing.kind).toBe('missing_scope');
    expect(missing.scope).toBe('media.write');
    expect(missing.detail).toContain('media.write');
    expect(classify(answer(403, bare)).kind).toBe('unauthorized');
  });

  it('402 and 429 usage-capped keep their own kinds on writes', () => {
    expect(classify(answer(402, { title: 'CreditsDepleted' }), 'tweet.write').kind).toBe(
      'credits_depleted',
    );
    expect(
      classify(
        answer(429, {
          title: 'UsageCapExceeded',
          period: 'Daily',
          type: 'https://api.twitter.com/2/problems/usage-capped',
        }),
        'tweet.write',
      ).kind,
    ).toBe('usage_capped');
    expect(classify(answer(503, {}), 'tweet.write').kind).toBe('unavailable');
  });
});
