/**
 * What every signed-in page shares: Sign out, the unread badge (#unread-count), dates in the reader's own locale,
 * and a form helper.
 */
import { ApiError, api } from './api.ts';
import { localiseTimes } from './time.ts';
import { $, $button, busy, failure, say } from './ui.ts';

export function setUnreadCount(count: number): void {
  const badge = document.getElementById('unread-count');
  if (!badge) return;
  badge.textContent = String(count);
  badge.setAttribute('aria-label', `${count} unread`);
  badge.hidden = count === 0;
}

/** Shows a form's error (or hides it when `text` is empty). */
export function formError(text: string): void {
  const el = $('form-error');
  el.textContent = text;
  el.hidden = !text;
}

/** Submits `form` as JSON through `send(values)`; shows the failure under the form. */
export function onSubmit(
  form: HTMLFormElement,
  busyLabel: string,
  send: (values: Record<string, string>) => Promise<void>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError('');
    const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
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
  await busy($button('sign-out'), 'Signing out…', async () => {
    try {
      await api('POST', '/api/v1/auth/sign-out');
      location.assign('/sign-in');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return location.assign('/sign-in');
      say('page-message', `Perch could not sign you out. ${failure(error)}`, { tone: 'error' });
    }
  });
}

/** Wires Sign out and localises the server's dates; every signed-in page's start() calls it first. */
export function startHeader(): void {
  $('sign-out').addEventListener('click', () => void signOut());
  localiseTimes();
}
