import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { xWebClient } from './x-web-client.table.ts';

export type XWebClientRow = typeof xWebClient.$inferSelect;
export type XWebClientQueries = ReturnType<typeof createXWebClientQueries>;

// One row for x.com's web client: every user talks to the same one.
const rowId = 'x.com';

export function createXWebClientQueries({ db }: { db: Db }) {
  return {
    async find(): Promise<XWebClientRow | null> {
      const [row] = await db.select().from(xWebClient).where(eq(xWebClient.id, rowId));
      return row ?? null;
    },
    /** Takes the discovery lease until `until`; false while another process holds it. */
    async takeLease(now: Date, until: Date): Promise<boolean> {
      await db.insert(xWebClient).values({ id: rowId }).onConflictDoNothing();
      const rows = await db
        .update(xWebClient)
        .set({ leaseUntil: until })
        .where(
          and(
            eq(xWebClient.id, rowId),
            or(isNull(xWebClient.leaseUntil), lt(xWebClient.leaseUntil, now)),
          ),
        )
        .returning({ id: xWebClient.id });
      return rows.length === 1;
    },
    /** Ends a discovery: what it found (or only when and how it failed), and the lease is given back. */
    async finishDiscovery(
      set: Partial<
        Pick<XWebClientRow, 'queryIds' | 'features' | 'bearer' | 'bundles' | 'discoveredAt'>
      > &
        Pick<XWebClientRow, 'triedAt' | 'outcome'>,
    ) {
      await db
        .update(xWebClient)
        .set({ ...set, leaseUntil: null })
        .where(eq(xWebClient.id, rowId));
    },
  };
}
