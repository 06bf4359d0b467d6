import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { xAppCredentials as c } from './x-credentials.table.ts';

export type XAppCredentialsRow = typeof c.$inferSelect;
export type XCredentialsQueries = ReturnType<typeof createXCredentialsQueries>;

export function createXCredentialsQueries({ db }: { db: Db }) {
  return {
    async find(userId: string) {
      const [row] = await db.select().from(c).where(eq(c.userId, userId));
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
    async delete(userId: string) {
      const [row] = await db.delete(c).where(eq(c.userId, userId)).returning();
      return row ?? null;
    },
    all: () => db.select().from(c),
    /** Replaces the sealed value only if it is still `previous` (a concurrent save wins). */
    async replaceSealed(userId: string, previous: string, next: string) {
      const rows = await db
        .update(c)
        .set({ credentialsJwe: next })
        .where(and(eq(c.userId, userId), eq(c.credentialsJwe, previous)))
        .returning({ userId: c.userId });
      return rows.length > 0;
    },
  };
}
