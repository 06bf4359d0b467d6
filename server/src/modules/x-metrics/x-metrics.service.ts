/**
 * Metrics of what Perch published: each part's snapshots at +1 h, +24 h, +7 d and +29 d (planned when X
 * confirmed the part), and the account's followers, following and posts once a day.
 *
 * Taking snapshots: the user's due rows are grouped by X post id into calls of up to 100 ids. A part still inside
 * X's 30-day window is asked for with `own: true` (organic and non-public metrics, which X gives only for the
 * authorising user's own recent posts); an older one (a +29 d snapshot Perch could not take in time) is asked for
 * its public metrics only, so one old id cannot make X refuse the whole call. A snapshot Perch was down for is
 * taken when it is back, with its real `takenAt`. Every call first takes one request from the user's budget for
 * `GET /2/tweets` (x-budgets), so Perch never asks for a 429; a spent budget leaves the rows due for the next round.
 * A failed try is counted and backs off (10 min, doubling); at `maxAttempts` the snapshot is given up. X's 429
 * only says "later": not counted, tried after X's reset.
 */
import type { AccountMetricsView, MetricsFigures, PostMetricsView } from '@perch/shared';
import { errorSummary, type Logger } from '../../lib/logger.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type { XLimits, XPostMetrics, XWriteSession } from '../x-api-v2/x-api-v2.write.ts';
import type { PublishSessions } from '../x-credentials/x-credentials.contract.ts';
import type { PublishedPost, XMetricsForPublishing } from './x-metrics.contract.ts';
import type { SnapshotRow, XMetricsQueries } from './x-metrics.queries.ts';
import type { SnapshotMark, SnapshotSource } from './x-metrics.table.ts';

const hour = 3_600_000;
const day = 24 * hour;

/** After publishing: +1 h, +24 h, +7 d, +29 d (the last inside X's 30-day window for non-public metrics). */
export const snapshotMarks: ReadonlyArray<{ mark: SnapshotMark; afterMs: number }> = [
  { mark: '1h', afterMs: hour },
  { mark: '24h', afterMs: day },
  { mark: '7d', afterMs: 7 * day },
  { mark: '29d', afterMs: 29 * day },
];
const markOrder = new Map(snapshotMarks.map((m, i) => [m.mark, i]));

/** X gives organic and non-public metrics for 30 days; an hour's margin so a call is not refused at the edge. */
const ownWindowMs = 30 * day - hour;
/** X's ids per GET /2/tweets. */
export const idsPerCall = 100;
export const maxAttempts = 8;
const retryBaseMs = 10 * 60_000;

/** Budgets until X's headers say otherwise: GET /2/tweets and GET /2/users/me, per user, 15-minute windows. */
export const metricsBudgets = {
  tweets: { endpoint: 'tweets_lookup', windowMs: 15 * 60_000, defaultLimit: 15 },
  me: { endpoint: 'users_me', windowMs: 15 * 60_000, defaultLimit: 25 },
} as const;

export interface XMetricsDeps {
  xMetricsQueries: XMetricsQueries;
  sessions: Pick<PublishSessions, 'session'>;
  /**
   * Users to take account metrics for daily (those with a publishing credential); users who published through
   * Perch are always added. Without it, only those.
   */
  accountUserIds?: () => Promise<string[]>;
  /** Whether the user owns the post, for a post with no snapshots yet (else its metrics are a 404). */
  ownsPost?: (userId: string, postId: string) => Promise<boolean>;
  logger: Logger;
  now: () => Date;
}

export type XMetrics = ReturnType<typeof createXMetrics>;

