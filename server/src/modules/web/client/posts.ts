/**
 * /posts: every post with where it is (draft, scheduled for a time in the reader's zone, uploading with progress,
 * publishing, published with a link to each part on x.com, needs attention with the reason and Retry or Edit),
 * refreshed while something is on its way; followers over time and each published post's impressions as charts.
 */
import type { AccountMetricsView, PostList, PostMetricsView, PostView } from '@perch/shared';
import { api } from './api.ts';
import { startHeader } from './header.ts';
import { drawLineChart, followersSeries, impressionsSeries } from './post-charts.ts';
import { $, $button, busy, closestTo, failure, plural, say } from './ui.ts';
import { formatDate } from './time.ts';

const pageSize = 20;
/** How often the list is read again while a post is on its way to X. */
export const refreshMs = 3000;

/** The post's time (`iso`) as the reader reads it, with their zone's name. */
export function inReaderZone(iso: string, timeZone?: string): string {
  // dateStyle cannot be combined with timeZoneName, so the fields are named one by one.
  const format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
  return format.format(new Date(iso));
}

/** Uploading: how far the post's media are, 0–100 over all its parts (the server's figure when it has one). */
export function uploadProgress(post: PostView): number {
  if (post.uploadProgress !== null && post.uploadProgress !== undefined) return post.uploadProgress;
  const media = post.parts.flatMap((p) => p.media);
  if (!media.length) return 0;
  return Math.round(
    media.reduce((sum, m) => sum + (m.state === 'ready' ? 100 : m.progress), 0) / media.length,
  );
}

