import { z } from 'zod';

/** How many rows a page of any list holds unless `?limit=` says otherwise, and the most it may ask for. */
export const defaultPageLimit = 50;
export const maxPageLimit = 200;

/**
 * `?limit=&cursor=` for every list: `limit` 1–200 (50 when absent), `cursor` the previous page's `nextCursor`,
 * opaque to clients (the server checks its shape when it decodes it).
 * @example PageQuery.parse({ limit: '20' }) // { limit: 20 }
 */
export const PageQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `limit is a whole number from 1 to ${maxPageLimit}.`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `limit is a whole number from 1 to ${maxPageLimit}.`)
        .max(maxPageLimit, `limit is at most ${maxPageLimit}.`),
    )
    .default(defaultPageLimit),
  cursor: z
    .string()
    .min(1, 'cursor is the nextCursor of a previous page.')
    .max(2000, 'cursor is the nextCursor of a previous page.')
    .optional(),
});
export type PageQuery = z.output<typeof PageQuery>;

/** Contacts take `?q=` too: a part of the name or handle, any case. */
export const ContactsQuery = PageQuery.extend({ q: z.string().trim().max(200).optional() });
export type ContactsQuery = z.output<typeof ContactsQuery>;

/** Null on the last page; otherwise pass it back as `?cursor=` for the next one. */
export const NextCursor = z.string().nullable();

/**
 * A page answer: the list under its usual key (`{ contacts: [...] }`), other fields, and `nextCursor`.
 * @example paged({ contacts: z.array(Contact) })
 */
export const paged = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, nextCursor: NextCursor });
