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
    expect(await res.json()).toMatchObject({ type: 'about:blank', status: 404, title: 'Not found' });
  });

  it('requires a session or device for protected endpoints', async () => {
    for (const [method, path] of [['GET', '/api/v1/x/status'], ['POST', '/api/v1/pairing-codes'], ['GET', '/api/v1/devices'], ['POST', '/api/v1/x/check']] as const) {
      const res = await t.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('allows CORS for the pinned extension origin only', async () => {
    const preflight = await t.request('/api/v1/x/cookies', {
      method: 'OPTIONS',
      headers: { origin: extensionOrigin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(extensionOrigin);
    const other = await t.request('/api/v1/x/status', { headers: { origin: 'chrome-extension://someoneelse' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over 64 KiB with 413 problem+json, and stops reading it at the limit', async () => {
    // Sent as a stream, with no Content-Length: the server learns the size only by reading.
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let chunksRead = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunksRead++ === 512) controller.close(); // 8 MiB in all
        else controller.enqueue(chunk);
      },
    });
    const streamed = await t.request('/api/v1/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('content-type')).toBe('application/problem+json');
    expect(await streamed.json()).toMatchObject({ type: 'about:blank', status: 413, code: 'request.too_large', detail: expect.stringMatching(/^[A-Z].*64 KiB.*\.$/) });
    expect(chunksRead).toBeLessThan(10);
  });

  it('refuses a declared Content-Length over 64 KiB without reading the body', async () => {
    const res = await t.request('/api/v1/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) }, body: '{}' });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 413, code: 'request.too_large', title: 'Request body too large' });
  });

  it('still takes a normal body, and the largest one a route accepts', async () => {
    await t.signUp();
    const ok = await t.request('/api/v1/auth/sign-in', { method: 'POST', json: { email: 'owner@example.com', password: 'correct horse battery' } });
    expect(ok.status).toBe(200);
    // The largest body a route takes: the longest notes allowed, in 3-byte characters (60 kB of UTF-8).
    const longest = await t.request('/api/v1/contacts', { method: 'POST', headers: { cookie: ok.headers.get('set-cookie')!.split(';')[0]! }, json: { name: 'Ada', notes: '鳥'.repeat(20_000) } });
    expect(longest.status).toBe(201);
  });

  it('serves an OpenAPI 3.1 document that names every route and its schemas', async () => {
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/sign-up', '/auth/sign-in', '/auth/sign-out', '/pairing-codes', '/devices', '/devices/{id}', '/x/cookies', '/x/status']));
    expect(doc.components.schemas.XCookiePair!.properties).toHaveProperty('authToken');
    expect(doc.components.schemas.ConnectionStatus!.properties).toHaveProperty('state');
  });
});
