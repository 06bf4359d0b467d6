/**
 * Keeping the server's copy of the X cookies current: on worker start, install, browser start and every change of
 * auth_token / ct0 on x.com. Only a pair that differs from the one the server acknowledged is pushed; a missing
 * auth_token is pushed as a sign-out (DELETE). Failures go to push-retry.
 */
import { ApiError, createApiClient } from '../utils/api-client';
import { disconnectedSentence, forgetPairing, loadSession, type Session } from '../utils/session';
import {
  ackedFingerprintItem,
  deviceTokenItem,
  lastErrorItem,
  lastStatusItem,
  serverReachableItem,
} from '../utils/storage';
import { fingerprintOf, isXCookieChange, readXCookies, type CookiesApi } from '../utils/x-cookies';
import type { PushRetry } from './push-retry';

/**
 * Setting a pair fires two onChanged events (and a rotation fires removed+added) within a few ms. One short window
 * turns the burst into one push, and keeps change → stored well under the 150 ms budget.
 */
export const coalesceWindowMs = 30;

export type PushOutcome =
  | 'not_paired'
  /** The server already has this pair (or already knows the browser is signed out). */
  | 'unchanged'
  /** auth_token without ct0: wait for the ct0 event. */
  | 'incomplete'
  | 'pushed'
  | 'signed_out'
  | 'retry_scheduled'
  /** The server said 401: the device was revoked, so we forgot the token. */
  | 'unpaired';

export interface CookiePushDeps {
  cookies: Pick<CookiesApi, 'get'>;
  retry: PushRetry;
  fetch?: typeof fetch;
  windowMs?: number;
}

export type CookiePush = ReturnType<typeof createCookiePush>;

export function createCookiePush({
  cookies,
  retry,
  fetch: fetchFn,
  windowMs = coalesceWindowMs,
}: CookiePushDeps) {
  // One push at a time, so "compare with the acknowledged fingerprint" never races another push.
  let queue: Promise<unknown> = Promise.resolve();
  let open: { force: boolean; done: Promise<PushOutcome> } | null = null;

  function syncNow({ force = false } = {}): Promise<PushOutcome> {
    const run = queue.then(() => pushOnce(force));
    queue = run.catch(() => undefined);
    return run;
  }

  /** Coalesce: the first request opens a short window; requests inside it share its push. */
  function request({ force = false } = {}): Promise<PushOutcome> {
    if (open) {
      open.force ||= force;
      return open.done;
    }
    const window = { force, done: null as unknown as Promise<PushOutcome> };
    window.done = new Promise<void>((resolve) => setTimeout(resolve, windowMs)).then(() => {
      open = null;
      return syncNow({ force: window.force });
    });
    open = window;
    return window.done;
  }

  async function pushOnce(forced: boolean): Promise<PushOutcome> {
    const session = await loadSession();
    if (!session) return 'not_paired';
    const force = forced || ((await retry.pending())?.force ?? false);
    const current = await readXCookies(cookies);
    if (current.kind === 'incomplete') return 'incomplete';
    const fingerprint = await fingerprintOf(current);
    if (!force && fingerprint === (await ackedFingerprintItem.getValue())) {
      await retry.clear();
      return 'unchanged';
    }
    const api = createApiClient({ ...session, fetch: fetchFn });
    try {
      const status =
        current.kind === 'pair' ? await api.putCookies(current.pair) : await api.deleteCookies();
      if (!(await stillPaired(session))) return 'not_paired';
      await Promise.all([
        ackedFingerprintItem.setValue(fingerprint),
        lastStatusItem.setValue(status),
        serverReachableItem.setValue(true),
        lastErrorItem.setValue(null),
      ]);
      await retry.clear();
      return current.kind === 'pair' ? 'pushed' : 'signed_out';
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Unpaired or re-paired while the request was in flight: this answer is about a token we no longer use.
      if (!(await stillPaired(session))) return 'not_paired';
      if (error.kind === 'unauthorized') {
        await forgetPairing(disconnectedSentence);
        return 'unpaired';
      }
      await Promise.all([
        lastErrorItem.setValue(error.message),
        serverReachableItem.setValue(error.kind !== 'unreachable'),
      ]);
      await retry.schedule(force);
      return 'retry_scheduled';
    }
  }

  return { request, syncNow };
}

async function stillPaired(session: Session): Promise<boolean> {
  return (await deviceTokenItem.getValue()) === session.deviceToken;
}

export interface CookiePushEvents {
  cookies: Pick<CookiesApi, 'onChanged'>;
  runtime: {
    onInstalled: { addListener(callback: () => void): void };
    onStartup: { addListener(callback: () => void): void };
  };
  push: Pick<CookiePush, 'request'>;
}

/**
 * Listeners are added synchronously (MV3 only delivers events to listeners registered in the worker's first turn).
 * A sync also runs at every worker start: in the e2e profile onStartup never fires (extension-e2e.md §6).
 */
export function registerCookiePush({ cookies, runtime, push }: CookiePushEvents): void {
  const sync = () => void push.request().catch(logFailure);
  cookies.onChanged.addListener((change) => {
    if (isXCookieChange(change)) sync();
  });
  runtime.onInstalled.addListener(sync);
  runtime.onStartup.addListener(sync);
  sync();
}

function logFailure(error: unknown): void {
  // Never the cookies: only what went wrong.
  console.warn(
    'Perch: pushing the X cookies failed:',
    error instanceof Error ? error.message : error,
  );
}
