/**
 * One account's reads from X through bird. Each call gets a fresh x-fetch and BirdClient, so its
 * failure is classified from its own exchanges only, and no call ever throws: a surprise in X's
 * answer is an "X changed" failure, never an exception that could carry a cookie upwards.
 */
import type { XCookiePair } from '@perch/shared';
import { BirdClient, type BirdPage } from './bird-client.ts';
import { classifyFailure, unreadable, type XFailure } from './classify-failure.ts';
import { createXFetch } from './x-fetch.ts';
import { fetchXImage } from './x-image.ts';
import { isNewer, readProfileAnswer, readTimelineAnswer, toXTweet } from './x-read.ts';
import type { XResult, XSession, XSinceOptions, XTweet, XTweetBatch } from './x-types.ts';

export interface XSessionOptions {
  pair: XCookiePair;
  xOrigin: string;
  xApiOrigin: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  now: () => Date;
}

const pageSize = 20; // bird's and X's page size
const firstRunLimit = 50;
const incrementalLimit = 200;

export function createXSession(options: XSessionOptions): XSession {
  const { pair, xOrigin, xApiOrigin, timeoutMs, fetch, now } = options;

  /** Runs one call with its own bird and exchange record; `fail()` classifies what X answered. */
  async function run<T>(work: (bird: BirdClient, fail: () => XFailure) => Promise<XResult<T>>): Promise<XResult<T>> {
    const xFetch = createXFetch({ xOrigin, xApiOrigin, fetch });
    // Outside the try: an empty cookie is a caller's bug (bird's message names no value), not X's.
    const bird = new BirdClient({ pair, fetch: xFetch, timeoutMs });
    try {
      return await work(bird, () => classifyFailure(xFetch.exchanges, { now: now(), timeoutMs }));
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
        return { ok: false as const, kind: answer.kind };
      case 'unreadable':
        return fail(); // 401, 429, 404 on every query id…, or an answer Perch could not read
    }
  }

  /** Pages newest first until a tweet at or below sinceId, the end of the timeline, or the limit. */
  async function collect(
    fetchPage: (count: number, cursor: string | undefined) => Promise<BirdPage>,
    readAnswer: () => 'ok' | 'suspended' | 'unreadable',
    fail: () => XFailure,
    { sinceId = null, limit = sinceId ? incrementalLimit : firstRunLimit }: XSinceOptions,
  ): Promise<XResult<XTweetBatch>> {
    const tweets: XTweet[] = [];
    const seen = new Set<string>();
    let newestId = sinceId;
    let cursor: string | undefined;
    while (seen.size < limit) {
      const page = await fetchPage(Math.min(pageSize, limit - seen.size), cursor);
      if (!page.success) return fail();
      const state = readAnswer();
      if (state === 'suspended') return { ok: false, kind: 'suspended' };
      if (state === 'unreadable') return unreadable;
      let reachedOld = false;
      for (const tweet of page.tweets) {
        if (seen.has(tweet.id)) continue;
        if (!isNewer(tweet.id, sinceId)) {
          reachedOld = true;
          continue;
        }
        seen.add(tweet.id);
        tweets.push(toXTweet(tweet));
        if (isNewer(tweet.id, newestId)) newestId = tweet.id;
      }
      // bird leaves nextCursor out when the page was empty or brought nothing new: the end.
      if (reachedOld || !page.nextCursor || page.tweets.length === 0) return batch(tweets, newestId, true);
      cursor = page.nextCursor;
    }
    return batch(tweets, newestId, false);
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
        const result = await collect(
          (count, cursor) => bird.userTweetsPage(userId, { count, cursor }),
          () => readTimelineAnswer(bird.lastAnswer('UserTweets'), 'user'),
          fail,
          { limit },
        );
        return result.ok ? { ok: true, value: result.value.tweets } : result;
      }),

    mentions: (handle, since = {}) =>
      run((bird, fail) =>
        collect(
          (count, cursor) => bird.searchPage(`@${handle.replace(/^@/, '')}`, { count, cursor }),
          () => readTimelineAnswer(bird.lastAnswer('SearchTimeline'), 'search'),
          fail,
          since,
        ),
      ),

    ownReplies: (userId, since = {}) =>
      run(async (bird, fail) => {
        const result = await collect(
          (count, cursor) => bird.userTweetsPage(userId, { count, cursor }),
          () => readTimelineAnswer(bird.lastAnswer('UserTweets'), 'user'),
          fail,
          since,
        );
        if (!result.ok) return result;
        const replies = result.value.tweets.filter((t) => t.inReplyToStatusId !== null && t.authorId === userId);
        return { ok: true, value: { ...result.value, tweets: replies } };
      }),

    // Not through bird: the image host needs no cookies, and sending them there would hand them to another host.
    image: (url) => fetchXImage(url, { xFetch: createXFetch({ xOrigin, xApiOrigin, fetch }), timeoutMs }),
  };
}

function batch(tweets: XTweet[], newestId: string | null, complete: boolean): XResult<XTweetBatch> {
  return { ok: true, value: { tweets, newestId, complete } };
}
