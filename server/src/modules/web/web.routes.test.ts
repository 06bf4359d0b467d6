import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { extensionId } from '@perch/shared';
import { createWebRoutes, type WebEnv, type WebUser } from './web.routes.ts';
import { scriptJson } from './web.pages.ts';

function createTestApp(user: WebUser | null) {
  const app = new Hono<WebEnv>();
  app.use(async (c, next) => {
    c.set('user', user);
    await next();
  });
  app.route('/', createWebRoutes());
  return app;
}

const owner: WebUser = { id: 'u1', email: 'owner@example.com' };
const get = (path: string, user: WebUser | null = owner, headers?: HeadersInit) =>
  createTestApp(user).request(`http://localhost${path}`, { headers });

function perchConfig(page: string) {
  const match = /<script type="application\/json" id="perch-config">([^<]*)<\/script>/.exec(page);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('redirects', () => {
  it('sends / to /settings when signed in and to /sign-in when not', async () => {
    expect((await get('/')).headers.get('location')).toBe('/settings');
    const signedOut = await get('/', null);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get('location')).toBe('/sign-in');
  });

  it('sends a signed-out visitor of /settings to /sign-in, and a signed-in one away from the forms', async () => {
    const res = await get('/settings', null);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sign-in');
    expect((await get('/sign-in')).headers.get('location')).toBe('/settings');
    expect((await get('/sign-up')).headers.get('location')).toBe('/settings');
  });
});

describe('sign-in and sign-up', () => {
  it('renders the sign-in form posting to the sign-in endpoint, with the sign-up link hidden until the API says', async () => {
    const res = await get('/sign-in', null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('id="auth-form" data-mode="sign-in"');
    expect(page).toMatch(/<label for="email">Email<\/label>\s*<input id="email" name="email" type="email"/);
    expect(page).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(page).toMatch(/<p id="sign-up-link" class="switch" hidden>.*href="\/sign-up"/);
    expect(page).toContain('<script type="module" src="/assets/auth.js"></script>');
    expect(page).toContain('role="alert"');
  });

  it('says the sign-up page creates the owner account', async () => {
    const page = await (await get('/sign-up', null)).text();
    expect(page).toContain('data-mode="sign-up"');
    expect(page).toContain('<h1 id="auth-heading">Create the owner account</h1>');
    expect(page).toContain('autocomplete="new-password"');
    expect(page).toContain('minlength="10"');
  });

  it("sends pages uncached (the security headers are the app's, tested in app.test.ts)", async () => {
    const res = await get('/sign-in', null);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('settings', () => {
  it('renders the header, the X row with its controls, and the devices section', async () => {
    const res = await get('/settings');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('class="brand" href="/contacts">Perch</a>');
    expect(page).toContain('<span id="user-email" class="email">owner@example.com</span>');
    expect(page).toContain('<button id="sign-out" type="button">Sign out</button>');
    expect(page).toContain('Connected accounts');
    for (const id of ['x-row', 'x-state-title', 'x-state-sentence', 'x-chip', 'x-checked-at', 'x-handle', 'check-x', 'disconnect-x',
      'show-code', 'connect-help', 'pairing-code', 'pairing-server-url', 'devices', 'devices-body']) {
      expect(page, id).toContain(`id="${id}"`);
    }
    expect(page).toContain('<button id="connect-x" type="button" class="primary">Connect X</button>');
    expect(page).toContain('pnpm build:extension');
    expect(page).toContain('extension/.output/chrome-mv3');
    expect(page).toContain('<script type="module" src="/assets/settings.js"></script>');
  });

  it('injects the extension id and the words for every connection state', async () => {
    const config = perchConfig(await (await get('/settings')).text());
    expect(config.extensionId).toBe(extensionId);
    expect(Object.keys(config.words).sort()).toEqual(
      ['connected', 'expired', 'not_connected', 'rate_limited', 'signed_out', 'x_unavailable'],
    );
    expect(config.words.expired.variants[''].title).toBe('X cookies expired');
  });

  it('has the X direct messages row, with a sentence for each way connecting can fail', async () => {
    const page = await (await get('/settings')).text();
    expect(page).toMatch(/<div id="x-dm-row" class="account-row"[^>]*>/);
    expect(page).toContain('<h3 id="x-dm-name" class="account-name">X direct messages</h3>');
    for (const id of ['connect-x-dm', 'sync-x-dm', 'disconnect-x-dm', 'x-dm-setup', 'x-dm-callback-url']) expect(page).toContain(`id="${id}"`);
    const config = perchConfig(page);
    expect(Object.keys(config.xDm.callbackErrors).sort()).toEqual([
      'authorization_denied', 'client_forbidden', 'credits_depleted', 'missing_params', 'session_expired', 'token_exchange_failed', 'usage_capped', 'wrong_account',
    ]);
    expect(config.xDm.expiredSentence).toMatch(/^Reconnect X direct messages/);
  });

  it('escapes what it interpolates', async () => {
    const page = await (await get('/settings', { id: 'u2', email: '<script>alert(1)</script>"@example.com' })).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com');
  });

  it('writes JSON that cannot end its script element', () => {
    const value = { s: '</script><!-- & \u2028 \uE000' };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028\uE000]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('assets', () => {
  it('serves every script and stylesheet the pages reference, with its content type', async () => {
    const pages = await Promise.all(['/sign-in', '/sign-up'].map(async (p) => (await get(p, null)).text()));
    pages.push(await (await get('/settings')).text());
    const paths = new Set(pages.flatMap((page) => [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)));
    expect([...paths].sort()).toEqual(['/assets/auth.js', '/assets/favicon.svg', '/assets/settings.js', '/assets/style.css']);
    for (const path of paths) {
      const res = await get(path, null);
      expect(res.status, path).toBe(200);
    }
    expect((await get('/assets/style.css', null)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/assets/settings.js', null)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/favicon.svg', null)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('serves the modules the scripts import, and they parse', async () => {
    const seen = new Set<string>();
    const queue = ['auth.js', 'settings.js'];
    while (queue.length) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const res = await get(`/assets/${name}`, null);
      expect(res.status, name).toBe(200);
      const source = await res.text();
      for (const m of source.matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(m[1]!);
      const file = fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
      expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' }), name).not.toThrow();
    }
    expect([...seen].sort()).toEqual(['api.js', 'auth.js', 'connection-words.js', 'devices.js', 'extension.js', 'settings.js', 'ui.js', 'x-dm.js']);
  });

  it('answers 304 to a matching ETag and 404 to anything not listed', async () => {
    const first = await get('/assets/style.css', null);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await get('/assets/style.css', null, { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/assets/connection-words.d.ts', null)).status).toBe(404);
    expect((await get('/assets/..%2Fweb.routes.ts', null)).status).toBe(404);
  });
});
