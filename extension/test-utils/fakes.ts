/** Stand-ins for the browser APIs fakeBrowser lacks: cookies.* and runtime.onMessageExternal. */
import type { MessageReply } from '@perch/shared';
import type { MessageEvent, MessageSender } from '../utils/messaging';
import type { CookieChange, CookiesApi } from '../utils/x-cookies';

export function createFakeCookies(initial: Record<string, string> = {}) {
  const jar = new Map(Object.entries(initial));
  const listeners: Array<(change: CookieChange) => void> = [];
  const emit = (change: CookieChange) => listeners.forEach((l) => l(change));

  const api: CookiesApi & {
    set(name: string, value: string, domain?: string): void;
    remove(name: string): void;
    listenerCount(): number;
  } = {
    async get({ url, name }) {
      if (url !== 'https://x.com') return null;
      const value = jar.get(name);
      return value === undefined ? null : { value };
    },
    onChanged: { addListener: (listener) => void listeners.push(listener) },
    /** Like Chrome: an overwrite first reports the old cookie removed, then the new one. */
    set(name, value, domain = '.x.com') {
      if (domain === '.x.com') {
        if (jar.has(name)) emit({ removed: true, cause: 'overwrite', cookie: { name, domain } });
        jar.set(name, value);
      }
      emit({ removed: false, cause: 'explicit', cookie: { name, domain } });
    },
    remove(name) {
      jar.delete(name);
      emit({ removed: true, cause: 'explicit', cookie: { name, domain: '.x.com' } });
    },
    listenerCount: () => listeners.length,
  };
  return api;
}

export type FakeCookies = ReturnType<typeof createFakeCookies>;

/** A chrome.runtime.onMessage(External) stand-in: `send` delivers a message and resolves with the reply. */
export function createFakeMessageEvent() {
  type Listener = Parameters<MessageEvent['addListener']>[0];
  const listeners: Listener[] = [];
  return {
    addListener: (listener: Listener) => void listeners.push(listener),
    send: (message: unknown, sender: MessageSender = {}) =>
      new Promise<MessageReply>((resolve) => {
        for (const listener of listeners) listener(message, sender, resolve);
      }),
  };
}
