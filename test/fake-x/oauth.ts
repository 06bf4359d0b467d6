import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountStore } from './accounts.ts';
import { html, json, type FakeReply } from './replies.ts';
import type { FakeXOAuthClient, FakeXTokenRequest } from './types.ts';

// X's OAuth 2.0 Authorization Code flow with PKCE, as X answers it (see oauth.test.ts for each refusal):
// - authorize (x.com/i/oauth2/authorize) consents at once for the signed-in user, or redirects back
//   with error=access_denied; a request it cannot trust (unknown client, unregistered redirect_uri,
//   bad PKCE, scope or state) gets an error page and never a redirect.
// - token (api.x.com/2/oauth2/token) takes form or JSON bodies (twitter-api-v2 sends JSON), wants
//   client_id in the body even alongside Basic auth, and HTTP Basic for confidential clients.
//   Codes live 30 s and are single-use; refresh tokens rotate (single-use) and come only with
//   offline.access; access tokens live 2 h.
export const defaultAccessTokenLifetimeSeconds = 7200;
export const defaultCodeLifetimeSeconds = 30;

// The scopes X's OpenAPI document lists for OAuth2UserToken.
export const knownScopes = new Set([
  'block.read',
  'block.write',
  'bookmark.read',
  'bookmark.write',
  'broadcast.read',
  'broadcast.write',
  'dm.read',
  'dm.write',
  'follows.read',
  'follows.write',
  'like.read',
  'like.write',
  'list.read',
  'list.write',
  'media.write',
  'mute.read',
  'mute.write',
  'offline.access',
  'space.read',
  'timeline.read',
  'tweet.moderate.write',
  'tweet.read',
  'tweet.write',
  'users.read',
]);

/** What a valid access token stands for. */
export interface Bearer {
  userId: string;
  scopes: Set<string>;
  /** The app the token was issued to. */
  clientId: string;
}

export interface OAuthStore {
  addClient(client: FakeXOAuthClient): void;
  setConsent(consent: { userId: string; approve: boolean }): void;
  setAccessTokenLifetime(seconds: number): void;
  setAuthorizationCodeLifetime(seconds: number): void;
  revokeUser(userId: string): void;
  tokenRequests: FakeXTokenRequest[];
  /** Back to X's lifetimes, with no token requests. Clients, consent and issued tokens are kept. */
  reset(): void;
  authorize(url: URL, now: number): FakeReply;
  token(params: Record<string, string>, authorization: string | undefined, now: number): FakeReply;
  revoke(params: Record<string, string>, authorization: string | undefined): FakeReply;
  /** The user and scopes of `Authorization: Bearer …`, undefined when the token is unknown, expired or revoked. */
  bearer(authorization: string | undefined, now: number): Bearer | undefined;
}

interface AuthorizationCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  method: 'S256' | 'plain';
  expiresAtMs: number;
  /** Set once the code was presented; the grant it produced, if any. */
  spent?: { grant?: Grant };
}

/** One consent: the tokens it produced, killed together. */
interface Grant {
  clientId: string;
  userId: string;
  scopes: string[];
  revoked: boolean;
  refreshToken?: string;
}

