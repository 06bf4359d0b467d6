import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { extensionOrigin } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { ProblemError, problems } from '../../lib/http-problem.ts';
import type { AccountsService } from './accounts.service.ts';

export const sessionCookieName = 'perch_session';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads the session cookie into c.var.user (null when absent or expired). */
export const sessionUser = (accounts: AccountsService) =>
  createMiddleware<AppEnv>(async function sessionUser(c, next) {
    const token = getCookie(c, sessionCookieName);
    c.set('user', token ? await accounts.userForSessionToken(token) : null);
    await next();
  });

/**
 * CSRF: a request that rides on the session cookie and changes state must come from Perch's own pages.
 * SameSite=Strict already keeps the cookie off cross-site requests; the Origin check is the second lock.
 * The pinned extension counts as Perch's own: Chrome attaches the server's cookies to its requests too.
 */
export const sameOriginForSession = (publicUrl: string) =>
  createMiddleware<AppEnv>(async function sameOriginForSession(c, next) {
    if (unsafeMethods.has(c.req.method) && getCookie(c, sessionCookieName)) {
      const origin = c.req.header('origin');
      const allowed = new Set([new URL(c.req.url).origin, publicUrl, extensionOrigin]);
      if (!origin || !allowed.has(origin)) {
        throw new ProblemError(
          403,
          'auth.cross_origin',
          'Cross-origin request refused',
          'Changes can only be made from Perch’s own pages.',
        );
      }
    }
    await next();
  });

export const requireUser = createMiddleware<AppEnv>(async function requireUser(c, next) {
  if (!c.var.user) throw problems.unauthenticated();
  await next();
});
