/**
 * What Perch asks of X when it publishes —
 * posts, media, metrics — with either credential. Implemented once, in this module, on twitter-api-v2 routed by
 * x-api-v2.routing.ts; every failure is an XApiError (safe words only, never a token or a signature).
 *
 * Writes and doubt: a write that timed out, lost its connection or got a 5xx comes out as XApiError
 * `unavailable` — the caller treats its outcome as unknown and reconciles, it never re-sends blindly. X's 403
 * "You are not allowed to create a Tweet with duplicate content." comes out as `duplicate_content`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TwitterApi, type TwitterApiReadWrite, type TwitterResponse } from 'twitter-api-v2';
import { withoutNul } from '@perch/shared';
import {
  xApiClientSettings,
  type XApiOptions,
  type XApiUser,
  type XRateLimit,
} from './x-api-v2.ts';
import { toXApiError, XApiError } from './x-api-v2.errors.ts';

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

/** The largest segment X's edge takes (5 MB chunks get an empty-body 413). */
export const maxMediaChunkBytes = 1024 * 1024;

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function limitFrom(headers: IncomingHttpHeaders, prefix: string): XRateLimit | null {
  const limit = Number(header(headers, `${prefix}-limit`));
  const remaining = Number(header(headers, `${prefix}-remaining`));
  const reset = Number(header(headers, `${prefix}-reset`));
  if (
    !Number.isFinite(remaining) ||
    !Number.isFinite(reset) ||
    header(headers, `${prefix}-reset`) === undefined
  )
    return null;
  return {
    limit: Number.isFinite(limit) ? limit : remaining,
    remaining,
    resetAt: new Date(reset * 1000),
  };
}

/**
 * Read from the headers themselves: the library fills rateLimit.day / userDay only when x-rate-limit-* came along,
 * and X sends the 24-hour ones on their own at times.
 */
export function limitsFrom(headers: IncomingHttpHeaders | undefined): XLimits {
  if (!headers) return { window: null, userDay: null, appDay: null };
  return {
    window: limitFrom(headers, 'x-rate-limit'),
    userDay: limitFrom(headers, 'x-user-limit-24hour'),
    appDay: limitFrom(headers, 'x-app-limit-24hour'),
  };
}

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const first = (...values: unknown[]) => {
  for (const v of values) {
    const n = count(v);
    if (n !== null) return n;
  }
  return null;
};

type Counts = Record<string, unknown> | undefined;

/** The one place both of X's spellings meet: repost_count / retweet_count, post_count / tweet_count. */
export const xCounts = {
  reposts: (m: Counts) => first(m?.repost_count, m?.retweet_count),
  posts: (m: Counts) => first(m?.post_count, m?.tweet_count),
};

interface RawPost {
  id: string;
  text?: string;
  created_at?: string;
  referenced_tweets?: Array<{ type: string; id: string }>;
  referenced_posts?: Array<{ type: string; id: string }>;
  attachments?: { media_keys?: string[] };
  public_metrics?: Record<string, unknown>;
  organic_metrics?: Record<string, unknown>;
  non_public_metrics?: Record<string, unknown>;
}

export function toPostMetrics(post: RawPost): XPostMetrics {
  const pub = post.public_metrics;
  const organic = post.organic_metrics;
  const nonPublic = post.non_public_metrics;
  return {
    id: post.id,
    public: {
      impressions: first(pub?.impression_count),
      likes: first(pub?.like_count) ?? 0,
      reposts: xCounts.reposts(pub) ?? 0,
      replies: first(pub?.reply_count) ?? 0,
      quotes: first(pub?.quote_count) ?? 0,
      bookmarks: first(pub?.bookmark_count),
    },
    organic: organic
      ? {
          impressions: first(organic.impression_count) ?? 0,
          likes: first(organic.like_count) ?? 0,
          reposts: xCounts.reposts(organic) ?? 0,
          replies: first(organic.reply_count) ?? 0,
          urlClicks: first(organic.url_link_clicks),
          profileClicks: first(organic.user_profile_clicks),
        }
      : null,
    nonPublic: nonPublic
      ? {
          impressions: first(nonPublic.impression_count) ?? 0,
          urlClicks: first(nonPublic.url_link_clicks),
          profileClicks: first(nonPublic.user_profile_clicks),
        }
      : null,
  };
}

