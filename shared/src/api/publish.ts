/**
 * Publishing to X: the contract between the Compose and Posts pages and the server.
 *
 * Routes (all under /api/v1, signed-in session; problem+json on every error, `errors[]` naming each bad field
 * with its path, e.g. `parts.2.poll.options.1`):
 * - `GET    /posts?status=&limit=&cursor=`  → Page<PostView> (newest first)
 * - `POST   /posts`            PostDraftInput → 201 PostView (action draft | schedule | publish_now)
 * - `GET    /posts/:id`        → PostView
 * - `PUT    /posts/:id`        PostDraftInput → PostView (only draft, scheduled, needs_attention)
 * - `DELETE /posts/:id`        → 204 (only draft, scheduled, needs_attention with nothing published)
 * - `POST   /posts/:id/retry`  → PostView (needs_attention → publishing, from the first part X has not confirmed)
 * - `GET    /posts/budget`     → PostingBudget
 * - `GET    /posts/:id/metrics` → PostMetricsView
 * - `GET    /x/account-metrics?days=` → AccountMetricsView
 * - `POST   /media`            raw body (Content-Type the file's type, `x-perch-file-name` header) → 201 MediaView
 * - `GET    /media/:id`        → MediaView;  `PATCH /media/:id` { altText } → MediaView; `DELETE /media/:id` → 204
 * - `GET    /x/publishing`     → PublishingStatus
 * - `POST   /x/app-credentials` AppCredentialsInput → 201 PublishingStatus;  `DELETE /x/app-credentials` → 204
 */
import { z } from 'zod';
import { PageQuery, paged } from './page.ts';

/** Where a post is, as the user sees it. */
export const PostStatus = z.enum([
  'draft',
  'scheduled',
  'uploading',
  'publishing',
  'published',
  'needs_attention',
]);
export type PostStatus = z.infer<typeof PostStatus>;

