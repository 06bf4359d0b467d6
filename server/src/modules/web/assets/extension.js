/**
 * Talks to the Perch extension from a web page (runtime.onMessageExternal on its side).
 */

/**
 * Sends `message` to the extension; resolves to its MessageReply, or to `{ ok: false, missing: true, chromeError? }`
 * when no extension answers, or `{ ok: false, error }` when it answers oddly or too late. Never rejects.
 */
export function sendToExtension(extensionId, message, runtime = globalThis.chrome?.runtime, timeoutMs = 30_000) {
  if (typeof runtime?.sendMessage !== 'function') return Promise.resolve({ ok: false, missing: true });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: 'The extension did not answer in time.' }), timeoutMs);
    try {
      runtime.sendMessage(extensionId, message, (reply) => {
        clearTimeout(timer);
        // Reading lastError also tells Chrome the failure was handled.
        const lastError = runtime.lastError;
        if (lastError) resolve({ ok: false, missing: true, chromeError: lastError.message });
        else if (!reply || typeof reply !== 'object') resolve({ ok: false, error: 'The extension sent an empty answer.' });
        else resolve(reply);
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({ ok: false, missing: true, chromeError: error instanceof Error ? error.message : undefined });
    }
  });
}

/** True when this page can message extensions at all (Chrome exposes chrome.runtime only to matching pages). */
export function canMessageExtensions(runtime = globalThis.chrome?.runtime) {
  return typeof runtime?.sendMessage === 'function';
}
