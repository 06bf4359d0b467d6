/** What a route answers; the server adds the rate-limit headers and writes it. */
export interface FakeReply {
  status: number;
  /** A string or bytes are sent as they are (HTML, text, an image); anything else as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
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
