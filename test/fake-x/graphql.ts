import {
  graphqlProtectedUser,
  graphqlUnavailableUser,
  graphqlUser,
  type AccountStore,
} from './accounts.ts';
import { emptyNotFound, json, type FakeReply } from './replies.ts';
import { parseSearch, searchTweets } from './search.ts';
import { timelinePage } from './timeline.ts';
import type { TweetStore } from './tweets.ts';
import type { FakeXAccount, FakeXTweet } from './types.ts';

export interface GraphqlData {
  accounts: AccountStore;
  tweets: TweetStore;
  strict: boolean;
  promoted: FakeXTweet | null;
  /** The signed-in account (a protected profile is visible to itself). */
  viewer: FakeXAccount;
}

/**
 * GraphQL routes, keyed on the operation name (the last path segment). The query id is checked
 * before (answer.ts, strict mode only): the kind mode takes any id, as clients take them from caches
 * and fallback lists.
 */
export function answerGraphql(
  operation: string,
  variables: Record<string, unknown>,
  data: GraphqlData,
): FakeReply {
  if (operation === 'UserByScreenName') return userByScreenName(variables, data);
  if (operation === 'UserTweets') return userTweets(variables, data);
  if (operation === 'SearchTimeline') return searchTimeline(variables, data);
  // X answers an operation it does not know (or a stale id) with an empty 404.
  return emptyNotFound();
}

// X's answer about a protected profile to someone who may not see it: partial data beside an error
// (x-cookie-api-realism.md, error table: "200 with errors[] beside partial data, code 37/63"). The
// wording after "access control:" is the fake's own.
const deniedToProtected = {
  message: 'Authorization: Denied by access control: Missing ProtectedUserViewable',
  code: 37,
  kind: 'Permissions',
  path: ['user', 'result', 'legacy'],
};
const isHiddenFrom = (account: FakeXAccount, viewer: FakeXAccount) =>
  account.protected === true && account.userId !== viewer.userId;

function userByScreenName(
  variables: Record<string, unknown>,
  { accounts, viewer }: GraphqlData,
): FakeReply {
  const account = accounts.byScreenName(String(variables.screen_name ?? ''));
  if (!account) return json(200, { data: {} }); // what X returns for a handle nobody has
  if (account.partialErrors) {
    return json(200, {
      data: { user: {} },
      errors: [{ message: 'User has been suspended.', code: 63, kind: 'NonFatal' }],
    });
  }
  if (account.suspended) return json(200, { data: { user: { result: graphqlUnavailableUser } } });
  if (isHiddenFrom(account, viewer)) {
    return json(200, {
      data: { user: { result: graphqlProtectedUser(account) } },
      errors: [deniedToProtected],
    });
  }
  return json(200, { data: { user: { result: graphqlUser(account) } } });
}

/**
 * A profile's timeline (`timeline.timeline`, not `timeline_v2`). Strict mode leaves out the author's
 * replies to others, as X's UserTweets does (they are in UserTweetsAndReplies; the-convocation/
 * twitter-scraper#41, d60/twikit#317); replies to themselves (threads) stay.
 */
function userTweets(variables: Record<string, unknown>, data: GraphqlData): FakeReply {
  const { accounts, tweets, strict, viewer } = data;
  const account = accounts.byUserId(String(variables.userId ?? ''));
  if (!account) return json(200, { data: { user: {} } });
  if (account.suspended) return json(200, { data: { user: { result: graphqlUnavailableUser } } });
  if (isHiddenFrom(account, viewer)) {
    const result = { __typename: 'User', timeline: { timeline: { instructions: [] } } };
    return json(200, {
      data: { user: { result } },
      errors: [{ ...deniedToProtected, path: ['user', 'result', 'timeline'] }],
    });
  }
  let shown = tweets.byAuthor(account.userId);
  if (strict)
    shown = shown.filter((t) => !t.inReplyTo || repliedToUserId(t, accounts) === account.userId);
  const page = timelinePage(shown, variables, data);
  return {
    ...json(200, {
      data: {
        user: {
          result: {
            __typename: 'User',
            timeline: { timeline: { instructions: page.instructions } },
          },
        },
      },
    }),
    served: { tweetIds: page.tweetIds },
  };
}

const repliedToUserId = (t: FakeXTweet, accounts: AccountStore) =>
  t.inReplyTo?.userId ?? accounts.byScreenName(t.inReplyTo?.screenName ?? '')?.userId;

/** The searches of search.ts (bird: POST, product Latest); anything else finds nothing. */
function searchTimeline(variables: Record<string, unknown>, data: GraphqlData): FakeReply {
  const search = parseSearch(variables.rawQuery);
  const page = timelinePage(searchTweets(search, data.tweets, data.accounts), variables, data);
  return {
    ...json(200, {
      data: {
        search_by_raw_query: { search_timeline: { timeline: { instructions: page.instructions } } },
      },
    }),
    served: { search, tweetIds: page.tweetIds },
  };
}

/** The `variables` of a GraphQL request: the URL's (bird, also on POST), else the JSON body's. */
export function readVariables(url: URL, body?: unknown): Record<string, unknown> {
  const fromUrl = parseObject(url.searchParams.get('variables'));
  if (fromUrl) return fromUrl;
  const fromBody = (body as { variables?: unknown } | undefined)?.variables;
  return fromBody && typeof fromBody === 'object' && !Array.isArray(fromBody)
    ? (fromBody as Record<string, unknown>)
    : {};
}

/** The `features` a GraphQL request sent: a POST's JSON body (bird's SearchTimeline), else the URL's. */
export function readFeatures(url: URL, body?: unknown): unknown {
  const fromBody = (body as { features?: unknown } | undefined)?.features;
  if (fromBody !== undefined) return fromBody;
  return parseObject(url.searchParams.get('features'));
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
