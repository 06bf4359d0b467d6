/**
 * The composition root: everything with I/O is built here, once, and handed down as arguments.
 */
import fs from 'node:fs';
import type { Config } from './config.ts';
import { openPglite, openPostgres, type Database } from './db/client.ts';
import { lockDataDir } from './lib/data-dir-lock.ts';
import { createBoss } from './jobs/boss.ts';
import { registerJobs } from './jobs/registry.ts';
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
import { createXBudgetQueries } from './modules/x-budgets/x-budgets.queries.ts';
import { createWebBudgets } from './modules/x-budgets/x-web-budgets.ts';
import { createXWebClientQueries } from './modules/x-web-client/x-web-client.queries.ts';
import { createXWebClient } from './modules/x-web-client/x-web-client.service.ts';
import { createXSyncRunner } from './modules/x-sync/x-sync.runner.ts';
import { createXSyncService } from './modules/x-sync/x-sync.service.ts';
import { createSyncSessions } from './modules/x-sync/x-sync.sessions.ts';
import { createRecentTweetQueries } from './modules/recent-tweets/recent-tweets.queries.ts';
import { createRecentTweetsService, type SendRecentTweetsJob } from './modules/recent-tweets/recent-tweets.service.ts';
import { createTweetClassifier, type TweetClassifier } from './modules/recent-tweets/tweet-classifier.ts';
import { createXConnectionQueries } from './modules/x-connection/x-connection.queries.ts';
import { createXConnectionService } from './modules/x-connection/x-connection.service.ts';
import { createSecretVault } from './modules/secrets/secret-vault.ts';
import { createXApi } from './modules/x-api-v2/x-api-v2.ts';
import { createXDmQueries } from './modules/x-dm/x-dm.queries.ts';
import { createXDmService } from './modules/x-dm/x-dm.service.ts';
import { createXDmSync } from './modules/x-dm/x-dm.sync.ts';
import { createXDmTokens } from './modules/x-dm/x-dm.tokens.ts';

