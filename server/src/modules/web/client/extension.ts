/**
 * Talks to the Perch extension from a web page (runtime.onMessageExternal on its side).
 */
import type { ExternalMessage, MessageReply } from '@perch/shared';

/** The part of chrome.runtime a web page can use. */
export interface ExtensionRuntime {
  sendMessage(extensionId: string, message: unknown, callback: (reply: unknown) => void): void;
  lastError?: { message?: string };
}

export type ExtensionReply =
  | MessageReply
  | { ok: false; missing: true; chromeError?: string }
  | { ok: false; error: string; missing?: undefined };

/** Chrome exposes chrome.runtime only to pages an installed extension lists under externally_connectable. */
const pageRuntime = (): ExtensionRuntime | undefined =>
  (globalThis as { chrome?: { runtime?: ExtensionRuntime } }).chrome?.runtime;

/**
 * Sends `message` to the extension; resolves to its MessageReply, or to `{ ok: false, missing: true, chromeError? }`
 * when no extension answers, or `{ ok: false, error }` when it answers oddly or too late. Never rejects.
 */
export function sendToExtension(
  extensionId: string,
  message: ExternalMessage,
  runtime: ExtensionRuntime | undefined = pageRuntime(),
  timeoutMs = 30_000,
): Promise<ExtensionReply> {
  if (typeof runtime?.sendMessage !== 'function')
    return Promise.resolve({ ok: false, missing: true });
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, error: 'The extension did not answer in time.' }),
      timeoutMs,
    );
    try {
      runtime.sendMessage(extensionId, message, (reply) => {
        clearTimeout(timer);
        // Reading lastError also tells Chrome the failure was handled.
        const lastError = runtime.lastError;
        if (lastError) resolve({ ok: false, missing: true, chromeError: lastError.message });
        else if (!reply || typeof reply !== 'object')
          resolve({ ok: false, error: 'The extension sent an empty answer.' });
        else resolve(reply as MessageReply);
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({
        ok: false,
        missing: true,
        chromeError: error instanceof Error ? error.message : undefined,
      });
    }
  });
}

/** True when this page can message extensions at all. */
export function canMessageExtensions(
  runtime: ExtensionRuntime | undefined = pageRuntime(),
): boolean {
  return typeof runtime?.sendMessage === 'function';
}
