import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values are secrets; pino replaces them before a line is written. */
const secretKeys = [
  'authToken', 'ct0', 'password', 'cookie', 'authorization', 'deviceToken', 'token', 'code',
  'accessToken', 'refreshToken', 'codeVerifier', 'clientSecret', 'apiKey', 'access_token', 'refresh_token', 'code_verifier', 'client_secret',
];
export const redactedPaths = [
  ...secretKeys,
  ...secretKeys.map((key) => `*.${key}`),
  'req.headers.cookie', 'req.headers.authorization',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino({ level: options.level, redact: { paths: redactedPaths, censor: '[redacted]' } }, options.destination);
}

/**
 * What a log line says about an error: its class and message, never pino's full serialisation, whose extra
 * fields (a request's config, headers) could carry a cookie or a token.
 */
export function errorSummary(error: unknown): { type: string; message: string } {
  return error instanceof Error ? { type: error.name, message: error.message } : { type: typeof error, message: String(error) };
}
