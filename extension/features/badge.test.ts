import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ConnectionState, ExtensionView } from '@perch/shared';
import { ConnectionStatus } from '@perch/shared';
import { savePairing } from '../utils/session';
import { lastStatusItem, serverReachableItem } from '../utils/storage';
import { badgeColor, badgeFor, registerBadge } from './badge';

const paired = (state: ConnectionState | null, serverReachable = true): ExtensionView => ({
  paired: true,
  serverUrl: 'http://127.0.0.1:8787',
  serverReachable,
  status: state ? ConnectionStatus.parse({ state, handle: 'jack' }) : null,
  lastError: null,
  pendingRetryAt: null,
});

describe('badgeFor', () => {
  it.each([
    ['connected', ''],
    ['verifying', ''],
    ['x_unavailable', ''],
    ['rate_limited', ''],
    ['expired', '!'],
    ['signed_out', '!'],
    ['not_connected', '!'],
  ] as const)('%s → %j', (state, text) => {
    expect(badgeFor(paired(state))).toBe(text);
  });

  it('asks for attention when unpaired or the server is unreachable', () => {
    expect(badgeFor({ ...paired(null), paired: false, serverUrl: null })).toBe('!');
    expect(badgeFor(paired('connected', false))).toBe('!');
  });

  it('stays quiet while the first status is on its way', () => {
    expect(badgeFor(paired(null))).toBe('');
  });
});

describe('registerBadge', () => {
  beforeEach(() => fakeBrowser.reset());

  it('follows the stored state', async () => {
    const badge = registerBadge({ action: fakeBrowser.action });
    await badge.update();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!'); // not paired
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([217, 48, 37, 255]);
    expect(badgeColor).toBe('#d93025');

    await savePairing({ serverUrl: 'http://127.0.0.1:8787', deviceToken: 't' });
    await lastStatusItem.setValue(ConnectionStatus.parse({ state: 'connected', handle: 'jack' }));
    await badge.update(); // the watchers queued renders; wait for the queue
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');

    await serverReachableItem.setValue(false);
    await badge.update();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!');
  });
});
