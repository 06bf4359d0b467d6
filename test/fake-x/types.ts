import type { FakeXMedia, FakeXProcessing } from './media.ts';
import type { FakeXOAuth1Credentials } from './oauth1.ts';
import type { OpenApiValidator, OpenApiViolation } from './openapi.ts';
import type { FakeXPost, FakeXPostMetrics, FakeXSpelling, FakeXSubscriptionType } from './posts.ts';
import type { FakeXFaultOptions, FakeXWriteFault } from './write-faults.ts';
import type { DailyLimits, FakeXWriteEndpoint } from './write-limits.ts';

export type {
  FakeXMedia,
  FakeXProcessing,
  FakeXOAuth1Credentials,
  FakeXPost,
  FakeXPostMetrics,
  FakeXSpelling,
  FakeXSubscriptionType,
  FakeXFaultOptions,
  FakeXWriteFault,
  FakeXWriteEndpoint,
};

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
  /**
   * A protected profile, seen by anyone but itself: UserByScreenName answers 200 with partial data
   * (rest_id, names, legacy.protected; no description, no avatar) beside errors[] code 37
   * "Authorization: Denied by access control: …", and UserTweets 200 with no instructions and the
   * same error (x-cookie-api-realism.md, error table: 200 with errors[] beside partial data).
   */
  protected?: boolean;
  /**
   * UserByScreenName answers the way X answers some suspended profiles: 200
   * {"data":{"user":{}},"errors":[{"message":"User has been suspended.","code":63,"kind":"NonFatal"}]}
   * instead of UserUnavailable. Other endpoints follow `suspended`.
   */
  partialErrors?: boolean;
  /** users.fields=subscription_type (default 'None'); anything else may post 25,000 weighted characters. */
  subscriptionType?: FakeXSubscriptionType;
  /** users.fields=public_metrics; post_count defaults to the write side's posts by the user. */
  publicMetrics?: Partial<{
    followers_count: number;
    following_count: number;
    post_count: number;
    listed_count: number;
    like_count: number;
    media_count: number;
  }>;
}

/**
 * A tweet on the fake's one timeline. UserTweets shows an author's tweets (replies included; strict
 * mode leaves out replies to other people, as X) and SearchTimeline finds them by the queries in
 * FakeXSearch, newest (largest id) first.
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
  /**
   * Served as tweet_results.result {"__typename":"TweetWithVisibilityResults","tweet":{…}}. Default:
   * in strict mode when BigInt(id) % 3n === 0n, never otherwise.
   */
  wrapped?: boolean;
}

/**
 * What a SearchTimeline rawQuery was understood as (FakeXRequest.search): `@handle` → 'mentions',
 * `from:h` → 'from', `from:h filter:replies` → 'from_replies', `from:h -filter:replies` →
 * 'from_no_replies', each optionally with since_id:n / max_id:n; anything else 'unsupported' (finds nothing).
 */
