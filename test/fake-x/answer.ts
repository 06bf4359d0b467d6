import type { IncomingHttpHeaders } from 'node:http';
import type { AccountStore } from './accounts.ts';
import { answerGraphql } from './graphql.ts';
import type { TweetStore } from './tweets.ts';
import { rateLimitHeaders } from './rate-limits.ts';
import {
  csrfMismatch,
  emptyNotFound,
  html,
  notAuthenticated,
  overCapacity,
  rateLimitExceeded,
  type FakeReply,
} from './replies.ts';
import { answerRest, settingsPage } from './rest.ts';
import type { FakeXMode } from './types.ts';

export interface FakeXState {
  accounts: AccountStore;
  tweets: TweetStore;
  mode: FakeXMode;
  resetAt: Date;
}

export const graphqlOperation = (path: string) =>
  path.startsWith('/i/api/graphql/') ? (path.split('/').at(-1) ?? null) : null;

/** Decides the answer to one request, the way X would, given the fake's current mode. */
export function answer(
  url: URL,
  headers: IncomingHttpHeaders,
  state: FakeXState,
  mode: FakeXMode = state.mode,
): FakeReply {
  const path = url.pathname;
  const operation = graphqlOperation(path);
  const isApi = path.startsWith('/i/api/') || path.startsWith('/1.1/');
  const isSettingsPage = path === '/settings/account';

  if (mode === 'server_error') return overCapacity();
  if (mode === 'rate_limited') {
    return { ...rateLimitExceeded(), headers: rateLimitHeaders(0, state.resetAt) };
  }
  if (operation !== null && mode === 'graphql_404') return emptyNotFound();
  if (!isApi && !isSettingsPage) return html(404, '<!DOCTYPE html><title>Page not found / X</title>');

  const cookies = parseCookies(headers.cookie);
  const me = state.accounts.byAuthToken(cookies.auth_token);
  if (mode === 'expired' || !me) {
    return isSettingsPage ? html(401, '<!DOCTYPE html><title>Log in to X / X</title>') : notAuthenticated();
  }
  // The web page needs only the session cookie; the API also wants x-csrf-token equal to the ct0
  // cookie, and a ct0 that belongs to this session.
  if (isSettingsPage) return settingsPage(me);
  const csrfHeader = headers['x-csrf-token'];
  if (mode === 'csrf' || !cookies.ct0 || csrfHeader !== cookies.ct0 || cookies.ct0 !== me.ct0) {
    return csrfMismatch();
  }
  if (operation !== null) return answerGraphql(operation, url, state);
  return answerRest(url, me, state.accounts);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}
