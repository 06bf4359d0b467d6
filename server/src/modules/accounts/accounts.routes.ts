import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AuthState, Credentials, SignedIn } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { describeRoute, empty, json, problem } from '../api-docs/describe.ts';
import { validJson } from '../../lib/validation.ts';
import { sessionCookieName } from './accounts.middleware.ts';
import type { AccountsService } from './accounts.service.ts';

const toUser = (u: { id: string; email: string; createdAt: Date }) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() });

export function createAccountsRoutes({ accounts, secureCookies }: { accounts: AccountsService; secureCookies: boolean }) {
  const startSession = (c: Parameters<typeof setCookie>[0], session: { token: string; expiresAt: Date }) =>
    setCookie(c, sessionCookieName, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookies,
      path: '/',
      expires: session.expiresAt,
    });

  return new Hono<AppEnv>()
    .get('/state', describeRoute({ summary: 'Who is signed in, and whether sign-up is open', responses: { 200: json('State', AuthState) } }))
    .get('/state', async (c) =>
      c.json({ signedIn: c.var.user !== null, user: c.var.user ? toUser(c.var.user) : null, signUpOpen: await accounts.isSignUpOpen() }),
    )
    .post('/sign-up', describeRoute({
      summary: 'Create an account (the owner, while none exists; more with PERCH_ALLOW_SIGNUP=true) and sign in',
      responses: { 201: json('Signed up; session cookie set', SignedIn), 403: problem('Sign-up closed (or a change from another origin)'), 409: problem('Email taken') },
    }))
    .post('/sign-up', validJson(Credentials), async (c) => {
      const { user, session } = await accounts.signUp(c.req.valid('json'));
      startSession(c, session);
      c.var.log.info({ userId: user.id }, 'account created');
      return c.json({ user: toUser(user) }, 201);
    })
    .post('/sign-in', describeRoute({ summary: 'Sign in', responses: { 200: json('Signed in; session cookie set', SignedIn), 401: problem('Wrong email or password') } }))
    .post('/sign-in', validJson(Credentials), async (c) => {
      const { user, session } = await accounts.signIn(c.req.valid('json'));
      startSession(c, session);
      return c.json({ user: toUser(user) });
    })
    .post('/sign-out', describeRoute({ summary: 'Sign out (also without a session)', responses: { 204: empty('Signed out; session cookie cleared') } }))
    .post('/sign-out', async (c) => {
      const token = getCookie(c, sessionCookieName);
      if (token) await accounts.signOut(token);
      deleteCookie(c, sessionCookieName, { path: '/' });
      return c.body(null, 204);
    });
}
