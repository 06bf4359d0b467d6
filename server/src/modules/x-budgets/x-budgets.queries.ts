import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { XRateLimit } from '../x-api-v2/x-api-v2.ts';
import { xApiBudgets as b } from './x-budgets.table.ts';

export type XBudgetQueries = ReturnType<typeof createXBudgetQueries>;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** A user's request budgets at X's endpoints, shared by every process on the database. */
export function createXBudgetQueries({ db }: { db: Db }) {
  return {
    /**
     * Takes one request from the user's budget at `endpoint`, atomically (two processes cannot both take the last
     * one). A window X has not described yet (none known, or the known one has ended) is taken to be a fresh one
     * of the last known size, ending `windowMs` from now, until X's headers say otherwise. False: nothing left.
     */
    async reserveBudget(
      userId: string,
      endpoint: string,
      now: Date,
      windowMs: number,
      defaultLimit: number,
    ) {
      await db.insert(b).values({ userId, endpoint }).onConflictDoNothing();
      const fresh = sql`(${b.resetAt} IS NULL OR ${b.resetAt} <= ${at(now)})`;
      const rows = await db
        .update(b)
        .set({
          remaining: sql`CASE WHEN ${fresh} THEN COALESCE(${b.limit}, ${defaultLimit}) - 1 ELSE ${b.remaining} - 1 END`,
          resetAt: sql`CASE WHEN ${fresh} THEN ${at(new Date(now.getTime() + windowMs))} ELSE ${b.resetAt} END`,
          resetGuessed: sql`CASE WHEN ${fresh} THEN true ELSE ${b.resetGuessed} END`,
        })
        .where(and(eq(b.userId, userId), eq(b.endpoint, endpoint), or(fresh, gt(b.remaining, 0))))
        .returning({ userId: b.userId });
      return rows.length === 1;
    },
    /**
     * What X's x-rate-limit-* headers said. Requests reserved but not answered yet stay subtracted (LEAST), an
     * answer about a later window replaces a guessed or older one, and a late answer about an older window is ignored.
     */
    async recordBudget(userId: string, endpoint: string, limit: XRateLimit, now: Date) {
      const reset = at(limit.resetAt);
      const adopt = sql`((${b.resetGuessed} AND ${reset} > ${at(now)}) OR ${b.resetAt} IS NULL OR ${reset} > ${b.resetAt})`;
      const sameWindow = sql`(${b.resetGuessed} OR ${reset} = ${b.resetAt})`;
      await db
        .update(b)
        .set({
          limit: limit.limit > 0 ? limit.limit : sql`${b.limit}`,
          remaining: sql`CASE
            WHEN ${adopt} AND ${sameWindow} THEN LEAST(COALESCE(${b.remaining}, ${limit.remaining}), ${limit.remaining})
            WHEN ${adopt} THEN ${limit.remaining}
            WHEN ${reset} = ${b.resetAt} THEN LEAST(${b.remaining}, ${limit.remaining})
            ELSE ${b.remaining} END`,
          resetAt: sql`CASE WHEN ${adopt} THEN ${reset} ELSE ${b.resetAt} END`,
          resetGuessed: sql`CASE WHEN ${adopt} THEN false ELSE ${b.resetGuessed} END`,
        })
        .where(and(eq(b.userId, userId), eq(b.endpoint, endpoint)));
    },
    async budget(userId: string, endpoint: string) {
      const [row] = await db
        .select()
        .from(b)
        .where(and(eq(b.userId, userId), eq(b.endpoint, endpoint)));
      return row ?? null;
    },
  };
}
