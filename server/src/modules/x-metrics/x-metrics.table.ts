import type { MetricsFigures } from '@perch/shared';
import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';

export type SnapshotMark = '1h' | '24h' | '7d' | '29d';
export type SnapshotSource = 'organic' | 'non_public' | 'public';

/**
 * The planned metric snapshots of each published part: four rows written when X confirmed the part (+1 h, +24 h,
 * +7 d, +29 d), filled in when taken. A row is taken once; `takenAt` is when it really was (later than `dueAt`
 * when Perch was down). `postId` is publishing's x_posts.id (no foreign key here: that table is publishing's).
 */
export const xPostMetricSnapshots = pgTable(
  'x_post_metric_snapshots',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    postId: uuid().notNull(),
    position: integer().notNull(),
    xPostId: text().notNull(),
    /** When X confirmed the part: organic and non-public metrics are only asked for within 30 days of it. */
    publishedAt: timestamp({ withTimezone: true }).notNull(),
    mark: text().$type<SnapshotMark>().notNull(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    takenAt: timestamp({ withTimezone: true }),
    source: text().$type<SnapshotSource>(),
    figures: jsonb().$type<MetricsFigures>(),
    /** Failed tries so far; at the cap the snapshot is given up (`lastError` says why). */
    attempts: integer().notNull().default(0),
    /** After a failure: not before this. */
    retryAt: timestamp({ withTimezone: true }),
    /** Safe words only (an XApiError's detail). */
    lastError: text(),
  },
  (t) => [
    uniqueIndex('x_post_metric_snapshots_part_mark').on(t.postId, t.position, t.mark),
    index('x_post_metric_snapshots_due').on(t.dueAt),
  ],
);

/** The account's public figures, one row per user and UTC day. */
export const xAccountMetricDays = pgTable(
  'x_account_metric_days',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date({ mode: 'string' }).notNull(),
    followers: integer().notNull(),
    following: integer().notNull(),
    posts: integer().notNull(),
    takenAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);
