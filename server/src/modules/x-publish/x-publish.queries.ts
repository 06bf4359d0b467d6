import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { PostStatus } from '@perch/shared';
import type { Db } from '../../db/client.ts';
import { isoInstant, keyset } from '../../lib/keyset.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { interactions } from '../interactions/interactions.table.ts';
import { recentTweetCache } from '../recent-tweets/recent-tweets.table.ts';
import { xPostingBlocks, xPostParts, xPosts } from './x-publish.table.ts';

export type PostRow = typeof xPosts.$inferSelect;
export type PartRow = typeof xPostParts.$inferSelect;
export type PartInput = Pick<PartRow, 'text' | 'mediaIds' | 'poll'>;
export type XPublishQueries = ReturnType<typeof createXPublishQueries>;

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

// createdAt is set from a JavaScript Date (milliseconds), so toISOString() is the stored value exactly.
const newestFirst = keyset<PostRow>({
  columns: [xPosts.createdAt, xPosts.id],
  types: ['timestamptz', 'uuid'],
  direction: 'desc',
  cursor: z.tuple([isoInstant, z.guid()]),
  keysOf: (row) => [row.createdAt.toISOString(), row.id],
});

const editable: PostStatus[] = ['draft', 'scheduled', 'needs_attention'];

/**
 * The post may be changed or deleted: editable, and none of its parts possibly on X (sent, in doubt, published) or
 * held by a worker right now. One condition in the statement itself, so a worker picking the post up meanwhile
 * cannot lose a part that is on its way to X.
 */
const untouched = (now: Date) => sql`${inArray(xPosts.status, editable)} AND NOT EXISTS (
  SELECT 1 FROM ${xPostParts} WHERE ${xPostParts.postId} = ${xPosts.id}
  AND (${inArray(xPostParts.state, ['sending', 'unknown', 'published'])} OR ${xPostParts.leaseExpiresAt} > ${at(now)}))`;

