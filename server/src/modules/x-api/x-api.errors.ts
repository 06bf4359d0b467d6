/**
 * X API v2 failures, reduced to what Perch acts on. The library's own errors carry the request (with its
 * Authorization header) and the body; none of that leaves this file: an XApiError holds only safe words.
 */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { XRateLimit } from './x-api.ts';

export type XApiFailureKind =
  /** The token endpoint refused the code, verifier or refresh token (400/401): the grant is gone. */
  | 'invalid_grant'
  /** An API call was refused for its token (401) or its app or scopes (403). */
  | 'unauthorized'
  /** 429: X's budget for this user and endpoint is spent until `rateLimit.resetAt`. */
  | 'rate_limited'
  /** Any other 4xx, e.g. a pagination token X no longer knows. */
  | 'bad_request'
  /** X did not answer, answered 5xx, or sent something unreadable. */
  | 'unavailable';

export class XApiError extends Error {
  constructor(
    readonly kind: XApiFailureKind,
    /** A short cause, safe to log and show: "X answered 503", "X did not answer within 10 s". */
    readonly detail: string,
    readonly status: number | null = null,
    readonly rateLimit: XRateLimit | null = null,
    /** X's problem type (`https://api.x.com/2/problems/…`) or OAuth error code, when it sent one. */
    readonly problem: string | null = null,
  ) {
    super(detail);
    this.name = 'XApiError';
  }
}

export const toRateLimit = (raw: { limit: number; remaining: number; reset: number } | undefined): XRateLimit | null =>
  raw && Number.isFinite(raw.remaining) && Number.isFinite(raw.reset)
    ? { limit: raw.limit, remaining: raw.remaining, resetAt: new Date(raw.reset * 1000) }
    : null;

function problemOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as { type?: unknown; error?: unknown; errors?: Array<{ type?: unknown }> };
  if (typeof d.type === 'string') return d.type;
  if (typeof d.error === 'string') return d.error;
  const first = Array.isArray(d.errors) ? d.errors[0]?.type : undefined;
  return typeof first === 'string' ? first : null;
}

/** Turns whatever twitter-api-v2 threw into an XApiError; `tokenEndpoint` reads 400/401 as a dead grant. */
export function toXApiError(error: unknown, { tokenEndpoint = false, timeoutMs }: { tokenEndpoint?: boolean; timeoutMs: number }): XApiError {
  if (error instanceof XApiError) return error;
  if (error instanceof ApiResponseError) {
    const status = error.code;
    const rateLimit = toRateLimit(error.rateLimit);
    const problem = problemOf(error.data);
    if (status === 429) {
      const fallback = { limit: rateLimit?.limit ?? 0, remaining: 0, resetAt: new Date(Date.now() + 15 * 60_000) };
      return new XApiError('rate_limited', 'X asked Perch to wait (429)', status, rateLimit ? { ...rateLimit, remaining: 0 } : fallback, problem);
    }
    if (tokenEndpoint && (status === 400 || status === 401)) return new XApiError('invalid_grant', `X refused the grant (${status})`, status, rateLimit, problem);
    if (status === 401 || status === 403) return new XApiError('unauthorized', `X refused the token (${status})`, status, rateLimit, problem);
    if (status >= 400 && status < 500) return new XApiError('bad_request', `X refused the request (${status})`, status, rateLimit, problem);
    return new XApiError('unavailable', `X answered ${status}`, status, rateLimit, problem);
  }
  if (error instanceof ApiRequestError) {
    const timedOut = /timeout/i.test(error.requestError?.message ?? '');
    return new XApiError('unavailable', timedOut ? `X did not answer within ${Math.round(timeoutMs / 1000)} s` : 'X could not be reached');
  }
  if (error instanceof ApiPartialResponseError) return new XApiError('unavailable', 'X sent an answer Perch could not read');
  return new XApiError('unavailable', 'X could not be reached');
}
