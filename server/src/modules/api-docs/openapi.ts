/**
 * The OpenAPI document for /api/v1, built from the same zod schemas the routes validate with,
 * so the document cannot drift from what the server accepts.
 */
import { z } from 'zod';
import {
  ConnectionStatus,
  Contact,
  ContactList,
  CreateContact,
  Credentials,
  Device,
  DeviceToken,
  NotificationList,
  PairingCode,
  Problem,
  RecentTweets,
  RedeemPairingCode,
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
  defaultPageLimit,
  maxPageLimit,
  xDmCallbackErrors,
} from '@perch/shared';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const tooManyAttempts = {
  ...problem('Too many attempts from this address (or for this account): throttle.too_many_attempts; nothing was checked'),
  headers: { 'Retry-After': { description: 'Seconds until the next try is counted', schema: { type: 'integer', minimum: 1 } } },
};
const ok = (description: string, ref?: string) => (ref ? { description, content: json(ref) } : { description });
const session = [{ session: [] }];
const device = [{ device: [] }];
const uuidParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const contactId = [uuidParam('id')];
/** `?limit=&cursor=` of every paged list (PageQuery); the answer's nextCursor is the next page's cursor. */
const pageParams = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: maxPageLimit, default: defaultPageLimit } },
  { name: 'cursor', in: 'query', required: false, description: 'The nextCursor of the previous page, unchanged', schema: { type: 'string' } },
];
const paged400 = problem('A bad limit or cursor (the problem names it)');

