// Strict mode's timelines and search: X's paging, visibility wrappers, ads, UserTweets without
// replies, the search operators — and what they do to the real bird.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { birdClient } from './bird-support.ts';
import { startFakeX, type FakeX, type FakeXTweet } from './index.ts';
import {
  graphql,
  instructionsOf,
  readPage,
  type Entry,
  type Instruction,
} from './strict-support.ts';

const me = {
  authToken: 'st-auth',
  ct0: 'st-ct0',
  userId: '500',
  screenName: 'strict_me',
  name: 'Me',
};
const alice = { userId: '501', screenName: 'alice', name: 'Alice' };
const brand = { userId: '502', screenName: 'brand', name: 'Brand' };
// 100 mentions, ids 1000..1099 (ids that are multiples of 3 come wrapped).
const mentions: FakeXTweet[] = Array.from({ length: 100 }, (_, i) => ({
  id: String(1000 + i),
  by: 'alice',
  text: `@strict_me ${i}`,
}));

// A fresh fake per test: reset() keeps tweets, and these tests add their own.
let fakeX: FakeX;
beforeEach(async () => {
  fakeX = await startFakeX({ strict: true });
  for (const account of [me, alice, brand]) fakeX.addAccount(account);
  fakeX.addTweets(mentions);
});
afterEach(() => fakeX.close());

const searchPage = async (variables: Record<string, unknown>) =>
  instructionsOf(
    'SearchTimeline',
    (await graphql(fakeX, me, 'SearchTimeline', { count: 20, product: 'Latest', ...variables }))
      .body,
  );
const userTweetsPage = async (variables: Record<string, unknown>) =>
  instructionsOf(
    'UserTweets',
    (await graphql(fakeX, me, 'UserTweets', { count: 20, ...variables })).body,
  );
const newestFirst = (from: number, to: number) =>
  Array.from({ length: from - to + 1 }, (_, i) => String(from - i));
const cursorsOf = (entries: Entry[]) =>
  entries.filter((e) => e.content.entryType === 'TimelineTimelineCursor');

