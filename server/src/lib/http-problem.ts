/**
 * Errors as RFC 9457 problem details: thrown anywhere as ProblemError, turned into one response in app.onError.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Problem } from '@perch/shared';

export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: Problem['errors'],
  ) {
    super(`${code}: ${title}`);
  }
}

/** The body carries the request's id (hono/request-id) when there is one, to find the answer's lines in the log. */
export function problemResponse(c: Context, problem: Omit<Problem, 'type' | 'requestId'>) {
  const requestId: string | undefined = c.var.requestId;
  return c.body(
    JSON.stringify({ type: 'about:blank', ...problem, requestId }),
    problem.status as ContentfulStatusCode,
    {
      'content-type': 'application/problem+json',
    },
  );
}

export const problems = {
  unauthenticated: () =>
    new ProblemError(
      401,
      'auth.required',
      'Sign in first',
      'This needs a signed-in session or a device token.',
    ),
  bodyTooLarge: (maxKiB: number) =>
    new ProblemError(
      413,
      'request.too_large',
      'Request body too large',
      `Perch takes request bodies of at most ${maxKiB} KiB; this one is larger.`,
    ),
  notFound: (what: string) => new ProblemError(404, 'not_found', `${what} not found`),
  /** A 400 naming each bad field (its path and a plain sentence), in `errors` and in the detail. */
  invalidRequest: (errors: { path: string; message: string }[]) =>
    new ProblemError(
      400,
      'request.invalid',
      'The request is not valid',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    ),
};