/** True while the post may change by itself soon: the list is then read again. */
export function inFlight(post: PostView, now = Date.now()): boolean {
  if (post.status === 'uploading' || post.status === 'publishing') return true;
  return (
    post.status === 'scheduled' &&
    !!post.scheduledAt &&
    Date.parse(post.scheduledAt) - now < 5 * 60_000
  );
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const statusWords: Record<PostView['status'], { label: string; tone: string }> = {
  draft: { label: 'Draft', tone: 'idle' },
  scheduled: { label: 'Scheduled', tone: 'info' },
  uploading: { label: 'Uploading', tone: 'info' },
  publishing: { label: 'Publishing', tone: 'info' },
  published: { label: 'Published', tone: 'ok' },
  needs_attention: { label: 'Needs attention', tone: 'error' },
};

/** The sentence under a post's chip: when, how far, or what went wrong. */
export function statusSentence(post: PostView): string {
  switch (post.status) {
    case 'draft':
      return 'Not scheduled.';
    case 'scheduled':
      return post.scheduledAt
        ? `Goes out ${inReaderZone(post.scheduledAt)}.${post.waitingReason ? ` ${post.waitingReason}` : ''}`
        : 'Scheduled.';
    case 'uploading':
      return `Uploading the media to X: ${uploadProgress(post)}%.`;
    case 'publishing':
      return post.waitingReason ?? 'On its way to X.';
    case 'published':
      return post.publishedAt ? `Published ${formatDate(post.publishedAt)}.` : 'Published.';
    case 'needs_attention':
      return post.attention?.reason ?? 'Something went wrong.';
  }
}

function postItem(post: PostView): HTMLLIElement {
  const li = el('li', { class: 'post', id: `post-${post.id}`, 'data-status': post.status });
  const words = statusWords[post.status];
  const head = el('p', { class: 'post-head' });
  head.append(el('span', { class: 'chip', 'data-tone': words.tone }, words.label));
  if (post.parts.length > 1)
    head.append(el('span', { class: 'meta' }, ` Thread of ${post.parts.length}`));
  li.append(head);
  li.append(el('p', { class: 'post-text' }, post.parts[0]?.text || '(media only)'));
  li.append(el('p', { class: 'post-status sentence' }, statusSentence(post)));
  if (post.status === 'uploading') {
    const value = String(uploadProgress(post));
    li.append(el('progress', { max: '100', value, 'aria-label': 'Upload to X' }));
  }
  const links = post.parts.filter((p) => p.url);
  if (links.length) {
    const list = el('ul', { class: 'part-links' });
    for (const part of links) {
      const a = el(
        'a',
        { href: part.url!, target: '_blank', rel: 'noopener noreferrer' },
        links.length > 1 || post.parts.length > 1
          ? `Post ${part.position + 1} on x.com`
          : 'View on x.com',
      );
      const item = el('li');
      item.append(a);
      list.append(item);
    }
    li.append(list);
  }
  for (const part of post.parts)
    if (part.error)
      li.append(
        el(
          'p',
          { class: 'field-error' },
          post.parts.length > 1 ? `Post ${part.position + 1}: ${part.error}` : part.error,
        ),
      );
  const actions = el('p', { class: 'post-actions' });
  if (post.status === 'needs_attention' && post.attention?.retryable)
    actions.append(
      el('button', { type: 'button', class: 'small primary retry', 'data-id': post.id }, 'Retry'),
    );
  if (post.status === 'draft' || post.status === 'scheduled' || post.status === 'needs_attention')
    actions.append(
      el(
        'a',
        { class: 'button small edit', href: `/compose?draft=${encodeURIComponent(post.id)}` },
        'Edit',
      ),
    );
  if (post.status === 'draft' || post.status === 'scheduled')
    actions.append(
      el('button', { type: 'button', class: 'small danger delete', 'data-id': post.id }, 'Delete'),
    );
  if (actions.childElementCount) li.append(actions);
  if (post.status === 'published') {
    const chart = el('div', {
      class: 'chart post-chart',
      'data-id': post.id,
      role: 'img',
      'aria-label': 'Impressions over the first days',
    });
    li.append(el('p', { class: 'post-figures meta', 'data-id': post.id }), chart);
  }
  return li;
}

interface State {
  posts: PostView[];
  nextCursor: string | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Published posts whose metrics were drawn: each is read once per page load. */
  charted: Set<string>;
}

function render(state: State) {
  const list = $('post-list');
  list.replaceChildren(...state.posts.map(postItem));
  $('posts-empty').hidden = state.posts.length > 0;
  $('more-posts').hidden = !state.nextCursor;
  state.charted.clear();
  void drawPostCharts(state);
}

async function drawPostCharts(state: State) {
  for (const post of state.posts) {
    if (post.status !== 'published' || !post.publishedAt || state.charted.has(post.id)) continue;
    state.charted.add(post.id);
    try {
      const view = await api<PostMetricsView>(
        'GET',
        `/api/v1/posts/${encodeURIComponent(post.id)}/metrics`,
      );
      const figures = document.querySelector<HTMLElement>(`.post-figures[data-id="${post.id}"]`);
      const chart = document.querySelector<HTMLElement>(`.post-chart[data-id="${post.id}"]`);
      const last = [...view.snapshots].sort((a, b) => a.takenAt.localeCompare(b.takenAt)).at(-1);
      if (figures)
        figures.textContent = last
          ? [
              last.figures.impressions === null
                ? 'Impressions not shown by X'
                : plural(last.figures.impressions, 'impression', 'impressions'),
              plural(last.figures.likes, 'like', 'likes'),
              plural(last.figures.reposts, 'repost', 'reposts'),
              plural(last.figures.replies, 'reply', 'replies'),
            ].join(' · ')
          : view.nextAt
            ? `First figures from X ${formatDate(view.nextAt)}.`
            : '';
      if (chart && view.snapshots.length)
        drawLineChart(chart, impressionsSeries(view, post.publishedAt), {
          label: 'Impressions',
          time: false,
          xLabel: 'Hours after posting',
        });
    } catch {
      // The figures are extra: the list stands without them.
    }
  }
}

async function load(state: State, { more = false } = {}) {
  const params = new URLSearchParams({
    limit: String(more ? pageSize : Math.min(200, Math.max(pageSize, state.posts.length))),
  });
  if (more && state.nextCursor) params.set('cursor', state.nextCursor);
  const page = await api<PostList>('GET', `/api/v1/posts?${params}`);
  state.posts = more ? [...state.posts, ...page.posts] : page.posts;
  state.nextCursor = page.nextCursor;
  render(state);
  schedule(state);
}

function schedule(state: State) {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  if (!state.posts.some((p) => inFlight(p))) return;
  state.timer = setTimeout(() => {
    load(state).catch((error: unknown) => {
      say('page-message', `Perch could not refresh the list. ${failure(error)}`, {
        tone: 'error',
        source: 'poll',
      });
      schedule(state);
    });
  }, refreshMs);
}

async function drawFollowers() {
  try {
    const view = await api<AccountMetricsView>('GET', '/api/v1/x/account-metrics?days=90');
    if (view.days.length === 0) {
      $('followers-empty').hidden = false;
      return;
    }
    drawLineChart($('followers-chart'), followersSeries(view), { label: 'Followers', time: true });
  } catch {
    $('followers-empty').hidden = false;
  }
}

export async function start(): Promise<void> {
  startHeader();
  const state: State = { posts: [], nextCursor: null, timer: null, charted: new Set() };
  $('post-list').addEventListener('click', (event) => {
    const retry = closestTo<HTMLButtonElement>(event, 'button.retry');
    const remove = closestTo<HTMLButtonElement>(event, 'button.delete');
    if (retry)
      void busy(retry, 'Retrying…', async () => {
        try {
          await api('POST', `/api/v1/posts/${encodeURIComponent(retry.dataset.id!)}/retry`);
          await load(state);
        } catch (error) {
          say('page-message', `Perch could not retry the post. ${failure(error)}`, {
            tone: 'error',
          });
        }
      });
    if (remove) {
      if (!confirm('Delete this post? It has not gone out to X.')) return;
      void busy(remove, 'Deleting…', async () => {
        try {
          await api('DELETE', `/api/v1/posts/${encodeURIComponent(remove.dataset.id!)}`);
          await load(state);
        } catch (error) {
          say('page-message', `Perch could not delete the post. ${failure(error)}`, {
            tone: 'error',
          });
        }
      });
    }
  });
  $('more-posts').addEventListener('click', () => {
    void busy($button('more-posts'), 'Loading…', () =>
      load(state, { more: true }).catch((error: unknown) =>
        say('page-message', `Perch could not load older posts. ${failure(error)}`, {
          tone: 'error',
        }),
      ),
    );
  });
  await Promise.all([
    load(state).catch((error: unknown) =>
      say('page-message', `Perch could not load your posts. ${failure(error)}`, { tone: 'error' }),
    ),
    drawFollowers(),
  ]);
}
