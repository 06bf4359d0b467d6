import {
  maxPageLimit,
  type Interaction,
  type InteractionDirection,
  type InteractionKind,
  type PageQuery,
  type UnknownAuthorList,
} from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { sha256 } from '../../lib/ids.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { InteractionQueries, InteractionRow } from './interactions.queries.ts';

export type InteractionsService = ReturnType<typeof createInteractionsService>;

export interface RecordInput {
  contactId: string;
  kind: InteractionKind;
  direction: InteractionDirection;
  xId: string;
  occurredAt: Date;
  text?: string | null;
  data?: Record<string, unknown> | null;
}

export interface UnknownInput extends Omit<RecordInput, 'contactId'> {
  xUserId: string;
  xHandle: string | null;
  name: string;
}

export interface InteractionsDeps {
  interactionQueries: InteractionQueries;
  contacts: ContactsService;
  notifications: NotificationsService;
  now: () => Date;
}

const xUserIdPattern = /^\d{1,20}$/;

/** X ids are 64-bit: compare them as BigInt, never as strings or Numbers. Positive when a is newer. */
export const compareXIds = (a: string, b: string) => {
  const d = BigInt(a) - BigInt(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};

/** Whether `xId` is newer than the stored cursor (no cursor: everything is new). */
export const isAfterCursor = (xId: string, cursor: string | null | undefined) =>
  !cursor || compareXIds(xId, cursor) > 0;

export const toInteraction = (row: InteractionRow): Interaction => ({
  id: row.id,
  contactId: row.contactId,
  kind: row.kind,
  direction: row.direction,
  xId: row.xId,
  occurredAt: row.occurredAt.toISOString(),
  text: row.text,
  data: row.data ?? null,
  createdAt: row.createdAt.toISOString(),
});

const unknownNotFound = () =>
  new ProblemError(
    404,
    'unknown_author.not_found',
    'Author not found',
    'Nobody with this X id mentioned you without being a contact.',
  );

export function createInteractionsService({
  interactionQueries,
  contacts,
  notifications,
}: InteractionsDeps) {
  async function record(userId: string, input: RecordInput) {
    const row = await interactionQueries.insert({ userId, text: null, data: null, ...input });
    return { inserted: row !== null, interaction: row ? toInteraction(row) : null };
  }

  /** One page of a contact's timeline, newest first; 404 unless the contact is this user's. */
  async function timelinePage(userId: string, contactId: string, page: PageQuery) {
    await contacts.getRow(userId, contactId);
    const { rows, nextCursor } = await interactionQueries.timeline(userId, contactId, page);
    return { interactions: rows.map(toInteraction), nextCursor };
  }

  /** One page of the people who mentioned or messaged the user and are not contacts, the latest first. */
  async function unknownAuthorsPage(userId: string, page: PageQuery): Promise<UnknownAuthorList> {
    const { rows, nextCursor } = await interactionQueries.latestUnknownItems(userId, page);
    const counts = await interactionQueries.unknownAuthorCounts(
      userId,
      rows.map((r) => r.xUserId),
    );
    const countBy = new Map(counts.map((c) => [c.xUserId, c.itemCount]));
    const authors = rows.map((item) => ({
      xUserId: item.xUserId,
      xHandle: item.xHandle,
      name: item.name,
      itemCount: countBy.get(item.xUserId) ?? 1,
      lastOccurredAt: item.occurredAt.toISOString(),
      lastText: item.text,
    }));
    return { authors, nextCursor };
  }

  return {
    /** Idempotent: the same user + kind + X id is stored once; `inserted` says whether this call stored it. */
    record,

    timelinePage,
    /** The first page of a timeline (at most 200): for tests, and callers that know it is short. */
    timeline: async (userId: string, contactId: string) =>
      (await timelinePage(userId, contactId, { limit: maxPageLimit })).interactions,

    /**
     * Puts a bio change (from contacts.updateProfileFromX) on the contact's timeline and tells the user, once:
     * the interaction's id is derived from the change itself, and the notification is keyed by it.
     */
    async recordBioChange(
      userId: string,
      change: { contactId: string; contactName: string; oldBio: string; newBio: string; at: Date },
    ) {
      const digest = sha256(`${change.oldBio}\u0000${change.newBio}`).slice(0, 16);
      const xId = `bio:${change.at.getTime()}:${digest}`;
      const result = await record(userId, {
        contactId: change.contactId,
        kind: 'bio_change',
        direction: 'event',
        xId,
        occurredAt: change.at,
        text: change.newBio,
        data: { oldBio: change.oldBio, newBio: change.newBio },
      });
      await notifications.notify(userId, {
        kind: 'bio_change',
        title: `${change.contactName} changed their bio`,
        body: change.newBio,
        contactId: change.contactId,
        dedupeKey: `bio_change:${change.contactId}:${xId}`,
      });
      return result;
    },

    /** Keeps a mention, reply or DM by someone who is not a contact; idempotent like record(). */
    async recordUnknown(userId: string, input: UnknownInput) {
      const row = await interactionQueries.insertUnknown({
        userId,
        text: null,
        data: null,
        ...input,
      });
      return { inserted: row !== null };
    },

    unknownAuthorsPage,
    /** The first page of unknown authors (at most 200): for tests. */
    listUnknownAuthors: async (userId: string) =>
      (await unknownAuthorsPage(userId, { limit: maxPageLimit })).authors,

    /**
     * "Add as contact": makes the author a contact (or finds the one that already has their X id or handle) and
     * moves their items onto its timeline. Safe to repeat: a second call finds the contact and moves nothing.
     */
    async addUnknownAsContact(userId: string, xUserId: string) {
      if (!xUserIdPattern.test(xUserId)) throw unknownNotFound(); // not an id X gives: never a query
      const items = await interactionQueries.unknownItems(userId, xUserId);
      const existing = await contacts.findByXUserIdOrHandle(
        userId,
        xUserId,
        items[0]?.xHandle ?? null,
      );
      if (!existing && items.length === 0) throw unknownNotFound();
      let contactId = existing?.id;
      let created = false;
      if (!contactId) {
        const latest = items[0]!;
        const result = await contacts.create(userId, {
          name: latest.name || `X user ${xUserId}`,
          xHandle: latest.xHandle,
          xUserId,
          notes: '',
        });
        contactId = result.contact.id;
        created = true;
      }
      const moved = await interactionQueries.moveUnknownToContact(userId, xUserId, contactId);
      return { contact: await contacts.get(userId, contactId), created, moved };
    },
  };
}