export function createOAuthStore(accounts: AccountStore): OAuthStore {
  const clients = new Map<string, FakeXOAuthClient>();
  const codes = new Map<string, AuthorizationCode>();
  const accessTokens = new Map<string, { grant: Grant; expiresAtMs: number }>();
  const refreshTokens = new Map<string, Grant>();
  const grants: Grant[] = [];
  const tokenRequests: FakeXTokenRequest[] = [];
  let consent: { userId?: string; approve: boolean } = { approve: true };
  let accessTokenLifetime = defaultAccessTokenLifetimeSeconds;
  let codeLifetime = defaultCodeLifetimeSeconds;

  function issue(grant: Grant, now: number): FakeReply {
    const accessToken = newToken('at', now);
    accessTokens.set(accessToken, { grant, expiresAtMs: now + accessTokenLifetime * 1000 });
    const body: Record<string, unknown> = {
      token_type: 'bearer',
      expires_in: accessTokenLifetime,
      access_token: accessToken,
      scope: grant.scopes.join(' '),
    };
    if (grant.scopes.includes('offline.access')) {
      if (grant.refreshToken) refreshTokens.delete(grant.refreshToken);
      grant.refreshToken = newToken('rt', now);
      refreshTokens.set(grant.refreshToken, grant);
      body.refresh_token = grant.refreshToken;
    }
    return { ...json(200, body), headers: { 'cache-control': 'no-store' } };
  }

  function revokeGrant(grant: Grant) {
    grant.revoked = true;
    if (grant.refreshToken) refreshTokens.delete(grant.refreshToken);
    for (const [token, entry] of accessTokens)
      if (entry.grant === grant) accessTokens.delete(token);
  }

  /** RFC 6749 §2.3 as X applies it: client_id always in the body, Basic for confidential clients. */
  function authenticateClient(
    params: Record<string, string>,
    authorization: string | undefined,
  ): { client: FakeXOAuthClient } | { refusal: FakeReply } {
    const clientId = params.client_id;
    if (!clientId) return { refusal: missingParameter('client_id') };
    const client = clients.get(clientId);
    const basic = parseBasic(authorization);
    if (!client) {
      return {
        refusal: json(401, {
          error: 'invalid_client',
          error_description: 'Client authentication failed.',
        }),
      };
    }
    const basicMatches =
      basic !== undefined &&
      basic.id === client.clientId &&
      equal(basic.secret, client.clientSecret ?? '');
    if (
      client.clientSecret !== undefined
        ? !basicMatches
        : basic !== undefined && basic.id !== client.clientId
    ) {
      return {
        refusal: json(401, {
          error: 'unauthorized_client',
          error_description: 'Missing valid authorization header',
        }),
      };
    }
    return { client };
  }

  function authorizationCodeGrant(
    client: FakeXOAuthClient,
    params: Record<string, string>,
    now: number,
  ): FakeReply {
    for (const name of ['code', 'redirect_uri', 'code_verifier']) {
      if (!params[name]) return missingParameter(name);
    }
    const code = codes.get(params.code!);
    if (!code || code.clientId !== client.clientId) return invalidCode();
    if (code.spent) {
      // RFC 6749 §4.1.2: a code presented twice SHOULD revoke what it produced; X does not say, the
      // fake does, so a replayed callback shows up in tests as dead tokens.
      if (code.spent.grant) revokeGrant(code.spent.grant);
      return invalidCode();
    }
    // Any presentation spends the code, so a verifier cannot be guessed by retrying.
    code.spent = {};
    if (code.expiresAtMs <= now) return invalidCode();
    if (code.redirectUri !== params.redirect_uri) return invalidCode();
    if (!pkceMatches(code, params.code_verifier!)) return invalidCode();
    const grant: Grant = {
      clientId: client.clientId,
      userId: code.userId,
      scopes: code.scopes,
      revoked: false,
    };
    grants.push(grant);
    code.spent.grant = grant;
    return issue(grant, now);
  }

  function refreshTokenGrant(
    client: FakeXOAuthClient,
    params: Record<string, string>,
    now: number,
  ): FakeReply {
    if (!params.refresh_token) return missingParameter('refresh_token');
    const grant = refreshTokens.get(params.refresh_token);
    if (!grant || grant.revoked || grant.clientId !== client.clientId) {
      return json(400, {
        error: 'invalid_request',
        error_description: 'Value passed for the token was invalid.',
      });
    }
    return issue(grant, now); // rotates: the refresh token just used is gone
  }

  return {
    tokenRequests,
    addClient(client) {
      clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
    },
    setConsent(next) {
      consent = { ...next };
    },
    setAccessTokenLifetime(seconds) {
      accessTokenLifetime = seconds;
    },
    setAuthorizationCodeLifetime(seconds) {
      codeLifetime = seconds;
    },
    revokeUser(userId) {
      for (const grant of grants) if (grant.userId === userId) revokeGrant(grant);
    },
    reset() {
      tokenRequests.length = 0;
      accessTokenLifetime = defaultAccessTokenLifetimeSeconds;
      codeLifetime = defaultCodeLifetimeSeconds;
    },

    authorize(url, now) {
      const q = url.searchParams;
      const client = clients.get(q.get('client_id') ?? '');
      if (!client) return errorPage('client_id is not a registered app.');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) {
        return errorPage('redirect_uri is not one of the app’s callback URLs.');
      }
      if (q.get('response_type') !== 'code') return errorPage('response_type must be code.');
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      if (scopes.length === 0 || scopes.some((s) => !knownScopes.has(s)))
        return errorPage('scope is missing or unknown.');
      const state = q.get('state') ?? '';
      if (!state || state.length > 500)
        return errorPage('state is missing or longer than 500 characters.');
      const challenge = q.get('code_challenge') ?? '';
      const method = normaliseMethod(q.get('code_challenge_method'));
      if (!method || !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) {
        return errorPage('code_challenge and code_challenge_method (S256 or plain) are required.');
      }
      if (!consent.userId)
        return errorPage('nobody is signed in: call fakeX.oauth.setConsent({ userId, approve }).');
      if (!accounts.byUserId(consent.userId))
        return errorPage(`the signed-in user ${consent.userId} is no account.`);

      const back = new URL(redirectUri);
      if (!consent.approve) {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('state', state);
        return redirect(back);
      }
      const code = randomBytes(48).toString('base64url');
      codes.set(code, {
        clientId: client.clientId,
        userId: consent.userId,
        redirectUri,
        scopes,
        challenge,
        method,
        expiresAtMs: now + codeLifetime * 1000,
      });
      back.searchParams.set('state', state);
      back.searchParams.set('code', code);
      return redirect(back);
    },

    token(params, authorization, now) {
      const reply = (() => {
        const authenticated = authenticateClient(params, authorization);
        if ('refusal' in authenticated) return authenticated.refusal;
        const grantType = params.grant_type;
        if (!grantType) return missingParameter('grant_type');
        if (grantType === 'authorization_code')
          return authorizationCodeGrant(authenticated.client, params, now);
        if (grantType === 'refresh_token')
          return refreshTokenGrant(authenticated.client, params, now);
        return json(400, {
          error: 'unsupported_grant_type',
          error_description: 'Value passed for the grant type was invalid.',
        });
      })();
      tokenRequests.push({ grantType: params.grant_type ?? '', status: reply.status, at: now });
      return reply;
    },

    revoke(params, authorization) {
      const authenticated = authenticateClient(params, authorization);
      if ('refusal' in authenticated) return authenticated.refusal;
      const token = params.token;
      if (!token) return missingParameter('token');
      // RFC 7009: either token ends the whole grant; an unknown token is "revoked" all the same.
      const grant = accessTokens.get(token)?.grant ?? refreshTokens.get(token);
      if (grant && grant.clientId === authenticated.client.clientId) revokeGrant(grant);
      return json(200, { revoked: true });
    },

    bearer(authorization, now) {
      const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
      const entry = token === undefined ? undefined : accessTokens.get(token);
      if (!entry || entry.grant.revoked || entry.expiresAtMs <= now) return undefined;
      return {
        userId: entry.grant.userId,
        scopes: new Set(entry.grant.scopes),
        clientId: entry.grant.clientId,
      };
    },
  };
}

