import type { IncomingHttpHeaders } from 'node:http';
import type { AccountStore } from './accounts.ts';
import type { MediaStore } from './media.ts';
import type { OAuthStore } from './oauth.ts';
import type { OAuth1Store } from './oauth1.ts';
import { answerAnalytics, answerPostsByIds, answerUsersPosts } from './post-reads.ts';
import type { FakeXSubscriptionType, PostStore } from './posts.ts';
import {
  creditsDepleted,
  forbidden,
  invalidRequest,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  usageCapped,
} from './problems.ts';
import type { FakeReply } from './replies.ts';
import type { FaultDecision, WriteFaults } from './write-faults.ts';
import type { FakeXWriteEndpoint, WriteLimits } from './write-limits.ts';

// The write side's routes (posts, media, the reads around them): authentication (OAuth 2.0 user
// token with scopes, OAuth 1.0a user context, app Bearer where the document allows it), X's budgets,
// the control's faults, then the answer.

export interface WriteRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body (a media chunk at most, bounded by the fake's body limit). */
  body: Buffer;
  now: number;
}

/** What to do with the answer besides sending it. */
export type WriteOutcome =
  { reply: FakeReply } | { reply: FakeReply; drop: true } | { reply: FakeReply; holdMs: number };

export interface WriteState {
  accounts: AccountStore;
  oauth: OAuthStore;
  oauth1: OAuth1Store;
  posts: PostStore;
  media: MediaStore;
  limits: WriteLimits;
  faults: WriteFaults;
  counts: Map<FakeXWriteEndpoint, number>;
  subscriptionOf(userId: string): FakeXSubscriptionType;
}

/** Who is asking: a user (OAuth 2.0 or 1.0a) or an app alone. */
export type Principal =
  | { kind: 'user'; userId: string; appId: string; scopes: Set<string> | 'all' }
  | { kind: 'app'; appId: string };

interface Route {
  endpoint: FakeXWriteEndpoint;
  /** OAuth 2.0 scopes the document lists for the route. */
  scopes: string[];
  appOnly: boolean;
  answer(
    request: WriteRequest,
    principal: Principal,
    state: WriteState,
  ): FakeReply & {
    created?: boolean;
  };
}

const postScopes = ['tweet.read', 'tweet.write', 'users.read'];
const readScopes = ['tweet.read', 'users.read'];
const mediaScopes = ['media.write'];

export function writeRouteOf(method: string, path: string): Route | undefined {
  if (path === '/2/tweets' && method === 'POST')
    return {
      endpoint: 'createPosts',
      scopes: postScopes,
      appOnly: false,
      answer(request, principal, state) {
        const parsed = parseJson(request.body);
        if (!parsed.ok) return invalidJson();
        const userId = (principal as { userId: string }).userId;
        const { created, reply } = state.posts.create(
          parsed.value,
          userId,
          state.subscriptionOf(userId),
          state.media,
          request.now,
        );
        return { ...reply, created: created !== undefined };
      },
    };
  const deleteMatch = /^\/2\/tweets\/([^/]+)$/.exec(path);
  if (deleteMatch && method === 'DELETE' && deleteMatch[1] !== 'analytics')
    return {
      endpoint: 'deletePosts',
      scopes: postScopes,
      appOnly: false,
      answer: (request, principal, state) =>
        state.posts.delete(deleteMatch[1]!, (principal as { userId: string }).userId, request.now),
    };
  if (path === '/2/tweets' && method === 'GET')
    return {
      endpoint: 'postsByIds',
      scopes: readScopes,
      appOnly: true,
      answer: (request, principal, state) =>
        answerPostsByIds(request.url.searchParams, viewerOf(principal), state.posts, request.now),
    };
  if (path === '/2/tweets/analytics' && method === 'GET')
    return {
      endpoint: 'postsAnalytics',
      scopes: readScopes,
      appOnly: false,
      answer: (request, principal, state) =>
        answerAnalytics(request.url.searchParams, viewerOf(principal)!, state.posts, request.now),
    };
  const usersPosts = /^\/2\/users\/([^/]+)\/tweets$/.exec(path);
  if (usersPosts && method === 'GET')
    return {
      endpoint: 'usersPosts',
      scopes: readScopes,
      appOnly: true,
      answer: (request, principal, state) =>
        answerUsersPosts(
          usersPosts[1]!,
          request.url.searchParams,
          viewerOf(principal),
          state,
          request.now,
        ),
    };
  if (path === '/2/media/upload/initialize' && method === 'POST')
    return mediaRoute('mediaInitialize', (r, userId, s) => s.media.initialize(r, userId));
  const append = /^\/2\/media\/upload\/([^/]+)\/append$/.exec(path);
  if (append && method === 'POST')
    return mediaRoute('mediaAppend', (r, userId, s) => s.media.append(append[1]!, r, userId));
  const finalize = /^\/2\/media\/upload\/([^/]+)\/finalize$/.exec(path);
  if (finalize && method === 'POST')
    return mediaRoute('mediaFinalize', (r, userId, s) => s.media.finalize(finalize[1]!, r, userId));
  if (path === '/2/media/upload' && method === 'GET')
    return mediaRoute('mediaStatus', (r, userId, s) => s.media.status(r, userId));
  if (path === '/2/media/metadata' && method === 'POST')
    return mediaRoute('mediaMetadata', (r, userId, s) => s.media.metadata(r, userId));
  return undefined;
}

