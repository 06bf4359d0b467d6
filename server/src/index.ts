/**
 * `pnpm start` (serve), `pnpm perch keys:new | keys:rotate | keys:rekey`, `pnpm perch x:query-ids [--discover]`.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { DataDirLockedError } from './lib/data-dir-lock.ts';
import { appendKeyToFile, generateKeyEntry, KeyringError } from './modules/secrets/keyring.ts';
import { errorSummary } from './lib/logger.ts';
import { trackRequests } from './lib/graceful-stop.ts';
import { formatWebClientReport } from './modules/x-web-client/x-web-client.report.ts';

// How long a stop waits for requests being answered (a cookie push waits for X) before it cuts them off.
const stopTimeoutMs = 10_000;

async function serveCommand() {
  const started = performance.now();
  const config = loadConfig(process.env);
  const deps = await createDeps(config);
  // The pages' scripts are bundled here, in memory, before the first visitor asks (a broken client fails the start).
  const { buildMs: bundleMs } = await deps.webAssets.load().catch(async (error: Error) => {
    await deps.close();
    throw error;
  });
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    deps.logger.info(
      {
        url: `http://${config.host}:${info.port}`,
        database: deps.database.kind,
        bundleMs,
        startMs: Math.round(performance.now() - started),
      },
      `Perch is listening on http://${config.host}:${info.port}`,
    );
    // The queue comes up after the pages: nothing a visitor does waits for it.
    deps.startJobs().then(
      () => deps.logger.info({ startMs: Math.round(performance.now() - started) }, 'jobs started'),
      async (error: Error) => {
        deps.logger.fatal({ err: errorSummary(error) }, 'the job queue could not start');
        await deps.close();
        process.exit(1);
      },
    );
  });
  server.on('error', async (error: NodeJS.ErrnoException) => {
    deps.logger.fatal(
      { code: error.code },
      error.code === 'EADDRINUSE'
        ? `Port ${config.port} is in use; set PORT to another one.`
        : error.message,
    );
    await deps.close();
    process.exit(1);
  });

  const requests = trackRequests(server as Server);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal, inFlight: requests.inFlight }, 'stopping');
    const answered = await requests.stop(stopTimeoutMs);
    if (!answered)
      deps.logger.warn(
        { timeoutMs: stopTimeoutMs },
        'requests still unanswered at the stop deadline were cut off',
      );
    await deps.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function keysCommand(command: string) {
  const config = loadConfig(process.env);
  if (command === 'keys:new') {
    console.log(generateKeyEntry());
    return;
  }
  if (command === 'keys:rotate') {
    if (config.secretKeys) {
      throw new KeyringError(
        'Keys come from PERCH_SECRET_KEYS: append the output of `pnpm perch keys:new` to it (comma-separated, newest last), restart, then run `pnpm perch keys:rekey`.',
      );
    }
    const kid = appendKeyToFile(config.dataDir);
    console.log(`Added key ${kid}; it is now the newest.`);
  }
  const deps = await createDeps({ ...config, logLevel: 'warn' }, { jobQueue: 'in-memory' });
  try {
    const { rekeyed, total } = await deps.xConnection.rekeyAll();
    console.log(
      `Re-encrypted ${rekeyed} of ${total} stored cookie pairs under key ${deps.keyring.currentKid}.`,
    );
    const tokens = await deps.xDmTokens.rekeyAll();
    console.log(
      `Re-encrypted ${tokens.rekeyed} of ${tokens.total} stored X API token pairs under key ${deps.keyring.currentKid}.`,
    );
    const appCredentials = await deps.xCredentials.rekeyAll();
    console.log(
      `Re-encrypted ${appCredentials.rekeyed} of ${appCredentials.total} stored X app credentials under key ${deps.keyring.currentKid}.`,
    );
    const retired = await deps.keyringChecks.retireUnused(deps.keyring);
    if (retired.length > 0)
      console.log(`Nothing is sealed with key ${retired.join(', ')} any more; it can be removed.`);
  } finally {
    await deps.close();
  }
}

/** What Perch sends x.com now, and where each value came from; --discover asks x.com's bundles first. */
async function queryIdsCommand(args: string[]) {
  const config = loadConfig(process.env);
  const deps = await createDeps({ ...config, logLevel: 'warn' }, { jobQueue: 'in-memory' });
  try {
    if (args.includes('--discover')) {
      const changed = await deps.xWebClient.recover(
        { bearer: '(asked for by hand)' },
        { force: true },
      );
      console.log(
        changed
          ? 'Asked x.com for its current values.'
          : 'x.com was not asked (the values are pinned).',
      );
    }
    console.log(formatWebClientReport(await deps.xWebClient.report()));
  } finally {
    await deps.close();
  }
}

const command = process.argv[2] ?? 'serve';
const run =
  command === 'serve'
    ? serveCommand
    : command.startsWith('keys:')
      ? () => keysCommand(command)
      : command === 'x:query-ids'
        ? () => queryIdsCommand(process.argv.slice(3))
        : null;
if (!run) {
  console.error(
    `Unknown command "${command}". Use: serve, keys:new, keys:rotate, keys:rekey, x:query-ids.`,
  );
  process.exit(2);
}
run().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof KeyringError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
