import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { MetricsFigures } from '@perch/shared';
import type { Db } from '../../db/client.ts';
// x-budgets has no service: its queries are what it offers (as in x-dm.queries).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { createXBudgetQueries } from '../x-budgets/x-budgets.queries.ts';
import {
  xAccountMetricDays as d,
  xPostMetricSnapshots as s,
  type SnapshotSource,
} from './x-metrics.table.ts';

export type XMetricsQueries = ReturnType<typeof createXMetricsQueries>;
export type SnapshotRow = typeof s.$inferSelect;
export type AccountDayRow = typeof d.$inferSelect;

/** Due: not taken, under the attempt cap, and its time (or its retry's) has come. */
const dueAt = (now: Date, maxAttempts: number) =>
  and(
    isNull(s.takenAt),
    lt(s.attempts, maxAttempts),
    lte(s.dueAt, now),
    or(isNull(s.retryAt), lte(s.retryAt, now)),
  );

export function createXMetricsQueries({ db }: { db: Db }) {
  return {
    /** The user's budgets at X's endpoints (GET /2/tweets, GET /2/users/me). */
    ...createXBudgetQueries({ db }),
    /** Planning twice adds nothing: one row per part and mark. */
    async plan(rows: Array<typeof s.$inferInsert>) {
      await db.insert(s).values(rows).onConflictDoNothing();
    },
    async dueUserIds(now: Date, maxAttempts: number) {
      const rows = await db
        .selectDistinct({ userId: s.userId })
        .from(s)
        .where(dueAt(now, maxAttempts));
      return rows.map((r) => r.userId);
    },
    /** The user's due snapshots, earliest first. */
    dueFor: (userId: string, now: Date, maxAttempts: number, limit: number) =>
      db
        .select()
        .from(s)
        .where(and(eq(s.userId, userId), dueAt(now, maxAttempts)))
        .orderBy(asc(s.dueAt), asc(s.id))
        .limit(limit),
    async taken(
      ids: string[],
      taken: { takenAt: Date; source: SnapshotSource; figures: MetricsFigures },
    ) {
      if (ids.length === 0) return;
      // a row another process took meanwhile keeps its first figures
      await db
        .update(s)
        .set({ ...taken, retryAt: null, lastError: null })
        .where(and(inArray(s.id, ids), isNull(s.takenAt)));
    },
    /** A failed try: counted (or not, when X only said "later"), and not tried again before `retryAt`. */
    async failed(ids: string[], retryAt: Date, error: string, count: boolean) {
      if (ids.length === 0) return;
      await db
        .update(s)
        .set({
          retryAt,
          lastError: error,
          attempts: count ? sql`${s.attempts} + 1` : sql`${s.attempts}`,
        })
        .where(and(inArray(s.id, ids), isNull(s.takenAt)));
    },
    forPost: (userId: string, postId: string) =>
      db
        .select()
        .from(s)
        .where(and(eq(s.userId, userId), eq(s.postId, postId)))
        .orderBy(asc(s.position), asc(s.dueAt)),
    /** Users who have published through Perch: the account-metrics candidates when no other list is given. */
    async publishedUserIds() {
      const rows = await db.selectDistinct({ userId: s.userId }).from(s);
      return rows.map((r) => r.userId);
    },
    async accountDay(userId: string, day: string) {
      const [row] = await db
        .select()
        .from(d)
        .where(and(eq(d.userId, userId), eq(d.day, day)));
      return row ?? null;
    },
    async saveAccountDay(row: typeof d.$inferInsert) {
      const { userId: _, day: __, ...rest } = row;
      await db
        .insert(d)
        .values(row)
        .onConflictDoUpdate({ target: [d.userId, d.day], set: rest });
    },
    /** Days from `fromDay` on, oldest first. */
    accountDays: (userId: string, fromDay: string) =>
      db
        .select()
        .from(d)
        .where(and(eq(d.userId, userId), gte(d.day, fromDay)))
        .orderBy(asc(d.day)),
  };
}
