// @vitest-environment happy-dom
/**
 * The compose page's script on the server's own markup, with the API (and XMLHttpRequest, for uploads) faked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaView, PostView, PublishingStatus } from '@perch/shared';
import {
  answer,
  fakeApi,
  fakeLocation,
  showPage,
  testAssetUrl,
} from '../../../test-utils/page-dom.ts';
import { composePage, type ComposeStart } from '../web.pages.ts';
import {
  browserTimeZone,
  errorSlotFor,
  instantToZoned,
  movePart,
  start,
  zonedToInstant,
} from './compose.ts';

const publishing = (more: Partial<PublishingStatus> = {}): PublishingStatus => ({
  credential: 'oauth2',
  grant: { connected: true, readDms: false, publish: true, uploadMedia: true },
  appCredentials: {
    present: false,
    source: null,
    handle: null,
    verifiedAt: null,
    hasBearerToken: false,
  },
  canPublish: true,
  canUploadMedia: true,
  maxWeightedLength: 280,
  problem: null,
  ...more,
});
const budget = {
  window: { limit: 100, remaining: 97, resetAt: '2026-12-04T19:15:00.000Z' },
  day: { limit: 10000, remaining: 9990, resetAt: null },
  blocked: null,
};
const created = { id: '5b1f7c3e-8a2d-4f6b-9c1e-2d3a4b5c6d7e' } as PostView;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const text = (id: string) => $(id).textContent;
const type = (id: string, value: string) => {
  const el = $<HTMLTextAreaElement>(id);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
};
const slot = (path: string) => document.querySelector<HTMLElement>(`[data-path="${path}"]`)!;

let location: ReturnType<typeof fakeLocation>;
async function open(start_: ComposeStart = {}) {
  location = fakeLocation('/compose');
  await showPage(composePage(testAssetUrl, { email: 'owner@example.com', start: start_ }));
}
function composeApi(status = publishing(), more = {}) {
  return fakeApi({
    'GET /api/v1/x/publishing': () => status,
    'GET /api/v1/posts/budget': () => budget,
    'POST /api/v1/posts': () => answer(201, created),
    ...more,
  });
}
beforeEach(() => open());
afterEach(() => vi.unstubAllGlobals());

describe('the counter', () => {
  it('counts X’s weighted length as the user types, and turns red with a refusal past the limit', async () => {
    composeApi();
    await start();
    expect(text('part-0-count')).toBe('280 left');
    type('part-0-text', 'Hello https://example.com/a/very/long/path/that/x/counts/as/23');
    expect(text('part-0-count')).toBe(`${280 - 6 - 23} left`); // a URL counts 23, whatever its length
    type('part-0-text', '日本語'); // CJK counts 2 each
    expect(text('part-0-count')).toBe('274 left');
    expect($('part-0-count').dataset.over).toBe('false');
    type('part-0-text', 'a'.repeat(285));
    expect(text('part-0-count')).toBe('5 over the limit of 280');
    expect($('part-0-count').dataset.over).toBe('true');
    expect(slot('parts.0.text').hidden).toBe(false);
    expect(slot('parts.0.text').textContent).toBe(
      'This part is too long: 285 characters as X counts them, and X takes at most 280.',
    );
  });

  it('takes the limit from the publishing status (long posts)', async () => {
    composeApi(publishing({ maxWeightedLength: 25_000 }));
    await start();
    type('part-0-text', 'a'.repeat(285));
    expect(text('part-0-count')).toBe(`${25_000 - 285} left`);
    expect(slot('parts.0.text').hidden).toBe(true);
  });
});

describe('threads', () => {
  it('adds parts and moves them up and down with buttons that keep the focus', async () => {
    composeApi();
    await start();
    type('part-0-text', 'first');
    $('add-part').click();
    expect(document.activeElement?.id).toBe('part-1-text');
    type('part-1-text', 'second');
    $('add-part').click();
    type('part-2-text', 'third');
    const texts = () =>
      [...document.querySelectorAll<HTMLTextAreaElement>('.part-text')].map((t) => t.value);
    expect(texts()).toEqual(['first', 'second', 'third']);
    expect(text('part-0-heading')).toBe('Post 1 of 3');
    expect($<HTMLButtonElement>('part-0-up').disabled).toBe(true);
    expect($<HTMLButtonElement>('part-2-down').disabled).toBe(true);

    $('part-0-down').click();
    expect(texts()).toEqual(['second', 'first', 'third']);
    expect(document.activeElement?.id).toBe('part-1-down'); // the moved part's button, in its new place
    $('part-2-up').click();
    expect(texts()).toEqual(['second', 'third', 'first']);
    document.querySelector<HTMLButtonElement>('[aria-label="Remove post 1"]')!.click();
    expect(texts()).toEqual(['third', 'first']);
    expect(movePart(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('sends the thread with its poll, and goes to the posts page', async () => {
    const api = composeApi();
    await start();
    type('part-0-text', 'one');
    $('add-part').click();
    type('part-1-text', 'which?');
    $('part-1-add-poll').click();
    type('part-1-poll-0', 'Yes');
    type('part-1-poll-1', 'No');
    const hours = $<HTMLInputElement>('part-1-poll-hours');
    hours.value = '2';
    hours.dispatchEvent(new Event('input'));
    $('publish').click();
    await vi.waitFor(() =>
      expect(location.assign).toHaveBeenCalledWith(`/posts#post-${created.id}`),
    );
    expect(api.sent('POST', '/api/v1/posts')[0]!.body).toEqual({
      action: 'publish_now',
      parts: [
        { text: 'one', mediaIds: [], poll: null },
        {
          text: 'which?',
          mediaIds: [],
          poll: { options: ['Yes', 'No'], durationMinutes: 1440 + 120 },
        },
      ],
      replyTo: null,
      quoteOf: null,
      scheduledAt: null,
      timeZone: browserTimeZone(),
    });
  });
});

describe('refusals', () => {
  it('puts the server’s refusals next to the part and field they name, and the rest under the form', async () => {
    const api = composeApi(publishing(), {
      'POST /api/v1/posts': () =>
        answer(400, {
          title: 'The request is not valid',
          errors: [
            { path: 'parts.1.text', message: 'X refuses this text.' },
            { path: 'parts.0.poll.options.1', message: 'A choice has 1 to 25 characters.' },
            { path: 'replyTo', message: 'That is not a link to a post.' },
            { path: 'somewhere.else', message: 'Something else.' },
          ],
        }),
    });
    await start();
    type('part-0-text', 'a');
    $('part-0-add-poll').click();
    type('part-0-poll-0', 'x');
    type('part-0-poll-1', 'y');
    $('add-part').click();
    type('part-1-text', 'b');
    $('publish').click();
    await vi.waitFor(() => expect(slot('parts.1.text').hidden).toBe(false));
    expect(api.sent('POST', '/api/v1/posts')).toHaveLength(1);
    expect(slot('parts.1.text').textContent).toBe('X refuses this text.');
    expect(slot('parts.0.poll.options.1').textContent).toBe('A choice has 1 to 25 characters.');
    expect(text('reply-to-error')).toBe('That is not a link to a post.');
    expect(text('form-error')).toBe('Something else.');
    expect(slot('parts.0.text').hidden).toBe(true);
    // A change clears the server's word (it was about the old draft).
    type('part-1-text', 'c');
    expect(slot('parts.1.text').hidden).toBe(true);
  });

  it('refuses before sending: an empty part, a poll with media, a schedule in the past', async () => {
    const api = composeApi();
    await start();
    $('add-part').click();
    type('part-0-text', 'first');
    expect(slot('parts.1.text').hidden).toBe(true); // not written yet is not a refusal while typing
    $('publish').click();
    expect(slot('parts.1.text').textContent).toBe(
      'This part is empty: write something or add media.',
    );
    type('part-1-text', 'second');
    $<HTMLInputElement>('when-schedule').click();
    $<HTMLInputElement>('when-schedule').dispatchEvent(new Event('change'));
    expect($('schedule-fields').hidden).toBe(false);
    expect(text('publish')).toBe('Schedule');
    const at = $<HTMLInputElement>('schedule-at');
    at.value = '2020-01-01T10:00';
    at.dispatchEvent(new Event('input'));
    $('publish').click();
    expect(text('scheduled-at-error')).toBe(
      'This time has already passed: pick a later one, or publish now.',
    );
    expect(api.sent('POST', '/api/v1/posts')).toHaveLength(0);
    expect(errorSlotFor('parts.1.poll.options.3')?.dataset.path).toBe('parts.1.poll');
  });

  it('disables publishing with the status’s sentence and a link to Settings', async () => {
    composeApi(
      publishing({ canPublish: false, problem: 'Connect X with permission to post first.' }),
    );
    await start();
    expect($('publishing-problem').hidden).toBe(false);
    expect(text('publishing-problem-text')).toBe('Connect X with permission to post first.');
    expect($('publishing-problem').querySelector('a')!.getAttribute('href')).toBe('/settings');
    expect($<HTMLButtonElement>('publish').disabled).toBe(true);
    expect(text('budget')).toMatch(/^97 of 100 posts left in X's 15-minute window/);
  });
});

describe('scheduling in the user’s time zone', () => {
  it('turns a wall-clock time into the instant it names, across daylight-saving changes', () => {
    expect(zonedToInstant('2026-07-01T09:30', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z');
    expect(zonedToInstant('2026-01-15T09:30', 'Europe/Berlin')).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedToInstant('2026-03-08T03:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedToInstant('2026-12-04T20:00', 'Asia/Kolkata')).toBe('2026-12-04T14:30:00.000Z');
    expect(zonedToInstant('2026-12-04T20:00', 'UTC')).toBe('2026-12-04T20:00:00.000Z');
    expect(zonedToInstant('', 'UTC')).toBeNull();
    expect(instantToZoned('2026-07-01T07:30:00.000Z', 'Europe/Berlin')).toBe('2026-07-01T09:30');
    expect(instantToZoned('2026-12-04T14:30:00.000Z', 'Asia/Kolkata')).toBe('2026-12-04T20:00');
  });

  it('sends the instant and the zone, shows the zone, and edits a draft in the zone it was scheduled in', async () => {
    const api = composeApi();
    await start();
    expect(text('time-zone')).toContain(browserTimeZone());
    type('part-0-text', 'later');
    $<HTMLInputElement>('when-schedule').click();
    $<HTMLInputElement>('when-schedule').dispatchEvent(new Event('change'));
    const at = $<HTMLInputElement>('schedule-at');
    at.value = '2099-06-01T12:00';
    at.dispatchEvent(new Event('input'));
    $('publish').click();
    await vi.waitFor(() => expect(api.sent('POST', '/api/v1/posts')).toHaveLength(1));
    const body = api.sent('POST', '/api/v1/posts')[0]!.body as Record<string, unknown>;
    expect(body.action).toBe('schedule');
    expect(body.scheduledAt).toBe(zonedToInstant('2099-06-01T12:00', browserTimeZone()));
    expect(body.timeZone).toBe(browserTimeZone());

    const id = created.id;
    await open({ draft: id });
    const edit = composeApi(publishing(), {
      [`GET /api/v1/posts/${id}`]: () => ({
        id,
        status: 'scheduled',
        parts: [
          {
            position: 0,
            text: 'saved',
            media: [],
            poll: null,
            xPostId: null,
            url: null,
            state: 'pending',
            error: null,
          },
        ],
        replyTo: '1850000000000000001',
        quoteOf: null,
        scheduledAt: '2099-06-01T10:00:00.000Z',
        timeZone: 'Asia/Tokyo',
      }),
      [`PUT /api/v1/posts/${id}`]: () => created,
    });
    await start();
    expect($<HTMLTextAreaElement>('part-0-text').value).toBe('saved');
    expect($<HTMLInputElement>('reply-to').value).toBe('1850000000000000001');
    expect($<HTMLInputElement>('schedule-at').value).toBe('2099-06-01T19:00');
    expect(text('time-zone')).toContain('Asia/Tokyo');
    $('publish').click();
    await vi.waitFor(() => expect(edit.sent('PUT', `/api/v1/posts/${id}`)).toHaveLength(1));
    expect(edit.sent('PUT', `/api/v1/posts/${id}`)[0]!.body).toMatchObject({
      scheduledAt: '2099-06-01T10:00:00.000Z',
      timeZone: 'Asia/Tokyo',
    });
  });
});

/** Stands in for XMLHttpRequest: the test says how far the upload is and when it answers. */
class FakeXhr {
  static last: FakeXhr | null = null;
  static all: FakeXhr[] = [];
  headers: Record<string, string> = {};
  url = '';
  sent: unknown = null;
  status = 0;
  responseText = '';
  private listeners: Record<string, (() => void)[]> = {};
  private uploadListeners: Record<string, ((e: ProgressEvent) => void)[]> = {};
  upload = {
    addEventListener: (name: string, f: (e: ProgressEvent) => void) =>
      (this.uploadListeners[name] ??= []).push(f),
  };
  constructor() {
    FakeXhr.last = this;
    FakeXhr.all.push(this);
  }
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  addEventListener(name: string, f: () => void) {
    (this.listeners[name] ??= []).push(f);
  }
  send(body: unknown) {
    this.sent = body;
  }
  progress(loaded: number, total: number) {
    for (const f of this.uploadListeners.progress ?? [])
      f({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    for (const f of this.listeners.load ?? []) f();
  }
}

describe('media', () => {
  const dropFiles = (files: File[]) => {
    const input = $<HTMLInputElement>('part-0-files');
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    input.dispatchEvent(new Event('change'));
  };
  const media = (more: Partial<MediaView> = {}): MediaView => ({
    id: '0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9d',
    kind: 'image',
    mimeType: 'image/png',
    fileName: 'cat.png',
    bytes: 4,
    altText: '',
    state: 'stored',
    progress: 0,
    error: null,
    ...more,
  });

  it('uploads a file at once with a progress bar, then offers alt text and sends the media id', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const api = composeApi(publishing(), {
      'PATCH /api/v1/media/0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9d': (body: unknown) =>
        media(body as Partial<MediaView>),
    });
    await start();
    const file = new File([new Uint8Array(4)], 'cat picture.png', { type: 'image/png' });
    dropFiles([file]);
    const xhr = FakeXhr.last!;
    expect(xhr.url).toBe('/api/v1/media');
    expect(xhr.headers['content-type']).toBe('image/png');
    expect(xhr.headers['x-perch-file-name']).toBe('cat%20picture.png');
    expect(xhr.sent).toBe(file);
    const bar = () => document.querySelector('.media-item progress');
    expect(bar()!.getAttribute('value')).toBe('0');
    xhr.progress(1, 4);
    expect(bar()!.getAttribute('value')).toBe('25');
    expect(document.querySelector('.upload-percent')!.textContent).toBe('25%');
    // Publishing waits for the upload.
    type('part-0-text', 'look');
    $('publish').click();
    expect(slot('parts.0.mediaIds').textContent).toBe('Wait until the uploads are done.');
    xhr.progress(4, 4);
    xhr.answer(201, media());
    await vi.waitFor(() => expect(bar()).toBeNull());
    const alt = document.querySelector<HTMLTextAreaElement>('.alt-text')!;
    alt.value = 'A cat on a chair';
    alt.dispatchEvent(new Event('change'));
    await vi.waitFor(() =>
      expect(api.sent('PATCH', '/api/v1/media/0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9d')).toHaveLength(
        1,
      ),
    );
    expect(
      api.sent('PATCH', '/api/v1/media/0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9d')[0]!.body,
    ).toEqual({ altText: 'A cat on a chair' });
    $('publish').click();
    await vi.waitFor(() => expect(api.sent('POST', '/api/v1/posts')).toHaveLength(1));
    expect(api.sent('POST', '/api/v1/posts')[0]!.body).toMatchObject({
      parts: [{ text: 'look', mediaIds: ['0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9d'] }],
    });
  });

  it('refuses a file X would not take without uploading it, and shows a failed upload’s reason', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    FakeXhr.last = null;
    composeApi();
    await start();
    dropFiles([new File(['x'], 'notes.txt', { type: 'text/plain' })]);
    expect(FakeXhr.last).toBeNull();
    expect(document.querySelector('.media-item .field-error')!.textContent).toMatch(
      /^X does not take text\/plain files/,
    );
    dropFiles([new File(['x'], 'a.png', { type: 'image/png' })]);
    FakeXhr.last!.answer(413, { title: 'Too large', detail: 'The file is larger than X takes' });
    await vi.waitFor(() =>
      expect(document.querySelectorAll('.media-item .field-error')[1]!.textContent).toBe(
        'a.png did not upload. The file is larger than X takes.',
      ),
    );
  });

  it('refuses five images, and a poll with media, at the part, with the shared rules', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    FakeXhr.all = [];
    const api = composeApi();
    await start();
    type('part-0-text', 'pictures');
    const files = [1, 2, 3, 4, 5].map(
      (n) => new File([new Uint8Array(4)], `p${n}.png`, { type: 'image/png' }),
    );
    dropFiles(files);
    expect(FakeXhr.all).toHaveLength(5);
    FakeXhr.all.forEach((xhr, n) =>
      xhr.answer(
        201,
        media({ id: `0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c9${n}`, fileName: `p${n + 1}.png` }),
      ),
    );
    await vi.waitFor(() => expect(document.querySelectorAll('.alt-text')).toHaveLength(5));
    expect(slot('parts.0.mediaIds').textContent).toBe(
      'X takes at most 4 images in a post; this part has 5: move some to another part.',
    );
    $('part-0-add-poll').click();
    type('part-0-poll-0', 'a');
    type('part-0-poll-1', 'b');
    expect(slot('parts.0.poll').textContent).toBe(
      'X does not take a poll and media in one post: remove one of them.',
    );
    $('publish').click();
    expect(api.sent('POST', '/api/v1/posts')).toHaveLength(0);
    document.querySelector<HTMLButtonElement>('[aria-label="Remove p5.png"]')!.click();
    expect(slot('parts.0.mediaIds').hidden).toBe(true);
    expect(api.sent('DELETE', '/api/v1/media/0d3f5b7e-1111-4a2b-8c3d-4e5f6a7b8c94')).toHaveLength(
      1,
    );
  });
});
