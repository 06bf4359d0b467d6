import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountStore } from './accounts.ts';
import type { Budget, Budgets } from './budgets.ts';
import { answerDmLookup, dmLookupOf, type DmStore } from './dm.ts';
import type { Bearer, OAuthStore } from './oauth.ts';
import {
  clientForbidden,
  creditsDepleted,
  forbidden,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  usageCapped,
} from './problems.ts';
import { rateLimitHeaders } from './rate-limits.ts';
import { html, overCapacity, pageDoesNotExist, type FakeReply } from './replies.ts';
import type { FakeXMode } from './types.ts';
import { answerUsersByIds, answerUsersMe, type UserExtras } from './users.ts';

export interface ApiV2State {
  accounts: AccountStore;
  dms: DmStore;
  oauth: OAuthStore;
  budgets: Budgets;
  dmBudget: Budget;
  mode: FakeXMode;
  resetAt: Date;
  /** OAuth 1.0a user context besides OAuth 2.0 tokens (server.ts); undefined: OAuth 2.0 only. */
  userContext?: (headers: IncomingHttpHeaders) => Bearer | 'bad' | undefined;
  userExtras?: (userId: string) => UserExtras;
}

export interface ApiV2Request {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The parsed form or JSON body of a POST. */
  params: Record<string, string>;
  now: number;
}

const fifteenMinutes = 15 * 60;
// X's per-user budgets for the lookups that are not DMs.
const usersMeBudget: Budget = { limit: 75, windowSeconds: fifteenMinutes };
const usersBudget: Budget = { limit: 900, windowSeconds: fifteenMinutes };
// The scopes X's document requires of an OAuth 2.0 user token.
const dmScopes = ['dm.read', 'tweet.read', 'users.read'];
const userScopes = ['tweet.read', 'users.read'];

export const isOAuthOrApiV2 = (path: string) =>
  path === '/i/oauth2/authorize' || path.startsWith('/2/');

/** The authorize page (x.com) and API v2 (api.x.com), OAuth endpoints included. */
export function answerApiV2(request: ApiV2Request, state: ApiV2State): FakeReply {
  const { method, url, headers, params, now } = request;
  const path = url.pathname;
  if (path === '/i/oauth2/authorize') {
    if (state.mode === 'server_error')
      return html(
        503,
        '<!DOCTYPE html><title>X</title><p>Something went wrong. Try reloading.</p>',
      );
    return method === 'GET' ? state.oauth.authorize(url, now) : pageDoesNotExist();
  }
  if (path === '/2/oauth2/token' || path === '/2/oauth2/revoke') {
    if (state.mode === 'server_error') {
      if (path === '/2/oauth2/token')
        state.oauth.tokenRequests.push({
          grantType: params.grant_type ?? '',
          status: 503,
          at: now,
        });
      return overCapacity();
    }
    if (method !== 'POST') return pageDoesNotExist();
    return path === '/2/oauth2/token'
      ? state.oauth.token(params, headers.authorization, now)
      : state.oauth.revoke(params, headers.authorization);
  }

  if (state.mode === 'server_error') return serviceUnavailable();
  const route = lookupOf(path, state, now);
  if (!route || method !== 'GET') return pageDoesNotExist();
  if (state.mode === 'rate_limited') {
    const headers = rateLimitHeaders(0, state.resetAt);
    return {
      ...tooManyRequests(),
      headers: { ...headers, 'x-rate-limit-limit': String(route.budget.limit) },
    };
  }

  // As X's gateway does: no budget headers without a valid token; the budget counts requests that
  // reach it, a 400 for bad parameters included.
  const signed = state.userContext?.(headers);
  const bearer =
    signed === 'bad' ? undefined : (signed ?? state.oauth.bearer(headers.authorization, now));
  if (!bearer) return unauthorized();
  // An app X will not serve at all is refused before any budget counts (assumed: no x-rate-limit-*).
  if (state.mode === 'client_forbidden') return clientForbidden(appIdOf(bearer.clientId));
  if (route.scopes.some((s) => !bearer.scopes.has(s))) return forbidden();
  const budget = state.budgets.take(`${bearer.userId} ${route.endpoint}`, route.budget, now);
  if (!budget.allowed) return { ...tooManyRequests(), headers: budget.headers };
  // A spent cap or spent credits come from behind the gateway, with its budget headers (assumed): a
  // 15-minute reset that says nothing about when the cap ends or credits come back.
  if (state.mode === 'usage_capped')
    return { ...usageCapped(accountIdOf(bearer.clientId)), headers: budget.headers };
  if (state.mode === 'credits_depleted')
    return { ...creditsDepleted(accountIdOf(bearer.clientId)), headers: budget.headers };
  const reply = route.answer(url.searchParams, bearer.userId);
  return { ...reply, headers: { ...budget.headers, ...reply.headers } };
}

// X names an app by a number (client_id in its problems) and a developer account by a 19-digit one;
// the fake derives both from the OAuth client id, so they stay the same for one app.
const digitsOf = (seed: string, n: number) =>
  (BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`) % 10n ** BigInt(n))
    .toString()
    .padStart(n, '0');
const appIdOf = (clientId: string) => `2${digitsOf(`app ${clientId}`, 7)}`;
const accountIdOf = (clientId: string) => `1${digitsOf(`account ${clientId}`, 18)}`;

interface Lookup {
  /** What X counts a budget against: the path template. */
  endpoint: string;
  budget: Budget;
  scopes: string[];
  answer(query: URLSearchParams, userId: string): FakeReply;
}

function lookupOf(path: string, state: ApiV2State, now: number): Lookup | undefined {
  if (path === '/2/users/me') {
    return {
      endpoint: path,
      budget: usersMeBudget,
      scopes: userScopes,
      answer: (q, userId) => answerUsersMe(q, userId, state.accounts, state.userExtras),
    };
  }
  if (path === '/2/users') {
    return {
      endpoint: path,
      budget: usersBudget,
      scopes: userScopes,
      answer: (q) => answerUsersByIds(q, state.accounts),
    };
  }
  const dm = dmLookupOf(path);
  if (!dm) return undefined;
  return {
    endpoint: dm.endpoint,
    budget: state.dmBudget,
    scopes: dmScopes,
    answer: (q, userId) => answerDmLookup(dm.lookup, q, userId, state, now),
  };
}