export const MediaKind = z.enum(['image', 'gif', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

export const PollDraft = z.object({
  options: z.array(z.string()),
  durationMinutes: z.number().int(),
});
export type PollDraft = z.infer<typeof PollDraft>;

export const PostPartDraft = z.object({
  text: z.string().max(100_000),
  /** Media uploaded to Perch first (POST /media), in the order they are shown; alt text is the media's own. */
  mediaIds: z.array(z.uuid()).max(10).default([]),
  poll: PollDraft.nullable().default(null),
});
export type PostPartDraft = z.infer<typeof PostPartDraft>;

export const PostAction = z.enum(['draft', 'schedule', 'publish_now']);
export type PostAction = z.infer<typeof PostAction>;

export const PostDraftInput = z.object({
  action: PostAction,
  /** One part is a post; more are a thread, each part a reply to the one before. */
  parts: z.array(PostPartDraft).min(1).max(25),
  /** The first part replies to this post: an X post id or an x.com/twitter.com status URL. */
  replyTo: z.string().max(300).nullable().default(null),
  /** The first part quotes this post: an X post id or an x.com/twitter.com status URL. */
  quoteOf: z.string().max(300).nullable().default(null),
  /** With action schedule: when, as an instant; `timeZone` is the zone the user picked it in (shown back). */
  scheduledAt: z.iso.datetime({ offset: true }).nullable().default(null),
  timeZone: z.string().max(64).default('UTC'),
});
export type PostDraftInput = z.infer<typeof PostDraftInput>;

export const MediaState = z.enum(['stored', 'uploading', 'processing', 'ready', 'failed']);
export type MediaState = z.infer<typeof MediaState>;

export const MediaView = z.object({
  id: z.uuid(),
  kind: MediaKind,
  mimeType: z.string(),
  fileName: z.string(),
  bytes: z.number().int(),
  altText: z.string(),
  /** stored: in Perch only; uploading/processing: on its way to X (progress 0–100); ready: X has it; failed: `error` says X's reason. */
  state: MediaState,
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
});
export type MediaView = z.infer<typeof MediaView>;

export const PostPartView = z.object({
  position: z.number().int(),
  text: z.string(),
  media: z.array(MediaView),
  poll: PollDraft.nullable(),
  /** Set once X confirmed this part (or Perch found it among the account's posts). */
  xPostId: z.string().nullable(),
  url: z.string().nullable(),
  state: z.enum(['pending', 'sending', 'unknown', 'published', 'failed']),
  /** A plain sentence when this part is what needs attention. */
  error: z.string().nullable(),
});
export type PostPartView = z.infer<typeof PostPartView>;

export const PostView = z.object({
  id: z.uuid(),
  status: PostStatus,
  parts: z.array(PostPartView),
  replyTo: z.string().nullable(),
  quoteOf: z.string().nullable(),
  scheduledAt: z.iso.datetime().nullable(),
  timeZone: z.string(),
  publishedAt: z.iso.datetime().nullable(),
  /** needs_attention: why, in a plain sentence, and whether Retry can help (else: edit). */
  attention: z.object({ reason: z.string(), retryable: z.boolean() }).nullable(),
  /** Scheduled or publishing but held back by X's budget: until when, and a sentence saying so. */
  waitingUntil: z.iso.datetime().nullable(),
  waitingReason: z.string().nullable(),
  /** While uploading: how far the post's media are on their way to X, 0–100 over all of them; else null. */
  uploadProgress: z.number().int().min(0).max(100).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PostView = z.infer<typeof PostView>;

/** `GET /posts`: a page of posts, newest first. */
export const PostList = paged({ posts: z.array(PostView) });
export type PostList = z.infer<typeof PostList>;
export const PostsQuery = PageQuery.extend({ status: PostStatus.optional() });
export type PostsQuery = z.infer<typeof PostsQuery>;

/** What is left of X's POST /2/tweets budget for this user, as X's headers last said. */
export const PostingBudget = z.object({
  window: z.object({
    limit: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    resetAt: z.iso.datetime().nullable(),
  }),
  day: z.object({
    limit: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    resetAt: z.iso.datetime().nullable(),
  }),
  /** usage_capped / credits_depleted: the X app, not the user, is out; a plain sentence. */
  blocked: z
    .object({ kind: z.enum(['usage_capped', 'credits_depleted']), sentence: z.string() })
    .nullable(),
});
export type PostingBudget = z.infer<typeof PostingBudget>;

export const PublishCredentialKind = z.enum(['oauth2', 'oauth1']);
export type PublishCredentialKind = z.infer<typeof PublishCredentialKind>;

export const PublishingStatus = z.object({
  /** Which credential publishes (OAuth 2.0 when its grant covers tweet.write, else the app credentials), or none. */
  credential: PublishCredentialKind.nullable(),
  /** What the OAuth 2.0 grant covers. */
  grant: z.object({
    connected: z.boolean(),
    readDms: z.boolean(),
    publish: z.boolean(),
    uploadMedia: z.boolean(),
  }),
  appCredentials: z.object({
    present: z.boolean(),
    source: z.enum(['settings', 'environment']).nullable(),
    handle: z.string().nullable(),
    verifiedAt: z.iso.datetime().nullable(),
    hasBearerToken: z.boolean(),
  }),
  canPublish: z.boolean(),
  canUploadMedia: z.boolean(),
  /** 280, or 25,000 when the account's subscription_type allows long posts. */
  maxWeightedLength: z.number().int(),
  /** A plain sentence when publishing cannot work yet, saying what to do. */
  problem: z.string().nullable(),
});
export type PublishingStatus = z.infer<typeof PublishingStatus>;

export const AppCredentialsInput = z.object({
  api_key: z.string().max(200).optional(),
  api_secret: z.string().max(200).optional(),
  access_token: z.string().max(200).optional(),
  access_token_secret: z.string().max(200).optional(),
  bearer_token: z.string().max(500).optional(),
});
export type AppCredentialsInput = z.infer<typeof AppCredentialsInput>;

export const MetricsFigures = z.object({
  impressions: z.number().int().nullable(),
  likes: z.number().int(),
  reposts: z.number().int(),
  replies: z.number().int(),
  quotes: z.number().int(),
  bookmarks: z.number().int().nullable(),
  /** From organic or non-public metrics (own posts in X's 30-day window). */
  urlClicks: z.number().int().nullable(),
  profileClicks: z.number().int().nullable(),
});
export type MetricsFigures = z.infer<typeof MetricsFigures>;

export const PostMetricsSnapshot = z.object({
  /** Which planned snapshot: +1 h, +24 h, +7 d, +29 d. */
  mark: z.enum(['1h', '24h', '7d', '29d']),
  takenAt: z.iso.datetime(),
  source: z.enum(['organic', 'non_public', 'public']),
  figures: MetricsFigures,
});
export type PostMetricsSnapshot = z.infer<typeof PostMetricsSnapshot>;

export const PostMetricsView = z.object({
  postId: z.uuid(),
  /** The first part's (the post as X shows it); each part's are in `parts`. */
  xPostId: z.string().nullable(),
  snapshots: z.array(PostMetricsSnapshot),
  /** When the first part's next planned snapshot is due, or null when all four are taken. */
  nextAt: z.iso.datetime().nullable(),
  /** Every part X confirmed, first part first; empty while none is. */
  parts: z.array(
    z.object({
      position: z.number().int().min(0),
      xPostId: z.string(),
      snapshots: z.array(PostMetricsSnapshot),
    }),
  ),
});
export type PostMetricsView = z.infer<typeof PostMetricsView>;

export const AccountMetricsView = z.object({
  days: z.array(
    z.object({
      day: z.iso.date(),
      followers: z.number().int(),
      following: z.number().int(),
      posts: z.number().int(),
    }),
  ),
});
export type AccountMetricsView = z.infer<typeof AccountMetricsView>;
