/**
 * Pairing with a Perch server: the settings page sends 'perch.pair' {serverUrl, code} (or the popup's manual form
 * does); we redeem the code for a device token and push the cookies at once.
 */
import { RedeemPairingCode, type MessageReply } from '@perch/shared';
import { createApiClient } from '../utils/api-client';
import { registerExternalHandlers, type MessageEvent } from '../utils/messaging';
import { originAllowed } from '../utils/server-patterns';
import { forgetPairing, savePairing } from '../utils/session';
import { loadView } from '../utils/view';
import { readXCookies, xLoginUrl, type CookiesApi } from '../utils/x-cookies';
import type { CookiePush } from './cookie-push';

export interface PairingDeps {
  cookies: Pick<CookiesApi, 'get'>;
  tabs: { create(properties: { url: string }): Promise<unknown> };
  push: Pick<CookiePush, 'syncNow'>;
  fetch?: typeof fetch;
  /** Server match patterns this build was made for (manifest externally_connectable.matches). */
  allowedServers: readonly string[];
  deviceName?: () => Promise<string>;
}

export type Pairing = ReturnType<typeof createPairing>;

export function createPairing({
  cookies,
  tabs,
  push,
  fetch: fetchFn,
  allowedServers,
  deviceName,
}: PairingDeps) {
  async function pair({
    serverUrl,
    code,
  }: {
    serverUrl: string;
    code: string;
  }): Promise<MessageReply> {
    let origin: string;
    try {
      origin = new URL(serverUrl).origin;
    } catch {
      return {
        ok: false,
        error:
          'That is not a server URL. Use the address of your Perch server, like http://127.0.0.1:8787.',
      };
    }
    if (!originAllowed(origin, allowedServers)) {
      return {
        ok: false,
        error: `This build of the extension may not talk to ${origin}. Rebuild it with PERCH_SERVER_ORIGINS=${origin}.`,
      };
    }
    const request = RedeemPairingCode.safeParse({
      code,
      deviceName: await deviceName?.().catch(() => undefined),
    });
    if (!request.success)
      return {
        ok: false,
        error: request.error.issues[0]?.message ?? 'That pairing code is not valid.',
      };
    let deviceToken: string;
    try {
      ({ deviceToken } = await createApiClient({
        serverUrl: origin,
        fetch: fetchFn,
      }).redeemPairingCode(request.data));
    } catch (error) {
      return {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        view: await loadView(),
      };
    }
    await savePairing({ serverUrl: origin, deviceToken });
    // Not signed in to X: tell the server (sign-out push below) and help the user sign in; the cookie change
    // listener pushes the new pair the moment X sets it.
    if ((await readXCookies(cookies)).kind === 'signed_out') {
      await tabs.create({ url: xLoginUrl }).catch(() => undefined);
    }
    await push.syncNow({ force: true });
    return { ok: true, view: await loadView() };
  }

  async function unpair(): Promise<MessageReply> {
    // There is no self-revoke endpoint: the device stays listed on the settings page until it is removed there.
    await forgetPairing(null);
    return { ok: true, view: await loadView() };
  }

  return { pair, unpair };
}

/** Messages from Perch's web pages (externally_connectable limits who can send them at all). */
export function registerExternalPairing({
  onMessageExternal,
  pairing,
}: {
  onMessageExternal: MessageEvent;
  pairing: Pairing;
}): void {
  registerExternalHandlers(onMessageExternal, {
    'perch.ping': async () => ({ ok: true, view: await loadView() }),
    'perch.pair': async (message, sender) => {
      // A page may only pair us with its own server, so a page on one allowed host cannot redirect us to another.
      if (!sender.origin || sender.origin !== new URL(message.serverUrl).origin) {
        return {
          ok: false,
          error: 'Pairing was refused: the page asking is not the Perch server it names.',
        };
      }
      return pairing.pair(message);
    },
  });
}

/** 'Chrome on Linux': how the device shows on the settings page. */
export async function describeDevice(runtime: {
  getPlatformInfo(): Promise<{ os: string }>;
}): Promise<string> {
  const names: Record<string, string> = {
    mac: 'macOS',
    win: 'Windows',
    linux: 'Linux',
    cros: 'ChromeOS',
    android: 'Android',
  };
  const { os } = await runtime.getPlatformInfo();
  return `Chrome on ${names[os] ?? os}`;
}
