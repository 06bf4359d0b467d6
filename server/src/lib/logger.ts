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
