/**
 * A fresh, migrated database per test: PGlite in memory by default, or a new database on the PostgreSQL
 * named by PERCH_TEST_DATABASE_URL (the `test:postgres` script), dropped again on close.
 */
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { openPglite, openPostgres, type Database } from '../db/client.ts';

export const testDatabaseUrl = process.env.PERCH_TEST_DATABASE_URL ?? null;

// initdb + migrations take seconds under wasm; do them once per test process and start each database from a copy.
let pgliteTemplate: Promise<Blob> | undefined;
async function migratedPgliteTemplate(): Promise<Blob> {
  const first = await openPglite(null);
  const client = (first.db as unknown as { $client: PGlite }).$client;
  const dump = await client.dumpDataDir('none');
  await first.close();
  return dump;
}

export async function createTestDatabase(): Promise<Database> {
  if (!testDatabaseUrl)
    return openPglite(null, await (pgliteTemplate ??= migratedPgliteTemplate()));
  const { default: postgres } = await import('postgres');
  const admin = postgres(testDatabaseUrl, { onnotice: () => {}, max: 1 });
  const name = `perch_test_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString());
  return {
    ...database,
    async close() {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
