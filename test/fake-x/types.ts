import type { OpenApiValidator, OpenApiViolation } from './openapi.ts';

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
 * On API v2 and OAuth (/2/…, /i/oauth2/authorize) only these apply: 'server_error' (503; a problem
 * on API v2), 'rate_limited' (API v2 lookups: X's 429 problem with x-rate-limit-* headers),
 * 'unreachable' and 'slow'. A dead token is made with oauth.revokeUser or setAccessTokenLifetime(0).
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
  /** The query string (API v2: max_results, pagination_token…), last value per name. */
  query: Record<string, string>;
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
  /**
   * Back to mode 'ok', with no requests, fresh rate-limit windows, X's default DM budget and token
   * lifetimes, and no tokenRequests. Accounts, tweets, OAuth clients, consent, issued tokens and DM
   * events are kept. Throws (after clearing them) if answers broke X's OpenAPI document since the
   * last reset, so the test run fails.
   */
  reset(): void;
  /** X's OAuth 2.0 (Authorization Code with PKCE) for registered apps. */
  oauth: FakeXOAuth;
  /** X API v2 direct-message lookups. */
  dm: FakeXDm;
  /**
   * API v2 answers (status, content type, body) that did not match X's OpenAPI document, each also
   * printed to stderr when sent. reset() throws and close() rejects while any are recorded.
   */
  openApiViolations: OpenApiViolation[];
  /** Stops the server; rejects (after stopping) if any answer broke X's OpenAPI document. */
  close(): Promise<void>;
}

/** An app registered in X's developer portal. */
export interface FakeXOAuthClient {
  clientId: string;
  /** Absent: a public client (no Basic auth on the token endpoint). */
  clientSecret?: string;
  /** Callback URLs; redirect_uri must equal one exactly. */
  redirectUris: string[];
}

/** One token request the fake answered. */
export interface FakeXTokenRequest {
  /** 'authorization_code', 'refresh_token', or whatever (possibly '') the client sent. */
  grantType: string;
  status: number;
  at: number;
}

export interface FakeXOAuth {
  /** Adds or replaces (by clientId) an app. */
  addClient(client: FakeXOAuthClient): void;
  /** Who is signed in at x.com when the authorize page is visited, and whether they approve (default: approve). */
  setConsent(consent: { userId: string; approve: boolean }): void;
  /** Access-token lifetime in seconds (default 7200, as X). Applies to tokens issued afterwards. */
  setAccessTokenLifetime(seconds: number): void;
  /** Authorization-code lifetime in seconds (default 30, as X); 0 makes every new code expired. */
  setAuthorizationCodeLifetime(seconds: number): void;
  /** Kills every token of a user, as revoking the app in X's settings does. */
  revokeUser(userId: string): void;
  /** Token requests answered (POST /2/oauth2/token), oldest first, for assertions like "one refresh reached X". */
  tokenRequests: FakeXTokenRequest[];
}

/** A direct-message event. */
export interface FakeXDmEvent {
  /** Snowflake-like numeric string; newest = largest (BigInt order). */
  id: string;
  /** Default 'MessageCreate'. */
  eventType?: 'MessageCreate' | 'ParticipantsJoin' | 'ParticipantsLeave';
  /** An account's userId. */
  senderId: string;
  /**
   * The 1:1 peer; the conversation id defaults to `${low}-${high}` of the two ids (BigInt order). On a
   * ParticipantsJoin/Leave event, the user who joined or left (its participant_ids).
   */
  recipientId: string;
  /** Set for group DMs; the group's members are every sender and recipient of its events. */
  conversationId?: string;
  text?: string;
  createdAt?: Date;
}

export interface FakeXDm {
  /**
   * Adds or replaces (by id) events. A user sees the events of every conversation they sent or
   * received in; X serves only the last 30 days (createdAt defaults to now).
   */
  addEvents(events: FakeXDmEvent[]): void;
  /**
   * Budget of each DM lookup endpoint per user (default: X's 15 requests / 15 minutes). As X counts,
   * /2/dm_events, /2/dm_conversations/with/:participant_id/dm_events (all participants together) and
   * /2/dm_conversations/:id/dm_events each have their own. Setting it starts fresh windows.
   */
  setBudget(budget: { limit: number; windowSeconds: number }): void;
}

export interface StartFakeXOptions {
  port?: number;
  host?: string;
  /** Checks every API v2 answer; default: X's document (x-api-v2-openapi.json). For testing the checker. */
  openApiValidator?: OpenApiValidator;
}
