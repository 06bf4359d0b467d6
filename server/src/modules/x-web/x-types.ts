/**
 * Perch's own port to X: what the syncs ask and what they get back. The bird implementation is in
 * x-web.ts and x-session.ts; a replacement client implements these same types.
 */
import type { XCookiePair } from '@perch/shared';
import type { XFailure } from './classify-failure.ts';
import type { XImage } from './x-image.ts';

export type { XFailure, XUnavailableReason } from './classify-failure.ts';
export type { XImage } from './x-image.ts';

/** The GraphQL operations Perch sends through bird; each has a query id X rotates and a feature set X checks. */
export const xOperations = ['UserByScreenName', 'UserTweets', 'SearchTimeline'] as const;
export type XOperation = (typeof xOperations)[number];

/** What to send x.com now: the current query id and feature switches per operation, and the client's bearer. */
export interface XWebClientValues {
  queryId(operation: XOperation): string;
  /** Switches to send besides bird's own; a null value keeps bird's (or false when bird has none). */
  features(operation: XOperation): Record<string, boolean | null>;
  /** null: bird's own. */
  bearer: string | null;
}

/** What a request that X refused as stale had sent. */
export type XWebClientUsed =
  { operation: XOperation; queryId: string; featureKey: string } | { bearer: string | null };

/** Where the door gets its query ids, feature switches and bearer (x-web-client: discovered, pinned, or bird's). */
export interface XWebClient {
  current(): Promise<XWebClientValues>;
  /**
   * A request was refused as stale: learn the current values (from the database, or by one discovery for all
   * users and processes). True when what it is about changed, so the request is worth sending once more.
   */
  recover(used: XWebClientUsed): Promise<boolean>;
}

/** One account's request budget per operation, fed from X's x-rate-limit-* headers, shared across processes. */
export interface XRequestBudget {
  /** Takes one request; when none is left, when the window ends. */
  take(operation: XOperation): Promise<{ ok: true } | { ok: false; resetAt: Date }>;
  record(
    operation: XOperation,
    limit: { limit: number; remaining: number; resetAt: Date },
  ): Promise<void>;
}

/** Every call answers with a value or a classified failure; none throws, none carries a cookie. */
export type XResult<T> = { ok: true; value: T } | XFailure;

export interface XAccount {
  userId: string;
  handle: string;
  name: string;
}

export interface XProfile {
  userId: string;
  handle: string;
  name: string;
  /** '' when the profile has none. */
  bio: string;
  avatarUrl: string | null;
}

export interface XTweet {
  id: string;
  text: string;
  createdAt: Date | null;
  authorId: string | null;
  authorHandle: string;
  authorName: string;
  /** Set on a reply, with who was replied to (X gives the handle as it was then). */
  inReplyToStatusId: string | null;
  inReplyToUserId: string | null;
  inReplyToHandle: string | null;
  /** A retweet ("RT @…"), which bird shows as the retweeter's own tweet. */
  isRetweet: boolean;
}

/** One page of X's Latest search, newest first. */
export interface XSearchPage {
  /** Tweets as X listed them (ads left out), newest first. */
  tweets: XTweet[];
  /** Where the next (older) page starts; null when X gave none. */
  nextCursor: string | null;
}

/** One account's view of X (its cookies); every method makes its own requests and classification. */
export interface XSession {
  /** Works for accounts that never tweeted; one request when all is well. */
  profileByHandle(handle: string): Promise<XResult<XProfile>>;
  /** A profile's latest tweets, newest first ({ handle } costs one profile lookup more). */
  recentTweets(
    user: { userId: string } | { handle: string },
    options?: { limit?: number },
  ): Promise<XResult<XTweet[]>>;
  /**
   * One page (one request) of X's Latest search for `rawQuery` ("@handle" for mentions, "from:handle
   * filter:replies" for the account's replies: X's UserTweets leaves replies to others out).
   */
  search(rawQuery: string, options?: { cursor?: string | null }): Promise<XResult<XSearchPage>>;
  /**
   * An image X serves (a profile's avatarUrl on pbs.twimg.com), sent without cookies; one request.
   * not_found also for an address on no X image host (X's shared default avatar): nothing to keep.
   */
  image(url: string): Promise<XResult<XImage>>;
}

export interface XPort {
  /**
   * Whose cookies these are, proving GraphQL answers too; tells "X changed its API" from "expired". With the
   * Perch user, its requests count against that user's budget.
   */
  healthCheck(pair: XCookiePair, account?: { userId: string }): Promise<XResult<XAccount>>;
  forAccount(pair: XCookiePair, account?: { userId: string }): XSession;
}
