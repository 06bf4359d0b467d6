/**
 * Issue #10 end to end, in real Chromium: connect publishing (OAuth 2.0 with tweet.write media.write through the
 * fake X's consent page), then on /compose: the live counter, the page's refusals (too long, five images, a poll
 * with media), a thread of three parts with four images in the first and a poll in the last, scheduled a minute
 * ahead; on /posts it goes out and shows a link to each part on x.com.
 *
 * Not waiting a real minute: the server runs in this process with a clock of its own (`now`), moved past the
 * scheduled time once the post is saved; then the publish sweep (the job pg-boss runs every minute) is run once.
 * The post's own delayed job (real time) would only find it published.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@perch/server/app.ts';
import { loadConfig } from '@perch/server/config.ts';
import { createDeps, type Deps } from '@perch/server/deps.ts';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import {
  artifactsDir,
  createRunRecord,
  launchBrowser,
  submitOwnerForm,
  type ExtensionBrowser,
  type RunRecord,
} from './harness.ts';

const me = { userId: '7600', screenName: 'perch_e2e_pub', name: 'Perch E2E Publisher' };
const alice = { userId: '7601', screenName: 'alice_e2e_pub', name: 'Alice' };
const xApp = { X_CLIENT_ID: 'perch-e2e-pub', X_CLIENT_SECRET: 'perch-e2e-pub-secret-0123456789' };

/** A 1×1 PNG: X takes it as it is. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let fakeX: FakeX;
let browser: ExtensionBrowser;
let page: Page;
let record: RunRecord;
let deps: Deps;
let server: ServerType;
let baseUrl: string;
/** How far the server's clock is ahead of the real one. */
let clockShiftMs = 0;
const images: string[] = [];

const shot = (name: string) =>
  page.screenshot({ path: path.join(artifactsDir, 'screenshots', `${name}.png`), fullPage: true });
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
const slot = (path: string) => page.locator(`.field-error[data-path="${path}"]`);

beforeAll(async () => {
  fs.mkdirSync(path.join(artifactsDir, 'screenshots'), { recursive: true });
  record = createRunRecord('e2e-publish');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-e2e-publish-'));
  for (let i = 1; i <= 5; i++) {
    const file = path.join(dataDir, `picture-${i}.png`);
    fs.writeFileSync(file, png);
    images.push(file);
  }
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

  // The harness's startPerch, with a clock of this test's own.
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PERCH_DATA_DIR: path.join(dataDir, 'perch'),
    PERCH_X_ORIGIN: fakeX.url,
    PERCH_X_API_ORIGIN: fakeX.url,
    PERCH_X_TIMEOUT_MS: '3000',
    PERCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'debug',
    ...xApp,
  });
  const logger = pino(
    { level: 'debug' },
    pino.destination({ dest: record.logFile, append: true, sync: true }),
  );
  deps = await createDeps(config, {
    logger,
    jobQueue: 'in-memory',
    onHandleChanged: () => {},
    now: () => new Date(Date.now() + clockShiftMs),
  });
  const app = createApp(deps);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  await deps.startJobs();
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await deps?.close();
  await fakeX?.close();
});

