import { Writable } from 'node:stream';
import type { XCookiePair } from '@perch/shared';
import { createApp } from '../app.ts';
import { createDocumentedCheck } from './api-docs.ts';
import { loadConfig } from '../config.ts';
import { createDeps, type Deps, type DepsOverrides } from '../deps.ts';
import type { PgBossQueue } from '../jobs/boss.ts';
import type { InMemoryJobQueue } from '../jobs/job-queue.ts';
import { createLogger } from '../lib/logger.ts';
import { generateKeyEntry, parseKeyring } from '../modules/secrets/keyring.ts';
import type { XCheckResult } from '../modules/x-web/x-web.ts';
import { createWebAssetLoader } from '../modules/web/web.assets.ts';
import { createTestDatabase } from './db.ts';

export const testOrigin = 'http://perch.test';

/** One bundle of the pages' scripts per test worker: bundled when a test first asks for a page or an asset. */
export const testWebAssets = createWebAssetLoader();

/** An X stand-in for unit tests of the server's own rules; the real bird code is tested against test/fake-x. */
export function scriptedXWeb(answer: (pair: XCookiePair) => XCheckResult) {
  const calls: XCookiePair[] = [];
  const unscripted = (): never => {
    throw new Error(
      'scriptedXWeb only answers verifyCookies; sync tests use createXWeb against test/fake-x',
    );
  };
  return {
    calls,
    verifyCookies: async (pair: XCookiePair) => {
      calls.push(pair);
      return answer(pair);
    },
    healthCheck: unscripted,
    forAccount: unscripted,
  };
}

export const connectedAs = (handle: string, userId = '1001'): XCheckResult => ({
  ok: true,
  account: { handle, userId, name: handle },
});

/** The environment that points the real X client (bird, the web client store, the budgets) at test/fake-x. */
export const fakeXEnv = (url: string, timeoutMs = 2_000) => ({
  PERCH_X_ORIGIN: url,
  PERCH_X_API_ORIGIN: url,
  PERCH_X_TIMEOUT_MS: String(timeoutMs),
});

/** With PERCH_X_ORIGIN in `env` the real X client talks to it; otherwise X is scripted (scriptedXWeb). */
/**
 * `handleRefresh: true` lets a handle edit queue its one-contact refresh, as the server does; otherwise the edit
 * waits for the daily poll, so a test counts only the X requests of what it is about.
 */
export async function createTestApp(
  options: {
    env?: Record<string, string | undefined>;
    overrides?: DepsOverrides;
    handleRefresh?: boolean;
  } = {},
) {
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()),
    }),
  });
  const config = loadConfig({
    PERCH_PUBLIC_URL: testOrigin,
    PERCH_DATA_DIR: '/nonexistent-perch-test',
    ...options.env,
  });
  const deps = await createDeps(config, {
    logger,
    database: await createTestDatabase(),
    keyring: parseKeyring(generateKeyEntry()),
    jobQueue: 'in-memory',
    ...(options.handleRefresh ? {} : { onHandleChanged: () => {} }),
    webAssets: testWebAssets,
    ...(options.env?.PERCH_X_ORIGIN ? {} : { xWeb: scriptedXWeb(() => connectedAs('perch_user')) }),
    ...options.overrides,
  });
  const app = createApp(deps);
  const responses: string[] = [];

  /**
   * app.request with the test origin; remembers every response body so tests can scan them for secrets.
   * `address`: the client's socket address (none by default: every such request counts as one client).
   */
  async function request(
    path: string,
    init: RequestInit & { json?: unknown; address?: string } = {},
  ) {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    if (init.method && init.method !== 'GET' && !headers.has('origin'))
      headers.set('origin', testOrigin);
    const socket = init.address
      ? { incoming: { socket: { remoteAddress: init.address } } }
      : undefined;
    const res = await app.request(
      `${testOrigin}${path}`,
      { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body },
      socket,
    );
    responses.push(`${res.status} ${[...res.headers].join(';')} ${await res.clone().text()}`);
    return res;
  }

  /** Signs up (or in) and returns the session cookie header. */
  async function signUp(email = 'owner@example.com', password = 'correct horse battery') {
    const res = await request('/api/v1/auth/sign-up', {
      method: 'POST',
      json: { email, password },
    });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
    return {
      cookie: res.headers.get('set-cookie')!.split(';')[0]!,
      user: ((await res.json()) as { user: { id: string } }).user,
    };
  }

  async function pairDevice(cookie: string) {
    const code = (await (
      await request('/api/v1/pairing-codes', { method: 'POST', headers: { cookie } })
    ).json()) as { code: string };
    const res = await request('/api/v1/devices', {
      method: 'POST',
      json: { code: code.code, deviceName: 'Test Chrome' },
    });
    return (await res.json()) as { deviceToken: string; device: { id: string } };
  }

  /** What the extension does for a signed-in user: pairs a device, then pushes the cookie pair with its token. */
  async function pushCookies(cookie: string, pair: XCookiePair) {
    const { deviceToken } = await pairDevice(cookie);
    return request('/api/v1/x/cookies', {
      method: 'PUT',
      headers: { authorization: `Bearer ${deviceToken}` },
      json: pair,
    });
  }

  /** Checks an answer against the served document (test-utils/api-docs.ts). */
  const expectDocumented = createDocumentedCheck(async () =>
    (await app.request(`${testOrigin}/api/v1/openapi.json`)).json(),
  );

  return {
    app,
    deps,
    request,
    signUp,
    pairDevice,
    pushCookies,
    expectDocumented,
    logLines,
    responses,
    close: () => deps.close(),
  };
}

/** Starts the job queue of deps built with `jobQueue: 'pg-boss'`, and hands back pg-boss for the test to look into. */
export async function startPgBoss(deps: Deps) {
  if (deps.jobQueue.kind !== 'pg-boss')
    throw new Error("build the test app with overrides: { jobQueue: 'pg-boss' }");
  await deps.startJobs();
  return (deps.jobQueue as PgBossQueue).boss;
}

/** Waits for the in-memory queue's running and due jobs (a fetch a page asked for, a refresh a handle edit caused). */
export async function jobsIdle(deps: Deps) {
  if (deps.jobQueue.kind === 'in-memory') await (deps.jobQueue as InMemoryJobQueue).idle();
}
