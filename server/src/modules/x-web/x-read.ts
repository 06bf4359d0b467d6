/** Reading what X answered into Perch's shapes. X's answers are untrusted JSON: every read is guarded. */
import type { TweetData } from '@steipete/bird/dist/lib/twitter-client-types.js';
import { withoutNul } from '@perch/shared';
import type { XProfile, XTweet } from './x-types.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A string from X that Perch stores: without the NUL characters PostgreSQL cannot hold (X lets them through). */
const storable = (v: unknown): string | undefined =>
  typeof v === 'string' ? withoutNul(v) : undefined;

export type ProfileAnswer =
  | { kind: 'profile'; profile: XProfile }
  | { kind: 'not_found' | 'suspended' | 'not_visible' | 'unreadable' };

/**
 * A UserByScreenName answer. 2025+ X puts screen_name and name in `core` and the avatar in
 * `avatar.image_url`; `legacy` keeps the bio and, on older answers, the rest.
 */
export function readProfileAnswer(answer: unknown): ProfileAnswer {
  const data = obj(obj(answer)?.data);
  if (!data) return { kind: 'unreadable' };
  // HTTP 200 with errors beside partial data: X would not show this profile (code 63 suspended, 37 protected
  // or withheld). What data there is lacks the bio, which must not read as an emptied one.
  const errors = obj(answer)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const codes = errors.map((e) => obj(e)?.code);
    return { kind: codes.includes(63) ? 'suspended' : 'not_visible' };
  }
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
  // X always sends a profile's description, "" when it has none; without one, there is no bio to compare.
  if (typeof legacy?.description !== 'string') return { kind: 'not_visible' };
  return {
    kind: 'profile',
    profile: {
      userId,
      handle,
      name: storable(core?.name) ?? storable(legacy?.name) ?? handle,
      bio: withoutNul(legacy.description),
      avatarUrl: str(obj(result.avatar)?.image_url) ?? str(legacy?.profile_image_url_https) ?? null,
    },
  };
}

/** What a timeline answer says beyond its tweets: the profile is gone, or X changed the shape. */
export function readTimelineAnswer(
  answer: unknown,
  path: 'user' | 'search',
): 'ok' | 'suspended' | 'unreadable' {
  const data = obj(obj(answer)?.data);
  if (path === 'search') {
    const timeline = obj(obj(obj(data?.search_by_raw_query)?.search_timeline)?.timeline);
    return Array.isArray(timeline?.instructions) ? 'ok' : 'unreadable';
  }
  const result = obj(obj(data?.user)?.result);
  if (result?.__typename === 'UserUnavailable') return 'suspended';
  return Array.isArray(obj(obj(result?.timeline)?.timeline)?.instructions) ? 'ok' : 'unreadable';
}

/**
 * X's timeline answer in the shape bird 0.8.0 parses. Real X differs from what bird expects in three ways that
 * lose tweets: from page 2 on the cursors come in `TimelineReplaceEntry` instructions (bird reads cursors only
 * from `entries`, so it believes the timeline ended); tweets X shows with a notice are wrapped as
 * `TweetWithVisibilityResults` (bird drops them); and promoted entries (ads) sit among the results (bird would
 * read an ad as a mention). Returns a copy with replace-entries turned into entries, wrappers opened and
 * promoted entries removed.
 */
export function normalizeTimelineAnswer(answer: unknown): unknown {
  const copy = structuredClone(answer);
  const data = obj(obj(copy)?.data);
  const timeline =
    obj(obj(obj(data?.search_by_raw_query)?.search_timeline)?.timeline) ??
    obj(obj(obj(obj(data?.user)?.result)?.timeline)?.timeline) ??
    obj(obj(obj(obj(data?.user)?.result)?.timeline_v2)?.timeline);
  if (!timeline || !Array.isArray(timeline.instructions)) return copy;
  timeline.instructions = (timeline.instructions as unknown[]).map((raw) => {
    const instruction = obj(raw);
    if (instruction?.type === 'TimelineReplaceEntry' && obj(instruction.entry)) {
      return { type: 'TimelineAddEntries', entries: [instruction.entry] };
    }
    if (instruction && Array.isArray(instruction.entries)) {
      instruction.entries = (instruction.entries as unknown[]).filter(
        (entry) => !isPromoted(entry),
      );
    }
    return instruction;
  });
  openWrappers(timeline);
  return copy;
}

function isPromoted(entry: unknown): boolean {
  const e = obj(entry);
  if (str(e?.entryId)?.startsWith('promoted-')) return true;
  const content = obj(e?.content);
  return obj(obj(content?.itemContent)?.promotedMetadata) !== undefined;
}

/** Every `tweet_results.result` (and quoted one) that is a visibility wrapper becomes the tweet it wraps. */
function openWrappers(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(openWrappers);
  const o = obj(node);
  if (!o) return;
  for (const [key, value] of Object.entries(o)) {
    const holder = obj(value);
    const result = obj(holder?.result);
    if (
      (key === 'tweet_results' || key === 'quoted_status_result') &&
      result?.__typename === 'TweetWithVisibilityResults' &&
      obj(result.tweet)
    ) {
      holder!.result = { __typename: 'Tweet', ...obj(result.tweet) };
    }
    openWrappers(value);
  }
}

/** bird's tweet plus what it drops (who was replied to, retweet) from X's raw result. */
export function toXTweet(tweet: TweetData): XTweet {
  const legacy = obj(obj(tweet._raw)?.legacy);
  const createdAt = tweet.createdAt ? new Date(tweet.createdAt) : null;
  return {
    id: tweet.id,
    text: withoutNul(tweet.text),
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
    authorId: tweet.authorId ?? str(legacy?.user_id_str) ?? null,
    authorHandle: tweet.author.username,
    authorName: withoutNul(tweet.author.name),
    inReplyToStatusId: tweet.inReplyToStatusId ?? null,
    inReplyToUserId: str(legacy?.in_reply_to_user_id_str) ?? null,
    inReplyToHandle: str(legacy?.in_reply_to_screen_name) ?? null,
    isRetweet: obj(legacy?.retweeted_status_result) !== undefined,
  };
}

/** Where a tweet lives on x.com, for links on the timeline. */
export const tweetUrl = (tweet: Pick<XTweet, 'authorHandle' | 'id'>) =>
  `https://x.com/${tweet.authorHandle}/status/${tweet.id}`;

/** Tweet ids are 64-bit snowflakes: compare them as BigInt, never as numbers or plain strings. */
export function isNewer(id: string, sinceId: string | null | undefined): boolean {
  if (!sinceId) return true;
  try {
    return BigInt(id) > BigInt(sinceId);
  } catch {
    return false; // not an id X would send; never import it twice
  }
}
