import { and, eq, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
// x-budgets has no service: its queries are what it offers, and here they share x-dm's transactions.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { createXBudgetQueries } from '../x-budgets/x-budgets.queries.ts';
import { xDmConnections as c, xOauthStates } from './x-dm.table.ts';

export type XDmRow = typeof c.$inferSelect;
/** The queries, plus `transaction`, which runs work with the same queries bound to one transaction. */
export type XDmQueries = XDmRowQueries & {
  transaction<T>(work: (tx: XDmRowQueries) => Promise<T>): Promise<T>;
};
export type XDmRowQueries = ReturnType<typeof rowQueries>;

export function createXDmQueries({ db }: { db: Db }): XDmQueries {
  // On PGlite a transaction holds the one connection: nothing else runs until it ends.
  return {
    ...rowQueries(db),
    transaction: (work) => db.transaction((tx) => work(rowQueries(tx as unknown as Db))),
  };
}

function rowQueries(db: Db) {
  return {
    ...createXBudgetQueries({ db }),
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
      const [row] = await db
        .insert(c)
        .values(values)
        .onConflictDoUpdate({ target: c.userId, set: rest })
        .returning();
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
    connectedUserIds: async () =>
      (await db.select({ userId: c.userId }).from(c).where(eq(c.state, 'connected'))).map(
        (r) => r.userId,
      ),
    dueForRefresh: async (before: Date) =>
      (
        await db
          .select({ userId: c.userId })
          .from(c)
          .where(and(eq(c.state, 'connected'), lt(c.accessExpiresAt, before)))
      ).map((r) => r.userId),
    withTokens: () => db.select({ userId: c.userId, tokensJwe: c.tokensJwe }).from(c),
    async replaceSealed(userId: string, oldJwe: string, newJwe: string) {
      const rows = await db
        .update(c)
        .set({ tokensJwe: newJwe })
        .where(and(eq(c.userId, userId), eq(c.tokensJwe, oldJwe)))
        .returning({ userId: c.userId });
      return rows.length === 1;
    },

    async insertState(values: typeof xOauthStates.$inferInsert) {
      await db.insert(xOauthStates).values(values);
    },
    /** Single use: the state row is deleted as it is read, so a replay finds nothing. */
    async takeState(stateHash: string) {
      const [row] = await db
        .delete(xOauthStates)
        .where(eq(xOauthStates.stateHash, stateHash))
        .returning();
      return row ?? null;
    },
    async deleteExpiredStates(now: Date) {
      const rows = await db
        .delete(xOauthStates)
        .where(lte(xOauthStates.expiresAt, now))
        .returning({ stateHash: xOauthStates.stateHash });
      return rows.length;
    },

    /** Where a pass that stopped early goes on from; written only after the page's rows are committed. */
    async savePass(userId: string, paginationToken: string, newestId: string | null) {
      await db
        .update(c)
        .set({ dmPassToken: paginationToken, dmPassNewestId: newestId })
        .where(eq(c.userId, userId));
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
    async recordSync(
      userId: string,
      set: Pick<typeof c.$inferInsert, 'lastSyncAt' | 'lastSyncResult'>,
    ) {
      await db.update(c).set(set).where(eq(c.userId, userId));
    },
  };
}
