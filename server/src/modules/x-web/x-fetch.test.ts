import { describe, expect, it } from 'vitest';
import { createXFetch, rewriteXUrl } from './x-fetch.ts';

const origins = { xOrigin: 'http://127.0.0.1:4010', xApiOrigin: 'http://127.0.0.1:4020/' };

function recordingFetch(answer: (url: string) => Response | Promise<Response>) {
  const urls: string[] = [];
  const fetch = async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : input.toString();
    urls.push(url);
    return answer(url);
  };
  return { fetch: fetch as typeof globalThis.fetch, urls };
}

describe('rewriteXUrl', () => {
  it('sends the web hosts to xOrigin and the API hosts to xApiOrigin, keeping path and query', () => {
    for (const host of ['x.com', 'www.x.com', 'twitter.com', 'www.twitter.com']) {
      expect(rewriteXUrl(new URL(`https://${host}/i/api/a.json?b=1`), origins)?.href).toBe(
        'http://127.0.0.1:4010/i/api/a.json?b=1',
      );
    }
    for (const host of ['api.x.com', 'api.twitter.com']) {
      expect(
        rewriteXUrl(new URL(`https://${host}/1.1/users/show.json?screen_name=a`), origins)?.href,
      ).toBe('http://127.0.0.1:4020/1.1/users/show.json?screen_name=a');
    }
  });

  it('sends X’s image host (profile avatars) and its web client’s bundle host to xOrigin', () => {
    expect(
      rewriteXUrl(new URL('https://pbs.twimg.com/profile_images/42/a_normal.jpg'), origins)?.href,
    ).toBe('http://127.0.0.1:4010/profile_images/42/a_normal.jpg');
    expect(
      rewriteXUrl(new URL('https://abs.twimg.com/responsive-web/client-web/main.1a2b.js'), origins)
        ?.href,
    ).toBe('http://127.0.0.1:4010/responsive-web/client-web/main.1a2b.js');
  });

  it('knows no other host, and no plain http', () => {
    for (const url of [
      'https://abs.twimg.com.evil.test/x.js',
      'https://x.com.evil.test/',
      'https://evilx.com/',
      'http://x.com/',
      'http://pbs.twimg.com/a.jpg',
      'https://pbs.twimg.com.evil.test/a.jpg',
      'https://video.twimg.com/a.mp4',
    ]) {
      expect(rewriteXUrl(new URL(url), origins)).toBeNull();
    }
  });
});

describe('createXFetch', () => {
  it('refuses a non-X host like a network failure, without calling fetch', async () => {
    const { fetch, urls } = recordingFetch(() => new Response('{}'));
    const xFetch = createXFetch({ ...origins, fetch });
    const refused = await xFetch('https://video.twimg.com/ext_tw_video/1/a.mp4').catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe('fetch failed');
    expect(urls).toEqual([]);
    expect(xFetch.exchanges).toMatchObject([{ failure: 'refused', status: null }]);
  });

  it('records status, X error codes and the rate-limit reset, and leaves the body readable', async () => {
    const body = JSON.stringify({ errors: [{ code: 88, message: 'Rate limit exceeded.' }] });
    const { fetch, urls } = recordingFetch(
      () => new Response(body, { status: 429, headers: { 'x-rate-limit-reset': '1900000000' } }),
    );
    const xFetch = createXFetch({ ...origins, fetch });
    const res = await xFetch('https://x.com/i/api/graphql/abc/UserByScreenName?variables=%7B%7D', {
      method: 'GET',
    });
    expect(await res.text()).toBe(body);
    expect(urls).toEqual([
      'http://127.0.0.1:4010/i/api/graphql/abc/UserByScreenName?variables=%7B%7D',
    ]);
    expect(xFetch.exchanges).toEqual([
      {
        method: 'GET',
        target: 'https://x.com/i/api/graphql/abc/UserByScreenName',
        operation: 'UserByScreenName',
        status: 429,
        errorCodes: [88],
        validationFailed: false,
        rateLimitReset: new Date(1_900_000_000_000),
        failure: null,
      },
    ]);
  });

  it('survives bodies that are not JSON, and reads codes from 200 answers that carry errors', async () => {
    const answers = [
      new Response('Rate limit exceeded\n', { status: 429 }),
      new Response('{"errors":[{"code":37}]}'),
    ];
    const { fetch } = recordingFetch(() => answers.shift()!);
    const xFetch = createXFetch({ ...origins, fetch });
    await xFetch('https://api.twitter.com/1.1/account/settings.json');
    await xFetch(new Request('https://x.com/i/api/graphql/q/UserTweets'));
    expect(xFetch.exchanges.map((e) => [e.status, e.errorCodes, e.operation])).toEqual([
      [429, [], null],
      [200, [37], 'UserTweets'],
    ]);
  });

  it('does not read image bodies (the caller caps their size)', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      { pull: (c) => void (pulled++ < 100 ? c.enqueue(new Uint8Array(64 * 1024)) : c.close()) },
      { highWaterMark: 0 },
    );
    const { fetch } = recordingFetch(
      () => new Response(body, { headers: { 'content-type': 'image/png' } }),
    );
    const xFetch = createXFetch({ ...origins, fetch });
    const res = await xFetch('https://pbs.twimg.com/profile_images/1/a.png');
    expect(pulled).toBeLessThanOrEqual(1);
    expect(res.bodyUsed).toBe(false);
    expect(xFetch.exchanges).toMatchObject([
      {
        target: 'https://pbs.twimg.com/profile_images/1/a.png',
        status: 200,
        errorCodes: [],
        failure: null,
      },
    ]);
    await res.body!.cancel();
  });

  it('tells a timeout from a network failure', async () => {
    const failing = (error: Error) =>
      (async () => {
        throw error;
      }) as unknown as typeof globalThis.fetch;
    const timeout = createXFetch({
      ...origins,
      fetch: failing(new DOMException('timed out', 'TimeoutError')),
    });
    await expect(timeout('https://x.com/i/api/account/settings.json')).rejects.toThrow('timed out');
    expect(timeout.exchanges[0]?.failure).toBe('timeout');

    const network = createXFetch({ ...origins, fetch: failing(new TypeError('fetch failed')) });
    await expect(network('https://x.com/i/api/account/settings.json')).rejects.toThrow(
      'fetch failed',
    );
    expect(network.exchanges[0]?.failure).toBe('network');
  });
});
