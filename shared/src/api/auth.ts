import { z } from 'zod';
import { text } from './text.ts';

export const Credentials = z.object({
  email: text().pipe(z.email().max(254)).transform((e) => e.toLowerCase()),
  password: text().min(10, 'Use at least 10 characters.').max(1024),
});
export type Credentials = z.input<typeof Credentials>;

export const User = z.object({ id: z.string(), email: z.string(), createdAt: z.iso.datetime() });
export type User = z.infer<typeof User>;
