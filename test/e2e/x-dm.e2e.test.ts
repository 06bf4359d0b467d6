/**
 * Issue #4 end to end: connecting X direct messages from the settings page in real Chromium, through the fake
 * X's OAuth 2.0 consent page and back, the first DM sync onto a contact's page, denial, Disconnect, and a scan
 * for tokens in everything the server wrote.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xDmCallbackSentences } from '@perch/shared';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import {
  artifactsDir,
  createRunRecord,
  filesUnder,
  launchBrowser,
  startPerch,
  submitOwnerForm,
  type ExtensionBrowser,
  type PerchServer,
  type RunRecord,
} from './harness.ts';

const me = { userId: '7400', screenName: 'perch_e2e_dm', name: 'Perch E2E DM' };
const alice = { userId: '7401', screenName: 'alice_e2e', name: 'Alice E2E' };
const xApp = { X_CLIENT_ID: 'perch-e2e-app', X_CLIENT_SECRET: 'perch-e2e-app-secret-0123456789' };

let fakeX: FakeX;
let perch: PerchServer;
let browser: ExtensionBrowser;
let settings: Page;
let record: RunRecord;
let dataDir: string;
let userId: string;
const tokenValues = new Set<string>();

const shot = async (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifactsDir, 'screenshots', `${name}.png`) });
const rowTitle = () => settings.locator('#x-dm-state-title').textContent();
const rowMessage = () => settings.locator('#x-dm-message').textContent();

/** The callback URL must be known before the server starts (it is registered at X), so the port is chosen first. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

async function rememberTokens() {
  const { xDmConnections } = await import('@perch/server/db/schema.ts');
  for (const row of await perch.deps.db.select().from(xDmConnections)) {
    const tokens = await perch.deps.xDmTokens.open(row.tokensJwe);
    tokenValues.add(tokens.accessToken).add(tokens.refreshToken);
  }
}

beforeAll(async () => {
  fs.mkdirSync(path.join(artifactsDir, 'screenshots'), { recursive: true });
  record = createRunRecord('e2e-x-dm');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-e2e-dm-'));
  fakeX = await startFakeX();
  fakeX.addAccount(me);
  fakeX.addAccount(alice);
  const port = await freePort();
  fakeX.oauth.addClient({
    clientId: xApp.X_CLIENT_ID,
    clientSecret: xApp.X_CLIENT_SECRET,
    redirectUris: [`http://127.0.0.1:${port}/api/v1/x-dm/callback`],
  });
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
  fakeX.dm.addEvents([
    {
      id: '1910000000000000001',
      senderId: alice.userId,
      recipientId: me.userId,
      text: 'Coffee next week?',
    },
    {
      id: '1910000000000000002',
      senderId: me.userId,
      recipientId: alice.userId,
      text: 'Tuesday works',
    },
  ]);
  perch = await startPerch({
    dataDir,
    port,
    fakeX,
    record,
    env: { ...xApp, PERCH_PUBLIC_URL: `http://127.0.0.1:${port}` },
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await perch?.stop();
  await fakeX?.close();
});

describe('X direct messages, from the settings page to X and back', () => {
  it('shows the row not connected', async () => {
    settings = await browser.context.newPage();
    await settings.goto(`${perch.url}/sign-up`);
    await submitOwnerForm(settings);
    await expect.poll(rowTitle).toBe('Not connected');
    expect(await settings.locator('#x-dm-setup').isVisible()).toBe(false);
    const { users } = await import('@perch/server/db/schema.ts');
    userId = (await perch.deps.db.select().from(users))[0]!.id;
    await perch.deps.contacts.create(userId, {
      name: 'Alice',
      xHandle: 'alice_e2e',
      xUserId: alice.userId,
      notes: '',
    });
    await shot(settings, 'settings-x-dm-not-connected');
  });

  it('Connect goes to X, which consents at once, and lands back connected; the first DM sync runs', async () => {
    await settings.click('#connect-x-dm');
    await settings.waitForURL(`${perch.url}/settings`); // via X's authorize page and Perch's callback; the ?x_dm= is dropped
    // the page writes the sentence once its first status request is back
    await expect
      .poll(rowMessage, { timeout: 5_000 })
      .toBe('Connected: Perch can now read your X direct messages. The first sync has started.');
    await expect.poll(rowTitle, { timeout: 10_000 }).toBe('Connected as @perch_e2e_dm');
    await expect
      .poll(() => settings.locator('#x-dm-last-sync').textContent(), { timeout: 15_000 })
      .toMatch(
        /2 messages on contacts’ timelines, 0 from people not in your contacts, 1 request to X\./,
      );
    expect(await settings.locator('#x-dm-refresh').textContent()).toMatch(
      /^issued .+; not used yet\. X drops one left unused for about 6 months\.$/,
    );
    expect(fakeX.oauth.tokenRequests.map((r) => `${r.grantType}:${r.status}`)).toEqual([
      'authorization_code:200',
    ]);
    await rememberTokens();
    await shot(settings, 'settings-x-dm-connected');
  });

  it('the contact page shows the conversation as one thread, and syncs it on demand', async () => {
    const contact = (await perch.deps.contacts.list(userId)).find((c) => c.name === 'Alice')!;
    const page = await browser.context.newPage();
    await page.goto(`${perch.url}/contacts/${contact.id}`);
    expect(await page.locator('.dm-thread .dm-text').allTextContents()).toEqual([
      'Coffee next week?',
      'Tuesday works',
    ]);
    expect(
      await page
        .locator('.dm-thread .dm')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.direction)),
    ).toEqual(['inbound', 'outbound']);
    await page.click('#sync-contact-dms');
    await expect
      .poll(() => page.locator('#dm-message').textContent())
      .toBe('No new direct messages with Alice.');
    await shot(page, 'contact-dm-thread');
    await page.close();
  });

  it('a denial at X comes back as a plain sentence, and the connection stays as it was', async () => {
    fakeX.oauth.setConsent({ userId: me.userId, approve: false });
    await settings.click('#connect-x-dm');
    await settings.waitForURL(`${perch.url}/settings`);
    await expect.poll(rowMessage).toBe(xDmCallbackSentences.authorization_denied);
    await expect.poll(rowTitle).toBe('Connected as @perch_e2e_dm');
    await shot(settings, 'settings-x-dm-denied');
    fakeX.oauth.setConsent({ userId: me.userId, approve: true });
  });

  it('Disconnect revokes at X and deletes the tokens', async () => {
    await rememberTokens();
    await settings.click('#disconnect-x-dm');
    await expect.poll(rowMessage).toMatch(/^Disconnected: X revoked Perch’s access/);
    await expect.poll(rowTitle).toBe('Not connected');
    expect(
      fakeX.requests.filter((r) => r.path === '/2/oauth2/revoke').map((r) => r.status),
    ).toEqual([200, 200]);
    await shot(settings, 'settings-x-dm-disconnected');
  });

  it('leaves no token in the database files, the server log or any API response', async () => {
    await perch.stop();
    perch = undefined!; // stopped: afterAll has nothing left to stop
    expect(tokenValues.size).toBeGreaterThanOrEqual(2);
    const haystacks: Array<[string, Buffer]> = [
      ['server log', fs.readFileSync(record.logFile)],
      ['API responses', Buffer.from(record.responses.join('\n'))],
      ...filesUnder(dataDir).map((file) => [file, fs.readFileSync(file)] as [string, Buffer]),
    ];
    const found: string[] = [];
    for (const [name, bytes] of haystacks)
      for (const value of [...tokenValues, xApp.X_CLIENT_SECRET])
        if (bytes.includes(value)) found.push(`${name} contains ${value.slice(0, 8)}…`);
    expect(found).toEqual([]);
    // the scan can see plain text in the database files: the DM text is stored in clear
    expect(
      haystacks.some(
        ([name, bytes]) => name.startsWith(dataDir) && bytes.includes('Coffee next week?'),
      ),
    ).toBe(true);
  });
});
