import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';

const me = {
  authToken: 'tl-auth',
  ct0: 'tl-ct0',
  userId: '100',
  screenName: 'me_test',
  name: 'Me',
};
const alice = { userId: '101', screenName: 'alice', name: 'Alice', bio: 'hi' };
const quiet = { userId: '102', screenName: 'quiet', name: 'Never Tweets', bio: 'lurker' };
const gone = { userId: '103', screenName: 'gone', name: 'Gone', suspended: true };
const headers = { cookie: `auth_token=${me.authToken}; ct0=${me.ct0}`, 'x-csrf-token': me.ct0 };

let fakeX: FakeX;
const graphql = async (operation: string, variables: Record<string, unknown>, method = 'GET') => {
  const query = `variables=${encodeURIComponent(JSON.stringify(variables))}`;
  const res = await fetch(`${fakeX.url}/i/api/graphql/anyId/${operation}?${query}`, {
    method,
    headers,
  });
  return { status: res.status, body: res.status === 200 ? await res.json() : null };
};
type Entry = {
  content: {
    cursorType?: string;
    value?: string;
    itemContent?: { tweet_results: { result: Tweet } };
  };
};
type Tweet = {
  rest_id: string;
  legacy: Record<string, string>;
  core: { user_results: { result: { rest_id: string } } };
};
const entriesOf = (instructions: { type: string; entries?: Entry[] }[]) =>
  instructions.find((i) => i.type === 'TimelineAddEntries')!.entries!;
const page = (entries: Entry[]) => ({
  ids: entries.flatMap((e) =>
    e.content.itemContent ? [e.content.itemContent.tweet_results.result.rest_id] : [],
  ),
  bottom: entries.find((e) => e.content.cursorType === 'Bottom')?.content.value,
});
const userTweets = async (variables: Record<string, unknown>) =>
  page(
    entriesOf(
      (await graphql('UserTweets', variables)).body.data.user.result.timeline.timeline.instructions,
    ),
  );
const search = async (variables: Record<string, unknown>) =>
  page(
    entriesOf(
      (await graphql('SearchTimeline', { product: 'Latest', ...variables }, 'POST')).body.data
        .search_by_raw_query.search_timeline.timeline.instructions,
    ),
  );

beforeEach(async () => {
  fakeX ??= await startFakeX({ strict: false });
  fakeX.reset();
  for (const account of [me, alice, quiet, gone]) fakeX.addAccount(account);
  fakeX.addTweets([
    ...Array.from({ length: 25 }, (_, i) => ({
      id: String(1000 + i),
      by: 'alice',
      text: `alice ${i}`,
    })),
    { id: '2000', by: 'alice', text: 'hey @Me_Test look' },
    { id: '2001', by: 'alice', text: '@me_testing is someone else' },
    {
      id: '2002',
      by: 'me_test',
      text: '@alice thanks!',
      inReplyTo: { id: '2000', screenName: 'alice' },
    },
  ]);
});
afterAll(() => fakeX?.close());

describe('fake X timelines', () => {
  it('pages UserTweets newest first with a Bottom cursor on every page and an empty page at the end', async () => {
    const first = await userTweets({ userId: '101', count: 20 });
    expect(first.ids).toHaveLength(20);
    expect(first.ids.slice(0, 2)).toEqual(['2001', '2000']);
    const second = await userTweets({ userId: '101', count: 20, cursor: first.bottom });
    expect(second.ids).toEqual(['1006', '1005', '1004', '1003', '1002', '1001', '1000']);
    const end = await userTweets({ userId: '101', count: 20, cursor: second.bottom });
    expect(end).toEqual({ ids: [], bottom: second.bottom });
    expect(fakeX.requests.map((r) => r.variables.cursor)).toEqual([
      undefined,
      first.bottom,
      second.bottom,
    ]);
  });

  it('serves replies with who was replied to, and nothing for an account that never tweeted', async () => {
    const { body } = await graphql('UserTweets', { userId: '100', count: 20 });
    const [reply] = entriesOf(body.data.user.result.timeline.timeline.instructions);
    expect(reply!.content.itemContent!.tweet_results.result.legacy).toMatchObject({
      in_reply_to_status_id_str: '2000',
      in_reply_to_user_id_str: '101',
      in_reply_to_screen_name: 'alice',
    });
    expect((await userTweets({ userId: '102' })).ids).toEqual([]);
    expect((await graphql('UserTweets', { userId: '103' })).body.data.user.result.__typename).toBe(
      'UserUnavailable',
    );
    expect((await graphql('UserTweets', { userId: '999' })).body).toEqual({ data: { user: {} } });
  });

  it('finds mentions of @handle (case-insensitive, whole handle) with SearchTimeline', async () => {
    expect((await search({ rawQuery: '@me_test', count: 20 })).ids).toEqual(['2000']);
    expect((await search({ rawQuery: '@alice', count: 1 })).ids).toEqual(['2002']);
    // Free text is not one of the searches the fake understands (search.ts); from: is (strict.test.ts).
    expect((await search({ rawQuery: 'alice thanks', count: 20 })).ids).toEqual([]);
  });

  it('starts a mode after a number of normal answers', async () => {
    fakeX.setMode('expired', { afterRequests: 1 });
    expect((await graphql('UserTweets', { userId: '101' })).status).toBe(200);
    expect((await graphql('UserTweets', { userId: '101' })).status).toBe(401);
    expect(fakeX.requests.map((r) => r.status)).toEqual([200, 401]);
  });

  it('answers a profile lookup for an account without cookies, and refuses it to sign in', async () => {
    const { body } = await graphql('UserByScreenName', { screen_name: 'QUIET' });
    expect(body.data.user.result).toMatchObject({
      rest_id: '102',
      legacy: { description: 'lurker' },
    });
    const res = await fetch(`${fakeX.url}/i/api/account/settings.json`, {
      headers: { cookie: 'auth_token=undefined; ct0=x', 'x-csrf-token': 'x' },
    });
    expect(res.status).toBe(401);
  });
});
