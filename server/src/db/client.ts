/**
 * The database: PGlite in the data folder by default, PostgreSQL through postgres.js when DATABASE_URL is set.
 * Same schema, same migrations folder, applied at start on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The connection settings pg-boss needs: the in-process PGlite, or the PostgreSQL URL. */
  queueConnection: { pglite: import('@electric-sql/pglite').PGlite } | { url: string };
  close(): Promise<void>;
  /**
   * The postgres.js client itself (PostgreSQL only), for what drizzle cannot say well: postgres.js sends every
   * parameter as text, so a bytea row goes as a hex string twice its size; x-media writes its chunks with a
   * binary COPY through this instead.
   */
  postgres?: import('postgres').Sql;
}

export const migrationsFolder = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
);

/** `template`: a dumped, already-migrated data folder to start an in-memory database from (fast test databases). */
export async function openPglite(dataDir: string | null, template?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let dir = 'memory://';
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const client = await PGlite.create(dir, template ? { loadDataDir: template } : {});
  const db = drizzle(client, { schema, casing: 'snake_case' });
  await migrate(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    queueConnection: { pglite: client },
    close: () => client.close(),
  };
}

// Any fixed number; pg-boss takes its own locks under other keys.
const migrationLockKey = 7_238_101_301;

export async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { onnotice: () => {}, max: 10 });
  const db = drizzle(client, { schema, casing: 'snake_case' });
  // Two processes starting together on a fresh database would apply the same migrations at once (one fails on a
  // unique violation); with the lock the second waits, then finds nothing left to do.
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(${migrationLockKey})`;
    await migrate(db, { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${migrationLockKey})`.catch(() => {});
    lock.release();
  }
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    queueConnection: { url },
    postgres: client,
    close: () => client.end({ timeout: 5 }),
  };
}
