import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values are secrets; pino replaces them before a line is written. */
const secretKeys = [
  'authToken',
  'ct0',
  'password',
  'cookie',
  'authorization',
  'deviceToken',
  'token',
  'code',
  'accessToken',
  'refreshToken',
  'codeVerifier',
  'clientSecret',
  'apiKey',
  'access_token',
  'refresh_token',
  'code_verifier',
  'client_secret',
];
export const redactedPaths = [
  ...secretKeys,
  ...secretKeys.map((key) => `*.${key}`),
  'req.headers.cookie',
  'req.headers.authorization',
];

export function createLogger(options: {
  level: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    { level: options.level, redact: { paths: redactedPaths, censor: '[redacted]' } },
    options.destination,
  );
}

/**
 * What a log line says about an error: its class and message, never pino's full serialisation, whose extra
 * fields (a request's config, headers) could carry a cookie or a token. A failed database query says which
 * query and why, never its parameters: those are the user's names, notes and sealed secrets.
 */
export function errorSummary(error: unknown, options: { stack?: boolean } = {}): ErrorSummary {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const failedQuery = queryOf(error);
  const message =
    failedQuery === undefined ? withoutQuotedValue(error.message) : `Failed query: ${failedQuery}`;
  const summary: ErrorSummary = { type: error.name, message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') summary.code = code;
  if (failedQuery !== undefined && error.cause !== undefined)
    summary.cause = errorSummary(error.cause);
  if (options.stack && error.stack)
    summary.stack = [`${error.name}: ${message}`, ...stackFrames(error.stack)].join('\n');
  return summary;
}

export interface ErrorSummary {
  type: string;
  message: string;
  code?: string;
  cause?: ErrorSummary;
  stack?: string;
}

/** drizzle's DrizzleQueryError carries `query` (placeholders only) and `params` (the values), and puts both in its message. */
function queryOf(error: Error): string | undefined {
  const { query, params } = error as { query?: unknown; params?: unknown };
  return typeof query === 'string' && Array.isArray(params) ? query : undefined;
}

/** PostgreSQL quotes the offending value at the end of some messages (`invalid input syntax for type uuid: "…"`). */
function withoutQuotedValue(message: string): string {
  return message.replace(/(: )"(?:[^"\\]|\\.)*"$/s, '$1"…"');
}

function stackFrames(stack: string): string[] {
  return stack.split('\n').filter((line) => /^\s+at /.test(line));
}
