import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  deviceToken,
  problem,
  startFakePerch,
  unreachableOrigin,
  type FakePerch,
} from '../test-utils/fake-perch-server';
import { createFakeCookies, type FakeCookies } from '../test-utils/fakes';
import { disconnectedSentence, savePairing } from '../utils/session';
import {
  ackedFingerprintItem,
  lastErrorItem,
  pendingPushItem,
  serverReachableItem,
  serverUrlItem,
} from '../utils/storage';
import { loadView } from '../utils/view';
import { createCookiePush, registerCookiePush } from './cookie-push';
import { createPushRetry, registerPushRetry, retryAlarmName } from './push-retry';

let server: FakePerch;
let cookies: FakeCookies;
let clock: number;

function setup() {
  const retry = createPushRetry({ alarms: fakeBrowser.alarms, now: () => clock });
  const push = createCookiePush({ cookies, retry });
  registerCookiePush({ cookies, runtime: fakeBrowser.runtime, push });
  registerPushRetry({ alarms: fakeBrowser.alarms, push });
  return push;
}

beforeEach(async () => {
  fakeBrowser.reset();
  clock = Date.parse('2026-03-01T12:00:00.000Z');
  server = await startFakePerch();
  cookies = createFakeCookies({ auth_token: 'A1', ct0: 'C1' });
  await savePairing({ serverUrl: server.url, deviceToken });
});
afterEach(() => server.close());

describe('cookie push', () => {
  it('pushes at worker start, and coalesces the both-change burst into one push', async () => {
    const push = setup();
    await push.request(); // joins the start-up window
    expect(server.cookiePushes()).toEqual(['PUT']);

    cookies.set('auth_token', 'A2'); // removed(overwrite) + added
    cookies.set('ct0', 'C2'); // removed(overwrite) + added
    await push.request(); // joins the window the first event opened
    expect(server.cookiePushes()).toEqual(['PUT', 'PUT']);
    expect(server.requests.at(-1)?.body).toEqual({ authToken: 'A2', ct0: 'C2' });
  });

  it('does not push a pair the server already acknowledged', async () => {
    const push = setup();
    expect(await push.request()).toBe('pushed');
    cookies.set('ct0', 'C1'); // same value again
    expect(await push.request()).toBe('unchanged');
    expect(await push.syncNow()).toBe('unchanged');
    expect(server.cookiePushes()).toEqual(['PUT']);
  });

  it('ignores cookies other than auth_token / ct0 on x.com', async () => {
    const push = setup();
    await push.request();
    cookies.set('guest_id', 'g');
    cookies.set('auth_token', 'other', '.example.com');
    await new Promise((r) => setTimeout(r, 80));
    expect(server.cookiePushes()).toEqual(['PUT']);
  });

  it('pushes a removal as a sign-out (DELETE), once', async () => {
    const push = setup();
    await push.request();
    cookies.remove('auth_token');
    cookies.remove('ct0');
    expect(await push.request()).toBe('signed_out');
    expect(server.cookiePushes()).toEqual(['PUT', 'DELETE']);
    expect(await ackedFingerprintItem.getValue()).toBe('signed_out');
    expect((await loadView()).status?.state).toBe('signed_out');
    expect(await push.syncNow()).toBe('unchanged');
    expect(server.cookiePushes()).toEqual(['PUT', 'DELETE']);
  });

  it('waits for ct0 when only auth_token is present', async () => {
    cookies.remove('ct0');
    const push = setup();
    expect(await push.request()).toBe('incomplete');
    expect(server.cookiePushes()).toEqual([]);
    cookies.set('ct0', 'C9');
    expect(await push.request()).toBe('pushed');
  });

  it('never stores a cookie value', async () => {
    const push = setup();
    await push.request();
    const stored = JSON.stringify(await fakeBrowser.storage.local.get());
    expect(stored).not.toContain('A1');
    expect(stored).not.toContain('C1');
  });
});

describe('retry', () => {
  it('schedules the retry alarm with a growing delay, and a later alarm delivers', async () => {
    server.override('PUT /api/v1/x/cookies', () => problem(503, 'Perch is restarting'));
    const push = setup();
    expect(await push.request()).toBe('retry_scheduled');

    const delays: number[] = [];
    const alarm = async () => (await fakeBrowser.alarms.get(retryAlarmName))!;
    delays.push((await alarm()).scheduledTime - clock);
    for (let i = 0; i < 9; i++) {
      await fakeBrowser.alarms.onAlarm.trigger(await alarm()); // resolves once the alarm's sync is done
      delays.push((await alarm()).scheduledTime - clock);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000]);
    expect(await lastErrorItem.getValue()).toBe('Perch is restarting.');
    expect((await pendingPushItem.getValue())?.attempt).toBe(10);

    server.override('PUT /api/v1/x/cookies', null);
    await fakeBrowser.alarms.onAlarm.trigger(await alarm());
    expect(server.cookiePushes().filter((m) => m === 'PUT')).toHaveLength(11);
    expect(await pendingPushItem.getValue()).toBeNull();
    expect(await fakeBrowser.alarms.get(retryAlarmName)).toBeUndefined();
    expect(await lastErrorItem.getValue()).toBeNull();
  });

  it('keeps the pending retry (and its force) in storage across a worker restart', async () => {
    const first = createCookiePush({
      cookies,
      retry: createPushRetry({ alarms: fakeBrowser.alarms, now: () => clock }),
    });
    expect(await first.syncNow()).toBe('pushed');
    // The server moves away; the user clicks Refresh (a forced push of the same pair).
    const origin = await unreachableOrigin();
    await serverUrlItem.setValue(origin);
    expect(await first.syncNow({ force: true })).toBe('retry_scheduled');
    expect(await serverReachableItem.getValue()).toBe(false);
    expect(await lastErrorItem.getValue()).toBe(`Could not reach the Perch server at ${origin}.`);
    expect(await pendingPushItem.getValue()).toMatchObject({ attempt: 1, force: true });

    // "Restart": a fresh instance with only storage and the alarm left; the server is back.
    await serverUrlItem.setValue(server.url);
    const second = setup();
    expect(await second.request()).toBe('pushed'); // the start-up sync re-sends the unchanged pair: it was forced
    expect(server.cookiePushes()).toEqual(['PUT', 'PUT']);
    expect(await pendingPushItem.getValue()).toBeNull();
    expect(await serverReachableItem.getValue()).toBe(true);
  });
});

describe('revocation', () => {
  it('unpairs on 401 device.revoked and says so', async () => {
    server.revoke();
    const push = setup();
    expect(await push.request()).toBe('unpaired');
    const view = await loadView();
    expect(view).toMatchObject({
      paired: false,
      serverUrl: server.url,
      lastError: disconnectedSentence,
    });
    expect(await pendingPushItem.getValue()).toBeNull();
    cookies.set('ct0', 'C2');
    expect(await push.request()).toBe('not_paired');
    expect(server.cookiePushes()).toEqual(['PUT']);
  });
});
