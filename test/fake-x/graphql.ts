import { graphqlUnavailableUser, graphqlUser, type AccountStore } from './accounts.ts';
import { emptyNotFound, json, type FakeReply } from './replies.ts';
import { timelineInstructions, type TweetStore } from './tweets.ts';

export interface GraphqlData {
  accounts: AccountStore;
  tweets: TweetStore;
}

/**
 * GraphQL routes, keyed on the operation name (the last path segment) and never on the query id:
 * clients take ids from caches and fallback lists, and X rotates them.
 */
export function answerGraphql(operation: string, url: URL, data: GraphqlData): FakeReply {
  const variables = readVariables(url);
  if (operation === 'UserByScreenName') return userByScreenName(variables, data);
  if (operation === 'UserTweets') return userTweets(variables, data);
  if (operation === 'SearchTimeline') return searchTimeline(variables, data);
  // X answers an operation it does not know (or a stale id) with an empty 404.
  return emptyNotFound();
}

function userByScreenName(variables: Record<string, unknown>, { accounts }: GraphqlData): FakeReply {
  const account = accounts.byScreenName(String(variables.screen_name ?? ''));
  if (!account) return json(200, { data: {} }); // what X returns for a handle nobody has
  if (account.suspended) return json(200, { data: { user: { result: graphqlUnavailableUser } } });
  return json(200, { data: { user: { result: graphqlUser(account) } } });
}

/** A profile's timeline (`timeline.timeline`, not `timeline_v2`), replies included. */
function userTweets(variables: Record<string, unknown>, { accounts, tweets }: GraphqlData): FakeReply {
  const account = accounts.byUserId(String(variables.userId ?? ''));
  if (!account) return json(200, { data: { user: {} } });
  if (account.suspended) return json(200, { data: { user: { result: graphqlUnavailableUser } } });
  const instructions = timelineInstructions(tweets.byAuthor(account.userId), variables, accounts);
  return json(200, {
    data: { user: { result: { __typename: 'User', timeline: { timeline: { instructions } } } } },
  });
}

/** Only the search bird's mentions make: rawQuery "@handle" (product Latest); anything else finds nothing. */
function searchTimeline(variables: Record<string, unknown>, { accounts, tweets }: GraphqlData): FakeReply {
  const handle = /^@([A-Za-z0-9_]{1,15})$/.exec(String(variables.rawQuery ?? '').trim())?.[1];
  const found = handle ? tweets.mentioning(handle) : [];
  const instructions = timelineInstructions(found, variables, accounts);
  return json(200, { data: { search_by_raw_query: { search_timeline: { timeline: { instructions } } } } });
}

export function readVariables(url: URL): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(url.searchParams.get('variables') ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
