import { createHash, randomBytes } from 'node:crypto';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from './index.ts';
import { twitterApiSettings } from './test-support.ts';

const me = { userId: '42', screenName: 'perch_me', name: 'Perch Me' };
const callback = 'http://127.0.0.1:9/x/callback';
const confidential = { clientId: 'perch-app', clientSecret: 's3cret', redirectUris: [callback] };
const publicClient = { clientId: 'perch-public', redirectUris: [callback] };
const dmScopes = ['dm.read', 'tweet.read', 'users.read', 'offline.access'];
const unauthorizedBody = {
  title: 'Unauthorized',
  type: 'about:blank',
  status: 401,
  detail: 'Unauthorized',
};
const invalidCode = {
  error: 'invalid_request',
  error_description: 'Value passed for the authorization code was invalid.',
};
const invalidToken = {
  error: 'invalid_request',
  error_description: 'Value passed for the token was invalid.',
};

let fakeX: FakeX;
let app: TwitterApi;
beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(me);
  fakeX.oauth.addClient(confidential);
  fakeX.oauth.addClient(publicClient);
  app = new TwitterApi(
    { clientId: confidential.clientId, clientSecret: confidential.clientSecret },
    twitterApiSettings(fakeX),
  );
});
beforeEach(() => {
  fakeX.reset();
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
});
afterAll(() => fakeX.close());

