import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Credentials } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
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
    .get('/state', async (c) =>
      c.json({ signedIn: c.var.user !== null, user: c.var.user ? toUser(c.var.user) : null, signUpOpen: await accounts.isSignUpOpen() }),
    )
    .post('/sign-up', validJson(Credentials), async (c) => {
      const { user, session } = await accounts.signUp(c.req.valid('json'));
      startSession(c, session);
      c.var.log.info({ userId: user.id }, 'account created');
      return c.json({ user: toUser(user) }, 201);
    })
    .post('/sign-in', validJson(Credentials), async (c) => {
      const { user, session } = await accounts.signIn(c.req.valid('json'));
      startSession(c, session);
      return c.json({ user: toUser(user) });
    })
    .post('/sign-out', async (c) => {
      const token = getCookie(c, sessionCookieName);
      if (token) await accounts.signOut(token);
      deleteCookie(c, sessionCookieName, { path: '/' });
      return c.body(null, 204);
    });
}
