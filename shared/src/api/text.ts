import { z } from 'zod';

/**
 * Text PostgreSQL cannot hold: U+0000 (NUL). A text column refuses it, so a string holding one would fail at the
 * insert; the schemas refuse it first, and text from X is cleaned with `withoutNul` before it is stored.
 */
export const nulMessage =
  'This text holds a NUL character (\\u0000), which Perch cannot store. Remove it and try again.';

/** Whether a string can go into a PostgreSQL text column. */
export const hasNoNul = (s: string) => !s.includes('\u0000');

/** The string without its NUL characters: for text Perch did not type itself (X's bios, names, tweets). */
export const withoutNul = (s: string) => s.replaceAll('\u0000', '');

/**
 * A user-supplied string: refuses NUL (400 naming the field), before any other check or transform.
 * @example text().trim().max(200)
 */
export const text = () => z.string().refine(hasNoNul, { message: nulMessage, abort: true });