describe('strict fake X: paging', () => {
  it('puts the cursors of page 1 in TimelineAddEntries and from page 2 on in TimelineReplaceEntry', async () => {
    const first = await searchPage({ rawQuery: '@strict_me' });
    expect(first.map((i) => i.type)).toEqual(['TimelineClearCache', 'TimelineAddEntries']);
    const entries = first[1]!.entries!;
    expect(entries).toHaveLength(22);
    const [top, bottom] = cursorsOf(entries);
    expect(top!.entryId).toMatch(/^cursor-top-\d+$/);
    expect(bottom!.entryId).toMatch(/^cursor-bottom-\d+$/);
    expect(bottom!.content).toMatchObject({
      entryType: 'TimelineTimelineCursor',
      __typename: 'TimelineTimelineCursor',
      cursorType: 'Bottom',
    });
    // Opaque, like X's DAAC… strings.
    expect(bottom!.content.value).toMatch(/^DAA[A-Za-z0-9_-]+$/);
    expect(bottom!.content.value).not.toContain('1080');

    const second = await searchPage({ rawQuery: '@strict_me', cursor: bottom!.content.value });
    expect(second.map((i) => i.type)).toEqual([
      'TimelineAddEntries',
      'TimelineReplaceEntry',
      'TimelineReplaceEntry',
    ]);
    expect(cursorsOf(second[0]!.entries!)).toEqual([]);
    const replaced = second.slice(1) as Instruction[];
    expect(replaced.map((i) => i.entry_id_to_replace)).toEqual([top!.entryId, bottom!.entryId]);
    expect(replaced[1]!.entry).toMatchObject({
      entryId: bottom!.entryId,
      content: {
        entryType: 'TimelineTimelineCursor',
        __typename: 'TimelineTimelineCursor',
        cursorType: 'Bottom',
      },
    });
    expect(readPage(second).tweets).toEqual(newestFirst(1079, 1060));
  });

  it('serves empty pages past the end, each with a new Bottom cursor, so only an empty page ends a walk', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const cursors = new Set<string>();
    for (let page = 0; page < 8; page++) {
      const { tweets, bottom } = readPage(
        await searchPage({ rawQuery: '@strict_me', ...(cursor ? { cursor } : {}) }),
      );
      expect(bottom).toBeDefined();
      cursors.add(bottom!);
      seen.push(...tweets);
      cursor = bottom;
    }
    expect(seen).toEqual(newestFirst(1099, 1000)); // a careful client reads every tweet, wrapped ones too
    expect(cursors.size).toBe(8);
    expect(fakeX.requests.at(-1)!.tweetIds).toEqual([]);
  });

  it('makes bird’s own search stop after two pages (40 of 100 mentions, minus the wrapped ones)', async () => {
    const bird = birdClient(fakeX, me);
    const result = await bird.getAllSearchResults('@strict_me');
    expect(result.success).toBe(true);
    const ids = result.tweets!.map((t) => t.id);
    // Page 2's Bottom cursor is in a TimelineReplaceEntry, which bird does not read; wrapped tweets it drops.
    expect(ids).toEqual(newestFirst(1099, 1060).filter((id) => BigInt(id) % 3n !== 0n));
    expect(fakeX.requests.filter((r) => r.operation === 'SearchTimeline')).toHaveLength(2);
  });

  it('pages UserTweets the same way, and bird’s UserTweets also stops after page 2', async () => {
    const first = readPage(await userTweetsPage({ userId: '501' }));
    expect(first.tweets).toEqual(newestFirst(1099, 1080));
    const second = await userTweetsPage({ userId: '501', cursor: first.bottom });
    expect(second.map((i) => i.type)).toEqual([
      'TimelineAddEntries',
      'TimelineReplaceEntry',
      'TimelineReplaceEntry',
    ]);
    fakeX.requests.length = 0;
    const bird = birdClient(fakeX, me);
    const result = await bird.getUserTweetsPaged('501', 100, { pageDelayMs: 0 });
    expect(result.tweets).toHaveLength(40 - 13); // 13 of 1060..1099 are multiples of 3
    expect(fakeX.requests.map((r) => r.operation)).toEqual(['UserTweets', 'UserTweets']);
  });

  it('wraps tweets whose id is a multiple of 3 in TweetWithVisibilityResults, unless a tweet says otherwise', async () => {
    fakeX.addTweets([
      { id: '2001', by: 'alice', text: '@strict_me forced', wrapped: true },
      { id: '2000', by: 'alice', text: '@strict_me not 3n' },
      { id: '1998', by: 'alice', text: '@strict_me 3n but not wrapped', wrapped: false },
      { id: '1997', by: 'alice', text: '@strict_me not 3n' },
    ]);
    const entries = (await searchPage({ rawQuery: '@strict_me', count: 6 }))[1]!.entries!;
    const results = entries
      .filter((e) => e.content.itemContent)
      .map((e) => e.content.itemContent.tweet_results.result);
    expect(results.map((r) => r.__typename)).toEqual([
      'TweetWithVisibilityResults',
      'Tweet',
      'Tweet',
      'Tweet',
      'Tweet',
      'TweetWithVisibilityResults',
    ]);
    expect(results[0]).toMatchObject({
      __typename: 'TweetWithVisibilityResults',
      tweet: { __typename: 'Tweet', rest_id: '2001', legacy: { full_text: '@strict_me forced' } },
      limitedActionResults: { limited_actions: [{ action: 'Reply', prompt: expect.any(Object) }] },
    });
    expect(results[0].rest_id).toBeUndefined();
    expect(results[5].tweet.rest_id).toBe('1098');

    // Not strict: only a tweet that asks for it is wrapped.
    const kind = await startFakeX({ strict: false });
    try {
      for (const account of [me, alice]) kind.addAccount(account);
      kind.addTweets([
        { id: '3', by: 'alice', text: 'x' },
        { id: '4', by: 'alice', text: 'y', wrapped: true },
      ]);
      const res = await fetch(
        new URL(
          `/i/api/graphql/any/UserTweets?variables=${encodeURIComponent('{"userId":"501"}')}`,
          kind.url,
        ),
        {
          headers: { cookie: `auth_token=${me.authToken}; ct0=${me.ct0}`, 'x-csrf-token': me.ct0 },
        },
      );
      const page = instructionsOf('UserTweets', await res.json())[1]!.entries!;
      expect(
        page.slice(0, 2).map((e) => e.content.itemContent.tweet_results.result.__typename),
      ).toEqual(['TweetWithVisibilityResults', 'Tweet']);
    } finally {
      await kind.close();
    }
  });

  it('shows an ad second on every page, which bird takes for a result', async () => {
    fakeX.setPromoted({
      id: '9999999999999999999',
      by: 'brand',
      text: 'Buy things',
      wrapped: false,
    });
    const first = (await searchPage({ rawQuery: '@strict_me', count: 3 }))[1]!.entries!;
    const ad = first[1]!;
    expect(ad.entryId).toMatch(/^promoted-tweet-9999999999999999999-[0-9a-f]{16}$/);
    expect(ad.content.itemContent).toMatchObject({
      tweet_results: {
        result: {
          rest_id: '9999999999999999999',
          core: { user_results: { result: { rest_id: '502' } } },
        },
      },
      promotedMetadata: {
        advertiser_results: { result: { rest_id: '502' } },
        disclosureType: 'NoDisclosure',
        impressionId: expect.any(String),
      },
    });
    expect(readPage([{ type: 'TimelineAddEntries', entries: first }]).tweets).toEqual([
      '1099',
      '1098',
      '1097',
    ]);
    expect(fakeX.requests.at(-1)!.tweetIds).toEqual(['1099', '1098', '1097']);

    const userTweets = (await userTweetsPage({ userId: '501' }))[1]!.entries!;
    expect(userTweets[1]!.entryId).toMatch(/^promoted-tweet-/);
    const bird = birdClient(fakeX, me);
    const found = await bird.search('@strict_me', 5);
    expect(found.tweets!.map((t) => t.id)).toContain('9999999999999999999');
    fakeX.setPromoted(null);
    expect(
      (await searchPage({ rawQuery: '@strict_me', count: 3 }))[1]!.entries!.some((e) =>
        e.entryId.startsWith('promoted-'),
      ),
    ).toBe(false);
    expect(() => fakeX.setPromoted({ id: '1', by: 'nobody', text: 'x' })).toThrow(/advertiser/);
  });
});

