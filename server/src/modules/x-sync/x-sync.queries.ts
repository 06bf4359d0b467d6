import { eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { xSyncState, type SearchPass } from './x-sync.table.ts';

export type XSyncStateRow = typeof xSyncState.$inferSelect;
export type XSyncStateQueries = ReturnType<typeof createXSyncStateQueries>;
export type CursorName = 'mentions' | 'replies';

/** Where each user's cookie sync stands: its cursors, the search pass in progress, the bio round and the last run. */
export function createXSyncStateQueries({ db, now }: { db: Db; now: () => Date }) {
  const cursorColumn = (name: CursorName) =>
    name === 'mentions' ? xSyncState.mentionsCursor : xSyncState.repliesCursor;

  return {
    async get(userId: string) {
      const [row] = await db.select().from(xSyncState).where(eq(xSyncState.userId, userId));
      return row ?? null;
    },
    /**
     * Moves a cursor forward only: ids compare as numbers in SQL, so a slower run holding an older id can never
     * move it back. Returns whether it moved.
     */
    async advanceCursor(userId: string, name: CursorName, xId: string, at = now()) {
      const column = cursorColumn(name);
      const field = name === 'mentions' ? 'mentionsCursor' : 'repliesCursor';
      const [row] = await db
        .insert(xSyncState)
        .values({ userId, [field]: xId, updatedAt: at })
        .onConflictDoUpdate({
          target: xSyncState.userId,
          set: { [field]: xId, updatedAt: at },
          setWhere: or(isNull(column), sql`${column}::numeric < ${xId}::numeric`),
        })
        .returning({ userId: xSyncState.userId });
      return row !== undefined;
    },
    /** Where a search pass goes on from; written after the page's rows are committed. */
    async savePass(userId: string, name: CursorName, pass: SearchPass, at = now()) {
      const field = name === 'mentions' ? 'mentionsPass' : 'repliesPass';
      await db
        .insert(xSyncState)
        .values({ userId, [field]: pass, updatedAt: at })
        .onConflictDoUpdate({ target: xSyncState.userId, set: { [field]: pass, updatedAt: at } });
    },
    /**
     * A pass came down to the old cursor (or the end of what X shows): the cursor moves to the newest id the pass
     * stored, forward only, and the pass is over, in one statement.
     */
    async finishPass(userId: string, name: CursorName, top: string | null, at = now()) {
      const column = cursorColumn(name);
      const [cursorField, passField] =
        name === 'mentions' ? ['mentionsCursor', 'mentionsPass'] : ['repliesCursor', 'repliesPass'];
      const moved =
        top === null
          ? sql`${column}`
          : sql`CASE WHEN ${column} IS NULL OR ${column}::numeric < ${top}::numeric THEN ${top} ELSE ${column} END`;
      await db
        .insert(xSyncState)
        .values({ userId, [cursorField]: top, [passField]: null, updatedAt: at })
        .onConflictDoUpdate({
          target: xSyncState.userId,
          set: { [cursorField]: moved, [passField]: null, updatedAt: at },
        });
    },
    async startBiosRound(userId: string, at: Date) {
      await db
        .insert(xSyncState)
        .values({ userId, biosRoundStartedAt: at, updatedAt: at })
        .onConflictDoUpdate({
          target: xSyncState.userId,
          set: { biosRoundStartedAt: at, updatedAt: at },
        });
    },
    async recordRun(userId: string, result: Record<string, unknown>, at = now()) {
      await db
        .insert(xSyncState)
        .values({ userId, lastRunAt: at, lastResult: result, updatedAt: at })
        .onConflictDoUpdate({
          target: xSyncState.userId,
          set: { lastRunAt: at, lastResult: result, updatedAt: at },
        });
    },
  };
}
