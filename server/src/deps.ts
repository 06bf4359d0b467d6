/**
 * The composition root: everything with I/O is built here, once, and handed down as arguments.
 */
import fs from 'node:fs';
import type { Config } from './config.ts';
import { openPglite, openPostgres, type Database } from './db/client.ts';
import { lockDataDir } from './lib/data-dir-lock.ts';
import { createPgBossQueue } from './jobs/boss.ts';
import { createInMemoryJobQueue } from './jobs/job-queue.ts';
import { registerJobs } from './jobs/registry.ts';
import { sendVerifyInterrupted } from './modules/x-connection/x-connection.jobs.ts';
import { createLogger, errorSummary, type Logger } from './lib/logger.ts';
import { createAccountQueries } from './modules/accounts/accounts.queries.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createDeviceQueries } from './modules/devices/devices.queries.ts';
import { createDevicesService } from './modules/devices/devices.service.ts';
import { createCookieVault } from './modules/secrets/cookie-vault.ts';
import { createDeviceTokens } from './modules/secrets/device-tokens.ts';
import { keyFilePath, loadKeyring, type Keyring } from './modules/secrets/keyring.ts';
import { createKeyringChecks } from './modules/secrets/keyring-checks.ts';
import { xConnections } from './modules/x-connection/x-connection.table.ts';
import { xDmConnections, xOauthStates } from './modules/x-dm/x-dm.table.ts';
import { createContactQueries } from './modules/contacts/contacts.queries.ts';
import { createContactsService, type HandleChange } from './modules/contacts/contacts.service.ts';
import { createInteractionQueries } from './modules/interactions/interactions.queries.ts';
import { createInteractionsService } from './modules/interactions/interactions.service.ts';
import { createXSyncStateQueries } from './modules/x-sync/x-sync.queries.ts';
import { createNotificationQueries } from './modules/notifications/notifications.queries.ts';
import { createNotificationsService } from './modules/notifications/notifications.service.ts';
import { createXWeb, type XWeb } from './modules/x-web/x-web.ts';
import { createXFetch } from './modules/x-web/x-fetch.ts';
import {
  createXAppBudgetQueries,
  createXBudgetQueries,
} from './modules/x-budgets/x-budgets.queries.ts';
import { createWebBudgets } from './modules/x-budgets/x-web-budgets.ts';
import { createXWebClientQueries } from './modules/x-web-client/x-web-client.queries.ts';
import { createXWebClient } from './modules/x-web-client/x-web-client.service.ts';
import { createXSyncRunner } from './modules/x-sync/x-sync.runner.ts';
import { createXSyncService } from './modules/x-sync/x-sync.service.ts';
import { createSyncSessions } from './modules/x-sync/x-sync.sessions.ts';
import { createRecentTweetQueries } from './modules/recent-tweets/recent-tweets.queries.ts';
import { createRecentTweetsService } from './modules/recent-tweets/recent-tweets.service.ts';
import { sendRecentTweetsFetch } from './modules/recent-tweets/recent-tweets.jobs.ts';
import { requestSyncRun, sendContactRefresh } from './modules/x-sync/x-sync.jobs.ts';
import { requestDmSync } from './modules/x-dm/x-dm.jobs.ts';
import {
  createTweetClassifier,
  type TweetClassifier,
} from './modules/recent-tweets/tweet-classifier.ts';
import { createXConnectionQueries } from './modules/x-connection/x-connection.queries.ts';
import { createXConnectionService } from './modules/x-connection/x-connection.service.ts';
import { createSecretVault } from './modules/secrets/secret-vault.ts';
import { createXApi } from './modules/x-api-v2/x-api-v2.ts';
import { createXDmQueries } from './modules/x-dm/x-dm.queries.ts';
import { createXDmService } from './modules/x-dm/x-dm.service.ts';
import { createXDmSync } from './modules/x-dm/x-dm.sync.ts';
import { createXDmTokens } from './modules/x-dm/x-dm.tokens.ts';
import { createXWrite } from './modules/x-api-v2/x-api-v2.write.ts';
import { xAppCredentials } from './modules/x-credentials/x-credentials.table.ts';
import { createXCredentialsQueries } from './modules/x-credentials/x-credentials.queries.ts';
import { createXCredentials } from './modules/x-credentials/x-credentials.service.ts';
import { createThrottleQueries } from './modules/throttle/throttle.queries.ts';
import { createThrottle } from './modules/throttle/throttle.service.ts';
import { createWebAssetLoader, type WebAssetLoader } from './modules/web/web.assets.ts';
import { createXPublish } from './modules/x-publish/x-publish.ts';
import { createXPublishQueries } from './modules/x-publish/x-publish.queries.ts';
import type { OutboxOptions } from './modules/x-publish/x-publish.outbox.ts';
import { createXMediaQueries } from './modules/x-media/x-media.queries.ts';
import { createXMedia } from './modules/x-media/x-media.service.ts';
import { createXMetricsQueries } from './modules/x-metrics/x-metrics.queries.ts';
import { createXMetrics } from './modules/x-metrics/x-metrics.service.ts';

