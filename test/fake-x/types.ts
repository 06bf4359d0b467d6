/**
 * An X account the fake knows. Its cookies are the credentials the fake accepts; an account without
 * cookies (a contact, say) can be looked up but cannot sign in.
 */
export interface FakeXAccount {
  authToken?: string;
  ct0?: string;
  /** Numeric string, like X's rest_id (bird's settings-page scrape only accepts digits). */
  userId: string;
  screenName: string;
  name: string;
  bio?: string;
  /** Default https://pbs.twimg.com/profile_images/<userId>/avatar_normal.png, served by the fake. */
  avatarUrl?: string;
  /** What the fake serves at avatarUrl; default a 48×48 PNG in a colour of the account's own. */
  avatarImage?: { contentType: string; body: Uint8Array };
  /** A suspended profile answers UserUnavailable on GraphQL and 403 code 63 on users/show. */
  suspended?: boolean;
}

/**
 * A tweet on the fake's one timeline. UserTweets shows an author's tweets (replies included) and
 * SearchTimeline "@handle" shows every tweet whose text mentions @handle, newest (largest id) first.
 */
export interface FakeXTweet {
  /** A snowflake-like numeric string; order is by BigInt(id). */
  id: string;
  /** The author's screen name; the author must be an account added with addAccount. */
  by: string;
  text: string;
  createdAt?: Date;
  /** Set on a reply. userId defaults to the id of the account with that screen name. */
  inReplyTo?: { id: string; screenName: string; userId?: string };
}

/**
 * How the fake misbehaves, for every request until the next setMode or reset (avatars on the image
 * host, which need no cookies and have no API limits, are only affected by 'unreachable' and 'slow'):
 * - 'expired': 401 {"errors":[{"code":32,"message":"Could not authenticate you."}]}
 * - 'csrf': 403 code 353 "This request requires a matching csrf cookie and header."
 * - 'rate_limited': 429 code 88 with x-rate-limit-reset (opts.resetAt, default now + 15 min)
 * - 'server_error': 503
 * - 'graphql_404': every /i/api/graphql/* answers 404 like a rotated query id; REST still works
 * - 'unreachable': the socket is destroyed without an answer
 * - 'slow': answers after opts.delayMs (default 5 s)
 * With opts.afterRequests = n the mode starts after n more requests to X were answered normally (a
 * cookie expiring or a 429 in the middle of a paginated sync); avatar downloads do not count.
 */
export type FakeXMode =
  | 'ok'
  | 'expired'
  | 'csrf'
  | 'rate_limited'
  | 'server_error'
  | 'graphql_404'
  | 'unreachable'
  | 'slow';

export interface FakeXModeOptions {
  resetAt?: Date;
  delayMs?: number;
  afterRequests?: number;
}

/** One request the fake saw. status is 0 when no answer was delivered (unreachable, client gave up). */
export interface FakeXRequest {
  method: string;
  path: string;
  /** The GraphQL operation name (last path segment), null for REST and pages. */
  operation: string | null;
  status: number;
  at: number;
  /** The GraphQL `variables` (screen_name, userId, rawQuery, count, cursor…), {} for REST. */
  variables: Record<string, unknown>;
}

export interface FakeX {
  url: string;
  port: number;
  /** Adds or replaces (by userId) an account. */
  addAccount(account: FakeXAccount): void;
  /** Adds or replaces (by id) tweets; their authors must be known accounts. */
  addTweets(tweets: FakeXTweet[]): void;
  setMode(mode: FakeXMode, opts?: FakeXModeOptions): void;
  /** Every request since start or the last reset, oldest first. The array is cleared in place. */
  requests: FakeXRequest[];
  /** Back to mode 'ok', with no requests and fresh rate-limit windows. Accounts and tweets are kept. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeXOptions {
  port?: number;
  host?: string;
}
