/**
 * The wiring, end to end inside the fake browser: main() with fakeBrowser plus the two APIs it lacks
 * (cookies, onMessageExternal), against a real HTTP server.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { deviceToken, startFakePerch, type FakePerch } from '../../test-utils/fake-perch-server';
import { createFakeCookies, createFakeMessageEvent } from '../../test-utils/fakes';
import { sendPopupMessage } from '../../utils/messaging';
import background from './index';

let server: FakePerch;
beforeEach(async () => {
  fakeBrowser.reset();
  server = await startFakePerch();
});
afterEach(() => server.close());

it('pairs from the settings page, pushes, follows cookie changes and serves the popup', async () => {
  const cookies = createFakeCookies({ auth_token: 'A1', ct0: 'C1' });
  const external = createFakeMessageEvent();
  Object.assign(fakeBrowser, { cookies });
  Object.assign(fakeBrowser.runtime, {
    onMessageExternal: external,
    getManifest: () => ({ externally_connectable: { matches: ['http://127.0.0.1/*'] } }),
    getPlatformInfo: async () => ({ os: 'linux' }),
  });

  background.main();
  const reply = await external.send(
    { type: 'perch.pair', serverUrl: server.url, code: 'ABCD-2345' },
    { origin: server.url },
  );
  expect(reply).toMatchObject({ ok: true, view: { paired: true, status: { state: 'connected' } } });
  expect(server.requests[0]?.body).toEqual({ code: 'ABCD2345', deviceName: 'Chrome on Linux' });
  expect(server.cookiePushes()).toEqual(['PUT']);

  cookies.set('auth_token', 'A2');
  await expect.poll(() => server.cookiePushes()).toEqual(['PUT', 'PUT']);
  expect(server.requests.at(-1)).toMatchObject({
    authorization: `Bearer ${deviceToken}`,
    body: { authToken: 'A2', ct0: 'C1' },
  });

  const view = await sendPopupMessage(fakeBrowser.runtime, { type: 'popup.getView' });
  expect(view).toMatchObject({
    ok: true,
    view: { paired: true, serverReachable: true, status: { state: 'connected', handle: 'jack' } },
  });
  await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe('');

  expect(await sendPopupMessage(fakeBrowser.runtime, { type: 'popup.unpair' })).toMatchObject({
    view: { paired: false },
  });
  await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe('!');
});
