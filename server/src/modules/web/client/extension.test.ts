import { describe, expect, it } from 'vitest';
import { canMessageExtensions, sendToExtension, type ExtensionRuntime } from './extension.ts';

const pair = { type: 'perch.pair', serverUrl: 'http://127.0.0.1:8787', code: 'ABCD-2345' } as const;

describe('sendToExtension', () => {
  it('reports a missing extension when the page has no chrome.runtime', async () => {
    expect(canMessageExtensions(undefined)).toBe(false);
    expect(await sendToExtension('id', pair, undefined)).toEqual({ ok: false, missing: true });
  });

  it('sends to the given extension id and passes the reply through', async () => {
    const sent: unknown[] = [];
    const runtime: ExtensionRuntime = {
      sendMessage: (id, message, cb) => (sent.push([id, message]), cb({ ok: true })),
    };
    expect(canMessageExtensions(runtime)).toBe(true);
    expect(await sendToExtension('ghmm', pair, runtime)).toEqual({ ok: true });
    expect(sent).toEqual([['ghmm', pair]]);
  });

  it("turns chrome.runtime.lastError into a missing extension, keeping Chrome's words", async () => {
    const runtime: ExtensionRuntime = {
      sendMessage(_id, _message, cb) {
        runtime.lastError = {
          message: 'Could not establish connection. Receiving end does not exist.',
        };
        cb(undefined);
      },
    };
    expect(await sendToExtension('id', pair, runtime)).toEqual({
      ok: false,
      missing: true,
      chromeError: 'Could not establish connection. Receiving end does not exist.',
    });
  });

  it('passes on an extension that refuses, and gives up on one that never answers', async () => {
    const refusing: ExtensionRuntime = {
      sendMessage: (_i, _m, cb) => cb({ ok: false, error: 'The code has expired.' }),
    };
    expect(await sendToExtension('id', pair, refusing)).toEqual({
      ok: false,
      error: 'The code has expired.',
    });
    const silent: ExtensionRuntime = { sendMessage: () => {} };
    expect(await sendToExtension('id', pair, silent, 20)).toEqual({
      ok: false,
      error: 'The extension did not answer in time.',
    });
  });
});
