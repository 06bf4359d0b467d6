import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { MediaKind } from '@perch/shared';
import type { Db } from '../../db/client.ts';
import { xMedia as m, xMediaChunks as c } from './x-media.table.ts';

export type XMediaQueries = ReturnType<typeof createXMediaQueries>;
export type XMediaRow = typeof m.$inferSelect;
/** What an uploader may change on its media's row (only while it holds the lease). */
export type XMediaUploadPatch = Partial<
  Pick<
    XMediaRow,
    | 'state'
    | 'progress'
    | 'error'
    | 'xMediaId'
    | 'xMediaKey'
    | 'xExpiresAt'
    | 'segmentsSent'
    | 'finalizedAt'
    | 'altTextSent'
    | 'checkAfter'
    | 'processingSince'
  >
>;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export function createXMediaQueries({ db }: { db: Db }) {
  return {
    async create(
      userId: string,
      file: { kind: MediaKind; mimeType: string; fileName: string },
      now: Date,
    ) {
      const [row] = await db
        .insert(m)
        .values({ userId, ...file, state: 'receiving', createdAt: now, updatedAt: now })
        .returning();
      return row!;
    },
    /** Files whose upload to Perch never finished (the process stopped while the body was arriving). */
    async removeAbandoned(before: Date) {
      await db.delete(m).where(and(eq(m.state, 'receiving'), lt(m.createdAt, before)));
    },
    async putChunk(mediaId: string, index: number, data: Buffer) {
      await db.insert(c).values({ mediaId, index, data });
    },
    async markStored(id: string, bytes: number, sha256: string, now: Date) {
      await db
        .update(m)
        .set({ state: 'stored', bytes, sha256, updatedAt: now })
        .where(eq(m.id, id));
    },
    /** The user's media, never another user's nor one still arriving. */
    async byIds(userId: string, ids: string[]) {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(m)
        .where(and(eq(m.userId, userId), inArray(m.id, ids), ne(m.state, 'receiving')));
    },
    async setAltText(userId: string, id: string, altText: string, now: Date) {
      const [row] = await db
        .update(m)
        .set({ altText, updatedAt: now })
        .where(and(eq(m.userId, userId), eq(m.id, id), ne(m.state, 'receiving')))
        .returning();
      return row ?? null;
    },
    async remove(userId: string, id: string) {
      const rows = await db
        .delete(m)
        .where(and(eq(m.userId, userId), eq(m.id, id)))
        .returning({ id: m.id });
      return rows.length === 1;
    },
    async removeById(id: string) {
      await db.delete(m).where(eq(m.id, id));
    },
    async chunk(mediaId: string, index: number) {
      const [row] = await db
        .select({ data: c.data })
        .from(c)
        .where(and(eq(c.mediaId, mediaId), eq(c.index, index)));
      return row?.data ?? null;
    },
    async chunkCount(mediaId: string) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(c)
        .where(eq(c.mediaId, mediaId));
      return row?.n ?? 0;
    },
    /**
     * Takes (or renews) the upload lease on a media: only when nobody holds it, the holder's lease ran out (its
     * process stopped), or `owner` holds it already. Atomic, so of two processes asking at once one gets it.
     */
    async takeLease(id: string, owner: string, now: Date, until: Date) {
      const [row] = await db
        .update(m)
        .set({ leaseOwner: owner, leaseUntil: until })
        .where(
          and(
            eq(m.id, id),
            or(isNull(m.leaseUntil), lt(m.leaseUntil, at(now)), eq(m.leaseOwner, owner)),
          ),
        )
        .returning();
      return row ?? null;
    },
    /** Saves an uploader's step, only while it still holds the lease (false: another process took over). */
    async saveUpload(id: string, owner: string, patch: XMediaUploadPatch, now: Date, until: Date) {
      const rows = await db
        .update(m)
        .set({ ...patch, leaseUntil: until, updatedAt: now })
        .where(and(eq(m.id, id), eq(m.leaseOwner, owner)))
        .returning({ id: m.id });
      return rows.length === 1;
    },
    async releaseLease(id: string, owner: string) {
      await db
        .update(m)
        .set({ leaseOwner: null, leaseUntil: null })
        .where(and(eq(m.id, id), eq(m.leaseOwner, owner)));
    },
    async row(id: string) {
      const [row] = await db.select().from(m).where(eq(m.id, id));
      return row ?? null;
    },
  };
}
