import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  deviceToken,
  startFakePerch,
  unreachableOrigin,
  type FakePerch,
} from '../test-utils/fake-perch-server';
import { createFakeCookies } from '../test-utils/fakes';
import { disconnectedSentence, savePairing } from '../utils/session';
import { serverUrlItem } from '../utils/storage';
import { loadView } from '../utils/view';
import { createCookiePush } from './cookie-push';
import { createPushRetry } from './push-retry';
import { createStatusRefresh, periodicAlarmName, registerPeriodicCheck } from './status-refresh';

let server: FakePerch;
beforeEach(async () => {
  fakeBrowser.reset();
  server = await startFakePerch();
  await savePairing({ serverUrl: server.url, deviceToken });
});
afterEach(() => server.close());

describe('status refresh', () => {
  it('stores the server status', async () => {
    await createStatusRefresh().refresh();
    expect((await loadView()).status?.state).toBe('not_connected');
  });

  it('marks the server unreachable, and reachable again', async () => {
    await serverUrlItem.setValue(await unreachableOrigin());
    await createStatusRefresh().refresh();
    expect((await loadView()).serverReachable).toBe(false);
    await serverUrlItem.setValue(server.url);
    await createStatusRefresh().refresh();
    expect((await loadView()).serverReachable).toBe(true);
  });

  it('unpairs on 401', async () => {
    server.revoke();
    await createStatusRefresh().refresh();
    expect(await loadView()).toMatchObject({ paired: false, lastError: disconnectedSentence });
  });
});

describe('periodic check', () => {
  it('creates the 5-minute alarm once, and on each ring re-syncs and refreshes the status', async () => {
    const cookies = createFakeCookies({ auth_token: 'A1', ct0: 'C1' });
    const push = createCookiePush({
      cookies,
      retry: createPushRetry({ alarms: fakeBrowser.alarms }),
    });
    const deps = { alarms: fakeBrowser.alarms, push, statusRefresh: createStatusRefresh() };
    registerPeriodicCheck(deps);
    await new Promise((r) => setTimeout(r, 10));
    const alarm = await fakeBrowser.alarms.get(periodicAlarmName);
    expect(alarm).toMatchObject({ periodInMinutes: 5 });

    registerPeriodicCheck(deps); // a second worker start keeps the schedule
    await new Promise((r) => setTimeout(r, 10));
    expect((await fakeBrowser.alarms.get(periodicAlarmName))?.scheduledTime).toBe(
      alarm?.scheduledTime,
    );

    await fakeBrowser.alarms.onAlarm.trigger(alarm!);
    expect(server.cookiePushes()).toEqual(['PUT']); // the pair had never been pushed
    await fakeBrowser.alarms.onAlarm.trigger(alarm!);
    expect(server.cookiePushes()).toEqual(['PUT']);
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/x/status' });
  });
});
