/**
 * Recent tweets and events, on demand (issue 3, sync 4). Opening a contact asks for its X account's recent
 * tweets: a fetch less than 12 hours old is answered from PostgreSQL, shared by every request and every Perch
 * user; otherwise a fetch is queued (one per X account at a time) and the page polls. Each new tweet is
 * classified once; events with enough confidence go on the contact's timeline, once (unique user + kind + X id).
 */
import { describeConnection, type DetectedEvent, type RecentTweets } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ContactRow, ContactsService } from '../contacts/contacts.service.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import { tweetUrl } from '../x-web/x-read.ts';
import type { XFailure, XTweet } from '../x-web/x-types.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';
import { failureSentence, utcTime, type SyncSessions } from '../x-sync/x-sync.sessions.ts';
import type { CacheRow, RecentTweetQueries } from './recent-tweets.queries.ts';
import type { CachedTweet } from './recent-tweets.table.ts';
import { eventConfidenceThreshold, type TweetClassifier } from './tweet-classifier.ts';

/** How long a fetch is good for. */
export const recentTweetsTtlMs = 12 * 60 * 60_000;
// One page of X's; the page shows what a glance needs.
const tweetLimit = 20;
// A fetch asked for this long ago that never finished was lost (a process stopped): ask again.
const lostFetchMs = 2 * 60_000;
// A failed fetch is shown as failed this long before opening the page asks X again.
const retryFailedAfterMs = 2 * 60_000;

/** One on-demand fetch: whose page asked, for which contact. */
export interface RecentTweetsJob {
  userId: string;
  contactId: string;
}

export interface RecentTweetsDeps {
  recentTweetQueries: RecentTweetQueries;
  sessions: SyncSessions;
  xConnection: XConnectionService;
  contacts: ContactsService;
  interactions: InteractionsService;
  classifier: TweetClassifier;
  logger: Logger;
  now: () => Date;
  /** Hands a fetch to the job queue; `key` names the X account, so one fetch per account runs at a time. */
  sendFetch: (job: RecentTweetsJob, key: string) => Promise<unknown>;
}

export type RecentTweetsService = ReturnType<typeof createRecentTweetsService>;

const accountKey = (contact: ContactRow) =>
  contact.xUserId ? `x:${contact.xUserId}` : `handle:${contact.xHandle!.toLowerCase()}`;
const isEvent = (tweet: CachedTweet) =>
  tweet.verdict !== null &&
  tweet.verdict.eventClass !== 'none' &&
  tweet.verdict.confidence >= eventConfidenceThreshold;

function answer(
  status: RecentTweets['status'],
  cache: CacheRow | null,
  message: string | null = null,
): RecentTweets {
  const tweets = cache?.tweets ?? [];
  return {
    status,
    fetchedAt: cache?.fetchedAt.toISOString() ?? null,
    tweets: tweets.map(({ verdict: _verdict, ...tweet }) => tweet),
    events: tweets.filter(isEvent).map((t): DetectedEvent => ({
      tweetId: t.id,
      eventClass: t.verdict!.eventClass as DetectedEvent['eventClass'],
      confidence: t.verdict!.confidence,
      url: t.url,
      text: t.text,
      occurredAt: t.createdAt,
    })),
    message,
  };
}

