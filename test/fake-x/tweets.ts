import { graphqlUser, type AccountStore } from './accounts.ts';
import type { FakeXAccount, FakeXTweet } from './types.ts';

export interface TweetStore {
  add(tweets: FakeXTweet[]): void;
  /** An author's tweets, replies included, newest first. */
  byAuthor(userId: string): FakeXTweet[];
  /** Tweets whose text mentions @screenName, newest first. */
  mentioning(screenName: string): FakeXTweet[];
}

const newestFirst = (a: FakeXTweet, b: FakeXTweet) => {
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x > y ? -1 : x < y ? 1 : 0;
};

export function createTweetStore(accounts: AccountStore): TweetStore {
  const byId = new Map<string, FakeXTweet>();
  const all = () => [...byId.values()].sort(newestFirst);
  return {
    add(tweets) {
      for (const tweet of tweets) {
        if (!accounts.byScreenName(tweet.by)) throw new Error(`fake X: add the account @${tweet.by} before its tweets`);
        byId.set(tweet.id, { ...tweet });
      }
    },
    byAuthor: (userId) => all().filter((t) => accounts.byScreenName(t.by)?.userId === userId),
    mentioning(screenName) {
      const mention = new RegExp(`(^|[^A-Za-z0-9_])@${screenName}(?![A-Za-z0-9_])`, 'i');
      return all().filter((t) => mention.test(t.text));
    },
  };
}

/**
 * One page of a timeline the way X pages: `count` tweets after the cursor, then a Top and a Bottom
 * cursor entry. X sends a Bottom cursor on every page, also the last; past the end the page is
 * empty (clients stop there). Cursors carry the last id shown, so new tweets do not shift pages.
 */
export function timelineInstructions(
  tweets: FakeXTweet[],
  variables: Record<string, unknown>,
  accounts: AccountStore,
) {
  const after = parseCursor(variables.cursor);
  const count = Math.max(1, Math.min(100, Number(variables.count ?? 20) || 20));
  const page = (after === null ? tweets : tweets.filter((t) => BigInt(t.id) < after)).slice(0, count);
  const bottom = page.at(-1)?.id ?? (after === null ? '0' : String(after));
  const entries: unknown[] = page.map((t) => tweetEntry(t, accounts));
  entries.push(cursorEntry('Top', `top:${page[0]?.id ?? bottom}`));
  entries.push(cursorEntry('Bottom', `bottom:${bottom}`));
  return [{ type: 'TimelineClearCache' }, { type: 'TimelineAddEntries', entries }];
}

function parseCursor(cursor: unknown): bigint | null {
  const match = typeof cursor === 'string' ? /^bottom:(\d+)$/.exec(cursor) : null;
  return match ? BigInt(match[1]!) : null;
}

function tweetEntry(t: FakeXTweet, accounts: AccountStore) {
  return {
    entryId: `tweet-${t.id}`,
    sortIndex: t.id,
    content: {
      entryType: 'TimelineTimelineItem',
      __typename: 'TimelineTimelineItem',
      itemContent: {
        itemType: 'TimelineTweet',
        __typename: 'TimelineTweet',
        tweet_results: { result: graphqlTweet(t, accounts.byScreenName(t.by)!, accounts) },
        tweetDisplayType: 'Tweet',
      },
    },
  };
}

const cursorEntry = (cursorType: 'Top' | 'Bottom', value: string) => ({
  entryId: `cursor-${cursorType.toLowerCase()}-${value}`,
  sortIndex: '0',
  content: { entryType: 'TimelineTimelineCursor', __typename: 'TimelineTimelineCursor', value, cursorType },
});

/** The GraphQL Tweet result; the author's full user object sits at core.user_results.result. */
function graphqlTweet(t: FakeXTweet, author: FakeXAccount, accounts: AccountStore) {
  const legacy: Record<string, unknown> = {
    id_str: t.id,
    user_id_str: author.userId,
    full_text: t.text,
    created_at: xDate(t.createdAt ?? new Date(Date.UTC(2025, 0, 15, 12))),
    conversation_id_str: t.inReplyTo?.id ?? t.id,
    reply_count: 0,
    retweet_count: 0,
    favorite_count: 0,
    quote_count: 0,
    bookmark_count: 0,
    lang: 'en',
    is_quote_status: false,
    entities: { hashtags: [], symbols: [], urls: [], user_mentions: [] },
  };
  if (t.inReplyTo) {
    legacy.in_reply_to_status_id_str = t.inReplyTo.id;
    legacy.in_reply_to_user_id_str =
      t.inReplyTo.userId ?? accounts.byScreenName(t.inReplyTo.screenName)?.userId ?? '0';
    legacy.in_reply_to_screen_name = t.inReplyTo.screenName;
  }
  return {
    __typename: 'Tweet',
    rest_id: t.id,
    core: { user_results: { result: graphqlUser(author) } },
    legacy,
    views: { count: '1234', state: 'EnabledWithCount' },
    source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
  };
}

/** X's legacy date format: "Wed Jan 15 12:00:00 +0000 2025". */
export function xDate(date: Date): string {
  const [day, , , , time] = date.toUTCString().split(' '); // "Wed, 15 Jan 2025 12:00:00 GMT"
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return `${day!.slice(0, 3)} ${month} ${dd} ${time} +0000 ${date.getUTCFullYear()}`;
}
