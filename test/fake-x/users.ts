import type { AccountStore } from './accounts.ts';
import { invalidRequest, v2Json, type ParameterError } from './problems.ts';
import { checkQuery, patternError, type QueryCheck } from './query.ts';
import type { FakeReply } from './replies.ts';
import type { FakeXAccount } from './types.ts';

// The API v2 user object: id, name and username always; a few more on request (user.fields).
// Fields X has but the fake does not keep are left out rather than made up. Both spellings of the
// renamed fields are taken: the document (2.167) says *_post_id, X's guides and clients *_tweet_id.
const userFieldNames = [
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_post_id',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_post_id',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscribes_to_you',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];
const createdAt = '2006-03-21T20:50:14.000Z';
const defaultAvatarUrl =
  'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';

export function parseUserFields(check: QueryCheck, errors: ParameterError[]): Set<string> {
  return new Set(check.list('user.fields', userFieldNames, errors) ?? []);
}

/** How the write side spells the renamed counts (posts.spelling) and how many posts the user has there. */
export interface UserExtras {
  spelling: 'document' | 'legacy';
  postCount: number;
}

export function apiUser(
  account: FakeXAccount,
  fields: Set<string>,
  extras?: UserExtras,
): Record<string, unknown> {
  const user: Record<string, unknown> = {
    id: account.userId,
    name: account.name,
    username: account.screenName,
  };
  if (fields.has('created_at')) user.created_at = createdAt;
  if (fields.has('description')) user.description = account.bio ?? '';
  if (fields.has('profile_image_url'))
    user.profile_image_url = account.avatarUrl ?? defaultAvatarUrl;
  if (fields.has('protected')) user.protected = false;
  if (fields.has('verified')) user.verified = false;
  if (fields.has('subscription_type')) user.subscription_type = account.subscriptionType ?? 'None';
  if (fields.has('public_metrics')) {
    const m = account.publicMetrics ?? {};
    user.public_metrics = {
      followers_count: m.followers_count ?? 0,
      following_count: m.following_count ?? 0,
      [extras?.spelling === 'legacy' ? 'tweet_count' : 'post_count']:
        m.post_count ?? extras?.postCount ?? 0,
      listed_count: m.listed_count ?? 0,
      like_count: m.like_count ?? 0,
      media_count: m.media_count ?? 0,
    };
  }
  return user;
}

const userQueryNames = ['expansions', 'post.fields', 'tweet.fields', 'user.fields'];

/** GET /2/users/me: the token's user. */
export function answerUsersMe(
  query: URLSearchParams,
  userId: string,
  accounts: AccountStore,
  extrasOf?: (userId: string) => UserExtras,
): FakeReply {
  const check = checkQuery(query, userQueryNames);
  const errors = [...check.errors];
  const fields = parseUserFields(check, errors);
  if (errors.length > 0) return invalidRequest(errors);
  const me = accounts.byUserId(userId);
  if (!me) throw new Error(`fake X: a token names user ${userId}, which no account has`);
  return v2Json(200, { data: apiUser(me, fields, extrasOf?.(userId)) });
}

/** GET /2/users?ids=…: up to 100 users; the ones X cannot show come back as partial errors. */
export function answerUsersByIds(query: URLSearchParams, accounts: AccountStore): FakeReply {
  const check = checkQuery(query, ['ids', ...userQueryNames]);
  const errors = [...check.errors];
  const fields = parseUserFields(check, errors);
  const raw = query.get('ids');
  const ids = raw === null ? [] : raw.split(',');
  if (raw === null) {
    errors.push({ parameters: { ids: [] }, message: 'The `ids` query parameter can not be empty' });
  } else if (ids.length > 100) {
    errors.push({
      parameters: { ids: [raw] },
      message: `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
    });
  }
  for (const id of ids)
    if (!/^[0-9]{1,19}$/.test(id)) errors.push(patternError('ids', id, '^[0-9]{1,19}$', 'query'));
  if (errors.length > 0) return invalidRequest(errors);

  const data: unknown[] = [];
  const partial: unknown[] = [];
  for (const id of ids) {
    const account = accounts.byUserId(id);
    if (account && !account.suspended) {
      data.push(apiUser(account, fields));
      continue;
    }
    partial.push({
      value: id,
      detail: account
        ? `User has been suspended: [${id}].`
        : `Could not find user with ids: [${id}].`,
      title: account ? 'Forbidden' : 'Not Found Error',
      resource_type: 'user',
      parameter: 'ids',
      resource_id: id,
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    });
  }
  return v2Json(200, {
    ...(data.length > 0 ? { data } : {}),
    ...(partial.length > 0 ? { errors: partial } : {}),
  });
}
