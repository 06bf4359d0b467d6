import { invalidRequest, v2Json, type ParameterError } from './problems.ts';
import { mayShowPrivateMetrics, type FakeXPost, type PostStore } from './posts.ts';
import { checkQuery, patternError } from './query.ts';
import type { FakeReply } from './replies.ts';
import type { WriteState } from './write-api.ts';

// The reads around publishing: one's own recent posts (reconciling after a lost answer), posts by id
// with their metrics, and /2/tweets/analytics. Both spellings of the renamed names are taken in the
// query (tweet.fields / post.fields, referenced_tweets / referenced_posts); the answer is spelt as
// posts.spelling says.

const postFieldNames = [
  'attachments',
  'author_id',
  'conversation_id',
  'created_at',
  'edit_history_tweet_ids',
  'edit_history_post_ids',
  'entities',
  'id',
  'in_reply_to_user_id',
  'lang',
  'non_public_metrics',
  'organic_metrics',
  'possibly_sensitive',
  'public_metrics',
  'referenced_tweets',
  'referenced_posts',
  'reply_settings',
  'source',
  'text',
];
const expansionNames = [
  'attachments.media_keys',
  'attachments.poll_ids',
  'author_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_posts.id',
];
const commonQuery = [
  'post.fields',
  'tweet.fields',
  'expansions',
  'user.fields',
  'media.fields',
  'poll.fields',
  'place.fields',
];
const privateFields = ['non_public_metrics', 'organic_metrics'];

function fieldsOf(query: URLSearchParams, errors: ParameterError[]): Set<string> {
  const check = checkQuery(query, []);
  const fields = new Set<string>();
  for (const name of ['post.fields', 'tweet.fields'])
    for (const f of check.list(name, postFieldNames, errors) ?? []) fields.add(f);
  check.list('expansions', expansionNames, errors);
  return fields;
}

export function apiPost(
  post: FakeXPost,
  fields: Set<string>,
  store: PostStore,
  now: number,
): Record<string, unknown> {
  const legacy = store.spelling === 'legacy';
  const out: Record<string, unknown> = {
    id: post.id,
    text: post.text,
    [legacy ? 'edit_history_tweet_ids' : 'edit_history_post_ids']: [post.id],
  };
  if (fields.has('author_id')) out.author_id = post.authorId;
  if (fields.has('created_at')) out.created_at = new Date(post.createdAt).toISOString();
  if (fields.has('conversation_id')) out.conversation_id = post.conversationId;
  if (fields.has('in_reply_to_user_id') && post.inReplyToUserId)
    out.in_reply_to_user_id = post.inReplyToUserId;
  if (fields.has('reply_settings')) out.reply_settings = post.replySettings ?? 'everyone';
  if (fields.has('referenced_tweets') || fields.has('referenced_posts')) {
    const refs = [
      ...(post.inReplyToId ? [{ type: 'replied_to', id: post.inReplyToId }] : []),
      ...(post.quoteTweetId ? [{ type: 'quoted', id: post.quoteTweetId }] : []),
    ];
    if (refs.length > 0) out[legacy ? 'referenced_tweets' : 'referenced_posts'] = refs;
  }
  if (fields.has('attachments') && (post.mediaIds.length > 0 || post.poll)) {
    out.attachments = {
      ...(post.mediaIds.length > 0
        ? { media_keys: post.mediaIds.map((id) => mediaKeyOf(id, store)) }
        : {}),
      ...(post.poll ? { poll_ids: [`${post.id}0`] } : {}),
    };
  }
  const m = post.metrics;
  const impressions = store.impressions(post, now);
  if (fields.has('public_metrics')) {
    out.public_metrics = {
      [legacy ? 'retweet_count' : 'repost_count']: m.repost_count,
      reply_count: m.reply_count,
      like_count: m.like_count,
      quote_count: m.quote_count,
      bookmark_count: m.bookmark_count,
      impression_count: impressions,
    };
  }
  if (fields.has('non_public_metrics'))
    out.non_public_metrics = {
      impression_count: impressions,
      url_link_clicks: m.url_link_clicks,
      user_profile_clicks: m.user_profile_clicks,
      engagements: m.like_count + m.reply_count + m.repost_count + m.url_link_clicks,
    };
  if (fields.has('organic_metrics'))
    out.organic_metrics = {
      impression_count: impressions,
      like_count: m.like_count,
      reply_count: m.reply_count,
      [legacy ? 'retweet_count' : 'repost_count']: m.repost_count,
      url_link_clicks: m.url_link_clicks,
      user_profile_clicks: m.user_profile_clicks,
    };
  return out;
}