export interface FakeXSearch {
  form: 'mentions' | 'from' | 'from_replies' | 'from_no_replies' | 'unsupported';
  handle?: string;
  sinceId?: string;
  maxId?: string;
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
 * - 'locked': 403 code 326 "To protect our users from spam … this account is temporarily locked. …"
 * - 'suspended': 403 code 64 "Your account is suspended and is not permitted to access this feature."
 * - 'automated': 403 code 226 "This request looks like it might be automated. …"
 * - 'features_changed': every GraphQL request answers 400 code 336 "The following features cannot be
 *   null: …" naming a feature nobody sends, whatever the request carries (X changed its API)
 * 'locked', 'suspended', 'automated' and 'features_changed' apply to /i/api and /1.1 requests with
 * valid cookies (a dead session still gets 401). The web client's pages and bundles (x.com/,
 * abs.twimg.com) are, like avatars, only affected by 'unreachable' and 'slow' and do not count
 * towards afterRequests.
 * With opts.afterRequests = n the mode starts after n more requests to X were answered normally (a
 * cookie expiring or a 429 in the middle of a paginated sync); avatar downloads do not count.
 * On API v2 and OAuth (/2/…, /i/oauth2/authorize) only these apply: 'server_error' (503; a problem
 * on API v2), 'rate_limited' (API v2 lookups: X's 429 problem with x-rate-limit-* headers),
 * 'unreachable' and 'slow'. A dead token is made with oauth.revokeUser or setAccessTokenLifetime(0).
 * Besides those, four modes apply only to API v2 lookups (/2/users/me, /2/users, the DM lookups) with
 * a valid token; the cookie API and OAuth answer as in 'ok' (api-v2.ts has X's bodies and sources):
 * - 'client_forbidden': 403 problem client-forbidden, reason client-not-enrolled (the app is not
 *   attached to a Project), before the budget: no x-rate-limit-* headers
 * - 'usage_capped': 429 problem usage-capped (UsageCapExceeded, Monthly, Product), with the
 *   endpoint's 15-minute x-rate-limit-* headers, which say nothing about when the cap ends
 * - 'credits_depleted': 402 CreditsDepleted (prepaid credits spent), application/json, with the
 *   endpoint's x-rate-limit-* headers
 * - 'dm_fields_as_documented': DM lookups take in dm_event.fields only what X's document 2.167
 *   lists (no sender_id, no participant_ids: a 400 invalid-request, as for any unknown field);
 *   expansions still bring their id field onto the event
 */
export type FakeXMode =
  | 'ok'
  | 'expired'
  | 'csrf'
  | 'rate_limited'
  | 'server_error'
  | 'graphql_404'
  | 'unreachable'
  | 'slow'
  | 'locked'
  | 'suspended'
  | 'automated'
  | 'features_changed'
  | 'client_forbidden'
  | 'usage_capped'
  | 'credits_depleted'
  | 'dm_fields_as_documented';

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
  /** SearchTimeline: what the rawQuery was understood as. */
  search?: FakeXSearch;
  /** UserTweets and SearchTimeline answered with a page: the ids of its tweets (not the ad), in order. */
  tweetIds?: string[];
}

/** The GraphQL operations the fake serves, each with a query id and required features in strict mode. */
export type FakeXOperation = 'UserByScreenName' | 'UserTweets' | 'SearchTimeline';

/** The endpoints strict mode budgets: the three GraphQL operations and three REST endpoints (either host). */
export type FakeXBudgetedOperation =
  FakeXOperation | 'settings.json' | 'verify_credentials.json' | 'users/show.json';

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
   * Back to mode 'ok', with no requests, fresh rate-limit windows and default budgets, X's default
   * DM budget and token lifetimes, no tokenRequests, no ad (setPromoted), and the web client's query
   * ids, features and bearer as the fake started. Accounts, tweets, OAuth clients, consent, issued
   * tokens and DM events are kept. Throws (after clearing them) if answers broke X's OpenAPI document since the
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

  /** Whether this fake plays the real X (StartFakeXOptions.strict). */
  readonly strict: boolean;
  /** The current query id of each operation (what the web bundles show). */
  readonly queryIds: Record<FakeXOperation, string>;
  /**
   * Gives `operations` (default all three) new random ids (22 × [A-Za-z0-9_-]) and makes
   * `addFeatures` required; the bundles show both from now on, under new file names. In strict mode
   * the old ids answer 404 "Query: Unspecified" and requests without the new features 400 code 336.
   * Returns the current ids.
   */
  rotateQueryIds(opts?: {
    operations?: string[];
    addFeatures?: Partial<Record<string, string[]>>;
  }): Record<string, string>;
  /** The current client bearer token (without "Bearer "); strict mode requires `authorization: Bearer <it>`. */
  readonly bearer: string;
  /** A new random bearer of the web client's shape, served in the main bundle from now on; returns it. */
  rotateBearer(): string;
  /** Strict mode: overrides one endpoint's budget (its windows start afresh) until reset(). */
  setBudget(
    operation: FakeXBudgetedOperation,
    budget: { limit: number; windowSeconds: number },
  ): void;
  /** Strict mode: requests counted against this auth_token's budget for `operation` in the current window. */
  budgetUsed(authToken: string, operation: FakeXBudgetedOperation): number;
  /**
   * An ad: while set, every UserTweets and SearchTimeline page (strict or not) has a
   * `promoted-tweet-<id>-<16 hex>` entry with promotedMetadata, second. Its author must be a known
   * account; it need not match the query. null removes it.
   */
  setPromoted(tweet: FakeXTweet | null): void;
  /** The web client's current bundle file names, e.g. main.1a2b3c4d.js (served at /responsive-web/client-web/). */
  readonly bundles: { main: string; profile: string; vendor: string };

  /** X's write side: posts (POST/DELETE /2/tweets and the reads around them). README.md, "X's write side". */
  posts: FakeXPosts;
  /** The chunked media upload and its processing. */
  media: FakeXMediaControl;
  /** OAuth 1.0a user context and app-only Bearer tokens. */
  oauth1: FakeXOAuth1;
  /** Faults on the write side, for the next N matching requests or with a seeded probability. */
  faults: FakeXFaults;
  /** The write side's budgets (15-minute per user and endpoint; 24-hour per user and app for posts). */
  limits: FakeXLimits;
  /** Requests that reached a write-side endpoint since start or reset (refused ones included). */
  requestCount(endpoint: FakeXWriteEndpoint): number;
}

