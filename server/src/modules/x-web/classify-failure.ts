import type { XExchange } from './x-fetch.ts';

/**
 * Why X is not usable for the account, each with its own sentence: X changed its web API (Perch rediscovers it
 * by itself; if that fails, an update), X is down, or the account is locked or suspended at X.
 */
export type XUnavailableReason = 'x_changed' | 'x_down' | 'locked' | 'account_suspended';

/**
 * Why a piece of work with X failed. `auth` ends the connection (expired), `rate_limited` closes the
 * account's gate until retryAt, `unavailable` is X's side; `not_found` and `suspended` concern one
 * profile only and come from what X answered about it, never from the exchange record.
 */
export type XFailure =
  | { ok: false; kind: 'auth'; status: number; code: number | null }
  /**
   * `paced`: Perch held the request back itself, the account's budget for that operation being spent (nothing
   * was sent, other operations may go on). `automated`: X took the requests for automation (code 226); Perch backs off for hours, not one window. */
  | { ok: false; kind: 'rate_limited'; retryAt: Date; automated?: true; paced?: true }
  | { ok: false; kind: 'unavailable'; reason: XUnavailableReason; detail: string }
  | { ok: false; kind: 'not_found' }
  | { ok: false; kind: 'suspended' }
  /** X answered about this profile with errors beside partial data (protected, withheld): nothing to read. */
  | { ok: false; kind: 'not_visible' };

export type XExchangeFailure = Extract<XFailure, { kind: 'auth' | 'rate_limited' | 'unavailable' }>;

// X's "who are you" answers: 32 could not authenticate, 89 invalid or expired token, 353 csrf
// mismatch. Other 403s (326 locked, 63 suspended, 200 forbidden) say nothing about the cookies.
const authCodes = new Set([32, 89, 353]);
const rateLimitCode = 88;
const lockedCode = 326;
const accountSuspendedCode = 64;
// "This request looks like it might be automated": X wants the client to stop for a while, not 15 minutes.
const automatedCode = 226;
export const automatedBackoffMs = 6 * 60 * 60 * 1000;
// X asks clients to wait a 15-minute window when it gives no reset time.
const defaultRateLimitWaitMs = 15 * 60 * 1000;

/**
 * Why a piece of work with X failed, from what X actually answered. An auth answer beats a rate
 * limit, which beats everything else: one 401 among the fallbacks means the cookies are dead.
 */
export function classifyFailure(
  exchanges: readonly XExchange[],
  {
    now,
    timeoutMs,
    clientRejected = false,
    pacedUntil = null,
  }: { now: Date; timeoutMs: number; clientRejected?: boolean; pacedUntil?: Date | null },
): XExchangeFailure {
  // Perch held the request back itself: the account's budget for it is spent until pacedUntil.
  if (pacedUntil) return { ok: false, kind: 'rate_limited', retryAt: pacedUntil, paced: true };
  // X refused the web client while its settings page still knew the cookies: the bearer changed, not the cookies.
  if (clientRejected)
    return { ok: false, kind: 'unavailable', reason: 'x_changed', detail: 'X changed its API' };
  const has = (code: number) => exchanges.some((e) => e.errorCodes.includes(code));
  // Safe, plain sentences for the settings row and popup (shown inside "Perch could not reach X (…)").
  if (has(lockedCode))
    return {
      ok: false,
      kind: 'unavailable',
      reason: 'locked',
      detail: 'X has locked your account: unlock your account at x.com',
    };
  if (has(accountSuspendedCode))
    return {
      ok: false,
      kind: 'unavailable',
      reason: 'account_suspended',
      detail: 'X has suspended your account',
    };
  if (has(automatedCode))
    return {
      ok: false,
      kind: 'rate_limited',
      retryAt: new Date(now.getTime() + automatedBackoffMs),
      automated: true,
    };
  const auth = exchanges.find(
    (e) => e.status === 401 || (e.status === 403 && e.errorCodes.some((c) => authCodes.has(c))),
  );
  if (auth?.status) {
    const code = auth.errorCodes.find((c) => authCodes.has(c)) ?? auth.errorCodes[0] ?? null;
    return { ok: false, kind: 'auth', status: auth.status, code };
  }

  const limited = exchanges.filter((e) => e.status === 429 || e.errorCodes.includes(rateLimitCode));
  if (limited.length > 0) {
    const resets = limited
      .map((e) => e.rateLimitReset?.getTime() ?? 0)
      .filter((t) => t > now.getTime());
    const retryAt =
      resets.length > 0 ? Math.max(...resets) : now.getTime() + defaultRateLimitWaitMs;
    return { ok: false, kind: 'rate_limited', retryAt: new Date(retryAt) };
  }

  return { ok: false, kind: 'unavailable', ...describeUnavailable(exchanges, timeoutMs) };
}

/** An answer Perch could not read: X changed the shape of a GraphQL answer. */
export const unreadable = {
  ok: false,
  kind: 'unavailable',
  reason: 'x_changed',
  detail: 'X answered in a way Perch could not read',
} as const satisfies XFailure;

/** A short sentence for the settings page; built only from statuses, never from what X sent. */
function describeUnavailable(
  exchanges: readonly XExchange[],
  timeoutMs: number,
): { reason: XUnavailableReason; detail: string } {
  const has = (test: (e: XExchange) => boolean) => exchanges.some(test);
  const down = (detail: string) => ({ reason: 'x_down' as const, detail });
  if (has((e) => e.failure === 'refused'))
    return down('Perch refused to send a request to a host that is not X');
  if (has((e) => e.failure === 'timeout'))
    return down(`X did not answer within ${formatSeconds(timeoutMs)}`);
  if (has((e) => e.failure === 'network')) return down('X could not be reached');
  const serverError = exchanges.find((e) => e.status !== null && e.status >= 500);
  if (serverError) return down(`X answered ${serverError.status}`);
  // A rotated query id answers 404; a feature switch X now requires, 400 code 336; a query X no longer
  // accepts, GRAPHQL_VALIDATION_FAILED.
  if (
    has(
      (e) =>
        (e.status === 404 && e.operation !== null) ||
        e.validationFailed ||
        (e.status === 400 && e.errorCodes.includes(336)),
    )
  ) {
    return { reason: 'x_changed', detail: 'X changed its API' };
  }
  const otherError = exchanges.find((e) => e.status !== null && e.status >= 400);
  if (otherError) return down(`X answered ${otherError.status}`);
  return { reason: unreadable.reason, detail: unreadable.detail };
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
