import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { PollDraft, PostPartView, PostStatus } from '@perch/shared';
import { users } from '../accounts/accounts.table.ts';

export type PartState = PostPartView['state'];

/**
 * A post as the user composed it: one part, or a thread of them. The status is what the user sees; the parts hold
 * what was sent to X and what X said (x_post_parts).
 */
export const xPosts = pgTable(
  'x_posts',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text().$type<PostStatus>().notNull(),
    /** X ids (a pasted URL is reduced to its id when the post is saved). */
    replyTo: text(),
    quoteOf: text(),
    scheduledAt: timestamp({ withTimezone: true }),
    timeZone: text().notNull().default('UTC'),
    attentionReason: text(),
    attentionRetryable: boolean(),
    /** Held back by X's budget (or X's wait for a just-made parent) until then, and the sentence saying so. */
    waitingUntil: timestamp({ withTimezone: true }),
    waitingReason: text(),
    /** 0–100 while the media go to X. */
    uploadProgress: integer(),
    publishedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.userId, t.createdAt, t.id), index().on(t.status, t.scheduledAt)],
);

/**
 * The outbox: one row per part, written (committed) before the part is sent, and moved to `sending` (committed)
 * before the POST. A part found in `sending` or `unknown` is never sent again before the account's own posts were
 * read for it. The lease makes one worker, across every process on the database, the part's only sender.
 */
export const xPostParts = pgTable(
  'x_post_parts',
  {
    postId: uuid()
      .notNull()
      .references(() => xPosts.id, { onDelete: 'cascade' }),
    position: integer().notNull(),
    text: text().notNull(),
    /** Perch's media ids (x-media), in order. */
    mediaIds: jsonb().$type<string[]>().notNull().default([]),
    poll: jsonb().$type<PollDraft>(),
    /**
     * sha256 of the account's X user id, the text, the media, the reply target, the quote and the poll, set when
     * the part is sent (a thread part's reply target is its parent's X id, known only then).
     */
    outboxKey: text(),
    state: text().$type<PartState>().notNull().default('pending'),
    xPostId: text(),
    sendStartedAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    /** A plain sentence when this part is what needs attention. */
    error: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.position] }), index().on(t.outboxKey)],
);

/**
 * The X app is out (429 usage-capped, 402 credits spent) for this user's posts: not a window that ends by itself.
 * Cleared by the next post X takes.
 */
export const xPostingBlocks = pgTable('x_posting_blocks', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  kind: text().$type<'usage_capped' | 'credits_depleted'>().notNull(),
  sentence: text().notNull(),
  at: timestamp({ withTimezone: true }).notNull(),
});
