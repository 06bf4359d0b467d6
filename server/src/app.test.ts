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

  it('serves an OpenAPI 3.1 document that names every route and its schemas', async () => {
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/sign-up', '/auth/sign-in', '/auth/sign-out', '/pairing-codes', '/devices', '/devices/{id}', '/x/cookies', '/x/status']));
    expect(doc.components.schemas.XCookiePair!.properties).toHaveProperty('authToken');
    expect(doc.components.schemas.ConnectionStatus!.properties).toHaveProperty('state');
  });
});
