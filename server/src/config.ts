/**
 * The only reader of process.env: every setting Perch has, validated once at start.
 */
import path from 'node:path';
import { z } from 'zod';
import { xOperations, type XOperation } from './modules/x-web/x-types.ts';

const boolean = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

// Anthropic's small current model: classifying a batch of tweets needs no more.
export const defaultClaudeModel = 'claude-haiku-5-5';

const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || null);

const origin = z.url().transform((u) => new URL(u).origin);

export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().default('127.0.0.1'),
    PERCH_PUBLIC_URL: origin.optional(),
    PERCH_DATA_DIR: z.string().default('./.perch'),
    DATABASE_URL: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'DATABASE_URL must start with postgres:// (leave it unset for the embedded database).',
      )
      .optional(),
    PERCH_SECRET_KEYS: z.string().optional(),
    PERCH_X_ORIGIN: origin.default('https://x.com'),
    PERCH_X_API_ORIGIN: origin.default('https://api.x.com'),
    PERCH_X_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    // Pinned web client values, for when discovery cannot keep up with X: see README, "When X changes its API".
    PERCH_X_QUERY_IDS: z
      .string()
      .optional()
      .transform((v, ctx) => parsePinnedIds(v, ctx)),
    PERCH_X_FEATURES: z
      .string()
      .optional()
      .transform((v, ctx) => parsePinnedFeatures(v, ctx)),
    PERCH_X_BEARER: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9%]+$/, 'PERCH_X_BEARER is the token alone, without "Bearer ".')
      .optional(),
    PERCH_ALLOW_SIGNUP: boolean,
    // Behind a reverse proxy: the client address is the last X-Forwarded-For entry, not the proxy's socket.
    PERCH_TRUST_PROXY: boolean,
    // An empty ANTHROPIC_API_KEY= means "no key": the local classifier then does the work.
    ANTHROPIC_API_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
    ANTHROPIC_BASE_URL: z.url().default('https://api.anthropic.com'),
    ANTHROPIC_MODEL: z.string().min(1).default(defaultClaudeModel),
    // The X app (developer portal) for direct messages over OAuth 2.0; empty counts as unset.
    X_CLIENT_ID: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null),
    // Absent: a public client (PKCE only); present: a confidential client (Basic auth on the token endpoint).
    X_CLIENT_SECRET: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null),
    // OAuth 1.0a app credentials from the developer portal, for publishing; they apply to the user whose X account
    // they verify as. Empty counts as unset.
    X_API_KEY: optionalSecret,
    X_API_SECRET: optionalSecret,
    X_ACCESS_TOKEN: optionalSecret,
    X_ACCESS_TOKEN_SECRET: optionalSecret,
    X_BEARER_TOKEN: optionalSecret,
    // pnpm runs scripts inside server/; INIT_CWD is where the user typed `pnpm start`, so ./.perch means what they expect.
    INIT_CWD: z.string().optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    NODE_ENV: z.string().optional(),
  })
  .transform((env, ctx) => ({
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PERCH_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
    /** Without PERCH_PUBLIC_URL Perch is reached on this machine, by any loopback name and port. */
    loopbackHostsAllowed: !env.PERCH_PUBLIC_URL,
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.PERCH_DATA_DIR),
    databaseUrl: env.DATABASE_URL ?? null,
    secretKeys: env.PERCH_SECRET_KEYS ?? null,
    xOrigin: env.PERCH_X_ORIGIN,
    xApiOrigin: env.PERCH_X_API_ORIGIN,
    xTimeoutMs: env.PERCH_X_TIMEOUT_MS,
    xWebClient: {
      queryIds: env.PERCH_X_QUERY_IDS,
      features: env.PERCH_X_FEATURES,
      bearer: env.PERCH_X_BEARER ?? null,
    },
    allowSignup: env.PERCH_ALLOW_SIGNUP,
    trustProxy: env.PERCH_TRUST_PROXY,
    /** Claude classifies recent tweets when a key is set; null: the local rules do. */
    anthropic: env.ANTHROPIC_API_KEY
      ? {
          apiKey: env.ANTHROPIC_API_KEY,
          baseUrl: env.ANTHROPIC_BASE_URL,
          model: env.ANTHROPIC_MODEL,
        }
      : null,
    xApp: { clientId: env.X_CLIENT_ID, clientSecret: env.X_CLIENT_SECRET },
    /** OAuth 1.0a app credentials from the environment, or null when none are set. */
    xAppCredentials: envAppCredentials(env, ctx),
    logLevel: env.LOG_LEVEL,
    /** NODE_ENV=production: the pages' scripts and stylesheet are minified (source maps still say where a line came from). */
    minifyAssets: env.NODE_ENV === 'production',
  }));

export type Config = z.output<typeof ConfigSchema>;

export interface EnvAppCredentials {
  apiKey: string;
  apiSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  bearerToken: string | null;
}

const appCredentialNames = [
  'X_API_KEY',
  'X_API_SECRET',
  'X_ACCESS_TOKEN',
  'X_ACCESS_TOKEN_SECRET',
] as const;

/** All four or none: a half-set pair would only fail later, at the first post. */
function envAppCredentials(
  env: Record<(typeof appCredentialNames)[number] | 'X_BEARER_TOKEN', string | null>,
  ctx: z.RefinementCtx,
): EnvAppCredentials | null {
  const missing = appCredentialNames.filter((name) => !env[name]);
  if (missing.length === appCredentialNames.length) return null;
  if (missing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `OAuth 1.0a app credentials need all four of ${appCredentialNames.join(', ')}; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
    });
    return null;
  }
  return {
    apiKey: env.X_API_KEY!,
    apiSecret: env.X_API_SECRET!,
    accessToken: env.X_ACCESS_TOKEN!,
    accessTokenSecret: env.X_ACCESS_TOKEN_SECRET!,
    bearerToken: env.X_BEARER_TOKEN,
  };
}

/** `UserTweets=abc123,SearchTimeline=def456`: query ids an operator pins. */
function parsePinnedIds(
  value: string | undefined,
  ctx: z.RefinementCtx,
): Partial<Record<XOperation, string>> {
  const ids: Partial<Record<XOperation, string>> = {};
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, id] = part.split('=').map((p) => p.trim());
    if (!xOperations.includes(name as XOperation) || !id || !/^[A-Za-z0-9_-]+$/.test(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not operation=queryId with operation one of ${xOperations.join(', ')}.`,
      });
      continue;
    }
    ids[name as XOperation] = id;
  }
  return ids;
}

/** JSON: `{"UserTweets":{"flag":true},"*":{"other":false}}`, switches to send per operation ("*": every one). */
function parsePinnedFeatures(
  value: string | undefined,
  ctx: z.RefinementCtx,
): Partial<Record<XOperation | '*', Record<string, boolean>>> {
  if (!value?.trim()) return {};
  const shape = z.partialRecord(z.enum([...xOperations, '*']), z.record(z.string(), z.boolean()));
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'is not JSON, e.g. {"UserTweets":{"some_feature_enabled":true}}',
    });
    return {};
  }
  const result = shape.safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({
      code: 'custom',
      message: 'must map an operation (or "*") to {"feature_name": true|false}',
    });
    return {};
  }
  return result.data;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Perch's configuration is not valid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
