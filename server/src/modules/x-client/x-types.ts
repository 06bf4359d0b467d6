/**
 * Perch's own port to X: what the syncs ask and what they get back. The bird implementation is in
 * x-client.ts and x-session.ts; a replacement client implements these same types.
 */
import type { XCookiePair } from '@perch/shared';
import type { XFailure } from './classify-failure.ts';
import type { XImage } from './x-image.ts';

export type { XFailure, XUnavailableReason } from './classify-failure.ts';
export type { XImage } from './x-image.ts';

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

/** Tweets newer than a cursor, newest first. */
export interface XTweetBatch {
  tweets: XTweet[];
  /** The next cursor to store: the newest id seen (also among skipped non-replies), else the old one. */
  newestId: string | null;
  /**
   * false when the limit was hit before reaching the old cursor (or the end of the timeline): some
   * tweets in between were not fetched.
   */
  complete: boolean;
}

export interface XSinceOptions {
  /** The stored cursor; tweets with an id <= it (compared as BigInt) are old. */
  sinceId?: string | null;
  /** Most tweets to read; default 50 on a first run (no sinceId), else 200. */
  limit?: number;
}

/** One account's view of X (its cookies); every method makes its own requests and classification. */
export interface XSession {
  /** Works for accounts that never tweeted; one request when all is well. */
  profileByHandle(handle: string): Promise<XResult<XProfile>>;
  /** A profile's latest tweets, newest first ({ handle } costs one profile lookup more). */
  recentTweets(user: { userId: string } | { handle: string }, options?: { limit?: number }): Promise<XResult<XTweet[]>>;
  /** Tweets mentioning @handle (X's Latest search), newest first, stopping at sinceId. */
  mentions(handle: string, options?: XSinceOptions): Promise<XResult<XTweetBatch>>;
  /** The account's own replies, from its timeline, newest first, stopping at sinceId. */
  ownReplies(userId: string, options?: XSinceOptions): Promise<XResult<XTweetBatch>>;
  /**
   * An image X serves (a profile's avatarUrl on pbs.twimg.com), sent without cookies; one request.
   * not_found also for an address on no X image host (X's shared default avatar): nothing to keep.
   */
  image(url: string): Promise<XResult<XImage>>;
}

export interface XPort {
  /** Whose cookies these are, proving GraphQL answers too; tells "X changed its API" from "expired". */
  healthCheck(pair: XCookiePair): Promise<XResult<XAccount>>;
  forAccount(pair: XCookiePair): XSession;
}
