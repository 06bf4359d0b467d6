import type { XCookiePair } from '@perch/shared';
import { TwitterClient } from '@steipete/bird';
import type { SearchPaginationOptions } from '@steipete/bird/dist/lib/twitter-client-search.js';
import type { SearchResult, TweetData } from '@steipete/bird/dist/lib/twitter-client-types.js';

export interface BirdClientOptions {
  pair: XCookiePair;
  /** The x-fetch every request goes through; bird itself would call the global fetch. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  timeoutMs: number;
}

/** One page of a timeline as bird maps it, each tweet with X's raw GraphQL result in `_raw`. */
export type BirdPage = { success: true; tweets: TweetData[]; nextCursor?: string } | { success: false };

export interface BirdUserLookup {
  success: boolean;
  userId?: string;
  username?: string;
  name?: string;
  error?: string;
}

/**
 * bird's TwitterClient, unmodified except for how it reaches the network. One instance serves one
 * piece of work (it holds one cookie pair and gives up after the first timeout).
 */
export class BirdClient extends TwitterClient {
  readonly #fetch: BirdClientOptions['fetch'];
  readonly #timeoutMs: number;
  #timedOut: unknown = null;
  // X's 401 or 429 is about the whole account, not the query id: bird would try its next ids anyway.
  #accountRefusal: Response | null = null;
  // The parsed body of the last 200 answer per GraphQL operation: bird's results drop what Perch
  // needs (a profile's bio and avatar, a suspended timeline), so it is read from X's own answer.
  readonly #answers = new Map<string, unknown>();
  // While set, a 200 answer with `data` to this operation settles it: bird's further query ids for
  // it are skipped without a request.
  #settleOn: string | null = null;
  #settled = false;

  constructor({ pair, fetch, timeoutMs }: BirdClientOptions) {
    // bird's own timeoutMs is left unset: only its fetchWithTimeout, overridden below, reads it.
    super({ cookies: { authToken: pair.authToken, ct0: pair.ct0, cookieHeader: null, source: null } });
    this.#fetch = fetch;
    this.#timeoutMs = timeoutMs;
  }

  protected override async fetchWithTimeout(url: string, init: RequestInit): Promise<Response> {
    // bird walks through up to six fallback URLs on the same two hosts; once X has not answered in
    // time, asking the rest would only multiply the wait by six.
    if (this.#timedOut !== null) throw this.#timedOut;
    if (this.#accountRefusal) return this.#accountRefusal.clone();
    const operation = url.includes('/graphql/') ? (new URL(url).pathname.split('/').at(-1) ?? null) : null;
    if (this.#settled && operation === this.#settleOn) throw new Error('X already answered this question');
    // A timeout signal (unlike bird's cleared timer) also covers reading the body.
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await this.#fetch(url, { ...init, signal });
      if (response.status === 401 || response.status === 429) this.#accountRefusal = response.clone();
      if (operation !== null && response.ok) {
        const answer: unknown = await response.clone().json().catch(() => undefined);
        this.#answers.set(operation, answer);
        const data = (answer as { data?: unknown } | undefined)?.data;
        if (operation === this.#settleOn && data !== null && typeof data === 'object') this.#settled = true;
      }
      return response;
    } catch (error) {
      if (timeout.aborted) this.#timedOut = error;
      throw error;
    }
  }

  /** X's parsed answer to the last successful request for a GraphQL operation, if any. */
  lastAnswer(operation: string): unknown {
    return this.#answers.get(operation);
  }

  /**
   * X's user object for a handle, from one UserByScreenName request when all is well: bird's own
   * method sends it (its query ids, features and headers), and the user object is read from X's
   * answer, since bird keeps only id, handle and name. An answer with `data` settles the question
   * (`{"data":{}}` is how X says nobody has that handle), so bird's other query ids are not tried.
   */
  async userByScreenName(handle: string): Promise<unknown> {
    this.#answers.delete('UserByScreenName');
    this.#settleOn = 'UserByScreenName';
    try {
      await this.lookUpUserByScreenName(handle);
    } finally {
      this.#settleOn = null;
      this.#settled = false;
    }
    return this.#answers.get('UserByScreenName');
  }

  /** One page of a user's timeline (no page delay), tweets newest first. */
  async userTweetsPage(userId: string, { count, cursor }: { count: number; cursor?: string }): Promise<BirdPage> {
    this.#answers.delete('UserTweets');
    return this.getUserTweetsPaged(userId, count, { cursor, maxPages: 1, pageDelayMs: 0, includeRaw: true });
  }

  /** One page of a Latest search, e.g. "@handle" for mentions, tweets newest first. */
  async searchPage(rawQuery: string, { count, cursor }: { count: number; cursor?: string }): Promise<BirdPage> {
    this.#answers.delete('SearchTimeline');
    // search() hands every option to bird's searchPaged; its declared type lists only includeRaw.
    const search = this.search as (q: string, n: number, o: SearchPaginationOptions) => Promise<SearchResult>;
    return search.call(this, rawQuery, count, { cursor, maxPages: 1, includeRaw: true });
  }

  // bird refreshes query ids after a GraphQL 404 by scraping x.com pages and abs.twimg.com bundles
  // through the global fetch (captured at import, so it bypasses our x-fetch) and writes a cache
  // file under $HOME. Perch does neither: a 404 is reported as "X changed its API" and the fix is a
  // bird upgrade. TODO [2027-03-01]: refresh through the x-fetch if rotations turn out frequent.
  protected override async refreshQueryIds(): Promise<void> {}

  /**
   * GraphQL UserByScreenName only, without bird's REST fallback, so a failing GraphQL API shows.
   * bird 0.8.0 has the method but leaves it out of its type declarations.
   */
  lookUpUserByScreenName(handle: string): Promise<BirdUserLookup> {
    const untyped = this as unknown as {
      getUserByScreenNameGraphQL?: (handle: string) => Promise<BirdUserLookup>;
    };
    if (typeof untyped.getUserByScreenNameGraphQL !== 'function') {
      throw new Error('bird no longer has getUserByScreenNameGraphQL; check the @steipete/bird upgrade');
    }
    return untyped.getUserByScreenNameGraphQL(handle);
  }
}
