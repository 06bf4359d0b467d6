import { count, eq, lt, and, gt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sessions, users } from './accounts.table.ts';

export type AccountQueries = ReturnType<typeof createAccountQueries>;

export function createAccountQueries({ db }: { db: Db }) {
  return {
    async countUsers() {
      const [row] = await db.select({ n: count() }).from(users);
      return Number(row?.n ?? 0);
    },
    async insertUser(values: { email: string; passwordHash: string }) {
      const [user] = await db.insert(users).values(values).onConflictDoNothing().returning();
      return user ?? null;
    },
    async findUserByEmail(email: string) {
      const [user] = await db.select().from(users).where(eq(users.email, email));
      return user ?? null;
    },
    async insertSession(values: { tokenHash: string; userId: string; expiresAt: Date }) {
      await db.insert(sessions).values(values);
    },
    async findSessionUser(tokenHash: string, now: Date) {
      const [row] = await db
        .select({ id: users.id, email: users.email, createdAt: users.createdAt })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
      return row ?? null;
    },
    async deleteSession(tokenHash: string) {
      await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    },
    async deleteExpiredSessions(now: Date) {
      await db.delete(sessions).where(lt(sessions.expiresAt, now));
    },
  };
}
