import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../db/columns.ts';
import { users } from '../accounts/accounts.table.ts';

/**
 * A person in the user's CRM. The X handle is kept as typed (without @) and is unique per user ignoring case,
 * because X handles are; the X user id is what a handle resolved to, cleared when the handle is edited.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    xHandle: text(),
    xUserId: text(),
    bio: text(),
    /** The avatar's address on X; Perch's own copy lives in contact_avatars. */
    avatarUrl: text(),
    bioCheckedAt: timestamp({ withTimezone: true }),
    notes: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_user_handle_unique').on(t.userId, sql`lower(${t.xHandle})`),
    uniqueIndex('contacts_user_x_user_id_unique').on(t.userId, t.xUserId),
    // GET /contacts pages by lower(name), id (lib/keyset.ts): one index range scan per page.
    index('contacts_user_lower_name_id_index').on(t.userId, sql`lower(${t.name})`, t.id),
  ],
);

/**
 * Perch's downloaded copy of a contact's avatar, served same-origin (the pages' CSP allows no other images).
 * In the database rather than on disk so that it is backed up with it and two servers on one PostgreSQL share
 * it; in its own table so that listing contacts never reads image bytes.
 */
export const contactAvatars = pgTable('contact_avatars', {
  contactId: uuid()
    .primaryKey()
    .references(() => contacts.id, { onDelete: 'cascade' }),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  contentType: text().notNull(),
  bytes: bytea().notNull(),
  /** The X address these bytes came from: a profile whose avatarUrl differs needs a new download. */
  sourceUrl: text().notNull(),
  fetchedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
