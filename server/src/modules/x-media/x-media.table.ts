import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { MediaKind, MediaState } from '@perch/shared';
import { bytea } from '../../db/columns.ts';
import { users } from '../accounts/accounts.table.ts';

/**
 * A file the user uploaded to Perch for a post, and where its upload to X stands. The file itself is in
 * x_media_chunks, so every process on the database can send it to X and none holds it whole in memory.
 *
 * The X side is resumable: xMediaId is kept with xExpiresAt (X's expires_after_secs), segmentsSent counts the
 * segments X confirmed, in order, and finalizedAt says finalize went through. One uploader at a time, across
 * processes: a lease (leaseOwner until leaseUntil) taken with a conditional UPDATE and renewed at every step,
 * rather than a row lock, which would hold a transaction (and PGlite's only connection) open for a whole upload.
 */
export const xMedia = pgTable(
  'x_media',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text().$type<MediaKind>().notNull(),
    mimeType: text().notNull(),
    fileName: text().notNull(),
    bytes: integer().notNull().default(0),
    /** Hex SHA-256 of the file, set once it is stored whole. */
    sha256: text(),
    altText: text().notNull().default(''),
    /** `receiving` is Perch-internal (the body is still arriving) and never shown; the rest are MediaState. */
    state: text().$type<MediaState | 'receiving'>().notNull(),
    progress: integer().notNull().default(0),
    error: text(),
    xMediaId: text(),
    xMediaKey: text(),
    xExpiresAt: timestamp({ withTimezone: true }),
    segmentsSent: integer().notNull().default(0),
    finalizedAt: timestamp({ withTimezone: true }),
    /** The alt text X has for xMediaId (null: none sent); sent again when the user changes it. */
    altTextSent: text(),
    /** When to ask X's STATUS next (its check_after_secs), and since when processing has been waited for. */
    checkAfter: timestamp({ withTimezone: true }),
    processingSince: timestamp({ withTimezone: true }),
    leaseOwner: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId, t.createdAt)],
);

/** The file of an x_media row in 1 MiB pieces (the last one shorter), index 0, 1, …: X's append segments. */
export const xMediaChunks = pgTable(
  'x_media_chunks',
  {
    mediaId: uuid()
      .notNull()
      .references(() => xMedia.id, { onDelete: 'cascade' }),
    index: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.index] })],
);

export const mediaChunkBytes = 1024 * 1024;