// The media store names keys; the post keeps ids. A media key is <type>_<id>; the fake uses 3_ unless told.
let mediaKeyLookup: ((id: string) => string | undefined) | undefined;
export const setMediaKeyLookup = (lookup: (id: string) => string | undefined) => {
  mediaKeyLookup = lookup;
};
const mediaKeyOf = (id: string, _store: PostStore) => mediaKeyLookup?.(id) ?? `3_${id}`;

/** X's partial error for a private metric field it will not show on a post. */
const fieldUnauthorized = (post: FakeXPost, field: string) => ({
  value: post.id,
  resource_id: post.id,
  resource_type: 'tweet',
  field,
  section: 'data',
  parameter: 'ids',
  title: 'Field Authorization Error',
  detail: `Sorry, you are not authorized to access '${field}' on a Tweet.`,
  type: 'https://api.twitter.com/2/problems/not-authorized-for-field',
});

/**
 * The posts with the fields asked for. A private metric on a post that is not the viewer's own or is
 * older than 30 days: the post comes without it, and errors[] says why (as X answers).
 */
function present(
  posts: FakeXPost[],
  fields: Set<string>,
  viewerId: string | undefined,
  store: PostStore,
  now: number,
) {
  const data: unknown[] = [];
  const errors: unknown[] = [];
  for (const post of posts) {
    const shown = new Set(fields);
    for (const f of privateFields) {
      if (!fields.has(f) || mayShowPrivateMetrics(post, viewerId, now)) continue;
      shown.delete(f);
      errors.push(fieldUnauthorized(post, f));
    }
    data.push(apiPost(post, shown, store, now));
  }
  return { data, errors };
}

