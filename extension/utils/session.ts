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
  const [serverUrl, deviceToken] = await Promise.all([
    serverUrlItem.getValue(),
    deviceTokenItem.getValue(),
  ]);
  return serverUrl && deviceToken ? { serverUrl, deviceToken } : null;
}

/** Drops what was learnt under a pairing (fingerprint, retry, status); `lastError` is what the popup says next. */
const forgetLearnt = (lastError: string | null) => [
  ackedFingerprintItem.setValue(null),
  pendingPushItem.setValue(null),
  lastStatusItem.setValue(null),
  serverReachableItem.setValue(true),
  lastErrorItem.setValue(lastError),
];

/** Store a fresh pairing; everything learnt under the previous one is dropped. */
export async function savePairing(session: Session): Promise<void> {
  await Promise.all([
    serverUrlItem.setValue(session.serverUrl),
    deviceTokenItem.setValue(session.deviceToken),
    ...forgetLearnt(null),
  ]);
}

export const disconnectedSentence =
  'This browser was disconnected from Perch. Pair it again from Settings → Connected accounts on your Perch server.';

/**
 * Forget the device token. `notice` is what the popup says next (why we are unpaired); null for a plain Unpair.
 * The server URL is kept so the manual pairing form can offer it again.
 */
export async function forgetPairing(notice: string | null): Promise<void> {
  await Promise.all([deviceTokenItem.setValue(null), ...forgetLearnt(notice)]);
}
