// Helpers for the strict-mode tests: requests shaped like bird 0.8.0's (current query id, bird's
// feature flags, the client bearer, cookies and csrf header), each part overridable.
import {
  searchTimelineFeatures,
  userByScreenNameFeatures,
  userTweetsFeatures,
} from './bird-features.ts';
import type { FakeX, FakeXOperation } from './types.ts';

export const birdFeaturesOf: Record<FakeXOperation, Record<string, boolean>> = {
  UserByScreenName: userByScreenNameFeatures,
  UserTweets: userTweetsFeatures,
  SearchTimeline: searchTimelineFeatures,
};

export interface Signed {
  authToken: string;
  ct0: string;
}

export const apiHeaders = (
  fakeX: FakeX,
  who: Signed,
  bearer = fakeX.bearer,
): Record<string, string> => ({
  authorization: `Bearer ${bearer}`,
  cookie: `auth_token=${who.authToken}; ct0=${who.ct0}`,
  'x-csrf-token': who.ct0,
});

export interface GraphqlOptions {
  queryId?: string;
  /** Default bird's; null sends none. */
  features?: Record<string, unknown> | null;
  bearer?: string;
}

/** A GraphQL request the way bird sends it: GET with variables and features in the URL; SearchTimeline a POST with features in the body. */
export async function graphql(
  fakeX: FakeX,
  who: Signed,
  operation: FakeXOperation,
  variables: Record<string, unknown>,
  opts: GraphqlOptions = {},
) {
  const queryId = opts.queryId ?? fakeX.queryIds[operation];
  const features = opts.features === undefined ? birdFeaturesOf[operation] : opts.features;
  const url = new URL(`/i/api/graphql/${queryId}/${operation}`, fakeX.url);
  url.searchParams.set('variables', JSON.stringify(variables));
  const headers = apiHeaders(fakeX, who, opts.bearer);
  let res: Response;
  if (operation === 'SearchTimeline') {
    const body = JSON.stringify({ ...(features ? { features } : {}), queryId });
    res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
  } else {
    if (features) url.searchParams.set('features', JSON.stringify(features));
    res = await fetch(url, { headers });
  }
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a text answer (404 "Query: Unspecified")
  }
  return { status: res.status, headers: res.headers, body };
}

export type Instruction = {
  type: string;
  entries?: Entry[];
  entry_id_to_replace?: string;
  entry?: Entry;
};
export type Entry = { entryId: string; sortIndex: string; content: any };

export const instructionsOf = (operation: FakeXOperation, body: any): Instruction[] =>
  operation === 'UserTweets'
    ? body.data.user.result.timeline.timeline.instructions
    : body.data.search_by_raw_query.search_timeline.timeline.instructions;

/** Reads a page the way a careful client does: tweets (unwrapped, ads skipped) and the Bottom cursor wherever it is. */
export function readPage(instructions: Instruction[]) {
  const entries = instructions.flatMap((i) => i.entries ?? (i.entry ? [i.entry] : []));
  const tweets = entries
    .filter((e) => e.content.itemContent && !e.content.itemContent.promotedMetadata)
    .map((e) => {
      const result = e.content.itemContent.tweet_results.result;
      return (result.__typename === 'TweetWithVisibilityResults' ? result.tweet : result)
        .rest_id as string;
    });
  const bottom = entries.find((e) => e.content.cursorType === 'Bottom')?.content.value as
    string | undefined;
  return { tweets, bottom };
}
