import {
  maxPageLimit,
  type Contact,
  type ContactList,
  type ContactsQuery,
  type CreateContact,
  type UpdateContact,
} from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { isUuid } from '../../lib/ids.ts';
import type { ContactQueries, ContactRow } from './contacts.queries.ts';

export type ContactsService = ReturnType<typeof createContactsService>;
export type { ContactRow };

/** A contact whose handle was set or changed; its profile (id, bio, avatar) should be fetched from X at once. */
export interface HandleChange {
  userId: string;
  contactId: string;
  xHandle: string;
}

/** What X says about a contact's account. `bio` is '' for an account without one. */
export interface XProfile {
  xUserId: string;
  bio: string | null;
  avatarUrl: string | null;
  name?: string | null;
}

export interface ContactsDeps {
  contactQueries: ContactQueries;
  now: () => Date;
  /** Called after a contact's handle was set or changed (issue 3: refresh that contact alone, in the background). */
  onHandleChanged?: (change: HandleChange) => void | Promise<void>;
}

/** PostgreSQL's unique_violation, as postgres.js and PGlite report it (drizzle may wrap it in `cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 3;
    e = e.cause as typeof e, depth++
  ) {
    if (e.code === '23505') return true;
  }
  return false;
}

const notFound = () =>
  new ProblemError(
    404,
    'contact.not_found',
    'Contact not found',
    'No contact with this id belongs to you.',
  );
const handleTaken = (handle: string) =>
  new ProblemError(
    409,
    'contact.handle_taken',
    'Handle already used',
    `Another of your contacts already has the X handle @${handle}.`,
  );
const sameHandle = (a: string | null, b: string | null) =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export const toContact = (row: ContactRow, hasAvatar: boolean): Contact => ({
  id: row.id,
  name: row.name,
  xHandle: row.xHandle,
  xUserId: row.xUserId,
  bio: row.bio,
  avatarUrl: row.avatarUrl,
  avatarPath: hasAvatar ? `/api/v1/contacts/${row.id}/avatar` : null,
  bioCheckedAt: row.bioCheckedAt?.toISOString() ?? null,
  notes: row.notes,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export function createContactsService({
  contactQueries,
  now,
  onHandleChanged = () => {},
}: ContactsDeps) {
  async function handleChanged(row: ContactRow) {
    if (row.xHandle)
      await onHandleChanged({ userId: row.userId, contactId: row.id, xHandle: row.xHandle });
  }
  async function withAvatarFlag(row: ContactRow) {
    return toContact(row, (await contactQueries.findAvatar(row.userId, row.id)) !== null);
  }
  /** One page of the user's contacts by name (`q`: whose name or handle contains it), as GET /contacts answers. */
  async function page(
    userId: string,
    query: Omit<ContactsQuery, 'q'> & { q?: string },
  ): Promise<ContactList> {
    const { rows, nextCursor } = await contactQueries.page(userId, query);
    const avatars = await contactQueries.withAvatar(
      userId,
      rows.map((r) => r.id),
    );
    return {
      contacts: rows.map(({ sortName: _, ...row }) => toContact(row, avatars.has(row.id))),
      nextCursor,
    };
  }
  async function getRow(userId: string, id: string) {
    const row = isUuid(id) ? await contactQueries.find(userId, id) : null;
    if (!row) throw notFound();
    return row;
  }

  return {
    getRow,
    get: async (userId: string, id: string) => withAvatarFlag(await getRow(userId, id)),

    page,
    /** The first page's contacts (at most 200): for tests, and callers that know the user has few. */
    list: async (userId: string) => (await page(userId, { limit: maxPageLimit })).contacts,

    /** These of the user's contacts, with a handle or not. */
    withIds: (userId: string, ids: string[]) => contactQueries.withIds(userId, ids),

    /** `input` is CreateContact's output; a contact without a name is named after its handle until X says better. */
    async create(
      userId: string,
      input: { name: string; xHandle?: string | null; notes: string; xUserId?: string | null },
    ) {
      const xHandle = input.xHandle ?? null;
      const at = now();
      const row = await contactQueries
        .insert({
          userId,
          name: input.name || xHandle!,
          xHandle,
          xUserId: input.xUserId ?? null,
          notes: input.notes,
          createdAt: at,
          updatedAt: at,
        })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? handleTaken(xHandle ?? '') : error;
        });
      await handleChanged(row);
      return { contact: toContact(row, false), row, handleChanged: xHandle !== null };
    },

    /** A handle edit clears what belonged to the old account (X id, bio, avatar) and reports `handleChanged`. */
    async update(
      userId: string,
      id: string,
      patch: { name?: string; xHandle?: string | null; notes?: string },
    ) {
      const before = await getRow(userId, id);
      const changed = patch.xHandle !== undefined && !sameHandle(patch.xHandle, before.xHandle);
      const set = {
        ...patch,
        ...(changed ? { xUserId: null, bio: null, avatarUrl: null, bioCheckedAt: null } : {}),
        updatedAt: now(),
      };
      const row = await contactQueries.update(userId, id, set).catch((error: unknown) => {
        throw isUniqueViolation(error) ? handleTaken(patch.xHandle ?? '') : error;
      });
      if (!row) throw notFound();
      if (changed) {
        await contactQueries.deleteAvatar(id);
        await handleChanged(row);
      }
      return { contact: await withAvatarFlag(row), handleChanged: changed };
    },

    async delete(userId: string, id: string) {
      if (!isUuid(id) || !(await contactQueries.delete(userId, id))) throw notFound();
    },

    findByXUserIdOrHandle: (userId: string, xUserId: string | null, handle: string | null) =>
      contactQueries.findByXUserIdOrHandle(userId, xUserId, handle),

    /**
     * Records what X says about a contact's account. The first bio ever seen is stored silently; a different bio
     * later is a change (`bioChanged`, with the old and new text) for the caller to put on the timeline and
     * announce. Of two runs racing on the same change only one reports it. Null when the contact is gone.
     */
    async updateProfileFromX(contactId: string, profile: XProfile) {
      const row = await contactQueries.findById(contactId);
      if (!row) return null;
      const newBio = profile.bio ?? '';
      const firstBio = row.bio === null;
      // Another contact of this user may already hold this X id (two handles typed for one account): keep theirs.
      const holder = await contactQueries.findByXUserIdOrHandle(row.userId, profile.xUserId, null);
      const xUserId = holder && holder.id !== row.id ? row.xUserId : profile.xUserId;
      const name = profile.name && row.name === row.xHandle ? profile.name : row.name;
      const at = now();
      const updated = await contactQueries.updateBioIf(row.id, row.bio, {
        xUserId,
        bio: newBio,
        avatarUrl: profile.avatarUrl,
        name,
        bioCheckedAt: at,
        updatedAt: at,
      });
      if (!updated)
        return {
          contact: row,
          bioChanged: false,
          firstBio: false,
          oldBio: row.bio,
          newBio,
          avatarChanged: false,
        };
      return {
        contact: updated,
        bioChanged: !firstBio && row.bio !== newBio,
        firstBio,
        oldBio: row.bio,
        newBio,
        avatarChanged: profile.avatarUrl !== null && profile.avatarUrl !== row.avatarUrl,
      };
    },

    /** Contacts to check on X in a round that began at `roundStartedAt` (null: all), the longest unchecked first. */
    dueForProfileCheck: (userId: string, roundStartedAt: Date | null) =>
      contactQueries.dueForProfileCheck(userId, roundStartedAt),
    /** How far a round of profile checks got: contacts with a handle, and those checked since it began. */
    profileCheckProgress: (userId: string, roundStartedAt: Date) =>
      contactQueries.profileCheckCounts(userId, roundStartedAt),
    /** X had nothing to read about the contact (gone, suspended, protected): checked all the same, so it waits its turn. */
    markProfileChecked: (contactId: string) => contactQueries.markProfileChecked(contactId, now()),

    /** The X address of the avatar Perch holds for a contact, or null: a profile naming another one needs a download. */
    avatarSource: (contactId: string) => contactQueries.findAvatarSource(contactId),

    /** Keeps Perch's copy of a contact's avatar (downloaded by the caller from `sourceUrl`). */
    async storeAvatar(
      contactId: string,
      avatar: { contentType: string; bytes: Buffer; sourceUrl: string },
    ) {
      const row = await contactQueries.findById(contactId);
      if (!row) return false;
      await contactQueries.upsertAvatar({
        contactId,
        userId: row.userId,
        ...avatar,
        fetchedAt: now(),
      });
      return true;
    },

    async getAvatar(userId: string, contactId: string) {
      return isUuid(contactId) ? contactQueries.findAvatar(userId, contactId) : null;
    },
  };
}

export type { CreateContact, UpdateContact };
