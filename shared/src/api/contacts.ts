import { z } from 'zod';
import { paged } from './page.ts';
import { text } from './text.ts';

const handlePattern = /^[A-Za-z0-9_]{1,15}$/;

/**
 * An X handle as people type it: "@Jack", "jack" or "https://x.com/jack" all become "Jack" (case kept, compared
 * case-insensitively by the server).
 * @example XHandle.parse(' @jack ') // 'jack'
 */
export const XHandle = text()
  .trim()
  .transform((s) =>
    s
      .replace(/^https?:\/\/(www\.)?(x|twitter)\.com\//i, '')
      .replace(/^@/, '')
      .replace(/[/?#].*$/, ''),
  )
  .pipe(
    z
      .string()
      .regex(handlePattern, 'An X handle has 1 to 15 letters, digits or underscores, like @jack.'),
  );

/** An empty handle field means "no handle". */
const OptionalHandle = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
  XHandle.nullable(),
);

export const CreateContact = z
  .object({
    name: text().trim().max(200).default(''),
    xHandle: OptionalHandle.optional(),
    notes: text().max(20_000).default(''),
  })
  .refine((c) => c.name !== '' || Boolean(c.xHandle), {
    message: 'Give the contact a name or an X handle.',
    path: ['name'],
  });
export type CreateContact = z.input<typeof CreateContact>;

export const UpdateContact = z
  .object({
    name: text().trim().min(1, 'A contact needs a name.').max(200),
    xHandle: OptionalHandle,
    notes: text().max(20_000),
  })
  .partial();
export type UpdateContact = z.input<typeof UpdateContact>;

export const Contact = z.object({
  id: z.string(),
  name: z.string(),
  xHandle: z.string().nullable(),
  xUserId: z.string().nullable(),
  bio: z.string().nullable(),
  /** The avatar's address on X (not loadable by Perch's pages). */
  avatarUrl: z.string().nullable(),
  /** Perch's own copy of the avatar, same-origin; null until it has been downloaded. */
  avatarPath: z.string().nullable(),
  bioCheckedAt: z.iso.datetime().nullable(),
  notes: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Contact = z.infer<typeof Contact>;

export const ContactList = paged({ contacts: z.array(Contact) });
export type ContactList = z.infer<typeof ContactList>;
