import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import {
  ApiResponseError,
  type IClientSettings,
  type ITwitterApiClientPlugin,
} from 'twitter-api-v2';
import type { FakeX } from './types.ts';

/**
 * twitter-api-v2 settings that send every request to the fake: the library hard-codes
 * https://x.com and https://api.x.com, and a plain http.Agent makes its https.request speak HTTP.
 */
export function twitterApiSettings(fakeX: FakeX): Partial<IClientSettings> {
  const toFake = (u: string) => u.replace(/^https:\/\/(api\.|upload\.)?x\.com/, fakeX.url);
  const redirect: ITwitterApiClientPlugin = {
    onBeforeRequestConfig: ({ params }) => {
      params.url = toFake(params.url);
    },
    onOAuth2RequestToken: ({ result }) => {
      result.url = toFake(result.url);
    },
  };
  return { httpAgent: new http.Agent({ keepAlive: false }), plugins: [redirect] };
}

export interface GrantedTokens {
  accessToken: string;
  refreshToken?: string;
}

/** The whole OAuth dance in three requests, for tests that only need a token of `userId`. */
export async function grantTokens(
  fakeX: FakeX,
  opts: { userId: string; scopes?: string[]; clientId?: string; redirectUri?: string },
): Promise<GrantedTokens> {
  const clientId = opts.clientId ?? 'fake-x-test-client';
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1:9/callback';
  fakeX.oauth.addClient({ clientId, redirectUris: [redirectUri] });
  fakeX.oauth.setConsent({ userId: opts.userId, approve: true });
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/i/oauth2/authorize', fakeX.url);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: (opts.scopes ?? ['dm.read', 'tweet.read', 'users.read', 'offline.access']).join(' '),
    state: 'state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? 'http://invalid/').searchParams.get(
    'code',
  );
  if (!code)
    throw new Error(`fake X refused the authorize link: ${consent.status} ${await consent.text()}`);
  const token = await fetch(new URL('/2/oauth2/token', fakeX.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
    }),
  });
  const body = (await token.json()) as { access_token?: string; refresh_token?: string };
  if (!body.access_token)
    throw new Error(`fake X refused the token request: ${token.status} ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** The error X answered a library call with; fails the test when the call succeeded or X never answered. */
export async function refusal(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiResponseError) return error;
    throw error;
  }
  throw new Error('expected X to refuse');
}

/** A request to the fake with a bearer token and a JSON body (a string body is sent as it is), read whole. */
export async function bearerRequest(
  fakeX: FakeX,
  bearer: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(new URL(path, fakeX.url), {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}
