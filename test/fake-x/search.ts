import type { AccountStore } from './accounts.ts';
import type { TweetStore } from './tweets.ts';
import type { FakeXSearch, FakeXTweet } from './types.ts';

/**
 * The SearchTimeline queries the fake understands, in X's search syntax: `@handle` (mentions, what
 * bird's `mentions` asks), `from:<handle>` (everything the author posted), `from:<handle>
 * filter:replies` (only their replies, to anyone: how replies are found, since UserTweets leaves them
 * out; the-convocation/twitter-scraper#41, d60/twikit#317) and `from:<handle> -filter:replies` (bird's
 * own live tests' query), each optionally with `since_id:<n>` (newer than n) and `max_id:<n>` (n or
 * older). Anything else is `unsupported` and finds nothing.
 */
export function parseSearch(rawQuery: unknown): FakeXSearch {
  const tokens = String(rawQuery ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const search: FakeXSearch = { form: 'unsupported' };
  let subject: 'mentions' | 'from' | null = null;
  let filter: 'replies' | 'no_replies' | null = null;
  for (const token of tokens) {
    let m: RegExpExecArray | null;
    if (subject === null && (m = /^@([A-Za-z0-9_]{1,15})$/.exec(token)))
      [subject, search.handle] = ['mentions', m[1]!];
    else if (subject === null && (m = /^from:@?([A-Za-z0-9_]{1,15})$/i.exec(token)))
      [subject, search.handle] = ['from', m[1]!];
    else if (filter === null && /^filter:replies$/i.test(token)) filter = 'replies';
    else if (filter === null && /^-filter:replies$/i.test(token)) filter = 'no_replies';
    else if (search.sinceId === undefined && (m = /^since_id:(\d+)$/i.exec(token)))
      search.sinceId = m[1]!;
    else if (search.maxId === undefined && (m = /^max_id:(\d+)$/i.exec(token)))
      search.maxId = m[1]!;
    else return { form: 'unsupported' };
  }
  if (subject === 'mentions' && filter === null) search.form = 'mentions';
  else if (subject === 'from')
    search.form =
      filter === 'replies' ? 'from_replies' : filter === 'no_replies' ? 'from_no_replies' : 'from';
  else return { form: 'unsupported' };
  return search;
}

/** The tweets a parsed query finds, newest first. */
export function searchTweets(
  search: FakeXSearch,
  tweets: TweetStore,
  accounts: AccountStore,
): FakeXTweet[] {
  if (search.form === 'unsupported' || !search.handle) return [];
  let found: FakeXTweet[];
  if (search.form === 'mentions') found = tweets.mentioning(search.handle);
  else {
    const author = accounts.byScreenName(search.handle);
    found = author ? tweets.byAuthor(author.userId) : [];
    if (search.form === 'from_replies') found = found.filter((t) => t.inReplyTo);
    if (search.form === 'from_no_replies') found = found.filter((t) => !t.inReplyTo);
  }
  const since = search.sinceId === undefined ? null : BigInt(search.sinceId);
  const max = search.maxId === undefined ? null : BigInt(search.maxId);
  return found.filter(
    (t) => (since === null || BigInt(t.id) > since) && (max === null || BigInt(t.id) <= max),
  );
}
