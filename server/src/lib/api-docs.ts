/**
 * What route files describe their routes with (hono-openapi's describeRoute, fed the shared zod schemas). The
 * document in openapi.ts is generated from these descriptions, so a route and its documentation sit side by side
 * and a changed shared schema changes the document with it. A description is its own registration just above the
 * route (same method and path): Hono runs it first and it only calls next(), so route lines and handler bodies stay
 * as they are. validJson and validQuery document the body and query they validate by themselves.
 *
 * @example
 * .post('/sign-in', describeRoute({ summary: 'Sign in', responses: { 200: json('Signed in', SignedIn), 401: problem('Wrong email or password') } }))
 * .post('/sign-in', validJson(Credentials), async (c) => …)
 */
import type { MiddlewareHandler } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import { z } from 'zod';
import {
  AddedContact,
  AuthState,
  ConnectionStatus,
  Contact,
  ContactList,
  CreateContact,
  Credentials,
  Device,
  DeviceList,
  DeviceToken,
  NotificationList,
  PairingCode,
  Problem,
  RecentTweets,
  RedeemPairingCode,
  SignedIn,
  Timeline,
  UnknownAuthorList,
  UnreadCount,
  UpdateContact,
  User,
  XCookiePair,
  XDmConnectStart,
  XDmContactSync,
  XDmDisconnected,
  XDmStatus,
  XSyncProgress,
  XSyncStatus,
} from '@perch/shared';

export { describeRoute } from 'hono-openapi';

/**
 * The shared schemas the document names (#/components/schemas/<id>) instead of repeating inline. A registry of
 * our own, not zod's global one: the shared package stays free of documentation concerns.
 */
export const apiSchemas = z.registry<{ id: string }>();
const named = {
  Problem,
  Credentials,
  User,
  SignedIn,
  AuthState,
  PairingCode,
  RedeemPairingCode,
  Device,
  DeviceList,
  DeviceToken,
  XCookiePair,
  ConnectionStatus,
  Contact,
  ContactList,
  CreateContact,
  UpdateContact,
  Timeline,
  NotificationList,
  UnreadCount,
  UnknownAuthorList,
  AddedContact,
  RecentTweets,
  XDmStatus,
  XDmConnectStart,
  XDmDisconnected,
  XDmContactSync,
  XSyncProgress,
  XSyncStatus,
};
for (const [id, schema] of Object.entries(named)) apiSchemas.add(schema, { id });

/** What the server sends (io 'output': defaults are filled in, so those fields are always present). */
const sent = (schema: z.ZodType) =>
  resolver(schema, { options: { io: 'output', metadata: apiSchemas } });
/** What a client sends (io 'input': fields with defaults may be left out). */
export const received = (schema: z.ZodType) =>
  resolver(schema, { options: { io: 'input', metadata: apiSchemas } });

export const problemMediaType = 'application/problem+json';

/** A JSON answer in a shared schema. */
export const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema: sent(schema) } },
});

/** An RFC 9457 problem answer (every API error). */
export const problem = (description: string) => ({
  description,
  content: { [problemMediaType]: { schema: sent(Problem) } },
});

/** An answer without a body (204). */
export const empty = (description: string) => ({ description });

/** The same problem as a plain reference, for the generator's defaults (which it does not resolve). */
export const problemRef = (description: string) => ({
  description,
  content: { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

type Security = Array<Record<string, string[]>>;
export const bySession: Security = [{ session: [] }];
export const byDevice: Security = [{ device: [] }];
export const byDeviceOrSession: Security = [{ device: [] }, { session: [] }];

const inputJsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
};

/** A path parameter, e.g. pathParam('id', z.uuid()). */
export const pathParam = (name: string, schema: z.ZodType, description?: string) => ({
  name,
  in: 'path' as const,
  required: true,
  schema: inputJsonSchema(schema),
  ...(description ? { description } : {}),
});

/** Query parameters from a zod object, one per key; optional keys are not required. */
export function queryParams(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query' as const,
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: inputJsonSchema(field as z.ZodType),
  }));
}

/**
 * Marks a validator middleware (lib/validation.ts) so the generator documents what it validates: the JSON body,
 * or the query's parameters. The route then needs no second copy of the schema in its description.
 */
export function documentsInput<M extends MiddlewareHandler>(
  target: 'json' | 'query',
  schema: z.ZodType,
  middleware: M,
): M {
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...received(schema) } });
}
