import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { testWebAssets } from '../../test-utils/app.ts';
import { createWebRoutes, type WebEnv, type WebUser } from './web.routes.ts';

function createTestApp(user: WebUser | null) {
  const app = new Hono<WebEnv>();
  app.use(async (c, next) => {
    c.set('user', user);
    await next();
  });
  app.route('/', createWebRoutes({ assets: testWebAssets }));
  return app;
}

const owner: WebUser = { id: 'u1', email: 'owner@example.com' };
const get = (path: string, user: WebUser | null = owner, headers?: HeadersInit) =>
  createTestApp(user).request(`http://localhost${path}`, { headers });

/** The script a page loads: its hashed name under /assets. */
const pageScript = (name: string) =>
  new RegExp(`<script type="module" src="/assets/${name}-[A-Z0-9]{8}\\.js"></script>`);

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
    expect(page).toMatch(
      /<label for="email">Email<\/label>\s*<input id="email" name="email" type="email"/,
    );
    expect(page).toMatch(
      /<input id="password" name="password" type="password" autocomplete="current-password"/,
    );
    expect(page).toMatch(/<p id="sign-up-link" class="switch" hidden>.*href="\/sign-up"/);
    expect(page).toMatch(pageScript('auth'));
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
    for (const id of [
      'x-row',
      'x-state-title',
      'x-state-sentence',
      'x-chip',
      'x-checked-at',
      'x-handle',
      'check-x',
      'disconnect-x',
      'show-code',
      'connect-help',
      'pairing-code',
      'pairing-server-url',
      'devices',
      'devices-body',
    ]) {
      expect(page, id).toContain(`id="${id}"`);
    }
    expect(page).toContain(
      '<button id="connect-x" type="button" class="primary">Connect X</button>',
    );
    expect(page).toContain('pnpm build:extension');
    expect(page).toContain('extension/.output/chrome-mv3');
    expect(page).toMatch(pageScript('settings'));
    // the script has its words and the extension id from @perch/shared: the page carries no config
    expect(page).not.toContain('application/json');
  });

  it('has the X direct messages row', async () => {
    const page = await (await get('/settings')).text();
    expect(page).toMatch(/<div id="x-dm-row" class="account-row"[^>]*>/);
    expect(page).toContain('<h3 id="x-dm-name" class="account-name">X direct messages</h3>');
    for (const id of [
      'connect-x-dm',
      'sync-x-dm',
      'disconnect-x-dm',
      'x-dm-setup',
      'x-dm-callback-url',
    ])
      expect(page).toContain(`id="${id}"`);
  });

  it('escapes what it interpolates', async () => {
    const page = await (
      await get('/settings', { id: 'u2', email: '<script>alert(1)</script>"@example.com' })
    ).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com');
  });
});

describe('assets', () => {
  const linked = (page: string) =>
    [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);

  it('serves every script, stylesheet and icon the pages link, under hashed names, cached for a year', async () => {
    const pages = await Promise.all(
      ['/sign-in', '/sign-up'].map(async (p) => (await get(p, null)).text()),
    );
    pages.push(await (await get('/settings')).text());
    const paths = [...new Set(pages.flatMap(linked))].sort();
    expect(paths.map((p) => p.replace(/-[A-Za-z0-9]{8}\./, '-HASH.'))).toEqual([
      '/assets/auth-HASH.js',
      '/assets/favicon-HASH.svg',
      '/assets/settings-HASH.js',
      '/assets/style-HASH.css',
    ]);
    const types: Record<string, string> = {
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      svg: 'image/svg+xml',
    };
    for (const path of paths) {
      const res = await get(path, null);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe(types[path.split('.').pop()!]);
      // nosniff and the other security headers are the app's (app.test.ts)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  it('serves the chunks the scripts import and the source maps they name', async () => {
    const settings = linked(await (await get('/settings')).text()).find((p) => p.endsWith('.js'))!;
    const seen = new Set<string>();
    const queue = [settings];
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await get(path, null);
      expect(res.status, path).toBe(200);
      const source = await res.text();
      for (const m of source.matchAll(/from\s*"\.\/([\w-]+\.js)"/g)) queue.push(`/assets/${m[1]}`);
      const map = /\/\/# sourceMappingURL=([\w-]+\.js\.map)\s*$/.exec(source);
      expect(map, path).not.toBeNull();
      const mapRes = await get(`/assets/${map![1]}`, null);
      expect(mapRes.status).toBe(200);
      const sources = ((await mapRes.json()) as { sources: string[] }).sources;
      expect(
        sources.some((s) => s.includes('client/') || s.includes('shared/src/')),
        path,
      ).toBe(true);
    }
    expect(seen.size).toBeGreaterThan(1); // settings-….js and at least one shared chunk
  });

  it('answers 304 to a matching ETag and 404 to anything not built, the source names included', async () => {
    const style = linked(await (await get('/sign-in', null)).text()).find((p) =>
      p.endsWith('.css'),
    )!;
    const first = await get(style, null);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await get(style, null, { 'if-none-match': etag })).status).toBe(304);
    for (const path of [
      '/assets/style.css',
      '/assets/settings.js',
      '/assets/settings.ts',
      '/assets/..%2Fweb.routes.ts',
    ]) {
      expect((await get(path, null)).status, path).toBe(404);
    }
  });
});

describe('compose and posts', () => {
  it('send a signed-out visitor to /sign-in', async () => {
    for (const path of ['/compose', '/posts', '/compose?replyTo=123']) {
      const res = await get(path, null);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/sign-in');
    }
  });

  it('render /compose with its script, the header and the start from the query (escaped)', async () => {
    const res = await get('/compose?replyTo=https://x.com/ada/status/1%22%3E%3Cb%3E&quoteOf=99');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).toMatch(pageScript('compose'));
    expect(page).toContain('<a href="/compose" aria-current="page">Compose</a>');
    expect(page).toContain('id="compose-form" novalidate data-draft=""');
    expect(page).toContain('value="https://x.com/ada/status/1&quot;&gt;&lt;b&gt;"');
    expect(page).not.toContain('"><b>');
    expect(page).toMatch(/<input id="quote-of" name="quoteOf" value="99"/);
    expect(page).toContain('<input id="schedule-at" type="datetime-local"');
    expect(page).toContain('data-path="scheduledAt"');
  });

  it('render /compose?draft= for editing', async () => {
    const id = '5b1f7c3e-8a2d-4f6b-9c1e-2d3a4b5c6d7e';
    const page = await (await get(`/compose?draft=${id}`)).text();
    expect(page).toContain(`data-draft="${id}"`);
    expect(page).toContain('<h1 id="compose-heading">Edit post</h1>');
  });

  it('render /posts with its script, the list and the chart slots', async () => {
    const res = await get('/posts');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toMatch(pageScript('posts'));
    expect(page).toContain('<a href="/posts" aria-current="page">Posts</a>');
    expect(page).toContain('id="post-list"');
    expect(page).toContain('id="followers-chart"');
  });
});