describe('publishing from the compose page', () => {
  it('signs in and connects publishing with OAuth 2.0 (tweet.write media.write)', async () => {
    page = await browser.context.newPage();
    await page.goto(`${baseUrl}/sign-up`);
    await submitOwnerForm(page);
    // Settings → Publishing's button asks the same: Connect with { publishing: true }.
    const { authorizeUrl } = await page.evaluate(async () => {
      const response = await fetch('/api/v1/x-dm/connect', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ publishing: true }),
      });
      return (await response.json()) as { authorizeUrl: string };
    });
    expect(new URL(authorizeUrl).searchParams.get('scope')).toMatch(
      /tweet\.write.*media\.write|media\.write.*tweet\.write/,
    );
    await page.goto(authorizeUrl);
    await page.waitForURL(`${baseUrl}/settings`);
    const status = await page.evaluate(async () => (await fetch('/api/v1/x/publishing')).json());
    expect(status).toMatchObject({ credential: 'oauth2', canPublish: true, canUploadMedia: true });
  });

  it('counts as the user types and refuses what X would refuse, next to the part', async () => {
    await page.goto(`${baseUrl}/compose`);
    await expect.poll(() => page.locator('#part-0-count').textContent()).toBe('280 left');
    await page.fill('#part-0-text', 'Hello https://example.com/a/rather/long/link/that/counts/23');
    await expect
      .poll(() => page.locator('#part-0-count').textContent())
      .toBe(`${280 - 6 - 23} left`);
    await page.fill('#part-0-text', 'x'.repeat(290));
    await expect
      .poll(() => page.locator('#part-0-count').textContent())
      .toBe('10 over the limit of 280');
    expect(await page.locator('#part-0-count').getAttribute('data-over')).toBe('true');
    await expect
      .poll(() => slot('parts.0.text').textContent())
      .toBe('This part is too long: 290 characters as X counts them, and X takes at most 280.');
    await shot('compose-too-long');
    await page.fill('#part-0-text', 'A thread with four pictures 1/3');
    expect(await slot('parts.0.text').isVisible()).toBe(false);

    // Five images: the page uploads each at once, and says X takes four.
    await page.setInputFiles('#part-0-files', images.slice(0, 5));
    await expect
      .poll(() => page.locator('.part[data-index="0"] .alt-text').count(), { timeout: 15_000 })
      .toBe(5);
    await expect.poll(() => slot('parts.0.mediaIds').isVisible()).toBe(true);
    expect(await slot('parts.0.mediaIds').textContent()).toMatch(/4/);
    await shot('compose-five-images');
    await page.click('.part[data-index="0"] .media-item:last-child button.danger');
    await expect.poll(() => slot('parts.0.mediaIds').isVisible()).toBe(false);
    await page.fill('.part[data-index="0"] .alt-text >> nth=0', 'The first picture');
    await page.locator('.part[data-index="0"] .alt-text >> nth=0').blur();
    await expect
      .poll(() => page.locator('#page-message').textContent())
      .toBe('Alt text saved for picture-1.png.');
  });

  it('builds a thread of three, the last with a poll (refused with media), and schedules it a minute ahead', async () => {
    await page.click('#add-part');
    await page.fill('#part-1-text', 'The middle of the thread 2/3');
    await page.click('#add-part');
    await page.fill('#part-2-text', 'Which one was best? 3/3');
    await page.click('#part-2-add-poll');
    await page.fill('#part-2-poll-0', 'The first');
    await page.fill('#part-2-poll-1', 'The last');
    await page.fill('#part-2-poll-hours', '6');
    // A poll with media: refused at the poll. The picture is dropped on the part's drop zone, as a user drags it in.
    const dataTransfer = await page.evaluateHandle(
      ({ bytes, name }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        return transfer;
      },
      { bytes: [...png], name: 'dropped.png' },
    );
    await page.dispatchEvent('.drop-zone[data-part="2"]', 'dragover', { dataTransfer });
    expect(await page.getAttribute('.drop-zone[data-part="2"]', 'data-over')).toBe('true');
    await page.dispatchEvent('.drop-zone[data-part="2"]', 'drop', { dataTransfer });
    await expect
      .poll(() => page.locator('.part[data-index="2"] .media-name').textContent())
      .toBe('dropped.png (image)');
    await expect
      .poll(() => slot('parts.2.poll').first().textContent(), { timeout: 15_000 })
      .toMatch(/poll and media/);
    await shot('compose-poll-and-media');
    await page.click('.part[data-index="2"] .media-item button.danger');
    await expect.poll(() => slot('parts.2.poll').first().isVisible()).toBe(false);

    await page.check('#when-schedule');
    // A minute ahead, at least: datetime-local counts whole minutes.
    const local = await page.evaluate(() => {
      const at = new Date(Date.now() + 120_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
    });
    await page.fill('#schedule-at', local);
    expect(await page.locator('#time-zone').textContent()).toMatch(/^Time zone: /);
    expect(await page.locator('#publish').textContent()).toBe('Schedule');
    expect(await page.locator('.field-error:visible').count()).toBe(0);
    await shot('compose-thread-ready');
    await page.click('#publish');
    await page.waitForURL(/\/posts#post-/);
    await expect.poll(() => page.locator('.post .chip').first().textContent()).toBe('Scheduled');
    expect(await page.locator('.post .post-status').first().textContent()).toMatch(/^Goes out /);
    expect(await page.locator('.post .post-head').first().textContent()).toMatch(/Thread of 3/);
    expect(
      fakeX.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets'),
    ).toHaveLength(0);
  });

  it('goes out when its time comes, and /posts links each part on x.com', async () => {
    clockShiftMs = 3 * 60_000; // the server's clock moves past the scheduled time
    await deps.jobQueue.send('x-publish.sweep', {});
    await expect
      .poll(() => page.locator('.post .chip').first().textContent(), { timeout: 30_000 })
      .toBe('Published');
    const links = await page
      .locator('.post .part-links a')
      .evaluateAll((els) => els.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(links.map(([text]) => text)).toEqual([
      'Post 1 on x.com',
      'Post 2 on x.com',
      'Post 3 on x.com',
    ]);
    for (const [, href] of links) expect(href).toMatch(/^https:\/\/x\.com\/.+\/status\/\d+$/);
    const posted = fakeX.requests.filter(
      (r) => r.method === 'POST' && r.path === '/2/tweets' && r.status < 300,
    );
    expect(posted).toHaveLength(3);
    // At X: three posts, each a reply to the one before; four images on the first, the poll on the last.
    const [first, second, third] = fakeX.posts.all(me.userId);
    expect([first?.text, second?.text, third?.text]).toEqual([
      'A thread with four pictures 1/3',
      'The middle of the thread 2/3',
      'Which one was best? 3/3',
    ]);
    expect(first!.mediaIds).toHaveLength(4);
    expect(second!.inReplyToId).toBe(first!.id);
    expect(third!.inReplyToId).toBe(second!.id);
    expect(third!.poll).toEqual({
      options: ['The first', 'The last'],
      durationMinutes: 1440 + 360,
    });
    expect(links.map(([, href]) => href!.split('/').at(-1))).toEqual([
      first!.id,
      second!.id,
      third!.id,
    ]);
    await shot('posts-published');
  });

  it('draws the post’s impressions and the followers with uPlot once the metrics are in', async () => {
    clockShiftMs += 2 * 3_600_000; // past the +1 h snapshot
    const queue = deps.jobQueue as typeof deps.jobQueue & { idle(): Promise<void> };
    await queue.send('x-metrics.due', {});
    await queue.send('x-metrics.daily', {});
    await queue.idle();
    await page.reload();
    await expect
      .poll(() => page.locator('.post .post-figures').first().textContent(), { timeout: 15_000 })
      .toMatch(/^\d+ impressions · \d+ likes/);
    await expect.poll(() => page.locator('.post-chart .uplot canvas').count()).toBe(1);
    await expect.poll(() => page.locator('#followers-chart .uplot canvas').count()).toBe(1);
    expect(await page.locator('#followers-empty').isVisible()).toBe(false);
    await shot('posts-charts');
  });

  it('Reply on a mention in a contact’s timeline opens Compose with the post, and the reply goes out to it', async () => {
    const { users } = await import('@perch/server/db/schema.ts');
    const userId = (await deps.db.select().from(users))[0]!.id;
    const { contact } = await deps.contacts.create(userId, {
      name: 'Alice',
      xHandle: alice.screenName,
      xUserId: alice.userId,
      notes: '',
    });
    // A minute old, as a mention is by the time it is on the timeline (X refuses replies to a post just made).
    const mention = fakeX.posts.add({
      authorId: alice.userId,
      text: '@perch_e2e_pub what do you think?',
      createdAt: Date.now() - 60_000,
    });
    await deps.interactions.record(userId, {
      contactId: contact.id,
      kind: 'mention_in',
      direction: 'inbound',
      xId: mention.id,
      occurredAt: new Date(),
      text: mention.text,
    });
    await page.goto(`${baseUrl}/contacts/${contact.id}`);
    await page.click('.timeline-item[data-kind="mention_in"] a.reply');
    await page.waitForURL(`${baseUrl}/compose?replyTo=${mention.id}`);
    expect(await page.inputValue('#reply-to')).toBe(mention.id);
    await page.fill('#part-0-text', 'I think it is lovely');
    await expect
      .poll(() => page.locator('#budget').textContent())
      .toMatch(/posts left in X's 15-minute window/);
    await page.click('#publish');
    await page.waitForURL(/\/posts#post-/);
    await expect
      .poll(() => page.locator('.post .chip').first().textContent(), { timeout: 15_000 })
      .toBe('Published');
    const reply = fakeX.posts.all(me.userId).at(-1)!;
    expect(reply.text).toBe('I think it is lovely');
    expect(reply.inReplyToId).toBe(mention.id);
    await shot('posts-reply-published');
    // The reply is on Alice's timeline, as one of the user's replies.
    await page.goto(`${baseUrl}/contacts/${contact.id}`);
    await expect
      .poll(() =>
        page.locator('.timeline-item[data-kind="reply_out"] .item-text').allTextContents(),
      )
      .toEqual(['I think it is lovely']);
  });
});
