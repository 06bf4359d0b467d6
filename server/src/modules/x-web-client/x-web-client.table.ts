import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { XOperation } from '../x-web/x-types.ts';

/**
 * What Perch learnt about x.com's web client from its bundles: one row (`id = 'x.com'`), shared by every user
 * and every process on the database, so a rotation is discovered once. A discovery in progress holds the lease
 * (`leaseUntil`), so two processes that meet the same stale id do not both scrape x.com.
 */
export const xWebClient = pgTable('x_web_client', {
  id: text().primaryKey(),
  /** Operation → current query id, as the bundles said. */
  queryIds: jsonb().$type<Partial<Record<XOperation, string>>>().notNull().default({}),
  /** Operation → the feature switches its bundle module lists, with the value x.com's page gives (null: none given). */
  features: jsonb()
    .$type<Partial<Record<XOperation, Record<string, boolean | null>>>>()
    .notNull()
    .default({}),
  /** The web client's bearer token (public, the same for every x.com visitor; not a secret of anyone's). */
  bearer: text(),
  /** The bundle file names the values came from, for `pnpm perch x:query-ids`. */
  bundles: jsonb().$type<string[]>().notNull().default([]),
  discoveredAt: timestamp({ withTimezone: true }),
  /** The last discovery attempt, successful or not: Perch asks x.com at most once per cool-down. */
  triedAt: timestamp({ withTimezone: true }),
  /** What the last attempt found, in a few words ("3 of 3 operations, bearer"), or why it failed. */
  outcome: text(),
  leaseUntil: timestamp({ withTimezone: true }),
});
