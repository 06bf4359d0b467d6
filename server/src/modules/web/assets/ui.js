/**
 * Small DOM helpers the settings page's modules share: messages, busy buttons, dates.
 */
import { ApiError } from './api.js';

export const $ = (id) => document.getElementById(id);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Shows `text` in the message element `id` (hides it when empty); `source` tells polls' messages from actions'. */
export function say(id, text, { tone = 'info', source = 'action' } = {}) {
  const el = $(id);
  el.textContent = text ?? '';
  el.dataset.tone = tone;
  el.dataset.source = source;
  delete el.dataset.forState;
  el.hidden = !text;
}

/** Turns a failed call into a sentence; a lost session goes back to sign-in. */
export function failure(error) {
  if (error instanceof ApiError && error.status === 401) {
    location.assign('/sign-in');
    return 'Your session ended. Sign in again.';
  }
  return error instanceof ApiError ? error.sentence : 'Something went wrong. Try again.';
}

/** Runs an action with its button disabled and labelled as busy. */
export async function busy(button, label, action) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await action();
  } finally {
    button.textContent = before;
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

export function formatDate(iso) {
  return dateTime.format(new Date(iso));
}

export function formatRelative(iso, now = Date.now()) {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeTime.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeTime.format(Math.round(seconds / 3600), 'hour');
  return `on ${formatDate(iso)}`;
}