function toOwnPost(post: RawPost): XOwnPost {
  const refs = post.referenced_posts ?? post.referenced_tweets ?? [];
  return {
    id: post.id,
    text: withoutNul(post.text ?? ''),
    createdAt: post.created_at ? new Date(post.created_at) : null,
    replyToId: refs.find((r) => r.type === 'replied_to')?.id ?? null,
    quoteOfId: refs.find((r) => r.type === 'quoted')?.id ?? null,
    mediaKeys: post.attachments?.media_keys ?? [],
  };
}

interface RawProcessing {
  processing_info?: {
    state?: string;
    check_after_secs?: number;
    progress_percent?: number;
    error?: { message?: string; name?: string };
  };
}

const processingStates = new Set(['pending', 'in_progress', 'failed', 'succeeded']);

function toProcessing(data: RawProcessing | undefined): XMediaProcessing {
  const info = data?.processing_info;
  if (!info) return { state: null, checkAfterSecs: null, progressPercent: null, error: null };
  const state = processingStates.has(info.state ?? '')
    ? (info.state as XMediaProcessing['state'])
    : null;
  return {
    state,
    checkAfterSecs: count(info.check_after_secs),
    progressPercent: count(info.progress_percent),
    error:
      state === 'failed'
        ? (info.error?.message ?? info.error?.name ?? 'X could not process the file').slice(0, 300)
        : null,
  };
}

const postFields = 'id,text,created_at,referenced_tweets,attachments';
const accountFields = 'id,name,username,subscription_type,public_metrics';

/**
 * The write client: one session per credential, each call one request (no retries here — a caller that doubts
 * reconciles). OAuth 2.0 sessions name the scope each endpoint needs, so X's bare 403 says which one is missing.
 */
