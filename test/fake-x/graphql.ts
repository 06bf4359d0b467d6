import { graphqlUnavailableUser, graphqlUser, type AccountStore } from './accounts.ts';
import { emptyNotFound, json, type FakeReply } from './replies.ts';

/**
 * GraphQL routes, keyed on the operation name (the last path segment) and never on the query id:
 * clients take ids from caches and fallback lists, and X rotates them.
 */
export function answerGraphql(operation: string, url: URL, accounts: AccountStore): FakeReply {
  if (operation === 'UserByScreenName') return userByScreenName(url, accounts);
  // X answers an operation it does not know (or a stale id) with an empty 404.
  return emptyNotFound();
}

function userByScreenName(url: URL, accounts: AccountStore): FakeReply {
  const screenName = String(readVariables(url).screen_name ?? '');
  const account = accounts.byScreenName(screenName);
  if (!account) return json(200, { data: {} }); // what X returns for a handle nobody has
  if (account.suspended) return json(200, { data: { user: { result: graphqlUnavailableUser } } });
  return json(200, { data: { user: { result: graphqlUser(account) } } });
}

function readVariables(url: URL): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(url.searchParams.get('variables') ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
