/**
 * X API v2 failures, reduced to what Perch acts on. The library's own errors carry the request (with its
 * Authorization header) and the body; none of that leaves this file: an XApiError holds only safe words.
 */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { XRateLimit } from './x-api-v2.ts';

export type XApiFailureKind =
  /** The token endpoint refused the code, verifier or refresh token (400/401): the grant is gone. */
  | 'invalid_grant'
  /** An API call was refused for its token (401) or its app or scopes (403). */
  | 'unauthorized'
  /** 429: X's budget for this user and endpoint is spent until `rateLimit.resetAt`. */
  | 'rate_limited'
  /**
   * 403 client-forbidden: X will not serve the app at all (it is not attached to a Project, or the Project's
   * access level does not cover the endpoint). The user's grant is fine; the fix is in X's developer portal.
   */
  | 'client_forbidden'
  /**
   * 429 usage-capped: the Project's usage cap (monthly, or daily) is used up. Not the 15-minute budget: the
   * x-rate-limit-* headers that may come along say nothing about when the cap ends, and X says so nowhere.
   */
  | 'usage_capped'
  /** 402: a pay-per-use account's prepaid credits are spent, until the developer adds some. */
  | 'credits_depleted'
  /**
   * 403 "You are not allowed to create a Tweet with duplicate content.": X has a post with this text already — maybe
   * the one Perch just sent, whose answer was lost. Find out (read the account's own posts); never re-send.
   */
  | 'duplicate_content'
  /**
   * 403 (code 385) "You attempted to reply to a Tweet that is deleted or not visible to you.": the parent is gone,
   * or — right after Perch posted it — not readable yet; a thread waits a moment and tries again.
   */
  | 'reply_target_unavailable'
  /** 403 on an OAuth 2.0 token whose grant lacks the scope the endpoint needs; `scope` names it. */
  | 'missing_scope'
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
    /** usage_capped: which cap X says is used up. */
    readonly usagePeriod: 'daily' | 'monthly' | null = null,
    /** missing_scope: the OAuth 2.0 scope the grant lacks (media.write, tweet.write…). */
    readonly scope: string | null = null,
  ) {
    super(detail);
    this.name = 'XApiError';
  }
}

export const toRateLimit = (
  raw: { limit: number; remaining: number; reset: number } | undefined,
): XRateLimit | null =>
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

/** The last segment of X's problem type, whichever host it is spelt with (X still sends api.twitter.com). */
const problemName = (problem: string | null) =>
  /^https:\/\/api\.(?:x|twitter)\.com\/2\/problems\/([a-z-]+)$/.exec(problem ?? '')?.[1] ?? null;
const field = (data: unknown, name: string) =>
  data && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined;

/**
 * An app X refuses, told apart by the problem type (or title) X sends with it. The detail names X's reason
 * or period only when it is one of the words X's documents list, and never an id (client_id, account_id).
 */
function appRefusal(
  status: number,
  data: unknown,
  problem: string | null,
  rateLimit: XRateLimit | null,
): XApiError | null {
  const name = problemName(problem);
  const title = field(data, 'title');
  if (
    status === 402 ||
    name === 'credits' ||
    name === 'credits-depleted' ||
    title === 'CreditsDepleted'
  ) {
    return new XApiError(
      'credits_depleted',
      `X says the app’s prepaid credits are spent (${status})`,
      status,
      rateLimit,
      problem,
    );
  }
  if (name === 'usage-capped' || title === 'UsageCapExceeded') {
    const period = field(data, 'period') === 'Daily' ? 'daily' : 'monthly';
    return new XApiError(
      'usage_capped',
      `X says the app has used its ${period} X API cap (${status} usage-capped)`,
      status,
      rateLimit,
      problem,
      period,
    );
  }
  if (name === 'client-forbidden') {
    const reason = field(data, 'reason');
    const known =
      reason === 'client-not-enrolled' || reason === 'official-client-forbidden'
        ? `, ${reason}`
        : '';
    return new XApiError(
      'client_forbidden',
      `X refuses the app: it is not attached to a Project (${status} client-forbidden${known})`,
      status,
      rateLimit,
      problem,
    );
  }
  return null;
}

const texts = (data: unknown): string[] => {
  const out: string[] = [];
  for (const value of [field(data, 'detail'), field(data, 'message')])
    if (typeof value === 'string') out.push(value);
  const errors = field(data, 'errors');
  if (Array.isArray(errors))
    for (const e of errors)
      for (const value of [field(e, 'message'), field(e, 'detail')])
        if (typeof value === 'string') out.push(value);
  return out;
};
const codes = (data: unknown): unknown[] => {
  const errors = field(data, 'errors');
  return [
    field(data, 'code'),
    ...(Array.isArray(errors) ? errors.map((e) => field(e, 'code')) : []),
  ];
};

