import { extensionOrigin } from '@perch/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from './test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('app', () => {
  it('answers /healthz', async () => {
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API paths with problem+json', async () => {
    const res = await t.request('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: 'about:blank',
      status: 404,
      title: 'Not found',
    });
  });

  it('requires a session or device for protected endpoints', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/x/status'],
      ['POST', '/api/v1/pairing-codes'],
      ['GET', '/api/v1/devices'],
      ['POST', '/api/v1/x/check'],
    ] as const) {
      const res = await t.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('allows CORS for the pinned extension origin only', async () => {
    const preflight = await t.request('/api/v1/x/cookies', {
      method: 'OPTIONS',
      headers: {
        origin: extensionOrigin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(extensionOrigin);
    const other = await t.request('/api/v1/x/status', {
      headers: { origin: 'chrome-extension://someoneelse' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over 64 KiB with 413 problem+json, and stops reading it at the limit', async () => {
    // Sent as a stream, with no Content-Length: the server learns the size only by reading.
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let chunksRead = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunksRead++ === 512)
          controller.close(); // 8 MiB in all
        else controller.enqueue(chunk);
      },
    });
    const streamed = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('content-type')).toBe('application/problem+json');
    expect(await streamed.json()).toMatchObject({
      type: 'about:blank',
      status: 413,
      code: 'request.too_large',
      detail: expect.stringMatching(/^[A-Z].*64 KiB.*\.$/),
    });
    expect(chunksRead).toBeLessThan(10);
  });

  it('refuses a declared Content-Length over 64 KiB without reading the body', async () => {
    const res = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) },
      body: '{}',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 413,
      code: 'request.too_large',
      title: 'Request body too large',
    });
  });

  it('still takes a normal body, and the largest one a route accepts', async () => {
    await t.signUp();
    const ok = await t.request('/api/v1/auth/sign-in', {
      method: 'POST',
      json: { email: 'owner@example.com', password: 'correct horse battery' },
    });
    expect(ok.status).toBe(200);
    // The largest body a route takes: the longest notes allowed, in 3-byte characters (60 kB of UTF-8).
    const longest = await t.request('/api/v1/contacts', {
      method: 'POST',
      headers: { cookie: ok.headers.get('set-cookie')!.split(';')[0]! },
      json: { name: 'Ada', notes: '鳥'.repeat(20_000) },
    });
    expect(longest.status).toBe(201);
  });

  it('serves an OpenAPI 3.1 document that names every route and its schemas', async () => {
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, object>;
      components: { schemas: Record<string, { properties?: object }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/auth/sign-up',
        '/auth/sign-in',
        '/auth/sign-out',
        '/pairing-codes',
        '/devices',
        '/devices/{id}',
        '/x/cookies',
        '/x/status',
      ]),
    );
    expect(doc.components.schemas.XCookiePair!.properties).toHaveProperty('authToken');
    expect(doc.components.schemas.ConnectionStatus!.properties).toHaveProperty('state');
  });
});

describe('security headers', () => {
  const pagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  it('are on pages, API answers (errors too) and assets', async () => {
    for (const path of [
      '/sign-in',
      '/healthz',
      '/api/v1/openapi.json',
      '/api/v1/nope',
      '/assets/style.css',
      '/nope',
    ]) {
      const res = await t.request(path);
      expect(res.headers.get('content-security-policy'), path).toBe(pagePolicy);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      // http://perch.test: browsers ignore HSTS over plain http, so it is not sent.
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    expect((await t.request('/sign-in')).headers.get('cache-control')).toBe('no-store');
  });

  it('include HSTS, without subdomains, when Perch is served over https', async () => {
    const https = await createTestApp({ env: { PERCH_PUBLIC_URL: 'https://perch.example' } });
    try {
      expect(
        (await https.app.request('https://perch.example/healthz')).headers.get(
          'strict-transport-security',
        ),
      ).toBe('max-age=15552000');
    } finally {
      await https.close();
    }
  });

  it('answer 304 to an asset request whose If-None-Match is its ETag, with the headers a 200 would have', async () => {
    const style = (await t.deps.webAssets.load()).url('style.css');
    const first = await t.request(style);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await t.request(style, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(again.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await t.request(style, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
  });
});

describe('request ids', () => {
  const requestLines = () =>
    t.logLines
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string; path?: string })
      .filter((line) => line.msg === 'request');

  it('answers with a fresh X-Request-Id, which the request log line carries', async () => {
    const res = await t.request('/healthz');
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().at(-1)).toMatchObject({ reqId: id, path: '/healthz' });
    expect((await t.request('/healthz')).headers.get('x-request-id')).not.toBe(id);
  });

  it("echoes the caller's X-Request-Id when it is short and safe, and puts it in problem+json answers", async () => {
    const res = await t.request('/api/v1/nope', { headers: { 'x-request-id': 'ext-4f2a_9=' } });
    expect(res.headers.get('x-request-id')).toBe('ext-4f2a_9=');
    expect(await res.json()).toMatchObject({ status: 404, requestId: 'ext-4f2a_9=' });
    expect(requestLines().at(-1)).toMatchObject({ reqId: 'ext-4f2a_9=', path: '/api/v1/nope' });
  });

  it('replaces an X-Request-Id that is too long or has other characters', async () => {
    for (const sent of ['a'.repeat(65), 'x level=fatal', '../../etc', '<script>', 'ä']) {
      const id = (await t.request('/healthz', { headers: { 'x-request-id': sent } })).headers.get(
        'x-request-id',
      )!;
      expect(id, sent).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
