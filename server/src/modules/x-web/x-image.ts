/**
 * Downloading an image X serves (a profile's avatar on pbs.twimg.com) through the x-fetch: without
 * cookies (X's image host needs none), within the request timeout, up to a size cap, and only when
 * X says it is an image. Perch serves these bytes from its own origin, so it keeps only what X
 * labelled as a picture.
 */
import type { XFetch } from './x-fetch.ts';
import type { XResult } from './x-types.ts';

export interface XImage {
  contentType: string;
  bytes: Buffer;
}

/** X's avatars are a few KiB ("_normal") to a few hundred ("_400x400"); anything past this is not one. */
export const maxImageBytes = 2 * 1024 * 1024;

const down = (detail: string) =>
  ({ ok: false, kind: 'unavailable', reason: 'x_down', detail }) as const;

export async function fetchXImage(
  url: string,
  {
    xFetch,
    timeoutMs,
    maxBytes = maxImageBytes,
  }: { xFetch: XFetch; timeoutMs: number; maxBytes?: number },
): Promise<XResult<XImage>> {
  let response: Response;
  // Avatars live on pbs.twimg.com; anything else (X's shared default avatar on abs.twimg.com, say) is not this
  // account's picture, so there is nothing to keep and nothing to ask for.
  if (!URL.canParse(url) || new URL(url).hostname !== 'pbs.twimg.com')
    return { ok: false, kind: 'not_found' };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await xFetch(url, { signal, redirect: 'error' });
  } catch {
    const failure = xFetch.exchanges.at(-1)?.failure;
    // e.g. X's shared default avatar on abs.twimg.com: not this account's picture, and not a host Perch calls
    if (failure === 'refused') return { ok: false, kind: 'not_found' };
    return down(
      failure === 'timeout'
        ? `X did not send the image within ${timeoutMs / 1000} s`
        : 'X could not be reached',
    );
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { ok: false, kind: 'not_found' };
  }
  const contentType = (response.headers.get('content-type') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!response.ok || !/^image\/[a-z0-9.+-]+$/.test(contentType)) {
    await response.body?.cancel();
    return down(
      response.ok ? 'X sent something that is not an image' : `X answered ${response.status}`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return down('the image is larger than Perch keeps');
  }
  // Counted while reading: a missing or wrong content-length must not let a huge body into memory.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
      size += read.value.byteLength;
      if (size > maxBytes) {
        await reader!.cancel();
        return down('the image is larger than Perch keeps');
      }
      chunks.push(read.value);
    }
  } catch {
    return down(
      signal.aborted
        ? `X did not send the image within ${timeoutMs / 1000} s`
        : 'the image download broke off',
    );
  }
  return { ok: true, value: { contentType, bytes: Buffer.concat(chunks) } };
}
