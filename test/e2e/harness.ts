/**
 * The real pieces, wired for end-to-end runs: the real server (in process, PGlite in a temp folder, logs to a
 * file), the fake X, and Debian's Chromium with the built extension loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import pino from 'pino';
import { createApp } from '@perch/server/app.ts';
import { loadConfig } from '@perch/server/config.ts';
import { createDeps, type Deps } from '@perch/server/deps.ts';
import { extensionId } from '@perch/shared';
import type { FakeX } from '../fake-x/index.ts';
import { e2eExtensionOutDir } from './global-setup.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const extensionPath = path.resolve(
  here,
  '../../extension',
  e2eExtensionOutDir,
  'chrome-mv3',
);
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
export const artifactsDir = path.resolve(here, '../artifacts');

export interface PerchServer {
  url: string;
  port: number;
  deps: Deps;
  stop(): Promise<void>;
}

/** Everything the server said and sent during a run, for the secret scan. */
export interface RunRecord {
  logFile: string;
  responses: string[];
}

export function createRunRecord(name: string): RunRecord {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const logFile = path.join(artifactsDir, `${name}.server.log`);
  fs.writeFileSync(logFile, '');
  return { logFile, responses: [] };
}

/**
 * `jobs: true` also starts the job queue, as `pnpm start` does (Sync now and handle edits then go through it).
 * `env`: more settings, e.g. the X app for direct messages (X_CLIENT_ID…).
 */
export async function startPerch(options: {
  dataDir: string;
  port?: number;
  fakeX: FakeX;
  record: RunRecord;
  jobs?: boolean;
  env?: Record<string, string>;
}): Promise<PerchServer> {
  const config = loadConfig({
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    PERCH_DATA_DIR: options.dataDir,
    PERCH_X_ORIGIN: options.fakeX.url,
    PERCH_X_API_ORIGIN: options.fakeX.url,
    PERCH_X_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logger = pino(
    { level: 'debug' },
    pino.destination({ dest: options.record.logFile, append: true, sync: true }),
  );
  // without `jobs`, handlers run in this process and a handle edit waits for the daily poll, as before
  const deps = await createDeps(config, {
    logger,
    ...(options.jobs ? {} : { jobQueue: 'in-memory', onHandleChanged: () => {} }),
  });
  const app = createApp(deps);
  const fetch = async (request: Request) => {
    const response = await app.fetch(request);
    if (new URL(request.url).pathname.startsWith('/api/')) {
      options.record.responses.push(
        `${request.method} ${new URL(request.url).pathname} ${response.status} ${await response.clone().text()}`,
      );
    }
    return response;
  };
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  if (options.jobs) await deps.startJobs();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await deps.close();
    },
  };
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  openPopup(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ExtensionBrowser> {
  if (!fs.existsSync(path.join(extensionPath, 'manifest.json'))) {
    throw new Error(
      `The extension is not built at ${extensionPath}; run the e2e global setup (vitest) or buildExtensionForTests().`,
    );
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1100, height: 820 },
    args: [
      `--disable-extensions-except=${extensionPath}`,
      `--load-extension=${extensionPath}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const id = new URL(worker.url()).host;
  if (id !== extensionId)
    throw new Error(`Extension id ${id} is not the pinned ${extensionId}: is manifest.key set?`);
  return {
    context,
    worker,
    extensionId: id,
    async openPopup() {
      const page = await context.newPage();
      await page.setViewportSize({ width: 380, height: 420 });
      await page.goto(`chrome-extension://${id}/popup.html`);
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The owner's account in every browser story. */
export const owner = { email: 'owner@example.com', password: 'correct horse battery staple' };

/** Fills the sign-up or sign-in form (`page` is on it) as the owner and waits for the settings page. */
export async function submitOwnerForm(page: Page) {
  await page.fill('input[type=email]', owner.email);
  await page.fill('input[type=password]', owner.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/settings/);
}

export const xCookie = (name: 'auth_token' | 'ct0', value: string) => ({
  name,
  value,
  domain: '.x.com',
  path: '/',
  secure: true,
  httpOnly: name === 'auth_token',
  sameSite: 'None' as const,
  expires: Math.floor(Date.now() / 1000) + 365 * 24 * 3600,
});

/** Polls until `probe` returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Decrypts what the server holds for the user, or null. */
export async function storedPair(deps: Deps) {
  const { xConnections } = await import('@perch/server/db/schema.ts');
  const [row] = await deps.db.select().from(xConnections);
  return row?.cookiesJwe ? deps.cookieVault.open(row.cookiesJwe) : null;
}

/** Every file under `dir`, recursively, for scanning. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}
