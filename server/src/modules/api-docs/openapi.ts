/**
 * The OpenAPI document for /api/v1, generated (hono-openapi) from the descriptions the route files register beside
 * their handlers (describe.ts) and from the validators themselves, so it cannot drift from the routes: a route
 * without a description fails api-docs' coverage test, and route tests check answers against it (expectDocumented).
 */
import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import { z } from 'zod';
import { Problem } from '@perch/shared';
import { problemRef } from '../../lib/api-docs.ts';

/** The document's paths are relative to its server URL, `${publicUrl}/api/v1`. */
export const apiBasePath = '/api/v1';

const crossOrigin = {
  403: problemRef(
    'A change with the session cookie from another origin (only Perch’s pages may make one)',
  ),
};
const bodyMethods = {
  ...crossOrigin,
  413: problemRef('Request body too large (more than 64 KiB)'),
};
const everyAnswer = {
  421: problemRef(
    'The Host header is not Perch’s public host (PERCH_PUBLIC_URL), or loopback without one',
  ),
  500: problemRef('Unexpected error (it is in the server log)'),
};

const { $schema: _, ...problemSchema } = z.toJSONSchema(Problem, { io: 'output' }) as {
  $schema?: string;
  type: 'object';
};

// Hono's Hono<E> is invariant in E; the generator only reads `routes`.
export async function createOpenApiDocument(app: Pick<Hono, 'routes'>, publicUrl: string) {
  const generated = await generateSpecs(app as Hono, {
    documentation: {
      info: {
        title: 'Perch API',
        version: '1.0.0',
        description: 'Keeps an X account connected to your own CRM.',
      },
      servers: [{ url: `${publicUrl}${apiBasePath}` }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'perch_session' },
          device: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
        // For the defaults below; the routes' own problem answers name it too.
        schemas: { Problem: problemSchema },
      },
    },
    // Only the API; the web pages are not part of it. openapi.json ends in ".json" but is no static file.
    exclude: new RegExp(`^(?!${apiBasePath}/)`),
    excludeStaticFile: false,
    defaultOptions: {
      GET: { responses: { ...everyAnswer } },
      DELETE: { responses: { ...crossOrigin, ...everyAnswer } },
      POST: { responses: { ...bodyMethods, ...everyAnswer } },
      PUT: { responses: { ...bodyMethods, ...everyAnswer } },
      PATCH: { responses: { ...bodyMethods, ...everyAnswer } },
    },
    // validJson's 400 (lib/validation.ts): a problem naming each invalid field in `errors`.
    defaultValidationErrorResponse: problemRef(
      'The request is not valid (`errors` names each field)',
    ),
  });
  const paths = Object.fromEntries(
    Object.entries(generated.paths).map(([path, item]) => [path.slice(apiBasePath.length), item]),
  );
  return { ...generated, paths };
}

export type OpenApiDocument = Awaited<ReturnType<typeof createOpenApiDocument>>;
