import type { ExtensionView } from '@perch/shared';
import {
  deviceTokenItem,
  lastErrorItem,
  lastStatusItem,
  pendingPushItem,
  serverReachableItem,
  serverUrlItem,
} from './storage';

/** Everything the popup renders, read from storage (the worker may have been restarted since it was written). */
export async function loadView(): Promise<ExtensionView> {
  const [serverUrl, deviceToken, status, serverReachable, lastError, pending] = await Promise.all([
    serverUrlItem.getValue(),
    deviceTokenItem.getValue(),
    lastStatusItem.getValue(),
    serverReachableItem.getValue(),
    lastErrorItem.getValue(),
    pendingPushItem.getValue(),
  ]);
  const paired = Boolean(serverUrl && deviceToken);
  return {
    paired,
    serverUrl,
    serverReachable: paired ? serverReachable : true,
    status: paired ? status : null,
    lastError,
    pendingRetryAt: paired ? (pending?.retryAt ?? null) : null,
  };
}