export function createXPublishQueries({ db }: { db: Db }) {
  const partsOf = (postIds: string[]) =>
    postIds.length === 0
      ? Promise.resolve([] as PartRow[])
      : db
          .select()
          .from(xPostParts)
          .where(inArray(xPostParts.postId, postIds))
          .orderBy(asc(xPostParts.postId), asc(xPostParts.position));

  return {
    partsOf,
    /** The post and its parts in one transaction: no part is ever without its post, nor a post without parts. */
    async insertPost(values: typeof xPosts.$inferInsert, parts: PartInput[], now: Date) {
      return db.transaction(async (tx) => {
        const [post] = await tx.insert(xPosts).values(values).returning();
        await tx
          .insert(xPostParts)
          .values(
            parts.map((p, position) => ({ ...p, postId: post!.id, position, updatedAt: now })),
          );
        return post!;
      });
    },
    /** Replaces the post and its parts if it is untouched (see above); null when it is not (any more). */
    async replacePost(
      id: string,
      set: Partial<typeof xPosts.$inferInsert>,
      parts: PartInput[],
      now: Date,
    ) {
      return db.transaction(async (tx) => {
        const [post] = await tx
          .update(xPosts)
          .set(set)
          .where(and(eq(xPosts.id, id), untouched(now)))
          .returning();
        if (!post) return null;
        await tx.delete(xPostParts).where(eq(xPostParts.postId, id));
        await tx
          .insert(xPostParts)
          .values(parts.map((p, position) => ({ ...p, postId: id, position, updatedAt: now })));
        return post;
      });
    },
    async find(userId: string, id: string) {
      const [row] = await db
        .select()
        .from(xPosts)
        .where(and(eq(xPosts.userId, userId), eq(xPosts.id, id)));
      return row ?? null;
    },
    async findById(id: string) {
      const [row] = await db.select().from(xPosts).where(eq(xPosts.id, id));
      return row ?? null;
    },
    async page(
      userId: string,
      { status, limit, cursor }: { status?: PostStatus; limit: number; cursor?: string },
    ) {
      const rows = await db
        .select()
        .from(xPosts)
        .where(
          and(
            eq(xPosts.userId, userId),
            status ? eq(xPosts.status, status) : undefined,
            newestFirst.after(cursor),
          ),
        )
        .orderBy(...newestFirst.orderBy)
        .limit(limit + 1);
      return newestFirst.page(rows, limit);
    },
    /** `onlyIn`: the update happens only while the post is in one of these statuses (a compare-and-set). */
    async updatePost(
      id: string,
      set: Partial<typeof xPosts.$inferInsert>,
      onlyIn?: readonly PostStatus[],
    ) {
      const [row] = await db
        .update(xPosts)
        .set(set)
        .where(and(eq(xPosts.id, id), onlyIn ? inArray(xPosts.status, [...onlyIn]) : undefined))
        .returning();
      return row ?? null;
    },
    /** Deletes the post if it is untouched (see above); false when it is not. */
    async deletePost(id: string, now: Date) {
      const rows = await db
        .delete(xPosts)
        .where(and(eq(xPosts.id, id), untouched(now)))
        .returning({ id: xPosts.id });
      return rows.length === 1;
    },
    /**
     * Makes `owner` the part's only sender until `expiresAt`: taken when no one holds it, its lease has run out,
     * or `owner` holds it already. One UPDATE, so two workers (in two processes) cannot both win it.
     */
    async claimPart(postId: string, position: number, owner: string, now: Date, expiresAt: Date) {
      const [row] = await db
        .update(xPostParts)
        .set({ leaseOwner: owner, leaseExpiresAt: expiresAt })
        .where(
          and(
            eq(xPostParts.postId, postId),
            eq(xPostParts.position, position),
            ne(xPostParts.state, 'published'),
            or(
              isNull(xPostParts.leaseOwner),
              lte(xPostParts.leaseExpiresAt, at(now)),
              eq(xPostParts.leaseOwner, owner),
            ),
          ),
        )
        .returning();
      return row ?? null;
    },
    /** Changes a part only while `owner` holds its lease; null when it lost it (then it must stop). */
    async updatePart(
      postId: string,
      position: number,
      owner: string,
      set: Partial<typeof xPostParts.$inferInsert>,
    ) {
      const [row] = await db
        .update(xPostParts)
        .set(set)
        .where(
          and(
            eq(xPostParts.postId, postId),
            eq(xPostParts.position, position),
            eq(xPostParts.leaseOwner, owner),
          ),
        )
        .returning();
      return row ?? null;
    },
    async resetFailedParts(postId: string, now: Date) {
      await db
        .update(xPostParts)
        .set({ state: 'pending', error: null, updatedAt: now })
        .where(and(eq(xPostParts.postId, postId), eq(xPostParts.state, 'failed')));
    },
    /** Posts a worker should look at now: scheduled and due, or publishing and not held back. */
    async due(now: Date, limit = 200) {
      return db
        .select({ id: xPosts.id })
        .from(xPosts)
        .where(
          and(
            or(
              and(eq(xPosts.status, 'scheduled'), lte(xPosts.scheduledAt, at(now))),
              inArray(xPosts.status, ['publishing', 'uploading']),
            ),
            or(isNull(xPosts.waitingUntil), lte(xPosts.waitingUntil, at(now))),
          ),
        )
        .orderBy(asc(xPosts.scheduledAt))
        .limit(limit);
    },
    /** Another of the user's parts with the same key that X has (for the duplicate-content sentence). */
    async publishedWithKey(userId: string, outboxKey: string, notPostId: string) {
      const [row] = await db
        .select({ postId: xPostParts.postId, xPostId: xPostParts.xPostId })
        .from(xPostParts)
        .innerJoin(xPosts, eq(xPosts.id, xPostParts.postId))
        .where(
          and(
            eq(xPosts.userId, userId),
            eq(xPostParts.outboxKey, outboxKey),
            eq(xPostParts.state, 'published'),
            ne(xPostParts.postId, notPostId),
          ),
        )
        .limit(1);
      return row ?? null;
    },
    /** X ids the user's parts already stand for: reconciling never takes one of them for another part. */
    async claimedXIds(userId: string, xIds: string[]) {
      if (xIds.length === 0) return new Set<string>();
      const rows = await db
        .select({ xPostId: xPostParts.xPostId })
        .from(xPostParts)
        .innerJoin(xPosts, eq(xPosts.id, xPostParts.postId))
        .where(and(eq(xPosts.userId, userId), inArray(xPostParts.xPostId, xIds)));
      return new Set(rows.map((r) => r.xPostId!));
    },
    async block(userId: string) {
      const [row] = await db.select().from(xPostingBlocks).where(eq(xPostingBlocks.userId, userId));
      return row ?? null;
    },
    async setBlock(
      userId: string,
      kind: 'usage_capped' | 'credits_depleted',
      sentence: string,
      now: Date,
    ) {
      await db
        .insert(xPostingBlocks)
        .values({ userId, kind, sentence, at: now })
        .onConflictDoUpdate({ target: xPostingBlocks.userId, set: { kind, sentence, at: now } });
    },
    async clearBlock(userId: string) {
      await db.delete(xPostingBlocks).where(eq(xPostingBlocks.userId, userId));
    },
    /**
     * The user's contact who wrote X post `xPostId`, as far as Perch has seen it: a mention or reply of theirs
     * on a timeline, or one of their recent tweets in the cache.
     */
    async contactForTweet(userId: string, xPostId: string) {
      const [seen] = await db
        .select({ contactId: interactions.contactId })
        .from(interactions)
        .where(
          and(
            eq(interactions.userId, userId),
            eq(interactions.xId, xPostId),
            eq(interactions.direction, 'inbound'),
          ),
        )
        .limit(1);
      if (seen) return seen.contactId;
      const [cached] = await db
        .select({ contactId: contacts.id })
        .from(recentTweetCache)
        .innerJoin(
          contacts,
          and(eq(contacts.userId, userId), eq(contacts.xUserId, recentTweetCache.xUserId)),
        )
        .where(sql`${recentTweetCache.tweets} @> ${JSON.stringify([{ id: xPostId }])}::jsonb`)
        .limit(1);
      return cached?.contactId ?? null;
    },
  };
}