export const isWriteRoute = (method: string, path: string) =>
  writeRouteOf(method, path) !== undefined;

function mediaRoute(
  endpoint: FakeXWriteEndpoint,
  answer: (request: WriteRequest, userId: string, state: WriteState) => FakeReply,
): Route {
  return {
    endpoint,
    scopes: mediaScopes,
    appOnly: false,
    answer: (request, principal, state) =>
      answer(request, (principal as { userId: string }).userId, state),
  };
}

const viewerOf = (p: Principal) => (p.kind === 'user' ? p.userId : undefined);

export function authenticate(request: WriteRequest, state: WriteState): Principal | undefined {
  const { headers, method, url, body, now } = request;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const signed = state.oauth1.verify({
    method,
    url,
    headers,
    now,
    ...(type === 'application/x-www-form-urlencoded' ? { formBody: body.toString('utf8') } : {}),
  });
  if (signed === 'bad') return undefined;
  if (signed !== 'none')
    return { kind: 'user', userId: signed.userId, appId: signed.consumerKey, scopes: 'all' };
  const bearer = state.oauth.bearer(headers.authorization, now);
  if (bearer)
    return { kind: 'user', userId: bearer.userId, appId: bearer.clientId, scopes: bearer.scopes };
  const app = state.oauth1.appBearer(headers.authorization);
  if (app) return { kind: 'app', appId: app.appId };
  return undefined;
}

/** X's answer to an app-only token on a user-context endpoint. */
const unsupportedAuthentication = (): FakeReply => ({
  status: 403,
  body: {
    title: 'Unsupported Authentication',
    detail:
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    type: 'https://api.twitter.com/2/problems/unsupported-authentication',
    status: 403,
  },
  contentType: 'application/problem+json',
});

export function answerWrite(request: WriteRequest, state: WriteState): WriteOutcome {
  const route = writeRouteOf(request.method, request.url.pathname)!;
  state.counts.set(route.endpoint, (state.counts.get(route.endpoint) ?? 0) + 1);
  const principal = authenticate(request, state);
  if (!principal) return { reply: unauthorized() };
  if (principal.kind === 'app' && !route.appOnly) return { reply: unsupportedAuthentication() };
  if (
    principal.kind === 'user' &&
    principal.scopes !== 'all' &&
    route.scopes.some((s) => !(principal.scopes as Set<string>).has(s))
  )
    return { reply: forbidden() };
  const userKey = principal.kind === 'user' ? principal.userId : `app:${principal.appId}`;
  const budget = state.limits.take(route.endpoint, userKey, principal.appId, request.now);
  if (!budget.allowed) return { reply: { ...tooManyRequests(), headers: budget.headers } };
  const withHeaders = (reply: FakeReply): FakeReply => ({
    ...reply,
    headers: { ...budget.headers, ...reply.headers },
  });
  const fault = state.faults.next(route.endpoint);
  const before = fault && faultBefore(fault, principal.appId, budget.headers);
  if (before) return before;
  const { created, ...reply } = route.answer(request, principal, state);
  if (!fault) return { reply: withHeaders(reply) };
  // The post exists now (or the segment would have been kept): the answer is lost.
  switch (fault.kind) {
    case 'drop-after-create':
      return { reply: withHeaders(reply), drop: true };
    case '503-after-create':
      return { reply: serviceUnavailable() };
    case 'timeout-after-create':
      return { reply: withHeaders(reply), holdMs: fault.holdMs };
    default:
      void created;
      return { reply: withHeaders(reply) };
  }
}

function faultBefore(
  fault: FaultDecision,
  appId: string,
  headers: Record<string, string>,
): WriteOutcome | undefined {
  switch (fault.kind) {
    case '503':
      return { reply: serviceUnavailable() };
    case '429':
      return {
        reply: { ...tooManyRequests(), headers: { ...headers, 'x-rate-limit-remaining': '0' } },
      };
    case 'usage-capped':
      return { reply: { ...usageCapped(numericAccountId(appId)), headers } };
    case '402':
      return { reply: { ...creditsDepleted(numericAccountId(appId)), headers } };
    case 'append-500':
      return {
        reply: {
          status: 500,
          body: {
            title: 'Internal Server Error',
            detail: 'Internal Server Error',
            type: 'about:blank',
            status: 500,
          },
          contentType: 'application/problem+json',
        },
      };
    case 'append-drop':
      return { reply: serviceUnavailable(), drop: true };
    default:
      return undefined;
  }
}

// A developer account's id is 19 digits; derived from the app id so it stays the same for one app.
function numericAccountId(appId: string): string {
  let h = 7n;
  for (const c of appId) h = (h * 131n + BigInt(c.charCodeAt(0))) % 10n ** 18n;
  return `1${h.toString().padStart(18, '0')}`;
}

export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = body.toString('utf8');
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export const invalidJson = () =>
  invalidRequest([{ parameters: {}, message: 'Request body is missing or is not valid JSON.' }]);
