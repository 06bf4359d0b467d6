// The real bird 0.8.0 (Perch's X client, a dependency of the server package) pointed at a fake X,
// for tests that show what the fake does to it. bird hard-codes https://x.com, api.twitter.com and
// abs.twimg.com; every request of theirs is sent to the fake instead, nothing else is changed.
import { TwitterClient } from '../../server/node_modules/@steipete/bird/dist/index.js';
import { createRuntimeQueryIdStore } from '../../server/node_modules/@steipete/bird/dist/lib/runtime-query-ids.js';
import { QUERY_IDS } from '../../server/node_modules/@steipete/bird/dist/lib/twitter-client-constants.js';
import type { FakeX } from './types.ts';

const xHosts = new Set([
  'x.com',
  'www.x.com',
  'api.x.com',
  'twitter.com',
  'api.twitter.com',
  'abs.twimg.com',
]);

/** The same URL on the fake's origin when it is one of X's hosts. */
export function toFake(fakeX: FakeX, url: string): string {
  const target = new URL(url);
  if (!xHosts.has(target.hostname))
    throw new Error(`bird asked for a host that is not X's: ${target.host}`);
  const origin = new URL(fakeX.url);
  target.protocol = origin.protocol;
  target.host = origin.host;
  return target.href;
}

/** A fetch that sends X's hosts to the fake, for bird's runtime query-id discovery. */
export const fetchVia = (fakeX: FakeX) => (url: string | URL | Request, init?: RequestInit) =>
  fetch(toFake(fakeX, url instanceof Request ? url.url : String(url)), init);

/** bird's TwitterClient with these cookies, talking to the fake. */
export function birdClient(
  fakeX: FakeX,
  cookies: { authToken: string; ct0: string },
): TwitterClient {
  class BirdAgainstFakeX extends TwitterClient {
    protected override fetchWithTimeout(url: string, init: RequestInit): Promise<Response> {
      return fetch(toFake(fakeX, url), init);
    }
    // bird also reads ~/.config/bird/query-ids-cache.json; a developer's cache must not change the test.
    protected override async getQueryId(operationName: keyof typeof QUERY_IDS): Promise<string> {
      return QUERY_IDS[operationName];
    }
  }
  return new BirdAgainstFakeX({ cookies: { ...cookies, cookieHeader: null, source: null } });
}

/** bird's own discovery (runtime-query-ids.js refresh): x.com pages → bundles → query ids. */
export async function discoverWithBird(fakeX: FakeX, cachePath: string, operations: string[]) {
  const store = createRuntimeQueryIdStore({
    fetchImpl: fetchVia(fakeX) as typeof fetch,
    cachePath,
  });
  const info = await store.refresh(operations, { force: true });
  return info?.snapshot ?? null;
}
