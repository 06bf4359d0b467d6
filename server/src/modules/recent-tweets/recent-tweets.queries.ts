import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { recentTweetCache, recentTweetFetches, type CachedTweet } from './recent-tweets.table.ts';

export type CacheRow = typeof recentTweetCache.$inferSelect;
export type FetchRow = typeof recentTweetFetches.$inferSelect;
export type RecentTweetQueries = ReturnType<typeof createRecentTweetQueries>;

export function createRecentTweetQueries({ db }: { db: Db }) {
  return {
    /** The cache for an X account: by its id when known, else by the handle it had when fetched (newest first). */
    async findCache({ xUserId, handle }: { xUserId: string | null; handle: string }) {
      const [row] = await db
        .select()
        .from(recentTweetCache)
        .where(
          xUserId
            ? eq(recentTweetCache.xUserId, xUserId)
            : eq(recentTweetCache.handle, handle.toLowerCase()),
        )
        .orderBy(desc(recentTweetCache.fetchedAt))
        .limit(1);
      return row ?? null;
    },

    async saveCache(values: {
      xUserId: string;
      handle: string;
      tweets: CachedTweet[];
      fetchedAt: Date;
    }) {
      const row = { ...values, handle: values.handle.toLowerCase() };
      await db.transaction(async (tx) => {
        // a handle belongs to one account at a time: an older row that still has it (the handle moved) lets go
        await tx
          .delete(recentTweetCache)
          .where(
            and(eq(recentTweetCache.handle, row.handle), ne(recentTweetCache.xUserId, row.xUserId)),
          );
        await tx
          .insert(recentTweetCache)
          .values(row)
          .onConflictDoUpdate({
            target: recentTweetCache.xUserId,
            set: { handle: row.handle, tweets: row.tweets, fetchedAt: row.fetchedAt },
          });
      });
    },

    async findFetch(contactId: string) {
      const [row] = await db
        .select()
        .from(recentTweetFetches)
        .where(eq(recentTweetFetches.contactId, contactId));
      return row ?? null;
    },

    /** A new fetch is under way: the last one's outcome no longer counts. */
    async markRequested(userId: string, contactId: string, at: Date) {
      await db
        .insert(recentTweetFetches)
        .values({ userId, contactId, requestedAt: at })
        .onConflictDoUpdate({
          target: recentTweetFetches.contactId,
          set: { requestedAt: at, finishedAt: null, failure: null },
        });
    },

    /** `failure`: the sentence for the page, or null when the fetch worked. */
    async markFinished(userId: string, contactId: string, at: Date, failure: string | null) {
      await db
        .insert(recentTweetFetches)
        .values({ userId, contactId, requestedAt: at, finishedAt: at, failure })
        .onConflictDoUpdate({
          target: recentTweetFetches.contactId,
          set: { finishedAt: at, failure },
        });
    },
  };
}