export function createRecentTweetsService({
  recentTweetQueries: queries,
  sessions,
  xConnection,
  contacts,
  interactions,
  classifier,
  logger,
  now,
  sendFetch,
}: RecentTweetsDeps) {
  const log = logger.child({ provider: 'x', module: 'recent-tweets' });
  const isFresh = (cache: CacheRow) =>
    now().getTime() - cache.fetchedAt.getTime() < recentTweetsTtlMs;

  /** Puts the detected events on the contact's timeline; idempotent, so every answer may call it. */
  async function putEventsOnTimeline(userId: string, contactId: string, tweets: CachedTweet[]) {
    let added = 0;
    for (const tweet of tweets.filter(isEvent)) {
      const { inserted } = await interactions.record(userId, {
        contactId,
        kind: 'event',
        direction: 'event',
        xId: tweet.id,
        occurredAt: tweet.createdAt ? new Date(tweet.createdAt) : now(),
        text: tweet.text,
        data: {
          eventClass: tweet.verdict!.eventClass,
          confidence: tweet.verdict!.confidence,
          url: tweet.url,
        },
      });
      if (inserted) added++;
    }
    return added;
  }

  /** Classifies the tweets this classifier has not classified before; retweets are someone else's news. */
  async function classify(
    tweets: XTweet[],
    previous: CachedTweet[],
  ): Promise<{ tweets: CachedTweet[]; asked: number }> {
    const known = new Map(
      previous
        .filter((t) => t.verdict?.classifier === classifier.name)
        .map((t) => [t.id, t.verdict!]),
    );
    const ask = tweets.filter((t) => !t.isRetweet && !known.has(t.id));
    const verdicts = new Map(
      (await classifier.classify(ask.map((t) => ({ id: t.id, text: t.text })))).map((v) => [
        v.tweetId,
        v,
      ]),
    );
    const cached = tweets.map((t): CachedTweet => {
      const v = verdicts.get(t.id);
      return {
        id: t.id,
        text: t.text,
        createdAt: t.createdAt?.toISOString() ?? null,
        url: tweetUrl(t),
        isRetweet: t.isRetweet,
        verdict: t.isRetweet
          ? null
          : v
            ? { eventClass: v.eventClass, confidence: v.confidence, classifier: v.classifier }
            : (known.get(t.id) ?? null),
      };
    });
    return { tweets: cached, asked: ask.length };
  }

  async function contactOrNull(userId: string, contactId: string) {
    try {
      return await contacts.getRow(userId, contactId);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) return null; // deleted since the page asked
      throw error;
    }
  }

  /** The fetch itself (the job's work): never throws for X's or the classifier's reasons. */
  async function fetchRecentTweets({
    userId,
    contactId,
  }: RecentTweetsJob): Promise<'fresh' | 'failed' | 'skipped'> {
    const contact = await contactOrNull(userId, contactId);
    if (!contact?.xHandle) return 'skipped';
    const handle = contact.xHandle;
    const finish = (failure: string | null) =>
      queries.markFinished(userId, contactId, now(), failure);
    const failed = async (sentence: string) => (
      await finish(`Perch could not fetch @${handle}'s recent tweets. ${sentence}`),
      'failed' as const
    );
    const waitUntil = (at: Date | string) =>
      `X asked Perch to wait until ${utcTime(at)} UTC; open this page again after that.`;

    const cached = await queries.findCache({ xUserId: contact.xUserId, handle });
    if (cached && isFresh(cached)) {
      await putEventsOnTimeline(userId, contactId, cached.tweets);
      await finish(null);
      return 'fresh';
    }

    const opened = await sessions.open(userId);
    if ('skipped' in opened) {
      return failed(
        opened.skipped === 'rate_limited'
          ? waitUntil(opened.retryAt)
          : describeConnection(await xConnection.status(userId)).sentence,
      );
    }
    const xFailed = async (failure: XFailure) => {
      if (failure.kind === 'not_found' || failure.kind === 'suspended') {
        log.info(
          { userId, sync: 'recent_tweets', contactId, errorClass: failure.kind },
          'x profile unavailable for one contact',
        );
        await finish(
          failure.kind === 'suspended'
            ? `X has suspended @${handle}.`
            : `X has no account @${handle}.`,
        );
        return 'failed' as const;
      }
      await sessions.fail(userId, { sync: 'recent_tweets', label: 'recent tweets' }, failure);
      return failed(
        failure.kind === 'rate_limited' ? waitUntil(failure.retryAt) : failureSentence(failure),
      );
    };

    let xUserId = contact.xUserId;
    if (!xUserId) {
      // not looked up yet (the bio sync fills it in): the cache is keyed by X's id, so ask for it first
      const profile = await opened.session.profileByHandle(handle);
      if (!profile.ok) return xFailed(profile);
      xUserId = profile.value.userId;
    }
    const result = await opened.session.recentTweets({ userId: xUserId }, { limit: tweetLimit });
    if (!result.ok) return xFailed(result);

    const { tweets, asked } = await classify(result.value, cached?.tweets ?? []);
    await queries.saveCache({ xUserId, handle, tweets, fetchedAt: now() });
    const added = await putEventsOnTimeline(userId, contactId, tweets);
    await finish(null);
    log.info(
      {
        userId,
        sync: 'recent_tweets',
        contactId,
        tweets: tweets.length,
        classified: asked,
        classifier: classifier.name,
        eventsAdded: added,
      },
      'recent tweets fetched',
    );
    return 'fresh';
  }

  return {
    fetch: fetchRecentTweets,

    /** What the contact page shows now; asks for a fetch when the cache is missing or stale. 404 for another's contact. */
    async view(userId: string, contactId: string): Promise<RecentTweets> {
      const contact = await contacts.getRow(userId, contactId);
      if (!contact.xHandle) return answer('no_handle', null);
      const cache = await queries.findCache({ xUserId: contact.xUserId, handle: contact.xHandle });
      if (cache && isFresh(cache)) {
        await putEventsOnTimeline(userId, contactId, cache.tweets);
        return answer('fresh', cache);
      }
      const last = await queries.findFetch(contactId);
      const since = (at: Date) => now().getTime() - at.getTime();
      if (last?.finishedAt && last.failure && since(last.finishedAt) < retryFailedAfterMs)
        return answer('failed', cache, last.failure);
      if (last && !last.finishedAt && since(last.requestedAt) < lostFetchMs)
        return answer('fetching', cache);

      await queries.markRequested(userId, contactId, now());
      const job = { userId, contactId };
      await sendFetch(job, accountKey(contact));
      return answer('fetching', cache);
    },
  };
}
