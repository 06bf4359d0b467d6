import twitterText from 'twitter-text';
import { Ajv, type ValidateFunction } from 'ajv';
import { readPublishedXApiDocument } from './openapi.ts';
import { invalidRequest, v2Json, type ParameterError } from './problems.ts';
import type { FakeReply } from './replies.ts';

// X's posts as the write side sees them: POST /2/tweets with X's rules, DELETE, and the reads a
// publisher reconciles and measures with (GET /2/users/:id/tweets, GET /2/tweets, /2/tweets/analytics).
// Each rule and its source is a row in README.md, "X's write side".

export type FakeXSubscriptionType = 'None' | 'Basic' | 'Premium' | 'PremiumPlus';
/** 'document': X's document 2.167 (repost_count, post_count, referenced_posts, edit_history_post_ids);
 * 'legacy': what X's docs pages and most clients show (retweet_count, tweet_count, referenced_tweets,
 * edit_history_tweet_ids). Both are seen at X. */
export type FakeXSpelling = 'document' | 'legacy';

export interface FakeXPostMetrics {
  repost_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  /** At creation; grows by impressionsPerHour from then on. */
  impression_count: number;
  url_link_clicks: number;
  user_profile_clicks: number;
  /** Default 60 (one a minute), on the fake's clock. */
  impressionsPerHour: number;
}

/** A post on the write side's timeline (fakeX.posts). */
export interface FakeXPost {
  /** Snowflake-like, increasing. */
  id: string;
  authorId: string;
  text: string;
  /** Epoch ms on the fake's clock. */
  createdAt: number;
  conversationId: string;
  inReplyToId?: string;
  inReplyToUserId?: string;
  quoteTweetId?: string;
  mediaIds: string[];
  poll?: { options: string[]; durationMinutes: number };
  replySettings?: string;
  /** Set once deleted: it no longer shows anywhere, fakeX.posts.get still has it. */
  deletedAt?: number;
  metrics: FakeXPostMetrics;
}

/** What posting needs of the media store. */
export interface MediaForPosts {
  usable(
    mediaId: string,
    userId: string,
    now: number,
  ): { kind: 'image' | 'gif' | 'video' | 'other'; mediaKey: string } | undefined;
}

export const duplicateWindowMs = 24 * 60 * 60 * 1000;
export const defaultReplyDelayMs = 1000;
const thirtyDaysMs = 30 * 24 * 60 * 60 * 1000;
const twitterEpochMs = 1288834974657;

export const forbiddenDetail = (detail: string): FakeReply => ({
  status: 403,
  body: { detail, type: 'about:blank', title: 'Forbidden', status: 403 },
  contentType: 'application/problem+json',
});
export const duplicateContent = () =>
  forbiddenDetail('You are not allowed to create a Tweet with duplicate content.');
export const replyNotVisible = () =>
  forbiddenDetail('You attempted to reply to a Tweet that is deleted or not visible to you.');
export const quoteNotVisible = () =>
  forbiddenDetail('You attempted to quote a Tweet that is deleted or not visible to you.');

const bodyError = (message: string, parameter?: string, value?: unknown): ParameterError => ({
  parameters: parameter ? { [parameter]: value === undefined ? [] : [String(value)] } : {},
  message,
});

let createValidator: ValidateFunction | undefined;
/** CreatePostsRequest from X's document, as X's gateway checks it (additionalProperties false…). */
function checkCreateBody(body: unknown): ParameterError[] {
  if (!createValidator) {
    const document = readPublishedXApiDocument();
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'x', components: document.components });
    createValidator = ajv.compile({ $ref: 'x#/components/schemas/CreatePostsRequest' });
  }
  if (createValidator(body)) return [];
  // X's gateway words these as its JSON-schema validator does: "$.field: problem".
  return (createValidator.errors ?? []).map((e) => {
    const path = `$${e.instancePath.replace(/\//g, '.')}`;
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return bodyError(
        `${path === '$' ? '$' : path}.${extra}: is not defined in the schema and the schema does not allow additional properties`,
      );
    }
    return bodyError(`${path}: ${e.message ?? 'is invalid'}`);
  });
}

