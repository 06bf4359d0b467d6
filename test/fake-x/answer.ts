import type { IncomingHttpHeaders } from 'node:http';
import type { AccountStore } from './accounts.ts';
import { budgetedOperationOf, type CookieBudgets } from './cookie-budgets.ts';
import { answerGraphql, readFeatures, readVariables } from './graphql.ts';
import type { TweetStore } from './tweets.ts';
import { rateLimitHeaders } from './rate-limits.ts';
import {
  accountLocked,
  accountSuspended,
  csrfMismatch,
  emptyNotFound,
  featuresCannotBeNull,
  html,
  looksAutomated,
  notAuthenticated,
  overCapacity,
  queryUnspecified,
  rateLimitExceeded,
  type FakeReply,
} from './replies.ts';
import { answerRest, settingsPage } from './rest.ts';
import type { FakeXMode, FakeXTweet } from './types.ts';
import { isFakeXOperation, type WebClient } from './web-client.ts';

export interface FakeXState {
  accounts: AccountStore;
  tweets: TweetStore;
  mode: FakeXMode;
  resetAt: Date;
  /** Play the real X (StartFakeXOptions.strict). */
  strict: boolean;
  /** The web client's current query ids, features and bearer. */
  client: WebClient;
  /** Strict mode's per-account budgets. */
  budgets: CookieBudgets;
  /** The ad on every timeline page (setPromoted). */
  promoted: FakeXTweet | null;
  /** The fake's clock, epoch ms. */
  now: () => number;
}

/** One request to x.com or the API hosts; `body` is a GraphQL POST's parsed JSON body. */
export interface XRequest {
  url: URL;
  headers: IncomingHttpHeaders;
  body?: unknown;
}

// What 'features_changed' says is missing: a name no client sends, as when X starts requiring a new one.
export const inventedFeature = 'responsive_web_fake_x_unreleased_feature_enabled';

export const graphqlOperation = (path: string) =>
  path.startsWith('/i/api/graphql/') ? (path.split('/').at(-1) ?? null) : null;

/** Decides the answer to one request, the way X would, given the fake's current mode. */
export function answer(
  request: XRequest,
  state: FakeXState,
  mode: FakeXMode = state.mode,
): FakeReply {
  const path = request.url.pathname;
  const operation = graphqlOperation(path);
  const isApi = path.startsWith('/i/api/') || path.startsWith('/1.1/');
  const isSettingsPage = path === '/settings/account';

  if (mode === 'server_error') return overCapacity();
  if (mode === 'rate_limited') {
    return { ...rateLimitExceeded(), headers: rateLimitHeaders(0, state.resetAt) };
  }
  if (operation !== null && mode === 'graphql_404') return emptyNotFound();
  if (!isApi && !isSettingsPage)
    return html(404, '<!DOCTYPE html><title>Page not found / X</title>');

  const cookies = parseCookies(request.headers.cookie);
  if (isSettingsPage) {
    // The web page needs only the session cookie (no bearer, no csrf).
    const me = state.accounts.byAuthToken(cookies.auth_token);
    if (mode === 'expired' || !me)
      return html(401, '<!DOCTYPE html><title>Log in to X / X</title>');
    return settingsPage(me);
  }
  const budgeted = state.strict ? budgetedOperationOf(path, operation) : null;
  if (!budgeted) return answerApi(request, operation, state, mode);
  // Strict: every request to a budgeted endpoint counts first, whatever its answer turns out to be.
  const { allowed, headers } = state.budgets.take(
    cookies.auth_token ?? 'guest',
    budgeted,
    state.now(),
  );
  const reply = allowed ? answerApi(request, operation, state, mode) : rateLimitExceeded();
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

function answerApi(
  request: XRequest,
  operation: string | null,
  state: FakeXState,
  mode: FakeXMode,
): FakeReply {
  const { url, headers, body } = request;
  // Strict: the client bearer must be the web client's current one; X answers a stale one like dead
  // cookies (Nov 2025, imperatrona/twitter-scraper#53: 401 code 32 with valid cookies).
  if (state.strict && headers.authorization !== `Bearer ${state.client.bearer}`)
    return notAuthenticated();
  // Strict: /i/api/graphql/<queryId>/<Operation> exists only for the current id.
  if (
    state.strict &&
    operation !== null &&
    !state.client.isCurrent(operation, url.pathname.split('/')[4] ?? '')
  ) {
    return queryUnspecified();
  }
  const cookies = parseCookies(headers.cookie);
  const me = state.accounts.byAuthToken(cookies.auth_token);
  if (mode === 'expired' || !me) return notAuthenticated();
  // The API also wants x-csrf-token equal to the ct0 cookie, and a ct0 that belongs to this session.
  const csrfHeader = headers['x-csrf-token'];
  if (mode === 'csrf' || !cookies.ct0 || csrfHeader !== cookies.ct0 || cookies.ct0 !== me.ct0) {
    return csrfMismatch();
  }
  if (mode === 'locked') return accountLocked();
  if (mode === 'suspended') return accountSuspended();
  if (mode === 'automated') return looksAutomated();
  if (operation === null) return answerRest(url, me, state.accounts, state.strict);

  if (mode === 'features_changed') return featuresCannotBeNull([inventedFeature]);
  if (state.strict && isFakeXOperation(operation)) {
    const missing = state.client.missingFeatures(operation, readFeatures(url, body));
    if (missing.length > 0) return featuresCannotBeNull(missing);
  }
  return answerGraphql(operation, readVariables(url, body), {
    accounts: state.accounts,
    tweets: state.tweets,
    strict: state.strict,
    promoted: state.promoted,
    viewer: me,
  });
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}
