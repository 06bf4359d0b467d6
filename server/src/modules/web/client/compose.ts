/**
 * /compose: a post or a thread (parts added, removed and moved up or down), each part with text (a live weighted
 * counter), media (dropped or picked, uploaded at once with a progress bar, alt text) or a poll; a reply or a quote;
 * post now, schedule (in the browser's time zone) or save a draft; ?draft=<id> edits a saved post.
 *
 * The page runs @perch/shared/post-rules, the validator the server runs again: a refusal is shown next to the part
 * or field it concerns (`.field-error[data-path]`), the page's and the server's (problem+json `errors[].path`) alike.
 */
import type {
  MediaKind,
  MediaView,
  PostDraftInput,
  PostView,
  PostingBudget,
  PublishingStatus,
} from '@perch/shared';
import {
  mediaFileProblem,
  mediaKindOf,
  mediaTypes,
  postIssues,
  standardMaxWeightedLength,
  weightedLength,
  type PostIssue,
} from '@perch/shared/post-rules';
import { ApiError, api, problemSentence } from './api.ts';
import { startHeader } from './header.ts';
import { formatDate } from './time.ts';
import { $, $button, failure, say } from './ui.ts';

// ---- time zones ----

/** The browser's own time zone (what the user means by the time they type). */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** How far ahead of UTC `timeZone` is at `instant`, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time ('2026-03-29T02:30', as a datetime-local gives it) names in `timeZone`, as ISO.
 * Twice round: the first guess may sit on the other side of a daylight-saving change than the answer.
 */
export function zonedToInstant(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const wall = Date.UTC(y!, mo! - 1, d, h, mi, s);
  let guess = wall - zoneOffset(wall, timeZone);
  guess = wall - zoneOffset(guess, timeZone);
  return new Date(guess).toISOString();
}

/** The wall-clock time ('YYYY-MM-DDTHH:mm', for a datetime-local) of `iso` in `timeZone`. */
export function instantToZoned(iso: string, timeZone: string): string {
  const instant = new Date(iso).getTime();
  return new Date(instant + zoneOffset(instant, timeZone)).toISOString().slice(0, 16);
}

/** "Europe/Berlin (Central European Standard Time)": the zone as the user knows it. */
export function zoneLabel(timeZone: string, at = new Date()): string {
  const long = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'long' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  return long && long !== timeZone ? `${timeZone} (${long})` : timeZone;
}

// ---- the draft in the page ----

interface MediaItem {
  /** Stable within the page, for the DOM (the server id only exists once the upload is done). */
  key: string;
  id: string | null;
  fileName: string;
  kind: MediaKind;
  mimeType: string;
  bytes: number;
  altText: string;
  /** 0–100 while uploading; null once Perch has the file. */
  progress: number | null;
  error: string | null;
  /** Part of the saved post being edited: removing it here only leaves it out (the saved post still names it). */
  saved?: boolean;
}

interface PollState {
  options: string[];
  days: number;
  hours: number;
  minutes: number;
}

interface PartState {
  key: string;
  text: string;
  media: MediaItem[];
  poll: PollState | null;
}

let nextKey = 0;
const newKey = () => `k${++nextKey}`;
const emptyPart = (): PartState => ({ key: newKey(), text: '', media: [], poll: null });

export const pollMinutes = (poll: PollState) => poll.days * 1440 + poll.hours * 60 + poll.minutes;

/** The move of one part up (-1) or down (+1); the list unchanged when it would leave the ends. */
export function movePart<T>(parts: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= parts.length) return [...parts];
  const moved = [...parts];
  [moved[index], moved[to]] = [moved[to]!, moved[index]!];
  return moved;
}

/**
 * The element that shows refusals for `path`: the one for the path itself, else for the nearest enclosing path
 * (`parts.1.poll.options.2` → `parts.1.poll`), else null (the form's own error says it).
 */