export function createOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Perch API',
      version: '1.0.0',
      description:
        'Keeps an X account connected to your own CRM. Every path answers 421 problem+json (request.wrong_host) to a request whose Host is not Perch’s own (PERCH_PUBLIC_URL; loopback names when it is unset).',
    },
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
        Contact: schema(Contact),
        ContactList: schema(ContactList),
        CreateContact: schema(CreateContact, 'input'),
        UpdateContact: schema(UpdateContact, 'input'),
        Timeline: schema(Timeline),
        NotificationList: schema(NotificationList),
        UnreadCount: schema(UnreadCount),
        UnknownAuthorList: schema(UnknownAuthorList),
        RecentTweets: schema(RecentTweets),
        AddedContact: schema(z.object({ contact: Contact, created: z.boolean(), moved: z.number().int() })),
        XDmStatus: schema(XDmStatus),
        XDmConnectStart: schema(XDmConnectStart),
        XDmDisconnected: schema(XDmDisconnected),
        XDmContactSync: schema(XDmContactSync),
      },
    },
    paths: {
      '/auth/state': { get: { summary: 'Who is signed in, and whether sign-up is open', responses: { 200: ok('State', 'AuthState') } } },
      '/auth/sign-up': {
        post: { summary: 'Create an account (the owner, while none exists)', requestBody: { required: true, content: json('Credentials') }, responses: { 201: ok('Signed up; session cookie set', 'User'), 400: problem('Invalid input'), 403: problem('Sign-up closed (whatever the email)'), 409: problem('Email taken (only with PERCH_ALLOW_SIGNUP=true)'), 429: tooManyAttempts } },
      },
      '/auth/sign-in': {
        post: { summary: 'Sign in', requestBody: { required: true, content: json('Credentials') }, responses: { 200: ok('Signed in; session cookie set', 'User'), 401: problem('Wrong email or password'), 429: tooManyAttempts } },
      },
      '/auth/sign-out': { post: { summary: 'Sign out', security: session, responses: { 204: ok('Signed out') } } },
      '/pairing-codes': { post: { summary: 'Create a single-use pairing code (5 minutes)', security: session, responses: { 201: ok('Code', 'PairingCode'), 401: problem('Not signed in') } } },
      '/devices': {
        post: { summary: 'Trade a pairing code for a device token', requestBody: { required: true, content: json('RedeemPairingCode') }, responses: { 201: ok('Paired', 'DeviceToken'), 400: problem('Unknown code'), 410: problem('Used or expired code'), 429: tooManyAttempts } },
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
      '/contacts': {
        get: { summary: 'A page of your contacts by name (?q=: whose name or handle contains it, any case)', security: session, parameters: [...pageParams, { name: 'q', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } }], responses: { 200: ok('Contacts', 'ContactList'), 400: paged400, 401: problem('Not signed in') } },
        post: { summary: 'Add a contact (a name or an X handle, or both)', security: session, requestBody: { required: true, content: json('CreateContact') }, responses: { 201: ok('Created', 'Contact'), 400: problem('Invalid input'), 409: problem('Another contact has this handle') } },
      },
      '/contacts/{id}': {
        get: { summary: 'A contact', security: session, parameters: contactId, responses: { 200: ok('Contact', 'Contact'), 404: problem('No such contact') } },
        patch: { summary: 'Edit a contact; a new handle clears the old account’s X id, bio and avatar and fetches the new one', security: session, parameters: contactId, requestBody: { required: true, content: json('UpdateContact') }, responses: { 200: ok('Contact', 'Contact'), 400: problem('Invalid input'), 404: problem('No such contact'), 409: problem('Another contact has this handle') } },
        delete: { summary: 'Delete a contact and its timeline', security: session, parameters: contactId, responses: { 204: ok('Deleted'), 404: problem('No such contact') } },
      },
      '/contacts/{id}/timeline': { get: { summary: 'A page of the contact’s interactions, newest first', security: session, parameters: [...contactId, ...pageParams], responses: { 200: ok('Timeline', 'Timeline'), 400: paged400, 404: problem('No such contact') } } },
      '/contacts/{id}/avatar': { get: { summary: 'Perch’s copy of the contact’s X avatar', security: session, parameters: contactId, responses: { 200: { description: 'The image', content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } }, 404: problem('No avatar stored, or no such contact') } } },
      '/contacts/{id}/recent-tweets': {
        get: {
          summary: 'The contact’s recent tweets and detected events: from a fetch under 12 hours old (fresh), or a fetch is queued (fetching: poll again), failed (message says why), or no_handle',
          security: session,
          parameters: contactId,
          responses: { 200: ok('Recent tweets', 'RecentTweets'), 401: problem('Not signed in'), 404: problem('No such contact') },
        },
      },
      '/notifications': {
        get: { summary: 'A page of your notifications, newest first (?unread=true: only unread ones)', security: session, parameters: [...pageParams, { name: 'unread', in: 'query', required: false, schema: { type: 'boolean' } }], responses: { 200: ok('Notifications', 'NotificationList'), 400: paged400, 401: problem('Not signed in') } },
      },
      '/notifications/unread-count': { get: { summary: 'How many notifications are unread', security: session, responses: { 200: ok('Count', 'UnreadCount') } } },
      '/notifications/{id}/read': { post: { summary: 'Mark one notification read', security: session, parameters: [uuidParam('id')], responses: { 200: ok('Unread count after', 'UnreadCount'), 404: problem('No such notification') } } },
      '/notifications/read-all': { post: { summary: 'Mark every notification read', security: session, responses: { 200: ok('Unread count after', 'UnreadCount') } } },
      '/x/unknown-authors': { get: { summary: 'A page of the people who mentioned or replied to you and are not contacts, the latest first', security: session, parameters: pageParams, responses: { 200: ok('Authors', 'UnknownAuthorList'), 400: paged400 } } },
      '/x/unknown-authors/{xUserId}/add-contact': {
        post: { summary: 'Make this author a contact (or find the existing one) and move their mentions onto its timeline', security: session, parameters: [{ name: 'xUserId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } }], responses: { 201: ok('Contact created', 'AddedContact'), 200: ok('Existing contact', 'AddedContact'), 404: problem('No such author') } },
      },
      '/x-dm/status': { get: { summary: 'The X direct messages connection: set up or not (and what is missing), @handle, since, token ages, last DM sync', security: session, responses: { 200: ok('Status', 'XDmStatus'), 401: problem('Not signed in') } } },
      '/x-dm/connect': {
        post: { summary: 'Start connecting X direct messages (OAuth 2.0 with PKCE): a single-use state (15 minutes, also set as a cookie for the callback) and X’s authorize URL to send the browser to', security: session, responses: { 200: ok('Where to send the browser', 'XDmConnectStart'), 409: problem('This server has no X app (X_CLIENT_ID unset)') } },
      },
      '/x-dm/callback': {
        get: {
          summary: `X’s redirect back (register \${serverUrl}/api/v1/x-dm/callback in X’s developer portal). Answers a page that moves on to /settings?x_dm=connected or /settings?x_dm_error=<${xDmCallbackErrors.join('|')}>`,
          parameters: ['code', 'state', 'error'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: { 200: { description: 'A page that moves on to the settings page', content: { 'text/html': { schema: { type: 'string' } } } } },
        },
      },
      '/x-dm': { delete: { summary: 'Disconnect: revoke the grant at X, then delete the tokens (deleted also when X refuses; `revoked` says which)', security: session, responses: { 200: ok('Disconnected', 'XDmDisconnected') } } },
      '/x-dm/sync': { post: { summary: 'Sync DMs now (queued; one run per user at a time)', security: session, responses: { 202: ok('Status, with the queued run', 'XDmStatus') } } },
      '/x-dm/contacts/{contactId}/sync': {
        post: { summary: 'Read the one-to-one DM conversation with this contact from X now', security: session, parameters: [uuidParam('contactId')], responses: { 200: ok('The run', 'XDmContactSync'), 404: problem('No such contact'), 409: problem('Not connected, or the contact’s X account is not known yet') } },
      },
      '/x/check': { post: { summary: 'Ask X about the stored cookies now', security: session, responses: { 200: ok('Connection status', 'ConnectionStatus'), 401: problem('Not signed in') } } },
    },
  };
}
