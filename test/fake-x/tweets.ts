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
        if (!accounts.byScreenName(tweet.by))
          throw new Error(`fake X: add the account @${tweet.by} before its tweets`);
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
 * A tweet's timeline entry. `wrapped` puts the tweet under a TweetWithVisibilityResults result, as X
 * does for tweets with limited actions (x-cookie-api-realism.md "Timelines and search"); bird reads
 * only results with a top-level rest_id (twitter-client-utils.js collectTweetResultsFromEntry), so it
 * drops those.
 */
export function tweetEntry(t: FakeXTweet, accounts: AccountStore, wrapped = false) {
  return {
    entryId: `tweet-${t.id}`,
    sortIndex: t.id,
    content: {
      entryType: 'TimelineTimelineItem',
      __typename: 'TimelineTimelineItem',
      itemContent: {
        itemType: 'TimelineTweet',
        __typename: 'TimelineTweet',
        tweet_results: { result: tweetResult(t, accounts, wrapped) },
        tweetDisplayType: 'Tweet',
      },
    },
  };
}

export function tweetResult(t: FakeXTweet, accounts: AccountStore, wrapped: boolean) {
  const tweet = graphqlTweet(t, accounts.byScreenName(t.by)!, accounts);
  if (!wrapped) return tweet;
  return {
    __typename: 'TweetWithVisibilityResults',
    tweet,
    limitedActionResults: {
      limited_actions: [
        {
          action: 'Reply',
          prompt: {
            __typename: 'CtaLimitedActionPrompt',
            cta_type: 'SeeConversation',
            headline: { text: 'Who can reply?', entities: [] },
            subtext: { text: 'People the author mentioned can reply', entities: [] },
          },
        },
      ],
    },
  };
}

/** The GraphQL Tweet result; the author's full user object sits at core.user_results.result. */
export function graphqlTweet(t: FakeXTweet, author: FakeXAccount, accounts: AccountStore) {
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