/** GET /2/tweets?ids=… */
export function answerPostsByIds(
  query: URLSearchParams,
  viewerId: string | undefined,
  store: PostStore,
  now: number,
): FakeReply {
  const check = checkQuery(query, ['ids', ...commonQuery]);
  const errors = [...check.errors];
  const fields = fieldsOf(query, errors);
  const raw = query.get('ids');
  const ids = raw === null || raw === '' ? [] : raw.split(',');
  if (ids.length === 0)
    errors.push({ parameters: { ids: [] }, message: 'The `ids` query parameter can not be empty' });
  if (ids.length > 100)
    errors.push({
      parameters: { ids: [raw!] },
      message: `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
    });
  for (const id of ids)
    if (!/^[0-9]{1,19}$/.test(id)) errors.push(patternError('ids', id, '^[0-9]{1,19}$', 'query'));
  if (errors.length > 0) return invalidRequest(errors);
  const found: FakeXPost[] = [];
  const missing: unknown[] = [];
  for (const id of ids) {
    const post = store.get(id);
    if (post && post.deletedAt === undefined) found.push(post);
    else
      missing.push({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: id,
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      });
  }
  const { data, errors: partial } = present(found, fields, viewerId, store, now);
  const allErrors = [...partial, ...missing];
  return v2Json(200, {
    ...(data.length > 0 ? { data } : {}),
    ...(allErrors.length > 0 ? { errors: allErrors } : {}),
  });
}

/** GET /2/tweets/:id: one post, or 200 with only errors[] when it is gone (as X answers lookups). */
export function answerPostById(
  id: string,
  query: URLSearchParams,
  viewerId: string | undefined,
  store: PostStore,
  now: number,
): FakeReply {
  const check = checkQuery(query, commonQuery);
  const errors = [...check.errors];
  const fields = fieldsOf(query, errors);
  if (errors.length > 0) return invalidRequest(errors);
  const post = store.get(id);
  if (!post || post.deletedAt !== undefined)
    return v2Json(200, {
      errors: [
        {
          value: id,
          detail: `Could not find tweet with id: [${id}].`,
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'id',
          resource_id: id,
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ],
    });
  const { data, errors: partial } = present([post], fields, viewerId, store, now);
  return v2Json(200, { data: data[0], ...(partial.length > 0 ? { errors: partial } : {}) });
}

const tokenOf = (id: string) => Buffer.from(`next:${id}`).toString('base64url');
const idOfToken = (token: string) => {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return /^next:([0-9]+)$/.exec(text)?.[1];
};

/** GET /2/users/:id/tweets: the user's posts, replies included, newest first. */
export function answerUsersPosts(
  userId: string,
  query: URLSearchParams,
  viewerId: string | undefined,
  state: WriteState,
  now: number,
): FakeReply {
  const check = checkQuery(query, [
    'max_results',
    'pagination_token',
    'start_time',
    'end_time',
    'since_id',
    'until_id',
    'exclude',
    ...commonQuery,
  ]);
  const errors = [...check.errors];
  const fields = fieldsOf(query, errors);
  const exclude = new Set(check.list('exclude', ['replies', 'retweets'], errors) ?? []);
  if (!/^[0-9]{1,19}$/.test(userId))
    errors.push(patternError('id', userId, '^[0-9]{1,19}$', 'path'));
  const maxRaw = query.get('max_results');
  const max = maxRaw === null ? 10 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 5 || max > 100)
    errors.push({
      parameters: { max_results: [maxRaw ?? ''] },
      message: `The \`max_results\` query parameter value [${maxRaw}] is not between 5 and 100`,
    });
  const idParam = (name: string) => {
    const v = query.get(name);
    if (v !== null && !/^[0-9]{1,19}$/.test(v))
      errors.push(patternError(name, v, '^[0-9]{1,19}$', 'query'));
    return v === null ? undefined : BigInt(/^[0-9]{1,19}$/.test(v) ? v : '0');
  };
  const sinceId = idParam('since_id');
  const untilId = idParam('until_id');
  const timeParam = (name: string) => {
    const v = query.get(name);
    if (v === null) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t))
      errors.push({
        parameters: { [name]: [v] },
        message: `Invalid '${name}':'${v}'. '${name}' must be a valid RFC 3339 date-time.`,
      });
    return t;
  };
  const startTime = timeParam('start_time');
  const endTime = timeParam('end_time');
  const token = query.get('pagination_token');
  const after = token === null ? undefined : idOfToken(token);
  if (token !== null && after === undefined)
    errors.push({
      parameters: { pagination_token: [token] },
      message: 'The `pagination_token` query parameter value is not valid',
    });
  if (errors.length > 0) return invalidRequest(errors);
  if (!state.accounts.byUserId(userId))
    return v2Json(200, {
      errors: [
        {
          value: userId,
          detail: `Could not find user with id: [${userId}].`,
          title: 'Not Found Error',
          resource_type: 'user',
          parameter: 'id',
          resource_id: userId,
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ],
    });
  const lag = state.posts.timelineLagMs;
  const matching = state.posts
    .all(userId)
    // X's timelines are eventually consistent: a new post shows a moment after it was created.
    .filter((p) => p.createdAt + lag <= now)
    .filter((p) => !(exclude.has('replies') && p.inReplyToId))
    .filter((p) => sinceId === undefined || BigInt(p.id) > sinceId)
    .filter((p) => untilId === undefined || BigInt(p.id) < untilId)
    .filter((p) => startTime === undefined || p.createdAt >= startTime)
    .filter((p) => endTime === undefined || p.createdAt <= endTime)
    .filter((p) => after === undefined || BigInt(p.id) < BigInt(after))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const page = matching.slice(0, max);
  const { data, errors: partial } = present(page, fields, viewerId, state.posts, now);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (page.length > 0) {
    meta.newest_id = page[0]!.id;
    meta.oldest_id = page.at(-1)!.id;
  }
  if (matching.length > max) meta.next_token = tokenOf(page.at(-1)!.id);
  return v2Json(200, {
    ...(data.length > 0 ? { data } : {}),
    ...(partial.length > 0 ? { errors: partial } : {}),
    meta,
  });
}

