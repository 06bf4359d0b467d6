import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { deviceToken, startFakePerch, type FakePerch } from '../test-utils/fake-perch-server';
import { createFakeCookies, createFakeMessageEvent, type FakeCookies } from '../test-utils/fakes';
import { notUnderstood } from '../utils/messaging';
import { serverPatterns } from '../utils/server-patterns';
import { deviceTokenItem, serverUrlItem } from '../utils/storage';
import { createCookiePush, registerCookiePush } from './cookie-push';
import { createPairing, describeDevice, registerExternalPairing } from './pairing';
import { createPushRetry } from './push-retry';

let server: FakePerch;
let cookies: FakeCookies;

function setup() {
  const push = createCookiePush({
    cookies,
    retry: createPushRetry({ alarms: fakeBrowser.alarms }),
  });
  registerCookiePush({ cookies, runtime: fakeBrowser.runtime, push });
  const pairing = createPairing({
    cookies,
    tabs: fakeBrowser.tabs,
    push,
    allowedServers: serverPatterns(),
    deviceName: async () => 'Chrome on Linux',
  });
  const external = createFakeMessageEvent();
  registerExternalPairing({ onMessageExternal: external, pairing });
  return { push, pairing, external };
}

// fakeBrowser starts with one blank tab.
const openTabs = async () => (await fakeBrowser.tabs.query({})).map((t) => t.url).filter(Boolean);

beforeEach(async () => {
  fakeBrowser.reset();
  server = await startFakePerch();
  cookies = createFakeCookies({ auth_token: 'A1', ct0: 'C1' });
});
afterEach(() => server.close());

describe('perch.pair from the settings page', () => {
  it('redeems the code, stores the token and pushes at once', async () => {
    const { external } = setup();
    const reply = await external.send(
      { type: 'perch.pair', serverUrl: server.url, code: 'abcd-2345' },
      { origin: server.url },
    );
    expect(reply).toMatchObject({
      ok: true,
      view: { paired: true, serverUrl: server.url, status: { state: 'connected', handle: 'jack' } },
    });
    expect(server.requests[0]).toMatchObject({
      path: '/api/v1/devices',
      body: { code: 'ABCD2345', deviceName: 'Chrome on Linux' },
    });
    expect(server.cookiePushes()).toEqual(['PUT']);
    expect(await deviceTokenItem.getValue()).toBe(deviceToken);
    expect(await openTabs()).toEqual([]);
  });

  it('refuses a page whose origin is not the server it names', async () => {
    const { external } = setup();
    const reply = await external.send(
      { type: 'perch.pair', serverUrl: server.url, code: 'ABCD-2345' },
      { origin: 'http://localhost:9999' },
    );
    expect(reply).toEqual({
      ok: false,
      error: 'Pairing was refused: the page asking is not the Perch server it names.',
    });
    expect(server.requests).toEqual([]);
    expect(await deviceTokenItem.getValue()).toBeNull();
  });

  it('refuses a server this build was not made for', async () => {
    const { pairing } = setup();
    const reply = await pairing.pair({ serverUrl: 'https://perch.example.org', code: 'ABCD-2345' });
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/PERCH_SERVER_ORIGINS=https:\/\/perch.example.org/);
  });

  it("passes the server's sentence on for a bad code", async () => {
    const { pairing } = setup();
    const reply = await pairing.pair({ serverUrl: server.url, code: 'WXYZ-2345' });
    expect(reply).toMatchObject({
      ok: false,
      error: 'That pairing code is not valid or was already used.',
      view: { paired: false },
    });
    expect((await pairing.pair({ serverUrl: server.url, code: 'ABC' })).error).toBe(
      'A pairing code has 8 characters, like ABCD-2345.',
    );
  });

  it('with no X cookies: opens x.com/login, pushes sign-out, then pushes as soon as cookies appear', async () => {
    cookies = createFakeCookies({});
    const { external, push } = setup();
    await push.request(); // start-up sync: not paired yet
    const reply = await external.send(
      { type: 'perch.pair', serverUrl: server.url, code: 'ABCD2345' },
      { origin: server.url },
    );
    expect(reply).toMatchObject({ ok: true, view: { status: { state: 'signed_out' } } });
    expect(await openTabs()).toEqual(['https://x.com/login']);
    expect(server.cookiePushes()).toEqual(['DELETE']);

    cookies.set('auth_token', 'A1');
    cookies.set('ct0', 'C1');
    expect(await push.request()).toBe('pushed');
    expect(server.cookiePushes()).toEqual(['DELETE', 'PUT']);
  });

  it('answers perch.ping with the view, and refuses malformed messages', async () => {
    const { external } = setup();
    expect(await external.send({ type: 'perch.ping' }, { origin: server.url })).toMatchObject({
      ok: true,
      view: { paired: false },
    });
    expect(await external.send({ type: 'perch.pair', serverUrl: 'nope', code: 1 })).toEqual({
      ok: false,
      error: notUnderstood,
    });
    expect(await external.send('hello')).toEqual({ ok: false, error: notUnderstood });
  });
});

describe('unpair', () => {
  it('forgets the token but remembers the server for the form', async () => {
    const { pairing } = setup();
    await pairing.pair({ serverUrl: server.url, code: 'ABCD2345' });
    const reply = await pairing.unpair();
    expect(reply).toMatchObject({
      ok: true,
      view: { paired: false, serverUrl: server.url, lastError: null },
    });
    expect(await deviceTokenItem.getValue()).toBeNull();
    expect(await serverUrlItem.getValue()).toBe(server.url);
  });
});

it('describes the device by platform', async () => {
  expect(await describeDevice({ getPlatformInfo: async () => ({ os: 'mac' }) })).toBe(
    'Chrome on macOS',
  );
});
