/** The pairing as stored: which server, with which device token. */
import {
  ackedFingerprintItem,
  deviceTokenItem,
  lastErrorItem,
  lastStatusItem,
  pendingPushItem,
  serverReachableItem,
  serverUrlItem,
} from './storage';

export interface Session {
  serverUrl: string;
  deviceToken: string;
}

export async function loadSession(): Promise<Session | null> {
  const [serverUrl, deviceToken] = await Promise.all([serverUrlItem.getValue(), deviceTokenItem.getValue()]);
  return serverUrl && deviceToken ? { serverUrl, deviceToken } : null;
}

/** Store a fresh pairing; everything learnt under the previous one (fingerprint, retry, status) is dropped. */
export async function savePairing(session: Session): Promise<void> {
  await Promise.all([
    serverUrlItem.setValue(session.serverUrl),
    deviceTokenItem.setValue(session.deviceToken),
    ackedFingerprintItem.setValue(null),
    pendingPushItem.setValue(null),
    lastStatusItem.setValue(null),
    serverReachableItem.setValue(true),
    lastErrorItem.setValue(null),
  ]);
}

export const disconnectedSentence =
  'This browser was disconnected from Perch. Pair it again from Settings → Connected accounts on your Perch server.';

/**
 * Forget the device token. `notice` is what the popup says next (why we are unpaired); null for a plain Unpair.
 * The server URL is kept so the manual pairing form can offer it again.
 */
export async function forgetPairing(notice: string | null): Promise<void> {
  await Promise.all([
    deviceTokenItem.setValue(null),
    ackedFingerprintItem.setValue(null),
    pendingPushItem.setValue(null),
    lastStatusItem.setValue(null),
    serverReachableItem.setValue(true),
    lastErrorItem.setValue(notice),
  ]);
}