export function createXWrite(
  options: Pick<XApiOptions, 'xOrigin' | 'xApiOrigin' | 'timeoutMs'>,
): XWrite {
  const settings = xApiClientSettings(options);
  const { timeoutMs } = options;

  return (credential) => {
    const client =
      credential.kind === 'oauth2'
        ? new TwitterApi(credential.accessToken, settings)
        : new TwitterApi(
            {
              appKey: credential.apiKey,
              appSecret: credential.apiSecret,
              accessToken: credential.accessToken,
              accessSecret: credential.accessTokenSecret,
            },
            settings,
          );
    const v2 = (client as TwitterApiReadWrite).v2;

    async function call<T>(
      scope: string,
      what: () => Promise<TwitterResponse<T>>,
    ): Promise<{ data: T; limits: XLimits }> {
      try {
        const res = await what();
        return { data: res.data, limits: limitsFrom(res.headers) };
      } catch (error) {
        throw toXApiError(error, {
          timeoutMs,
          ...(credential.kind === 'oauth2' ? { scope } : {}),
        });
      }
    }
    const answer = <T, R>(res: { data: T; limits: XLimits }, map: (data: T) => R): XAnswer<R> => ({
      data: map(res.data),
      limits: res.limits,
    });
    const full = { fullResponse: true } as const;
    const unreadable = (what: string) =>
      new XApiError('unavailable', `X sent an answer without ${what}`);

    return {
      credential: credential.kind,

      async me() {
        const res = await call('users.read', () =>
          v2.get<{
            data?: {
              id: string;
              username: string;
              name: string;
              subscription_type?: string;
              public_metrics?: Record<string, unknown>;
            };
          }>('users/me', { 'user.fields': accountFields }, full),
        );
        return answer(res, (body) => {
          const u = body.data;
          if (!u?.id) throw unreadable('the account');
          return {
            id: u.id,
            username: u.username,
            name: withoutNul(u.name ?? ''),
            subscriptionType: u.subscription_type ?? null,
            followers: first(u.public_metrics?.followers_count) ?? 0,
            following: first(u.public_metrics?.following_count) ?? 0,
            posts: xCounts.posts(u.public_metrics) ?? 0,
          };
        });
      },

      async createPost(input) {
        const body: Record<string, unknown> = { text: input.text };
        if (input.replyToId) body.reply = { in_reply_to_tweet_id: input.replyToId };
        if (input.quoteOfId) body.quote_tweet_id = input.quoteOfId;
        if (input.poll)
          body.poll = { options: input.poll.options, duration_minutes: input.poll.durationMinutes };
        if (input.mediaIds?.length) body.media = { media_ids: input.mediaIds };
        const res = await call('tweet.write', () =>
          v2.post<{ data?: { id: string; text: string } }>('tweets', body, full),
        );
        return answer(res, (b) => {
          if (!b.data?.id) throw unreadable('the post’s id');
          return { id: b.data.id, text: b.data.text ?? input.text };
        });
      },

      async deletePost(id) {
        const res = await call('tweet.write', () =>
          v2.delete<{ data?: { deleted: boolean } }>('tweets/:id', undefined, {
            ...full,
            params: { id },
          }),
        );
        return answer(res, (b) => ({ deleted: b.data?.deleted === true }));
      },

      async ownPosts(xUserId, { sinceId, startTime, maxResults = 20 }) {
        const query: Record<string, string | number> = {
          max_results: Math.min(100, Math.max(5, maxResults)),
          'tweet.fields': postFields,
        };
        if (sinceId) query.since_id = sinceId;
        if (startTime) query.start_time = startTime.toISOString();
        const res = await call('tweet.read', () =>
          v2.get<{ data?: RawPost[] }>('users/:id/tweets', query, {
            ...full,
            params: { id: xUserId },
          }),
        );
        return answer(res, (b) => (b.data ?? []).map(toOwnPost));
      },

      async mediaInitialize({ mediaType, totalBytes, category }) {
        const res = await call('media.write', () =>
          v2.post<{ data?: { id: string; media_key?: string; expires_after_secs?: number } }>(
            'media/upload/initialize',
            { media_type: mediaType, total_bytes: totalBytes, media_category: category },
            full,
          ),
        );
        return answer(res, (b) => {
          if (!b.data?.id) throw unreadable('the media id');
          return {
            mediaId: b.data.id,
            mediaKey: b.data.media_key ?? null,
            expiresAfterSecs: count(b.data.expires_after_secs),
          };
        });
      },

      async mediaAppend(mediaId, segmentIndex, chunk) {
        if (chunk.byteLength > maxMediaChunkBytes)
          throw new RangeError(`a media segment holds at most ${maxMediaChunkBytes} bytes`);
        // Buffer over the same memory: the segment is not copied before the library frames it.
        const media = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const res = await call('media.write', () =>
          v2.post<{ data?: { expires_at?: number | string } }>(
            'media/upload/:id/append',
            { segment_index: segmentIndex, media },
            { ...full, params: { id: mediaId }, forceBodyMode: 'form-data' },
          ),
        );
        return answer(res, (b) => {
          const at = b.data?.expires_at;
          const date =
            typeof at === 'number'
              ? new Date(at * 1000)
              : typeof at === 'string'
                ? new Date(at)
                : null;
          return { expiresAt: date && !Number.isNaN(date.getTime()) ? date : null };
        });
      },

      async mediaFinalize(mediaId) {
        // X refuses a finalize without a body: `{}` it is.
        const res = await call('media.write', () =>
          v2.post<{ data?: RawProcessing }>(
            'media/upload/:id/finalize',
            {},
            { ...full, params: { id: mediaId } },
          ),
        );
        return answer(res, (b) => toProcessing(b.data));
      },

      async mediaStatus(mediaId) {
        const res = await call('media.write', () =>
          v2.get<{ data?: RawProcessing }>(
            'media/upload',
            { command: 'STATUS', media_id: mediaId },
            full,
          ),
        );
        return answer(res, (b) => toProcessing(b.data));
      },

      async mediaMetadata(mediaId, altText) {
        const res = await call('media.write', () =>
          v2.post<unknown>(
            'media/metadata',
            { id: mediaId, metadata: { alt_text: { text: altText.slice(0, 1000) } } },
            full,
          ),
        );
        return answer(res, () => ({ ok: true as const }));
      },

      async postMetrics(ids, { own }) {
        if (ids.length === 0)
          return { data: [], limits: { window: null, userDay: null, appDay: null } };
        const fields = own
          ? 'id,public_metrics,organic_metrics,non_public_metrics'
          : 'id,public_metrics';
        const res = await call('tweet.read', () =>
          v2.get<{ data?: RawPost[] }>(
            'tweets',
            { ids: ids.slice(0, 100).join(','), 'tweet.fields': fields },
            full,
          ),
        );
        return answer(res, (b) => (b.data ?? []).map(toPostMetrics));
      },
    };
  };
}
