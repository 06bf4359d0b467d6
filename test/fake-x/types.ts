/** An X account the fake knows; its cookies are the credentials the fake accepts. */
export interface FakeXAccount {
  authToken: string;
  ct0: string;
  /** Numeric string, like X's rest_id (bird's settings-page scrape only accepts digits). */
  userId: string;
  screenName: string;
  name: string;
  bio?: string;
  avatarUrl?: string;
  /** A suspended profile answers UserUnavailable on GraphQL and 403 code 63 on users/show. */
  suspended?: boolean;
}

/**
 * How the fake misbehaves, for every request until the next setMode or reset:
 * - 'expired': 401 {"errors":[{"code":32,"message":"Could not authenticate you."}]}
 * - 'csrf': 403 code 353 "This request requires a matching csrf cookie and header."
 * - 'rate_limited': 429 code 88 with x-rate-limit-reset (opts.resetAt, default now + 15 min)
 * - 'server_error': 503
 * - 'graphql_404': every /i/api/graphql/* answers 404 like a rotated query id; REST still works
 * - 'unreachable': the socket is destroyed without an answer
 * - 'slow': answers after opts.delayMs (default 5 s)
 */
export type FakeXMode =
  | 'ok'
  | 'expired'
  | 'csrf'
  | 'rate_limited'
  | 'server_error'
  | 'graphql_404'
  | 'unreachable'
  | 'slow';

export interface FakeXModeOptions {
  resetAt?: Date;
  delayMs?: number;
}

/** One request the fake saw. status is 0 when no answer was delivered (unreachable, client gave up). */
export interface FakeXRequest {
  method: string;
  path: string;
  /** The GraphQL operation name (last path segment), null for REST and pages. */
  operation: string | null;
  status: number;
  at: number;
}

export interface FakeX {
  url: string;
  port: number;
  /** Adds or replaces (by authToken) an account. */
  addAccount(account: FakeXAccount): void;
  setMode(mode: FakeXMode, opts?: FakeXModeOptions): void;
  /** Every request since start or the last reset, oldest first. The array is cleared in place. */
  requests: FakeXRequest[];
  /** Back to mode 'ok', with no requests and fresh rate-limit windows. Accounts are kept. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeXOptions {
  port?: number;
  host?: string;
}
