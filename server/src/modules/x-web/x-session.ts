/**
 * One account's reads from X through bird. Each call gets a fresh x-fetch and BirdClient, so its
 * failure is classified from its own exchanges only, and no call ever throws: a surprise in X's
 * answer is an "X changed" failure, never an exception that could carry a cookie upwards.
 */
import type { XCookiePair } from '@perch/shared';
import { BirdClient } from './bird-client.ts';
import { classifyFailure, unreadable, type XFailure } from './classify-failure.ts';
import { createXFetch } from './x-fetch.ts';
import { fetchXImage } from './x-image.ts';
import { readProfileAnswer, readTimelineAnswer, toXTweet } from './x-read.ts';
import type { XRequestBudget, XResult, XSession, XTweet, XWebClient } from './x-types.ts';

export interface XSessionOptions {
  pair: XCookiePair;
  xOrigin: string;
  xApiOrigin: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  now: () => Date;
  webClient: XWebClient;
  budget: XRequestBudget | null;
}

const pageSize = 20; // bird's and X's page size

export function createXSession(options: XSessionOptions): XSession {
  const { pair, xOrigin, xApiOrigin, timeoutMs, fetch, now, webClient, budget } = options;

  /** Runs one call with its own bird and exchange record; `fail()` classifies what X answered. */
  async function run<T>(
    work: (bird: BirdClient, fail: () => XFailure) => Promise<XResult<T>>,
  ): Promise<XResult<T>> {
    const xFetch = createXFetch({ xOrigin, xApiOrigin, fetch });
    // Outside the try: an empty cookie is a caller's bug (bird's message names no value), not X's.
    const bird = new BirdClient({ pair, fetch: xFetch, timeoutMs, webClient, budget });
    const fail = () =>
      classifyFailure(xFetch.exchanges, {
        now: now(),
        timeoutMs,
        clientRejected: bird.clientRejected,
        pacedUntil: bird.pacedUntil,
      });
    try {
      return await work(bird, fail);
    } catch {
      return unreadable; // only Perch's reading of an answer can throw here
    }
  }

  async function lookUp(bird: BirdClient, fail: () => XFailure, handle: string) {
    const answer = readProfileAnswer(await bird.userByScreenName(handle.replace(/^@/, '')));
    switch (answer.kind) {
      case 'profile':
        return { ok: true as const, value: answer.profile };
      case 'not_found':
      case 'suspended':
      case 'not_visible':
        return { ok: false as const, kind: answer.kind };
      case 'unreadable':
        return fail(); // 401, 429, 404 on every query id…, or an answer Perch could not read
    }
  }

  return {
    profileByHandle: (handle) => run((bird, fail) => lookUp(bird, fail, handle)),

    recentTweets: (user, { limit = pageSize } = {}) =>
      run(async (bird, fail) => {
        let userId: string;
        if ('userId' in user) userId = user.userId;
        else {
          const profile = await lookUp(bird, fail, user.handle);
          if (!profile.ok) return profile;
          userId = profile.value.userId;
        }
        const tweets: XTweet[] = [];
        let cursor: string | undefined;
        while (tweets.length < limit) {
          const page = await bird.userTweetsPage(userId, {
            count: Math.min(pageSize, limit - tweets.length),
            cursor,
          });
          if (!page.success) return fail();
          const state = readTimelineAnswer(bird.lastAnswer('UserTweets'), 'user');
          if (state !== 'ok')
            return state === 'suspended' ? { ok: false, kind: 'suspended' } : unreadable;
          const fresh = page.tweets.filter((t) => !tweets.some((seen) => seen.id === t.id));
          tweets.push(...fresh.slice(0, limit - tweets.length).map(toXTweet));
          if (fresh.length === 0 || !page.nextCursor) break;
          cursor = page.nextCursor;
        }
        return { ok: true, value: tweets };
      }),

    search: (rawQuery, { cursor = null } = {}) =>
      run(async (bird, fail) => {
        const page = await bird.searchPage(rawQuery, {
          count: pageSize,
          cursor: cursor ?? undefined,
        });
        if (!page.success) return fail();
        if (readTimelineAnswer(bird.lastAnswer('SearchTimeline'), 'search') !== 'ok')
          return unreadable;
        return {
          ok: true,
          value: { tweets: page.tweets.map(toXTweet), nextCursor: page.nextCursor ?? null },
        };
      }),

    // Not through bird: the image host needs no cookies, and sending them there would hand them to another host.
    image: (url) =>
      fetchXImage(url, { xFetch: createXFetch({ xOrigin, xApiOrigin, fetch }), timeoutMs }),
  };
}
