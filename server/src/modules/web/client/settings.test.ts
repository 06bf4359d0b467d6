// @vitest-environment happy-dom
/**
 * The settings page's script on the server's own markup, with the API faked: the X row says what the extension's
 * popup says (describeConnection()), and its buttons call the API and show the answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  connectionStates,
  describeConnection,
  xDmCallbackSentences,
  type ConnectionState,
  type ConnectionStatus,
  type Device,
} from '@perch/shared';
import {
  answer,
  fakeApi,
  fakeLocation,
  showPage,
  testAssetUrl,
} from '../../../test-utils/page-dom.ts';
import { settingsPage } from '../web.pages.ts';
import { chipLabel, connectHelpReason, renderXRow, start } from './settings.ts';

const status = (
  state: ConnectionState,
  more: Partial<ConnectionStatus> = {},
): ConnectionStatus => ({
  state,
  handle: null,
  xUserId: null,
  checkedAt: null,
  updatedAt: null,
  retryAt: null,
  detail: null,
  ...more,
});
const device: Device = {
  id: 'd1',
  name: 'Chrome on Linux',
  createdAt: '2026-01-01T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};
const noDm = {
  configured: false,
  missing: ['X_CLIENT_ID'],
  callbackUrl: 'http://perch.test/api/v1/x-dm/callback',
  state: 'not_connected',
  handle: null,
  xUserId: null,
  connectedAt: null,
  accessExpiresAt: null,
  refreshIssuedAt: null,
  refreshLastUsedAt: null,
  lastSyncAt: null,
  lastSync: null,
};
const text = (id: string) => document.getElementById(id)!.textContent;
const button = (id: string) => document.getElementById(id) as HTMLButtonElement;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  fakeLocation('/settings');
  await showPage(settingsPage(testAssetUrl, { email: 'owner@example.com' }));
});
afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function settingsApi(x: ConnectionStatus, devices: Device[] = []) {
  return fakeApi({
    'GET /api/v1/x/status': () => x,
    'GET /api/v1/devices': () => ({ devices }),
    'GET /api/v1/x/sync': () => ({ progress: null }),
    'GET /api/v1/x-dm/status': () => noDm,
  });
}

describe('the X row', () => {
  it('says, for every state, exactly what the extension popup says (describeConnection)', () => {
    for (const state of connectionStates) {
      for (const s of [
        status(state),
        status(state, {
          handle: 'jack',
          detail: 'X answered 503',
          retryAt: '2026-01-01T10:15:00.000Z',
        }),
      ]) {
        const words = describeConnection(s);
        renderXRow(s);
        expect(text('x-state-title'), state).toBe(words.title);
        expect(text('x-state-sentence'), state).toBe(words.sentence);
        expect(document.getElementById('x-chip')!.dataset.tone).toBe(words.tone);
        expect(text('x-chip')).toBe(chipLabel(words));
        expect(document.getElementById('x-row')!.dataset.state).toBe(state);
      }
    }
  });

  it('offers the buttons that make sense for the state', () => {
    renderXRow(status('not_connected'));
    expect([
      button('check-x').disabled,
      button('disconnect-x').disabled,
      button('sync-x').hidden,
    ]).toEqual([true, true, true]);
    expect(text('connect-x')).toBe('Connect X');

    renderXRow(status('connected', { handle: 'jack', checkedAt: new Date().toISOString() }));
    expect([
      button('check-x').disabled,
      button('disconnect-x').disabled,
      button('sync-x').hidden,
    ]).toEqual([false, false, false]);
    expect(text('connect-x')).toBe('Reconnect X');
    expect(text('x-handle')).toBe('@jack');
    expect(text('x-checked-at')).toBe('Last checked just now');

    // describeConnection() tells an expired user to click Refresh, and a signed-out one to sign in to X
    renderXRow(status('expired'));
    expect(text('check-x')).toBe('Refresh');
    expect(document.getElementById('x-open')!.hidden).toBe(false);
    renderXRow(status('signed_out'));
    expect(text('x-open')).toBe('Sign in to X');
  });

  it('polls the status on start and fills in the row and the devices', async () => {
    settingsApi(status('connected', { handle: 'perch_me' }), [device]);
    start();
    await vi.waitFor(() => expect(text('x-state-title')).toBe('Connected as @perch_me'));
    await vi.waitFor(() => expect(document.querySelectorAll('#devices-body tr')).toHaveLength(1));
    expect(document.getElementById('devices-table')!.hidden).toBe(false);
    expect(document.querySelector('#devices-body time')!.getAttribute('datetime')).toBe(
      device.createdAt,
    );
  });

  it('Check now asks X, shows the new state and says what X answered', async () => {
    const api = settingsApi(status('connected', { handle: 'perch_me' }));
    api.routes['POST /api/v1/x/check'] = () => status('expired');
    start();
    await vi.waitFor(() => expect(button('check-x').disabled).toBe(false));
    button('check-x').click();
    await vi.waitFor(() =>
      expect(text('x-message')).toBe('Checked with X just now: X cookies expired.'),
    );
    expect(api.sent('POST', '/api/v1/x/check')).toHaveLength(1);
    expect(text('x-state-title')).toBe('X cookies expired');
    expect(text('check-x')).toBe('Refresh');
  });

  it('Disconnect says so, and a failed one says why in the server’s words', async () => {
    const api = settingsApi(status('connected', { handle: 'perch_me' }));
    api.routes['DELETE /api/v1/x/cookies'] = () =>
      answer(503, { title: 'Unavailable', detail: 'The database is busy' });
    start();
    await vi.waitFor(() => expect(button('disconnect-x').disabled).toBe(false));
    button('disconnect-x').click();
    await vi.waitFor(() =>
      expect(text('x-message')).toBe('Perch could not disconnect X. The database is busy.'),
    );
    expect(document.getElementById('x-message')!.dataset.tone).toBe('error');

    api.routes['DELETE /api/v1/x/cookies'] = () => status('not_connected');
    button('disconnect-x').click();
    await vi.waitFor(() =>
      expect(text('x-message')).toMatch(/^Disconnected: Perch deleted the X cookies it held\./),
    );
    expect(text('x-state-title')).toBe('Not connected');
  });

  it('Connect X without the extension shows how to install it, without spending a pairing code', async () => {
    const api = settingsApi(status('not_connected'));
    start();
    button('connect-x').click();
    await vi.waitFor(() => expect(document.getElementById('connect-help')!.hidden).toBe(false));
    expect(text('connect-help-reason')).toBe(connectHelpReason({ ok: false, missing: true }));
    expect(text('connect-help-origin')).toBe('http://perch.test');
    expect(api.sent('POST', '/api/v1/pairing-codes')).toEqual([]);
  });

  it('Pair by hand shows a code counting down on the server’s clock', async () => {
    const api = settingsApi(status('not_connected'));
    const serverNow = Date.now();
    api.routes['POST /api/v1/pairing-codes'] = () =>
      new Response(
        JSON.stringify({
          code: 'ABCD-2345',
          expiresAt: new Date(serverNow + 125_000).toISOString(),
        }),
        {
          status: 201,
          headers: { 'content-type': 'application/json', date: new Date(serverNow).toUTCString() },
        },
      );
    start();
    button('show-code').click();
    await vi.waitFor(() => expect(text('pairing-code')).toBe('ABCD-2345'));
    expect(document.getElementById('pairing')!.hidden).toBe(false);
    expect(text('pairing-expires')).toMatch(/^Expires in 2:0\d\.$/);
  });
});

describe('the devices table', () => {
  it('Revoke deletes the device and says so', async () => {
    const api = settingsApi(status('connected', { handle: 'perch_me' }), [device]);
    api.routes['DELETE /api/v1/devices/d1'] = () => answer(204);
    start();
    await vi.waitFor(() => expect(document.querySelector('button.revoke-device')).not.toBeNull());
    (document.querySelector('button.revoke-device') as HTMLButtonElement).click();
    await vi.waitFor(() =>
      expect(text('devices-message')).toBe(
        'Revoked “Chrome on Linux”. It can no longer send cookies to Perch.',
      ),
    );
    expect(api.sent('DELETE', '/api/v1/devices/d1')).toHaveLength(1);
  });
});

describe('connect help', () => {
  it('keeps Chrome’s words, and the extension’s reason for refusing', () => {
    expect(
      connectHelpReason({ ok: false, missing: true, chromeError: 'Receiving end does not exist' }),
    ).toMatch(/Chrome said: Receiving end does not exist\.$/);
    expect(connectHelpReason({ ok: false, error: 'The code has expired' })).toBe(
      'The extension answered but could not pair: The code has expired.',
    );
  });
});

describe('the X direct messages row', () => {
  const connectedDm = {
    ...noDm,
    configured: true,
    missing: [],
    state: 'connected',
    handle: 'perch_me',
    xUserId: '7',
    connectedAt: '2026-01-01T10:00:00.000Z',
    accessExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    refreshIssuedAt: '2026-01-01T10:00:00.000Z',
    refreshLastUsedAt: null,
  };

  it('shows a connected account and starts a sync', async () => {
    const api = settingsApi(status('connected', { handle: 'perch_me' }));
    api.routes['GET /api/v1/x-dm/status'] = () => connectedDm;
    api.routes['POST /api/v1/x-dm/sync'] = () => ({
      ...connectedDm,
      lastSync: { status: 'queued' },
    });
    start();
    await vi.waitFor(() => expect(text('x-dm-state-title')).toBe('Connected as @perch_me'));
    expect(text('x-dm-chip')).toBe('Working');
    expect(document.getElementById('x-dm-details')!.hidden).toBe(false);
    expect(text('x-dm-refresh')).toMatch(
      /^issued .*; not used yet\. X drops one left unused for about 6 months\.$/,
    );
    button('sync-x-dm').click();
    await vi.waitFor(() =>
      expect(text('x-dm-message')).toBe(
        'Syncing your direct messages; the result shows under Last DM sync.',
      ),
    );
    expect(text('x-dm-last-sync')).toBe('Queued…');
  });

  it('says what went wrong when X sent the user back with an error, then drops it from the address', async () => {
    fakeLocation('/settings', '?x_dm_error=authorization_denied');
    settingsApi(status('not_connected'));
    start();
    expect(text('x-dm-message')).toBe(xDmCallbackSentences.authorization_denied);
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/settings');
  });
});
