import { uniqueSymbol } from 'hono-openapi';
import { findTargetHandler } from 'hono/utils/handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-utils/app.ts';
import { apiBasePath, type OpenApiDocument } from './openapi.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  doc = await (await t.request('/api/v1/openapi.json')).json();
});
afterAll(() => t.close());

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
type Operation = {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { description?: string }>;
};
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${apiBasePath}${path}`, op })),
  );

/**
 * Every method + path the real app answers under /api, in OpenAPI's spelling (/contacts/{id}). Middleware (ALL) is
 * no route, and neither is a describeRoute or validator entry alone: a description left behind by a removed route
 * must show up as documenting a route that does not exist.
 */
const apiRoutes = () =>
  [
    ...new Set(
      t.app.routes
        .filter(
          (r) =>
            r.path.startsWith('/api') &&
            r.method !== 'ALL' &&
            !(uniqueSymbol in findTargetHandler(r.handler)),
        )
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}')}`),
    ),
  ].sort();

describe('API document', () => {
  it('documents every /api route of the app, and no route the app does not have', () => {
    const documented = operations().map((o) => o.name);
    expect(
      apiRoutes().filter((r) => !documented.includes(r)),
      'routes without a describeRoute',
    ).toEqual([]);
    expect(
      documented.filter((d) => !apiRoutes().includes(d)),
      'documented, but no such route',
    ).toEqual([]);
    expect(apiRoutes().length).toBeGreaterThan(30);
  });

  it('gives every operation a summary and a described success answer', () => {
    const incomplete = operations()
      .filter(
        ({ op }) =>
          !op.summary ||
          !Object.keys(op.responses ?? {}).some((s) => /^2\d\d$/.test(s)) ||
          Object.values(op.responses ?? {}).some((r) => !r.description),
      )
      .map((o) => o.name);
    expect(incomplete).toEqual([]);
  });

  it('describes errors as problem+json and names the shared schemas', () => {
    const problemAnswers = operations().flatMap(({ name, op }) =>
      Object.entries(op.responses ?? {})
        .filter(([status]) => /^[45]/.test(status))
        .map(([status, r]) => ({
          name: `${name} ${status}`,
          types: Object.keys((r as { content?: object }).content ?? {}),
        })),
    );
    expect(
      problemAnswers
        .filter((a) => a.types.join() !== 'application/problem+json')
        .map((a) => a.name),
    ).toEqual([]);
    expect(Object.keys(doc.components.schemas ?? {})).toEqual(
      expect.arrayContaining(['Problem', 'SignedIn', 'User', 'ContactList', 'XSyncStatus']),
    );
    expect(doc.servers).toEqual([{ url: 'http://perch.test/api/v1' }]);
  });

  it('documents sign-up and sign-in as answering { user } (the shape both send)', async () => {
    const signedIn = { $ref: '#/components/schemas/SignedIn' };
    const paths = doc.paths as Record<
      string,
      Record<
        string,
        { responses: Record<string, { content: Record<string, { schema: unknown }> }> }
      >
    >;
    expect(
      paths['/auth/sign-up']!.post!.responses['201']!.content['application/json']!.schema,
    ).toEqual(signedIn);
    expect(
      paths['/auth/sign-in']!.post!.responses['200']!.content['application/json']!.schema,
    ).toEqual(signedIn);
    const res = await t.request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email: 'owner@example.com', password: 'correct horse battery' },
    });
    const { user } = await t.expectDocumented<{ user: { email: string } }>(
      res,
      'POST /api/v1/auth/sign-up',
      201,
    );
    expect(user.email).toBe('owner@example.com');
  });

  it('expectDocumented refuses an answer its operation does not document', async () => {
    const answer = (status: number, body: unknown, type = 'application/json') =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
    const user = { id: 'u1', email: 'a@example.com', createdAt: '2026-01-01T00:00:00.000Z' };
    await t.expectDocumented(answer(200, { user }), 'POST /api/v1/auth/sign-in', 200);
    // The old document's promise: a bare user.
    await expect(
      t.expectDocumented(answer(200, user), 'POST /api/v1/auth/sign-in', 200),
    ).rejects.toThrow(/does not match its documented schema.*user/);
    await expect(
      t.expectDocumented(answer(200, { user, token: 'x' }), 'POST /api/v1/auth/sign-in', 200),
    ).rejects.toThrow(/additional properties/);
    await expect(
      t.expectDocumented(answer(201, { user }), 'POST /api/v1/auth/sign-in', 201),
    ).rejects.toThrow(/does not document a 201/);
    await expect(
      t.expectDocumented(
        answer(401, { title: 'x', status: 401 }),
        'POST /api/v1/auth/sign-in',
        401,
      ),
    ).rejects.toThrow(/answered application\/json/);
    await expect(t.expectDocumented(answer(200, {}), 'GET /api/v1/nowhere', 200)).rejects.toThrow(
      /not in the API document/,
    );
  });

  it('every route that needs a session answers 401 problem+json, as documented, without one', async () => {
    const needSession = operations().filter(({ op }) => op.security?.some((s) => 'session' in s));
    expect(needSession.length).toBeGreaterThan(25);
    for (const { name } of needSession) {
      const [method, path] = name.split(' ') as [string, string];
      const res = await t.request(
        path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000'),
        { method, ...(['POST', 'PUT', 'PATCH'].includes(method) ? { json: {} } : {}) },
      );
      await t.expectDocumented(res, name, 401);
    }
  });

  it('serves itself as documented', async () => {
    await t.expectDocumented(
      await t.request('/api/v1/openapi.json'),
      'GET /api/v1/openapi.json',
      200,
    );
  });
});
