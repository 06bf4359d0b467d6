import type { XCookiePair } from '@perch/shared';
import { TwitterClient } from '@steipete/bird';
import { QUERY_IDS } from '@steipete/bird/dist/lib/twitter-client-constants.js';
import type { SearchPaginationOptions } from '@steipete/bird/dist/lib/twitter-client-search.js';
import type { SearchResult, TweetData } from '@steipete/bird/dist/lib/twitter-client-types.js';
import { normalizeTimelineAnswer } from './x-read.ts';
import type { XOperation, XRequestBudget, XWebClient, XWebClientUsed } from './x-types.ts';
import { xOperations } from './x-types.ts';

/** bird 0.8.0's own query ids, used until Perch discovers (or an operator pins) others. */
export const builtInQueryIds: Record<XOperation, string> = {
  // hard-coded first of three in bird's user-lookup.js, outside bird's own refresh
  UserByScreenName: 'xc8f1g7BYqr6VTzTbvNlGw',
  UserTweets: QUERY_IDS.UserTweets,
  SearchTimeline: QUERY_IDS.SearchTimeline,
};

/** A stable text of a feature set, to tell whether it changed. */
export const featureKey = (features: Record<string, boolean | null>) =>
  JSON.stringify(
    Object.keys(features)
      .sort()
      .map((k) => [k, features[k]]),
  );

export interface BirdClientOptions {
  pair: XCookiePair;
  /** The x-fetch every request goes through; bird itself would call the global fetch. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  timeoutMs: number;
  /** The query ids, feature switches and bearer to send, and how to learn new ones. */
  webClient: XWebClient;
  /** The account's budget per operation; null sends without pacing (a check of cookies nobody owns yet). */
  budget: XRequestBudget | null;
}

/** One page of a timeline as bird maps it, each tweet with X's raw GraphQL result in `_raw`. */
export type BirdPage =
  { success: true; tweets: TweetData[]; nextCursor?: string } | { success: false };

export interface BirdUserLookup {
  success: boolean;
  userId?: string;
  username?: string;
  name?: string;
  error?: string;
}

const isOperation = (name: string | null): name is XOperation =>
  name !== null && (xOperations as readonly string[]).includes(name);
// X's answers to a client it no longer recognises: a rotated query id (404), a feature switch it now requires
// (400 code 336), or a query it rejects (GRAPHQL_VALIDATION_FAILED).
const staleClientCode = 336;

/**
 * bird's TwitterClient, unmodified except for how it reaches the network: the door below. One instance serves
 * one piece of work (it holds one cookie pair and gives up after the first timeout). The door sends every
 * GraphQL request with the current query id and feature switches and every API request with the current bearer
 * (so bird's baked-in values never go stale), paces requests by the account's budget, and hands bird X's
 * timelines in the shape bird parses.
 */
export class BirdClient extends TwitterClient {
  readonly #fetch: BirdClientOptions['fetch'];
  readonly #timeoutMs: number;
  readonly #webClient: XWebClient;
  readonly #budget: XRequestBudget | null;
  #timedOut: unknown = null;
  // X's 401 or 429 is about the whole account, not the query id: bird would try its next ids anyway.
  #accountRefusal: Response | null = null;
  // An operation X refused as stale even after the values were renewed: bird's fallbacks are not sent.
  readonly #staleOperations = new Map<XOperation, Response>();
  #bearerChecked = false;
  /** X refused the web client (its bearer) while the cookies themselves still work: X changed its API. */
  clientRejected = false;
  /** Set when the account's budget for an operation was spent: nothing was sent, X's window ends then. */
  pacedUntil: Date | null = null;
  // The parsed body of the last 200 answer per GraphQL operation: bird's results drop what Perch
  // needs (a profile's bio and avatar, a suspended timeline), so it is read from X's own answer.
  readonly #answers = new Map<string, unknown>();
  // While set, a 200 answer with `data` to this operation settles it: bird's further query ids for
  // it are skipped without a request.
  #settleOn: string | null = null;
  #settled = false;

  constructor({ pair, fetch, timeoutMs, webClient, budget }: BirdClientOptions) {
    // bird's own timeoutMs is left unset: only its fetchWithTimeout, overridden below, reads it.
    super({
      cookies: { authToken: pair.authToken, ct0: pair.ct0, cookieHeader: null, source: null },
    });
    this.#fetch = fetch;
    this.#timeoutMs = timeoutMs;
    this.#webClient = webClient;
    this.#budget = budget;
  }