export interface PostStore {
  all(userId: string): FakeXPost[];
  get(id: string): FakeXPost | undefined;
  add(
    post: Partial<Omit<FakeXPost, 'metrics'>> & {
      authorId: string;
      text: string;
      metrics?: Partial<FakeXPostMetrics>;
    },
    now: number,
  ): FakeXPost;
  setMetrics(id: string, metrics: Partial<FakeXPostMetrics>): void;
  setReplyDelay(ms: number): void;
  /** How long a new post takes to show in GET /2/users/:id/tweets (default 0), on the fake's clock. */
  timelineLagMs: number;
  spelling: FakeXSpelling;
  create(
    body: unknown,
    userId: string,
    subscription: FakeXSubscriptionType,
    media: MediaForPosts,
    now: number,
  ): { created?: FakeXPost; reply: FakeReply };
  delete(id: string, userId: string, now: number): FakeReply;
  impressions(post: FakeXPost, at: number): number;
  reset(): void;
}

export function createPostStore(): PostStore {
  const posts = new Map<string, FakeXPost>();
  let lastId = 0n;
  let replyDelayMs = defaultReplyDelayMs;

  function newId(now: number): string {
    let id = BigInt(Math.max(0, now - twitterEpochMs)) << 22n;
    if (id <= lastId) id = lastId + 1n;
    lastId = id;
    return id.toString();
  }

  function metricsOf(partial: Partial<FakeXPostMetrics> = {}): FakeXPostMetrics {
    return {
      repost_count: 0,
      reply_count: 0,
      like_count: 0,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 0,
      url_link_clicks: 0,
      user_profile_clicks: 0,
      impressionsPerHour: 60,
      ...partial,
    };
  }

  const live = (id: string | undefined) => {
    const post = id === undefined ? undefined : posts.get(id);
    return post && post.deletedAt === undefined ? post : undefined;
  };

  const store: PostStore = {
    spelling: 'document',
    timelineLagMs: 0,
    all: (userId) =>
      [...posts.values()].filter((p) => p.authorId === userId && p.deletedAt === undefined),
    get: (id) => posts.get(id),
    add(post, now) {
      const createdAt = post.createdAt ?? now;
      const id = post.id ?? newId(createdAt);
      if (BigInt(id) > lastId) lastId = BigInt(id);
      const full: FakeXPost = {
        conversationId: id,
        mediaIds: [],
        ...post,
        id,
        createdAt,
        metrics: metricsOf(post.metrics),
      };
      posts.set(id, full);
      return full;
    },
    setMetrics(id, metrics) {
      const post = posts.get(id);
      if (!post) throw new Error(`fake X: no post ${id}`);
      post.metrics = { ...post.metrics, ...metrics };
    },
    setReplyDelay(ms) {
      replyDelayMs = ms;
    },
    impressions: (post, at) =>
      post.metrics.impression_count +
      Math.floor((Math.max(0, at - post.createdAt) / 3_600_000) * post.metrics.impressionsPerHour),
    create(body, userId, subscription, media, now) {
      const schemaErrors = checkCreateBody(body);
      if (schemaErrors.length > 0) return { reply: invalidRequest(schemaErrors) };
      const request = body as {
        text?: string;
        reply?: { in_reply_to_tweet_id: string };
        quote_tweet_id?: string;
        poll?: { options: string[]; duration_minutes: number };
        media?: { media_ids: string[] };
        reply_settings?: string;
      };
      const text = request.text ?? '';
      const mediaIds = request.media?.media_ids ?? [];
      const errors: ParameterError[] = [];
      if (text === '' && mediaIds.length === 0)
        errors.push(bodyError('Post text is required unless media is provided.', 'text', text));
      // X counts with twitter-text's weighting; 25,000 for subscribers who may post long.
      const limit = subscription === 'None' ? 280 : 25_000;
      if (twitterText.parseTweet(text).weightedLength > limit) {
        errors.push(
          bodyError(
            'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.',
            'text',
            text,
          ),
        );
      }
      if (request.poll && mediaIds.length > 0)
        errors.push(bodyError('A post cannot have both a poll and media.', 'poll'));
      if (request.poll && new Set(request.poll.options).size !== request.poll.options.length)
        errors.push(bodyError('Poll options must be unique.', 'poll.options'));
      const kinds: string[] = [];
      for (const id of mediaIds) {
        const found = media.usable(id, userId, now);
        if (!found) {
          errors.push(bodyError('Your media IDs are invalid.', 'media.media_ids', id));
          continue;
        }
        kinds.push(found.kind);
      }
      if (kinds.length > 1 && kinds.some((k) => k !== 'image'))
        errors.push(
          bodyError('A post can have up to 4 images, or 1 GIF, or 1 video.', 'media.media_ids'),
        );
      if (errors.length > 0) return { reply: invalidRequest(errors) };

      let parent: FakeXPost | undefined;
      if (request.reply) {
        parent = live(request.reply.in_reply_to_tweet_id);
        // A post just made is not yet readable for replies (plhery/node-twitter-api-v2#366).
        if (!parent || now - parent.createdAt < replyDelayMs) return { reply: replyNotVisible() };
      }
      if (request.quote_tweet_id !== undefined && !live(request.quote_tweet_id))
        return { reply: quoteNotVisible() };
      if (text !== '') {
        for (const p of posts.values()) {
          if (
            p.authorId === userId &&
            p.deletedAt === undefined &&
            p.text === text &&
            now - p.createdAt < duplicateWindowMs
          )
            return { reply: duplicateContent() };
        }
      }
      const id = newId(now);
      const post: FakeXPost = {
        id,
        authorId: userId,
        text,
        createdAt: now,
        conversationId: parent?.conversationId ?? id,
        ...(parent ? { inReplyToId: parent.id, inReplyToUserId: parent.authorId } : {}),
        ...(request.quote_tweet_id ? { quoteTweetId: request.quote_tweet_id } : {}),
        mediaIds: [...mediaIds],
        ...(request.poll
          ? {
              poll: {
                options: [...request.poll.options],
                durationMinutes: request.poll.duration_minutes,
              },
            }
          : {}),
        ...(request.reply_settings ? { replySettings: request.reply_settings } : {}),
        metrics: metricsOf(),
      };
      posts.set(id, post);
      if (parent) parent.metrics.reply_count += 1;
      const historyKey =
        store.spelling === 'document' ? 'edit_history_post_ids' : 'edit_history_tweet_ids';
      return { created: post, reply: v2Json(201, { data: { id, text, [historyKey]: [id] } }) };
    },
    delete(id, userId, now) {
      if (!/^[0-9]{1,19}$/.test(id))
        return invalidRequest([
          bodyError(
            `The \`id\` path parameter value [${id}] does not match ^[0-9]{1,19}$`,
            'id',
            id,
          ),
        ]);
      const post = live(id);
      // X answers deleted: false for a post that is gone or not one's own (inferred from its schema).
      if (!post || post.authorId !== userId) return v2Json(200, { data: { deleted: false } });
      post.deletedAt = now;
      return v2Json(200, { data: { deleted: true } });
    },
    reset() {
      posts.clear();
      replyDelayMs = defaultReplyDelayMs;
      store.timelineLagMs = 0;
      store.spelling = 'document';
    },
  };
  return store;
}

/** Whether the non-public metrics of `post` may be shown to `viewerId` (own, last 30 days). */
export const mayShowPrivateMetrics = (post: FakeXPost, viewerId: string | undefined, now: number) =>
  viewerId === post.authorId && now - post.createdAt <= thirtyDaysMs;
