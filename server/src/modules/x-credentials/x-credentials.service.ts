/**
 * Which credential publishes for a user, and the OAuth 1.0a app credentials a user enters (or the operator sets in
 * the environment). The OAuth 2.0 grant of the X API connection (x-dm) publishes when it covers tweet.write;
 * otherwise the app credentials do. App credentials are verified once, with GET /2/users/me, and must belong to
 * the X account the user connected (cookies and/or the API connection); they are sealed in the vault.
 */
import { createHash } from 'node:crypto';
import type { AppCredentialsInput, PublishingStatus } from '@perch/shared';
import { maxWeightedLengthFor } from '@perch/shared/post-rules';
import type { EnvAppCredentials } from '../../config.ts';
import { problems } from '../../lib/http-problem.ts';
import type { Logger } from '../../lib/logger.ts';
import type { SecretVault } from '../secrets/secret-vault.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type { XAccount, XCredential, XWrite } from '../x-api-v2/x-api-v2.write.ts';
import type { AccessResult } from '../x-dm/x-dm.tokens.ts';
import type { PublishSessionResult, PublishSessions } from './x-credentials.contract.ts';
import { xCredentialsProblems } from './x-credentials.errors.ts';
import type { XCredentialsQueries } from './x-credentials.queries.ts';

/** How long a looked-up subscription_type is believed (an upgrade shows within this). */
const accountInfoTtlMs = 6 * 60 * 60_000;

type OAuth1 = Extract<XCredential, { kind: 'oauth1' }>;

export interface XCredentialsDeps {
  xCredentialsQueries: XCredentialsQueries;
  vault: SecretVault;
  xWrite: XWrite;
  /** The X API connection (x-dm): its state, granted scopes and X account, or null when there is none. */
  apiConnection: (
    userId: string,
  ) => Promise<{ state: string; scopes: string; xUserId: string; handle: string } | null>;
  /** The OAuth 2.0 access token, refreshed first when it is about to expire (x-dm.tokens accessFor). */
  accessFor: (userId: string) => Promise<AccessResult>;
  /** The X account connected through the extension's cookies. */
  cookieAccount: (userId: string) => Promise<{ xUserId: string | null; handle?: string | null }>;
  /** X_API_KEY… from the environment; they apply to the user whose X account they verify as. */
  envCredentials: EnvAppCredentials | null;
  logger: Logger;
  now: () => Date;
}

export type XCredentials = ReturnType<typeof createXCredentials>;

const scopesOf = (scopes: string | undefined) => new Set((scopes ?? '').split(' ').filter(Boolean));

const sentences = {
  nothing:
    'Nothing can publish to X yet: click Extend to publishing on the X API connection, or enter your X app’s credentials below.',
  grantCannotPublish:
    'The X API connection can read direct messages but not publish: click Extend to publishing, or enter your X app’s credentials below.',
  noMediaWrite:
    'The X API connection can publish but not upload images or videos (its grant lacks media.write): click Extend to publishing to add it.',
  expired: 'X no longer accepts Perch’s access to your account: reconnect the X API connection.',
};