export interface DepsOverrides {
  logger?: Logger;
  database?: Database;
  keyring?: Keyring;
  xWeb?: XWeb;
  now?: () => Date;
  /** Classifies recent tweets; default: Claude with ANTHROPIC_API_KEY, else the local rules. */
  classifier?: TweetClassifier;
  /** Runs after a contact's handle is set or changed; the job queue hooks its one-contact refresh in here. */
  onHandleChanged?: (change: HandleChange) => void | Promise<void>;
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;

export async function createDeps(config: Config, overrides: DepsOverrides = {}) {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const now = overrides.now ?? (() => new Date());
  const releases: Array<() => unknown> = [];

  const embedded = !overrides.database && !config.databaseUrl;
  if (embedded || !config.secretKeys) fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (embedded) releases.push(lockDataDir(config.dataDir));

  try {
    const database = overrides.database ?? (config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(config.dataDir));
    releases.unshift(() => database.close());
    const { db } = database;

    // The keys are checked against the database before anything is sealed, signed or opened with them.
    const keyringChecks = createKeyringChecks({
      db,
      sealedColumns: [
        { table: xConnections, column: xConnections.cookiesJwe },
        { table: xDmConnections, column: xDmConnections.tokensJwe },
        { table: xOauthStates, column: xOauthStates.verifierJwe },
      ],
    });
    const keyFile = keyFilePath(config.dataDir);
    let keyring = overrides.keyring;
    let keySource = 'the configured keyring';
    if (!keyring) {
      const loaded = await loadKeyring({ secretKeys: config.secretKeys, dataDir: config.dataDir, kidsInUse: keyringChecks.kidsInUse });
      keyring = loaded.keyring;
      keySource = loaded.source;
      if (loaded.created) logger.info({ file: keyFile }, 'generated a new secret key file (mode 0600); back it up with the database');
    }
    await keyringChecks.ensure(keyring, { source: keySource, file: keyFile });

    const cookieVault = createCookieVault(keyring);
    const xWebClient = createXWebClient({
      queries: createXWebClientQueries({ db }),
      pinned: config.xWebClient,
      discoveryFetch: () => createXFetch({ xOrigin: config.xOrigin, xApiOrigin: config.xApiOrigin }),
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
    const accounts = createAccountsService({ accountQueries: createAccountQueries({ db }), allowSignup: config.allowSignup, now });
    const devices = createDevicesService({ deviceQueries: createDeviceQueries({ db }), deviceTokens: createDeviceTokens(keyring), now });
    const xConnection = createXConnectionService({ xConnectionQueries: createXConnectionQueries({ db }), cookieVault, xWeb, logger, now });
    const notifications = createNotificationsService({ notificationQueries: createNotificationQueries({ db }), now });
    // Set once the job queue runs; before that (commands, most tests) a handle edit waits for the daily poll.
    let queueContactRefresh: ((change: HandleChange) => Promise<unknown>) | null = null;
    const onHandleChanged = overrides.onHandleChanged ?? ((change: HandleChange) => queueContactRefresh?.(change));
    const contacts = createContactsService({
      contactQueries: createContactQueries({ db }),
      now,
      // A failed hand-off to the queue must not fail the user's edit; the daily bio poll catches the contact up.
      onHandleChanged: async (change) => {
        try {
          await onHandleChanged(change);
        } catch (error) {
          logger.warn({ contactId: change.contactId, err: errorSummary(error) }, 'could not queue the contact refresh');
        }
      },
    });
    const interactions = createInteractionsService({ interactionQueries: createInteractionQueries({ db }), contacts, notifications, now });
    const xSyncState = createXSyncStateQueries({ db, now });
    const xSync = createXSyncService({ xPort: xWeb, xConnection, contacts, interactions, xSyncState, notifications, logger, now });
    const xSyncRunner = createXSyncRunner({ xSync, xSyncState, now });
    let requestSyncRun: ((userId: string) => Promise<unknown>) | null = null;
    let sendRecentTweets: SendRecentTweetsJob | null = null;
    const recentTweets = createRecentTweetsService({
      recentTweetQueries: createRecentTweetQueries({ db }),
      sessions: createSyncSessions({ xPort: xWeb, xConnection, notifications, logger, now }),
      xConnection,
      contacts,
      interactions,
      classifier: overrides.classifier ?? createTweetClassifier({ anthropic: config.anthropic, logger }),
      logger,
      now,
      queue: () => sendRecentTweets,
    });
    // fetches running in the background here finish before the database closes
    releases.unshift(() => recentTweets.idle());

    const vault = createSecretVault(keyring);
    const xApi = createXApi({ xOrigin: config.xOrigin, xApiOrigin: config.xApiOrigin, timeoutMs: config.xTimeoutMs, ...config.xApp });
    const xDmQueries = createXDmQueries({ db });
    const xDmTokens = createXDmTokens({ xDmQueries, xApi, vault, notifications, logger, now });
    const xDm = createXDmService({ xDmQueries, xApi, vault, tokens: xDmTokens, cookieAccount: xConnection.status, publicUrl: config.publicUrl, logger, now });
    const xDmSync = createXDmSync({ xDmQueries, tokens: xDmTokens, xApi, contacts, interactions, notifications, logger, now });
    let requestDmSyncJob: ((userId: string) => Promise<unknown>) | null = null;

    return {
      config,
      logger,
      database,
      db,
      keyring,
      keyringChecks,
      cookieVault,
      xWebClient,
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
      /** "Sync DMs now" and the first sync after connecting: queued when the job queue runs, else run here in the background. */
      async requestDmSync(userId: string) {
        await xDmSync.markQueued(userId);
        if (requestDmSyncJob) return void (await requestDmSyncJob(userId));
        void xDmSync.syncAll(userId).catch((error: Error) => logger.error({ userId, err: errorSummary(error) }, 'x dm sync failed'));
      },
      /** "Sync now": queued when the job queue runs, else run here in the background. */
      async requestSync(userId: string) {
        if (requestSyncRun) return void (await requestSyncRun(userId));
        await xSyncRunner.markQueued(userId);
        void xSyncRunner.run(userId).catch((error: Error) => logger.error({ userId, err: errorSummary(error) }, 'x sync run failed'));
      },
      /** Starts the job queue and its workers and schedules (the server does; commands and most tests don't). */
      async startJobs() {
        const boss = await createBoss({ database, logger });
        // first in the list, so the queue stops before the database it runs on closes
        releases.unshift(() => boss.stop({ graceful: true, timeout: 5_000 }));
        const jobs = await registerJobs({ boss, logger, xConnection, xSync, xSyncRunner, recentTweets, xDm, xDmSync, xDmTokens });
        queueContactRefresh = jobs.refreshContact;
        requestSyncRun = jobs.requestRun;
        sendRecentTweets = jobs.sendRecentTweets;
        requestDmSyncJob = jobs.requestDmSync;
        return boss;
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
