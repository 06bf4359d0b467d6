import {
  and,
  asc,
  count,
  eq,
  getTableColumns,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  sql,
} from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { keyset } from '../../lib/keyset.ts';
import { contactAvatars, contacts } from './contacts.table.ts';

export type ContactRow = typeof contacts.$inferSelect;
export type ContactQueries = ReturnType<typeof createContactQueries>;

const sameHandle = (handle: string) => sql`lower(${contacts.xHandle}) = lower(${handle})`;
const sortName = sql<string>`lower(${contacts.name})`;

/** By name ignoring case, then id; the key is PostgreSQL's own lower(name), which JavaScript's may differ from. */
const byName = keyset<ContactRow & { sortName: string }>({
  columns: [sortName, contacts.id],
  types: ['text', 'uuid'],
  direction: 'asc',
  cursor: z.tuple([z.string().max(1000), z.guid()]),
  keysOf: (row) => [row.sortName, row.id],
});

/** `q` as a LIKE pattern matching itself anywhere: %, _ and the escape character \ are literal. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createContactQueries({ db }: { db: Db }) {
  return {
    async insert(values: typeof contacts.$inferInsert) {
      const [row] = await db.insert(contacts).values(values).returning();
      return row!;
    },
    /** One page by name; `q` keeps those whose name or handle contains it, any case. */
    async page(
      userId: string,
      { limit, cursor, q }: { limit: number; cursor?: string; q?: string },
    ) {
      const search = q
        ? or(
            ilike(contacts.name, containsPattern(q)),
            ilike(contacts.xHandle, containsPattern(q.replace(/^@/, ''))),
          )
        : undefined;
      const rows = await db
        .select({ ...getTableColumns(contacts), sortName })
        .from(contacts)
        .where(and(eq(contacts.userId, userId), search, byName.after(cursor)))
        .orderBy(...byName.orderBy)
        .limit(limit + 1);
      return byName.page(rows, limit);
    },
    /** These of the user's contacts (ids not theirs are left out). */
    withIds: (userId: string, ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .select()
            .from(contacts)
            .where(and(eq(contacts.userId, userId), inArray(contacts.id, ids))),
    /** Contacts with a handle not checked on X since `before` (all of them when null), the longest unchecked first. */
    dueForProfileCheck: (userId: string, before: Date | null) =>
      db
        .select()
        .from(contacts)
        .where(
          and(
            eq(contacts.userId, userId),
            isNotNull(contacts.xHandle),
            before
              ? or(isNull(contacts.bioCheckedAt), lt(contacts.bioCheckedAt, before))
              : undefined,
          ),
        )
        .orderBy(
          sql`${contacts.bioCheckedAt} ASC NULLS FIRST`,
          asc(sql`lower(${contacts.name})`),
          asc(contacts.id),
        ),
    async profileCheckCounts(userId: string, since: Date) {
      const [row] = await db
        .select({
          total: count(),
          checked:
            sql<number>`count(*) FILTER (WHERE ${gte(contacts.bioCheckedAt, since)})`.mapWith(
              Number,
            ),
        })
        .from(contacts)
        .where(and(eq(contacts.userId, userId), isNotNull(contacts.xHandle)));
      return { total: row?.total ?? 0, checked: row?.checked ?? 0 };
    },
    async markProfileChecked(id: string, at: Date) {
      await db.update(contacts).set({ bioCheckedAt: at }).where(eq(contacts.id, id));
    },
    async find(userId: string, id: string) {
      const [row] = await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.userId, userId), eq(contacts.id, id)));
      return row ?? null;
    },
    /** The id wins over the handle: a handle can move to another account, an id cannot. */
    async findByXUserIdOrHandle(userId: string, xUserId: string | null, handle: string | null) {
      const conditions = [
        xUserId ? eq(contacts.xUserId, xUserId) : undefined,
        handle ? sameHandle(handle) : undefined,
      ].filter((c) => c !== undefined);
      if (conditions.length === 0) return null;
      const rows = await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.userId, userId), or(...conditions)));
      return rows.find((r) => xUserId && r.xUserId === xUserId) ?? rows[0] ?? null;
    },
    async update(userId: string, id: string, set: Partial<typeof contacts.$inferInsert>) {
      const [row] = await db
        .update(contacts)
        .set(set)
        .where(and(eq(contacts.userId, userId), eq(contacts.id, id)))
        .returning();
      return row ?? null;
    },
    /**
     * Stores a bio only if the stored one is still `expectedBio`: of two processes seeing the same change, exactly
     * one gets a row back, so a bio change is announced once.
     */
    async updateBioIf(
      id: string,
      expectedBio: string | null,
      set: Partial<typeof contacts.$inferInsert>,
    ) {
      const stillExpected =
        expectedBio === null ? isNull(contacts.bio) : eq(contacts.bio, expectedBio);
      const [row] = await db
        .update(contacts)
        .set(set)
        .where(and(eq(contacts.id, id), stillExpected))
        .returning();
      return row ?? null;
    },
    async delete(userId: string, id: string) {
      const [row] = await db
        .delete(contacts)
        .where(and(eq(contacts.userId, userId), eq(contacts.id, id)))
        .returning({ id: contacts.id });
      return row !== undefined;
    },
    async findById(id: string) {
      const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
      return row ?? null;
    },
    /** Which of these contacts have an avatar stored (only a page's worth are asked about). */
    withAvatar: async (userId: string, contactIds: string[]) =>
      contactIds.length === 0
        ? new Set<string>()
        : new Set(
            (
              await db
                .select({ contactId: contactAvatars.contactId })
                .from(contactAvatars)
                .where(
                  and(
                    eq(contactAvatars.userId, userId),
                    inArray(contactAvatars.contactId, contactIds),
                  ),
                )
            ).map((r) => r.contactId),
          ),
    async upsertAvatar(values: typeof contactAvatars.$inferInsert) {
      const { contactId, ...rest } = values;
      await db
        .insert(contactAvatars)
        .values(values)
        .onConflictDoUpdate({ target: contactAvatars.contactId, set: rest });
    },
    async deleteAvatar(contactId: string) {
      await db.delete(contactAvatars).where(eq(contactAvatars.contactId, contactId));
    },
    /** Where the stored copy came from, without reading its bytes. */
    async findAvatarSource(contactId: string) {
      const [row] = await db
        .select({ sourceUrl: contactAvatars.sourceUrl })
        .from(contactAvatars)
        .where(eq(contactAvatars.contactId, contactId));
      return row?.sourceUrl ?? null;
    },
    async findAvatar(userId: string, contactId: string) {
      const [row] = await db
        .select()
        .from(contactAvatars)
        .where(and(eq(contactAvatars.userId, userId), eq(contactAvatars.contactId, contactId)));
      return row ?? null;
    },
  };
}
