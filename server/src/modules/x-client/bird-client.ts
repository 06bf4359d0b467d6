import type { XCookiePair } from '@perch/shared';
import { TwitterClient } from '@steipete/bird';

export interface BirdClientOptions {
  pair: XCookiePair;
  /** The x-fetch every request goes through; bird itself would call the global fetch. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  timeoutMs: number;
}

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
    // A timeout signal (unlike bird's cleared timer) also covers reading the body.
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await this.#fetch(url, { ...init, signal });
    } catch (error) {
      if (timeout.aborted) this.#timedOut = error;
      throw error;
    }
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
