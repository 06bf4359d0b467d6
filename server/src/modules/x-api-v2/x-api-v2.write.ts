/**
 * CONTRACT (types only until the X-write work fills in createXWrite): what Perch asks of X when it publishes —
 * posts, media, metrics — with either credential. Implemented once, in this module, on twitter-api-v2 routed by
 * x-api-v2.routing.ts; every failure is an XApiError (safe words only, never a token or a signature).
 *
 * Writes and doubt: a write that timed out, lost its connection or got a 5xx comes out as XApiError
 * `unavailable` — the caller treats its outcome as unknown and reconciles, it never re-sends blindly. X's 403
 * "You are not allowed to create a Tweet with duplicate content." comes out as `duplicate_content`.
 */
import type { XApiUser, XRateLimit } from './x-api-v2.ts';

/** The two credentials that can publish. OAuth 1.0a: the app's key pair and the user's access token pair. */
export type XCredential =
  | { kind: 'oauth2'; accessToken: string }
  | {
      kind: 'oauth1';
      apiKey: string;
      apiSecret: string;
      accessToken: string;
      accessTokenSecret: string;
    };

/** X's budgets as an answer's headers told them: x-rate-limit-*, x-user-limit-24hour-*, x-app-limit-24hour-*. */
export interface XLimits {
  window: XRateLimit | null;
  userDay: XRateLimit | null;
  appDay: XRateLimit | null;
}

export interface XAnswer<T> {
  data: T;
  limits: XLimits;
}

export interface CreatePostInput {
  text: string;
  replyToId?: string;
  quoteOfId?: string;
  poll?: { options: string[]; durationMinutes: number };
  mediaIds?: string[];
}

/** One of the account's own posts, as far as reconciling needs it. */
export interface XOwnPost {
  id: string;
  text: string;
  createdAt: Date | null;
  replyToId: string | null;
  quoteOfId: string | null;
  mediaKeys: string[];
}

export type XMediaCategory = 'tweet_image' | 'tweet_gif' | 'tweet_video';

export interface XMediaUpload {
  mediaId: string;
  mediaKey: string | null;
  /** How long X keeps an unfinished upload (seconds from now). */
  expiresAfterSecs: number | null;
}

export interface XMediaProcessing {
  /** null: X sent no processing_info (an image: ready at once). */
  state: 'pending' | 'in_progress' | 'failed' | 'succeeded' | null;
  checkAfterSecs: number | null;
  progressPercent: number | null;
  /** X's own reason when state is failed (processing_info.error.message), safe to show. */
  error: string | null;
}

/** Counts under one name whichever spelling X used (repost_count / retweet_count, post_count / tweet_count). */
export interface XPostMetrics {
  id: string;
  public: {
    impressions: number | null;
    likes: number;
    reposts: number;
    replies: number;
    quotes: number;
    bookmarks: number | null;
  };
  /** Own posts in X's 30-day window only; null when X did not send them. */
  organic: {
    impressions: number;
    likes: number;
    reposts: number;
    replies: number;
    urlClicks: number | null;
    profileClicks: number | null;
  } | null;
  nonPublic: { impressions: number; urlClicks: number | null; profileClicks: number | null } | null;
}

export interface XAccount extends XApiUser {
  /** X's subscription_type: Basic, Premium, PremiumPlus, None, or null when not sent. */
  subscriptionType: string | null;
  followers: number;
  following: number;
  posts: number;
}

export interface XWriteSession {
  readonly credential: XCredential['kind'];
  me(): Promise<XAnswer<XAccount>>;
  createPost(input: CreatePostInput): Promise<XAnswer<{ id: string; text: string }>>;
  deletePost(id: string): Promise<XAnswer<{ deleted: boolean }>>;
  /** The account's own posts, newest first, replies included; `sinceId` exclusive. */
  ownPosts(
    xUserId: string,
    options: { sinceId?: string; startTime?: Date; maxResults?: number },
  ): Promise<XAnswer<XOwnPost[]>>;
  mediaInitialize(input: {
    mediaType: string;
    totalBytes: number;
    category: XMediaCategory;
  }): Promise<XAnswer<XMediaUpload>>;
  /** One segment (≤ 1 MiB), index 0–999. */
  mediaAppend(
    mediaId: string,
    segmentIndex: number,
    chunk: Uint8Array,
  ): Promise<XAnswer<{ expiresAt: Date | null }>>;
  mediaFinalize(mediaId: string): Promise<XAnswer<XMediaProcessing>>;
  mediaStatus(mediaId: string): Promise<XAnswer<XMediaProcessing>>;
  mediaMetadata(mediaId: string, altText: string): Promise<XAnswer<{ ok: true }>>;
  /** Metrics of up to 100 posts; `own` asks for organic and non-public metrics as well. */
  postMetrics(ids: string[], options: { own: boolean }): Promise<XAnswer<XPostMetrics[]>>;
}

export type XWrite = (credential: XCredential) => XWriteSession;
