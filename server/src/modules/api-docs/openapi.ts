/**
 * The OpenAPI document for /api/v1, built from the same zod schemas the routes validate with,
 * so the document cannot drift from what the server accepts.
 */
import { z } from 'zod';
import { ConnectionStatus, Credentials, Device, DeviceToken, PairingCode, Problem, RedeemPairingCode, User, XCookiePair } from '@perch/shared';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (description: string, ref?: string) => (ref ? { description, content: json(ref) } : { description });
const session = [{ session: [] }];
const device = [{ device: [] }];

export function createOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Perch API', version: '1.0.0', description: 'Keeps an X account connected to your own CRM.' },
    servers: [{ url: `${serverUrl}/api/v1` }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'perch_session' },
        device: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        Problem: schema(Problem),
        Credentials: schema(Credentials, 'input'),
        User: schema(User),
        AuthState: schema(z.object({ signedIn: z.boolean(), user: User.nullable(), signUpOpen: z.boolean() })),
        PairingCode: schema(PairingCode),
        RedeemPairingCode: schema(RedeemPairingCode, 'input'),
        Device: schema(Device),
        DeviceList: schema(z.object({ devices: z.array(Device) })),
        DeviceToken: schema(DeviceToken),
        XCookiePair: schema(XCookiePair, 'input'),
        ConnectionStatus: schema(ConnectionStatus),
      },
    },
    paths: {
      '/auth/state': { get: { summary: 'Who is signed in, and whether sign-up is open', responses: { 200: ok('State', 'AuthState') } } },
      '/auth/sign-up': {
        post: { summary: 'Create an account (the owner, while none exists)', requestBody: { required: true, content: json('Credentials') }, responses: { 201: ok('Signed up; session cookie set', 'User'), 400: problem('Invalid input'), 403: problem('Sign-up closed'), 409: problem('Email taken') } },
      },
      '/auth/sign-in': {
        post: { summary: 'Sign in', requestBody: { required: true, content: json('Credentials') }, responses: { 200: ok('Signed in; session cookie set', 'User'), 401: problem('Wrong email or password') } },
      },
      '/auth/sign-out': { post: { summary: 'Sign out', security: session, responses: { 204: ok('Signed out') } } },
      '/pairing-codes': { post: { summary: 'Create a single-use pairing code (5 minutes)', security: session, responses: { 201: ok('Code', 'PairingCode'), 401: problem('Not signed in') } } },
      '/devices': {
        post: { summary: 'Trade a pairing code for a device token', requestBody: { required: true, content: json('RedeemPairingCode') }, responses: { 201: ok('Paired', 'DeviceToken'), 400: problem('Unknown code'), 410: problem('Used or expired code') } },
        get: { summary: 'List paired devices', security: session, responses: { 200: ok('Devices', 'DeviceList'), 401: problem('Not signed in') } },
      },
      '/devices/{id}': {
        delete: { summary: 'Revoke a device', security: session, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 204: ok('Revoked'), 404: problem('No such device') } },
      },
      '/x/cookies': {
        put: { summary: 'Store the browser’s current X cookies (verified with X when they changed)', security: device, requestBody: { required: true, content: json('XCookiePair') }, responses: { 200: ok('Connection status', 'ConnectionStatus'), 400: problem('Invalid cookies'), 401: problem('Invalid or revoked device') } },
        delete: { summary: 'Device: the browser signed out of X. Session: disconnect. Both delete the stored cookies.', security: [...device, ...session], responses: { 200: ok('Connection status', 'ConnectionStatus'), 401: problem('Not authenticated') } },
      },
      '/x/status': { get: { summary: 'The X connection state', security: [...device, ...session], responses: { 200: ok('Connection status', 'ConnectionStatus'), 401: problem('Not authenticated') } } },
      '/x/check': { post: { summary: 'Ask X about the stored cookies now', security: session, responses: { 200: ok('Connection status', 'ConnectionStatus'), 401: problem('Not signed in') } } },
    },
  };
}
