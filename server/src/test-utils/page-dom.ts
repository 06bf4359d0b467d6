/**
 * For the client scripts' DOM tests (happy-dom): put a server-rendered page into the document, fake the API behind
 * fetch, and stand in for the browser's navigation (location.assign would try to load the page).
 */
import { vi } from 'vitest';

type Page = string | Promise<string> | { toString(): string } | Promise<{ toString(): string }>;

/** Lookup of hashed names for pages rendered in tests: the names themselves do not matter there. */
export const testAssetUrl = (name: string) => `/assets/${name}`;

/** Replaces the document's body with the page's; its head (stylesheet, script) is left out, so nothing loads. */
export async function showPage(page: Page): Promise<void> {
  const html = String(await page);
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html;
}

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
}

/** An answer with a status other than 200, or a problem+json one. */
export const answer = (status: number, body: unknown = null) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

type Route = (body: unknown, call: ApiCall) => unknown;

/** Fakes fetch with `routes` ('POST /api/v1/x/check' → the JSON body to answer, or a Response); records every call. */
export function fakeApi(routes: Record<string, Route>) {
  const calls: ApiCall[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const call = {
      method: init.method ?? 'GET',
      path: String(input),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    if (!route)
      return answer(404, {
        title: 'Not found',
        detail: `The fake API has no ${call.method} ${call.path}`,
      });
    const result = await route(call.body, call);
    return result instanceof Response ? result : answer(200, result);
  });
  return {
    calls,
    routes,
    sent: (method: string, path: string) =>
      calls.filter((c) => c.method === method && c.path === path),
  };
}

/** Stands in for window.location (and history) so a script's navigation can be seen instead of happening. */
export function fakeLocation(pathname = '/', search = '') {
  const location = {
    origin: 'http://perch.test',
    pathname,
    search,
    assign: vi.fn(),
    replace: vi.fn(),
    reload: vi.fn(),
  };
  vi.stubGlobal('location', location);
  vi.stubGlobal('history', { replaceState: vi.fn() });
  return location;
}
