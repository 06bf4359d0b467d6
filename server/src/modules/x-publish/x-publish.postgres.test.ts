/**
 * Two Perch instances (each its own pool and pg-boss workers, as two processes have) on one PostgreSQL database
 * publish each of N scheduled posts once, at the fake X through the real client: run with `pnpm test:postgres`;
 * skipped on PGlite.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { openPostgres } from '../../db/client.ts';
import { createDeps, type Deps } from '../../deps.ts';
import { createLogger } from '../../lib/logger.ts';
import { testWebAssets } from '../../test-utils/app.ts';
import { testDatabaseUrl } from '../../test-utils/db.ts';
import { dmApp } from '../../test-utils/x-dm.ts';
import { generateKeyEntry, parseKeyring } from '../secrets/keyring.ts';
import {
  connectPublishing,
  postsAtX,
  publishingApp,
  resetFakeX,
  startPublishingFakeX,
  testClock,
} from '../../test-utils/x-publish.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function sweep(deps: Deps) {
  for (const { id } of await deps.xPublish.publishQueries.due(deps.now()))
    await deps.xPublish.outbox.publish(id);
}

describe.skipIf(!testDatabaseUrl)('two processes on one PostgreSQL', () => {
  it('publish each of 12 scheduled posts once', { timeout: 120_000 }, async () => {
    const { default: postgres } = await import('postgres');
    const admin = postgres(testDatabaseUrl!, { onnotice: () => {}, max: 1 });
    const name = `perch_test_${randomBytes(6).toString('hex')}`;
    await admin.unsafe(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(testDatabaseUrl!);
    url.pathname = `/${name}`;
    const keyring = parseKeyring(generateKeyEntry());
    const clock = testClock();
    const fakeX = await startPublishingFakeX(clock);
    cleanups.push(() => fakeX.close());
    resetFakeX(fakeX);
    fakeX.posts.setReplyDelay(0);
    const overrides = {
      outboxOptions: { reconcileWaitMs: 100, parentWaitMs: 100 },
      jobQueue: 'pg-boss' as const,
      keyring,
    };

    const t = await publishingApp(fakeX, clock, {
      overrides: {
        ...overrides,
        database: await openPostgres(url.toString()),
        publishWorkerId: 'one',
      },
    });
    cleanups.push(() => t.close());
    const other = await createDeps(
      loadConfig({
        PERCH_PUBLIC_URL: 'http://perch.test',
        PERCH_DATA_DIR: '/nonexistent',
        PERCH_X_ORIGIN: fakeX.url,
        PERCH_X_API_ORIGIN: fakeX.url,
        PERCH_X_TIMEOUT_MS: '3000',
        X_CLIENT_ID: dmApp.clientId,
        X_CLIENT_SECRET: dmApp.clientSecret,
      }),
      {
        ...overrides,
        logger: createLogger({ level: 'silent' }),
        database: await openPostgres(url.toString()),
        webAssets: testWebAssets,
        publishWorkerId: 'two',
      },
    );
    cleanups.push(() => other.close());
    await t.deps.startJobs();
    await other.startJobs();

    const { cookie } = await connectPublishing(t, fakeX);
    const at = new Date(Date.now() + 3_000);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.request('/api/v1/posts', {
        method: 'POST',
        headers: { cookie },
        json: {
          action: 'schedule',
          parts: [{ text: `scheduled ${i}` }, { text: `scheduled ${i}, part 2` }],
          scheduledAt: at.toISOString(),
        },
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 50));
    // both sweeps at once, besides the jobs pg-boss hands to either instance
    await Promise.all([sweep(t.deps), sweep(other), sweep(t.deps), sweep(other)]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const parts = await t.deps.xPublish.publishQueries.partsOf(ids);
      if (parts.every((p) => p.state === 'published') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const posts = postsAtX(fakeX);
    const texts = posts.map((p) => p.text).sort();
    expect(texts).toHaveLength(24);
    expect(new Set(texts).size).toBe(24);
    // and no part was even tried twice (X's duplicate-content check would hide a second send from the count)
    expect(fakeX.requestCount('createPosts')).toBe(24);
    const parts = await t.deps.xPublish.publishQueries.partsOf(ids);
    expect(parts.every((p) => p.state === 'published')).toBe(true);
    // each second part replies to its own first part
    for (const id of ids) {
      const [first, second] = parts.filter((p) => p.postId === id);
      expect(posts.find((p) => p.id === second!.xPostId)!.inReplyToId).toBe(first!.xPostId);
    }
  });
});
