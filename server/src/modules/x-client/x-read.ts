/** Reading what X answered into Perch's shapes. X's answers are untrusted JSON: every read is guarded. */
import type { TweetData } from '@steipete/bird/dist/lib/twitter-client-types.js';
import type { XProfile, XTweet } from './x-types.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export type ProfileAnswer =
  | { kind: 'profile'; profile: XProfile }
  | { kind: 'not_found' | 'suspended' | 'unreadable' };

/**
 * A UserByScreenName answer. 2025+ X puts screen_name and name in `core` and the avatar in
 * `avatar.image_url`; `legacy` keeps the bio and, on older answers, the rest.
 */
export function readProfileAnswer(answer: unknown): ProfileAnswer {
  const data = obj(obj(answer)?.data);
  if (!data) return { kind: 'unreadable' };
  const result = obj(obj(data.user)?.result);
  if (!result) return { kind: 'not_found' }; // {"data":{}}: nobody has that handle
  if (result.__typename === 'UserUnavailable') {
    return { kind: result.reason === 'Suspended' ? 'suspended' : 'not_found' };
  }
  const core = obj(result.core);
  const legacy = obj(result.legacy);
  const userId = str(result.rest_id);
  const handle = str(core?.screen_name) ?? str(legacy?.screen_name);
  if (!userId || !handle) return { kind: 'unreadable' };
  return {
    kind: 'profile',
    profile: {
      userId,
      handle,
      name: str(core?.name) ?? str(legacy?.name) ?? handle,
      bio: str(legacy?.description) ?? '',
      avatarUrl: str(obj(result.avatar)?.image_url) ?? str(legacy?.profile_image_url_https) ?? null,
    },
  };
}

/** What a timeline answer says beyond its tweets: the profile is gone, or X changed the shape. */
export function readTimelineAnswer(answer: unknown, path: 'user' | 'search'): 'ok' | 'suspended' | 'unreadable' {
  const data = obj(obj(answer)?.data);
  if (path === 'search') {
    const timeline = obj(obj(obj(data?.search_by_raw_query)?.search_timeline)?.timeline);
    return Array.isArray(timeline?.instructions) ? 'ok' : 'unreadable';
  }
  const result = obj(obj(data?.user)?.result);
  if (result?.__typename === 'UserUnavailable') return 'suspended';
  return Array.isArray(obj(obj(result?.timeline)?.timeline)?.instructions) ? 'ok' : 'unreadable';
}

/** bird's tweet plus what it drops (who was replied to, retweet) from X's raw result. */
export function toXTweet(tweet: TweetData): XTweet {
  const legacy = obj(obj(tweet._raw)?.legacy);
  const createdAt = tweet.createdAt ? new Date(tweet.createdAt) : null;
  return {
    id: tweet.id,
    text: tweet.text,
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
    authorId: tweet.authorId ?? str(legacy?.user_id_str) ?? null,
    authorHandle: tweet.author.username,
    authorName: tweet.author.name,
    inReplyToStatusId: tweet.inReplyToStatusId ?? null,
    inReplyToUserId: str(legacy?.in_reply_to_user_id_str) ?? null,
    inReplyToHandle: str(legacy?.in_reply_to_screen_name) ?? null,
    isRetweet: obj(legacy?.retweeted_status_result) !== undefined,
  };
}

/** Where a tweet lives on x.com, for links on the timeline. */
export const tweetUrl = (tweet: Pick<XTweet, 'authorHandle' | 'id'>) => `https://x.com/${tweet.authorHandle}/status/${tweet.id}`;

/** Tweet ids are 64-bit snowflakes: compare them as BigInt, never as numbers or plain strings. */
export function isNewer(id: string, sinceId: string | null | undefined): boolean {
  if (!sinceId) return true;
  try {
    return BigInt(id) > BigInt(sinceId);
  } catch {
    return false; // not an id X would send; never import it twice
  }
}
