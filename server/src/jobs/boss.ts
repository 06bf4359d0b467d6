/**
 * The job queue: pg-boss 12 in the same database as everything else, in-process on PGlite through its
 * adapter, or over its own small pool on PostgreSQL (where several Perch processes share the work).
 */
import { fromPglite, PgBoss } from 'pg-boss';
import type { Database } from '../db/client.ts';
import { errorSummary, type Logger } from '../lib/logger.ts';

export type Boss = PgBoss;

/** How every piece of work that talks to X retries an unexpected failure: 3 times, from a minute, backing off. */
export const xWorkRetries = { retryLimit: 3, retryDelay: 60, retryBackoff: true };

export async function createBoss({ database, logger }: { database: Database; logger: Logger }): Promise<Boss> {
  const connection = database.queueConnection;
  const boss =
    'pglite' in connection
      ? new PgBoss({ db: fromPglite(connection.pglite), backend: 'pglite', schema: 'pgboss' })
      : new PgBoss({ connectionString: connection.url, schema: 'pgboss', max: 4 });
  const log = logger.child({ module: 'jobs' });
  boss.on('error', (error) => log.error({ err: errorSummary(error) }, 'job queue error'));
  await boss.start();
  return boss;
}
