/**
 * What every CRM page shares: Sign out, the unread badge (#unread-count), dates in the reader's own locale,
 * and a form helper. Browser module, imported by settings.js, contacts.js, contact.js and notifications.js.
 */
import { ApiError, api } from './api.js';
import { $, busy, failure, formatDate, say } from './ui.js';

/** Rewrites every server-rendered <time datetime> in this browser's locale and time zone. */
export function localiseTimes(root = document) {
  for (const el of root.querySelectorAll('time[datetime]')) el.textContent = formatDate(el.dateTime);
}

export function setUnreadCount(count) {
  const badge = $('unread-count');
  if (!badge) return;
  badge.textContent = String(count);
  badge.setAttribute('aria-label', `${count} unread`);
  badge.hidden = count === 0;
}

/** Shows a form's error (or hides it when `text` is empty). */
export function formError(text) {
  const el = $('form-error');
  el.textContent = text ?? '';
  el.hidden = !text;
}

/** Submits `form` as JSON through `send(values)`; shows the failure under the form. */
export function onSubmit(form, busyLabel, send) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError('');
    const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
    const button = form.querySelector('button[type="submit"]');
    await busy(button, busyLabel, async () => {
      try {
        await send(values);
      } catch (error) {
        formError(failure(error));
      }
    });
  });
}

async function signOut() {
  await busy($('sign-out'), 'Signing out…', async () => {
    try {
      await api('POST', '/api/v1/auth/sign-out');
      location.assign('/sign-in');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return location.assign('/sign-in');
      say('page-message', `Perch could not sign you out. ${failure(error)}`, { tone: 'error' });
    }
  });
}

$('sign-out').addEventListener('click', () => void signOut());
localiseTimes();
