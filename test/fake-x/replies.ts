import type { FakeXSearch } from './types.ts';

/** What a route answers; the server adds the rate-limit headers and writes it. */
export interface FakeReply {
  status: number;
  /** A string or bytes are sent as they are (HTML, text, an image); anything else as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** What a timeline or search answer showed, copied onto the FakeXRequest for assertions. */
  served?: { search?: FakeXSearch; tweetIds?: string[] };
}

export const json = (status: number, body: unknown): FakeReply => ({ status, body });

/** X's error body: {"errors":[{"code":N,"message":"…"}]}. */
export const xError = (status: number, code: number, message: string): FakeReply =>
  json(status, { errors: [{ code, message }] });

export const notAuthenticated = () => xError(401, 32, 'Could not authenticate you.');
export const csrfMismatch = () =>
  xError(403, 353, 'This request requires a matching csrf cookie and header.');
export const rateLimitExceeded = () => xError(429, 88, 'Rate limit exceeded.');
export const overCapacity = () => xError(503, 130, 'Over capacity');
export const pageDoesNotExist = () => xError(404, 34, 'Sorry, that page does not exist.');
// A rotated GraphQL query id: X answers 404 with an empty body.
export const emptyNotFound = (): FakeReply => ({
  status: 404,
  body: '',
  contentType: 'text/plain; charset=utf-8',
});

export const html = (status: number, body: string): FakeReply => ({
  status,
  body,
  contentType: 'text/html; charset=utf-8',
});

// Strict mode's GraphQL refusals. A query id X no longer knows (rotated) answers 404 with this text
// (x-cookie-api-realism.md "Query ids and feature flags"; public-clis/twitter-cli#82, epiral/bb-sites#89).
export const queryUnspecified = (): FakeReply => ({
  status: 404,
  body: 'Query: Unspecified',
  contentType: 'text/plain; charset=utf-8',
});
// A request without a feature flag X now requires (same sources).
export const featuresCannotBeNull = (names: string[]): FakeReply =>
  json(400, {
    errors: [{ message: `The following features cannot be null: ${names.join(', ')}`, code: 336 }],
  });

// The account-wide refusals of the error table in x-cookie-api-realism.md.
export const accountLocked = () =>
  xError(
    403,
    326,
    'To protect our users from spam and other malicious activity, this account is temporarily locked. Please log in to https://twitter.com to unlock your account.',
  );
export const accountSuspended = () =>
  xError(403, 64, 'Your account is suspended and is not permitted to access this feature.');
export const looksAutomated = () =>
  xError(
    403,
    226,
    "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now. Please try again later.",
  );
