import { randomBytes } from 'node:crypto';
import type { Credentials } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { sha256 } from '../../lib/ids.ts';
import type { AccountQueries } from './accounts.queries.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';

export const sessionLifetimeMs = 30 * 24 * 3600_000;

export interface AccountsDeps {
  accountQueries: AccountQueries;
  allowSignup: boolean;
  now: () => Date;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

export function createAccountsService({ accountQueries, allowSignup, now }: AccountsDeps) {
  // A real hash to compare against when the email is unknown, so sign-in takes as long either way.
  let decoyHash: Promise<string> | undefined;
  const getDecoyHash = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

  async function startSession(userId: string) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now().getTime() + sessionLifetimeMs);
    await accountQueries.insertSession({ tokenHash: sha256(token), userId, expiresAt });
    return { token, expiresAt };
  }

  return {
    async isSignUpOpen() {
      return allowSignup || (await accountQueries.countUsers()) === 0;
    },

    async signUp(credentials: Credentials & { email: string }) {
      if (!(await this.isSignUpOpen())) {
        throw new ProblemError(
          403,
          'auth.signup_closed',
          'Sign-up is closed',
          'This Perch already has its owner. Sign in instead.',
        );
      }
      const user = await accountQueries.insertUser({
        email: credentials.email,
        passwordHash: await hashPassword(credentials.password),
      });
      if (!user)
        throw new ProblemError(
          409,
          'auth.email_taken',
          'Email already registered',
          'An account with this email exists. Sign in instead.',
        );
      return { user, session: await startSession(user.id) };
    },

    async signIn(credentials: Credentials & { email: string }) {
      const user = await accountQueries.findUserByEmail(credentials.email);
      const valid = await verifyPassword(
        credentials.password,
        user?.passwordHash ?? (await getDecoyHash()),
      );
      if (!user || !valid) {
        throw new ProblemError(
          401,
          'auth.invalid_credentials',
          'Wrong email or password',
          'The email or password is not right.',
        );
      }
      return { user, session: await startSession(user.id) };
    },

    userForSessionToken: (token: string) => accountQueries.findSessionUser(sha256(token), now()),
    signOut: (token: string) => accountQueries.deleteSession(sha256(token)),
  };
}
