// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { formatDate, formatRelative, localiseTimes, timeElement } from './time.ts';

const now = Date.parse('2026-03-12T10:15:00.000Z');
const at = (ms: number) => new Date(now + ms).toISOString();

describe('the <time> builder', () => {
  it('says when relative to now, with the full date as its tooltip and the ISO time as its value', () => {
    const iso = at(-5 * 60_000);
    const time = timeElement(iso);
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe(iso);
    expect(time.title).toBe(formatDate(iso));
    expect(time.textContent).toBe(formatRelative(iso));
  });

  it('says the full date when asked', () => {
    const iso = '2026-01-01T10:15:00.000Z';
    expect(timeElement(iso, 'date').textContent).toBe(formatDate(iso));
  });

  it('words a time near now, within the hour, within the day, and else by date', () => {
    expect(formatRelative(at(-30_000), now)).toBe('just now');
    expect(formatRelative(at(-5 * 60_000), now)).toMatch(/5/);
    expect(formatRelative(at(2 * 3600_000), now)).toMatch(/2/);
    expect(formatRelative(at(-3 * 86400_000), now)).toBe(`on ${formatDate(at(-3 * 86400_000))}`);
  });

  it('rewrites the server’s UTC fallbacks in this browser’s locale', () => {
    document.body.innerHTML =
      '<p><time datetime="2026-01-01T10:15:00.000Z">2026-01-01 10:15 UTC</time> <time>plain</time></p>';
    localiseTimes();
    const [dated, plain] = document.querySelectorAll('time');
    expect(dated!.textContent).toBe(formatDate('2026-01-01T10:15:00.000Z'));
    expect(plain!.textContent).toBe('plain');
  });
});