  protected override async fetchWithTimeout(url: string, init: RequestInit): Promise<Response> {
    // bird walks through up to six fallback URLs on the same two hosts; once X has not answered in
    // time, asking the rest would only multiply the wait by six.
    if (this.#timedOut !== null) throw this.#timedOut;
    if (this.#accountRefusal) return this.#accountRefusal.clone();
    const name = url.includes('/graphql/')
      ? (new URL(url).pathname.split('/').at(-1) ?? null)
      : null;
    const operation = isOperation(name) ? name : null;
    const stale = operation && this.#staleOperations.get(operation);
    if (stale) return stale.clone();
    if (this.#settled && name === this.#settleOn)
      throw new Error('X already answered this question');

    let { response, used } = await this.#send(url, init, operation);
    if (operation && (await isStaleClientAnswer(response))) {
      // at most one more try per operation, and only when the values really changed
      if (await this.#webClient.recover(used!))
        ({ response } = await this.#send(url, init, operation));
      if (await isStaleClientAnswer(response))
        this.#staleOperations.set(operation, response.clone());
    }
    if (response.status === 401 && hasAuthorization(init) && !this.#bearerChecked)
      response = await this.#checkBearer(url, init, operation, response);
    if (response.status === 401 || response.status === 429) this.#accountRefusal = response.clone();

    if (name !== null && response.ok) {
      const answer: unknown = await response
        .clone()
        .json()
        .catch(() => undefined);
      this.#answers.set(name, answer);
      const data = (answer as { data?: unknown } | undefined)?.data;
      if (name === this.#settleOn && data !== null && typeof data === 'object')
        this.#settled = true;
    }
    return response;
  }

  /**
   * X answered 401 although it may only have stopped accepting the web client's bearer (Nov 2025: 401 code 32
   * with valid cookies). One cheap look at x.com's settings page, which needs the cookies and no bearer, tells
   * the two apart: signed in there means the cookies are fine, so the bearer is renewed and the request sent again.
   */
  async #checkBearer(
    url: string,
    init: RequestInit,
    operation: XOperation | null,
    refused: Response,
  ): Promise<Response> {
    this.#bearerChecked = true;
    if (!(await this.#cookiesStillWork())) return refused;
    const usedBearer = (await this.#webClient.current()).bearer;
    if (await this.#webClient.recover({ bearer: usedBearer })) {
      const { response } = await this.#send(url, init, operation);
      if (response.status !== 401) return response;
    }
    this.clientRejected = true;
    return refused;
  }

  async #cookiesStillWork(): Promise<boolean> {
    try {
      const response = await this.#timed('https://x.com/settings/account', {
        headers: { cookie: this.cookieHeader, 'user-agent': this.userAgent },
        // signed out, x.com redirects to its login page, which must not count as an answer
        redirect: 'manual',
      });
      return response.ok && /"screen_name":"/.test(await response.text());
    } catch {
      return false;
    }
  }

  /** Sends one request as the current web client would, within the account's budget. */
  async #send(
    url: string,
    init: RequestInit,
    operation: XOperation | null,
  ): Promise<{ response: Response; used?: XWebClientUsed }> {
    const values = await this.#webClient.current();
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    if (values.bearer && hasAuthorization(init)) headers.authorization = `Bearer ${values.bearer}`;
    if (!operation) return { response: await this.#timed(url, { ...init, headers }) };

    const queryId = values.queryId(operation);
    const overrides = values.features(operation);
    const target = new URL(url);
    target.pathname = target.pathname.replace(/\/graphql\/[^/]+\//, `/graphql/${queryId}/`);
    let body = init.body;
    if (typeof body === 'string') {
      const parsed = JSON.parse(body) as { features?: Record<string, unknown>; queryId?: string };
      body = JSON.stringify({
        ...parsed,
        queryId,
        features: withFeatures(parsed.features, overrides),
      });
    } else {
      const sent = target.searchParams.get('features');
      if (sent !== null)
        target.searchParams.set(
          'features',
          JSON.stringify(withFeatures(JSON.parse(sent) as Record<string, unknown>, overrides)),
        );
    }
    const used: XWebClientUsed = { operation, queryId, featureKey: featureKey(overrides) };

    if (this.#budget) {
      const taken = await this.#budget.take(operation);
      if (!taken.ok) {
        this.pacedUntil = taken.resetAt;
        return { response: pacedAnswer(taken.resetAt), used };
      }
    }
    const response = await this.#timed(target.toString(), { ...init, headers, body });
    const limit = readRateLimit(response.headers);
    if (limit && this.#budget) await this.#budget.record(operation, limit);
    if (!response.ok || (operation !== 'UserTweets' && operation !== 'SearchTimeline'))
      return { response, used };
    return { response: await normalized(response), used };
  }

  async #timed(url: string, init: RequestInit): Promise<Response> {
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
  async userTweetsPage(
    userId: string,
    { count, cursor }: { count: number; cursor?: string },
  ): Promise<BirdPage> {
    this.#answers.delete('UserTweets');
    return this.getUserTweetsPaged(userId, count, {
      cursor,
      maxPages: 1,
      pageDelayMs: 0,
      includeRaw: true,
    });
  }

  /** One page of a Latest search, e.g. "@handle" for mentions, tweets newest first. */
  async searchPage(
    rawQuery: string,
    { count, cursor }: { count: number; cursor?: string },
  ): Promise<BirdPage> {
    this.#answers.delete('SearchTimeline');
    // search() hands every option to bird's searchPaged; its declared type lists only includeRaw.
    const search = this.search as (
      q: string,
      n: number,
      o: SearchPaginationOptions,
    ) => Promise<SearchResult>;
    return search.call(this, rawQuery, count, { cursor, maxPages: 1, includeRaw: true });
  }

  // bird would refresh query ids after a GraphQL 404 by scraping x.com through the global fetch (captured at
  // import, so it bypasses the door) into a cache file under $HOME. The door does it instead, shared by every
  // user and process (x-web-client), so bird's own refresh is off.
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
      throw new Error(
        'bird no longer has getUserByScreenNameGraphQL; check the @steipete/bird upgrade',
      );
    }
    return untyped.getUserByScreenNameGraphQL(handle);
  }
}

const hasAuthorization = (init: RequestInit) =>
  typeof (init.headers as Record<string, string> | undefined)?.authorization === 'string';

/** bird's switches with the current ones laid over: a switch without a known value keeps bird's, else false. */
function withFeatures(
  sent: Record<string, unknown> | undefined,
  overrides: Record<string, boolean | null>,
) {
  const features: Record<string, unknown> = { ...sent };
  for (const [name, value] of Object.entries(overrides))
    features[name] = value ?? (typeof sent?.[name] === 'boolean' ? sent[name] : false);
  return features;
}

async function isStaleClientAnswer(response: Response): Promise<boolean> {
  if (response.status === 404) return true;
  if (response.status !== 400 && response.status !== 422 && response.status !== 200) return false;
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  if (!text.includes('"errors"')) return false;
  try {
    const errors =
      (JSON.parse(text) as { errors?: { code?: unknown; extensions?: { code?: unknown } }[] })
        .errors ?? [];
    return errors.some(
      (e) =>
        (response.status !== 200 && e?.code === staleClientCode) ||
        e?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED',
    );
  } catch {
    return false;
  }
}

function readRateLimit(
  headers: Headers,
): { limit: number; remaining: number; resetAt: Date } | null {
  const [limit, remaining, reset] = ['limit', 'remaining', 'reset'].map((n) =>
    Number(headers.get(`x-rate-limit-${n}`) ?? NaN),
  );
  return Number.isFinite(remaining) && Number.isFinite(reset) && reset > 0
    ? {
        limit: Number.isFinite(limit) ? limit! : 0,
        remaining: remaining!,
        resetAt: new Date(reset! * 1000),
      }
    : null;
}

/** What bird sees when the budget is spent: X's own 429, without asking X for it. */
const pacedAnswer = (resetAt: Date) =>
  new Response(JSON.stringify({ errors: [{ code: 88, message: 'Rate limit exceeded.' }] }), {
    status: 429,
    headers: {
      'content-type': 'application/json',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.ceil(resetAt.getTime() / 1000)),
    },
  });

/** The same answer with its timeline in the shape bird reads (see normalizeTimelineAnswer). */
async function normalized(response: Response): Promise<Response> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  return new Response(JSON.stringify(normalizeTimelineAnswer(body)), {
    status: response.status,
    headers: response.headers,
  });
}
