/**
 * The composition root: builds the features with the real browser APIs and wires them. No logic lives here.
 * Everything is registered synchronously inside main(), so MV3 delivers the event that woke the worker.
 * (A folder entrypoint, so its wiring test can sit beside it without WXT taking the test for a second background.)
 */
import { defineBackground } from '#imports';
import { browser } from 'wxt/browser';
import { registerBadge } from '../../features/badge';
import { createCookiePush, registerCookiePush } from '../../features/cookie-push';
import { createPairing, describeDevice, registerExternalPairing } from '../../features/pairing';
import { registerPopupApi } from '../../features/popup-api';
import { createPushRetry, registerPushRetry } from '../../features/push-retry';
import { createStatusRefresh, registerPeriodicCheck } from '../../features/status-refresh';

export default defineBackground(() => {
  const { alarms, cookies, runtime, tabs, action } = browser;
  const fetchFn: typeof fetch = (input, init) => fetch(input, init);

  const retry = createPushRetry({ alarms });
  const push = createCookiePush({ cookies, retry, fetch: fetchFn });
  const statusRefresh = createStatusRefresh({ fetch: fetchFn });
  const pairing = createPairing({
    cookies,
    tabs,
    push,
    fetch: fetchFn,
    allowedServers: runtime.getManifest().externally_connectable?.matches ?? [],
    deviceName: () => describeDevice(runtime),
  });

  registerCookiePush({ cookies, runtime, push });
  registerPushRetry({ alarms, push });
  registerPeriodicCheck({ alarms, push, statusRefresh });
  registerExternalPairing({ onMessageExternal: runtime.onMessageExternal, pairing });
  registerPopupApi({ onMessage: runtime.onMessage, pairing, push, statusRefresh });
  registerBadge({ action });
});
