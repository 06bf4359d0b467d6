/**
 * Every value the extension keeps. All of it lives in storage.local because the MV3 worker is stopped whenever it
 * is idle: anything held only in memory (a pending retry, the last status) would be lost.
 * No cookie value is ever stored here; only a SHA-256 fingerprint of the pair the server acknowledged.
 */
import { storage } from 'wxt/utils/storage';
import type { ConnectionStatus } from '@perch/shared';

/** Origin of the paired Perch server, e.g. 'http://127.0.0.1:8787'. */
export const serverUrlItem = storage.defineItem<string | null>('local:serverUrl', {
  fallback: null,
});

/** Bearer token from POST /api/v1/devices. Null = not paired. */
export const deviceTokenItem = storage.defineItem<string | null>('local:deviceToken', {
  fallback: null,
});

/** Fingerprint of the pair (or of "signed out") the server last acknowledged; see utils/x-cookies.ts. */
export const ackedFingerprintItem = storage.defineItem<string | null>('local:ackedFingerprint', {
  fallback: null,
});

export interface PendingPush {
  /** Failed attempts so far; the next delay is 1 s × 2^(attempt - 1), capped at 5 minutes. */
  attempt: number;
  /** ISO time of the retry alarm. */
  retryAt: string;
  /** The failed push was forced (pairing, Refresh), so the retry must push even an unchanged pair. */
  force: boolean;
}
export const pendingPushItem = storage.defineItem<PendingPush | null>('local:pendingPush', {
  fallback: null,
});

/** The server's last ConnectionStatus, shown by the popup and the badge. */
export const lastStatusItem = storage.defineItem<ConnectionStatus | null>('local:lastStatus', {
  fallback: null,
});

/** False after a request failed because the server could not be reached (not for HTTP errors). */
export const serverReachableItem = storage.defineItem<boolean>('local:serverReachable', {
  fallback: true,
});

/** A plain sentence about the last failure (or why the browser was unpaired). Never contains a cookie. */
export const lastErrorItem = storage.defineItem<string | null>('local:lastError', {
  fallback: null,
});

/** Items whose change can change what the popup and badge show. */
export const viewItems = [
  serverUrlItem,
  deviceTokenItem,
  pendingPushItem,
  lastStatusItem,
  serverReachableItem,
  lastErrorItem,
] as const;
