/**
 * Dates in the reader's own locale and time zone, and the one builder of <time> elements every script uses.
 * The server renders a UTC fallback into each <time datetime>; localiseTimes() rewrites those the same way.
 */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "12 Mar 2026, 10:15" in this browser's locale. */
export function formatDate(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** "just now", "5 minutes ago", "in 2 hours", else "on <date>". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeTime.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeTime.format(Math.round(seconds / 3600), 'hour');
  return `on ${formatDate(iso)}`;
}

/** 'relative' reads "5 minutes ago" (the full date in its tooltip); 'date' reads the full date. */
export type TimeStyle = 'relative' | 'date';

/** Makes `el` say `iso` in `style`; the machine-readable value and the full date (tooltip) are always set. */
export function showTime(
  el: HTMLTimeElement,
  iso: string,
  style: TimeStyle = 'relative',
  now = Date.now(),
): HTMLTimeElement {
  el.setAttribute('datetime', iso); // an attribute, not .dateTime: linkedom (the server's page tests) has no such property
  el.title = formatDate(iso);
  el.textContent = style === 'relative' ? formatRelative(iso, now) : formatDate(iso);
  return el;
}

/** A new <time> for `iso`, in the document `doc` (the page's own by default). */
export function timeElement(
  iso: string,
  style: TimeStyle = 'relative',
  doc: Document = document,
): HTMLTimeElement {
  return showTime(doc.createElement('time'), iso, style);
}

/** Rewrites every server-rendered <time datetime> under `root` as a full date in this browser's locale and zone. */
export function localiseTimes(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLTimeElement>('time[datetime]'))
    showTime(el, el.getAttribute('datetime')!, 'date');
}
