import { z } from 'zod';
import { text } from './text.ts';

export const Credentials = z.object({
  email: text()
    .pipe(z.email().max(254))
    .transform((e) => e.toLowerCase()),
  password: text().min(10, 'Use at least 10 characters.').max(1024),
});
export type Credentials = z.input<typeof Credentials>;

export const User = z.object({ id: z.string(), email: z.string(), createdAt: z.iso.datetime() });
export type User = z.infer<typeof User>;

/** What sign-up (201) and sign-in (200) answer; the session itself is the HttpOnly cookie they set. */
export const SignedIn = z.object({ user: User });
export type SignedIn = z.infer<typeof SignedIn>;

export const AuthState = z.object({
  signedIn: z.boolean(),
  user: User.nullable(),
  signUpOpen: z.boolean(),
});
export type AuthState = z.infer<typeof AuthState>;
