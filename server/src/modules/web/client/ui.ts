/**
 * Small DOM helpers the pages' scripts share: elements by id, messages, failures as sentences, busy buttons.
 */
import { ApiError } from './api.ts';

/** The element with `id`; a missing one is a page bug, so it throws rather than returning null. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`This page has no #${id}.`);
  return el as T;
}

export const $button = (id: string) => $<HTMLButtonElement>(id);

export type Tone = 'info' | 'ok' | 'warn' | 'error' | 'idle';

/** Shows `text` in the message element `id` (hides it when empty); `source` tells polls' messages from actions'. */
export function say(
  id: string,
  text: string | null,
  { tone = 'info', source = 'action' }: { tone?: Tone; source?: 'action' | 'poll' } = {},
): void {
  const el = $(id);
  el.textContent = text ?? '';
  el.dataset.tone = tone;
  el.dataset.source = source;
  delete el.dataset.forState;
  el.hidden = !text;
}

/** Turns a failed call into a sentence; a lost session goes back to sign-in. */
export function failure(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) {
    location.assign('/sign-in');
    return 'Your session ended. Sign in again.';
  }
  return error instanceof ApiError ? error.sentence : 'Something went wrong. Try again.';
}

/** Runs an action with its button disabled and labelled as busy. */
export async function busy<T>(
  button: HTMLButtonElement,
  label: string,
  action: () => Promise<T>,
): Promise<T> {
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

/** True unless busy() is running on the button (its label and state are then busy()'s to restore). */
export const idle = (button: HTMLElement) => button.getAttribute('aria-busy') !== 'true';

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The closest `selector` around an event's target, when the target is an element. */
export function closestTo<T extends Element>(event: Event, selector: string): T | null {
  return event.target instanceof Element ? (event.target.closest(selector) as T | null) : null;
}
