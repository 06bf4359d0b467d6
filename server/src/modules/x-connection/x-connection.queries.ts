import { and, eq, isNotNull, lte, or, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { xConnections } from './x-connection.table.ts';

export type XConnectionRow = typeof xConnections.$inferSelect;
export type XConnectionQueries = ReturnType<typeof createXConnectionQueries>;

export function createXConnectionQueries({ db }: { db: Db }) {
  return {
    async find(userId: string) {
      const [row] = await db.select().from(xConnections).where(eq(xConnections.userId, userId));
      return row ?? null;
    },
    async upsert(values: typeof xConnections.$inferInsert) {
      const { userId, ...rest } = values;
      const [row] = await db
        .insert(xConnections)
        .values(values)
        .onConflictDoUpdate({ target: xConnections.userId, set: rest })
        .returning();
      return row!;
    },
    /** Records a verification result only if the pair it was about is still the stored one. */
    async updateIfFingerprint(
      userId: string,
      fingerprint: string,
      set: Partial<typeof xConnections.$inferInsert>,
    ) {
      const [row] = await db
        .update(xConnections)
        .set(set)
        .where(
          and(eq(xConnections.userId, userId), eq(xConnections.cookiesFingerprint, fingerprint)),
        )
        .returning();
      return row ?? null;
    },
    connected: () =>
      db
        .select({ userId: xConnections.userId })
        .from(xConnections)
        .where(and(eq(xConnections.state, 'connected'), isNotNull(xConnections.cookiesJwe))),
    async updateState(userId: string, set: Partial<typeof xConnections.$inferInsert>) {
      const [row] = await db
        .update(xConnections)
        .set(set)
        .where(eq(xConnections.userId, userId))
        .returning();
      return row ?? null;
    },
    /**
     * Connections whose stored pair should be asked about again: X was down, its rate limit has passed, or a
     * verification was left unfinished long ago.
     */
    dueForRecheck(now: Date, unavailableBefore: Date) {
      return db
        .select()
        .from(xConnections)
        .where(
          and(
            isNotNull(xConnections.cookiesJwe),
            or(
              and(
                eq(xConnections.state, 'verifying'),
                lte(xConnections.updatedAt, unavailableBefore),
              ),
              and(
                eq(xConnections.state, 'x_unavailable'),
                or(isNull(xConnections.checkedAt), lte(xConnections.checkedAt, unavailableBefore)),
              ),
              and(
                eq(xConnections.state, 'rate_limited'),
                or(isNull(xConnections.retryAt), lte(xConnections.retryAt, now)),
              ),
            ),
          ),
        );
    },
    verifying: () =>
      db
        .select()
        .from(xConnections)
        .where(and(eq(xConnections.state, 'verifying'), isNotNull(xConnections.cookiesJwe))),
    withStoredCookies: () =>
      db.select().from(xConnections).where(isNotNull(xConnections.cookiesJwe)),
    async replaceSealed(userId: string, oldJwe: string, newJwe: string, fingerprint: string) {
      const [row] = await db
        .update(xConnections)
        .set({ cookiesJwe: newJwe, cookiesFingerprint: fingerprint })
        .where(and(eq(xConnections.userId, userId), eq(xConnections.cookiesJwe, oldJwe)))
        .returning({ userId: xConnections.userId });
      return row !== undefined;
    },
  };
}