/** X's tokens are base64url of `<random>:<issued ms>:1:0:<at|rt>:1`. */
function newToken(kind: 'at' | 'rt', now: number): string {
  return Buffer.from(`${randomBytes(33).toString('base64url')}:${now}:1:0:${kind}:1`).toString(
    'base64url',
  );
}

function normaliseMethod(method: string | null): 'S256' | 'plain' | undefined {
  const lower = method?.toLowerCase();
  if (lower === 's256') return 'S256'; // twitter-api-v2 sends s256, and X takes it
  if (lower === 'plain') return 'plain';
  return undefined;
}

function pkceMatches(code: AuthorizationCode, verifier: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const derived =
    code.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return equal(derived, code.challenge);
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1 form-encodes both parts; ids and secrets without special characters are unchanged.
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const missingParameter = (name: string) =>
  json(400, {
    error: 'invalid_request',
    error_description: `Missing required parameter [${name}].`,
  });

const invalidCode = () =>
  json(400, {
    error: 'invalid_request',
    error_description: 'Value passed for the authorization code was invalid.',
  });

const redirect = (location: URL): FakeReply => ({
  status: 302,
  body: '',
  contentType: 'text/plain; charset=utf-8',
  headers: { location: location.toString() },
});

/** X's page when an authorize link is broken. The fake adds why, for whoever reads a failing test. */
function errorPage(why: string): FakeReply {
  const escaped = why.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return html(
    400,
    `<!DOCTYPE html><html><head><title>X</title></head><body><p>Something went wrong</p>` +
      `<p>You weren't able to give access to the App. Go back and try logging in again.</p>` +
      `<p data-fake-x-reason>${escaped}</p></body></html>`,
  );
}