describe('fake X without strict: ads and search operators too', () => {
  it('shows the ad and understands from: filter:replies, with kind cursors', async () => {
    const kind = await startFakeX({ strict: false });
    try {
      for (const account of [me, alice, brand]) kind.addAccount(account);
      kind.addTweets([
        { id: '10', by: 'alice', text: 'hi' },
        {
          id: '11',
          by: 'alice',
          text: '@strict_me yes',
          inReplyTo: { id: '9', screenName: 'strict_me' },
        },
      ]);
      kind.setPromoted({ id: '99', by: 'brand', text: 'ad' });
      const variables = encodeURIComponent(
        JSON.stringify({ rawQuery: 'from:alice filter:replies', count: 20 }),
      );
      const res = await fetch(
        new URL(`/i/api/graphql/any/SearchTimeline?variables=${variables}`, kind.url),
        {
          method: 'POST',
          headers: { cookie: `auth_token=${me.authToken}; ct0=${me.ct0}`, 'x-csrf-token': me.ct0 },
        },
      );
      const entries = instructionsOf('SearchTimeline', await res.json())[1]!.entries!;
      expect(entries.map((e) => e.entryId.replace(/-[0-9a-f]{16}$/, ''))).toEqual([
        'tweet-11',
        'promoted-tweet-99',
        'cursor-top-top:11',
        'cursor-bottom-bottom:11',
      ]);
      expect(kind.requests.at(-1)).toMatchObject({
        search: { form: 'from_replies', handle: 'alice' },
        tweetIds: ['11'],
      });
    } finally {
      await kind.close();
    }
  });
});

describe('strict fake X: what UserTweets and search show', () => {
  beforeEach(() => {
    fakeX.addTweets([
      { id: '3000', by: 'strict_me', text: 'a thread' },
      {
        id: '3001',
        by: 'strict_me',
        text: 'the thread goes on',
        inReplyTo: { id: '3000', screenName: 'strict_me' },
      },
      {
        id: '3002',
        by: 'strict_me',
        text: '@alice I agree',
        inReplyTo: { id: '1050', screenName: 'alice' },
      },
      { id: '3003', by: 'strict_me', text: 'hello @alice' },
    ]);
  });
  const ownIds = async (variables: Record<string, unknown>) =>
    readPage(await searchPage(variables)).tweets;

  it('leaves the author’s replies to others out of UserTweets, keeps their thread', async () => {
    expect(readPage(await userTweetsPage({ userId: '500' })).tweets).toEqual([
      '3003',
      '3001',
      '3000',
    ]);
    const bird = birdClient(fakeX, me);
    expect((await bird.getUserTweets('500', 20)).tweets!.map((t) => t.id)).not.toContain('3002');
  });

  it('finds replies with from:<handle> filter:replies, and understands -filter:replies, since_id and max_id', async () => {
    expect(await ownIds({ rawQuery: 'from:strict_me filter:replies' })).toEqual(['3002', '3001']);
    expect(fakeX.requests.at(-1)!.search).toEqual({ form: 'from_replies', handle: 'strict_me' });
    expect(await ownIds({ rawQuery: 'from:strict_me -filter:replies' })).toEqual(['3003', '3000']);
    expect(await ownIds({ rawQuery: 'from:strict_me' })).toEqual(['3003', '3002', '3001', '3000']);
    expect(await ownIds({ rawQuery: 'from:strict_me since_id:3000 max_id:3002' })).toEqual([
      '3002',
      '3001',
    ]);
    expect(fakeX.requests.at(-1)!.search).toEqual({
      form: 'from',
      handle: 'strict_me',
      sinceId: '3000',
      maxId: '3002',
    });
    expect(await ownIds({ rawQuery: '@alice since_id:3002' })).toEqual(['3003']);
    expect(await ownIds({ rawQuery: 'from:strict_me OR @alice' })).toEqual([]);
    expect(fakeX.requests.at(-1)!.search).toEqual({ form: 'unsupported' });

    const bird = birdClient(fakeX, me);
    const replies = await bird.search('from:strict_me filter:replies', 20);
    expect(replies.tweets!.map((t) => [t.id, t.inReplyToStatusId])).toEqual([
      ['3002', '1050'],
      ['3001', '3000'],
    ]);
  });
});
