import type { XExchange } from './x-fetch.ts';

export type XFailure =
  | { ok: false; kind: 'auth'; status: number; code: number | null }
  | { ok: false; kind: 'rate_limited'; retryAt: Date }
  | { ok: false; kind: 'unavailable'; detail: string };

// X's "who are you" answers: 32 could not authenticate, 89 invalid or expired token, 353 csrf
// mismatch. Other 403s (326 locked, 63 suspended, 200 forbidden) say nothing about the cookies.
const authCodes = new Set([32, 89, 353]);
const rateLimitCode = 88;
// X asks clients to wait a 15-minute window when it gives no reset time.
const defaultRateLimitWaitMs = 15 * 60 * 1000;

/**
 * Why a piece of work with X failed, from what X actually answered. An auth answer beats a rate
 * limit, which beats everything else: one 401 among the fallbacks means the cookies are dead.
 */
export function classifyFailure(
  exchanges: readonly XExchange[],
  { now, timeoutMs }: { now: Date; timeoutMs: number },
): XFailure {
  const auth = exchanges.find(
    (e) => e.status === 401 || (e.status === 403 && e.errorCodes.some((c) => authCodes.has(c))),
  );
  if (auth?.status) {
    const code = auth.errorCodes.find((c) => authCodes.has(c)) ?? auth.errorCodes[0] ?? null;
    return { ok: false, kind: 'auth', status: auth.status, code };
  }

  const limited = exchanges.filter((e) => e.status === 429 || e.errorCodes.includes(rateLimitCode));
  if (limited.length > 0) {
    const resets = limited.map((e) => e.rateLimitReset?.getTime() ?? 0).filter((t) => t > now.getTime());
    const retryAt = resets.length > 0 ? Math.max(...resets) : now.getTime() + defaultRateLimitWaitMs;
    return { ok: false, kind: 'rate_limited', retryAt: new Date(retryAt) };
  }

  return { ok: false, kind: 'unavailable', detail: describeUnavailable(exchanges, timeoutMs) };
}

/** A short sentence for the settings page; built only from statuses, never from what X sent. */
function describeUnavailable(exchanges: readonly XExchange[], timeoutMs: number): string {
  const has = (test: (e: XExchange) => boolean) => exchanges.some(test);
  if (has((e) => e.failure === 'refused')) return 'Perch refused to send a request to a host that is not X';
  if (has((e) => e.failure === 'timeout')) return `X did not answer within ${formatSeconds(timeoutMs)}`;
  if (has((e) => e.failure === 'network')) return 'X could not be reached';
  const serverError = exchanges.find((e) => e.status !== null && e.status >= 500);
  if (serverError) return `X answered ${serverError.status}`;
  if (has((e) => e.status === 404 && e.operation !== null)) return 'X changed its API';
  const otherError = exchanges.find((e) => e.status !== null && e.status >= 400);
  if (otherError) return `X answered ${otherError.status}`;
  return 'X answered in a way Perch could not read';
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