export interface DepsOverrides {
  logger?: Logger;
  database?: Database;
  keyring?: Keyring;
  xWeb?: XWeb;
  now?: () => Date;
  /** Classifies recent tweets; default: Claude with ANTHROPIC_API_KEY, else the local rules. */
  classifier?: TweetClassifier;
  /** Runs after a contact's handle is set or changed; default: the one-contact refresh job. */
  onHandleChanged?: (change: HandleChange) => void | Promise<void>;
  /**
   * Which job queue: pg-boss (the default: `pnpm start`, every process on the database sharing the work) or
   * in-memory (commands and tests: handlers run in this process). startJobs() starts it either way.
   */
  jobQueue?: 'pg-boss' | 'in-memory';
  /** The web pages' bundled scripts and styles; tests share one, so each test app does not bundle again. */
  webAssets?: WebAssetLoader;
  /** The outbox's waits and lease (tests shorten them); `publishWorkerId` names this process in lease rows. */
  outboxOptions?: Partial<OutboxOptions>;
  publishWorkerId?: string;
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;

export async function createDeps(config: Config, overrides: DepsOverrides = {}) {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const now = overrides.now ?? (() => new Date());
  const releases: Array<() => unknown> = [];

  const embedded = !overrides.database && !config.databaseUrl;
  if (embedded || !config.secretKeys)
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (embedded) releases.push(lockDataDir(config.dataDir));

  try {
    const database =
      overrides.database ??
      (config.databaseUrl
        ? await openPostgres(config.databaseUrl)
        : await openPglite(config.dataDir));
    releases.unshift(() => database.close());
    const { db } = database;
    // First, so every service below is handed the queue; nothing connects before startJobs().
    const jobQueue =
      overrides.jobQueue === 'in-memory'
        ? createInMemoryJobQueue({ logger })
        : createPgBossQueue({ database, logger });
    // first in the list, so the queue stops (and its handlers finish) before the database it runs on closes
    releases.unshift(() => jobQueue.stop());

    // The keys are checked against the database before anything is sealed, signed or opened with them.
    const keyringChecks = createKeyringChecks({
      db,
      sealedColumns: [
        { table: xConnections, column: xConnections.cookiesJwe },
        { table: xDmConnections, column: xDmConnections.tokensJwe },
        { table: xOauthStates, column: xOauthStates.verifierJwe },
        { table: xAppCredentials, column: xAppCredentials.credentialsJwe },
      ],
    });
    const keyFile = keyFilePath(config.dataDir);
    let keyring = overrides.keyring;
    let keySource = 'the configured keyring';
    if (!keyring) {
      const loaded = await loadKeyring({
        secretKeys: config.secretKeys,
        dataDir: config.dataDir,
        kidsInUse: keyringChecks.kidsInUse,
      });
      keyring = loaded.keyring;
      keySource = loaded.source;
      if (loaded.created)
        logger.info(
          { file: keyFile },
          'generated a new secret key file (mode 0600); back it up with the database',
        );
    }
    await keyringChecks.ensure(keyring, { source: keySource, file: keyFile });

    const cookieVault = createCookieVault(keyring);
    const xWebClient = createXWebClient({
      queries: createXWebClientQueries({ db }),
      pinned: config.xWebClient,
      discoveryFetch: () =>
        createXFetch({ xOrigin: config.xOrigin, xApiOrigin: config.xApiOrigin }),
      logger,
      now,
    });
    const xWeb =
      overrides.xWeb ??
      createXWeb({
        xOrigin: config.xOrigin,
        xApiOrigin: config.xApiOrigin,
        timeoutMs: config.xTimeoutMs,
        now,
        webClient: xWebClient,
        budgetFor: createWebBudgets({ budgetQueries: createXBudgetQueries({ db }), now }),
      });
    const throttle = createThrottle({
      throttleQueries: createThrottleQueries({ db }),
      trustProxy: config.trustProxy,
      now,
    });
    const accounts = createAccountsService({
      accountQueries: createAccountQueries({ db }),
      allowSignup: config.allowSignup,
      now,
    });
    const devices = createDevicesService({
      deviceQueries: createDeviceQueries({ db }),
      deviceTokens: createDeviceTokens(keyring),
      now,
    });
    const xConnection = createXConnectionService({
      xConnectionQueries: createXConnectionQueries({ db }),
      cookieVault,
      xWeb,
      logger,
      now,
    });
    const notifications = createNotificationsService({
      notificationQueries: createNotificationQueries({ db }),
      now,
    });
    const onHandleChanged =
      overrides.onHandleChanged ?? ((change: HandleChange) => sendContactRefresh(jobQueue, change));
    const contacts = createContactsService({
      contactQueries: createContactQueries({ db }),
      now,
      // A failed hand-off to the queue must not fail the user's edit; the daily bio poll catches the contact up.
      onHandleChanged: async (change) => {
        try {
          await onHandleChanged(change);
        } catch (error) {
          logger.warn(
            { contactId: change.contactId, err: errorSummary(error) },
            'could not queue the contact refresh',
          );
        }
      },
    });
    const interactions = createInteractionsService({
      interactionQueries: createInteractionQueries({ db }),
      contacts,
      notifications,
      now,
    });
    const xSyncState = createXSyncStateQueries({ db, now });
    const xSync = createXSyncService({
      xPort: xWeb,
      xConnection,
      contacts,
      interactions,
      xSyncState,
      notifications,
      logger,
      now,
    });
    const xSyncRunner = createXSyncRunner({ xSync, xSyncState, now });
    const recentTweets = createRecentTweetsService({
      recentTweetQueries: createRecentTweetQueries({ db }),
      sessions: createSyncSessions({ xPort: xWeb, xConnection, notifications, logger, now }),
      xConnection,
      contacts,
      interactions,
      classifier:
        overrides.classifier ?? createTweetClassifier({ anthropic: config.anthropic, logger }),
      logger,
      now,
      sendFetch: (job, key) => sendRecentTweetsFetch(jobQueue, job, key),
    });

    const vault = createSecretVault(keyring);
    const xApi = createXApi({
      xOrigin: config.xOrigin,
      xApiOrigin: config.xApiOrigin,
      timeoutMs: config.xTimeoutMs,
      ...config.xApp,
    });
    const xDmQueries = createXDmQueries({ db });
    const xDmTokens = createXDmTokens({ xDmQueries, xApi, vault, notifications, logger, now });
    const xDm = createXDmService({
      xDmQueries,
      xApi,
      vault,
      tokens: xDmTokens,
      cookieAccount: xConnection.status,
      publicUrl: config.publicUrl,
      logger,
      now,
    });
    const xDmSync = createXDmSync({
      xDmQueries,
      tokens: xDmTokens,
      xApi,
      contacts,
      interactions,
      notifications,
      logger,
      now,
    });
    /** Publishing's X client: one session per credential (OAuth 2.0 token or OAuth 1.0a app credentials). */
    const xWrite = createXWrite({
      xOrigin: config.xOrigin,
      xApiOrigin: config.xApiOrigin,
      timeoutMs: config.xTimeoutMs,
    });
    const xCredentials = createXCredentials({
      xCredentialsQueries: createXCredentialsQueries({ db }),
      vault,
      xWrite,
      apiConnection: (userId) => xDmQueries.find(userId),
      accessFor: xDmTokens.accessFor,
      cookieAccount: xConnection.status,
      envCredentials: config.xAppCredentials,
      logger,
      now,
    });
    const xMedia = createXMedia({
      queries: createXMediaQueries({ db, postgres: database.postgres }),
      logger,
      now,
    });
    const xPublishQueries = createXPublishQueries({ db });
    const xMetrics = createXMetrics({
      xMetricsQueries: createXMetricsQueries({ db }),
      sessions: xCredentials,
      // users who published through Perch are added by the module itself
      accountUserIds: () => xDmQueries.connectedUserIds(),
      ownsPost: async (userId, postId) => (await xPublishQueries.find(userId, postId)) !== null,
      logger,
      now,
    });
    const xPublish = createXPublish({
      db,
      jobQueue,
      budgetQueries: createXBudgetQueries({ db }),
      appBudgetQueries: createXAppBudgetQueries({ db }),
      interactions,
      sessions: xCredentials,
      media: xMedia,
      metrics: xMetrics,
      ...(overrides.outboxOptions ? { outboxOptions: overrides.outboxOptions } : {}),
      ...(overrides.publishWorkerId ? { workerId: overrides.publishWorkerId } : {}),
      ...(config.xApp.clientId ? { xClientId: config.xApp.clientId } : {}),
      logger,
      now,
    });
    registerJobs({
      jobQueue,
      xPublish,
      now,
      logger,
      xConnection,
      xSync,
      xSyncRunner,
      recentTweets,
      xDm,
      xDmSync,
      xDmTokens,
      xMetrics,
    });

    return {
      config,
      logger,
      now,
      /** Bundled on first load(); the server awaits that at start (index.ts), commands never do. */
      webAssets: overrides.webAssets ?? createWebAssetLoader({ minify: config.minifyAssets }),
      database,
      db,
      keyring,
      keyringChecks,
      cookieVault,
      xWebClient,
      throttle,
      accounts,
      devices,
      xConnection,
      contacts,
      interactions,
      notifications,
      xSync,
      xSyncState,
      xSyncRunner,
      recentTweets,
      xApi,
      xDm,
      xDmTokens,
      xDmSync,
      xPublish,
      xWrite,
      /** PublishSessions (x-credentials.contract.ts) and the app credentials. */
      xCredentials,
      xMedia,
      /** Post and account metrics; publishing calls its planSnapshots for each part X confirmed. */
      xMetrics,
      jobQueue,
      /** "Sync DMs now" and the first sync after connecting. */
      requestDmSync: (userId: string) => requestDmSync({ jobQueue, xDmSync }, userId),
      /** "Sync now". */
      requestSync: (userId: string) => requestSyncRun({ jobQueue, xSyncRunner }, userId),
      /** Starts the job queue's workers and schedules (the server does after it listens; tests that need them). */
      async startJobs() {
        await jobQueue.start();
        await sendVerifyInterrupted(jobQueue);
      },
      async close() {
        for (const release of releases) await release();
      },
    };
  } catch (error) {
    for (const release of releases) await release();
    throw error;
  }
}
