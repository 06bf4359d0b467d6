/**
 * Issue #3 end to end: Sync now on the settings row, through the job queue, the real bird code and the fake X,
 * with its progress on the page (also after a reload), contacts' avatars on the contacts page, and cookies that
 * die in the middle of a run: the row and the popup of the real extension say "X cookies expired".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import {
  artifactsDir,
  createRunRecord,
  launchBrowser,
  startPerch,
  submitOwnerForm,
  waitFor,
  xCookie,
  type ExtensionBrowser,
  type PerchServer,
  type RunRecord,
} from './harness.ts';

const me = {
  authToken: 'synce2eauth0token0a1b2c3d4e5f60718293a4b5c',
  ct0: 'synce2ect0value0aaaabbbbccccddddeeeeff',
  userId: '7100',
  screenName: 'perch_sync',
  name: 'Perch Sync',
};
const people = [
  { userId: '7101', screenName: 'ada', name: 'Ada Lovelace', bio: 'Analyst of engines' },
  { userId: '7102', screenName: 'grace', name: 'Grace Hopper', bio: 'Compilers' },
  { userId: '7103', screenName: 'alan', name: 'Alan Turing', bio: 'Machines that think' },
  { userId: '7104', screenName: 'edsger', name: 'Edsger Dijkstra', bio: 'Shortest paths' },
  { userId: '7105', screenName: 'barbara', name: 'Barbara Liskov', bio: 'Substitution' },
];
const id = (n: number) => String(1_910_000_000_000_000_000n + BigInt(n));

let fakeX: FakeX;
let perch: PerchServer;
let browser: ExtensionBrowser;
let settings: Page;
let record: RunRecord;
let userId: string;

const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: path.join(artifactsDir, 'screenshots', `${name}.png`), fullPage });
const syncLine = () => settings.locator('#x-sync').innerText();
const waitForSyncLine = (expected: RegExp, timeoutMs = 20_000) =>
  waitFor(
    `the sync line to say ${expected}`,
    async () => expected.test(await syncLine()),
    timeoutMs,
    50,
  );

beforeAll(async () => {
  fs.mkdirSync(path.join(artifactsDir, 'screenshots'), { recursive: true });
  record = createRunRecord('e2e-sync');
  fakeX = await startFakeX();
  for (const account of [me, ...people]) fakeX.addAccount(account);
  perch = await startPerch({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'perch-e2e-sync-')),
    fakeX,
    record,
    jobs: true,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await perch?.stop();
  await fakeX?.close();
});

describe('Sync now', () => {
  it('connects, and the settings row offers Sync now only once X is connected', async () => {
    settings = await browser.context.newPage();
    await settings.goto(`${perch.url}/sign-up`);
    await submitOwnerForm(settings);
    await expect
      .poll(() => settings.locator('#x-state-title').textContent())
      .toMatch(/Not connected/);
    expect(await settings.locator('#sync-x').isHidden()).toBe(true);
    const { users } = await import('@perch/server/db/schema.ts');
    userId = (await perch.deps.db.select().from(users))[0]!.id;

    await settings.click('#connect-x');
    await waitFor(
      'a paired device',
      async () => (await perch.deps.devices.listDevices(userId)).length === 1,
    );
    await browser.context.addCookies([xCookie('auth_token', me.authToken), xCookie('ct0', me.ct0)]);
    await expect
      .poll(() => settings.locator('#x-state-title').textContent(), { timeout: 10_000 })
      .toMatch(/Connected as @perch_sync/);
    await expect.poll(() => settings.locator('#sync-x').isVisible()).toBe(true);
  });

  it('shows the run queued, contacts done / total, then the counts; the result is still there after a reload', async () => {
    for (const p of people)
      await perch.deps.contacts.create(userId, { name: p.name, xHandle: p.screenName, notes: '' });
    // each new handle is refreshed at once through the queue (bio and avatar)
    await waitFor(
      'every contact’s bio and avatar',
      async () => (await perch.deps.contacts.list(userId)).every((c) => c.bio && c.avatarPath),
      30_000,
      100,
    );
    fakeX.addTweets([
      { id: id(1), by: 'ada', text: '@perch_sync have you seen the engine?' },
      { id: id(2), by: 'grace', text: 'a bug, literally' },
      {
        id: id(3),
        by: 'perch_sync',
        text: '@grace framed it yet?',
        inReplyTo: { id: id(2), screenName: 'grace' },
      },
      { id: id(4), by: 'alan', text: '@perch_sync can machines sync?' },
    ]);
    fakeX.addAccount({ ...people[3]!, bio: 'Goto considered harmful' });
    fakeX.setMode('slow', { delayMs: 500 }); // slow enough to watch the contacts go by

    await settings.click('#sync-x');
    await waitForSyncLine(/^Sync queued|^Syncing/, 5_000);
    expect(await settings.locator('#sync-x').isDisabled()).toBe(true);
    await waitForSyncLine(/^Syncing: [1-4] \/ 5 contacts checked today/);
    await shot(settings, 'settings-sync-running');
    await waitForSyncLine(/^Last sync/);
    fakeX.setMode('ok');
    expect(await syncLine()).toMatch(
      /^Last sync just now: 2 mentions, 1 reply, 1 bio change\. Contacts checked today: 5 \/ 5\.$/,
    );
    expect(await settings.locator('#sync-x').isEnabled()).toBe(true);
    await shot(settings, 'settings-sync-finished');

    await settings.reload();
    await waitForSyncLine(
      /^Last sync just now: 2 mentions, 1 reply, 1 bio change\. Contacts checked today: 5 \/ 5\.$/,
      10_000,
    );
    const timeline = await perch.deps.interactions.timeline(
      userId,
      (await perch.deps.contacts.list(userId)).find((c) => c.xHandle === 'grace')!.id,
    );
    expect(timeline.map((i) => i.kind)).toContain('reply_out');
  });

  it('shows the contacts with the avatars Perch downloaded', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${perch.url}/contacts`);
    const avatars = page.locator('img.avatar');
    await expect.poll(() => avatars.count()).toBe(people.length);
    const widths = await avatars.evaluateAll((imgs) =>
      imgs.map((img) => [
        (img as HTMLImageElement).complete,
        (img as HTMLImageElement).naturalWidth,
        img.getAttribute('src'),
      ]),
    );
    for (const [complete, width, src] of widths) {
      expect(complete).toBe(true);
      expect(width).toBe(48); // the fake X's PNG, served by Perch
      expect(src).toMatch(/^\/api\/v1\/contacts\/[0-9a-f-]{36}\/avatar$/);
    }
    await shot(page, 'contacts-with-avatars', true);
    await page.close();
  });

  it('cookies expiring in the middle of a run: the row says why, X cookies expired, and so does the popup', async () => {
    fakeX.addTweets(
      Array.from({ length: 30 }, (_, i) => ({
        id: id(100 + i),
        by: 'ada',
        text: `@perch_sync note ${i}`,
      })),
    );
    const cursorBefore = (await perch.deps.xSyncState.get(userId))?.mentionsCursor;
    fakeX.setMode('expired', { afterRequests: 1 }); // the first page of mentions arrives, the second is a 401
    await settings.click('#sync-x');
    await waitForSyncLine(
      /^Last sync just now failed\. The mention sync stopped: X no longer accepts your cookies; open x\.com and click Refresh in the Perch extension\.$/,
    );
    await expect
      .poll(() => settings.locator('#x-state-title').textContent(), { timeout: 10_000 })
      .toMatch(/X cookies expired/);
    expect(await settings.locator('#sync-x').isHidden()).toBe(true);
    expect(await settings.locator('#check-x').textContent()).toBe('Refresh');
    await shot(settings, 'settings-sync-expired');

    expect(await perch.deps.xConnection.status(userId)).toMatchObject({ state: 'expired' });
    expect((await perch.deps.xSyncState.get(userId))?.mentionsCursor).toBe(cursorBefore);
    expect(
      (await perch.deps.notifications.list(userId)).filter((n) => n.kind === 'sync_failed'),
    ).toHaveLength(1);

    const popup = await browser.openPopup();
    await waitFor(
      'the popup to say X cookies expired',
      async () =>
        /X cookies expired/.test((await popup.locator('#state-title').textContent()) ?? ''),
      10_000,
      100,
    );
    expect(await popup.locator('#action').textContent()).toMatch(/Refresh/);
    await shot(popup, 'popup-expired-after-sync');
    await popup.close();
  });

  it('leaves no cookie value in the server log or any API response', async () => {
    const haystack = `${fs.readFileSync(record.logFile, 'utf8')}\n${record.responses.join('\n')}`;
    expect(record.responses.some((r) => r.startsWith('POST /api/v1/x/sync 202'))).toBe(true);
    expect(haystack).not.toContain(me.authToken);
    expect(haystack).not.toContain(me.ct0);
  });
});