export interface FakeXPosts {
  /** The user's live posts (not deleted), oldest first. */
  all(userId: string): FakeXPost[];
  /** Any post, deleted ones included. */
  get(id: string): FakeXPost | undefined;
  /** Seeds a post (someone else's, to reply to or quote); id and createdAt default to new ones. */
  add(post: {
    authorId: string;
    text: string;
    id?: string;
    createdAt?: number;
    inReplyToId?: string;
    metrics?: Partial<FakeXPostMetrics>;
  }): FakeXPost;
  /** Sets counts (and impressionsPerHour); impression_count is the value at creation. */
  setMetrics(id: string, metrics: Partial<FakeXPostMetrics>): void;
  /** How long a new post cannot be replied to (default 1000 ms, on the fake's clock). */
  setReplyDelay(ms: number): void;
  /**
   * How long a new post takes to show in GET /2/users/:id/tweets (default 0 ms, on the fake's clock): X's
   * timelines are eventually consistent. GET /2/tweets by id shows it at once.
   */
  setTimelineLag(ms: number): void;
  /** 'document' (default: repost_count, post_count, referenced_posts, edit_history_post_ids) or 'legacy'. */
  setSpelling(spelling: FakeXSpelling): void;
  /** Sets an account's subscription type (who may post 25,000 weighted characters). */
  setSubscriptionType(userId: string, type: FakeXSubscriptionType): void;
}

export interface FakeXMediaControl {
  get(id: string): FakeXMedia | undefined;
  all(userId?: string): FakeXMedia[];
  /** Processing of GIFs and videos finalized from now on (default 3 polls, 1 s, succeeded). */
  setProcessing(processing: Partial<FakeXProcessing>): void;
  /** One upload's outcome, e.g. { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' }. */
  setOutcome(id: string, outcome: FakeXProcessing['outcome']): void;
  /** expires_after_secs of uploads initialized from now on (default 86,400). */
  setExpiry(seconds: number): void;
  /** The largest request body X's edge takes (default 4 MiB); above it: 413, empty body. */
  setChunkLimit(bytes: number): void;
}

export interface FakeXOAuth1 {
  addCredentials(credentials: FakeXOAuth1Credentials): void;
  /** An app-only Bearer token (BearerToken in X's document): reads only. */
  addAppBearer(token: string, appId?: string): void;
  /** How far oauth_timestamp may be from the fake's clock (default 300 s). */
  setTimestampWindow(seconds: number): void;
}

export interface FakeXFaults {
  inject(kind: FakeXWriteFault, opts?: FakeXFaultOptions): void;
  /** Removes every armed fault and forgets the hits. */
  clear(): void;
  /** Faults that hit, oldest first. */
  readonly hits: { kind: FakeXWriteFault; endpoint: FakeXWriteEndpoint }[];
}

export interface FakeXLimits {
  set(endpoint: FakeXWriteEndpoint, budget: { limit: number; windowSeconds: number }): void;
  setDaily(limits: Partial<DailyLimits>): void;
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
  /**
   * X leaves sender_id off this event, whatever was asked (as a field or through the expansion);
   * with expansions=sender_id its sender is still among includes.users.
   */
  omitSenderId?: boolean;
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
  /**
   * Play the real X rather than a kind one (README.md lists what changes): rotated query ids 404,
   * missing features 400 code 336, a wrong client bearer 401, per-account budgets 429, X's paging
   * (opaque cursors, TimelineReplaceEntry from page 2, visibility wrappers), UserTweets without
   * replies to others, settings.json without user_id. Default false for now.
   */
  strict?: boolean;
  /** The fake's clock (epoch ms) for the cookie API's rate-limit windows and their reset headers. Default Date.now. */
  now?: () => number;
  /** Query ids to start with instead of the ones bird 0.8.0 sends first. */
  queryIds?: Partial<Record<FakeXOperation, string>>;
}
