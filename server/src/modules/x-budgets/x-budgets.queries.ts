import { and, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { XRateLimit } from '../x-api-v2/x-api-v2.ts';
import { xApiBudgets, xAppBudgets } from './x-budgets.table.ts';

export type XBudgetQueries = ReturnType<typeof createXBudgetQueries>;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** A user's request budgets at X's endpoints, shared by every process on the database. */
export const createXBudgetQueries = ({ db }: { db: Db }) =>
  budgetRows(
    db,
    xApiBudgets,
    (userId) => ({ userId }),
    (userId) => eq(xApiBudgets.userId, userId),
  );

/**
 * An X app's budgets (x_app_budgets), for X's windows that count per app and not per user (the 24-hour app
 * window of POST /2/tweets): the same rules, keyed by an app key instead of a user id.
 */
export const createXAppBudgetQueries = ({ db }: { db: Db }) =>
  budgetRows(
    db,
    xAppBudgets,
    (appKey) => ({ appKey }),
    (appKey) => eq(xAppBudgets.appKey, appKey),
  );

/**
 * The reserve/record rules over either table. Both have the same budget columns; `b` is typed as the user
 * table's so drizzle can check the SQL, while the columns used are the given table's own.
 */
function budgetRows(
  db: Db,
  table: typeof xApiBudgets | typeof xAppBudgets,
  ownerValues: (owner: string) => { userId: string } | { appKey: string },
  ownerIs: (owner: string) => SQL,
) {
  const b = table as typeof xApiBudgets;
  return {
    /**
     * Takes one request from the user's budget at `endpoint`, atomically (two processes cannot both take the last
     * one). A window X has not described yet (none known, or the known one has ended) is taken to be a fresh one
     * of the last known size, ending `windowMs` from now, until X's headers say otherwise. False: nothing left.
     */
    async reserveBudget(
      owner: string,
      endpoint: string,
      now: Date,
      windowMs: number,
      defaultLimit: number,
    ) {
      await db
        .insert(b)
        .values({ ...ownerValues(owner), endpoint } as typeof xApiBudgets.$inferInsert)
        .onConflictDoNothing();
      const fresh = sql`(${b.resetAt} IS NULL OR ${b.resetAt} <= ${at(now)})`;
      const rows = await db
        .update(b)
        .set({
          remaining: sql`CASE WHEN ${fresh} THEN COALESCE(${b.limit}, ${defaultLimit}) - 1 ELSE ${b.remaining} - 1 END`,
          resetAt: sql`CASE WHEN ${fresh} THEN ${at(new Date(now.getTime() + windowMs))} ELSE ${b.resetAt} END`,
          resetGuessed: sql`CASE WHEN ${fresh} THEN true ELSE ${b.resetGuessed} END`,
        })
        .where(and(ownerIs(owner), eq(b.endpoint, endpoint), or(fresh, gt(b.remaining, 0))))
        .returning({ endpoint: b.endpoint });
      return rows.length === 1;
    },
    /**
     * What X's x-rate-limit-* headers said. Requests reserved but not answered yet stay subtracted (LEAST), an
     * answer about a later window replaces a guessed or older one, and a late answer about an older window is ignored.
     */
    async recordBudget(owner: string, endpoint: string, limit: XRateLimit, now: Date) {
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
        .where(and(ownerIs(owner), eq(b.endpoint, endpoint)));
    },
    async budget(owner: string, endpoint: string) {
      const [row] = await db
        .select()
        .from(b)
        .where(and(ownerIs(owner), eq(b.endpoint, endpoint)));
      return row ?? null;
    },
  };
}
