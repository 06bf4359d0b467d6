import { randomInt } from 'node:crypto';
import type { AccountStore } from './accounts.ts';
import { decodeCursor, encodeCursor, type CursorPosition } from './cursors.ts';
import { promotedEntry } from './promoted.ts';
import { tweetEntry } from './tweets.ts';
import type { FakeXTweet } from './types.ts';

export interface TimelineContext {
  accounts: AccountStore;
  strict: boolean;
  /** The ad shown on every page (setPromoted), or null. */
  promoted: FakeXTweet | null;
}

export interface TimelinePage {
  instructions: unknown[];
  /** The tweets of the page (not the ad), for FakeXRequest.tweetIds. */
  tweetIds: string[];
}

/** One page of a timeline (UserTweets) or search (SearchTimeline); `tweets` newest first. */
export function timelinePage(
  tweets: FakeXTweet[],
  variables: Record<string, unknown>,
  ctx: TimelineContext,
): TimelinePage {
  return ctx.strict ? strictPage(tweets, variables, ctx) : kindPage(tweets, variables, ctx);
}

const pageSize = (variables: Record<string, unknown>) =>
  Math.max(1, Math.min(100, Number(variables.count ?? 20) || 20));

/**
 * The kind page: `count` tweets after the cursor, then a Top and a Bottom cursor entry, all in one
 * TimelineAddEntries. X sends a Bottom cursor on every page, also the last; past the end the page is
 * empty (clients stop there). Cursors ("bottom:<id>") carry the last id shown, so new tweets do not
 * shift pages, and past the end the same cursor comes back.
 */
function kindPage(
  tweets: FakeXTweet[],
  variables: Record<string, unknown>,
  ctx: TimelineContext,
): TimelinePage {
  const match =
    typeof variables.cursor === 'string' ? /^bottom:(\d+)$/.exec(variables.cursor) : null;
  const after = match ? BigInt(match[1]!) : null;
  const page = (after === null ? tweets : tweets.filter((t) => BigInt(t.id) < after)).slice(
    0,
    pageSize(variables),
  );
  const bottom = page.at(-1)?.id ?? (after === null ? '0' : String(after));
  const entries = withPromoted(
    page.map((t) => tweetEntry(t, ctx.accounts, t.wrapped === true)),
    ctx,
  );
  entries.push(kindCursorEntry('Top', `top:${page[0]?.id ?? bottom}`));
  entries.push(kindCursorEntry('Bottom', `bottom:${bottom}`));
  return {
    instructions: [{ type: 'TimelineClearCache' }, { type: 'TimelineAddEntries', entries }],
    tweetIds: page.map((t) => t.id),
  };
}

const kindCursorEntry = (cursorType: 'Top' | 'Bottom', value: string) => ({
  entryId: `cursor-${cursorType.toLowerCase()}-${value}`,
  sortIndex: '0',
  content: {
    entryType: 'TimelineTimelineCursor',
    __typename: 'TimelineTimelineCursor',
    value,
    cursorType,
  },
});

/**
 * X's page (x-cookie-api-realism.md "Timelines and search"). The first page (no cursor sent) has the
 * cursors as entries of TimelineAddEntries; from page 2 on, the tweets come in TimelineAddEntries
 * and each cursor in its own TimelineReplaceEntry (replacing the first page's cursor entries), which
 * bird does not read (twitter-client-utils.js extractCursorFromInstructions looks at `entries` only),
 * so bird's paging stops after page 2. Past the end pages are empty but still carry a new Bottom
 * cursor. Tweets whose id is a multiple of 3 come wrapped in TweetWithVisibilityResults unless the
 * tweet says otherwise (`wrapped`).
 */
function strictPage(
  tweets: FakeXTweet[],
  variables: Record<string, unknown>,
  ctx: TimelineContext,
): TimelinePage {
  const cursorSent = typeof variables.cursor === 'string' && variables.cursor !== '';
  // A cursor the fake did not make starts from the top, as if none had been sent.
  const at = cursorSent ? decodeCursor(variables.cursor) : null;
  const count = pageSize(variables);
  let page: FakeXTweet[];
  if (at?.direction === 'bottom')
    page = tweets.filter((t) => BigInt(t.id) < BigInt(at.bottom)).slice(0, count);
  else if (at?.direction === 'top')
    page = tweets.filter((t) => BigInt(t.id) > BigInt(at.top)).slice(0, count);
  else page = tweets.slice(0, count);

  const session = at?.session ?? String(1_900_000_000_000_000_000n + BigInt(randomInt(2 ** 47)));
  const next: Omit<CursorPosition, 'direction'> = {
    // Paging down, Top keeps pointing above the newest tweet seen; Bottom is below the page's last.
    top: at?.direction === 'bottom' ? at.top : (page[0]?.id ?? at?.top ?? '0'),
    bottom: page.at(-1)?.id ?? at?.bottom ?? '0',
    session,
    page: (at?.page ?? 0) + 1,
  };
  const top = strictCursorEntry('Top', encodeCursor({ ...next, direction: 'top' }), session);
  const bottom = strictCursorEntry(
    'Bottom',
    encodeCursor({ ...next, direction: 'bottom' }),
    session,
  );
  const entries = withPromoted(
    page.map((t) => tweetEntry(t, ctx.accounts, isWrapped(t))),
    ctx,
  );
  const tweetIds = page.map((t) => t.id);
  if (!cursorSent) {
    return {
      instructions: [
        { type: 'TimelineClearCache' },
        { type: 'TimelineAddEntries', entries: [...entries, top, bottom] },
      ],
      tweetIds,
    };
  }
  return {
    instructions: [
      { type: 'TimelineAddEntries', entries },
      { type: 'TimelineReplaceEntry', entry_id_to_replace: top.entryId, entry: top },
      { type: 'TimelineReplaceEntry', entry_id_to_replace: bottom.entryId, entry: bottom },
    ],
    tweetIds,
  };
}

export const isWrapped = (t: FakeXTweet) => t.wrapped ?? BigInt(t.id) % 3n === 0n;

/** The cursor entries keep their ids for a whole pagination: top at the session's sort index, bottom just below. */
function strictCursorEntry(cursorType: 'Top' | 'Bottom', value: string, session: string) {
  const sortIndex = cursorType === 'Top' ? session : String(BigInt(session) - 1n);
  return {
    entryId: `cursor-${cursorType.toLowerCase()}-${sortIndex}`,
    sortIndex,
    content: {
      entryType: 'TimelineTimelineCursor',
      __typename: 'TimelineTimelineCursor',
      value,
      cursorType,
    },
  };
}

/** The ad goes second (first on a page without tweets), on every page, as X interleaves them. */
function withPromoted(entries: unknown[], ctx: TimelineContext): unknown[] {
  if (!ctx.promoted) return entries;
  const first = entries[0] as { sortIndex: string } | undefined;
  const sortIndex = first ? String(BigInt(first.sortIndex) - 1n) : ctx.promoted.id;
  const ad = promotedEntry(
    ctx.promoted,
    ctx.accounts,
    sortIndex,
    ctx.strict ? isWrapped(ctx.promoted) : ctx.promoted.wrapped === true,
  );
  return [...entries.slice(0, 1), ad, ...entries.slice(1)];
}
