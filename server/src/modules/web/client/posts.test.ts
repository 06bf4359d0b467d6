// @vitest-environment happy-dom
/**
 * The posts page's script on the server's own markup, with the API faked and uPlot standing in (happy-dom has no
 * canvas): what each status says, Retry, the refresh while a post is on its way, and the data the charts get.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PostMetricsView, PostView } from '@perch/shared';
import { fakeApi, fakeLocation, showPage, testAssetUrl } from '../../../test-utils/page-dom.ts';
import { postsPage } from '../web.pages.ts';

const charts = vi.hoisted(
  () => [] as { data: unknown; el: HTMLElement; series: { label?: string }[] }[],
);
vi.mock('uplot', () => ({
  default: class {
    constructor(opts: { series: { label?: string }[] }, data: unknown, el: HTMLElement) {
      charts.push({ data, el, series: opts.series });
    }
    destroy() {}
  },
}));
const { followersSeries, impressionsSeries, xRange } = await import('./post-charts.ts');
const { inFlight, refreshMs, start, statusSentence } = await import('./posts.ts');

const base = {
  replyTo: null,
  quoteOf: null,
  scheduledAt: null,
  timeZone: 'UTC',
  publishedAt: null,
  attention: null,
  waitingUntil: null,
  waitingReason: null,
  uploadProgress: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};
const part = (position: number, more: Partial<PostView['parts'][number]> = {}) => ({
  position,
  text: `part ${position + 1}`,
  media: [],
  poll: null,
  xPostId: null,
  url: null,
  state: 'pending' as const,
  error: null,
  ...more,
});
const published: PostView = {
  ...base,
  id: '00000000-0000-4000-8000-000000000001',
  status: 'published',
  publishedAt: '2026-12-01T10:00:00.000Z',
  parts: [0, 1].map((i) =>
    part(i, { state: 'published', xPostId: `18${i}`, url: `https://x.com/me/status/18${i}` }),
  ),
};
const stuck: PostView = {
  ...base,
  id: '00000000-0000-4000-8000-000000000002',
  status: 'needs_attention',
  attention: {
    reason: 'X did not answer; Perch checked and the post is not there.',
    retryable: true,
  },
  parts: [part(0)],
};
const publishing: PostView = {
  ...base,
  id: '00000000-0000-4000-8000-000000000003',
  status: 'publishing',
  parts: [part(0)],
};
const metrics: PostMetricsView = {
  postId: published.id,
  xPostId: '180',
  nextAt: '2026-12-08T10:00:00.000Z',
  parts: [],
  snapshots: [
    {
      mark: '24h',
      takenAt: '2026-12-02T10:00:00.000Z',
      source: 'organic',
      figures: {
        impressions: 900,
        likes: 9,
        reposts: 2,
        replies: 1,
        quotes: 0,
        bookmarks: 0,
        urlClicks: 3,
        profileClicks: 1,
      },
    },
    {
      mark: '1h',
      takenAt: '2026-12-01T11:00:00.000Z',
      source: 'organic',
      figures: {
        impressions: 100,
        likes: 1,
        reposts: 0,
        replies: 0,
        quotes: 0,
        bookmarks: 0,
        urlClicks: 0,
        profileClicks: 0,
      },
    },
  ],
};
const accountMetrics = {
  days: [
    { day: '2026-12-02', followers: 12, following: 3, posts: 5 },
    { day: '2026-12-01', followers: 10, following: 3, posts: 4 },
  ],
};

beforeEach(async () => {
  charts.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  fakeLocation('/posts');
  await showPage(postsPage(testAssetUrl, { email: 'owner@example.com' }));
});
afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const item = (id: string) => document.getElementById(`post-${id}`)!;

describe('/posts', () => {
  it('lists each post with its status: links to each published part, the reason and Retry for one that needs attention', async () => {
    const api = fakeApi({
      'GET /api/v1/posts?limit=20': () => ({ posts: [published, stuck], nextCursor: null }),
      [`GET /api/v1/posts/${published.id}/metrics`]: () => metrics,
      'GET /api/v1/x/account-metrics?days=90': () => accountMetrics,
      [`POST /api/v1/posts/${stuck.id}/retry`]: () => ({ ...stuck, status: 'publishing' }),
    });
    await start();
    const links = [...item(published.id).querySelectorAll('.part-links a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Post 1 on x.com', 'https://x.com/me/status/180'],
      ['Post 2 on x.com', 'https://x.com/me/status/181'],
    ]);
    expect(item(stuck.id).querySelector('.chip')!.textContent).toBe('Needs attention');
    expect(item(stuck.id).querySelector('.post-status')!.textContent).toBe(stuck.attention!.reason);
    expect(item(stuck.id).querySelector('a.edit')!.getAttribute('href')).toBe(
      `/compose?draft=${stuck.id}`,
    );
    expect(item(published.id).querySelector('.retry')).toBeNull();

    api.routes['GET /api/v1/posts?limit=20'] = () => ({
      posts: [published, { ...stuck, status: 'publishing', attention: null }],
      nextCursor: null,
    });
    item(stuck.id).querySelector<HTMLButtonElement>('.retry')!.click();
    await vi.waitFor(() => expect(item(stuck.id).dataset.status).toBe('publishing'));
    expect(api.sent('POST', `/api/v1/posts/${stuck.id}/retry`)).toHaveLength(1);
  });

  it('reads the list again while a post is on its way, and stops once it is out', async () => {
    const api = fakeApi({
      'GET /api/v1/posts?limit=20': () => ({ posts: [publishing], nextCursor: null }),
      'GET /api/v1/x/account-metrics?days=90': () => ({ days: [] }),
    });
    await start();
    expect(item(publishing.id).querySelector('.post-status')!.textContent).toBe('On its way to X.');
    const out = {
      ...publishing,
      status: 'published' as const,
      parts: [part(0, { url: 'https://x.com/me/status/9' })],
    };
    api.routes['GET /api/v1/posts?limit=20'] = () => ({ posts: [out], nextCursor: null });
    api.routes[`GET /api/v1/posts/${publishing.id}/metrics`] = () => ({
      ...metrics,
      snapshots: [],
    });
    await vi.advanceTimersByTimeAsync(refreshMs);
    expect(item(publishing.id).querySelector('.part-links a')!.textContent).toBe('View on x.com');
    const reads = api.sent('GET', '/api/v1/posts?limit=20').length;
    await vi.advanceTimersByTimeAsync(refreshMs * 3);
    expect(api.sent('GET', '/api/v1/posts?limit=20')).toHaveLength(reads);
    expect(document.getElementById('followers-empty')!.hidden).toBe(false);
  });

  it('draws followers over time and each published post’s impressions by hours after posting (uPlot)', async () => {
    fakeApi({
      'GET /api/v1/posts?limit=20': () => ({ posts: [published], nextCursor: null }),
      [`GET /api/v1/posts/${published.id}/metrics`]: () => metrics,
      'GET /api/v1/x/account-metrics?days=90': () => accountMetrics,
    });
    await start();
    await vi.waitFor(() => expect(charts).toHaveLength(2));
    const followers = charts.find((c) => c.el.id === 'followers-chart')!;
    expect(followers.data).toEqual([
      [Date.parse('2026-12-01T00:00:00Z') / 1000, Date.parse('2026-12-02T00:00:00Z') / 1000],
      [10, 12],
    ]);
    const impressions = charts.find((c) => c.el.classList.contains('post-chart'))!;
    expect(impressions.data).toEqual([
      [1, 24],
      [100, 900],
    ]);
    expect(item(published.id).querySelector('.post-figures')!.textContent).toBe(
      '900 impressions · 9 likes · 2 reposts · 1 reply',
    );
    expect(followersSeries({ days: [] })).toEqual([[], []]);
    // One day of figures is a few days wide, not uPlot's years; hours start at 0 and show the first day at least.
    expect(xRange([86_400 * 10], true)).toEqual([86_400 * 7, 86_400 * 11]);
    expect(xRange([0, 86_400 * 30], true)).toEqual([0, 86_400 * 30]);
    expect(xRange([1, 24], false)).toEqual([0, 24]);
    expect(xRange([1, 24, 168], false)).toEqual([0, 168]);
    expect(impressionsSeries({ ...metrics, snapshots: [] }, published.publishedAt!)).toEqual([
      [],
      [],
    ]);
  });

  it('says when a scheduled post goes out (in the reader’s zone) and counts it in flight near its time', () => {
    const at = '2026-12-04T20:00:00.000Z';
    const scheduled: PostView = {
      ...base,
      id: publishing.id,
      status: 'scheduled',
      scheduledAt: at,
      parts: [part(0)],
    };
    expect(statusSentence(scheduled)).toMatch(/^Goes out .*2026.*\.$/);
    expect(inFlight(scheduled, Date.parse(at) - 60_000)).toBe(true);
    expect(inFlight(scheduled, Date.parse(at) - 3_600_000)).toBe(false);
    const uploading: PostView = {
      ...publishing,
      status: 'uploading',
      parts: [
        part(0, {
          media: [
            {
              id: published.id,
              kind: 'video',
              mimeType: 'video/mp4',
              fileName: 'v.mp4',
              bytes: 1,
              altText: '',
              state: 'uploading',
              progress: 40,
              error: null,
            },
            {
              id: stuck.id,
              kind: 'image',
              mimeType: 'image/png',
              fileName: 'a.png',
              bytes: 1,
              altText: '',
              state: 'ready',
              progress: 100,
              error: null,
            },
          ],
        }),
      ],
    };
    expect(statusSentence(uploading)).toBe('Uploading the media to X: 70%.');
  });
});
