import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { MediaKind } from '@perch/shared';
import type { Database, Db } from '../../db/client.ts';
// x-budgets has no service: its queries are what it offers (as in x-dm.queries.ts).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { createXBudgetQueries } from '../x-budgets/x-budgets.queries.ts';
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

// Binary COPY framing (PostgreSQL docs, "COPY" → "Binary Format"): signature, int32 flags, int32 header
// extension length; per row int16 field count, then int32 length + bytes per field; int16 -1 to end.
const copySignature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const copyTrailer = Buffer.from([0xff, 0xff]);

/** The header and the row up to its bytea's bytes: media_id uuid, "index" int4, then data's length. */
function chunkRowHead(mediaId: string, index: number, bytes: number) {
  const head = Buffer.alloc(copySignature.length + 8 + 2 + (4 + 16) + (4 + 4) + 4);
  let at = copySignature.copy(head, 0);
  at = head.writeInt32BE(0, at);
  at = head.writeInt32BE(0, at);
  at = head.writeInt16BE(3, at);
  at = head.writeInt32BE(16, at);
  at += Buffer.from(mediaId.replaceAll('-', ''), 'hex').copy(head, at);
  at = head.writeInt32BE(4, at);
  at = head.writeInt32BE(index, at);
  head.writeInt32BE(bytes, at);
  return head;
}

/**
 * One chunk row by `COPY … FROM STDIN (FORMAT binary)`: the bytes go to the socket as they are, where an INSERT
 * through postgres.js would turn 1 MiB into a 2 MiB hex string (and a flattened copy) in V8's large-object
 * space, freed only at a major GC — 120 MB of resident memory while a video arrived. One COPY per chunk, not
 * per upload: a connection is held for one MiB's write, not for as long as a slow client takes to send a file.
 */
async function copyChunk(client: NonNullable<Database['postgres']>, row: ChunkRow) {
  const query = client`copy x_media_chunks (media_id, "index", data) from stdin (format binary)`;
  // postgres.js 3.4.9 never settles the writable when the server refuses the COPY after its end (a foreign key
  // checked at the end of the statement: the media deleted meanwhile) nor when the connection drops then: the
  // error only reaches the query's reject, which is a no-op once it resolved with the stream
  // (porsager/postgres#1173). Caught there so the upload fails instead of hanging.
  let failed!: (error: unknown) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => {});
  const internal = query as unknown as { reject?: (error: unknown) => void };
  const reject = internal.reject;
  if (typeof reject === 'function')
    internal.reject = (error) => {
      failed(error);
      reject(error);
    };
  const writable: Writable = await Promise.race([query.writable(), failure]);
  const finished = once(writable, 'finish');
  finished.catch(() => {});
  for (const part of [chunkRowHead(row.mediaId, row.index, row.data.byteLength), row.data]) {
    if (!writable.write(part)) await Promise.race([once(writable, 'drain'), failure]);
  }
  writable.end(copyTrailer);
  await Promise.race([finished, failure]);
}

// A hex digit's value by its character code; 255 for anything else.
const hexValue = new Uint8Array(256).fill(255);
for (let i = 0; i < 16; i++)
  hexValue['0123456789abcdef'.charCodeAt(i)] = hexValue['0123456789ABCDEF'.charCodeAt(i)] = i;

/**
 * A bytea as PostgreSQL's text output gives it (`\x` and two hex digits a byte), decoded from the bytes off
 * the wire: postgres.js would make it a 2 MiB string first, then slice and parse it.
 */
function byteaFromText(text: Uint8Array) {
  if (text[0] !== 0x5c || text[1] !== 0x78) throw new Error('bytea not in hex output format');
  const out = Buffer.allocUnsafe((text.length - 2) >> 1);
  for (let i = 0, j = 2; i < out.length; i++, j += 2) {
    const high = hexValue[text[j]!]!;
    const low = hexValue[text[j + 1]!]!;
    if ((high | low) === 255)
      throw new Error('bytea hex output has a character that is not a hex digit');
    out[i] = (high << 4) | low;
  }
  return out;
}

interface ChunkRow {
  mediaId: string;
  index: number;
  data: Buffer;
}

/**
 * The media rows and chunks, and the user's budgets at X's media endpoints. `postgres` (the postgres.js client
 * under `db`, on PostgreSQL) writes chunks by binary COPY; without it (PGlite, which sends a Buffer as binary
 * already) they go by INSERT.
 */
export function createXMediaQueries({ db, postgres }: { db: Db; postgres?: Database['postgres'] }) {
  return {
    ...createXBudgetQueries({ db }),
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
    /** Done with `data` once it resolves: the caller may reuse the buffer. */
    async putChunk(mediaId: string, index: number, data: Buffer) {
      if (postgres) await copyChunk(postgres, { mediaId, index, data });
      else await db.insert(c).values({ mediaId, index, data });
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
    async chunk(mediaId: string, index: number): Promise<Buffer | null> {
      if (postgres) {
        // .raw(): the column's text as the Buffer it arrived in, no string made of it.
        const [row] =
          await postgres`select data from x_media_chunks where media_id = ${mediaId} and "index" = ${index}`.raw();
        return row ? byteaFromText(row[0] as Buffer) : null;
      }
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
