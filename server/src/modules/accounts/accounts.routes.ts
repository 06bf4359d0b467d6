import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AuthState, Credentials, SignedIn } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { describeRoute, empty, json, problem } from '../../lib/api-docs.ts';
import { validJson } from '../../lib/validation.ts';
import { sessionCookieName } from './accounts.middleware.ts';
import type { AccountsService } from './accounts.service.ts';
import type { Throttle, ThrottleRule } from '../throttle/throttle.service.ts';

const fifteenMinutes = 15 * 60_000;
/** Wrong passwords from one client address, whichever accounts they were for. */
export const signInAddressRule: ThrottleRule = {
  scope: 'sign-in:address',
  windowMs: fifteenMinutes,
  limit: 30,
  what: 'failed sign-ins',
};
/** Wrong passwords for one account from one address; only 1 while the account is under attack (below). */
export const signInAccountAddressRule: ThrottleRule = {
  scope: 'sign-in:account-address',
  windowMs: fifteenMinutes,
  limit: 10,
  what: 'failed sign-ins',
};
/** Wrong passwords for one account from everywhere: above the limit, each address gets one try per window. */
export const signInAccountRule: ThrottleRule = {
  scope: 'sign-in:account',
  windowMs: fifteenMinutes,
  limit: 100,
  what: 'failed sign-ins',
};
export const signUpAddressRule: ThrottleRule = {
  scope: 'sign-up:address',
  windowMs: 3600_000,
  limit: 10,
  what: 'sign-ups',
};

// Runs after validJson(Credentials), so the body is parsed and the email lowercased.
const emailOf = (c: Context<AppEnv>) =>
  (c.req.valid as (target: 'json') => { email: string })('json').email;
const wrongPassword = (c: Context<AppEnv>) => c.res.status === 401;

const toUser = (u: { id: string; email: string; createdAt: Date }) => ({
  id: u.id,
  email: u.email,
  createdAt: u.createdAt.toISOString(),
});

export function createAccountsRoutes({
  accounts,
  throttle,
  secureCookies,
}: {
  accounts: AccountsService;
  throttle: Throttle;
  secureCookies: boolean;
}) {
  const signInThrottle = [
    throttle.limiter<AppEnv>(signInAddressRule, {
      key: throttle.clientAddress,
      counts: wrongPassword,
    }),
    throttle.limiter<AppEnv>(signInAccountAddressRule, {
      key: (c) => `${emailOf(c)}\n${throttle.clientAddress(c)}`,
      counts: wrongPassword,
      // An address that has not failed still gets its try, so the owner signs in from elsewhere during an attack.
      limit: async (c) =>
        (await throttle.hits(signInAccountRule, emailOf(c))) > signInAccountRule.limit
          ? 1
          : signInAccountAddressRule.limit,
    }),
    // only counts: the rule above reads it
    throttle.limiter<AppEnv>(signInAccountRule, {
      key: emailOf,
      counts: wrongPassword,
      limit: Number.MAX_SAFE_INTEGER,
    }),
  ] as const;
  const signUpThrottle = throttle.limiter<AppEnv>(signUpAddressRule, {
    key: throttle.clientAddress,
  });

  const startSession = (
    c: Parameters<typeof setCookie>[0],
    session: { token: string; expiresAt: Date },
  ) =>
    setCookie(c, sessionCookieName, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookies,
      path: '/',
      expires: session.expiresAt,
    });

  return new Hono<AppEnv>()
    .get(
      '/state',
      describeRoute({
        summary: 'Who is signed in, and whether sign-up is open',
        responses: { 200: json('State', AuthState) },
      }),
    )
    .get('/state', async (c) =>
      c.json({
        signedIn: c.var.user !== null,
        user: c.var.user ? toUser(c.var.user) : null,
        signUpOpen: await accounts.isSignUpOpen(),
      }),
    )
    .post(
      '/sign-up',
      describeRoute({
        summary:
          'Create an account (the owner, while none exists; more with PERCH_ALLOW_SIGNUP=true) and sign in',
        responses: {
          201: json('Signed up; session cookie set', SignedIn),
          403: problem('Sign-up closed (or a change from another origin)'),
          409: problem('Email taken'),
          429: problem(
            'Too many attempts from this address or on this account; Retry-After says when to try again',
          ),
        },
      }),
    )
    .post('/sign-up', signUpThrottle, validJson(Credentials), async (c) => {
      const { user, session } = await accounts.signUp(c.req.valid('json'));
      startSession(c, session);
      c.var.log.info({ userId: user.id }, 'account created');
      return c.json({ user: toUser(user) }, 201);
    })
    .post(
      '/sign-in',
      describeRoute({
        summary: 'Sign in',
        responses: {
          200: json('Signed in; session cookie set', SignedIn),
          401: problem('Wrong email or password'),
          429: problem(
            'Too many attempts from this address or on this account; Retry-After says when to try again',
          ),
        },
      }),
    )
    .post('/sign-in', validJson(Credentials), ...signInThrottle, async (c) => {
      const { user, session } = await accounts.signIn(c.req.valid('json'));
      startSession(c, session);
      return c.json({ user: toUser(user) });
    })
    .post(
      '/sign-out',
      describeRoute({
        summary: 'Sign out (also without a session)',
        responses: { 204: empty('Signed out; session cookie cleared') },
      }),
    )
    .post('/sign-out', async (c) => {
      const token = getCookie(c, sessionCookieName);
      if (token) await accounts.signOut(token);
      deleteCookie(c, sessionCookieName, { path: '/' });
      return c.body(null, 204);
    });
}
