import { and, eq, gt, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { XRateLimit } from '../x-api/x-api.ts';
import { xApiBudgets as b, xDmConnections as c, xOauthStates } from './x-dm.table.ts';

export type XDmRow = typeof c.$inferSelect;
/** The queries, plus `transaction`, which runs work with the same queries bound to one transaction. */
export type XDmQueries = XDmRowQueries & { transaction<T>(work: (tx: XDmRowQueries) => Promise<T>): Promise<T> };
export type XDmRowQueries = ReturnType<typeof rowQueries>;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export function createXDmQueries({ db }: { db: Db }): XDmQueries {
  // On PGlite a transaction holds the one connection: nothing else runs until it ends.
  return { ...rowQueries(db), transaction: (work) => db.transaction((tx) => work(rowQueries(tx as unknown as Db))) };
}

function rowQueries(db: Db) {
  return {
    async find(userId: string) {
      const [row] = await db.select().from(c).where(eq(c.userId, userId));
      return row ?? null;
    },
    /** The row, locked until the transaction ends: only one refresher per account, however many processes. */
    async findForUpdate(userId: string) {
      const [row] = await db.select().from(c).where(eq(c.userId, userId)).for('update');
      return row ?? null;
    },
    async upsert(values: typeof c.$inferInsert) {
      const { userId, ...rest } = values;
      const [row] = await db.insert(c).values(values).onConflictDoUpdate({ target: c.userId, set: rest }).returning();
      return row!;
    },
    async update(userId: string, set: Partial<typeof c.$inferInsert>) {
      const [row] = await db.update(c).set(set).where(eq(c.userId, userId)).returning();
      return row ?? null;
    },
    async delete(userId: string) {
      const [row] = await db.delete(c).where(eq(c.userId, userId)).returning();
      return row ?? null;
    },
    connectedUserIds: async () => (await db.select({ userId: c.userId }).from(c).where(eq(c.state, 'connected'))).map((r) => r.userId),
    dueForRefresh: async (before: Date) =>
      (await db.select({ userId: c.userId }).from(c).where(and(eq(c.state, 'connected'), lt(c.accessExpiresAt, before)))).map((r) => r.userId),
    withTokens: () => db.select({ userId: c.userId, tokensJwe: c.tokensJwe }).from(c),
    async replaceSealed(userId: string, oldJwe: string, newJwe: string) {
      const rows = await db.update(c).set({ tokensJwe: newJwe }).where(and(eq(c.userId, userId), eq(c.tokensJwe, oldJwe))).returning({ userId: c.userId });
      return rows.length === 1;
    },

    async insertState(values: typeof xOauthStates.$inferInsert) {
      await db.insert(xOauthStates).values(values);
    },
    /** Single use: the state row is deleted as it is read, so a replay finds nothing. */
    async takeState(stateHash: string) {
      const [row] = await db.delete(xOauthStates).where(eq(xOauthStates.stateHash, stateHash)).returning();
      return row ?? null;
    },
    async deleteExpiredStates(now: Date) {
      const rows = await db.delete(xOauthStates).where(lte(xOauthStates.expiresAt, now)).returning({ stateHash: xOauthStates.stateHash });
      return rows.length;
    },

    /**
     * Takes one request from the user's budget at `endpoint`, atomically (two processes cannot both take the last
     * one). A window X has not described yet (none known, or the known one has ended) is taken to be a fresh one
     * of the last known size, ending `windowMs` from now, until X's headers say otherwise. False: nothing left.
     */
    async reserveBudget(userId: string, endpoint: string, now: Date, windowMs: number, defaultLimit: number) {
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
      const [row] = await db.select().from(b).where(and(eq(b.userId, userId), eq(b.endpoint, endpoint)));
      return row ?? null;
    },

    /** Where a pass that stopped early goes on from; written only after the page's rows are committed. */
    async savePass(userId: string, paginationToken: string, newestId: string | null) {
      await db.update(c).set({ dmPassToken: paginationToken, dmPassNewestId: newestId }).where(eq(c.userId, userId));
    },
    /**
     * A pass reached the cursor (or the end of what X keeps): the cursor moves to the newest id it saw, forward
     * only (compared as numbers, so a slower pass can never move it back), and the pass is over.
     */
    async finishPass(userId: string, newestId: string | null) {
      await db
        .update(c)
        .set({
          twitterDmCursor:
            newestId === null
              ? sql`${c.twitterDmCursor}`
              : sql`CASE WHEN ${c.twitterDmCursor} IS NULL OR ${c.twitterDmCursor}::numeric < ${newestId}::numeric THEN ${newestId} ELSE ${c.twitterDmCursor} END`,
          dmPassToken: null,
          dmPassNewestId: null,
        })
        .where(eq(c.userId, userId));
    },
    async recordSync(userId: string, set: Pick<typeof c.$inferInsert, 'lastSyncAt' | 'lastSyncResult'>) {
      await db.update(c).set(set).where(eq(c.userId, userId));
    },
  };
}
