import { z } from 'zod';
import { Contact } from './contacts.ts';
import { paged } from './page.ts';

/** What a timeline entry is: a mention of the user, the user's reply, a DM, a bio change or a detected event. */
/** quote_out: the user's quote of the contact's post (published with Perch); reply_out: the user's reply. */
export const interactionKinds = [
  'mention_in',
  'reply_out',
  'quote_out',
  'dm',
  'bio_change',
  'event',
] as const;
export const InteractionKind = z.enum(interactionKinds);
export type InteractionKind = z.infer<typeof InteractionKind>;

export const InteractionDirection = z.enum(['inbound', 'outbound', 'event']);
export type InteractionDirection = z.infer<typeof InteractionDirection>;

export const Interaction = z.object({
  id: z.string(),
  contactId: z.string(),
  kind: InteractionKind,
  direction: InteractionDirection,
  /** X's id of the tweet or DM; for bio changes and events, an id Perch derives so a re-run stays idempotent. */
  xId: z.string(),
  occurredAt: z.iso.datetime(),
  text: z.string().nullable(),
  /** bio_change: { oldBio, newBio }; event: { eventClass, confidence, url? }; tweets: { url? }. */
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.iso.datetime(),
});
export type Interaction = z.infer<typeof Interaction>;

/** Newest first; a page of them (see PageQuery). */
export const Timeline = paged({ contactId: z.string(), interactions: z.array(Interaction) });
export type Timeline = z.infer<typeof Timeline>;

/** Someone who mentioned or replied to the user and is not a contact yet, with their latest item. */
export const UnknownAuthor = z.object({
  xUserId: z.string(),
  /** Null for a DM peer whose handle X did not give. */
  xHandle: z.string().nullable(),
  name: z.string(),
  itemCount: z.number().int(),
  lastOccurredAt: z.iso.datetime(),
  lastText: z.string().nullable(),
});
export type UnknownAuthor = z.infer<typeof UnknownAuthor>;

/** The author with the latest item first; a page of them. */
export const UnknownAuthorList = paged({ authors: z.array(UnknownAuthor) });
export type UnknownAuthorList = z.infer<typeof UnknownAuthorList>;

/** An unknown author made a contact: `created` false when an existing contact had their handle; `moved` items went onto its timeline. */
export const AddedContact = z.object({
  contact: Contact,
  created: z.boolean(),
  moved: z.number().int(),
});
export type AddedContact = z.infer<typeof AddedContact>;