/** Organic figures first, then non-public, then public; counts X gives only publicly fill in the rest. */
export function chooseFigures(m: XPostMetrics): {
  source: SnapshotSource;
  figures: MetricsFigures;
} {
  const p = m.public;
  const base = {
    impressions: p.impressions,
    likes: p.likes,
    reposts: p.reposts,
    replies: p.replies,
    quotes: p.quotes,
    bookmarks: p.bookmarks,
    urlClicks: null,
    profileClicks: null,
  };
  if (m.organic)
    return {
      source: 'organic',
      figures: {
        ...base,
        impressions: m.organic.impressions,
        likes: m.organic.likes,
        reposts: m.organic.reposts,
        replies: m.organic.replies,
        urlClicks: m.organic.urlClicks ?? m.nonPublic?.urlClicks ?? null,
        profileClicks: m.organic.profileClicks ?? m.nonPublic?.profileClicks ?? null,
      },
    };
  if (m.nonPublic)
    return {
      source: 'non_public',
      figures: {
        ...base,
        impressions: m.nonPublic.impressions,
        urlClicks: m.nonPublic.urlClicks,
        profileClicks: m.nonPublic.profileClicks,
      },
    };
  return { source: 'public', figures: base };
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const sentence = (error: unknown) =>
  error instanceof XApiError ? error.detail : 'X could not be reached';

export type TakeOutcome = {
  taken: number;
  failed: number;
  /** Set when X's budget stopped the round: the rest waits until then. */
  pausedUntil: Date | null;
  requests: number;
};

export function createXMetrics({
  xMetricsQueries: q,
  sessions,
  accountUserIds,
  ownsPost,
  logger,
  now,
}: XMetricsDeps) {
  const log = logger.child({ module: 'x-metrics' });

  const record = async (userId: string, endpoint: string, limits: XLimits | null) => {
    if (limits?.window) await q.recordBudget(userId, endpoint, limits.window, now());
  };
  const backoff = (rows: SnapshotRow[]) =>
    new Date(now().getTime() + retryBaseMs * 2 ** Math.max(0, ...rows.map((r) => r.attempts)));

  /** One GET /2/tweets for up to 100 X ids (and every due row of each); false when the round must stop. */
  async function takeCall(
    userId: string,
    session: XWriteSession,
    rows: SnapshotRow[],
    own: boolean,
    outcome: TakeOutcome,
  ): Promise<boolean> {
    const { endpoint, windowMs, defaultLimit } = metricsBudgets.tweets;
    if (!(await q.reserveBudget(userId, endpoint, now(), windowMs, defaultLimit))) {
      const budget = await q.budget(userId, endpoint);
      outcome.pausedUntil = budget?.resetAt ?? new Date(now().getTime() + windowMs);
      return false;
    }
    const ids = [...new Set(rows.map((r) => r.xPostId))];
    outcome.requests++;
    let answer;
    try {
      answer = await session.postMetrics(ids, { own });
    } catch (error) {
      const failure = error instanceof XApiError ? error : null;
      if (failure?.rateLimit) await q.recordBudget(userId, endpoint, failure.rateLimit, now());
      if (failure?.kind === 'rate_limited') {
        outcome.pausedUntil = failure.rateLimit?.resetAt ?? new Date(now().getTime() + windowMs);
        await q.failed(
          rows.map((r) => r.id),
          outcome.pausedUntil,
          sentence(error),
          false,
        );
        return false;
      }
      log.warn({ userId, ids: ids.length, own, err: errorSummary(error) }, 'x metrics call failed');
      await q.failed(
        rows.map((r) => r.id),
        backoff(rows),
        sentence(error),
        true,
      );
      outcome.failed += rows.length;
      return false;
    }
    await record(userId, endpoint, answer.limits);
    const byId = new Map(answer.data.map((m) => [m.id, m]));
    const takenAt = now();
    for (const id of ids) {
      const of = rows.filter((r) => r.xPostId === id);
      const metrics = byId.get(id);
      if (metrics) {
        await q.taken(
          of.map((r) => r.id),
          { takenAt, ...chooseFigures(metrics) },
        );
        outcome.taken += of.length;
      } else {
        // deleted at X, or not visible to this account: tried again a few times, then given up
        await q.failed(
          of.map((r) => r.id),
          backoff(of),
          'X did not return this post (deleted, or not visible to this account).',
          true,
        );
        outcome.failed += of.length;
      }
    }
    return true;
  }

  return {
    /** XMetricsForPublishing: four snapshots of a part X confirmed; planning it again adds nothing. */
    async planSnapshots(post: PublishedPost) {
      await q.plan(
        snapshotMarks.map(({ mark, afterMs }) => ({
          userId: post.userId,
          postId: post.postId,
          position: post.position,
          xPostId: post.xPostId,
          publishedAt: post.publishedAt,
          mark,
          dueAt: new Date(post.publishedAt.getTime() + afterMs),
        })),
      );
    },

    dueUserIds: () => q.dueUserIds(now(), maxAttempts),

    /** Takes the user's due snapshots (see the file's comment). */
    async takeDue(userId: string): Promise<TakeOutcome> {
      const outcome: TakeOutcome = { taken: 0, failed: 0, pausedUntil: null, requests: 0 };
      let session: XWriteSession | null = null;
      for (;;) {
        const rows = await q.dueFor(userId, now(), maxAttempts, 4 * idsPerCall);
        if (rows.length === 0) return outcome;
        if (!session) {
          const result = await sessions.session(userId);
          if (!result.ok) {
            // X could not refresh now: not the snapshots' fault, not counted
            await q.failed(
              rows.map((r) => r.id),
              backoff(rows),
              result.sentence,
              result.reason !== 'unavailable',
            );
            outcome.failed += rows.length;
            continue;
          }
          session = result.session;
        }
        const cutoff = now().getTime() - ownWindowMs;
        const byOwn = [true, false].map((own) =>
          rows.filter((r) => r.publishedAt.getTime() > cutoff === own),
        );
        for (const [i, group] of byOwn.entries()) {
          const ids = [...new Set(group.map((r) => r.xPostId))];
          for (const part of chunks(ids, idsPerCall)) {
            const set = new Set(part);
            const going = await takeCall(
              userId,
              session,
              group.filter((r) => set.has(r.xPostId)),
              i === 0,
              outcome,
            );
            if (!going) return outcome;
          }
        }
      }
    },

    /** Users to take account metrics for today. */
    async accountMetricUserIds() {
      const ids = new Set([...((await accountUserIds?.()) ?? []), ...(await q.publishedUserIds())]);
      return [...ids];
    },

    /** Today's followers, following and posts, once a day (a second call the same UTC day asks X nothing). */
    async takeAccountDay(
      userId: string,
    ): Promise<'taken' | 'already' | 'no_session' | { pausedUntil: Date }> {
      const today = utcDay(now());
      if (await q.accountDay(userId, today)) return 'already';
      const result = await sessions.session(userId);
      if (!result.ok) return 'no_session';
      const { endpoint, windowMs, defaultLimit } = metricsBudgets.me;
      if (!(await q.reserveBudget(userId, endpoint, now(), windowMs, defaultLimit))) {
        const budget = await q.budget(userId, endpoint);
        return { pausedUntil: budget?.resetAt ?? new Date(now().getTime() + windowMs) };
      }
      try {
        const answer = await result.session.me();
        await record(userId, endpoint, answer.limits);
        const { followers, following, posts } = answer.data;
        await q.saveAccountDay({ userId, day: today, followers, following, posts, takenAt: now() });
        return 'taken';
      } catch (error) {
        if (error instanceof XApiError && error.rateLimit)
          await q.recordBudget(userId, endpoint, error.rateLimit, now());
        throw error;
      }
    },

    /**
     * Each part's snapshots, the first part's also at the top (the post as X shows it); a post of the user's with
     * none planned yet has empty ones; null when the user has no such post.
     */
    async postMetrics(userId: string, postId: string): Promise<PostMetricsView | null> {
      const rows = await q.forPost(userId, postId);
      if (rows.length === 0)
        return (await ownsPost?.(userId, postId))
          ? { postId, xPostId: null, snapshots: [], nextAt: null, parts: [] }
          : null;
      const positions = [...new Set(rows.map((r) => r.position))];
      const parts = positions.map((position) => {
        const of = rows.filter((r) => r.position === position);
        return {
          position,
          xPostId: of[0]!.xPostId,
          snapshots: of
            .filter((r) => r.takenAt && r.source && r.figures)
            .sort((a, b) => markOrder.get(a.mark)! - markOrder.get(b.mark)!)
            .map((r) => ({
              mark: r.mark,
              takenAt: r.takenAt!.toISOString(),
              source: r.source!,
              figures: r.figures!,
            })),
        };
      });
      const pending = rows
        .filter((r) => r.position === positions[0] && !r.takenAt && r.attempts < maxAttempts)
        .map((r) => Math.max(r.dueAt.getTime(), r.retryAt?.getTime() ?? 0));
      return {
        postId,
        xPostId: parts[0]!.xPostId,
        snapshots: parts[0]!.snapshots,
        nextAt: pending.length > 0 ? new Date(Math.min(...pending)).toISOString() : null,
        parts,
      };
    },

    /** The last `days` UTC days (today included) the account's figures were taken on, oldest first. */
    async accountMetrics(userId: string, days: number): Promise<AccountMetricsView> {
      const from = utcDay(new Date(now().getTime() - (days - 1) * day));
      const rows = await q.accountDays(userId, from);
      return {
        days: rows.map(({ day, followers, following, posts }) => ({
          day,
          followers,
          following,
          posts,
        })),
      };
    },
  } satisfies XMetricsForPublishing & Record<string, unknown>;
}