/** Visits an authorize link the way a browser does, without following the redirect. */
async function visit(link: string) {
  const res = await fetch(link, { redirect: 'manual' });
  const location = res.headers.get('location');
  return {
    status: res.status,
    location: location ? new URL(location) : null,
    contentType: res.headers.get('content-type'),
    text: await res.text(),
  };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeLink(
  overrides: Record<string, string | null> = {},
  challenge = pkce().challenge,
) {
  const url = new URL('/i/oauth2/authorize', fakeX.url);
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: confidential.clientId,
    redirect_uri: callback,
    scope: dmScopes.join(' '),
    state: 'st-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

async function codeFor(overrides: Record<string, string | null> = {}) {
  const { verifier, challenge } = pkce();
  const { location } = await visit(authorizeLink(overrides, challenge));
  return { code: location!.searchParams.get('code')!, verifier };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function postForm(path: string, params: Record<string, string>, authorization?: string) {
  const res = await fetch(new URL(path, fakeX.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  postForm(
    '/2/oauth2/token',
    {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: callback,
      client_id: confidential.clientId,
      ...extra,
    },
    basic(confidential.clientId, confidential.clientSecret),
  );

async function apiError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiResponseError);
  return error as ApiResponseError;
}

describe('fake X OAuth 2.0 with twitter-api-v2', () => {
  it('links, consents, trades the code, refreshes with rotation and revokes', async () => {
    const link = app.generateOAuth2AuthLink(callback, { scope: dmScopes });
    expect(new URL(link.url).searchParams.get('code_challenge_method')).toBe('s256');
    const consent = await visit(link.url);
    expect(consent.status).toBe(302);
    expect(`${consent.location!.origin}${consent.location!.pathname}`).toBe(callback);
    expect(consent.location!.searchParams.get('state')).toBe(link.state);
    const code = consent.location!.searchParams.get('code')!;
    expect(code.length).toBeGreaterThan(20);

    const login = await app.loginWithOAuth2({
      code,
      codeVerifier: link.codeVerifier,
      redirectUri: callback,
    });
    expect(login.expiresIn).toBe(7200);
    expect(login.scope.sort()).toEqual([...dmScopes].sort());
    expect(login.refreshToken).toBeTruthy();
    expect((await login.client.v2.me()).data).toEqual({
      id: '42',
      name: 'Perch Me',
      username: 'perch_me',
    });

    const refreshed = await app.refreshOAuth2Token(login.refreshToken!);
    expect(refreshed.accessToken).not.toBe(login.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    // X refresh tokens are single-use: the old one is spent.
    const spent = await apiError(app.refreshOAuth2Token(login.refreshToken!));
    expect(spent.code).toBe(400);
    expect(spent.data).toMatchObject(invalidToken); // the library adds an errors[] of its own
    expect((await refreshed.client.v2.me()).data.id).toBe('42');

    expect(await app.revokeOAuth2Token(refreshed.refreshToken!, 'refresh_token')).toEqual({
      revoked: true,
    });
    const afterRevoke = await apiError(refreshed.client.v2.me());
    expect(afterRevoke.code).toBe(401);
    expect(afterRevoke.data).toEqual(unauthorizedBody);
    expect((await apiError(app.refreshOAuth2Token(refreshed.refreshToken!))).code).toBe(400);

    expect(fakeX.oauth.tokenRequests.map((r) => [r.grantType, r.status])).toEqual([
      ['authorization_code', 200],
      ['refresh_token', 200],
      ['refresh_token', 400],
      ['refresh_token', 400],
    ]);
    expect(
      fakeX.requests.filter((r) => r.path === '/2/oauth2/revoke').map((r) => r.status),
    ).toEqual([200]);
  });

  it('redirects a denial back with access_denied and the state', async () => {
    fakeX.oauth.setConsent({ userId: me.userId, approve: false });
    const link = app.generateOAuth2AuthLink(callback, { scope: dmScopes, state: 'st-deny' });
    const { status, location } = await visit(link.url);
    expect(status).toBe(302);
    expect(Object.fromEntries(location!.searchParams)).toEqual({
      error: 'access_denied',
      state: 'st-deny',
    });
  });

  it('refuses a wrong code verifier through the library', async () => {
    const link = app.generateOAuth2AuthLink(callback, { scope: dmScopes });
    const code = (await visit(link.url)).location!.searchParams.get('code')!;
    const refused = await apiError(
      app.loginWithOAuth2({ code, codeVerifier: pkce().verifier, redirectUri: callback }),
    );
    expect(refused.code).toBe(400);
    expect(refused.data).toMatchObject(invalidCode);
  });
});

describe('fake X authorize page', () => {
  it('answers a link it cannot trust with an error page, never a redirect', async () => {
    const broken: Array<[string, Record<string, string | null>]> = [
      ['unknown client', { client_id: 'nobody' }],
      ['unregistered redirect', { redirect_uri: 'http://127.0.0.1:9/evil' }],
      ['redirect with a trailing slash', { redirect_uri: `${callback}/` }],
      ['response_type token', { response_type: 'token' }],
      ['no code_challenge', { code_challenge: null }],
      ['no code_challenge_method', { code_challenge_method: null }],
      ['unknown method', { code_challenge_method: 'S512' }],
      ['no state', { state: null }],
      ['state over 500 characters', { state: 'x'.repeat(501) }],
      ['unknown scope', { scope: 'dm.read everything' }],
      ['no scope', { scope: null }],
    ];
    for (const [why, overrides] of broken) {
      const page = await visit(authorizeLink(overrides));
      expect({ why, status: page.status, location: page.location }).toEqual({
        why,
        status: 400,
        location: null,
      });
      expect(page.contentType).toMatch(/^text\/html/);
      expect(page.text).toContain('Something went wrong');
    }
  });

  it('takes S256 in either case, as X does', async () => {
    for (const method of ['S256', 's256']) {
      expect((await visit(authorizeLink({ code_challenge_method: method }))).status).toBe(302);
    }
  });

  it('says who must be signed in when nobody is', async () => {
    const lonely = await startFakeX();
    lonely.oauth.addClient(confidential);
    const url = new URL(authorizeLink());
    const page = await fetch(`${lonely.url}${url.pathname}${url.search}`, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('setConsent');
    await lonely.close();
  });
});

describe('fake X token endpoint', () => {
  it('trades a form-encoded code once, and a replayed code kills what it gave', async () => {
    const { code, verifier } = await codeFor();
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 7200,
      scope: dmScopes.join(' '),
    });
    const replay = await exchange(code, verifier);
    expect(replay).toEqual({ status: 400, body: invalidCode });
    const res = await fetch(`${fakeX.url}/2/users/me`, {
      headers: { authorization: `Bearer ${String(first.body.access_token)}` },
    });
    expect(res.status).toBe(401);
    const refresh = await postForm(
      '/2/oauth2/token',
      {
        grant_type: 'refresh_token',
        refresh_token: String(first.body.refresh_token),
        client_id: confidential.clientId,
      },
      basic(confidential.clientId, confidential.clientSecret),
    );
    expect(refresh).toEqual({ status: 400, body: invalidToken });
  });

  it('enforces PKCE, the exact redirect URI and the code lifetime', async () => {
    const wrongVerifier = await codeFor();
    expect(await exchange(wrongVerifier.code, pkce().verifier)).toEqual({
      status: 400,
      body: invalidCode,
    });
    // The failed attempt spent the code: the right verifier cannot follow.
    expect(await exchange(wrongVerifier.code, wrongVerifier.verifier)).toEqual({
      status: 400,
      body: invalidCode,
    });

    const missingVerifier = await codeFor();
    const missing = await postForm(
      '/2/oauth2/token',
      {
        grant_type: 'authorization_code',
        code: missingVerifier.code,
        redirect_uri: callback,
        client_id: confidential.clientId,
      },
      basic(confidential.clientId, confidential.clientSecret),
    );
    expect(missing).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'Missing required parameter [code_verifier].',
      },
    });

    const wrongRedirect = await codeFor();
    expect(
      await exchange(wrongRedirect.code, wrongRedirect.verifier, {
        redirect_uri: `${callback}?x=1`,
      }),
    ).toEqual({ status: 400, body: invalidCode });

    fakeX.oauth.setAuthorizationCodeLifetime(0);
    const expired = await codeFor();
    expect(await exchange(expired.code, expired.verifier)).toEqual({
      status: 400,
      body: invalidCode,
    });
    fakeX.oauth.setAuthorizationCodeLifetime(30);

    expect(await exchange('never-issued', pkce().verifier)).toEqual({
      status: 400,
      body: invalidCode,
    });
    const plain = await codeFor({ code_challenge_method: 'plain', code_challenge: 'p'.repeat(43) });
    expect((await exchange(plain.code, 'p'.repeat(43))).status).toBe(200);
  });

  it('authenticates the client as X does', async () => {
    const missingHeader = {
      error: 'unauthorized_client',
      error_description: 'Missing valid authorization header',
    };
    for (const [why, authorization, extra] of [
      ['wrong secret', basic(confidential.clientId, 'wrong'), {}],
      [
        'no Basic header, secret in the body',
        undefined,
        { client_secret: confidential.clientSecret },
      ],
      ['Basic for another client', basic('someone-else', confidential.clientSecret), {}],
    ] as const) {
      const { code, verifier } = await codeFor();
      const res = await postForm(
        '/2/oauth2/token',
        {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: callback,
          client_id: confidential.clientId,
          ...extra,
        },
        authorization,
      );
      expect({ why, ...res }).toEqual({ why, status: 401, body: missingHeader });
    }
    const { code, verifier } = await codeFor();
    const noClientId = await postForm(
      '/2/oauth2/token',
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: callback },
      basic(confidential.clientId, confidential.clientSecret),
    );
    expect(noClientId).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'Missing required parameter [client_id].',
      },
    });
    // The refused attempts never looked at the code: it still works.
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(fakeX.oauth.tokenRequests.map((r) => r.status)).toEqual([401, 401, 401, 400, 200]);
  });

  it('serves a public client without a secret, and no refresh token without offline.access', async () => {
    const { verifier, challenge } = pkce();
    const { location } = await visit(
      authorizeLink(
        { client_id: publicClient.clientId, scope: 'tweet.read users.read' },
        challenge,
      ),
    );
    const res = await postForm('/2/oauth2/token', {
      grant_type: 'authorization_code',
      code: location!.searchParams.get('code')!,
      code_verifier: verifier,
      redirect_uri: callback,
      client_id: publicClient.clientId,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', scope: 'tweet.read users.read' });
    expect(res.body).not.toHaveProperty('refresh_token');
  });

  it('expires access tokens and kills every token when the user revokes the app', async () => {
    const { code, verifier } = await codeFor();
    const granted = (await exchange(code, verifier)).body;
    const meWith = (token: unknown) =>
      fetch(`${fakeX.url}/2/users/me`, { headers: { authorization: `Bearer ${String(token)}` } });
    const ok = await meWith(granted.access_token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-limit')).toBe('75');
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('74');

    fakeX.oauth.setAccessTokenLifetime(0);
    const refreshed = await postForm(
      '/2/oauth2/token',
      {
        grant_type: 'refresh_token',
        refresh_token: String(granted.refresh_token),
        client_id: confidential.clientId,
      },
      basic(confidential.clientId, confidential.clientSecret),
    );
    expect(refreshed.body.expires_in).toBe(0);
    const expired = await meWith(refreshed.body.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toBe('application/problem+json');
    expect(await expired.json()).toEqual(unauthorizedBody);

    fakeX.oauth.revokeUser(me.userId);
    expect((await meWith(granted.access_token)).status).toBe(401);
    const dead = await postForm(
      '/2/oauth2/token',
      {
        grant_type: 'refresh_token',
        refresh_token: String(refreshed.body.refresh_token),
        client_id: confidential.clientId,
      },
      basic(confidential.clientId, confidential.clientSecret),
    );
    expect(dead).toEqual({ status: 400, body: invalidToken });
  });

  it('refuses /2/users/me without the scopes X asks for', async () => {
    const { verifier, challenge } = pkce();
    const { location } = await visit(authorizeLink({ scope: 'users.read' }, challenge));
    const granted = (await exchange(location!.searchParams.get('code')!, verifier)).body;
    const res = await fetch(`${fakeX.url}/2/users/me`, {
      headers: { authorization: `Bearer ${String(granted.access_token)}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      title: 'Forbidden',
      type: 'about:blank',
      status: 403,
      detail: 'Forbidden',
    });
  });

  it('answers 503 on every OAuth endpoint while X is down', async () => {
    const { code, verifier } = await codeFor();
    fakeX.setMode('server_error');
    expect((await exchange(code, verifier)).status).toBe(503);
    expect(
      (
        await postForm(
          '/2/oauth2/revoke',
          { token: 'x', client_id: confidential.clientId },
          basic(confidential.clientId, confidential.clientSecret),
        )
      ).status,
    ).toBe(503);
    expect((await visit(authorizeLink())).status).toBe(503);
    fakeX.setMode('ok');
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(fakeX.oauth.tokenRequests.map((r) => [r.grantType, r.status])).toEqual([
      ['authorization_code', 503],
      ['authorization_code', 200],
    ]);
  });
});
