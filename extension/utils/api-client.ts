/**
 * Talks to the Perch server. Every answer is parsed with the shared schemas, and every failure becomes an ApiError
 * whose message is a plain sentence the popup can show as is.
 */
import { z } from 'zod';
import {
  ConnectionStatus,
  DeviceToken,
  Problem,
  type RedeemPairingCode,
  type XCookiePair,
} from '@perch/shared';

export type ApiErrorKind =
  /** Network failure or timeout: the server could not be reached at all. */
  | 'unreachable'
  /** 401: the device token was revoked or is unknown. */
  | 'unauthorized'
  /** Any other HTTP error (problem+json). */
  | 'http'
  /** The answer did not match the shared schemas (wrong server, or a version mismatch). */
  | 'invalid_response';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  serverUrl: string;
  deviceToken?: string | null;
  fetch?: typeof fetch;
  /** A hung server must not hold the push queue forever. */
  timeoutMs?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient({
  serverUrl,
  deviceToken,
  fetch: fetchFn = fetch,
  timeoutMs = 10_000,
}: ApiClientOptions) {
  const origin = new URL(serverUrl).origin;

  async function request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (deviceToken) headers.authorization = `Bearer ${deviceToken}`;
    let res: Response;
    try {
      res = await fetchFn(`${origin}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiError(
        'unreachable',
        timedOut
          ? `The Perch server at ${origin} did not answer in time.`
          : `Could not reach the Perch server at ${origin}.`,
      );
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw problemError(res.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        'invalid_response',
        `The server at ${origin} did not answer like a Perch server.`,
        res.status,
      );
    }
    return parsed.data;
  }

  return {
    redeemPairingCode: (body: RedeemPairingCode) =>
      request('POST', '/api/v1/devices', DeviceToken, body),
    putCookies: (pair: XCookiePair) => request('PUT', '/api/v1/x/cookies', ConnectionStatus, pair),
    /** The browser signed out of X: the server deletes the stored pair. */
    deleteCookies: () => request('DELETE', '/api/v1/x/cookies', ConnectionStatus),
    getStatus: () => request('GET', '/api/v1/x/status', ConnectionStatus),
  };
}

function problemError(status: number, body: unknown): ApiError {
  const problem = Problem.safeParse(body);
  const text = problem.success
    ? (problem.data.detail ?? problem.data.title)
    : `The Perch server answered HTTP ${status}.`;
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  const code = problem.success ? (problem.data.code ?? null) : null;
  return new ApiError(status === 401 ? 'unauthorized' : 'http', sentence, status, code);
}