/**
 * The 403s publishing tells apart, by X's own sentence (its v2 answers carry them in `detail`, v1.1-style ones in
 * `errors[].message` with a code). Only fixed words go into the detail, never X's text.
 */
function writeRefusal(
  data: unknown,
  problem: string | null,
  rateLimit: XRateLimit | null,
  scope: string | undefined,
): XApiError | null {
  const said = texts(data);
  if (said.some((t) => /duplicate content/i.test(t)) || codes(data).includes(187))
    return new XApiError(
      'duplicate_content',
      'X says a post with this text exists already (403 duplicate content)',
      403,
      rateLimit,
      problem,
    );
  if (
    said.some((t) => /reply to a (?:tweet|post) that is deleted or not visible/i.test(t)) ||
    codes(data).includes(385)
  )
    return new XApiError(
      'reply_target_unavailable',
      'X says the post to reply to is deleted or not visible (403)',
      403,
      rateLimit,
      problem,
    );
  // X's gateway answers a token without the endpoint's scope with a bare about:blank 403 "Forbidden".
  const bare =
    (problem === null || problem === 'about:blank') && field(data, 'title') === 'Forbidden';
  if (scope && bare && said.every((t) => t === 'Forbidden'))
    return new XApiError(
      'missing_scope',
      `X refused: the OAuth 2.0 grant does not include ${scope} (403)`,
      403,
      rateLimit,
      problem,
      null,
      scope,
    );
  return null;
}

/**
 * Turns whatever twitter-api-v2 threw into an XApiError; `tokenEndpoint` reads 400/401 as a dead grant. An app X
 * refuses (client-forbidden, usage-capped, spent credits) comes first: it is never a dead grant or token, nor a
 * 15-minute budget.
 */
export function toXApiError(
  error: unknown,
  {
    tokenEndpoint = false,
    timeoutMs,
    scope,
  }: {
    tokenEndpoint?: boolean;
    timeoutMs: number;
    /** With an OAuth 2.0 token: the scope the endpoint needs, so a bare 403 can say the grant lacks it. */
    scope?: string;
  },
): XApiError {
  if (error instanceof XApiError) return error;
  if (error instanceof ApiResponseError) {
    const status = error.code;
    const rateLimit = toRateLimit(error.rateLimit);
    const problem = problemOf(error.data);
    const refusal = appRefusal(status, error.data, problem, rateLimit);
    if (refusal) return refusal;
    if (status === 403) {
      const forbidden = writeRefusal(error.data, problem, rateLimit, scope);
      if (forbidden) return forbidden;
    }
    if (status === 429) {
      const fallback = {
        limit: rateLimit?.limit ?? 0,
        remaining: 0,
        resetAt: new Date(Date.now() + 15 * 60_000),
      };
      return new XApiError(
        'rate_limited',
        'X asked Perch to wait (429)',
        status,
        rateLimit ? { ...rateLimit, remaining: 0 } : fallback,
        problem,
      );
    }
    if (tokenEndpoint && (status === 400 || status === 401))
      return new XApiError(
        'invalid_grant',
        `X refused the grant (${status})`,
        status,
        rateLimit,
        problem,
      );
    if (status === 401 || status === 403)
      return new XApiError(
        'unauthorized',
        `X refused the token (${status})`,
        status,
        rateLimit,
        problem,
      );
    if (status >= 400 && status < 500)
      return new XApiError(
        'bad_request',
        `X refused the request (${status})`,
        status,
        rateLimit,
        problem,
      );
    return new XApiError('unavailable', `X answered ${status}`, status, rateLimit, problem);
  }
  if (error instanceof ApiRequestError) {
    // twitter-api-v2 1.29 keeps the cause under `error` while its `requestError` getter reads another key.
    const cause =
      error.requestError ?? (error as unknown as { _options?: { error?: Error } })._options?.error;
    const timedOut = /timeout/i.test(cause?.message ?? '');
    return new XApiError(
      'unavailable',
      timedOut
        ? `X did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s`
        : 'X could not be reached',
    );
  }
  if (error instanceof ApiPartialResponseError)
    return new XApiError('unavailable', 'X sent an answer Perch could not read');
  return new XApiError('unavailable', 'X could not be reached');
}

/**
 * Whether X refused the request for a value of the query parameter `name`: a 400 invalid-request naming it,
 * in `errors[].parameters` (as X lists them) or in `parameter` (as its document has it).
 */
export function refusedParameter(error: unknown, name: string): boolean {
  if (!(error instanceof ApiResponseError) || error.code !== 400) return false;
  if (field(error.data, 'parameter') === name) return true;
  const errors = field(error.data, 'errors');
  return (
    Array.isArray(errors) &&
    errors.some((e) => {
      const parameters = field(e, 'parameters');
      return typeof parameters === 'object' && parameters !== null && name in parameters;
    })
  );
}
