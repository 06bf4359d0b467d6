import { randomBytes } from 'node:crypto';
import { graphqlUser, type AccountStore } from './accounts.ts';
import { tweetEntry } from './tweets.ts';
import type { FakeXTweet } from './types.ts';

/**
 * A promoted tweet (an ad) as X puts it into timelines and search results: entry id
 * `promoted-tweet-<id>-<16 hex>`, and `promotedMetadata` beside the tweet (x-cookie-api-realism.md
 * "Timelines and search"). bird reads it as an ordinary tweet (collectTweetResultsFromEntry only
 * looks for tweet_results), so a client has to skip it itself. The ad need not match the query.
 */
export function promotedEntry(
  t: FakeXTweet,
  accounts: AccountStore,
  sortIndex: string,
  wrapped: boolean,
) {
  const advertiser = accounts.byScreenName(t.by)!;
  const impressionId = randomBytes(8).toString('hex');
  const entry = tweetEntry(t, accounts, wrapped);
  return {
    ...entry,
    entryId: `promoted-tweet-${t.id}-${randomBytes(8).toString('hex')}`,
    sortIndex,
    content: {
      ...entry.content,
      itemContent: {
        ...entry.content.itemContent,
        promotedMetadata: {
          advertiser_results: { result: graphqlUser(advertiser) },
          disclosureType: 'NoDisclosure',
          experimentValues: [],
          impressionId,
          impressionString: impressionId,
          clickTrackingInfo: { urlParams: [] },
        },
      },
    },
  };
}