export function createXCredentials({
  xCredentialsQueries,
  vault,
  xWrite,
  apiConnection,
  accessFor,
  cookieAccount,
  envCredentials,
  logger,
  now,
}: XCredentialsDeps) {
  const log = logger.child({ module: 'x-credentials', provider: 'x' });
  const open = (jwe: string) =>
    vault.open('x-app-credentials', jwe, [
      'apiKey',
      'apiSecret',
      'accessToken',
      'accessTokenSecret',
      'bearerToken',
    ] as const);

  // OAuth 2.0 accounts' subscription_type, looked up once in a while (one GET /2/users/me).
  const accountInfo = new Map<string, { subscriptionType: string | null; at: number }>();

  // The environment's credentials are verified once per process; a refusal is remembered for an hour.
  let envAccount: { account: XAccount; at: Date } | null = null;
  let envFailedAt: number | null = null;
  const envCredential: OAuth1 | null = envCredentials
    ? {
        kind: 'oauth1',
        apiKey: envCredentials.apiKey,
        apiSecret: envCredentials.apiSecret,
        accessToken: envCredentials.accessToken,
        accessTokenSecret: envCredentials.accessTokenSecret,
      }
    : null;
  async function verifiedEnv() {
    if (!envCredential) return null;
    if (envAccount) return envAccount;
    if (envFailedAt !== null && now().getTime() - envFailedAt < 60 * 60_000) return null;
    try {
      const { data } = await xWrite(envCredential).me();
      envAccount = { account: data, at: now() };
      log.info({ xUserId: data.id }, 'x app credentials from the environment verified');
      return envAccount;
    } catch (error) {
      const failure = error instanceof XApiError ? error : null;
      if (failure?.kind !== 'unavailable') envFailedAt = now().getTime();
      log.warn(
        { errorClass: failure?.kind ?? 'unexpected', status: failure?.status ?? null },
        'x app credentials from the environment could not be verified',
      );
      return null;
    }
  }

  /** The X accounts the user connected: both must agree with the app credentials' account. */
  async function connectedAccounts(userId: string) {
    const [cookies, dm] = await Promise.all([cookieAccount(userId), apiConnection(userId)]);
    return [cookies.xUserId, dm?.xUserId ?? null].filter((id): id is string => !!id);
  }

  /** The app credentials that publish for this user: their own, else the environment's if they are the user's. */
  async function appCredentialsFor(userId: string) {
    const row = await xCredentialsQueries.find(userId);
    if (row) {
      const sealed = await open(row.credentialsJwe);
      return {
        source: 'settings' as const,
        credential: {
          kind: 'oauth1',
          apiKey: sealed.apiKey,
          apiSecret: sealed.apiSecret,
          accessToken: sealed.accessToken,
          accessTokenSecret: sealed.accessTokenSecret,
        } satisfies OAuth1,
        xUserId: row.xUserId,
        handle: row.handle,
        subscriptionType: row.subscriptionType,
        verifiedAt: row.verifiedAt,
        hasBearerToken: row.hasBearerToken,
      };
    }
    if (!envCredential) return null;
    const connected = await connectedAccounts(userId);
    if (connected.length === 0) return null;
    const env = await verifiedEnv();
    if (!env || connected.some((id) => id !== env.account.id)) return null;
    return {
      source: 'environment' as const,
      credential: envCredential,
      xUserId: env.account.id,
      handle: env.account.username,
      subscriptionType: env.account.subscriptionType,
      verifiedAt: env.at,
      hasBearerToken: !!envCredentials?.bearerToken,
    };
  }

  async function subscriptionTypeOf(userId: string, accessToken: string) {
    const known = accountInfo.get(userId);
    if (known && now().getTime() - known.at < accountInfoTtlMs) return known.subscriptionType;
    try {
      const { data } = await xWrite({ kind: 'oauth2', accessToken }).me();
      accountInfo.set(userId, { subscriptionType: data.subscriptionType, at: now().getTime() });
      return data.subscriptionType;
    } catch {
      return null; // 280 then: the safe side, and the next session asks again
    }
  }

  async function grantOf(userId: string) {
    const row = await apiConnection(userId);
    const scopes = scopesOf(row?.scopes);
    const connected = row?.state === 'connected';
    return {
      row,
      grant: {
        connected,
        readDms: connected && scopes.has('dm.read'),
        publish: connected && scopes.has('tweet.write'),
        uploadMedia: connected && scopes.has('tweet.write') && scopes.has('media.write'),
      },
    };
  }

  const sessions: PublishSessions = {
    async session(userId): Promise<PublishSessionResult> {
      const { row, grant } = await grantOf(userId);
      let oauth2Failure: PublishSessionResult | null = null;
      if (row && grant.publish) {
        const access = await accessFor(userId);
        if (access.ok) {
          return {
            ok: true,
            session: xWrite({ kind: 'oauth2', accessToken: access.accessToken }),
            kind: 'oauth2',
            xUserId: row.xUserId,
            handle: row.handle,
            canUploadMedia: grant.uploadMedia,
            maxWeightedLength: maxWeightedLengthFor(
              await subscriptionTypeOf(userId, access.accessToken),
            ),
          };
        }
        oauth2Failure = {
          ok: false,
          reason: access.reason === 'unavailable' ? 'unavailable' : 'expired',
          sentence:
            access.reason === 'unavailable'
              ? `X could not be reached: ${access.detail}`
              : sentences.expired,
        };
      }
      // A grant that cannot publish now (expired, X unreachable for the refresh) leaves it to the app credentials.
      const app = await appCredentialsFor(userId);
      if (app)
        return {
          ok: true,
          session: xWrite(app.credential),
          kind: 'oauth1',
          xUserId: app.xUserId,
          handle: app.handle,
          canUploadMedia: true,
          maxWeightedLength: maxWeightedLengthFor(app.subscriptionType),
          appKey: `oauth1:${createHash('sha256').update(app.credential.apiKey).digest('hex').slice(0, 32)}`,
        };
      return (
        oauth2Failure ?? {
          ok: false,
          reason: 'not_configured',
          sentence: grant.connected ? sentences.grantCannotPublish : sentences.nothing,
        }
      );
    },

    async status(userId): Promise<PublishingStatus> {
      const { row, grant } = await grantOf(userId);
      const app = await appCredentialsFor(userId);
      const credential = grant.publish ? 'oauth2' : app ? 'oauth1' : null;
      const canUploadMedia = credential === 'oauth2' ? grant.uploadMedia : credential === 'oauth1';
      let subscriptionType: string | null = null;
      if (credential === 'oauth1') subscriptionType = app!.subscriptionType;
      if (credential === 'oauth2') {
        const access = await accessFor(userId);
        if (access.ok) subscriptionType = await subscriptionTypeOf(userId, access.accessToken);
      }
      const problem =
        credential === null
          ? row && row.state !== 'connected'
            ? sentences.expired
            : grant.connected
              ? sentences.grantCannotPublish
              : sentences.nothing
          : !canUploadMedia
            ? sentences.noMediaWrite
            : null;
      return {
        credential,
        grant,
        appCredentials: {
          present: app !== null,
          source: app?.source ?? null,
          handle: app?.handle ?? null,
          verifiedAt: app?.verifiedAt.toISOString() ?? null,
          hasBearerToken: app?.hasBearerToken ?? false,
        },
        canPublish: credential !== null,
        canUploadMedia,
        maxWeightedLength: maxWeightedLengthFor(subscriptionType),
        problem,
      };
    },
  };

  return {
    ...sessions,

    /**
     * Checks, verifies with X (one GET /2/users/me, OAuth 1.0a) and seals the app credentials. Refused with a
     * 400 naming each missing field, a 400 when X refuses them, a 409 when they are another X account's.
     */
    async save(userId: string, input: AppCredentialsInput): Promise<PublishingStatus> {
      const value = (v: string | undefined) => v?.trim() ?? '';
      const fields = {
        api_key: value(input.api_key),
        api_secret: value(input.api_secret),
        access_token: value(input.access_token),
        access_token_secret: value(input.access_token_secret),
        bearer_token: value(input.bearer_token),
      };
      const missing = (
        [
          ['api_key', 'Enter the API key (the app’s consumer key).'],
          ['api_secret', 'Enter the API key secret.'],
          ['access_token', 'Enter the access token (generated for your X account).'],
          ['access_token_secret', 'Enter the access token secret.'],
        ] as const
      )
        .filter(([name]) => !fields[name])
        .map(([path, message]) => ({ path, message }));
      if (missing.length > 0) throw problems.invalidRequest(missing);

      const credential: OAuth1 = {
        kind: 'oauth1',
        apiKey: fields.api_key,
        apiSecret: fields.api_secret,
        accessToken: fields.access_token,
        accessTokenSecret: fields.access_token_secret,
      };
      let account: XAccount;
      try {
        account = (await xWrite(credential).me()).data;
      } catch (error) {
        const failure =
          error instanceof XApiError ? error : new XApiError('unavailable', 'unexpected');
        log.warn(
          { userId, errorClass: failure.kind, status: failure.status },
          'x app credentials refused',
        );
        throw xCredentialsProblems.notVerified(failure);
      }
      const connected = await connectedAccounts(userId);
      if (connected.some((id) => id !== account.id)) {
        log.warn({ userId }, 'x app credentials of another x account refused');
        throw xCredentialsProblems.wrongAccount(account.username);
      }
      const at = now();
      await xCredentialsQueries.upsert({
        userId,
        credentialsJwe: await vault.seal('x-app-credentials', {
          apiKey: credential.apiKey,
          apiSecret: credential.apiSecret,
          accessToken: credential.accessToken,
          accessTokenSecret: credential.accessTokenSecret,
          bearerToken: fields.bearer_token,
        }),
        xUserId: account.id,
        handle: account.username,
        subscriptionType: account.subscriptionType,
        hasBearerToken: fields.bearer_token !== '',
        verifiedAt: at,
        updatedAt: at,
      });
      log.info({ userId, xUserId: account.id }, 'x app credentials saved');
      return sessions.status(userId);
    },

    /** Deletes the stored app credentials (the environment's, if any, stay: they are the operator's). */
    async remove(userId: string) {
      const removed = await xCredentialsQueries.delete(userId);
      if (removed) log.info({ userId }, 'x app credentials removed');
      return removed !== null;
    },

    /** The app's bearer token, for app-only calls (usage): the user's own, else the environment's. */
    async bearerTokenFor(userId: string): Promise<string | null> {
      const row = await xCredentialsQueries.find(userId);
      if (row?.hasBearerToken) return (await open(row.credentialsJwe)).bearerToken;
      return envCredentials?.bearerToken ?? null;
    },

    /** Re-seals every stored set under the newest key (keys:rotate / keys:rekey). */
    async rekeyAll(): Promise<{ rekeyed: number; total: number }> {
      const rows = await xCredentialsQueries.all();
      let rekeyed = 0;
      for (const row of rows) {
        if (vault.isCurrent(row.credentialsJwe)) continue;
        const next = await vault.seal('x-app-credentials', await open(row.credentialsJwe));
        if (await xCredentialsQueries.replaceSealed(row.userId, row.credentialsJwe, next))
          rekeyed++;
      }
      return { rekeyed, total: rows.length };
    },
  };
}