const analyticsFieldNames = [
  'app_install_attempts',
  'app_opens',
  'bookmarks',
  'detail_expands',
  'email_tweet',
  'engagements',
  'follows',
  'hashtag_clicks',
  'id',
  'impressions',
  'likes',
  'media_views',
  'permalink_clicks',
  'quote_tweets',
  'replies',
  'retweets',
  'shares',
  'timestamp',
  'timestamped_metrics',
  'unfollows',
  'unlikes',
  'url_clicks',
  'user_profile_clicks',
];
const bucketMs = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };

/**
 * GET /2/tweets/analytics (user context, own posts): per post, one bucket per granularity step
 * between start_time and end_time (one for 'total'). Impressions grow on the fake's clock; the other
 * counts land in the bucket the post was created in.
 */
export function answerAnalytics(
  query: URLSearchParams,
  viewerId: string,
  store: PostStore,
  now: number,
): FakeReply {
  const check = checkQuery(query, [
    'ids',
    'start_time',
    'end_time',
    'granularity',
    'analytics.fields',
  ]);
  const errors = [...check.errors];
  const fields = new Set(check.list('analytics.fields', analyticsFieldNames, errors) ?? []);
  const raw = query.get('ids');
  const ids = raw === null || raw === '' ? [] : raw.split(',');
  if (ids.length === 0 || ids.length > 100)
    errors.push({
      parameters: { ids: [raw ?? ''] },
      message: `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
    });
  for (const id of ids)
    if (!/^[0-9]{1,19}$/.test(id)) errors.push(patternError('ids', id, '^[0-9]{1,19}$', 'query'));
  const time = (name: string) => {
    const v = query.get(name);
    const t = v === null ? NaN : Date.parse(v);
    if (Number.isNaN(t))
      errors.push({
        parameters: { [name]: [v ?? ''] },
        message: `The \`${name}\` query parameter is required and must be an RFC 3339 date-time`,
      });
    return t;
  };
  const start = time('start_time');
  const end = time('end_time');
  const granularity = query.get('granularity') ?? 'total';
  if (!['hourly', 'daily', 'weekly', 'total'].includes(granularity))
    errors.push({
      parameters: { granularity: [granularity] },
      message: `The \`granularity\` query parameter value [${granularity}] is not one of [hourly,daily,weekly,total]`,
    });
  if (errors.length === 0 && end <= start)
    errors.push({
      parameters: { end_time: [query.get('end_time')!] },
      message: 'end_time must be after start_time',
    });
  if (errors.length > 0) return invalidRequest(errors);
  const step =
    granularity === 'total' ? end - start : bucketMs[granularity as keyof typeof bucketMs];
  const data: unknown[] = [];
  const partial: unknown[] = [];
  for (const id of ids) {
    const post = store.get(id);
    if (!post || post.deletedAt !== undefined || post.authorId !== viewerId) {
      partial.push({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: id,
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      });
      continue;
    }
    const buckets: unknown[] = [];
    for (let from = start; from < end; from += step) {
      const to = Math.min(end, from + step, now);
      const impressions = Math.max(
        0,
        store.impressions(post, Math.max(to, post.createdAt)) -
          (from <= post.createdAt ? 0 : store.impressions(post, from)),
      );
      const here = post.createdAt >= from && post.createdAt < from + step;
      const m = post.metrics;
      const all: Record<string, number> = {
        impressions: to <= post.createdAt ? 0 : impressions,
        likes: here ? m.like_count : 0,
        replies: here ? m.reply_count : 0,
        retweets: here ? m.repost_count : 0,
        quote_tweets: here ? m.quote_count : 0,
        bookmarks: here ? m.bookmark_count : 0,
        url_clicks: here ? m.url_link_clicks : 0,
        user_profile_clicks: here ? m.user_profile_clicks : 0,
        engagements: here ? m.like_count + m.reply_count + m.repost_count + m.url_link_clicks : 0,
      };
      const metrics = Object.fromEntries(
        Object.entries(all).filter(([k]) => fields.size === 0 || fields.has(k)),
      );
      buckets.push({ timestamp: new Date(from).toISOString(), metrics });
    }
    data.push({ id, timestamped_metrics: buckets });
  }
  return v2Json(200, {
    ...(data.length > 0 ? { data } : {}),
    ...(partial.length > 0 ? { errors: partial } : {}),
  });
}