export function errorSlotFor(path: string, root: ParentNode = document): HTMLElement | null {
  const segments = path.split('.');
  while (segments.length) {
    const el = root.querySelector<HTMLElement>(
      `.field-error[data-path="${CSS.escape(segments.join('.'))}"]`,
    );
    if (el) return el;
    segments.pop();
  }
  return null;
}

/** Puts each refusal next to what it concerns (clearing the old ones); returns the ones no field took. */
export function placeIssues(issues: readonly PostIssue[], root: ParentNode = document): string[] {
  for (const el of root.querySelectorAll<HTMLElement>('.field-error[data-path]')) {
    el.textContent = '';
    el.hidden = true;
  }
  const unplaced: string[] = [];
  for (const issue of issues) {
    const slot = errorSlotFor(issue.path, root);
    if (!slot) {
      unplaced.push(issue.message);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${issue.message}` : issue.message;
    slot.hidden = false;
  }
  return unplaced;
}

// ---- uploads ----

/** Sends a file to POST /api/v1/media, reporting the upload's progress (0–100) as the browser sends it. */
export function uploadMedia(file: File, onProgress: (percent: number) => void): Promise<MediaView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/media');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    // Header values are ASCII: the name travels percent-encoded.
    xhr.setRequestHeader('x-perch-file-name', encodeURIComponent(file.name));
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // an answer that is not JSON is said below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body as MediaView);
      reject(
        new ApiError(
          problemSentence(body) ?? `The server answered ${xhr.status}.`,
          xhr.status,
          (body as { code?: string } | null)?.code,
        ),
      );
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError('The upload did not reach the Perch server. Try again.', 0)),
    );
    xhr.send(file);
  });
}

// ---- the page ----

interface Page {
  parts: PartState[];
  publishing: PublishingStatus | null;
  /** Refusals from the server's last answer, shown until the draft changes. */
  serverIssues: PostIssue[];
  /** After the first try to send, an empty part is a refusal too (before it, it is just not written yet). */
  tried: boolean;
  draftId: string | null;
  /** The draft's own zone when editing one scheduled elsewhere; else the browser's. */
  timeZone: string;
}

const accept = Object.values(mediaTypes).flat().join(',');
const maxLength = (page: Page) => page.publishing?.maxWeightedLength ?? standardMaxWeightedLength;

function draftOf(page: Page, action: PostDraftInput['action']): PostDraftInput {
  const when = scheduled();
  return {
    action,
    parts: page.parts.map((p) => ({
      text: p.text,
      mediaIds: p.media.flatMap((m) => (m.id ? [m.id] : [])),
      poll: p.poll
        ? { options: p.poll.options.map((o) => o.trim()), durationMinutes: pollMinutes(p.poll) }
        : null,
    })),
    replyTo: $<HTMLInputElement>('reply-to').value.trim() || null,
    quoteOf: $<HTMLInputElement>('quote-of').value.trim() || null,
    scheduledAt:
      action === 'schedule' || (action === 'draft' && when)
        ? zonedToInstant($<HTMLInputElement>('schedule-at').value, page.timeZone)
        : null,
    timeZone: page.timeZone,
  };
}

const scheduled = () => $<HTMLInputElement>('when-schedule').checked;

/** The page's own refusals: the shared validator's, plus what only the page knows (uploads not finished). */
function clientIssues(page: Page, action: PostDraftInput['action']): PostIssue[] {
  const draft = draftOf(page, action);
  const media = new Map(
    page.parts.flatMap((p) =>
      p.media.flatMap((m) =>
        m.id ? [[m.id, { kind: m.kind, mimeType: m.mimeType, bytes: m.bytes }] as const] : [],
      ),
    ),
  );
  // Until the first try to send, a part not written yet is not a refusal (the user is still on their way to it).
  const blank = (i: number) => {
    const part = page.parts[i];
    return !!part && part.text.trim() === '' && part.media.length === 0;
  };
  const issues = postIssues(draft, {
    maxWeightedLength: maxLength(page),
    media,
    now: new Date(),
  }).filter((issue) => {
    const part = /^parts\.(\d+)\.text$/.exec(issue.path);
    return page.tried || !part || !blank(Number(part[1]));
  });
  page.parts.forEach((p, i) => {
    if (p.media.some((m) => m.progress !== null))
      issues.push({ path: `parts.${i}.mediaIds`, message: 'Wait until the uploads are done.' });
    if (p.media.some((m) => m.error))
      issues.push({
        path: `parts.${i}.mediaIds`,
        message: 'Remove the files that did not upload.',
      });
  });
  return issues;
}

function currentAction(): PostDraftInput['action'] {
  return scheduled() ? 'schedule' : 'publish_now';
}

/** Shows every refusal where it belongs and turns the counters red past the limit; true when there is none. */
function check(page: Page): boolean {
  const issues = [...clientIssues(page, currentAction()), ...page.serverIssues];
  const unplaced = placeIssues(issues);
  const formError = $('form-error');
  formError.textContent = unplaced.join(' ');
  formError.hidden = unplaced.length === 0;
  page.parts.forEach((part, i) => {
    const counter = document.getElementById(`part-${i}-count`);
    if (!counter) return;
    const { weightedLength: used, maxWeightedLength: max } = weightedLength(
      part.text,
      maxLength(page),
    );
    const left = max - used;
    counter.textContent = left >= 0 ? `${left} left` : `${-left} over the limit of ${max}`;
    counter.dataset.over = String(left < 0);
  });
  const publish = $button('publish');
  publish.textContent = scheduled() ? 'Schedule' : 'Post now';
  publish.disabled = page.publishing?.canPublish === false;
  return issues.length === 0;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props))
    if (value !== undefined) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const button = (label: string, props: Record<string, string> = {}) =>
  el('button', { type: 'button', class: 'small', ...props }, label);

function mediaRow(page: Page, partIndex: number, item: MediaItem): HTMLLIElement {
  const li = el('li', { class: 'media-item', 'data-key': item.key });
  const head = el('p', { class: 'media-name' }, `${item.fileName} (${item.kind})`);
  li.append(head);
  if (item.progress !== null) {
    const bar = el('progress', {
      max: '100',
      value: String(item.progress),
      'aria-label': `Uploading ${item.fileName}`,
      class: 'upload-progress',
    });
    li.append(bar, el('span', { class: 'meta upload-percent' }, `${item.progress}%`));
  }
  if (item.error) li.append(el('p', { class: 'field-error', role: 'alert' }, item.error));
  if (item.id) {
    const altId = `alt-${item.key}`;
    li.append(el('label', { for: altId }, `Alt text for ${item.fileName}`));
    const alt = el('textarea', { id: altId, class: 'alt-text', rows: '2', maxlength: '1000' });
    alt.value = item.altText;
    alt.addEventListener('change', () => void saveAlt(item, alt.value));
    li.append(alt);
  }
  const remove = button('Remove', {
    'aria-label': `Remove ${item.fileName}`,
    class: 'small danger',
  });
  remove.addEventListener('click', () => {
    const part = page.parts[partIndex]!;
    part.media = part.media.filter((m) => m !== item);
    if (item.id && !item.saved)
      void api('DELETE', `/api/v1/media/${encodeURIComponent(item.id)}`).catch(() => {});
    changed(page, { render: true });
  });
  li.append(remove);
  return li;
}

async function saveAlt(item: MediaItem, altText: string) {
  if (!item.id) return;
  try {
    await api('PATCH', `/api/v1/media/${encodeURIComponent(item.id)}`, { altText });
    item.altText = altText;
    say('page-message', `Alt text saved for ${item.fileName}.`, { tone: 'ok' });
  } catch (error) {
    say('page-message', `Perch could not save the alt text. ${failure(error)}`, { tone: 'error' });
  }
}

function addFiles(page: Page, partIndex: number, files: readonly File[]) {
  const part = page.parts[partIndex];
  if (!part) return;
  for (const file of files) {
    const problem = mediaFileProblem(file.type, file.size);
    const item: MediaItem = {
      key: newKey(),
      id: null,
      fileName: file.name,
      kind: mediaKindOf(file.type) ?? 'image',
      mimeType: file.type,
      bytes: file.size,
      altText: '',
      progress: problem ? null : 0,
      error: problem,
    };
    part.media.push(item);
    if (problem) continue;
    uploadMedia(file, (percent) => {
      item.progress = percent;
      const row = document.querySelector(`.media-item[data-key="${item.key}"]`);
      const bar = row?.querySelector('progress');
      if (bar) bar.setAttribute('value', String(percent));
      const label = row?.querySelector('.upload-percent');
      if (label) label.textContent = `${percent}%`;
    })
      .then((media) => {
        item.id = media.id;
        item.kind = media.kind;
        item.progress = null;
      })
      .catch((error: unknown) => {
        item.progress = null;
        item.error = `${file.name} did not upload. ${failure(error)}`;
      })
      .finally(() => changed(page, { render: true }));
  }
  changed(page, { render: true });
}

function pollFields(page: Page, i: number, poll: PollState): HTMLFieldSetElement {
  const set = el('fieldset', { class: 'poll' });
  set.append(el('legend', {}, 'Poll'));
  poll.options.forEach((option, o) => {
    const id = `part-${i}-poll-${o}`;
    set.append(el('label', { for: id }, `Choice ${o + 1}`));
    const input = el('input', { id, class: 'poll-option', maxlength: '25', autocomplete: 'off' });
    input.value = option;
    input.addEventListener('input', () => {
      poll.options[o] = input.value;
      changed(page);
    });
    set.append(
      input,
      el('p', { class: 'field-error', 'data-path': `parts.${i}.poll.options.${o}`, hidden: '' }),
    );
  });
  const row = el('p', { class: 'poll-actions' });
  if (poll.options.length < 4) {
    const add = button('Add a choice');
    add.addEventListener('click', () => {
      poll.options.push('');
      changed(page, { render: true, focus: `part-${i}-poll-${poll.options.length - 1}` });
    });
    row.append(add);
  }
  if (poll.options.length > 2) {
    const drop = button('Remove the last choice');
    drop.addEventListener('click', () => {
      poll.options.pop();
      changed(page, { render: true });
    });
    row.append(drop);
  }
  set.append(row);
  const length = el('div', { class: 'poll-length' });
  const unit = (name: 'days' | 'hours' | 'minutes', label: string, max: number) => {
    const id = `part-${i}-poll-${name}`;
    const input = el('input', {
      id,
      type: 'number',
      min: '0',
      max: String(max),
      class: 'poll-unit',
    });
    input.value = String(poll[name]);
    input.addEventListener('input', () => {
      poll[name] = Math.max(0, Math.floor(Number(input.value) || 0));
      changed(page);
    });
    length.append(el('label', { for: id }, label), input);
  };
  unit('days', 'Days', 7);
  unit('hours', 'Hours', 23);
  unit('minutes', 'Minutes', 59);
  set.append(
    el('p', { class: 'hint' }, 'A poll runs from 5 minutes to 7 days.'),
    length,
    el('p', { class: 'field-error', 'data-path': `parts.${i}.poll.durationMinutes`, hidden: '' }),
    el('p', { class: 'field-error', 'data-path': `parts.${i}.poll`, hidden: '' }),
  );
  const remove = button('Remove the poll', { class: 'small danger' });
  remove.addEventListener('click', () => {
    page.parts[i]!.poll = null;
    changed(page, { render: true });
  });
  set.append(remove);
  return set;
}

function partItem(page: Page, part: PartState, i: number): HTMLLIElement {
  const count = page.parts.length;
  const li = el('li', { class: 'part card', 'data-index': String(i) });
  const head = el('div', { class: 'part-head' });
  const title = count > 1 ? `Post ${i + 1} of ${count}` : 'Post';
  head.append(el('h2', { id: `part-${i}-heading` }, title));
  const tools = el('div', {
    class: 'part-tools',
    role: 'group',
    'aria-label': `Move or remove ${title}`,
  });
  if (count > 1) {
    const up = button('Move up', { class: 'small move-up', 'aria-label': `Move post ${i + 1} up` });
    up.disabled = i === 0;
    up.addEventListener('click', () => {
      page.parts = movePart(page.parts, i, -1);
      changed(page, { render: true, focus: `part-${i - 1}-up` });
    });
    up.id = `part-${i}-up`;
    const down = button('Move down', {
      class: 'small move-down',
      'aria-label': `Move post ${i + 1} down`,
    });
    down.disabled = i === count - 1;
    down.id = `part-${i}-down`;
    down.addEventListener('click', () => {
      page.parts = movePart(page.parts, i, 1);
      changed(page, { render: true, focus: `part-${i + 1}-down` });
    });
    const remove = button('Remove', {
      class: 'small danger remove-part',
      'aria-label': `Remove post ${i + 1}`,
    });
    remove.addEventListener('click', () => {
      page.parts.splice(i, 1);
      changed(page, { render: true, focus: `part-${Math.max(0, i - 1)}-text` });
    });
    tools.append(up, down, remove);
  }
  head.append(tools);
  li.append(head);

  const textId = `part-${i}-text`;
  li.append(el('label', { for: textId }, 'Text'));
  const text = el('textarea', {
    id: textId,
    class: 'part-text',
    rows: '4',
    'aria-describedby': `part-${i}-count part-${i}-text-error`,
  });
  text.value = part.text;
  text.addEventListener('input', () => {
    part.text = text.value;
    changed(page);
  });
  li.append(
    text,
    el('p', { id: `part-${i}-count`, class: 'counter', 'aria-live': 'polite' }),
    el('p', {
      id: `part-${i}-text-error`,
      class: 'field-error',
      'data-path': `parts.${i}.text`,
      hidden: '',
    }),
  );

  const zone = el('div', { class: 'drop-zone', 'data-part': String(i) });
  const pickId = `part-${i}-files`;
  zone.append(
    el('span', {}, 'Drag up to 4 images, a GIF or a video here, or '),
    el('label', { for: pickId, class: 'link' }, 'choose files'),
  );
  const picker = el('input', {
    id: pickId,
    type: 'file',
    multiple: '',
    accept,
    class: 'visually-hidden',
  });
  picker.addEventListener('change', () => {
    addFiles(page, i, [...(picker.files ?? [])]);
    picker.value = '';
  });
  zone.append(picker);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.dataset.over = 'true';
  });
  zone.addEventListener('dragleave', () => delete zone.dataset.over);
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    delete zone.dataset.over;
    addFiles(page, i, [...(event.dataTransfer?.files ?? [])]);
  });
  if (page.publishing && !page.publishing.canUploadMedia)
    zone.append(
      el(
        'p',
        { class: 'hint' },
        'Uploads need the media.write permission: extend the X connection in Settings.',
      ),
    );
  li.append(zone);
  if (part.media.length) {
    const list = el('ul', { class: 'media-list', 'aria-label': `Media of post ${i + 1}` });
    for (const item of part.media) list.append(mediaRow(page, i, item));
    li.append(list);
  }
  li.append(el('p', { class: 'field-error', 'data-path': `parts.${i}.mediaIds`, hidden: '' }));

  if (part.poll) li.append(pollFields(page, i, part.poll));
  else {
    const add = button('Add a poll', { class: 'small add-poll', id: `part-${i}-add-poll` });
    add.addEventListener('click', () => {
      part.poll = { options: ['', ''], days: 1, hours: 0, minutes: 0 };
      changed(page, { render: true, focus: `part-${i}-poll-0` });
    });
    li.append(add, el('p', { class: 'field-error', 'data-path': `parts.${i}.poll`, hidden: '' }));
  }
  li.append(el('p', { class: 'field-error', 'data-path': `parts.${i}`, hidden: '' }));
  return li;
}

function render(page: Page) {
  const list = $('parts');
  list.replaceChildren(...page.parts.map((part, i) => partItem(page, part, i)));
  $button('add-part').disabled = page.parts.length >= 25;
}

/** After any change: the server's old refusals no longer hold; redraw when the shape changed; check again. */
function changed(
  page: Page,
  { render: again = false, focus }: { render?: boolean; focus?: string } = {},
) {
  page.serverIssues = [];
  if (again) render(page);
  check(page);
  if (focus) document.getElementById(focus)?.focus();
}

/** The answer's refusals by path (problem+json `errors[]`), else its sentence on the form. */
async function send(page: Page, action: PostDraftInput['action']): Promise<PostView | null> {
  const draft = draftOf(page, action);
  const path = page.draftId ? `/api/v1/posts/${encodeURIComponent(page.draftId)}` : '/api/v1/posts';
  let response: Response;
  try {
    response = await fetch(path, {
      method: page.draftId ? 'PUT' : 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, application/problem+json',
      },
      body: JSON.stringify(draft),
    });
  } catch {
    say(
      'form-error',
      'Perch could not reach its server. Check that it is running, then try again.',
      {
        tone: 'error',
      },
    );
    return null;
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as PostView;
  if (response.status === 401) {
    location.assign('/sign-in');
    return null;
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  page.serverIssues = Array.isArray(errors)
    ? errors.filter(
        (e): e is PostIssue => !!e && typeof e.path === 'string' && typeof e.message === 'string',
      )
    : [];
  check(page);
  if (page.serverIssues.length === 0) {
    const formError = $('form-error');
    formError.textContent = problemSentence(body) ?? `The server answered ${response.status}.`;
    formError.hidden = false;
  }
  return null;
}

async function submit(page: Page, action: PostDraftInput['action'], trigger: HTMLButtonElement) {
  page.tried = action !== 'draft';
  page.serverIssues = [];
  const ok = check(page);
  const blocking = clientIssues(page, action).filter(
    (i) => action !== 'draft' || /media/.test(i.path),
  );
  if ((action !== 'draft' && !ok) || blocking.length) {
    document
      .querySelector<HTMLElement>('.field-error:not([hidden])')
      ?.scrollIntoView?.({ block: 'center' });
    return;
  }
  const before = trigger.textContent;
  trigger.disabled = true;
  trigger.textContent =
    action === 'draft' ? 'Saving…' : action === 'schedule' ? 'Scheduling…' : 'Posting…';
  try {
    const post = await send(page, action);
    if (post) location.assign(`/posts#post-${post.id}`);
  } finally {
    trigger.textContent = before;
    trigger.disabled = false;
    check(page);
  }
}

function showBudget(budget: PostingBudget) {
  const el = $('budget');
  if (budget.blocked) {
    el.textContent = budget.blocked.sentence;
    el.dataset.tone = 'error';
    el.hidden = false;
    return;
  }
  const bits: string[] = [];
  const { window, day } = budget;
  if (window.remaining !== null)
    bits.push(
      `${window.remaining} of ${window.limit ?? '?'} posts left in X's 15-minute window${window.resetAt ? ` (it resets at ${formatDate(window.resetAt)})` : ''}`,
    );
  if (day.remaining !== null)
    bits.push(
      `${day.remaining} of ${day.limit ?? '?'} left today${day.resetAt ? ` (until ${formatDate(day.resetAt)})` : ''}`,
    );
  el.textContent = bits.length
    ? `${bits.join('; ')}.`
    : 'X has not said yet how many posts are left in its window.';
  el.dataset.tone = window.remaining === 0 || day.remaining === 0 ? 'warn' : 'info';
  el.hidden = false;
}

function showPublishing(page: Page, status: PublishingStatus) {
  page.publishing = status;
  $('publishing-problem-text').textContent = status.problem ?? 'Publishing is not set up yet.';
  $('publishing-problem').hidden = status.canPublish;
}

function loadDraft(page: Page, post: PostView) {
  page.draftId = post.id;
  page.parts = post.parts.map((p) => ({
    key: newKey(),
    text: p.text,
    media: p.media.map((m) => ({
      key: newKey(),
      id: m.id,
      fileName: m.fileName,
      kind: m.kind,
      mimeType: m.mimeType,
      bytes: m.bytes,
      altText: m.altText,
      progress: null,
      error: null,
      saved: true,
    })),
    poll: p.poll
      ? {
          options: [...p.poll.options],
          days: Math.floor(p.poll.durationMinutes / 1440),
          hours: Math.floor((p.poll.durationMinutes % 1440) / 60),
          minutes: p.poll.durationMinutes % 60,
        }
      : null,
  }));
  if (!page.parts.length) page.parts = [emptyPart()];
  $<HTMLInputElement>('reply-to').value = post.replyTo ?? '';
  $<HTMLInputElement>('quote-of').value = post.quoteOf ?? '';
  if (post.scheduledAt) {
    page.timeZone = post.timeZone || page.timeZone;
    $<HTMLInputElement>('when-schedule').checked = true;
    $<HTMLInputElement>('schedule-at').value = instantToZoned(post.scheduledAt, page.timeZone);
  }
}

function showWhen(page: Page) {
  $('schedule-fields').hidden = !scheduled();
  $('time-zone').textContent = `Time zone: ${zoneLabel(page.timeZone)}.`;
}

export async function start(): Promise<void> {
  startHeader();
  const form = $<HTMLFormElement>('compose-form');
  const page: Page = {
    parts: [emptyPart()],
    publishing: null,
    serverIssues: [],
    tried: false,
    draftId: null,
    timeZone: browserTimeZone(),
  };
  const draftId = form.dataset.draft;
  render(page);
  showWhen(page);
  check(page);

  $('add-part').addEventListener('click', () => {
    page.parts.push(emptyPart());
    changed(page, { render: true, focus: `part-${page.parts.length - 1}-text` });
  });
  for (const id of ['when-now', 'when-schedule', 'schedule-at', 'reply-to', 'quote-of'])
    $(id).addEventListener(id.startsWith('when') ? 'change' : 'input', () => {
      showWhen(page);
      changed(page);
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(page, currentAction(), $button('publish'));
  });
  $('save-draft').addEventListener(
    'click',
    () => void submit(page, 'draft', $button('save-draft')),
  );

  await Promise.all([
    api<PublishingStatus>('GET', '/api/v1/x/publishing')
      .then((status) => showPublishing(page, status))
      .catch((error: unknown) =>
        say(
          'page-message',
          `Perch could not tell whether publishing is set up. ${failure(error)}`,
          {
            tone: 'error',
          },
        ),
      ),
    api<PostingBudget>('GET', '/api/v1/posts/budget')
      .then(showBudget)
      .catch(() => {}),
    draftId
      ? api<PostView>('GET', `/api/v1/posts/${encodeURIComponent(draftId)}`)
          .then((post) => loadDraft(page, post))
          .catch((error: unknown) =>
            say('page-message', `Perch could not open the saved post. ${failure(error)}`, {
              tone: 'error',
            }),
          )
      : null,
  ]);
  render(page);
  showWhen(page);
  check(page);
}
