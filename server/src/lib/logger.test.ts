import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-utils/db.ts';
import type { Database } from '../db/client.ts';
import { errorSummary } from './logger.ts';

describe('errorSummary', () => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('names a failed query and its cause, never the values it was given', async () => {
    database = await createTestDatabase();
    const note = 'Met at the Lisbon meetup, call before Friday';
    const error = await database.db.execute(sql`select ${note}::int as n`).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain(note); // drizzle's own message carries the parameters

    const summary = errorSummary(error, { stack: true });
    expect(JSON.stringify(summary)).not.toContain('Lisbon');
    expect(summary.message).toMatch(/^Failed query: select \$1::int/);
    expect(summary.cause?.code).toBe('22P02');
    expect(summary.stack).toMatch(/^\w+: Failed query/);
  });

  it('drops the value PostgreSQL quotes at the end of a message', () => {
    const error = new Error('invalid input syntax for type uuid: "alice\'s private note"');
    expect(errorSummary(error).message).toBe('invalid input syntax for type uuid: "…"');
  });
});
