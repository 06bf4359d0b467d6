import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { runtimeQueryIds } from '@steipete/bird';
import { BirdClient } from './bird-client.ts';
import { createXFetch } from './x-fetch.ts';
import { builtInWebClient } from './x-web.ts';

const account = {
  authToken: 'bird-auth',
  ct0: 'bird-ct0',
  userId: '77',
  screenName: 'birdie',
  name: 'Birdie',
};
let fakeX: FakeX;

// Reaches the protected members the way bird itself calls them.
type Internals = {
  fetchWithTimeout(url: string, init: RequestInit): Promise<Response>;
  refreshQueryIds(): Promise<void>;
};

function createClient() {
  const xFetch = createXFetch({ xOrigin: fakeX.url, xApiOrigin: fakeX.url });
  const bird = new BirdClient({
    pair: account,
    fetch: xFetch,
    timeoutMs: 200,
    webClient: builtInWebClient,
    budget: null,
  });
  return { bird, internals: bird as unknown as Internals, xFetch };
}

beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(account);
});
afterAll(() => fakeX.close());

describe('BirdClient', () => {
  it('runs bird lookups against the configured origin', async () => {
    const { bird } = createClient();
    expect(await bird.getCurrentUser()).toEqual({
      success: true,
      user: { id: '77', username: 'birdie', name: 'Birdie' },
    });
    expect(await bird.lookUpUserByScreenName('BIRDIE')).toMatchObject({
      success: true,
      userId: '77',
      username: 'birdie',
    });
  });

  it('refuses a request to a host that is not X', async () => {
    fakeX.reset();
    const { internals, xFetch } = createClient();
    await expect(
      internals.fetchWithTimeout('https://example.com/', { method: 'GET' }),
    ).rejects.toThrow('fetch failed');
    expect(xFetch.exchanges).toMatchObject([{ failure: 'refused' }]);
    expect(fakeX.requests).toHaveLength(0);
  });

  it('never refreshes query ids, even outside tests where bird would scrape x.com', async () => {
    // bird's refresh uses a fetch captured when it was imported, so watch the refresh itself.
    const refresh = vi.spyOn(runtimeQueryIds, 'refresh').mockResolvedValue(null);
    vi.stubEnv('NODE_ENV', 'production');
    try {
      await createClient().internals.refreshQueryIds();
      expect(refresh).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
      refresh.mockRestore();
    }
  });

  it('fails fast after the first timeout', async () => {
    fakeX.reset();
    fakeX.setMode('slow', { delayMs: 5000 });
    const { internals, xFetch } = createClient();
    const url = 'https://x.com/i/api/account/settings.json';
    await expect(internals.fetchWithTimeout(url, {})).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await expect(internals.fetchWithTimeout(url, {})).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(xFetch.exchanges).toHaveLength(1);
    fakeX.reset();
  });
});
