import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values are secrets; pino replaces them before a line is written. */
export const redactedPaths = [
  'authToken', 'ct0', 'password', 'cookie', 'authorization', 'deviceToken', 'token', 'code',
  '*.authToken', '*.ct0', '*.password', '*.cookie', '*.authorization', '*.deviceToken', '*.token', '*.code',
  'req.headers.cookie', 'req.headers.authorization',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino({ level: options.level, redact: { paths: redactedPaths, censor: '[redacted]' } }, options.destination);
}
