import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { throttleHits } from './throttle.table.ts';

export type ThrottleQueries = ReturnType<typeof createThrottleQueries>;

export interface ThrottleWindow {
  scope: string;
  key: string;
  windowStart: Date;
}

export function createThrottleQueries({ db }: { db: Db }) {
  const inWindow = (w: ThrottleWindow) =>
    and(
      eq(throttleHits.scope, w.scope),
      eq(throttleHits.key, w.key),
      eq(throttleHits.windowStart, w.windowStart),
    );
  return {
    /** One statement, so two processes counting at once both land: the hits in the window after this one. */
    async increment(w: ThrottleWindow) {
      const [row] = await db
        .insert(throttleHits)
        .values({ ...w, hits: 1 })
        .onConflictDoUpdate({
          target: [throttleHits.scope, throttleHits.key, throttleHits.windowStart],
          set: { hits: sql`${throttleHits.hits} + 1` },
        })
        .returning({ hits: throttleHits.hits });
      return row!.hits;
    },
    async decrement(w: ThrottleWindow) {
      await db
        .update(throttleHits)
        .set({ hits: sql`greatest(${throttleHits.hits} - 1, 0)` })
        .where(inWindow(w));
    },
    async hits(w: ThrottleWindow) {
      const [row] = await db
        .select({ hits: throttleHits.hits })
        .from(throttleHits)
        .where(inWindow(w));
      return row?.hits ?? 0;
    },
    async reset(w: Omit<ThrottleWindow, 'windowStart'>) {
      await db
        .delete(throttleHits)
        .where(and(eq(throttleHits.scope, w.scope), eq(throttleHits.key, w.key)));
    },
    /** Windows that started before `before` count for nothing any more. */
    async deleteWindowsBefore(before: Date) {
      await db.delete(throttleHits).where(lt(throttleHits.windowStart, before));
    },
  };
}
